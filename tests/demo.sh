#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: boot a two-node cluster on Debian's stock kernel and put a
# syncmirror volume through its paces, saying what happens at each step.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export SM_TOP=$top SM_RUNDIR=$top/build/demo
rm -rf "$SM_RUNDIR"
mkdir -p "$SM_RUNDIR"
. "$top/build/vm/env-stock"

SM_TOP=$top SM_RUNDIR=$SM_RUNDIR bash -c '
. "$SM_TOP/tests/vm/lib.sh"
say() { printf "\n==> %s\n" "$*"; }

say "Booting nodes A and B (QEMU, Debian kernel $SM_KVER_STOCK, private network 10.0.0.0/24)"
cluster --kernel stock A B
on A "ping -c 1 B | head -n 2"

say "Loading dm-syncmirror on A"
on A modprobe dm-syncmirror
on A "dmsetup targets | grep syncmirror"

say "Writing syncmirror metadata (internal, at the end of the data disk) and creating volume vol0"
uuid=$(cat /proc/sys/kernel/random/uuid)
out=$(on A smctl create-md --data /dev/mapper/data --node-id 0 --uuid $uuid)
echo "$out"
line=$(echo "$out" | sed -n "s/^table: //p")
on A "dmsetup create vol0 --table \"$line\""
say "A new volume is secondary and refuses I/O; promoting it"
on A "smctl status vol0"
on A "smctl primary vol0 && smctl status vol0"
on A "dmsetup table vol0; dmsetup status vol0"

say "The same volume on B (node 1), and the peer link: B listens, A dials"
on B modprobe dm-syncmirror
line_b=$(on B smctl create-md --data /dev/mapper/data --node-id 1 --uuid $uuid | sed -n "s/^table: //p")
on B "dmsetup create vol0 --table \"$line_b\""
waiter=$(on_bg B smctl connect vol0 --listen 10.0.0.2:7789 --timeout 60)
on A smctl connect vol0 --peer B:7789 --timeout 60
on_wait B "$waiter"
sleep 2
on A smctl status vol0
on B smctl status vol0

say "Writing 64 MiB of random blocks (4k-1M) through /dev/mapper/vol0 and verifying them (fio, crc32c)"
on -t 600 A fio --name=demo --filename=/dev/mapper/vol0 --ioengine=io_uring \
	--direct=1 --rw=randwrite --bsrange=4k-1M --iodepth=8 --size=64M \
	--verify=crc32c --verify_fatal=1 | grep -E "err=|WRITE:|READ:"

say "Removing the volume and unloading the module"
on A dmsetup remove vol0
on A rmmod dm_syncmirror

say "Done.  The link is up (hello + keepalive), but writes are not replicated"
echo "    over it yet: vol0 wrote to the local disk of A only (issue 3 is open)."
echo "    Consoles and logs: $SM_RUNDIR/"
'
. "$top/tests/vm/console.sh"
problems=$(console_problems "$SM_RUNDIR")
if [ -n "$problems" ]; then
	echo "demo: the kernel complained:"
	echo "$problems"
	exit 1
fi
echo "demo: node consoles are clean (no oops, BUG, WARNING or hung task)"
