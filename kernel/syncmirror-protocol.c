// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirror wire protocol v2: encode and check message headers and the
 * hello handshake (Documentation/syncmirror-protocol.rst).
 *
 * Pure functions on buffers, so KUnit can test every malformed header a
 * peer could send.  The transport reads a header, decodes it here, then
 * reads exactly payload_len bytes and checks payload_csum.
 */

#include <linux/blk_types.h>
#include <linux/crc32c.h>
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "syncmirror-protocol.h"

static_assert(sizeof(struct syncmirror_wire_header) == 48);
static_assert(sizeof(struct syncmirror_wire_hello) == 128);
static_assert(offsetof(struct syncmirror_wire_hello, history_uuid) ==
	      SYNCMIRROR_WIRE_HELLO_V2_SIZE);
static_assert(sizeof(struct syncmirror_wire_resync_done) == 16);

/* Standard CRC-32C, as every checksum of the protocol. */
u32 syncmirror_wire_crc32c(const void *data, size_t len)
{
	return ~crc32c(~0U, data, len);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_crc32c);

static u32 header_checksum(const struct syncmirror_wire_header *header)
{
	struct syncmirror_wire_header copy = *header;

	copy.header_csum = 0;
	return syncmirror_wire_crc32c(&copy, sizeof(copy));
}

void syncmirror_wire_encode_header(const struct syncmirror_msg *msg,
				   struct syncmirror_wire_header *header)
{
	memset(header, 0, sizeof(*header));
	header->magic = cpu_to_be32(SYNCMIRROR_WIRE_MAGIC);
	header->type = cpu_to_be16(msg->type);
	header->flags = cpu_to_be16(msg->flags);
	header->seq = cpu_to_be64(msg->seq);
	header->sector = cpu_to_be64(msg->sector);
	header->size = cpu_to_be32(msg->size);
	header->status = cpu_to_be32(msg->status);
	header->payload_len = cpu_to_be32(msg->payload_len);
	header->payload_csum = cpu_to_be32(msg->payload_csum);
	header->header_csum = cpu_to_be32(header_checksum(header));
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_encode_header);

/* What each message type allows beyond the common checks. */
static const char *check_type_rules(const struct syncmirror_msg *msg)
{
	switch (msg->type) {
	case SYNCMIRROR_WIRE_HELLO:
		if (msg->payload_len != sizeof(struct syncmirror_wire_hello) &&
		    msg->payload_len != SYNCMIRROR_WIRE_HELLO_V2_SIZE)
			return "hello payload has the wrong size";
		break;
	case SYNCMIRROR_WIRE_WRITE:
		if (msg->size != msg->payload_len)
			return "write size differs from its payload";
		fallthrough;
	case SYNCMIRROR_WIRE_DISCARD:
	case SYNCMIRROR_WIRE_WRITE_ZEROES:
		if (!msg->size || msg->size % SECTOR_SIZE)
			return "request size is not a multiple of 512";
		break;
	case SYNCMIRROR_WIRE_ERROR:
		if (msg->payload_len > SYNCMIRROR_WIRE_MAX_ERROR_TEXT)
			return "error text too long";
		break;
	case SYNCMIRROR_WIRE_FLUSH:
		if (msg->size)
			return "flush with a size";
		break;
	case SYNCMIRROR_WIRE_VERIFY:
	case SYNCMIRROR_WIRE_READ:
		if (!msg->size || msg->size % SECTOR_SIZE ||
		    msg->size > SYNCMIRROR_WIRE_MAX_PAYLOAD)
			return "verify or read size is not a multiple of 512 up to 1 MiB";
		break;
	case SYNCMIRROR_WIRE_ACK:
		/* The answer to a READ carries its data. */
		if (msg->payload_len && msg->payload_len != msg->size)
			return "acknowledgment payload differs from its size";
		break;
	case SYNCMIRROR_WIRE_BITMAP:
		if (msg->payload_len % sizeof(__le64))
			return "bitmap payload is not whole 64-bit words";
		if (msg->flags & ~SYNCMIRROR_WIRE_F_LAST)
			return "bitmap with flags it does not take";
		return NULL;
	case SYNCMIRROR_WIRE_RESYNC_DONE:
		if (msg->payload_len != sizeof(struct syncmirror_wire_resync_done))
			return "resync-done payload has the wrong size";
		break;
	default:
		break;
	}

	if (msg->type != SYNCMIRROR_WIRE_HELLO &&
	    msg->type != SYNCMIRROR_WIRE_WRITE &&
	    msg->type != SYNCMIRROR_WIRE_RESYNC_DONE &&
	    msg->type != SYNCMIRROR_WIRE_ACK &&
	    msg->type != SYNCMIRROR_WIRE_ERROR && msg->payload_len)
		return "payload on a message that takes none";
	if (msg->type == SYNCMIRROR_WIRE_WRITE) {
		if (msg->flags & SYNCMIRROR_WIRE_F_LAST)
			return "write with the bitmap's last flag";
	} else if (msg->flags) {
		return "flags on a message that takes none";
	}
	return NULL;
}

