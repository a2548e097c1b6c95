#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the initramfs a test node boots, in two layers:
#
#   mkinitramfs.sh base <kernel release|debug> <out.cpio>
#	busybox, the userspace programs scenarios call (with their shared
#	libraries) and, for the stock kernel, its modules with dependencies.
#	Slow to make and rarely changes: the caller caches it.
#   mkinitramfs.sh overlay <kernel release> <module dir> <tools dir> <out>
#	/init, our module, our tools and our OCF resource agent.  Rebuilt
#	on every run; the kernel unpacks concatenated archives in order, so
#	the overlay goes last.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# Programs every node has besides busybox.
# bash runs the commands scenarios send: busybox ash would run its own
# applets (tc, ip, nc ...) in place of the real programs of the same name.
PROGRAMS="bash fio dmsetup ip tc nft setpriv blkdiscard drbdadm drbdsetup drbdmeta"

# drbd-utils 9 drives the 8.4 module of the stock kernel through these
# helpers, which its drbdadm and drbdsetup run in place of themselves.
DRBD_84_HELPERS="/lib/drbd/drbdadm-84 /lib/drbd/drbdsetup-84"

# ocf-tester from resource-agents, with what it runs: the OCF shell
# library, xmllint and the DTD it checks meta-data against.  Optional: a
# host without the package builds images whose OCF scenario skips.
OCF_TESTER=/usr/sbin/ocf-tester
OCF_LIB=/usr/lib/ocf/lib/heartbeat
OCF_DTD=/usr/share/resource-agents/ra-api-1.dtd

# systemd, for the scenario that runs our units as an operator would
# (sm.systemd=1 on the kernel command line: /init hands PID 1 to it): the
# manager, systemctl, the standard targets (without their .wants) and
# modprobe@.service.  Optional: without it that scenario skips.
SYSTEMD=/lib/systemd/systemd
SYSTEMD_UNITS="basic.target sysinit.target sockets.target timers.target
	paths.target slices.target local-fs.target local-fs-pre.target
	swap.target network.target network-pre.target network-online.target
	multi-user.target shutdown.target umount.target final.target
	emergency.target rescue.target modprobe@.service"

# Stock-kernel modules, each pulled in with its dependencies.
MODULES="virtio_pci virtio_blk virtio_net virtio_console 9pnet_virtio 9p
	dm-mod dm-flakey dm-delay sch_netem nf_tables tls crc32c_generic
	libcrc32c"

# Stock-kernel modules shipped but not loaded at boot: 'modprobe NAME' when
# needed (make bench compares syncmirror with DRBD 8.4).
ON_DEMAND_MODULES="drbd"

# copy_with_libs ROOT BINARY [PATH IN ROOT]: the binary and every shared
# library it needs.
copy_with_libs() {
	local root=$1 bin=$2 dest=${3:-$2} lib

	install -D -m 0755 "$bin" "$root$dest"
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || install -D -m 0755 "$lib" "$root$lib"
	done
}

pack() {
	local root=$1 out=$2

	# mktemp -d makes the root 0700, and the kernel applies each archive's
	# directory modes: keep every directory traversable for non-root tests.
	find "$root" -type d -exec chmod 0755 {} +
	(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet) \
		> "$out.tmp"
	mv "$out.tmp" "$out"
}

