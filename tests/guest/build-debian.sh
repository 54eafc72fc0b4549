#!/usr/bin/env bash
# Build a real Debian 12 (bookworm) cloud-style test guest: systemd, cloud-init
# (NoCloud), openssh-server, qemu-guest-agent. Built once per machine.
#
# Usage: tests/guest/build-debian.sh [OUTDIR]   (FORCE=1 to rebuild)
#        OUTDIR defaults to /var/tmp/pulumi-libvirt-test-debian
#
# Outputs in OUTDIR (world-readable: qemu runs as libvirt-qemu):
#   debian.qcow2  a disk that boots by itself (MBR, extlinux, ext4 root in
#                 partition 1), 2 GiB virtual; the base of overlays
#   guest.env     paths, CMDLINE, HOSTKEYS_SHA256 (sha256 of the template's
#                 host public keys, sorted by file name) and
#                 HOSTKEY_FINGERPRINTS (their SHA256 fingerprints, sorted):
#                 a clone that ran cloud-init with a new instance-id has
#                 other keys
#
# The guest: hostname 'template', empty /etc/machine-id, no users but root
# (locked); cloud-init with datasource_list [NoCloud, None] makes the users
# (seed ISO with volume id 'cidata'). Network: cloud-init renders its
# config for systemd-networkd (first NIC, DHCP when no network-config);
# net.ifnames=0 makes the first NIC eth0.
#
# Needs (apt): debootstrap e2fsprogs fdisk extlinux syslinux-common qemu-utils, and network access to
# the Debian mirror (MIRROR, default http://deb.debian.org/debian). Root.
set -euo pipefail

OUT=${1:-/var/tmp/pulumi-libvirt-test-debian}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
SIZE=2G
FS_UUID='3b0f6a52-5d0c-4d1e-9c7e-2a6e0d9b7c11'  # fixed: stable fstab and inspection
CMDLINE="root=UUID=$FS_UUID rw console=ttyS0 net.ifnames=0 fsck.mode=skip"
PACKAGES=(
    systemd-sysv udev dbus linux-image-amd64 initramfs-tools zstd
    cloud-init openssh-server openssh-sftp-server qemu-guest-agent
    netbase iproute2 systemd-resolved sudo procps less
)