/*
 * Check a received header and decode it into @msg.  On failure returns
 * -EBADMSG with *error saying what was wrong (for the log); the connection
 * must then be dropped with a PROTOCOL error.
 */
int syncmirror_wire_decode_header(const struct syncmirror_wire_header *header,
				  struct syncmirror_msg *msg,
				  const char **error)
{
	if (be32_to_cpu(header->magic) != SYNCMIRROR_WIRE_MAGIC) {
		*error = "bad magic";
		return -EBADMSG;
	}
	if (be32_to_cpu(header->header_csum) != header_checksum(header)) {
		*error = "header checksum mismatch";
		return -EBADMSG;
	}

	msg->type = be16_to_cpu(header->type);
	msg->flags = be16_to_cpu(header->flags);
	msg->seq = be64_to_cpu(header->seq);
	msg->sector = be64_to_cpu(header->sector);
	msg->size = be32_to_cpu(header->size);
	msg->status = be32_to_cpu(header->status);
	msg->payload_len = be32_to_cpu(header->payload_len);
	msg->payload_csum = be32_to_cpu(header->payload_csum);

	if (msg->type == SYNCMIRROR_WIRE_UNSPEC ||
	    msg->type > SYNCMIRROR_WIRE_TYPE_MAX) {
		*error = "unknown message type";
		return -EBADMSG;
	}
	if (msg->flags & ~SYNCMIRROR_WIRE_F_KNOWN) {
		*error = "unknown flags";
		return -EBADMSG;
	}
	if (header->reserved) {
		*error = "reserved field not zero";
		return -EBADMSG;
	}
	if (msg->payload_len > SYNCMIRROR_WIRE_MAX_PAYLOAD) {
		*error = "payload too large";
		return -EBADMSG;
	}
	/* The CRC-32C of nothing is 0; anything else is a broken sender. */
	if (!msg->payload_len && msg->payload_csum) {
		*error = "checksum on an empty payload";
		return -EBADMSG;
	}
	*error = check_type_rules(msg);
	return *error ? -EBADMSG : 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_decode_header);

/* Always the version 3 hello: a version 2 peer's is read by its size. */
void syncmirror_wire_encode_hello(const struct syncmirror_hello *hello,
				  struct syncmirror_wire_hello *wire)
{
	int i;

	memset(wire, 0, sizeof(*wire));
	wire->version_min = cpu_to_be16(hello->version_min);
	wire->version_max = cpu_to_be16(hello->version_max);
	wire->features = cpu_to_be32(hello->features);
	memcpy(wire->volume_uuid, hello->volume_uuid.b,
	       sizeof(wire->volume_uuid));
	wire->data_sectors = cpu_to_be64(hello->data_sectors);
	wire->node_id = cpu_to_be32(hello->node_id);
	wire->max_payload = cpu_to_be32(hello->max_payload);
	wire->role = cpu_to_be32(hello->role);
	wire->flags = cpu_to_be32(hello->flags);
	wire->current_uuid = cpu_to_be64(hello->current_uuid);
	wire->bitmap_uuid = cpu_to_be64(hello->bitmap_uuid);
	wire->dirty_regions = cpu_to_be64(hello->dirty_regions);
	wire->region_shift = cpu_to_be32(hello->region_shift);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		wire->history_uuid[i] = cpu_to_be64(hello->history_uuid[i]);
	wire->promote_time = cpu_to_be64(hello->promote_time);
	wire->sb_policy = cpu_to_be32(hello->sb_policy);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_encode_hello);

