#!/usr/bin/env bash
# Build a tiny bootable Linux test guest from Debian packages on this host.
#
# Usage: tests/guest/build-guest.sh OUTDIR      (FORCE=1 to rebuild)
#
# Outputs in OUTDIR:
#   vmlinuz      newest /boot/vmlinuz-* (Debian linux-image-amd64)
#   initrd.img   busybox initramfs; /init (tests/guest/init) loads virtio +
#                ext4 modules, mounts /dev/vda, prints GUEST ... lines on
#                ttyS0 and powers off
#   root.img     64 MiB raw ext4 (no partition table) that libguestfs
#                inspects as Debian 12; root.qcow2 is the same as qcow2
#   cmdline      kernel command line (below)
#   guest.env    KVER, paths, CMDLINE, MACHINE_ID, HOSTKEYS_SHA256 (expected
#                'GUEST hostkeys=' value for the pristine image)
#
# Kernel cmdline: console=ttyS0 root=/dev/vda rw panic=-1 quiet
#   root=/rw are informational (the initramfs /init mounts /dev/vda itself);
#   quiet keeps kernel messages from interleaving with the GUEST lines.
# The domain must be type='qemu' (TCG) with <features><acpi/></features>,
# otherwise 'poweroff -f' halts instead of powering off. qemu runs as
# libvirt-qemu, so OUTDIR must be world-traversable (e.g. not under /root).
#
# Needs (apt): linux-image-amd64 busybox-static e2fsprogs openssh-client
#              kmod cpio gzip qemu-utils (xz-utils/zstd only if modules are
#              compressed). No network downloads.
set -euo pipefail

CMDLINE='console=ttyS0 root=/dev/vda rw panic=-1 quiet'
MACHINE_ID='0123456789abcdef0123456789abcdef'   # fixed "template" id
FS_UUID='6f2c1d3e-6b1a-4c59-9a49-7d0f1b2a3c4d'  # fixed so fstab/inspection are stable
MODULES=(virtio_pci virtio_blk virtio_net ext4)