[ $# -le 1 ] || { echo "usage: $0 [OUTDIR]" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0 needs root (debootstrap, chroot)" >&2; exit 1; }
for t in debootstrap mkfs.ext4 qemu-img sha256sum ssh-keygen sfdisk extlinux; do
    command -v "$t" >/dev/null || { echo "missing tool: $t (scripts/install-deps.sh)" >&2; exit 1; }
done

# Idempotent: skip when this script is unchanged, so a rerun never replaces a
# debian.qcow2 that existing overlays are backed by.
STAMP="$(sha256sum "$0" | cut -d' ' -f1) $SUITE"
if [ "${FORCE:-0}" != 1 ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ] \
   && [ -f "$OUT/debian.qcow2" ] && [ -f "$OUT/guest.env" ]; then
    echo "debian guest up to date in $OUT"; exit 0
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
chmod 0755 "$OUT"
# Not /tmp: the root tree is ~1 GiB and /tmp may be a small tmpfs.
WORK=$(mktemp -d /var/tmp/debian-build.XXXXXX)
R=$WORK/root
MNT=$WORK/mnt

unmount_chroot() {
    local m
    if mountpoint -q "$MNT"; then umount "$MNT" || umount -l "$MNT"; fi
    for m in dev/pts sys proc; do
        if mountpoint -q "$R/$m"; then umount "$R/$m" || umount -l "$R/$m"; fi
    done
}
cleanup() {
    unmount_chroot
    # Never rm -rf through a mount.
    if findmnt -rn -o TARGET | grep -q "^$WORK/"; then
        echo "still mounted under $R; leaving $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT

in_chroot() { chroot "$R" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }

# ---------- install ----------
echo "debootstrap $SUITE from $MIRROR"
debootstrap --variant=minbase "$SUITE" "$R" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -n 30 "$WORK/debootstrap.log" >&2; exit 1; }

# Nothing starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$R/usr/sbin/policy-rc.d"
chmod 0755 "$R/usr/sbin/policy-rc.d"

mount -t proc proc "$R/proc"
mount -t sysfs sysfs "$R/sys"
# Not the host's /dev: package scripts in the chroot would chgrp its device nodes (udev's gives /dev/kvm to the
# chroot's kvm group id, another group on the host, and qemu loses KVM). debootstrap made the few nodes apt needs.
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$R/dev/pts"

# initramfs-tools reads these when linux-image-amd64 installs: only what a
# virtio guest needs to mount its root (a small initrd unpacks fast under TCG).
mkdir -p "$R/etc/initramfs-tools/conf.d"
echo 'MODULES=list' >"$R/etc/initramfs-tools/conf.d/lab.conf"
printf '%s\n' virtio_pci virtio_blk virtio_net virtio_scsi virtio_console ext4 crc32c_generic >>"$R/etc/initramfs-tools/modules"

echo "installing ${PACKAGES[*]}"
in_chroot apt-get update -qq
in_chroot apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >"$WORK/apt.log" 2>&1 \
    || { tail -n 30 "$WORK/apt.log" >&2; exit 1; }
in_chroot apt-get clean

KVER=$(basename "$(ls -1 "$R"/boot/vmlinuz-* | sort -V | tail -n1)")
KVER=${KVER#vmlinuz-}
in_chroot lsinitramfs "/boot/initrd.img-$KVER" >"$WORK/initrd.list"
for m in virtio_pci virtio_blk virtio_net ext4; do
    grep -q "/$m\.ko" "$WORK/initrd.list" || { echo "initrd lacks $m" >&2; exit 1; }
done

# ---------- configure ----------
cat >"$R/etc/cloud/cloud.cfg.d/90-lab.cfg" <<'EOF'
# Lab guest: the seed is a NoCloud ISO (volume id cidata); never probe the network for metadata.
datasource_list: [ NoCloud, None ]
system_info:
  network:
    renderers: [ networkd ]
    activators: [ networkd ]
# A new instance-id (a clone) gets new host keys; ed25519 and ecdsa only,
# because RSA key generation is slow under TCG.
ssh_deletekeys: true
ssh_genkeytypes: [ ed25519, ecdsa ]
preserve_hostname: false
manage_etc_hosts: true
# Modules that only cost time on a lab guest without a package mirror or locales.
cloud_config_modules:
  - ssh-import-id
  - keyboard
  - set-passwords
  - timezone
  - disable-ec2-metadata
  - runcmd
cloud_final_modules:
  - package-update-upgrade-install
  - write-files-deferred
  - scripts-vendor
  - scripts-per-once
  - scripts-per-boot
  - scripts-per-instance
  - scripts-user
  - ssh-authkey-fingerprints
  - keys-to-console
  - install-hotplug
  - phone-home
  - final-message
  - power-state-change
EOF

# networkd-wait-online orders cloud-init's network stage: one link up is enough,
# and a guest without a lease must not hold the boot for two minutes.
mkdir -p "$R/etc/systemd/system/systemd-networkd-wait-online.service.d"
cat >"$R/etc/systemd/system/systemd-networkd-wait-online.service.d/lab.conf" <<'EOF'
[Service]
ExecStart=
ExecStart=/lib/systemd/systemd-networkd-wait-online --any --timeout=30
EOF
in_chroot systemctl enable -q systemd-networkd systemd-resolved
# Masked, not disabled: an empty machine-id makes systemd apply presets on first boot.
in_chroot systemctl mask -q apt-daily.timer apt-daily-upgrade.timer man-db.timer e2scrub_all.timer \
    e2scrub_reap.service fstrim.timer dpkg-db-backup.timer logrotate.timer systemd-firstboot.service 2>/dev/null || true
in_chroot systemctl set-default -q multi-user.target

echo template >"$R/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttemplate\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"
echo "UUID=$FS_UUID / ext4 errors=remount-ro 0 0" >"$R/etc/fstab"
# Empty, as cloud images ship it: every first boot makes its own.
: >"$R/etc/machine-id"
rm -f "$R/var/lib/dbus/machine-id"

# The template's host keys, as openssh-server's postinst generated them.
ls "$R"/etc/ssh/ssh_host_*_key.pub >/dev/null
HOSTKEYS=$(cat $(ls "$R"/etc/ssh/ssh_host_*_key.pub | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)
FINGERPRINTS=$(for k in "$R"/etc/ssh/ssh_host_*_key.pub; do ssh-keygen -lf "$k" | cut -d' ' -f2; done | LC_ALL=C sort | tr '\n' ' ')

unmount_chroot
rm -f "$R/usr/sbin/policy-rc.d"
rm -rf "$R"/var/lib/apt/lists/* "$R"/var/cache/apt/*.bin "$R"/var/lib/cloud/* "$R"/var/log/*.log \
    "$R"/usr/share/doc/* "$R"/usr/share/man/* "$R"/usr/share/locale/* "$R"/tmp/* "$R"/root/.bash_history

# ---------- disk ----------
# Bootable from its own disk, as a published cloud image is: an MBR partition table, the root filesystem in
# partition 1 (from 1 MiB) with extlinux in it, and syslinux's MBR code in front. 64bit stays off: extlinux cannot
# read such a filesystem. A Domain or Clone boots it with no kernel of its own.
OFFSET=$((1024 * 1024))
mkdir -p "$R/boot/syslinux"
cat >"$R/boot/syslinux/syslinux.cfg" <<EOF
DEFAULT debian
PROMPT 0
TIMEOUT 0
LABEL debian
  LINUX /boot/vmlinuz-$KVER
  INITRD /boot/initrd.img-$KVER
  APPEND $CMDLINE
EOF
truncate -s "$SIZE" "$WORK/disk.raw"
echo 'start=2048, type=83, bootable' | sfdisk -q "$WORK/disk.raw"
FS_KIB=$(( ($(stat -c %s "$WORK/disk.raw") - OFFSET) / 1024 ))
mkfs.ext4 -q -F -O ^64bit -L debianroot -U "$FS_UUID" -E "root_owner=0:0,offset=$OFFSET" -d "$R" "$WORK/disk.raw" "${FS_KIB}k" >/dev/null
mkdir -p "$MNT"
mount -o "loop,offset=$OFFSET" "$WORK/disk.raw" "$MNT"
extlinux --install "$MNT/boot/syslinux" >/dev/null 2>&1 || { echo "extlinux --install failed" >&2; exit 1; }
umount "$MNT"
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$WORK/disk.raw" bs=440 count=1 conv=notrunc status=none
qemu-img convert -f raw -O qcow2 "$WORK/disk.raw" "$WORK/debian.qcow2"
rm -f "$WORK/disk.raw"

# ---------- publish ----------
cat >"$WORK/guest.env" <<EOF
KVER=$KVER
IMAGE=$OUT/debian.qcow2
CMDLINE='$CMDLINE'
HOSTKEYS_SHA256=$HOSTKEYS
HOSTKEY_FINGERPRINTS='${FINGERPRINTS% }'
EOF
chmod 0644 "$WORK"/{debian.qcow2,guest.env}
for f in debian.qcow2 guest.env; do mv -f "$WORK/$f" "$OUT/$f"; done
echo "$STAMP" >"$OUT/.stamp"

echo "built debian guest in $OUT (kernel $KVER, $(du -h "$OUT/debian.qcow2" | cut -f1) qcow2)"