/*
 * @len is the payload's length (80 or 128, checked by the header rules):
 * an 80-byte hello reads as having no history, no promotion time and the
 * disconnect policy.  Whether the size suits the version both speak is
 * syncmirror_wire_hello_size_ok()'s, once that version is known.
 */
int syncmirror_wire_decode_hello(const struct syncmirror_wire_hello *wire,
				 u32 len, struct syncmirror_hello *hello)
{
	int i;

	if (len != sizeof(*wire) && len != SYNCMIRROR_WIRE_HELLO_V2_SIZE)
		return -EBADMSG;
	memset(hello, 0, sizeof(*hello));
	hello->version_min = be16_to_cpu(wire->version_min);
	hello->version_max = be16_to_cpu(wire->version_max);
	hello->features = be32_to_cpu(wire->features);
	memcpy(hello->volume_uuid.b, wire->volume_uuid,
	       sizeof(hello->volume_uuid.b));
	hello->data_sectors = be64_to_cpu(wire->data_sectors);
	hello->node_id = be32_to_cpu(wire->node_id);
	hello->max_payload = be32_to_cpu(wire->max_payload);
	hello->role = be32_to_cpu(wire->role);
	hello->flags = be32_to_cpu(wire->flags);
	hello->current_uuid = be64_to_cpu(wire->current_uuid);
	hello->bitmap_uuid = be64_to_cpu(wire->bitmap_uuid);
	hello->dirty_regions = be64_to_cpu(wire->dirty_regions);
	hello->region_shift = be32_to_cpu(wire->region_shift);
	if (len == SYNCMIRROR_WIRE_HELLO_V2_SIZE)
		return 0;
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		hello->history_uuid[i] = be64_to_cpu(wire->history_uuid[i]);
	hello->promote_time = be64_to_cpu(wire->promote_time);
	hello->sb_policy = be32_to_cpu(wire->sb_policy);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_decode_hello);

/* Speaking version 3, a hello is 128 bytes; speaking only 2, it is 80. */
bool syncmirror_wire_hello_size_ok(u16 version, u32 len)
{
	return len == (version >= 3 ? sizeof(struct syncmirror_wire_hello) :
				      SYNCMIRROR_WIRE_HELLO_V2_SIZE);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_hello_size_ok);

/*
 * Decide whether two nodes may talk, in the order the protocol document
 * gives.  Returns the ERROR code to send, or SYNCMIRROR_WIRE_ERR_NONE with
 * the version both speak in *version.
 */
/* Regions of the volume a hello describes (no overflow for any input). */
static u64 hello_regions(const struct syncmirror_hello *hello)
{
	u64 sectors = hello->data_sectors;
	u32 shift = hello->region_shift;

	if (shift >= 64)
		return !!sectors;
	return (sectors >> shift) + !!(sectors & ((1ULL << shift) - 1));
}

enum syncmirror_wire_error
syncmirror_wire_check_hello(const struct syncmirror_hello *local,
			    const struct syncmirror_hello *remote,
			    u16 *version)
{
	u16 newest = min(local->version_max, remote->version_max);
	u16 oldest = max(local->version_min, remote->version_min);

	if (newest < oldest || !newest)
		return SYNCMIRROR_WIRE_ERR_VERSION;
	if (!uuid_equal(&local->volume_uuid, &remote->volume_uuid))
		return SYNCMIRROR_WIRE_ERR_UUID;
	if (local->data_sectors != remote->data_sectors)
		return SYNCMIRROR_WIRE_ERR_SIZE;
	if (local->node_id == remote->node_id)
		return SYNCMIRROR_WIRE_ERR_NODE_ID;
	/* A primary sends writes of up to 1 MiB: its peer must take them. */
	if (remote->max_payload < SYNCMIRROR_WIRE_MAX_PAYLOAD ||
	    (remote->role != SYNCMIRROR_ROLE_PRIMARY &&
	     remote->role != SYNCMIRROR_ROLE_SECONDARY))
		return SYNCMIRROR_WIRE_ERR_PROTOCOL;
	/* A consistent copy names its generation: no honest peer sends 0. */
	if (!remote->current_uuid &&
	    !(remote->flags & SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT))
		return SYNCMIRROR_WIRE_ERR_PROTOCOL;
	/*
	 * Nor does an honest peer send flags no version defines, a detached
	 * disk it calls consistent, or more dirty regions than the volume has
	 * (checked before the two-primaries case, whose hello still goes to
	 * the split-brain report).
	 */
	if ((remote->flags & ~SYNCMIRROR_WIRE_HELLO_F_ALL) ||
	    ((remote->flags & SYNCMIRROR_WIRE_HELLO_F_DISKLESS) &&
	     !(remote->flags & SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT)) ||
	    remote->dirty_regions > hello_regions(remote))
		return SYNCMIRROR_WIRE_ERR_PROTOCOL;
	if (local->role == SYNCMIRROR_ROLE_PRIMARY &&
	    remote->role == SYNCMIRROR_ROLE_PRIMARY)
		return SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY;
	/* Bitmaps are exchanged bit for bit: regions must agree. */
	if (local->region_shift != remote->region_shift)
		return SYNCMIRROR_WIRE_ERR_GEOMETRY;

	*version = newest;
	return SYNCMIRROR_WIRE_ERR_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_check_hello);

