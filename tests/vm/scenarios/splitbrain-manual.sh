# SPDX-License-Identifier: GPL-2.0-only
#
# Two nodes, no witness, a forced split-brain resolved by hand:
#  1. A is primary; the link is cut both ways; B is promoted by hand (a
#     data generation of its own, logged); A writes regions X (0..19) and
#     B regions Y (10..39), 64 KiB each.
#  2. Healed, the agents reconnect: both kernels refuse the link as a
#     split-brain, log it, report it in status (changes on each side, the
#     common generation), send the event (audited by the agents) and the
#     agents run the split-brain-hook once with the SYNCMIRROR_SB_*
#     environment.  After 30 s (10 under make check) of reconnection attempts nothing has been
#     merged: both data areas hash as before.
#  3. smctl resolve on the primary is refused; B is demoted and resolves
#     with --discard-local: at the next link B becomes sync target and
#     receives exactly regions(X) u regions(Y), 40 regions; A's data is
#     unchanged, the copies hash equal, both report the manual decision.
#  4. Unrelated data: two volumes with the same UUID created separately
#     and each forced primary share no generation; the link is refused
#     with a clear reason and nothing moves.
# timeout: 900

. "$SM_VM/mirror.sh"
. "$SM_VM/splitbrain.sh"

sb_boot
sb_pair disconnect

# 1. The split and the two writers.
sb_split
on B smctl primary vol0
on B "dmesg | grep -q 'syncmirror: vol0: promoted without the peer: new data generation'" ||
	fail "B's promotion without its peer drew no generation"
gen_a=$(mirror_field A current_uuid)
gen_b=$(mirror_field B current_uuid)
sb_write A 0 20 0xaa
sb_write B 10 30 0xbb
[ "$(mirror_field A current_uuid)" != "$gen_a" ] || fail "A's first write without B drew no generation"
assert_eq "$(mirror_field B current_uuid)" "$gen_b" "B's generation after its writes (drawn at promotion)"
assert_eq "$(mirror_field A out_of_sync_bytes)" $((20 * SB_REGION)) "A's changes"
assert_eq "$(mirror_field B out_of_sync_bytes)" $((30 * SB_REGION)) "B's changes"
common=$(mirror_field A bitmap_uuid)
assert_eq "$(mirror_field B bitmap_uuid)" "$common" "the generation both count from"
hash_a=$(mirror_data_hash A)
hash_b=$(mirror_data_hash B)
[ "$hash_a" != "$hash_b" ] || fail "the copies do not differ after the split writes"

# 2. Heal: detected on both sides, reported, never merged.
heal
for node in A B; do
	reason=$(sb_refused $node 90)
	assert_eq "$reason" "refused (split-brain: both copies have writes the other lacks)" "$node's link after the heal"
	assert_eq "$(sb_field $node decision)" refused "$node's split-brain decision"
	assert_eq "$(sb_field $node common_uuid)" "$common" "$node's common generation"
	assert_eq "$(sb_field $node full)" false "$node: the bitmaps cover the split"
	on $node "dmesg | grep -q 'syncmirror: vol0: split-brain with node [01] since $common'" ||
		fail "$node's kernel did not log the split-brain"
	on $node "dmesg | grep -q 'syncmirror: vol0: split-brain refused: no automatic policy'" ||
		fail "$node's kernel did not log the refusal"
	wait_logged $node 'audit: vol0: split-brain refused' 20
	wait_logged $node 'vol0: split-brain-hook: hook saw refused' 20
done
assert_eq "$(sb_field A local_changes_bytes)" $((20 * SB_REGION)) "A's changes in its report"
assert_eq "$(sb_field A peer_changes_bytes)" $((30 * SB_REGION)) "B's changes in A's report"
assert_eq "$(sb_field B local_changes_bytes)" $((30 * SB_REGION)) "B's changes in its report"
on A "grep -qx SYNCMIRROR_SB_DECISION=refused /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_SB_LOCAL_CHANGES=$((20 * SB_REGION)) /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_SB_PEER_CHANGES=$((30 * SB_REGION)) /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_SB_COMMON_UUID=$common /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_SB_FULL=0 /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_SB_POLICY=disconnect /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_HOOK=split-brain /tmp/sb-hook.env &&
	grep -qx SYNCMIRROR_VOLUME=vol0 /tmp/sb-hook.env" ||
	fail "A's split-brain-hook environment: $(on A cat /tmp/sb-hook.env)"
