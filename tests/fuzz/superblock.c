// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the superblock, decoded by the kernel
 * (syncmirror_md_decode() and syncmirror_md_pick(),
 * kernel/syncmirror-metadata.c) and by the tools (sm_sb_decode() and
 * sm_sb_choose(), tools/lib/superblock.c) from the same bytes.
 *
 * Properties:
 * - a superblock either accepts has a metadata area that does not wrap,
 *   and its activity-log ring, its bitmaps and both slots lie inside the
 *   area without overlapping (computed here in 128 bits);
 * - its geometry is within the documented limits, and a consistent copy
 *   names a data generation;
 * - the kernel and the tools agree: what one accepts the other accepts,
 *   with the same fields, except that the tools also want the layout
 *   smctl create-md writes (Documentation/syncmirror-metadata.rst,
 *   "Validation"); of two slots they take the same one or refuse both;
 * - decoding then encoding gives the same bytes back (for the tools,
 *   which carry neither, but for GEN_PENDING and promote_time).
 *
 * Input: control byte (FUZZ_FIX_CSUM, FUZZ_FIX_CSUM_1: set the slot's
 * checksum; FUZZ_SB_LAYOUT, FUZZ_SB_LAYOUT_1: set its bitmap size and the
 * offsets as smctl create-md computes them, in 64 bits, wrapping), the
 * first FUZZ_SB_BYTES of slot 0 and of slot 1; the rest of each
 * 4096-byte block is zero.
 */
#include "syncmirror-metadata.h"
#include "superblock.h"
#include "fuzz.h"

#define BLOCK		SYNCMIRROR_MD_BLOCK_SIZE
#define LAYOUT_ONLY	"Superblock metadata layout is inconsistent"

typedef unsigned __int128 u128;

struct part {
	const char *name;
	u128 start, end;
};

/* Inside [start, end) and pairwise apart. */
static void check_parts(const char *who, u128 start, u128 end,
			const struct part *parts, int count)
{
	int i, j;

	fuzz_check(end <= (u128)U64_MAX + 1,
		   "%s: the metadata area wraps the device", who);
	for (i = 0; i < count; i++) {
		fuzz_check(parts[i].start >= start && parts[i].end <= end,
			   "%s: %s at %#llx, %#llx bytes, outside the area at %#llx, %#llx bytes",
			   who, parts[i].name, (unsigned long long)parts[i].start,
			   (unsigned long long)(parts[i].end - parts[i].start),
			   (unsigned long long)start,
			   (unsigned long long)(end - start));
		for (j = 0; j < i; j++)
			fuzz_check(parts[i].end <= parts[j].start ||
				   parts[j].end <= parts[i].start,
				   "%s: %s overlaps %s", who, parts[i].name,
				   parts[j].name);
	}
}

/* The slots, ring and bitmaps of a decoded superblock's fields. */
static void check_layout(const char *who, bool internal, u64 md_offset,
			 u64 md_size, u64 al_offset, u32 al_blocks,
			 u64 bitmap_offset, u64 bitmap_blocks, u32 peer_slots)
{
	u128 start = md_offset, end = start + md_size;
	u128 slot0 = internal ? end - BLOCK : start;
	u128 slot1 = internal ? end - 2 * BLOCK : start + BLOCK;
	struct part parts[4] = {
		{ "slot 0", slot0, slot0 + BLOCK },
		{ "slot 1", slot1, slot1 + BLOCK },
		{ "activity-log ring", al_offset,
		  al_offset + (u128)al_blocks * BLOCK },
		{ "bitmaps", bitmap_offset,
		  bitmap_offset + (u128)bitmap_blocks * BLOCK * peer_slots },
	};

	fuzz_check(md_size >= 2 * BLOCK, "%s: area of %llu bytes", who,
		   (unsigned long long)md_size);
	check_parts(who, start, end, parts, 4);
}

static u64 bitmap_blocks(u64 data_sectors, u32 region_shift)
{
	u128 regions = ((u128)data_sectors + (1ULL << region_shift) - 1) >>
		       region_shift;

	return (regions + SYNCMIRROR_BM_BITS_PER_BLOCK - 1) /
	       SYNCMIRROR_BM_BITS_PER_BLOCK;
}

