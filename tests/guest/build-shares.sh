#!/usr/bin/env bash
# Build the shares test guest: the initramfs of build-guest.sh (in BASEDIR, built first) with a second archive
# appended (the kernel unpacks both) that adds tests/guest/shares-init and the virtiofs and 9p modules. Boot it with
# the base kernel and rdinit=/shares-init on the command line. Its own folder, so that the base guest other tests
# boot is never rebuilt for it.
#
# Usage: tests/guest/build-shares.sh OUTDIR BASEDIR      (FORCE=1 to rebuild)
# Output: OUTDIR/initrd.img
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 OUTDIR BASEDIR" >&2; exit 2; }
OUT=$1
BASE=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MODULES=(virtiofs 9p 9pnet_virtio)
KVER=$(sed -n 's/^KVER=//p' "$BASE/guest.env")

STAMP="$(sha256sum "$0" "$HERE/shares-init" "$BASE/initrd.img" | cut -d' ' -f1 | tr '\n' ' ')"
if [ "${FORCE:-0}" != 1 ] && [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$STAMP" ] \
   && [ -f "$OUT/initrd.img" ]; then
    echo "shares guest up to date in $OUT"; exit 0
fi

mkdir -p "$OUT"
chmod 0755 "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
I=$WORK/extra
mkdir -p "$I/lib/modules"
install -m 0755 "$HERE/shares-init" "$I/shares-init"
: >"$I/shares-modules.list"
for m in "${MODULES[@]}"; do
    modprobe --show-depends -S "$KVER" "$m" | awk '$1=="insmod"{print $2}'
done | awk '!seen[$0]++' | while read -r ko; do
    rel=${ko#/lib/modules/}; rel=${rel#/usr/lib/modules/}
    dst=$I/lib/modules/${rel%.*}.ko
    mkdir -p "$(dirname "$dst")"
    case $ko in
        *.ko)     cp "$ko" "$dst" ;;
        *.ko.xz)  xz -dc "$ko" >"$dst" ;;
        *.ko.zst) zstd -qdc "$ko" >"$dst" ;;
        *.ko.gz)  gzip -dc "$ko" >"$dst" ;;
        *) echo "unknown module format: $ko" >&2; exit 1 ;;
    esac
    echo "${dst#$I/lib/modules/}" >>"$I/shares-modules.list"
done
(cd "$I" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0 --reproducible) \
    | gzip -9n >"$WORK/extra.img"
cat "$BASE/initrd.img" "$WORK/extra.img" >"$WORK/initrd.img"
chmod 0644 "$WORK/initrd.img"
mv -f "$WORK/initrd.img" "$OUT/initrd.img"
echo "$STAMP" >"$OUT/.stamp"
echo "built shares guest in $OUT ($(wc -l <"$I/shares-modules.list") modules)"
