#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (once per machine) the KASAN + lockdep kernel the VM scenarios boot.
#
# KASAN covers either the whole kernel or only the modules built against
# it (dm-syncmirror, syncmirror-test), by SM_KASAN:
#   all     every access in the kernel is checked (make check-full);
#   module  the kernel's own code is built without instrumentation
#           (KASAN_SANITIZE=n): every access dm-syncmirror makes is
#           checked, to its own memory and to the bios, pages and skbs it
#           touches, and the allocators keep KASAN's redzones and
#           quarantine; a bad access made by the block or network layer is
#           not.  Lockdep and the other debug options cover everything.
#           replication: 94 s with all, 59 s with module (make check).
# Default: all under SM_TIER=full, module otherwise.  The two kernels have
# the same .config: a module built against either loads on both.
#
# The kernel comes from Debian's linux-source-6.1, configured as allnoconfig
# plus tests/vm/kernel/debug.config.  The result is cached under
# ~/.cache/syncmirror/kernel-debug-<hash>/ where <hash> covers the config
# fragment, RECIPE below and the linux-source package version, so changing
# any of them builds a new kernel and an unchanged tree never rebuilds.
# Bump RECIPE whenever a change here changes what gets built.
#
# Prints the cache directory on stdout; its "build" subdirectory is a kernel
# build tree that out-of-tree modules can be compiled against.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${SYNCMIRROR_CACHE:-$HOME/.cache/syncmirror}
fragment=$here/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1)

RECIPE=1
if [ "${SM_TIER:-check}" = full ]; then
	kasan=${SM_KASAN:-all}
else
	kasan=${SM_KASAN:-module}
fi
case "$kasan" in
all) sanitize= ;;
module) sanitize=KASAN_SANITIZE=n ;;
*) echo "debug-kernel: SM_KASAN must be all or module, not '$kasan'" >&2; exit 2 ;;
esac
key=$( { cat "$fragment"; echo "recipe $RECIPE"; echo "$srcver"; } |
	sha256sum | cut -c1-16)
# The all-KASAN kernel keeps the directory name it always had.
[ "$kasan" = all ] || key=$key-kasan-$kasan
out=$cache/kernel-debug-$key
mkdir -p "$cache"
# One build at a time: a second caller waits for the first and reuses it.
exec 9> "$cache/kernel-debug-$key.lock"
flock 9
if [ -f "$out/bzImage" ]; then
	echo "$out"
	exit 0
fi

src=$cache/src/linux-source-6.1-$srcver
if [ ! -f "$src/Makefile" ]; then
	echo "debug-kernel: unpacking $tarball" >&2
	rm -rf "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xJf "$tarball" -C "$src.tmp"
	mv "$src.tmp/linux-source-6.1" "$src"
	rmdir "$src.tmp"
fi

build=$out/build
mkdir -p "$build"
echo "debug-kernel: configuring in $build" >&2
make -s -C "$src" O="$build" KCONFIG_ALLCONFIG="$fragment" allnoconfig >&2

# Kconfig drops options whose dependencies are missing without a word; refuse
# to go on with a kernel that lacks something the fragment asked for.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=*) ;; *) continue ;; esac
	if ! grep -qxF "$line" "$build/.config"; then
		echo "debug-kernel: $line was dropped by Kconfig (missing dependency)" >&2
		missing=1
	fi
done < "$fragment"
[ "$missing" = 0 ] || exit 1

jobs=$(( $(nproc) + 1 ))
echo "debug-kernel: building (KASAN: $kasan) with -j$jobs (about 15 minutes cold on 2 cores)" >&2
start=$(date +%s)
# "modules" on a kernel with no modules of its own still writes
# Module.symvers, which out-of-tree builds need to resolve symbols.
# shellcheck disable=SC2086
make -s -C "$build" -j"$jobs" $sanitize bzImage modules >&2
cp "$build/arch/x86/boot/bzImage" "$out/bzImage.tmp"
mv "$out/bzImage.tmp" "$out/bzImage"
echo "debug-kernel: built in $(( $(date +%s) - start )) s" >&2
echo "$out"
