// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the resync decision (syncmirror_wire_sync_verdict(),
 * kernel/syncmirror-protocol.c), taken on both nodes from the same two
 * hellos as the connection takes it (kernel/syncmirror-connection.c:
 * hello check, hello size, then the decision, also after DUAL_PRIMARY).
 *
 * Properties, whatever the hellos say:
 * - when both nodes take the decision after an accepted hello check,
 *   they reach the mirror image: one source and one target of the same
 *   kind (bitmap or full), or both no resync, or the same refusal; and
 *   mirror-image split-brain decisions with the same common generation;
 * - never both sync source, never both sync target;
 * - the copy a split-brain decision discards is the target;
 * - an INCONSISTENT copy is never a source, and no resync between copies
 *   one of which is inconsistent happens only with a diskless node;
 * - the copy that receives is never primary;
 * - a hello no honest peer sends (current generation 0 without
 *   INCONSISTENT) is refused before any decision.
 *
 * Input: FUZZ_SIDE_BYTES for each node (see take_side()).  Generations
 * come from a small pool so that the equalities the decision table is
 * about happen often.
 */
#include "syncmirror-protocol.h"
#include "fuzz.h"

#define GEN_POOL	8
#define SEC		1000000000ULL
#define T0		(1764590000ULL * SEC)

static const u64 generations[GEN_POOL] = {
	0, 1, 0xa1a1a1a1a1a1a1a1ULL, 0xb2b2b2b2b2b2b2b3ULL,
	0xc3c3c3c3c3c3c3c3ULL, 0xd4d4d4d4d4d4d4d5ULL, 0x5858585858585859ULL,
	U64_MAX,
};

static const uuid_t volume = { { 0x0b, 0x6f, 0x5c, 0x1a, 0x7e, 0x0d, 0x4c,
				 0x55, 0x9a, 0x3e, 0x5b, 0x1f, 0x0c, 0x2d,
				 0x3e, 0x4f } };

struct node {
	struct syncmirror_hello hello;
	u32 len;			/* of its hello on the wire */
};

/* A node's dirty regions: mostly small, sometimes huge. */
static u64 dirty_regions(u8 b)
{
	if (b < 0xf0)
		return b & 7;
	return U64_MAX - (b & 0xf);
}

/*
 * byte 0: hello flags (bits 1-4 as SYNCMIRROR_WIRE_HELLO_F_*), bit 5
 *	   primary, bit 6 speaks only version 2, bit 7 other region size
 * byte 1: node id (low 5 bits)
 * byte 2: after-split-brain policy (low 2 bits; bit 7: the byte as it is)
 * byte 3, 4: current and bitmap generation (pool index)
 * byte 5-8: history (pool indexes)
 * byte 9: dirty regions, byte 10: promotion time (0 unknown, else T0 + s)
 * byte 11: version_min
 */
static void take_side(struct fuzz_input *in, struct node *node)
{
	struct syncmirror_hello *h = &node->hello;
	struct syncmirror_wire_hello wire;
	u8 b[FUZZ_SIDE_BYTES];
	int i;

	fuzz_take(in, b, sizeof(b));
	memset(h, 0, sizeof(*h));
	h->version_min = b[11] & 0x80 ? b[11] & 3 : SYNCMIRROR_WIRE_VERSION_MIN;
	h->version_max = b[0] & 0x40 ? 2 : SYNCMIRROR_WIRE_VERSION;
	h->volume_uuid = volume;
	h->data_sectors = 2095104;
	h->node_id = b[1] & 0x1f;
	h->max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD;
	h->role = b[0] & 0x20 ? SYNCMIRROR_ROLE_PRIMARY :
				SYNCMIRROR_ROLE_SECONDARY;
	h->flags = b[0] & 0x1e;
	h->current_uuid = generations[b[3] % GEN_POOL];
	h->bitmap_uuid = generations[b[4] % GEN_POOL];
	h->dirty_regions = dirty_regions(b[9]);
	h->region_shift = b[0] & 0x80 ? 8 : 7;
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		h->history_uuid[i] = generations[b[5 + i] % GEN_POOL];
	h->promote_time = b[10] ? T0 + b[10] * SEC : 0;
	h->sb_policy = b[2] & 0x80 ? b[2] : b[2] & 3;

	/* Through the wire: a version 2 hello has no version 3 fields. */
	node->len = h->version_max >= 3 ? sizeof(wire) :
					  SYNCMIRROR_WIRE_HELLO_V2_SIZE;
	syncmirror_wire_encode_hello(h, &wire);
	fuzz_check(!syncmirror_wire_decode_hello(&wire, node->len, h),
		   "an encoded hello did not decode");
}

