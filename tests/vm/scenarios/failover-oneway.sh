# SPDX-License-Identifier: GPL-2.0-only
#
# One-way link loss with a witness (syncmirror-failover.rst, "One-way link
# loss"): ackcheck writes on the primary A; then B loses everything A
# sends it ("drop A B"), later the other way round ("drop B A").  For 30 s
# each time, polled from the host:
#  - A's ACK count keeps growing (in every 10 s window), and no stretch
#    without a new ACK is longer than the ping timeout (5 s) + the wait
#    for a pending generation to be recorded (2 heartbeat intervals, 1 s)
#    + 2 s: the link loss is detected by timeout, nothing deadlocks;
#  - A holds quorum throughout but for at most one stretch (the pending
#    generation's wait) of at most that wait + 2 s;
#  - B is never primary (its events and its kernel log say so), and with
#    "drop A B" its agent logs why it does not promote (the witness still
#    hears the primary);
# then heal: the peer link comes back, B is resynced from A, both copies
# hold every acknowledged write and the data areas hash equal.
# timeout: 1500

. "$SM_VM/mirror.sh"
. "$SM_VM/failover.sh"

ping_timeout=5		# the kernel's default, s
pending_wait=1		# 2 x heartbeat-interval, s
stall_max=$((ping_timeout + pending_wait + 2))
watch=$(tier 20 30)	# s; "in every 10 s window" needs two

# ack_sampler STREAM OUT SECONDS: every 0.2 s, "<host time> <ACK count>"
# of STREAM to OUT (the stream is written through virtfs: the host sees
# each line as it is written, so this times the ACKs better than a poll
# loop that waits for commands in the guests).
ack_sampler() {
	local end
	end=$(echo "$(date +%s.%N) + $3" | bc)
	while [ "$(echo "$(date +%s.%N) < $end" | bc)" = 1 ]; do
		echo "$(date +%s.%N) $(fo_acks "$1")"
		sleep 0.2
	done > "$2"
}

# oneway FROM TO: drop FROM -> TO for $watch s under ackcheck on A.
oneway() {
	local from=$1 to=$2 writer stream samples sampler start now elapsed
	local a_state b_role gap lost_runs=0 lost_since= lost_max=0 stall stuck

	writer=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks $(tier 4096 65536) --qd 32 --writer 3)
	stream=$SM_RUNDIR/A/share/cmd/$writer.out
	sleep 3
	[ "$(fo_acks "$stream")" -gt 0 ] || fail "$from->$to: no write acknowledged on A before the drop"

	drop "$from" "$to"
	start=$(date +%s.%N)
	samples=$SM_RUNDIR/acks-$from$to.txt
	ack_sampler "$stream" "$samples" "$watch" &
	sampler=$!
	while :; do
		now=$(date +%s.%N)
		elapsed=$(echo "$now - $start" | bc)
		[ "$(echo "$elapsed < $watch" | bc)" = 1 ] || break
		a_state=$(fo_quorum A)
		now=$(date +%s.%N)
		if [ "$a_state" != have ]; then
			if [ -z "$lost_since" ]; then
				lost_since=$now
				lost_runs=$((lost_runs + 1))
				[ $lost_runs -le 1 ] ||
					fail "$from->$to: A lost quorum a second time ($a_state ${elapsed}s into the drop)"
			fi
			gap=$(echo "$now - $lost_since" | bc)
			[ "$(echo "$gap > $lost_max" | bc)" = 1 ] && lost_max=$gap
			[ "$(echo "$gap <= $pending_wait + 2" | bc)" = 1 ] ||
				fail "$from->$to: A without quorum ($a_state) for ${gap}s"
		else
			lost_since=
		fi
		b_role=$(mirror_field B role)
		[ "$b_role" = secondary ] || fail "$from->$to: B's role is '$b_role' ${elapsed}s into the drop"
	done
	wait "$sampler"
	# The longest time without a new ACK, and every 10 s window grew.
	stall=$(awk 'NR == 1 { t = $1; n = $2 } { if ($1 - t > max) max = $1 - t }
		$2 > n { n = $2; t = $1 } END { printf "%.1f", max }' "$samples")
	stuck=$(awk 'NR == 1 { w = $1; n = $2 } $1 - w >= 10 { if ($2 <= n) print $1 - w; w = $1; n = $2 }' "$samples")
	[ -z "$stuck" ] || fail "$from->$to: A's ACK count did not grow in a 10 s window"
	[ "$(echo "$stall <= $stall_max" | bc)" = 1 ] ||
		fail "$from->$to: no write acknowledged on A for ${stall}s (at most ${stall_max}s: ping timeout + pending generation + 2 s)"
	log "$from->$to dropped for ${watch}s: A acknowledged $(fo_acks "$stream") writes, longest wait for an ACK ${stall}s, A seen without quorum for ${lost_max}s ($lost_runs times)"
	assert_eq "$(mirror_field A role)" primary "$from->$to: A's role"
	if [ "$from" = A ]; then
		logged B 'vol0: not promoting: the witness still hears the primary' ||
			fail "$from->$to: B's agent did not log why it does not promote"
	fi
	on B "dmesg | grep -q 'syncmirror: vol0: role primary'" &&
		fail "$from->$to: B's kernel was made primary"

	heal
	mirror_wait_state A connected 90 > /dev/null
	mirror_wait_state B connected 90 > /dev/null
	on A "kill \$(pidof ackcheck)"
	on_wait A "$writer" > /dev/null || true	# killed: exits by the signal
	mirror_wait_synced A 300 > /dev/null
	mirror_wait_synced B 300 > /dev/null
	assert_eq "$(mirror_field B role)" secondary "$from->$to: B's role after the heal"
	stream_append "$stream" "$SM_RUNDIR/A/share/w3.log"
	cp "$SM_RUNDIR/A/share/w3.log" "$SM_RUNDIR/B/share/w3.log"
	on A ackcheck verify --device /dev/mapper/vol0 --log /host/w3.log --writer 3 ||
		fail "$from->$to: an acknowledged write is missing on A"
	# B is secondary and refuses I/O on the volume: its data area.
	on B ackcheck verify --device /dev/mapper/data --log /host/w3.log --writer 3 ||
		fail "$from->$to: an acknowledged write is missing on B"
	assert_eq "$(mirror_data_hash A)" "$(mirror_data_hash B)" "$from->$to: data areas after the heal"
}

fo_cluster
oneway A B
oneway B A
