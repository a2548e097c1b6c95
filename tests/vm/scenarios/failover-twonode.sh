# SPDX-License-Identifier: GPL-2.0-only
#
# Two-node automatic failover (no witness): the fence-hook alone decides.
# A primary (lease from B, its only voter), ackcheck at queue depth 32:
#  - partition A | B with B's fence-hook failing (exit 1): A loses quorum
#    and holds its writes; B runs the hook, takes no term and stays
#    secondary; heal: A gets its lease back, its held writes complete, B
#    was never primary;
#  - crash A with the hook succeeding: B runs it, takes term 2, is promoted
#    within 10 s of the crash (printed), writes without the fence (state
#    "none") while A is away; ackcheck verify of A's stream on B passes;
#    B's own writes complete;
#  - A boots again: secondary, resync target, B's fence armed again by A's
#    leases ("have"); both streams verify on A's data; data areas hash
#    equal.
# timeout: 1500

. "$SM_VM/mirror.sh"
. "$SM_VM/failover.sh"

FO_WITNESS=no
fo_cluster
assert_eq "$(mirror_field A role)" primary "A's role"

writer=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks $FO_BLOCKS --qd 32 --writer 7)
stream=$SM_RUNDIR/A/share/cmd/$writer.out
sleep 4
[ "$(fo_acks "$stream")" -gt 0 ] || fail "no write acknowledged on A before the partition"

# 1. A partition, B's fence-hook fails: nothing changes hands.
on B "echo 1 > /etc/syncmirror/fence-exit"
partition A B
fo_wait_quorum A lost 10 > /dev/null
sleep 1		# a write decided just before the lease's end may print its ACK late
acks_lost=$(fo_acks "$stream")
wait_logged B 'vol0: fence-hook failed: not promoting' 30
assert_eq "$(mirror_field B role)" secondary "B's role after its fence-hook failed"
sleep 3
assert_eq "$(fo_acks "$stream")" "$acks_lost" "A's acknowledged writes while without quorum"
logged B 'fence-hook fenced node' && fail "B took a term although its fence-hook failed"
heal
fo_wait_quorum A have 60 > /dev/null
deadline=$((SECONDS + 60))
until [ "$(fo_acks "$stream")" -gt "$acks_lost" ]; do
	[ $SECONDS -lt $deadline ] || fail "A's writes did not go on after the heal"
	sleep 1
done
log "partition with a failing fence-hook: A held its writes ($acks_lost acks), B stayed secondary; after the heal A writes again ($(fo_acks "$stream") acks)"
logged A 'vol0: deposed' && fail "A was deposed although B never took a term"
mirror_wait_state B connected 90 > /dev/null
# B resyncs what A wrote while apart; only an up-to-date B may take over.
mirror_wait_synced A 300 > /dev/null
mirror_wait_synced B 60 > /dev/null
deadline=$((SECONDS + 60))
until [ "$(mirror_field B disk)" = up-to-date ]; do
	[ $SECONDS -lt $deadline ] || fail "B's disk $(mirror_field B disk) 60 s after its resync"
	sleep 1
done

# 2. A crashes, B's fence-hook succeeds: B takes over, unfenced.
on B "echo 0 > /etc/syncmirror/fence-exit && rm -f /tmp/fence-hook.ran"
sleep 3
acks=$(fo_acks "$stream")
crash A
start=$(date +%s.%N)
while :; do
	json=$(mirror_json B)
	case $json in
	*'"role":"primary"'*'"quorum":{"state":"none"'*) break ;;
	esac
	elapsed=$(echo "$(date +%s.%N) - $start" | bc)
	[ "$(echo "$elapsed < 30" | bc)" = 1 ] || fail "B not primary 30 s after the crash: $json"
	sleep 0.2
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
log "A crashed after $acks acks; B primary (fence-hook, no witness) after ${elapsed}s"
[ "$(echo "$elapsed < 10" | bc)" = 1 ] || fail "failover took ${elapsed}s (more than 10 s)"
on B "test -s /tmp/fence-hook.ran && grep -q SYNCMIRROR_HOOK=fence /tmp/fence-hook.ran" ||
	fail "B's fence-hook did not run before the promotion"
logged B 'vol0: fence-hook fenced node 0: term 2 taken' || fail "B did not log its term"
logged B 'writing without the quorum fence while node 0 is fenced' || fail "B did not log its unfenced writing"
# The promote-hook runs after the promotion, as the agent's poll loop goes on.
fo_wait_file B /tmp/promote-hook.ran 10

cp "$stream" "$SM_RUNDIR/B/share/w7.log"
on B ackcheck verify --device /dev/mapper/vol0 --log /host/w7.log --writer 7 ||
	fail "an acknowledged write of A is missing on B"
w2=$(on_bg B ackcheck write --device /dev/mapper/vol0 --first $FO_BLOCKS --blocks $FO_BLOCKS --qd 8 --writer 2 --ops 1000)
on_wait B "$w2" || fail "ackcheck on B failed"
s2=$SM_RUNDIR/B/share/cmd/$w2.out
[ "$(fo_acks "$s2")" -gt 0 ] || fail "B acknowledged nothing"

# 3. A is back: secondary, resynced, and B is fenced again by A's leases.
boot A
fo_start A
mirror_wait_state A connected 90 > /dev/null
mirror_wait_synced B 300 > /dev/null
mirror_wait_synced A 60 > /dev/null
assert_eq "$(mirror_field A role)" secondary "A's role after rejoining"
fo_wait_quorum B have 60 > /dev/null
wait_logged B 'vol0: node 0 grants leases again: the quorum fence is armed' 10
if on A "dmesg | grep -q 'syncmirror: vol0: role primary'"; then
	fail "A promoted itself after rejoining"
fi
cp "$SM_RUNDIR/B/share/w7.log" "$SM_RUNDIR/A/share/w7.log"
cp "$s2" "$SM_RUNDIR/A/share/w2.log"
on A ackcheck verify --device /dev/mapper/data --log /host/w7.log --writer 7 ||
	fail "A lacks an acknowledged write of its own after the resync"
on A ackcheck verify --device /dev/mapper/data --log /host/w2.log --writer 2 ||
	fail "A lacks an acknowledged write of B after the resync"
assert_eq "$(mirror_data_hash A)" "$(mirror_data_hash B)" "data areas"