/* What one node does with the peer's hello (syncmirror-connection.c). */
struct outcome {
	enum syncmirror_wire_error check;	/* the hello check */
	bool decided;				/* the decision was taken */
	enum syncmirror_wire_error decision_error;
	struct syncmirror_sync_decision d;
	enum syncmirror_wire_error error;	/* what it sends: NONE, link up */
};

static void handshake(const struct node *local, const struct node *remote,
		      struct outcome *o)
{
	u16 version = 0;

	memset(o, 0, sizeof(*o));
	o->check = syncmirror_wire_check_hello(&local->hello, &remote->hello,
					       &version);
	o->error = o->check;
	if (o->check == SYNCMIRROR_WIRE_ERR_NONE &&
	    !syncmirror_wire_hello_size_ok(version, remote->len)) {
		o->error = SYNCMIRROR_WIRE_ERR_PROTOCOL;
		return;
	}
	if (o->check != SYNCMIRROR_WIRE_ERR_NONE &&
	    (o->check != SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY ||
	     local->hello.region_shift != remote->hello.region_shift))
		return;
	o->decided = true;
	o->decision_error = syncmirror_wire_sync_verdict(&local->hello,
							 &remote->hello,
							 &o->d);
	if (o->check == SYNCMIRROR_WIRE_ERR_NONE || o->d.split_brain)
		o->error = o->decision_error ? o->decision_error : o->error;
}

static enum syncmirror_sync_verdict mirror(enum syncmirror_sync_verdict v)
{
	switch (v) {
	case SYNCMIRROR_SYNC_BE_SOURCE:
		return SYNCMIRROR_SYNC_BE_TARGET;
	case SYNCMIRROR_SYNC_BE_TARGET:
		return SYNCMIRROR_SYNC_BE_SOURCE;
	case SYNCMIRROR_SYNC_FULL_SOURCE:
		return SYNCMIRROR_SYNC_FULL_TARGET;
	case SYNCMIRROR_SYNC_FULL_TARGET:
		return SYNCMIRROR_SYNC_FULL_SOURCE;
	default:
		return v;
	}
}

static u32 mirror_sb(u32 d)
{
	switch (d) {
	case SYNCMIRROR_SB_DECISION_MANUAL_LOCAL:
		return SYNCMIRROR_SB_DECISION_MANUAL_PEER;
	case SYNCMIRROR_SB_DECISION_MANUAL_PEER:
		return SYNCMIRROR_SB_DECISION_MANUAL_LOCAL;
	case SYNCMIRROR_SB_DECISION_AUTO_LOCAL:
		return SYNCMIRROR_SB_DECISION_AUTO_PEER;
	case SYNCMIRROR_SB_DECISION_AUTO_PEER:
		return SYNCMIRROR_SB_DECISION_AUTO_LOCAL;
	default:
		return d;
	}
}

static bool is_source(enum syncmirror_sync_verdict v)
{
	return v == SYNCMIRROR_SYNC_BE_SOURCE ||
	       v == SYNCMIRROR_SYNC_FULL_SOURCE;
}

static bool is_target(enum syncmirror_sync_verdict v)
{
	return v == SYNCMIRROR_SYNC_BE_TARGET ||
	       v == SYNCMIRROR_SYNC_FULL_TARGET;
}

static bool flag(const struct node *node, u32 f)
{
	return node->hello.flags & f;
}