static bool inconsistent(const struct syncmirror_hello *hello)
{
	return hello->flags & SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT;
}

/* Both copies are consistent and of one generation; one has bits set. */
static bool local_sources_equal(const struct syncmirror_hello *local,
				const struct syncmirror_hello *remote)
{
	bool local_crashed = local->flags & SYNCMIRROR_WIRE_HELLO_F_CRASHED;
	bool remote_crashed = remote->flags & SYNCMIRROR_WIRE_HELLO_F_CRASHED;

	/* What the primary serves is the data; the merged bitmap covers both. */
	if (local->role != remote->role)
		return local->role == SYNCMIRROR_ROLE_PRIMARY;
	if (!!local->dirty_regions != !!remote->dirty_regions)
		return local->dirty_regions;
	/* Both have bits (in-flight writes of each): any order converges. */
	if (local_crashed != remote_crashed)
		return local_crashed;
	return local->node_id < remote->node_id;
}

static bool speaks_v3(const struct syncmirror_hello *hello)
{
	return hello->version_max >= 3;
}

static bool discards_local(const struct syncmirror_hello *hello)
{
	return hello->flags & SYNCMIRROR_WIRE_HELLO_F_DISCARD_LOCAL;
}

/* Is @uuid one of @hello's earlier generations? */
static bool in_history(const struct syncmirror_hello *hello, u64 uuid)
{
	int i;

	for (i = 0; uuid && i < SYNCMIRROR_HISTORY_UUIDS; i++)
		if (hello->history_uuid[i] == uuid)
			return true;
	return false;
}

/*
 * A generation both copies have had (current, bitmap or history), or 0:
 * the highest such number, so that both nodes name the same one.
 */
static u64 shared_generation(const struct syncmirror_hello *a,
			     const struct syncmirror_hello *b)
{
	u64 mine[2 + SYNCMIRROR_HISTORY_UUIDS], best = 0;
	int i;

	mine[0] = a->current_uuid;
	mine[1] = a->bitmap_uuid;
	memcpy(&mine[2], a->history_uuid, sizeof(a->history_uuid));
	for (i = 0; i < ARRAY_SIZE(mine); i++)
		if (mine[i] > best && (mine[i] == b->current_uuid ||
				       mine[i] == b->bitmap_uuid ||
				       in_history(b, mine[i])))
			best = mine[i];
	return best;
}

/* Why a split-brain was refused, or who lost it */
static const char zero_changes_na[] =
	"discard-zero-changes does not apply: both copies changed";
static const char least_changes_na[] =
	"discard-least-changes does not apply: both changed as many regions";
static const char younger_unknown[] =
	"discard-younger-primary does not apply: a promotion time is unknown";
static const char younger_close[] =
	"discard-younger-primary does not apply: the promotions are less than 5 s apart";
static const char no_policy[] =
	"no automatic policy (after-split-brain disconnect): smctl resolve --discard-local";
static const char not_covered[] =
	"the copies parted before their bitmaps begin: smctl resolve --discard-local (full sync)";