[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
OUT=$1
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUSYBOX=/bin/busybox

for t in mkfs.ext4 ssh-keygen cpio gzip modprobe qemu-img sha256sum; do
    command -v "$t" >/dev/null || { echo "missing tool: $t" >&2; exit 1; }
done
# The initramfs has no libc, so busybox must be the static one.
if [ ! -x "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
    echo "need static $BUSYBOX (apt-get install busybox-static)" >&2; exit 1
fi

# Newest kernel, deterministically (version sort, not mtime).
KERNEL=$(ls -1 /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$KERNEL" ] || { echo "no /boot/vmlinuz-* (apt-get install linux-image-amd64)" >&2; exit 1; }
KVER=${KERNEL#/boot/vmlinuz-}
[ -d "/lib/modules/$KVER" ] || { echo "no /lib/modules/$KVER" >&2; exit 1; }
[ -r "$KERNEL" ] || { echo "$KERNEL not readable" >&2; exit 1; }

# Idempotent: skip when inputs are unchanged, so a rerun never replaces a
# root.img that existing qcow2 overlays are backed by.
STAMP="$(sha256sum "$0" "$HERE/init" | cut -d' ' -f1 | tr '\n' ' ') $KVER $(sha256sum "$KERNEL" "$BUSYBOX" | cut -d' ' -f1 | tr '\n' ' ')"
if [ "${FORCE:-0}" != 1 ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ] \
   && [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.img" ] && [ -f "$OUT/root.img" ]; then
    echo "guest up to date in $OUT"; echo "cmdline: $CMDLINE"; exit 0
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# ---------- initramfs ----------
I=$WORK/initrd
mkdir -p "$I"/{bin,dev,proc,sys,root,lib/modules}
cp "$BUSYBOX" "$I/bin/busybox"
for a in $("$BUSYBOX" --list); do [ "$a" = busybox ] || ln -sf busybox "$I/bin/$a"; done
install -m 0755 "$HERE/init" "$I/init"

# Dependency order (incl. softdeps, e.g. ext4 -> crc32c) from modprobe; dedupe.
: >"$I/modules.list"
for m in "${MODULES[@]}"; do
    modprobe --show-depends -S "$KVER" "$m" | awk '$1=="insmod"{print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
    rel=${ko#/lib/modules/}; rel=${rel#/usr/lib/modules/}
    dst=$I/lib/modules/${rel%.*}.ko      # strip .xz/.zst/.gz -> plain .ko
    mkdir -p "$(dirname "$dst")"
    # busybox insmod can't read zstd (and only some builds read xz): decompress now.
    case $ko in
        *.ko)     cp "$ko" "$dst" ;;
        *.ko.xz)  xz -dc "$ko" >"$dst" ;;
        *.ko.zst) zstd -qdc "$ko" >"$dst" ;;
        *.ko.gz)  gzip -dc "$ko" >"$dst" ;;
        *) echo "unknown module format: $ko" >&2; exit 1 ;;
    esac
    echo "${dst#$I/lib/modules/}" >>"$I/modules.list"
done
[ -s "$I/modules.list" ] || { echo "no modules resolved" >&2; exit 1; }

(cd "$I" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
    | gzip -9n >"$WORK/initrd.img"

# ---------- root filesystem ----------
# Minimum for libguestfs inspection to call it a Debian root: /etc + /bin +
# /etc/fstab make it a Linux root; /etc/os-release (+ debian_version) give
# distro/version; an ELF in /bin lets it detect the architecture;
# virt-inspector (not virt-sysprep) also fails without /var/lib/dpkg/status.
R=$WORK/root
mkdir -p "$R"/{etc/ssh,bin,sbin,usr/bin,usr/sbin,lib,var/lib,var/log,tmp,root,dev,proc,sys,run,home}
chmod 1777 "$R/tmp"; chmod 0700 "$R/root"
cp "$BUSYBOX" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
echo template >"$R/etc/hostname"
echo "$MACHINE_ID" >"$R/etc/machine-id"
echo 12.0 >"$R/etc/debian_version"
cat >"$R/etc/os-release" <<'EOF'
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
EOF
cat >"$R/etc/fstab" <<EOF
UUID=$FS_UUID / ext4 defaults 0 1
EOF
printf '127.0.0.1\tlocalhost\n127.0.1.1\ttemplate\n' >"$R/etc/hosts"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
mkdir -p "$R/var/lib/dpkg"; : >"$R/var/lib/dpkg/status"   # virt-inspector lists apps from it
for t in ed25519 rsa; do
    ssh-keygen -q -t "$t" -N '' -C "root@template" -f "$R/etc/ssh/ssh_host_${t}_key"
done
chmod 0600 "$R"/etc/ssh/ssh_host_*_key; chmod 0644 "$R"/etc/ssh/ssh_host_*_key.pub
HOSTKEYS=$(cat $(ls "$R"/etc/ssh/ssh_host_*_key.pub | LC_ALL=C sort) | sha256sum | cut -d' ' -f1)

mkfs.ext4 -q -F -L guestroot -U "$FS_UUID" -E root_owner=0:0 -d "$R" "$WORK/root.img" 64M >/dev/null
qemu-img convert -f raw -O qcow2 "$WORK/root.img" "$WORK/root.qcow2"

# ---------- publish ----------
cp "$KERNEL" "$WORK/vmlinuz"
echo "$CMDLINE" >"$WORK/cmdline"
cat >"$WORK/guest.env" <<EOF
KVER=$KVER
KERNEL=$OUT/vmlinuz
INITRD=$OUT/initrd.img
ROOT_IMG=$OUT/root.img
ROOT_QCOW2=$OUT/root.qcow2
CMDLINE='$CMDLINE'
MACHINE_ID=$MACHINE_ID
HOSTKEYS_SHA256=$HOSTKEYS
EOF
chmod 0644 "$WORK"/{vmlinuz,initrd.img,root.img,root.qcow2,cmdline,guest.env}
for f in vmlinuz initrd.img root.img root.qcow2 cmdline guest.env; do mv -f "$WORK/$f" "$OUT/$f"; done
echo "$STAMP" >"$OUT/.stamp"

echo "built guest in $OUT (kernel $KVER, $(wc -l <"$I/modules.list") modules)"
echo "cmdline: $CMDLINE"
