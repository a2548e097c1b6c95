// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: a peer's hello (syncmirror_wire_decode_hello() and
 * syncmirror_wire_check_hello(), kernel/syncmirror-protocol.c) against a
 * local hello as the kernel builds one.  Decoding then encoding gives the
 * same bytes back (reserved fields aside); a hello the check accepts meets
 * every row of the hello check table in Documentation/syncmirror-
 * protocol.rst; and a hello no honest peer sends, a consistent copy
 * without a data generation (current_uuid 0 without INCONSISTENT), is
 * refused before the resync decision could take it in.
 *
 * Input: control byte (FUZZ_HELLO_V2_SIZE: read 80 bytes; the other bits
 * say which fields the local hello takes over from the peer's, so that
 * the check gets past the volume's identity), the peer's 128 bytes, the
 * local node id and role.
 */
#include "syncmirror-protocol.h"
#include "fuzz.h"

static void check_round_trip(const struct syncmirror_wire_hello *wire,
			     u32 len, const struct syncmirror_hello *hello)
{
	struct syncmirror_wire_hello expect = *wire, again;

	expect.reserved = 0;
	expect.reserved3 = 0;
	if (len == SYNCMIRROR_WIRE_HELLO_V2_SIZE) {
		memset((u8 *)&expect + len, 0, sizeof(expect) - len);
		fuzz_check(!hello->promote_time && !hello->sb_policy &&
			   !hello->history_uuid[0],
			   "an 80-byte hello read version 3 fields");
	}
	syncmirror_wire_encode_hello(hello, &again);
	fuzz_check(!memcmp(&expect, &again, sizeof(again)),
		   "decoding then encoding changed the hello");
}

static void local_hello(struct fuzz_input *in, u8 control,
			const struct syncmirror_hello *remote,
			struct syncmirror_hello *local)
{
	u8 node_id = fuzz_u8(in), role = fuzz_u8(in);

	memset(local, 0, sizeof(*local));
	local->version_min = SYNCMIRROR_WIRE_VERSION_MIN;
	local->version_max = control & FUZZ_HELLO_LOCAL_V2 ? 2 :
			     SYNCMIRROR_WIRE_VERSION;
	local->node_id = node_id % 32;
	local->max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD;
	local->role = role & 1 ? SYNCMIRROR_ROLE_PRIMARY :
				 SYNCMIRROR_ROLE_SECONDARY;
	local->current_uuid = 0x1122334455667789ULL;
	local->region_shift = 7;
	if (control & FUZZ_HELLO_SAME_UUID)
		local->volume_uuid = remote->volume_uuid;
	if (control & FUZZ_HELLO_SAME_SIZE)
		local->data_sectors = remote->data_sectors;
	if (control & FUZZ_HELLO_SAME_REGIONS)
		local->region_shift = remote->region_shift;
}

static bool dishonest(const struct syncmirror_hello *hello)
{
	return !hello->current_uuid &&
	       !(hello->flags & SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT);
}

/* Every row of the hello check holds for a hello it accepted. */
static void check_accepted(const struct syncmirror_hello *local,
			   const struct syncmirror_hello *remote, u16 version)
{
	u16 newest = min(local->version_max, remote->version_max);
	u16 oldest = max(local->version_min, remote->version_min);

	fuzz_check(newest && newest >= oldest && version == newest,
		   "version %u agreed from %u..%u and %u..%u", version,
		   local->version_min, local->version_max,
		   remote->version_min, remote->version_max);
	fuzz_check(uuid_equal(&local->volume_uuid, &remote->volume_uuid),
		   "another volume's hello accepted");
	fuzz_check(local->data_sectors == remote->data_sectors,
		   "another size accepted");
	fuzz_check(local->node_id != remote->node_id,
		   "the same node id accepted");
	fuzz_check(remote->max_payload >= SYNCMIRROR_WIRE_MAX_PAYLOAD,
		   "max payload %u accepted", remote->max_payload);
	fuzz_check(remote->role == SYNCMIRROR_ROLE_PRIMARY ||
		   remote->role == SYNCMIRROR_ROLE_SECONDARY,
		   "role %u accepted", remote->role);
	fuzz_check(local->role != SYNCMIRROR_ROLE_PRIMARY ||
		   remote->role != SYNCMIRROR_ROLE_PRIMARY,
		   "two primaries accepted");
	fuzz_check(local->region_shift == remote->region_shift,
		   "another region size accepted");
	fuzz_check(!(remote->flags & ~SYNCMIRROR_WIRE_HELLO_F_ALL),
		   "hello flags %#x accepted", remote->flags);
	fuzz_check(!(remote->flags & SYNCMIRROR_WIRE_HELLO_F_DISKLESS) ||
		   (remote->flags & SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT),
		   "a consistent diskless copy accepted");
	fuzz_check(remote->region_shift >= 64 || !remote->dirty_regions ||
		   remote->dirty_regions - 1 <=
		   remote->data_sectors >> remote->region_shift,
		   "%llu dirty regions accepted",
		   (unsigned long long)remote->dirty_regions);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct syncmirror_hello remote, local;
	struct syncmirror_wire_hello wire;
	enum syncmirror_wire_error error;
	u8 control = fuzz_u8(&in);
	u32 len = control & FUZZ_HELLO_V2_SIZE ?
		  SYNCMIRROR_WIRE_HELLO_V2_SIZE : sizeof(wire);
	u16 version = 0;

	fuzz_take(&in, &wire, sizeof(wire));
	fuzz_check(syncmirror_wire_decode_hello(&wire, len + 8, &remote),
		   "a hello of %u bytes decoded", len + 8);
	fuzz_check(!syncmirror_wire_decode_hello(&wire, len, &remote),
		   "a hello of %u bytes refused", len);
	check_round_trip(&wire, len, &remote);

	local_hello(&in, control, &remote, &local);
	error = syncmirror_wire_check_hello(&local, &remote, &version);
	if (error == SYNCMIRROR_WIRE_ERR_NONE)
		check_accepted(&local, &remote, version);
	fuzz_check(!dishonest(&remote) ||
		   (error != SYNCMIRROR_WIRE_ERR_NONE &&
		    error != SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY),
		   "a consistent copy without a generation passed the hello check (%d)",
		   error);
	return 0;
}