/* What the Validation section of the metadata document promises. */
static void check_kernel(const struct syncmirror_md *md)
{
	fuzz_check(md->node_id <= SYNCMIRROR_MAX_NODE_ID, "node id %u",
		   md->node_id);
	fuzz_check(md->data_sectors && md->data_sectors < 1ULL << 54,
		   "data size %llu", (unsigned long long)md->data_sectors);
	fuzz_check(md->inconsistent || md->current_uuid,
		   "a consistent copy without a data generation");
	fuzz_check(md->region_shift >= 3 && md->region_shift <= 11 &&
		   md->al_extent_shift >= 11 &&
		   md->al_extent_shift >= md->region_shift &&
		   md->al_extent_shift <= 26 && md->al_extents >= 2 &&
		   md->al_extents <= SYNCMIRROR_AL_MAX_EXTENTS &&
		   md->al_blocks >= 2 && md->al_blocks <= 65536 &&
		   md->peer_slots >= 1 &&
		   md->peer_slots <= SYNCMIRROR_MAX_PEER_SLOTS,
		   "geometry out of range");
	fuzz_check(md->bitmap_blocks ==
		   bitmap_blocks(md->data_sectors, md->region_shift),
		   "bitmap of %llu blocks", (unsigned long long)md->bitmap_blocks);
	fuzz_check(!md->internal ||
		   md->md_offset == (u128)md->data_sectors * 512,
		   "internal metadata not right behind the data");
	check_layout("kernel", md->internal, md->md_offset, md->md_size,
		     md->al_offset, md->al_blocks, md->bitmap_offset,
		     md->bitmap_blocks, md->peer_slots);
}

static void check_tools(const struct sm_superblock *sb)
{
	check_layout("tools", sb->internal, sb->md_offset, sb->md_size,
		     sb->al_offset, sb->al_blocks, sb->bitmap_offset,
		     sb->bitmap_blocks, sb->peer_slots);
}

static void check_same(const struct syncmirror_md *md,
		       const struct sm_superblock *sb)
{
	bool same = !memcmp(md->volume_uuid.b, sb->volume_uuid, 16) &&
		    md->data_sectors == sb->data_sectors &&
		    md->md_offset == sb->md_offset &&
		    md->md_size == sb->md_size && md->node_id == sb->node_id &&
		    md->internal == sb->internal &&
		    md->primary == sb->primary &&
		    md->inconsistent == sb->inconsistent &&
		    md->create_time == sb->create_time &&
		    md->seq == sb->seq && md->current_uuid == sb->current_uuid &&
		    !memcmp(md->history_uuid, sb->history_uuid,
			    sizeof(sb->history_uuid)) &&
		    md->region_shift == sb->region_shift &&
		    md->al_extent_shift == sb->al_extent_shift &&
		    md->al_blocks == sb->al_blocks &&
		    md->al_extents == sb->al_extents &&
		    md->peer_slots == sb->peer_slots &&
		    md->bitmap_blocks == sb->bitmap_blocks &&
		    md->al_offset == sb->al_offset &&
		    md->bitmap_offset == sb->bitmap_offset;
	int i;

	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++)
		same = same && md->peer[i].node_id == sb->peer[i].node_id &&
		       md->peer[i].flags == sb->peer[i].flags &&
		       md->peer[i].bitmap_uuid == sb->peer[i].bitmap_uuid;
	fuzz_check(same, "the kernel and the tools decoded other fields");
}

/* The superblock's bytes but its checksum, for the round trips. */
static bool same_sb(const void *a, const void *b)
{
	const size_t csum = offsetof(struct syncmirror_sb, csum);

	return !memcmp(a, b, csum) &&
	       !memcmp((const u8 *)a + csum + 4, (const u8 *)b + csum + 4,
		       sizeof(struct syncmirror_sb) - csum - 4);
}

static void check_round_trips(const u8 *block, const struct syncmirror_md *md,
			      const struct sm_superblock *sb)
{
	static u8 again[BLOCK];
	struct syncmirror_sb expect;

	if (md) {
		syncmirror_md_encode(md, again);
		fuzz_check(same_sb(block, again),
			   "kernel: decoding then encoding changed the superblock");
	}
	if (sb) {
		memcpy(&expect, block, sizeof(expect));
		expect.flags &= ~cpu_to_le32(SYNCMIRROR_SB_F_GEN_PENDING);
		expect.promote_time = 0;
		sm_sb_encode(sb, again);
		fuzz_check(same_sb(&expect, again),
			   "tools: decoding then encoding changed the superblock");
	}
}

