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
	gcm ghash_generic ghash_clmulni_intel aesni_intel
	libcrc32c"

# Stock-kernel modules shipped but not loaded at boot: 'modprobe NAME' when
# needed (make bench compares syncmirror with DRBD 8.4).
ON_DEMAND_MODULES="drbd"

# Libraries a program links but the nodes never call into, replaced by stubs
# of the same soname: "<program> <library that imports> <stubbed soname>".
# fio's ioengines for Ceph, GlusterFS, NBD, RDMA and pmem are linked in, and
# their libraries with what they pull in made up most of the image (82 MB of
# fio's 64 libraries); xmllint's libxml2 links ICU (32 MB) for encodings
# other than UTF-8, which ocf-tester's documents never use.  A stub defines
# what the importer takes from the real library, with the same symbol
# versions (they bind now), each function aborting if ever called.
STUBS="fio /usr/bin/fio libgfapi.so.0
fio /usr/bin/fio libnbd.so.0
fio /usr/bin/fio libibverbs.so.1
fio /usr/bin/fio librdmacm.so.1
fio /usr/bin/fio librados.so.2
fio /usr/bin/fio librbd.so.1
fio /usr/bin/fio libpmemblk.so.1
fio /usr/bin/fio libpmem.so.1
xmllint /lib/x86_64-linux-gnu/libxml2.so.2 libicuuc.so.72"

# stub_lib IMPORTER SONAME OUT: a shared library OUT named SONAME defining,
# as aborting functions, every symbol IMPORTER imports from the real SONAME.
stub_lib() {
	local bin=$1 soname=$2 out=$3 real dir sym ver

	real=$(ldd "$bin" | awk -v l="$soname" '$1 == l { print $3 }')
	[ -n "$real" ] || { echo "mkinitramfs: $bin does not use $soname" >&2; return 1; }
	dir=$(mktemp -d)
	nm -D --defined-only "$real" | awk '{ print $3 }' | sed 's/@.*//' |
		sort -u > "$dir/defined"
	nm -D --undefined-only --with-symbol-versions "$bin" |
		awk '$1 == "U" { print $2 }' | while IFS=@ read -r sym ver; do
			if grep -qx "$sym" "$dir/defined"; then echo "$sym ${ver:-}"; fi
		done > "$dir/syms"
	{
		echo '#include <stdio.h>'
		echo '#include <stdlib.h>'
		echo "static void stub(const char *f) { fprintf(stderr, \"%s: not in the test image ($soname is a stub)\\n\", f); abort(); }"
		awk '{ printf "void %s(void) { stub(\"%s\"); }\n", $1, $1 }' "$dir/syms"
	} > "$dir/stub.c"
	# One version node per version fio asks for; unversioned symbols in
	# the first (or a local-less script when there is none).
	awk '$2 != "" { v[$2] = v[$2] " " $1 ";" } $2 == "" { u = u " " $1 ";" }
	     END { n = 0; for (k in v) { printf "%s {%s%s };\n", k, (n ? "" : "global:"), v[k] (n ? "" : u); n++ }
		   if (!n) printf "{ global:%s };\n", u }' "$dir/syms" > "$dir/vers"
	gcc -shared -fPIC -O1 -o "$out" "$dir/stub.c" -Wl,-soname,"$soname" \
		-Wl,--version-script="$dir/vers"
	rm -rf "$dir"
}

# libs_of BINARY [SKIP...]: the paths of the shared libraries BINARY needs,
# following NEEDED entries from library to library but not into the
# sonames SKIP (ldd alone would list what the skipped ones need too).
libs_of() {
	local bin=$1 map todo so path seen=" "
	shift
	map=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// { print $1, $1 }')
	todo=$(readelf -d "$bin" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
	while [ -n "$todo" ]; do
		so=${todo%%$'\n'*}
		[ "$so" = "$todo" ] && todo= || todo=${todo#*$'\n'}
		case " $* $seen" in *" $so "*) continue ;; esac
		seen="$seen$so "
		path=$(echo "$map" | awk -v l="$so" '$1 == l { print $2; exit }')
		[ -n "$path" ] || continue
		echo "$path"
		todo=$(printf '%s\n%s' "$todo" "$(readelf -d "$path" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')" | sed '/^$/d')
	done
	# The dynamic loader itself.
	echo "$map" | awk '$1 ~ /^\// { print $1 }'
}

# copy_with_libs ROOT BINARY [PATH IN ROOT]: the binary and every shared
# library it needs, with STUBS in place of the real ones.
copy_with_libs() {
	local root=$1 bin=$2 dest=${3:-$2} lib skip= prog importer so

	install -D -m 0755 "$bin" "$root$dest"
	while read -r prog importer so; do
		[ "${bin##*/}" = "$prog" ] || continue
		lib=$(ldd "$bin" | awk -v l="$so" '$1 == l { print $3 }')
		[ -n "$lib" ] || continue
		mkdir -p "$root${lib%/*}"
		[ -e "$root$lib" ] || stub_lib "$importer" "$so" "$root$lib"
		skip="$skip $so"
	done <<< "$STUBS"
	# shellcheck disable=SC2086
	for lib in $(libs_of "$bin" $skip); do
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
	# busybox --install at boot took 6 s of a debug-kernel node's 23:
	# the links are made here instead.
	for prog in $(/bin/busybox --list); do
		[ -e "$root/bin/$prog" ] || ln -s busybox "$root/bin/$prog"
	done
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
	local kver=$1 moddir=$2 toolsdir=$3 out=$4 base=${5:-} root ko tool unit

	root=$(mktemp -d)
	trap 'rm -rf "$root"' RETURN
	# Libraries the base layer has already are not packed twice: placed
	# here as empty files so copy_with_libs skips them, removed before
	# packing (a third of the overlay was libc, libcrypto ... again).
	if [ -n "$base" ]; then
		(cd "$root" && cpio -idm --quiet --no-absolute-filenames \
			'lib/*' 'usr/lib/*' 'lib64/*' < "$base" 2>/dev/null || true)
		find "$root" -type f -exec truncate -s 0 {} + -o -type l -print > "$root.links"
		find "$root" -type f -size 0 > "$root.placeholders"
	fi
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
	if [ -n "$base" ]; then
		xargs -r rm -f < "$root.placeholders"
		xargs -r rm -f < "$root.links"
		find "$root" -depth -type d -empty -delete
		mkdir -p "$root"
		rm -f "$root.placeholders" "$root.links"
	fi
	pack "$root" "$out"
}

case "${1:-}" in
base) build_base "$2" "$3" ;;
overlay) build_overlay "$2" "$3" "$4" "$5" "${6:-}" ;;
*) echo "usage: $0 base <kver|debug> <out> | overlay <kver> <moddir> <toolsdir> <out> [<base>]" >&2
   exit 2 ;;
esac
