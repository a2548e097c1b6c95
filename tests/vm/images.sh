#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Prepare what a node of one kernel flavour boots:
#
#   tests/vm/images.sh stock|debug <kernel release> <module dir>
#
# Writes build/vm/initrd-<flavour>.img (cached base layer + fresh overlay)
# and build/vm/env-<flavour>, which tests/vm/run.sh sources to find the
# kernel and initramfs.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cache=${SYNCMIRROR_CACHE:-$HOME/.cache/syncmirror}
flavour=$1 kver=$2 moddir=$3
out=${SM_IMAGES:-$top/build/vm}	# where the images and env files go
mkdir -p "$out" "$cache"

case "$flavour" in
stock)
	kernel=/boot/vmlinuz-$kver
	base_kver=$kver
	;;
debug)
	kernel=$("$top/tests/vm/kernel/build-debug-kernel.sh")/bzImage
	base_kver=debug
	;;
*)
	echo "images: unknown flavour $flavour" >&2
	exit 2
	;;
esac

key=$( { cat "$top/tests/vm/mkinitramfs.sh"; echo "$base_kver";
	 dpkg-query -W busybox-static bash fio dmsetup iproute2 nftables util-linux \
		resource-agents libxml2-utils systemd \
		"linux-image-$kver" 2>/dev/null || true; } | sha256sum | cut -c1-16)
base=$cache/initramfs-$flavour-$key.cpio
if [ ! -f "$base" ]; then
	echo "images: building $flavour base initramfs" >&2
	"$top/tests/vm/mkinitramfs.sh" base "$base_kver" "$base"
fi

"$top/tests/vm/mkinitramfs.sh" overlay "$kver" "$moddir" "$top/build/tools/bin" \
	"$out/overlay-$flavour.cpio" "$base"
cat "$base" "$out/overlay-$flavour.cpio" > "$out/initrd-$flavour.img"

upper=$(echo "$flavour" | tr a-z A-Z)
cat > "$out/env-$flavour" <<ENV
export SM_KERNEL_$upper=$kernel
export SM_INITRD_$upper=$out/initrd-$flavour.img
export SM_KVER_$upper=$kver
ENV
