#!/usr/bin/env bash
# `make up`: pulumi up on an example, with a local state backend in ~/.pulumi-libvirt-state.
set -euo pipefail
example=${1:-examples/volumes}
if ! command -v pulumi >/dev/null; then
  cat >&2 <<'MSG'
The pulumi CLI is not installed, so there is nothing to run the example with.
Install it (https://www.pulumi.com/docs/install/, e.g. `curl -fsSL https://get.pulumi.com | sh`),
then run `make up` again. The plugin itself is built and installed already (make install).
MSG
  exit 1
fi
export PULUMI_BACKEND_URL=${PULUMI_BACKEND_URL:-file://$HOME/.pulumi-libvirt-state}
export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-}
mkdir -p "$HOME/.pulumi-libvirt-state"
cd "$example"
pulumi stack select dev 2>/dev/null || pulumi stack init dev
pool=$(pulumi config get pool 2>/dev/null || echo default)
if ! virsh -c "${LIBVIRT_DEFAULT_URI:-qemu:///system}" pool-info "$pool" >/dev/null 2>&1; then
  cat >&2 <<MSG
The example puts its volumes in the storage pool '$pool', which does not exist on this host. Create it:
  virsh pool-define-as $pool dir --target /var/lib/libvirt/images
  virsh pool-build $pool && virsh pool-start $pool && virsh pool-autostart $pool
or choose another pool: (cd $example && pulumi config set pool NAME)
MSG
  exit 1
fi
pulumi up