/*
 * The victim of the configured policy after a split-brain the bitmaps
 * cover (row 7c): 1 this node, 0 the peer, -1 the policy does not apply
 * (with the reason in @decision).
 */
static int policy_victim(const struct syncmirror_hello *local,
			 const struct syncmirror_hello *remote,
			 struct syncmirror_sync_decision *decision)
{
	u64 lp = local->promote_time, rp = remote->promote_time;
	u64 ld = local->dirty_regions, rd = remote->dirty_regions;

	switch (local->sb_policy) {
	case SYNCMIRROR_SB_POLICY_ZERO_CHANGES:
		if (ld && rd) {
			decision->reason = zero_changes_na;
			return -1;
		}
		/* Both unchanged: identical copies, either may give way. */
		if (!ld && !rd)
			return local->node_id > remote->node_id;
		return !ld;
	case SYNCMIRROR_SB_POLICY_LEAST_CHANGES:
		if (ld == rd) {
			decision->reason = least_changes_na;
			return -1;
		}
		return ld < rd;
	case SYNCMIRROR_SB_POLICY_YOUNGER_PRIMARY:
		if (!lp || !rp) {
			decision->reason = younger_unknown;
			return -1;
		}
		if (max(lp, rp) - min(lp, rp) < SYNCMIRROR_PROMOTE_SKEW_NS) {
			decision->reason = younger_close;
			return -1;
		}
		return lp > rp;
	default:
		decision->reason = no_policy;
		return -1;
	}
}

/*
 * Rows 7a to 7d and H3: both copies changed since @common.  Returns the
 * error to refuse with, or NONE with *local_source set.
 */
static enum syncmirror_wire_error
split_brain(const struct syncmirror_hello *local,
	    const struct syncmirror_hello *remote, u64 common, bool full,
	    bool *local_source, struct syncmirror_sync_decision *decision)
{
	/* Both decide alike only if both know the flag. */
	bool v3 = speaks_v3(local) && speaks_v3(remote);
	bool ldiscard = v3 && discards_local(local);
	bool rdiscard = v3 && discards_local(remote);
	int victim;

	decision->split_brain = SYNCMIRROR_SB_DECISION_REFUSED;
	decision->common_uuid = common;
	decision->full = full;
	if (ldiscard && rdiscard) {
		decision->reason = "both nodes asked to discard their own data";
		return SYNCMIRROR_WIRE_ERR_RESOLVE_CONFLICT;
	}
	if (ldiscard || rdiscard) {
		victim = ldiscard;
		decision->split_brain = victim ?
			SYNCMIRROR_SB_DECISION_MANUAL_LOCAL :
			SYNCMIRROR_SB_DECISION_MANUAL_PEER;
		decision->reason = victim ? "this copy discarded (smctl resolve)" :
				   "the peer's copy discarded (smctl resolve)";
	} else {
		/* Automatic policies never apply to what the bitmaps miss. */
		if (full) {
			decision->reason = not_covered;
			return SYNCMIRROR_WIRE_ERR_SPLIT_BRAIN;
		}
		victim = policy_victim(local, remote, decision);
		if (victim < 0)
			return SYNCMIRROR_WIRE_ERR_SPLIT_BRAIN;
		decision->split_brain = victim ?
			SYNCMIRROR_SB_DECISION_AUTO_LOCAL :
			SYNCMIRROR_SB_DECISION_AUTO_PEER;
		decision->reason = victim ? "this copy discarded (after-split-brain policy)" :
				   "the peer's copy discarded (after-split-brain policy)";
	}
	if ((victim ? local : remote)->role == SYNCMIRROR_ROLE_PRIMARY) {
		decision->split_brain = SYNCMIRROR_SB_DECISION_REFUSED;
		decision->reason = "the copy to discard is primary: demote it";
		return SYNCMIRROR_WIRE_ERR_TARGET_PRIMARY;
	}
	*local_source = !victim;
	return SYNCMIRROR_WIRE_ERR_NONE;
}

/*
 * Decide, from both hellos, whether the copies need a resync and in which
 * direction (Documentation/syncmirror-protocol.rst, "Resync decision").
 * Both nodes reach the mirror-image verdict from the same two hellos.
 * Returns an ERROR code when they must not connect; after a split-brain
 * @decision says what was decided either way.
 */
