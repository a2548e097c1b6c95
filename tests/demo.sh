#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: boot a two-node cluster on Debian's stock kernel and run a
# mirrored volume end to end, saying what happens at each step: metadata,
# configuration, syncmirrord linking and authenticating the nodes, writes
# on A landing on both disks, B refusing to be a second primary, and B's
# power cut, which A rides out on its own disk.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export SM_TOP=$top SM_RUNDIR=$top/build/demo
rm -rf "$SM_RUNDIR"
mkdir -p "$SM_RUNDIR"
. "$top/build/vm/env-stock"

SM_TOP=$top SM_RUNDIR=$SM_RUNDIR bash -c '
. "$SM_TOP/tests/vm/lib.sh"
. "$SM_VM/mirror.sh"
say() { printf "\n==> %s\n" "$*"; }

say "Booting nodes A and B (QEMU, Debian kernel $SM_KVER_STOCK, private network 10.0.0.0/24)"
cluster --kernel stock A B
on A "ping -c 1 B | head -n 2"

uuid=$(cat /proc/sys/kernel/random/uuid)
secret=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d " \n")
i=0
for node in A B; do
	peer=$((1 - i))
	say "$node: metadata (node id $i, volume $uuid), /etc/syncmirror/vol0.conf, syncmirrord"
	on $node modprobe dm-syncmirror
	on $node smctl create-md --clean --data /dev/mapper/data --meta /dev/mapper/meta --node-id $i --uuid $uuid
	on $node "mkdir -p /etc/syncmirror && umask 077 &&
		echo $secret > /etc/syncmirror/vol0.secret &&
		printf \"%s\n\" \"volume vol0\" \"node-id $i\" \"data /dev/mapper/data\" \
			\"meta /dev/mapper/meta\" \"secret-file /etc/syncmirror/vol0.secret\" \
			\"address 10.0.0.$((i + 1)):7789\" \"peer $peer 10.0.0.$((peer + 1)):7789\" \
			> /etc/syncmirror/vol0.conf && cat /etc/syncmirror/vol0.conf"
	on $node "syslogd -O /tmp/messages && syncmirrord"
	i=$((i + 1))
done

say "smctl up on both: the agents connect, authenticate each other (HMAC-SHA256) and hand the link to the kernel"
on A smctl up vol0
on B smctl up vol0
mirror_wait_state A connected 30 > /dev/null
mirror_wait_state B connected 30 > /dev/null
on A smctl status vol0
on B smctl status vol0

say "A becomes primary; B stays secondary: it refuses I/O and refuses promotion while A is primary"
on A smctl primary vol0
on B "smctl primary vol0 || true"
on B "dd if=/dev/mapper/vol0 of=/dev/null bs=4k count=1 iflag=direct 2>&1 | tail -n 1 || true"

say "Writing 64 MiB of random blocks (4k-1M) through A'"'"'s /dev/mapper/vol0 and verifying them (fio, crc32c)"
on -t 600 A fio --name=demo --filename=/dev/mapper/vol0 --ioengine=io_uring \
	--direct=1 --rw=randwrite --bsrange=4k-1M --iodepth=8 --size=64M \
	--verify=crc32c --verify_fatal=1 | grep -E "err=|WRITE:|READ:"
on A smctl status vol0
hash_a=$(mirror_data_hash A)
hash_b=$(mirror_data_hash B)
echo "    sha256 of A'"'"'s data disk: $hash_a"
echo "    sha256 of B'"'"'s data disk: $hash_b"
[ "$hash_a" = "$hash_b" ] || fail "the copies differ"
echo "    the two copies are identical"

say "Power cut on B while A writes: A declares B lost after the ping timeout (5 s) and carries on"
job=$(on_bg A fio --name=alone --filename=/dev/mapper/vol0 --ioengine=io_uring \
	--direct=1 --rw=randwrite --bs=4k --iodepth=16 --size=64M --time_based --runtime=15)
sleep 4
crash B
on_wait -t 120 A "$job" | grep -E "err=|lat \(|WRITE:"
on A smctl status vol0
on A "grep -E \"audit|vol0\" /tmp/messages | tail -n 6"

say "Done.  Consoles and logs: $SM_RUNDIR/"
'
. "$top/tests/vm/console.sh"
problems=$(console_problems "$SM_RUNDIR")
if [ -n "$problems" ]; then
	echo "demo: the kernel complained:"
	echo "$problems"
	exit 1
fi
echo "demo: node consoles are clean (no oops, BUG, WARNING or hung task)"
