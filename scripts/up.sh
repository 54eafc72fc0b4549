#!/usr/bin/env bash
# `make up` and `make down`: `pulumi up` (or `pulumi destroy`) of an example on this machine's libvirt, with a local
# state backend, after setting up what a fresh host lacks (libvirt and its daemons, the Pulumi CLI).
#   scripts/up.sh up|down EXAMPLE_DIR
set -euo pipefail
action=$1
example=$2
cd "$(dirname "$0")/.."

scripts/install-host.sh
PATH="$(scripts/install-pulumi.sh):$PATH"
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$HOME/.pulumi-libvirt-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-}
[[ $PULUMI_BACKEND_URL == file://* ]] && mkdir -p "${PULUMI_BACKEND_URL#file://}"
cd "$example"
pulumi stack select dev 2>/dev/null || pulumi stack init dev

# Software emulation where libvirt offers no kvm domains (no usable /dev/kvm), unless the stack chose already.
if grep -q '^  domainType:' Pulumi.yaml && ! pulumi config get domainType >/dev/null 2>&1 \
  && ! virsh -c qemu:///system domcapabilities --virttype kvm >/dev/null 2>&1; then
  echo "KVM is not available here: the machines run under software emulation (pulumi config set domainType qemu)"
  pulumi config set domainType qemu
fi

# The lab's machines let in the key of whoever runs make up: ~/.ssh/id_ed25519.pub, made when there is none.
if [ "$action" = up ] && grep -q '^  sshPublicKey:' Pulumi.yaml && ! pulumi config get sshPublicKey >/dev/null 2>&1; then
  key=$HOME/.ssh/id_ed25519
  if [ ! -f "$key.pub" ]; then
    mkdir -p -m 700 "$HOME/.ssh"
    ssh-keygen -q -t ed25519 -N '' -C "$(id -un)@$(hostname)" -f "$key"
    echo "made the SSH key $key for the lab's machines"
  fi
  echo "the machines let in $key.pub (pulumi config set sshPublicKey to choose another key)"
  pulumi config set sshPublicKey "$(cat "$key.pub")"
fi

# Asks before changing anything when someone is at the terminal; a script or CI gets --yes.
confirm=()
[ -t 0 ] || confirm=(--yes)
case $action in
  up) pulumi up "${confirm[@]}" ;;
  down) pulumi destroy "${confirm[@]}" ;;
  *) echo "usage: $0 up|down EXAMPLE_DIR" >&2; exit 2 ;;
esac