enum syncmirror_wire_error
syncmirror_wire_sync_verdict(const struct syncmirror_hello *local,
			     const struct syncmirror_hello *remote,
			     struct syncmirror_sync_decision *decision)
{
	const u64 lc = local->current_uuid, rc = remote->current_uuid;
	bool v3 = speaks_v3(local) && speaks_v3(remote);
	u64 common = v3 ? shared_generation(local, remote) : 0;
	enum syncmirror_wire_error error;
	bool local_source;
	bool full = false;

	memset(decision, 0, sizeof(*decision));
	if (local->flags & remote->flags & SYNCMIRROR_WIRE_HELLO_F_DISKLESS)
		return SYNCMIRROR_WIRE_ERR_BOTH_DISKLESS;
	/* Both must pick the same victim: a v2 peer knows only disconnect. */
	if (local->sb_policy != remote->sb_policy)
		return SYNCMIRROR_WIRE_ERR_POLICY_MISMATCH;
	if (inconsistent(local) && inconsistent(remote))
		return SYNCMIRROR_WIRE_ERR_NO_SOURCE;
	/*
	 * A node without a disk uses the peer's copy: nothing to sync, but
	 * only when that copy has everything (the diskless node wrote
	 * nothing it lacks, and both are of one generation).
	 */
	if ((local->flags | remote->flags) & SYNCMIRROR_WIRE_HELLO_F_DISKLESS) {
		const struct syncmirror_hello *diskless, *disk;

		diskless = local->flags & SYNCMIRROR_WIRE_HELLO_F_DISKLESS ?
			   local : remote;
		disk = diskless == local ? remote : local;
		if (diskless->dirty_regions ||
		    diskless->current_uuid != disk->current_uuid)
			return SYNCMIRROR_WIRE_ERR_STALE_PEER;
		decision->verdict = SYNCMIRROR_SYNC_NO;
		return SYNCMIRROR_WIRE_ERR_NONE;
	}

	if (inconsistent(local) || inconsistent(remote)) {
		const struct syncmirror_hello *target, *source;

		local_source = inconsistent(remote);
		target = local_source ? remote : local;
		source = local_source ? local : remote;
		/* An interrupted resync goes on from the source's bitmap. */
		full = !target->current_uuid ||
		       (target->current_uuid != source->current_uuid &&
			target->current_uuid != source->bitmap_uuid);
	} else if (lc == rc) {
		if (!local->dirty_regions && !remote->dirty_regions) {
			decision->verdict = SYNCMIRROR_SYNC_NO;
			return SYNCMIRROR_WIRE_ERR_NONE;
		}
		local_source = local_sources_equal(local, remote);
	} else if (remote->bitmap_uuid == lc && local->bitmap_uuid != rc) {
		/*
		 * Rows 5 and 6, H1 and H2: one copy moved on from the other.
		 * Copies that each claim so both changed (H3).
		 */
		local_source = false;
	} else if (local->bitmap_uuid == rc && remote->bitmap_uuid != lc) {
		local_source = true;
	} else if (local->bitmap_uuid &&
		   local->bitmap_uuid == remote->bitmap_uuid) {
		error = split_brain(local, remote, local->bitmap_uuid, false,
				    &local_source, decision);
		if (error)
			return error;
	} else if (v3 && in_history(local, rc) != in_history(remote, lc)) {
		local_source = in_history(local, rc);
		full = true;
	} else if (common) {
		error = split_brain(local, remote, common, true,
				    &local_source, decision);
		if (error)
			return error;
		full = true;
	} else {
		return SYNCMIRROR_WIRE_ERR_UNRELATED;
	}

	/* The older copy must not be serving I/O. */
	if ((local_source ? remote : local)->role == SYNCMIRROR_ROLE_PRIMARY)
		return SYNCMIRROR_WIRE_ERR_TARGET_PRIMARY;

	if (local_source)
		decision->verdict = full ? SYNCMIRROR_SYNC_FULL_SOURCE :
					   SYNCMIRROR_SYNC_BE_SOURCE;
	else
		decision->verdict = full ? SYNCMIRROR_SYNC_FULL_TARGET :
					   SYNCMIRROR_SYNC_BE_TARGET;
	return SYNCMIRROR_WIRE_ERR_NONE;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_wire_sync_verdict);
