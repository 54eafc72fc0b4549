#!/usr/bin/env bash
# Installs and starts what the tests need on a fresh Debian 12 machine; does nothing that is already done.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-host.sh

need_apt=()
command -v node >/dev/null || need_apt+=(nodejs npm)
# The tests' bootable guest: a Debian kernel, a busybox initramfs, an ext4 root.
ls /boot/vmlinuz-* >/dev/null 2>&1 || need_apt+=(linux-image-amd64)
dpkg -s busybox-static >/dev/null 2>&1 || need_apt+=(busybox-static)
# The Debian guest (tests/guest/build-debian.sh: debootstrap, sfdisk, extlinux) and the tests that boot it: DNS lookups
# at a network's dnsmasq (dig), NoCloud seeds read back (isoinfo) or made by hand (genisoimage). The remote tests: an
# sshd of their own in front of libvirtd, and a second libvirtd in mount and network namespaces (unshare, ip).
# make bench --scale: virt-clone, the floor of full clones.
# Emulated TPMs: libvirt runs swtpm, and swtpm_setup (swtpm-tools) to make their state.
for tool in cpio:cpio modprobe:kmod mkfs.ext4:e2fsprogs ssh-keygen:openssh-client debootstrap:debootstrap \
            sfdisk:fdisk extlinux:extlinux genisoimage:genisoimage isoinfo:genisoimage dig:dnsutils \
            /usr/sbin/sshd:openssh-server unshare:util-linux ip:iproute2 virt-clone:virtinst \
            swtpm:swtpm swtpm_setup:swtpm-tools; do
  command -v "${tool%%:*}" >/dev/null || need_apt+=("${tool##*:}")
done
# Shared folders over virtiofs: libvirt 9 runs the virtiofsd its vhost-user descriptor names, QEMU 7.2's own
# (qemu-system-common), not the separate virtiofsd package.
[ -f /usr/share/qemu/vhost-user/50-qemu-virtiofsd.json ] || need_apt+=(qemu-system-common)
# extlinux's MBR code.
[ -f /usr/lib/syslinux/mbr/mbr.bin ] || need_apt+=(syslinux-common)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

# The interop suite's client: Pulumi's own generated stubs on @grpc/grpc-js.
if [ ! -d tests/interop/node_modules/@pulumi/pulumi ] || [ tests/interop/package-lock.json -nt tests/interop/node_modules ]; then
  (cd tests/interop && npm ci --no-audit --no-fund --loglevel=error)
fi
