# SPDX-License-Identifier: GPL-2.0-only
#
# Failover by crash, with a witness: ackcheck writes at queue depth 32 on
# the primary; the primary's host is crashed 2 to 8 s into the run; the
# survivor is promoted by its agent (quorum from the witness) within 10 s
# (measured on the host, printed with min/median/max) and ackcheck verify
# on it finds every acknowledged write.  The crashed node boots again:
# it rejoins as secondary, never promotes itself, is resync target (its
# writes B never acknowledged are rolled back: the blocks it issued and
# never saw acknowledged read as on the survivor), and the data areas hash
# equal.  The next round crashes the other node.  FAILOVER_ROUNDS (2 under
# make check, 10 under make check-full).
# timeout: 3000

. "$SM_VM/mirror.sh"
. "$SM_VM/failover.sh"

rounds=${FAILOVER_ROUNDS:-$(tier 2 10)}
fo_cluster
primary=A survivor=B
times=()

for round in $(seq 1 "$rounds"); do
	writer=$(on_bg $primary ackcheck write --device /dev/mapper/vol0 --blocks $FO_BLOCKS --qd 32 --writer 7)
	stream=$SM_RUNDIR/$primary/share/cmd/$writer.out
	delay=$((2 + RANDOM % 7))
	sleep "$delay"
	acks=$(fo_acks "$stream")
	[ "$acks" -gt 0 ] || fail "round $round: no write acknowledged on $primary after ${delay}s"
	crash $primary
	start=$(date +%s.%N)
	while :; do
		json=$(mirror_json $survivor)
		case $json in
		*'"role":"primary"'*'"quorum":{"state":"have"'*) break ;;
		esac
		elapsed=$(echo "$(date +%s.%N) - $start" | bc)
		[ "$(echo "$elapsed < 30" | bc)" = 1 ] ||
			fail "round $round: $survivor not primary with quorum 30 s after the crash: $json"
		sleep 0.1
	done
	elapsed=$(echo "$(date +%s.%N) - $start" | bc)
	times+=("$elapsed")
	log "round $round: $primary crashed after $acks acks (${delay}s); $survivor primary with quorum after ${elapsed}s"
	[ "$(echo "$elapsed < 10" | bc)" = 1 ] || fail "round $round: failover took ${elapsed}s (more than 10 s)"
	logged $survivor "vol0: promoted \\(term [0-9]+\\)" || fail "round $round: $survivor's agent did not log its promotion"
	on $survivor "test -s /tmp/promote-hook.ran" || fail "round $round: $survivor's promote-hook did not run"
	# (After the failover is timed: a boot takes CPU from the survivor.)
	boot $primary &
	booting=$!

	stream_append "$stream" "$SM_RUNDIR/$survivor/share/all-rounds.log"
	cp "$SM_RUNDIR/$survivor/share/all-rounds.log" "$SM_RUNDIR/$primary/share/all-rounds.log"
	on $survivor ackcheck verify --device /dev/mapper/vol0 --log /host/all-rounds.log --writer 7 ||
		fail "round $round: an acknowledged write is missing on $survivor"

	# The crashed node comes back: secondary, resync target, equal data.
	wait $booting || fail "round $round: $primary did not come back"
	fo_start $primary
	mirror_wait_state $primary connected 90 > /dev/null
	mirror_wait_synced $survivor 300 > /dev/null
	mirror_wait_synced $primary 60 > /dev/null
	assert_eq "$(mirror_field $primary role)" secondary "round $round: $primary's role after rejoining"
	on $primary "dmesg | grep -q 'syncmirror: vol0: crashed as primary'" ||
		fail "round $round: $primary did not know it crashed as primary"
	on $primary "dmesg | grep -q 'syncmirror: vol0: resync from peer node'" ||
		fail "round $round: $primary was not the resync target"
	if on $primary "dmesg | grep -q 'syncmirror: vol0: role primary'"; then
		fail "round $round: $primary promoted itself after rejoining"
	fi
	# A secondary refuses I/O on the volume: read its data area instead
	# (external metadata: the data device is the volume's data).
	on $primary ackcheck verify --device /dev/mapper/data --log /host/all-rounds.log --writer 7 ||
		fail "round $round: $primary lacks an acknowledged write after its resync"
	assert_eq "$(mirror_data_hash $primary)" "$(mirror_data_hash $survivor)" "round $round: data areas"
	on $survivor "rm -f /tmp/promote-hook.ran"
	tmp=$primary primary=$survivor survivor=$tmp
done

sorted=$(printf '%s\n' "${times[@]}" | sort -n)
log "failover times over $rounds rounds: min $(echo "$sorted" | head -n 1)s, median $(echo "$sorted" | sed -n "$(((rounds + 1) / 2))p")s, max $(echo "$sorted" | tail -n 1)s"
