# SPDX-License-Identifier: GPL-2.0-only
#
# Automatic split-brain policies (after-split-brain), each where it
# applies and where it must not, on two nodes run by syncmirrord:
#  - discard-zero-changes: B promoted alone (and demoted) without writing,
#    A wrote: B is discarded, A's 20 regions move.  Both wrote: refused.
#  - discard-least-changes: A changed 100 regions, B 10 (demoted): B is
#    discarded, the union (110 regions) moves.  Equal counts: refused.
#    The victim still primary: refused, nothing moves.
#  - discard-younger-primary: B promoted > 5 s after A: B is discarded.
#    Promotions under 5 s apart: refused.
#  - different policies on A and B: every link refused (POLICY_MISMATCH).
# Each "applies" case checks the victim, the decision on both sides and
# the bytes moved; each "must not" case the refusal and both data areas
# unchanged.  (An unknown promotion time is covered by KUnit only: making
# one needs an offline superblock rewrite.)  make check runs one "applies"
# case per policy, the primary-victim refusal and the mismatch; the other
# refusals (both changed, equal counts, promotions under 5 s apart) are
# decisions of the verdict table that KUnit covers case by case
# (syncmirror-protocol_test.c) and run here under make check-full.
# timeout: 1500

. "$SM_VM/mirror.sh"
. "$SM_VM/splitbrain.sh"

sb_boot

# applies POLICY VICTIM_NODE SURVIVOR_NODE BYTES: after heal, the victim is
# discarded and receives BYTES; the copies hash as the survivor's did.
applies() {
	local policy=$1 victim=$2 survivor=$3 bytes=$4 hash
	hash=$(mirror_data_hash "$survivor")
	heal
	mirror_wait_state "$victim" connected 90 > /dev/null
	mirror_wait_synced "$survivor" 120 > /dev/null
	mirror_wait_synced "$victim" 60 > /dev/null
	assert_eq "$(sb_field "$victim" decision)" resolved-auto "$policy: the victim's decision"
	assert_eq "$(sb_field "$victim" victim)" local "$policy: victim seen by the victim"
	assert_eq "$(sb_field "$survivor" decision)" resolved-auto "$policy: the survivor's decision"
	assert_eq "$(sb_field "$survivor" victim)" peer "$policy: victim seen by the survivor"
	assert_eq "$(mirror_field "$victim" resync_received_bytes)" "$bytes" "$policy: bytes the victim received"
	assert_eq "$(mirror_data_hash "$survivor")" "$hash" "$policy: the survivor's data"
	assert_eq "$(mirror_data_hash "$victim")" "$hash" "$policy: the victim's data"
	wait_logged "$victim" "audit: vol0: split-brain resolved-auto \\(victim local\\)" 20
	log "$policy applied: $victim discarded, $bytes bytes moved"
}

# refused POLICY WHY [B_LINK]: after heal, both links refused with WHY in
# the report (and B's link state B_LINK); both data areas unchanged.  Then
# resolved by hand (B discarded) so that the next case starts equal.
refused() {
	local policy=$1 why=$2 hash_a hash_b node
	hash_a=$(mirror_data_hash A)
	hash_b=$(mirror_data_hash B)
	heal
	for node in A B; do
		sb_refused $node 90 > /dev/null
		assert_eq "$(sb_field $node decision)" refused "$policy: $node's decision"
		case "$(sb_field $node reason)" in
		*"$why"*) ;;
		*) fail "$policy: $node's reason '$(sb_field $node reason)', want '$why'" ;;
		esac
	done
	[ -z "${3:-}" ] || assert_eq "$(mirror_peer_state B)" "$3" "$policy: B's link"
	sleep 5
	assert_eq "$(mirror_data_hash A)" "$hash_a" "$policy: A's data after the refusal"
	assert_eq "$(mirror_data_hash B)" "$hash_b" "$policy: B's data after the refusal"
	log "$policy refused: $why"
	# By hand then, so that the next case starts from equal copies.
	on B "smctl secondary vol0 2> /dev/null; smctl resolve vol0 --discard-local" > /dev/null
	mirror_wait_state B connected 60 > /dev/null
	mirror_wait_synced A 120 > /dev/null
	assert_eq "$(mirror_data_hash B)" "$hash_a" "$policy: B's data after resolving by hand"
}

# discard-zero-changes
sb_pair discard-zero-changes
sb_split
on B "smctl primary vol0 && smctl secondary vol0"
sb_write A 0 20 0xa1
applies discard-zero-changes B A $((20 * SB_REGION))

if [ "$(tier no yes)" = yes ]; then
	sb_pair discard-zero-changes
	sb_split
	on B smctl primary vol0
	sb_write A 0 20 0xa2
	sb_write B 30 5 0xb2
	on B smctl secondary vol0
	refused discard-zero-changes "both copies changed"
fi

# discard-least-changes
sb_pair discard-least-changes
sb_split
on B smctl primary vol0
sb_write A 0 100 0xa3
sb_write B 200 10 0xb3
on B smctl secondary vol0
applies discard-least-changes B A $((110 * SB_REGION))

if [ "$(tier no yes)" = yes ]; then
	sb_pair discard-least-changes
	sb_split
	on B smctl primary vol0
	sb_write A 0 10 0xa4
	sb_write B 200 10 0xb4
	on B smctl secondary vol0
	refused discard-least-changes "both changed as many regions"
fi

sb_pair discard-least-changes
sb_split
on B smctl primary vol0
sb_write A 0 100 0xa5
sb_write B 200 10 0xb5
refused "discard-least-changes, victim primary" "the copy to discard is primary: demote it" \
	"refused (the copy that needs the resync is primary: demote it first)"

# discard-younger-primary: A was promoted at sb_pair, B 6 s after.
sb_pair discard-younger-primary
sb_split
sleep 6
on B smctl primary vol0
sb_write A 0 10 0xa6
sb_write B 200 10 0xb6
on B smctl secondary vol0
applies discard-younger-primary B A $((20 * SB_REGION))

# Promotions under 5 s apart: A demoted and promoted again just before B.
if [ "$(tier no yes)" = yes ]; then
	sb_pair discard-younger-primary
	sb_split
	on A "smctl secondary vol0 && smctl primary vol0"
	on B smctl primary vol0
	sb_write A 0 10 0xa7
	sb_write B 200 10 0xb7
	on B smctl secondary vol0
	refused discard-younger-primary "less than 5 s apart"
fi

# Policies must agree.
sb_volume B 1 discard-least-changes --clean
sb_volume A 0 discard-zero-changes --clean
for node in A B; do
	assert_eq "$(mirror_wait_state $node refused 60)" \
		"refused (the nodes' after-split-brain policies differ)" "$node with different policies"
done