# The agents retry after 1, 2, 4, 8 ... s: three or more refused attempts.
refused_for=$(tier 10 30)
sleep "$refused_for"
assert_eq "$(mirror_data_hash A)" "$hash_a" "A's data after $refused_for s of refused links"
assert_eq "$(mirror_data_hash B)" "$hash_b" "B's data after $refused_for s of refused links"
runs=$(on A "grep -c '^SYNCMIRROR_HOOK=' /tmp/sb-hook.all")
assert_eq "$runs" 1 "split-brain-hook runs on A for one split-brain"

# 3. Manual resolution on B.
out=$(on A "smctl resolve vol0 --discard-local 2>&1; echo rc=\$?")
case $out in
*"demote the copy to discard first"*"rc=1") ;;
*) fail "smctl resolve on a primary: $out" ;;
esac
on B smctl secondary vol0
out=$(on B smctl resolve vol0 --discard-local)
log "smctl resolve: $out"
case $out in
"vol0: this copy will be discarded at the next link"*) ;;
*) fail "smctl resolve --discard-local said: $out" ;;
esac
assert_eq "$(mirror_field B resolve_pending)" true "B's pending resolution"
mirror_wait_state B connected 60 > /dev/null
mirror_wait_synced A 120 > /dev/null
mirror_wait_synced B 60 > /dev/null
received=$(mirror_field B resync_received_bytes)
log "resolution moved $received bytes (X: 20 regions, Y: 30, union 40)"
assert_eq "$received" $((40 * SB_REGION)) "bytes B received: regions(X) u regions(Y)"
assert_eq "$(mirror_data_hash A)" "$hash_a" "A's data after the resolution"
assert_eq "$(mirror_data_hash B)" "$hash_a" "B's data after the resolution"
assert_eq "$(sb_field B decision)" resolved-manual "B's decision"
assert_eq "$(sb_field B victim)" local "B's victim"
assert_eq "$(sb_field A decision)" resolved-manual "A's decision"
assert_eq "$(sb_field A victim)" peer "A's victim"
assert_eq "$(mirror_field B resolve_pending)" false "B's pending resolution after the link"
assert_eq "$(mirror_field B current_uuid)" "$(mirror_field A current_uuid)" "generations after the resolution"
on B "dmesg | grep -q 'syncmirror: vol0: discarding this copy.s changes since $common: resync from node 0'" ||
	fail "B did not log what it discarded"

# 4. Unrelated data: same UUID, created apart, each forced primary alone.
for node in A B; do
	on $node "smctl down vol0 > /dev/null; rm /etc/syncmirror/vol0.conf && kill -HUP \$(pidof syncmirrord)"
done
MIRROR_FULL_SYNC=1 mirror_volume A 0 $SB_UUID
MIRROR_FULL_SYNC=1 mirror_volume B 1 $SB_UUID
on A smctl primary vol0 --force
on A smctl secondary vol0
on B smctl primary vol0 --force
on B smctl secondary vol0
hash_a=$(mirror_data_hash A)
hash_b=$(mirror_data_hash B)
waiter=$(on_bg B "$(mirror_connect_cmd vol0 --listen 0.0.0.0:7790 --timeout 60)")
on A "$(mirror_connect_cmd vol0 --peer B:7790 --timeout 60)" || true
on_wait B "$waiter" || true
for node in A B; do
	assert_eq "$(mirror_wait_state $node refused 30)" \
		"refused (the copies share no data generation (unrelated data))" "$node facing unrelated data"
done
assert_eq "$(mirror_field A sync_state)" none "A's sync state facing unrelated data"
assert_eq "$(mirror_data_hash A)" "$hash_a" "A's data after the refused link"
assert_eq "$(mirror_data_hash B)" "$hash_b" "B's data after the refused link"