/* Both decided: they must have decided alike. */
static void check_mirror(const struct outcome *a, const struct outcome *b)
{
	fuzz_check(a->d.split_brain == mirror_sb(b->d.split_brain),
		   "split-brain decisions %u and %u", a->d.split_brain,
		   b->d.split_brain);
	if (a->d.split_brain)
		fuzz_check(a->d.full == b->d.full &&
			   a->d.common_uuid == b->d.common_uuid,
			   "split-brain decided on other generations");
	if (a->check != SYNCMIRROR_WIRE_ERR_NONE ||
	    b->check != SYNCMIRROR_WIRE_ERR_NONE)
		return;
	fuzz_check(a->decision_error == b->decision_error,
		   "one node refuses with %d, the other with %d",
		   a->decision_error, b->decision_error);
	if (a->decision_error)
		return;
	fuzz_check(!(is_source(a->d.verdict) && is_source(b->d.verdict)),
		   "both nodes are sync source");
	fuzz_check(!(is_target(a->d.verdict) && is_target(b->d.verdict)),
		   "both nodes are sync target");
	fuzz_check(a->d.verdict == mirror(b->d.verdict),
		   "verdicts %d and %d are not mirror images", a->d.verdict,
		   b->d.verdict);
}

/* What one node decided makes sense from its own side. */
static void check_side(const struct node *local, const struct node *remote,
		       const struct outcome *o)
{
	enum syncmirror_sync_verdict v = o->d.verdict;
	u32 sb = o->d.split_brain;

	if (!o->decided || o->decision_error) {
		fuzz_check(sb == SYNCMIRROR_SB_DECISION_NONE ||
			   sb == SYNCMIRROR_SB_DECISION_REFUSED,
			   "a refused link resolved a split-brain (%u)", sb);
		return;
	}
	fuzz_check(sb != SYNCMIRROR_SB_DECISION_REFUSED,
		   "a split-brain refused, the link accepted");
	if (sb == SYNCMIRROR_SB_DECISION_MANUAL_LOCAL ||
	    sb == SYNCMIRROR_SB_DECISION_AUTO_LOCAL)
		fuzz_check(is_target(v), "this copy discarded, but not target");
	if (sb == SYNCMIRROR_SB_DECISION_MANUAL_PEER ||
	    sb == SYNCMIRROR_SB_DECISION_AUTO_PEER)
		fuzz_check(is_source(v), "the peer's copy discarded, but we are not source");
	fuzz_check(!is_source(v) ||
		   !flag(local, SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT),
		   "an inconsistent copy is sync source");
	fuzz_check(!is_target(v) ||
		   !flag(remote, SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT),
		   "an inconsistent peer is sync source");
	fuzz_check(!is_target(v) ||
		   local->hello.role != SYNCMIRROR_ROLE_PRIMARY,
		   "a primary is sync target");
	fuzz_check(!is_source(v) ||
		   remote->hello.role != SYNCMIRROR_ROLE_PRIMARY,
		   "a primary peer is sync target");
	if (v == SYNCMIRROR_SYNC_NO &&
	    flag(local, SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT) !=
	    flag(remote, SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT))
		fuzz_check(flag(local, SYNCMIRROR_WIRE_HELLO_F_DISKLESS) ||
			   flag(remote, SYNCMIRROR_WIRE_HELLO_F_DISKLESS),
			   "no resync into an inconsistent copy");
}

static bool dishonest(const struct node *node)
{
	return !node->hello.current_uuid &&
	       !flag(node, SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct outcome oa, ob;
	struct node a, b;

	take_side(&in, &a);
	take_side(&in, &b);
	handshake(&a, &b, &oa);
	handshake(&b, &a, &ob);

	if (dishonest(&b))
		fuzz_check(oa.error && !oa.decided,
			   "a hello without a generation was taken");
	if (dishonest(&a))
		fuzz_check(ob.error && !ob.decided,
			   "a hello without a generation was taken");
	check_side(&a, &b, &oa);
	check_side(&b, &a, &ob);
	if (oa.decided && ob.decided)
		check_mirror(&oa, &ob);
	return 0;
}
