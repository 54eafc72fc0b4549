#!/usr/bin/env bash
# Makes sure the Pulumi CLI is there: on PATH, or in ~/.pulumi/bin, else installed there with Pulumi's official
# installer. Prints the directory that holds the `pulumi` command.
set -euo pipefail
installer=${PULUMI_INSTALL_URL:-https://get.pulumi.com}

if found=$(command -v pulumi); then dirname "$found"; exit 0; fi
if [ -x "$HOME/.pulumi/bin/pulumi" ]; then echo "$HOME/.pulumi/bin"; exit 0; fi

if ! command -v curl >/dev/null; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq curl >/dev/null
fi
echo "installing the Pulumi CLI into $HOME/.pulumi/bin with $installer" >&2
script=$(mktemp)
trap 'rm -f "$script"' EXIT
if ! curl -fsSL --connect-timeout 15 --max-time 120 "$installer" -o "$script" || ! sh "$script" --silent >&2 \
  || [ ! -x "$HOME/.pulumi/bin/pulumi" ]; then
  cat >&2 <<MSG
Could not install the Pulumi CLI from $installer: this machine seems to have no network access to it.
Install it another way (https://www.pulumi.com/docs/install/: a release archive unpacked into ~/.pulumi/bin, or a
package), so that \`pulumi\` is on PATH or in ~/.pulumi/bin, then run the command again. The plugin itself is built already.
MSG
  exit 1
fi
echo "$HOME/.pulumi/bin"
