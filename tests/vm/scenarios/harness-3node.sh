# SPDX-License-Identifier: GPL-2.0-only
#
# The harness's own fault injection does what later scenarios rely on, on a
# three-node cluster (stock kernel, which boots fastest): every pair talks,
# partition/drop cut exactly the traffic they name and heal restores it,
# netem delays, a crashed node boots again with its disk contents, and
# disk_fail/disk_heal fail and restore a node's data disk.
# timeout: 600

cluster --kernel stock A B W

reaches() { on "$1" ping -c 1 -W 3 "$2" > /dev/null 2>&1; }

for pair in "A B" "A W" "B W" "B A" "W A" "W B"; do
	set -- $pair
	reaches "$1" "$2" || fail "$1 cannot reach $2"
done

# A two-way partition between A and B leaves both able to reach W.
partition A B
if reaches A B; then fail "A reaches B across a partition"; fi
if reaches B A; then fail "B reaches A across a partition"; fi
reaches A W || fail "partition A B cut A from W"
reaches B W || fail "partition A B cut B from W"
heal
reaches A B || fail "A cannot reach B after heal"

# One-way loss: what A sends B vanishes, what B sends A arrives.  Counted
# with each node's ICMP echo requests received (ping's replies would need
# the other direction too).
echo_requests() {
	on "$1" "awk '/^Icmp:/ { if (!n) { for (i = 1; i <= NF; i++) if (\$i == \"InEchos\") f = i; n = 1 } else print \$f }' /proc/net/snmp"
}
drop A B
a_before=$(echo_requests A) b_before=$(echo_requests B)
on A ping -c 3 -W 1 B > /dev/null 2>&1 || true
on B ping -c 3 -W 1 A > /dev/null 2>&1 || true
assert_eq "$(echo_requests B)" "$b_before" "echo requests B received from A while A->B is dropped"
assert_eq "$(echo_requests A)" "$((a_before + 3))" "echo requests A received from B while A->B is dropped"
heal

# netem on A's links adds its delay to every round trip.
netem A delay 200ms
rtt=$(on A ping -c 1 B | sed -n 's/.*time=\([0-9]*\).*/\1/p')
[ "$rtt" -ge 200 ] || fail "round trip with netem delay 200ms took ${rtt} ms"
netem A off
rtt=$(on A ping -c 1 B | sed -n 's/.*time=\([0-9]*\).*/\1/p')
[ "$rtt" -lt 200 ] || fail "round trip after netem off took ${rtt} ms"

# Power cut: W's flushed write survives, its unflushed one is lost with the
# disk's volatile cache (SM_DISKS=volatile, tests/vm/diskcache.c), and W
# boots back into the cluster.
on W "dd if=/dev/urandom of=/tmp/blk bs=4k count=1 2>/dev/null &&
      dd if=/tmp/blk of=/dev/mapper/data bs=4k seek=100 oflag=direct conv=fsync 2>/dev/null &&
      sha256sum < /tmp/blk" > "$SM_RUNDIR/blk.sha"
before=$(on W 'dd if=/dev/mapper/data bs=4k skip=101 count=1 iflag=direct 2>/dev/null | sha256sum')
on W "dd if=/dev/urandom of=/dev/mapper/data bs=4k seek=101 count=1 oflag=direct 2>/dev/null"
crash W
must_fail node_alive W
boot W
assert_eq "$(on W 'dd if=/dev/mapper/data bs=4k skip=100 count=1 2>/dev/null | sha256sum')" \
	"$(cat "$SM_RUNDIR/blk.sha")" "W's flushed block after the crash"
if [ "$SM_DISKS" = volatile ] && [ "$SM_CUT" = all ]; then
	assert_eq "$(on W 'dd if=/dev/mapper/data bs=4k skip=101 count=1 2>/dev/null | sha256sum')" \
		"$before" "W's unflushed block after the crash (the cut must lose it)"
fi
reaches A W || fail "A cannot reach W after W rebooted"
# The host sees the same disk the node wrote.
on W "dd if=/dev/mapper/data bs=1M count=1 2>/dev/null | sha256sum | cut -d' ' -f1" \
	> "$SM_RUNDIR/first-mib.sha"
assert_eq "$(disk_hash W data 1048576)" "$(cat "$SM_RUNDIR/first-mib.sha")" \
	"host-side hash of W's first MiB"

# A failed data disk errors every I/O; healed, it reads again.
disk_fail A
if on A 'dd if=/dev/mapper/data of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null'; then
	fail "A's data disk still reads after disk_fail"
fi
disk_heal A
on A 'dd if=/dev/mapper/data of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null' ||
	fail "A's data disk does not read after disk_heal"