/* One slot: each decoder's properties, and the two agree. */
static void check_slot(const u8 *block)
{
	struct syncmirror_md md;
	struct sm_superblock sb;
	char *kernel_why = NULL;
	const char *tools_why;
	int r;

	r = syncmirror_md_decode(block, &md, &kernel_why);
	tools_why = sm_sb_decode(block, &sb);
	if (!r)
		check_kernel(&md);
	if (!tools_why)
		check_tools(&sb);
	fuzz_check(!(r && !tools_why),
		   "the tools accept a superblock the kernel refuses: %s",
		   kernel_why);
	fuzz_check(!(!r && tools_why && strcmp(tools_why, LAYOUT_ONLY)),
		   "the kernel accepts a superblock the tools refuse: %s",
		   tools_why);
	if (!r && !tools_why)
		check_same(&md, &sb);
	check_round_trips(block, r ? NULL : &md, tools_why ? NULL : &sb);
}

/* Which slot each takes, if any. */
static void check_pick(const u8 *slot0, const u8 *slot1)
{
	const u8 *slots[2] = { slot0, slot1 };
	struct syncmirror_md md, one;
	struct sm_superblock sb;
	const char *problem[2], *why;
	char *kernel_why = NULL, *one_why;
	int r, used, i;

	r = syncmirror_md_pick(slot0, slot1, &md, &kernel_why);
	used = sm_sb_choose(slot0, slot1, &sb, problem, &why);
	fuzz_check(!r || kernel_why, "kernel: refused without a reason");
	fuzz_check(used >= 0 || why, "tools: refused without a reason");
	/* A slot only the tools refuse, for its layout: they differ there. */
	for (i = 0; i < 2; i++)
		if (problem[i] && !strcmp(problem[i], LAYOUT_ONLY) &&
		    !syncmirror_md_decode(slots[i], &one, &one_why))
			return;
	fuzz_check((r == 0) == (used >= 0),
		   "of two slots the kernel %s (%s), the tools %s (%s)",
		   r ? "refuses" : "accepts", r ? kernel_why : "",
		   used < 0 ? "refuse" : "accept", used < 0 ? why : "");
	if (!r)
		fuzz_check(md.slot == (unsigned int)used,
			   "the kernel takes slot %u, the tools slot %d",
			   md.slot, used);
}

/*
 * What a fuzzer cannot guess either: offsets that agree with the other
 * fields.  Computed as a writer would, in 64 bits, so that an area near
 * 2^64 gets parts whose ends wrap.
 */
static void lay_out(struct syncmirror_sb *sb)
{
	u64 md_offset = le64_to_cpu(sb->md_offset);
	u64 end = md_offset + le64_to_cpu(sb->md_size);
	u64 ring = (u64)le32_to_cpu(sb->al_blocks) * BLOCK;
	u32 shift = le32_to_cpu(sb->region_shift) % 64;
	u64 blocks = bitmap_blocks(le64_to_cpu(sb->data_sectors), shift);

	sb->bitmap_blocks = cpu_to_le64(blocks);
	if (le32_to_cpu(sb->flags) & SYNCMIRROR_SB_F_INTERNAL) {
		sb->al_offset = cpu_to_le64(end - 2 * BLOCK - ring);
		sb->bitmap_offset = sb->md_offset;
	} else {
		sb->al_offset = cpu_to_le64(md_offset + 2 * BLOCK);
		sb->bitmap_offset = cpu_to_le64(md_offset + 2 * BLOCK + ring);
	}
}

static void take_slot(struct fuzz_input *in, u8 *block, bool layout,
		      bool fix)
{
	struct syncmirror_sb *sb = (struct syncmirror_sb *)block;

	memset(block, 0, BLOCK);
	fuzz_take(in, block, FUZZ_SB_BYTES);
	if (layout)
		lay_out(sb);
	if (fix)
		sb->csum = cpu_to_le32(syncmirror_md_checksum(block));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 slot0[BLOCK], slot1[BLOCK];
	struct fuzz_input in = { data, size };
	u8 control = fuzz_u8(&in);

	take_slot(&in, slot0, control & FUZZ_SB_LAYOUT,
		  control & FUZZ_FIX_CSUM);
	take_slot(&in, slot1, control & FUZZ_SB_LAYOUT_1,
		  control & FUZZ_FIX_CSUM_1);
	check_slot(slot0);
	check_slot(slot1);
	check_pick(slot0, slot1);
	return 0;
}
