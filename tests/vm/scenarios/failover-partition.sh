# SPDX-License-Identifier: GPL-2.0-only
#
# Partition {A} | {B, W} under load, with a witness, for both
# on-quorum-loss policies:
#  - A (primary, ackcheck writer 1) loses quorum within lease-time + 1 s
#    (host clock) and acknowledges nothing after that: its ACK count does
#    not move for 10 s (suspend: the writer blocks; error: it fails);
#  - B is promoted by its agent and takes writes (ackcheck writer 2) that
#    complete;
#  - never two primaries holding quorum, from the event logs: both nodes
#    run `smctl -j events`; every quorum state in it carries the kernel's
#    time of the change (for a lost lease, when it ran out); with the
#    clocks' offsets to W measured (sm-clock) before the partition and
#    after the heal, no interval in which A's fence held quorum can
#    overlap one of B's (tests/vm/fencecheck.sh); the gap is printed.
#    Polled from the host too: B is never seen "have" while A is;
#  - heal: A's agent learns the higher term, A is deposed (its held I/O
#    fails, the deposed-hook runs), demoted, and resynced from B; both
#    ackcheck streams verify on the final data of both nodes; the data
#    areas hash equal.
# timeout: 1800

. "$SM_VM/mirror.sh"
. "$SM_VM/failover.sh"

run() {
	local policy=$1 w1 w2 s1 s2 start a_state b_state elapsed acks_lost node device
	local events_a events_b
	fo_cluster "$policy"
	events_a=$(fo_events_start A)
	events_b=$(fo_events_start B)
	fo_clock A
	fo_clock B
	# Writer 1 on A in the first half of the blocks, writer 2 on B in the
	# second: each stream verifies on the final data only if they do not
	# overwrite each other.
	w1=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks 16384 --qd 32 --writer 1)
	s1=$SM_RUNDIR/A/share/cmd/$w1.out
	sleep 4
	[ "$(fo_acks "$s1")" -gt 0 ] || fail "$policy: no write acknowledged on A before the partition"

	partition A B
	partition A W
	start=$(date +%s.%N)
	a_state=have
	while :; do
		a_state=$(fo_quorum A)
		b_state=$(fo_quorum B)
		[ "$b_state" = have ] && [ "$a_state" = have ] &&
			fail "$policy: A and B both hold quorum"
		[ "$a_state" != have ] && break
		elapsed=$(echo "$(date +%s.%N) - $start" | bc)
		[ "$(echo "$elapsed < 10" | bc)" = 1 ] || fail "$policy: A still has quorum ${elapsed}s into the partition"
	done
	elapsed=$(echo "$(date +%s.%N) - $start" | bc)
	log "$policy: A lost quorum ${elapsed}s after the partition (state $a_state)"
	[ "$(echo "$elapsed < 3.5" | bc)" = 1 ] || fail "$policy: A lost quorum only after ${elapsed}s (lease-time 2.5 s + 1 s)"
	acks_lost=$(fo_acks "$s1")

	fo_wait_quorum B have 30 > /dev/null
	assert_eq "$(mirror_field B role)" primary "$policy: B's role after the partition"
	[ "$(fo_quorum A)" != have ] || fail "$policy: A holds quorum again while B is primary"
	w2=$(on_bg B ackcheck write --device /dev/mapper/vol0 --first 16384 --blocks 16384 --qd 8 --writer 2 --ops 2000)
	s2=$SM_RUNDIR/B/share/cmd/$w2.out
	on_wait B "$w2" || fail "$policy: ackcheck on B failed"
	[ "$(fo_acks "$s2")" -gt 0 ] || fail "$policy: B acknowledged nothing"
	sleep 2
	assert_eq "$(fo_acks "$s1")" "$acks_lost" "$policy: A's acknowledged writes since it lost quorum"

	heal
	fo_wait_logged A 'vol0: deposed' 30
	if on_wait A "$w1"; then
		fail "$policy: ackcheck on A succeeded although A lost quorum"
	fi
	on A "test -s /tmp/deposed-hook.ran" || fail "$policy: A's deposed-hook did not run"
	mirror_wait_state A connected 90 > /dev/null
	mirror_wait_synced B 300 > /dev/null
	mirror_wait_synced A 60 > /dev/null
	assert_eq "$(mirror_field A role)" secondary "$policy: A's role after the heal"
	stream_append "$s1" "$SM_RUNDIR/B/share/w1.log"
	cp "$SM_RUNDIR/B/share/w1.log" "$SM_RUNDIR/A/share/w1.log"
	cp "$s2" "$SM_RUNDIR/A/share/w2.log"
	cp "$s2" "$SM_RUNDIR/B/share/w2.log"
	# B is primary: through the volume; A is secondary and refuses I/O on
	# it: its data area (external metadata: the data device) instead.
	for node in A B; do
		device=/dev/mapper/vol0
		[ $node = B ] || device=/dev/mapper/data
		on $node ackcheck verify --device $device --log /host/w1.log --writer 1 ||
			fail "$policy: a write A acknowledged is missing on $node"
		on $node ackcheck verify --device $device --log /host/w2.log --writer 2 ||
			fail "$policy: a write B acknowledged is missing on $node"
	done
	assert_eq "$(mirror_data_hash A)" "$(mirror_data_hash B)" "$policy: data areas after the heal"
	fo_clock A
	fo_clock B
	fo_fence_check "$policy" "$events_a" "$events_b"
	sm_teardown
}

run suspend
run error