build_base() {
	local kver=$1 out=$2 root prog path mod unit

	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	mkdir -p "$root"/{bin,sbin,etc,lib,lib64,usr/bin,usr/sbin}
	install -m 0755 /bin/busybox "$root/bin/busybox"
	for prog in $PROGRAMS; do
		path=$(command -v "$prog" || true)
		if [ -z "$path" ]; then
			echo "mkinitramfs: $prog not installed (run 'make deps')" >&2
			return 1
		fi
		copy_with_libs "$root" "$path"
	done
	for path in $DRBD_84_HELPERS; do
		if [ ! -x "$path" ]; then
			echo "mkinitramfs: $path missing (run 'make deps' for drbd-utils)" >&2
			return 1
		fi
		copy_with_libs "$root" "$path"
	done
	if [ -x "$OCF_TESTER" ] && [ -d "$OCF_LIB" ] && [ -f "$OCF_DTD" ] &&
	   path=$(command -v xmllint); then
		install -D -m 0755 "$OCF_TESTER" "$root$OCF_TESTER"
		install -D -m 0644 "$OCF_DTD" "$root$OCF_DTD"
		mkdir -p "$root${OCF_LIB%/*}" "$root/usr/lib/ocf/resource.d"
		cp -a "$OCF_LIB" "$root${OCF_LIB%/*}/"
		copy_with_libs "$root" "$path"
		# ocf-tester runs meta-data as "nobody" (su nobody).
		printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
			'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
			> "$root/etc/passwd"
		printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' > "$root/etc/group"
	else
		echo "mkinitramfs: no ocf-tester or xmllint (resource-agents, libxml2-utils): the OCF scenario will skip" >&2
	fi
	if [ -x "$SYSTEMD" ] && path=$(command -v systemctl); then
		copy_with_libs "$root" "$SYSTEMD"
		copy_with_libs "$root" "$path"
		mkdir -p "$root/lib/systemd/system" "$root/etc/systemd"
		for unit in $SYSTEMD_UNITS; do
			install -m 0644 "/lib/systemd/system/$unit" "$root/lib/systemd/system/"
		done
		# No journald, no udev here: services write to the console, and
		# libdevmapper must not wait for udev.
		printf '%s\n' '[Manager]' 'LogTarget=console' \
			'DefaultStandardOutput=inherit' 'DefaultStandardError=inherit' \
			'DefaultEnvironment=DM_DISABLE_UDEV=1' > "$root/etc/systemd/system.conf"
		printf '%s\n' 'ID=debian' 'NAME="syncmirror test node"' > "$root/etc/os-release"
	else
		echo "mkinitramfs: no systemd: the systemd scenario will skip" >&2
	fi
	# tc's delay distributions, for netem jitter.
	if [ -d /usr/lib/x86_64-linux-gnu/tc ]; then
		mkdir -p "$root/usr/lib/x86_64-linux-gnu"
		cp -a /usr/lib/x86_64-linux-gnu/tc "$root/usr/lib/x86_64-linux-gnu/"
	fi

	if [ "$kver" != debug ]; then
		for mod in $MODULES; do
			modprobe --show-depends -S "$kver" "$mod" |
				awk '$1 == "insmod" { print $2 }'
		done | awk '!seen[$0]++' > "$root/etc/modules.order"
		while read -r path; do
			install -D -m 0644 "$path" "$root$path"
		done < "$root/etc/modules.order"
		# On-demand modules: in the tree (init's depmod indexes them)
		# but not in modules.order.
		for mod in $ON_DEMAND_MODULES; do
			modprobe --show-depends -S "$kver" "$mod" |
				awk '$1 == "insmod" { print $2 }'
		done | while read -r path; do
			[ -e "$root$path" ] || install -D -m 0644 "$path" "$root$path"
		done
	fi
	pack "$root" "$out"
}

build_overlay() {
	local kver=$1 moddir=$2 toolsdir=$3 out=$4 root ko tool unit

	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	install -D -m 0755 "$here/init" "$root/init"
	mkdir -p "$root/lib/modules/$kver/extra" "$root/usr/sbin"
	for ko in "$moddir"/*.ko; do
		[ -e "$ko" ] && install -m 0644 "$ko" "$root/lib/modules/$kver/extra/"
	done
	# Our systemd units, where make install puts them.
	for unit in "$here"/../../tools/systemd/*.service; do
		install -D -m 0644 "$unit" "$root/lib/systemd/system/${unit##*/}"
	done
	# Our OCF resource agent, where Pacemaker looks for it.
	install -D -m 0755 "$here/../../tools/ocf/syncmirror" \
		"$root/usr/lib/ocf/resource.d/syncmirror/syncmirror"
	# Our tools go to /usr/sbin whatever the checkout's path (a path under
	# /tmp would be hidden by the node's tmpfs), with their libraries.
	if [ -d "$toolsdir" ]; then
		for tool in "$toolsdir"/*; do
			[ -f "$tool" ] && [ -x "$tool" ] || continue
			copy_with_libs "$root" "$tool" "/usr/sbin/${tool##*/}"
		done
	fi
	pack "$root" "$out"
}

case "${1:-}" in
base) build_base "$2" "$3" ;;
overlay) build_overlay "$2" "$3" "$4" "$5" ;;
*) echo "usage: $0 base <kver|debug> <out> | overlay <kver> <moddir> <toolsdir> <out>" >&2
   exit 2 ;;
esac
