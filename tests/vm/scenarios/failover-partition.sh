# SPDX-License-Identifier: GPL-2.0-only
#
# Partition {A} | {B, W} under load, with a witness, for both
# on-quorum-loss policies:
#  - A (primary, ackcheck writer 1) loses quorum within lease-time of the
#    cut (A's clock: its side of the cut stamped on A once in place, its
#    fence's since_ns) and acknowledges nothing after that: its ACK count does
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
	local events_a events_b cut lost_ns loss_ms
	fo_cluster "$policy"
	events_a=$(fo_events_start A)
	events_b=$(fo_events_start B)
	fo_clock A
	fo_clock B
	# Writer 1 on A in the first half of the blocks, writer 2 on B in the
	# second: each stream verifies on the final data only if they do not
	# overwrite each other.
	w1=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks $FO_BLOCKS --qd 32 --writer 1)
	s1=$SM_RUNDIR/A/share/cmd/$w1.out
	sleep 4
	[ "$(fo_acks "$s1")" -gt 0 ] || fail "$policy: no write acknowledged on A before the partition"

	# A's side of the cut first, stamped by A's clock once the rule is in:
	# no grant reaches A after that stamp, and a grant echoes a heartbeat
	# A sent before it, so A's lease ends within lease-time of the stamp.
	cut=$(on A "nft add rule ip harness input ip saddr '{ 10.0.0.2, 10.0.0.3 }' drop &&
		echo \${EPOCHREALTIME/./}000")
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
	# The bound from A's own clock: when its fence left "have" (since_ns,
	# the lease's end) against the cut; the host's polling above only
	# shows that it happened (its latency grows with the machine's load).
	lost_ns=$(mirror_json A | sed -n 's/.*"quorum":{"state":"[a-z]*".*"since_ns":\([0-9]*\).*/\1/p')
	loss_ms=$(((lost_ns - cut) / 1000000))
	log "$policy: A's fence left 'have' $loss_ms ms after A's side of the cut (A's clock); seen from the host after ${elapsed}s (state $a_state)"
	[ "$loss_ms" -le 2500 ] || fail "$policy: A held quorum $loss_ms ms after the cut (lease-time 2500 ms)"
	acks_lost=$(fo_acks "$s1")

	fo_wait_quorum B have 30 > /dev/null
	assert_eq "$(mirror_field B role)" primary "$policy: B's role after the partition"
	[ "$(fo_quorum A)" != have ] || fail "$policy: A holds quorum again while B is primary"
	w2=$(on_bg B ackcheck write --device /dev/mapper/vol0 --first $FO_BLOCKS --blocks $FO_BLOCKS --qd 8 --writer 2 --ops $(tier 1000 2000))
	s2=$SM_RUNDIR/B/share/cmd/$w2.out
	on_wait B "$w2" || fail "$policy: ackcheck on B failed"
	[ "$(fo_acks "$s2")" -gt 0 ] || fail "$policy: B acknowledged nothing"
	sleep 2
	assert_eq "$(fo_acks "$s1")" "$acks_lost" "$policy: A's acknowledged writes since it lost quorum"

	heal
	wait_logged A 'vol0: deposed' 30
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
