#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh Debian 12 machine; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v virsh >/dev/null || need_apt+=(libvirt-clients)
[ -x /usr/sbin/libvirtd ] || need_apt+=(libvirt-daemon-system)
command -v qemu-img >/dev/null && command -v qemu-io >/dev/null || need_apt+=(qemu-utils)
command -v qemu-system-x86_64 >/dev/null || need_apt+=(qemu-system-x86)
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || need_apt+=(dnsmasq-base)
# UEFI firmware, for domains with firmware: efi.
[ -e /usr/share/qemu/firmware/60-edk2-x86_64.json ] || need_apt+=(ovmf)
command -v node >/dev/null || need_apt+=(nodejs npm)
# Guest identity (virt-sysprep) and the tests' bootable guest: a Debian kernel, a busybox initramfs, an ext4 root.
command -v virt-sysprep >/dev/null || need_apt+=(libguestfs-tools)
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_apt+=(linux-image-amd64)
dpkg -s busybox-static >/dev/null 2>&1 || need_apt+=(busybox-static)
for tool in cpio:cpio modprobe:kmod mkfs.ext4:e2fsprogs ssh-keygen:openssh-client; do
  command -v "${tool%%:*}" >/dev/null || need_apt+=("${tool##*:}")
done
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

# The interop suite's client: Pulumi's own generated stubs on @grpc/grpc-js.
if [ ! -d tests/interop/node_modules/@pulumi/pulumi ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi
