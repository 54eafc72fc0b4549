#!/usr/bin/env bash
# Installs and starts libvirt on a fresh Debian 12 machine (what `make up` and `make test` both need); does nothing
# that is already done.
set -euo pipefail

need_apt=()
command -v virsh >/dev/null || need_apt+=(libvirt-clients)
[ -x /usr/sbin/libvirtd ] || need_apt+=(libvirt-daemon-system)
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null || need_apt+=(qemu-utils)
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
# A Network's DHCP and DNS.
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || need_apt+=(dnsmasq-base)
# UEFI firmware, for domains with firmware: efi.
[ -e /usr/share/qemu/firmware/60-edk2-x86_64.json ] || need_apt+=(ovmf)
# Emulated TPMs (tpm: libvirt runs swtpm, and swtpm_setup of swtpm-tools makes each TPM's state).
command -v swtpm >/dev/null || need_apt+=(swtpm)
command -v swtpm_setup >/dev/null || need_apt+=(swtpm-tools)
# Guest identity (virt-sysprep).
command -v virt-sysprep >/dev/null || need_apt+=(libguestfs-tools)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# No systemd here: start the daemons ourselves when they are not running.
pgrep -x virtlogd >/dev/null || /usr/sbin/virtlogd -d
pgrep -x libvirtd >/dev/null || /usr/sbin/libvirtd -d
for _ in $(seq 1 60); do
  virsh -c qemu:///system list >/dev/null 2>&1 && break
  sleep 0.5
done
virsh -c qemu:///system list >/dev/null
