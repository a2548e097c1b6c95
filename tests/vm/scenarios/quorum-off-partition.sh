# SPDX-License-Identifier: GPL-2.0-only
#
# The documented override on a partitioned primary: partition {A} | {B, W}
# while A writes (ackcheck at queue depth 32, and 8 fio jobs whose every
# write is followed by an fdatasync, i.e. an empty flush waited for in
# submit_bio_wait()), then at once "smctl quorum vol0 off" on A, as an
# operator keeping A writing would.  Then:
#  - the override sticks (no lease reaches A to re-arm the fence) and A
#    writes on without its peer: its ACK count grows in every 10 s of a
#    60 s partition (30 s under make check);
#  - B is promoted by its agent (the witness agrees);
#  - heal: A's agent learns B's term, A is deposed ("deposed: all I/O
#    fails"), and within 60 s both writers on A end, ackcheck with an I/O
#    error: no bio of A is left hanging.  Then on A no task is in D state
#    and the mapped device has no I/O in flight; A's agent demotes it and
#    the volume can be removed.
# The copies diverged on purpose (A wrote without quorum): no resync here.
# timeout: 1500

. "$SM_VM/mirror.sh"
. "$SM_VM/failover.sh"

# a_diagnose: what A is doing (tasks in D state with their stacks, the
# volume's status, the kernel's last lines), into the log.
a_diagnose() {
	on A "for p in /proc/[0-9]*; do
		grep -q '^State:.*D' \$p/status 2>/dev/null || continue
		echo \"D state: \${p#/proc/} \$(cat \$p/comm)\"; cat \$p/stack 2>/dev/null
	done; dmsetup status vol0; smctl status vol0; dmesg | tail -n 40" >&2 || true
}

# a_dstate: A's tasks in D state, one "PID COMM" per line.
a_dstate() {
	on A "for p in /proc/[0-9]*; do
		grep -q '^State:.*D' \$p/status 2>/dev/null &&
			echo \"\${p#/proc/} \$(cat \$p/comm 2>/dev/null)\"
	done; true"
}

# a_inflight: "<reads> <writes>" in flight on A's vol0.
a_inflight() {
	on A 'for d in /sys/block/dm-*; do
		[ "$(cat $d/dm/name)" = vol0 ] && cat $d/inflight; done; true'
}

# a_wait_ended ID WHAT: the command ID on A ends within 60 s.
a_wait_ended() {
	local deadline=$((SECONDS + 60))
	until [ -f "$SM_RUNDIR/A/share/cmd/$1.rc" ]; do
		if [ $SECONDS -ge $deadline ]; then
			a_diagnose
			fail "$2 on A still running 60 s after the deposition; D state: $(a_dstate | tr '\n' ';') in flight: $(a_inflight)"
		fi
		sleep 1
	done
}

fo_cluster suspend
writer=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks $FO_BLOCKS --qd 32 --writer 1)
stream=$SM_RUNDIR/A/share/cmd/$writer.out
flusher=$(on_bg A fio --name=flush --filename=/dev/mapper/vol0 --ioengine=psync --direct=1 \
	--rw=randwrite --bs=4k --offset=$((128 << 20)) --size=$((64 << 20)) --fdatasync=1 \
	--numjobs=8 --time_based --runtime=3600 --group_reporting --output-format=terse)
deadline=$((SECONDS + 60))
until [ "$(fo_acks "$stream")" -gt 1000 ]; do
	[ $SECONDS -lt $deadline ] || fail "A acknowledged $(fo_acks "$stream") writes in 60 s before the partition"
	sleep 1
done

partition A B
partition A W
on A smctl quorum vol0 off
assert_eq "$(fo_quorum A)" none "A's quorum fence after smctl quorum off"

# The peer link goes (ping timeout), B is promoted, A's lease would have
# run out long ago: A writes on.
stalled=
acks=$(fo_acks "$stream")
for window in $(seq 1 "$(tier 3 6)"); do	# 30 s under make check, 60 under check-full
	sleep 10
	now=$(fo_acks "$stream")
	log "partition, ${window}0 s: A acknowledged $((now - acks)) writes in 10 s (quorum $(fo_quorum A))"
	[ "$now" -gt "$acks" ] || stalled="${stalled:+$stalled, }${window}0 s"
	acks=$now
done
deadline=$((SECONDS + 60))
until [ "$(mirror_field B role)" = primary ] && [ "$(fo_quorum B)" = have ]; do
	if [ $SECONDS -ge $deadline ]; then
		on B "grep syncmirrord /tmp/messages | tail -n 30" >&2 || true
		fail "B not primary with quorum 60 s into the partition: $(mirror_json B)"
	fi
	sleep 1
done
if [ -n "$stalled" ]; then
	a_diagnose
	log "A acknowledged nothing in the 10 s windows ending at: $stalled"
fi

heal
wait_logged A 'vol0: deposed' 60
on A "dmesg | grep -q 'syncmirror: vol0: deposed: all I/O fails'" ||
	fail "A's kernel did not log the deposition"
a_wait_ended "$writer" ackcheck
if on_wait A "$writer" > /dev/null; then
	fail "ackcheck on A succeeded although A was deposed"
fi
grep -q 'failed: Input/output error' "$stream" ||
	fail "ackcheck on A did not end with an I/O error: $(tail -n 2 "$stream")"
a_wait_ended "$flusher" fio
on_wait A "$flusher" > /dev/null && fail "fio on A succeeded although A was deposed"

dstate=$(a_dstate)
[ -z "$dstate" ] || { a_diagnose; fail "tasks in D state on A: ${dstate//$'\n'/; }"; }
inflight=$(a_inflight)
[ "$(echo "$inflight" | awk '{ print $1 + $2 }')" = 0 ] ||
	{ a_diagnose; fail "I/O in flight on A's vol0 after its writers ended: $inflight"; }

# The agent demotes a deposed primary once nothing holds the volume open.
deadline=$((SECONDS + 30))
until [ "$(mirror_field A role)" = secondary ]; do
	[ $SECONDS -lt $deadline ] || { a_diagnose; fail "A not demoted 30 s after its writers ended"; }
	sleep 1
done
wait_logged A 'vol0: deposed: demoted to secondary' 10
[ -z "$stalled" ] ||
	fail "A stopped writing in the partition with its fence off (no ACK in the 10 s ending at $stalled)"
on A smctl down vol0 > /dev/null || fail "A's volume cannot be removed"
on A "! test -e /dev/mapper/vol0" || fail "A's /dev/mapper/vol0 still exists"
