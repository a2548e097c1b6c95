// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the syncmirror superblock, version 2: the on-disk
 * encoding is stable (a golden checksum), every field round-trips, every
 * damaged, foreign, version 1 or inconsistent block is refused with its
 * own message, and of the two slots the newest valid one is used.
 */

#include <kunit/test.h>
#include <linux/sizes.h>
#include <linux/string.h>
#include <linux/syncmirror.h>

#include "syncmirror-metadata.h"

#define BLOCK		SYNCMIRROR_MD_BLOCK_SIZE
#define DATA_SECTORS	(2097152ULL - 2048)
#define MD_OFFSET	(DATA_SECTORS << SECTOR_SHIFT)
#define MD_SIZE		((u64)SZ_1M)
#define MD_END		(MD_OFFSET + MD_SIZE)
#define AL_OFFSET	(MD_END - 2 * BLOCK - 64 * BLOCK)

/*
 * CRC-32C of sample_md's encoded block (1 GiB internal metadata, 1 MiB
 * area), computed outside the kernel: a table-driven CRC-32C in Python
 * (reflected polynomial 0x82f63b78, initial value and final xor
 * 0xffffffff, checked against the "123456789" -> 0xe3069283 vector) over
 * the struct syncmirror_sb fields packed little-endian by hand and padded
 * with zeroes to 4096 bytes, with the csum field zero; tools/lib/crc32c.c
 * gives the same value.  A change here is a change of the on-disk format.
 */
#define GOLDEN_CSUM 0x8a4bdb03

static const struct syncmirror_md sample_md = {
	.volume_uuid = UUID_INIT(0x6a0a9b1e, 0x3c2d, 0x4f5e, 0x8a, 0x7b, 0x11,
				 0x22, 0x33, 0x44, 0x55, 0x66),
	.data_sectors = DATA_SECTORS,
	.md_offset = MD_OFFSET,
	.md_size = MD_SIZE,
	.node_id = 1,
	.internal = true,
	.create_time = 1795489000,
	.seq = 5,
	.current_uuid = 0x1122334455667788ULL,
	.history_uuid = { 0x0101010101010101ULL, 0x0202020202020202ULL,
			  0x0303030303030303ULL, 0 },
	.region_shift = 7,
	/* 16368 regions: one bitmap block */
	.bitmap_blocks = 1,
	.al_extent_shift = 13,
	.al_blocks = 64,
	.al_extents = 127,
	.peer_slots = 1,
	.al_offset = AL_OFFSET,
	.bitmap_offset = MD_OFFSET,
	.peer = {
		{ .node_id = 0, .bitmap_uuid = 0x0101010101010101ULL },
		{ .node_id = SYNCMIRROR_NO_NODE },
		{ .node_id = SYNCMIRROR_NO_NODE },
		{ .node_id = SYNCMIRROR_NO_NODE },
	},
};

static void *alloc_block(struct kunit *test)
{
	void *block = kunit_kzalloc(test, BLOCK, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, block);
	return block;
}

static void *encode_md(struct kunit *test, const struct syncmirror_md *md)
{
	void *block = alloc_block(test);

	syncmirror_md_encode(md, block);
	return block;
}

/* Recompute the checksum of a block changed by hand. */
static void fix_csum(void *block)
{
	struct syncmirror_sb *sb = block;

	sb->csum = cpu_to_le32(syncmirror_md_checksum(block));
}

static void syncmirror_md_test_sample_is_consistent(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sample_md.bitmap_blocks,
			syncmirror_md_bitmap_blocks(sample_md.data_sectors,
						    sample_md.region_shift));
	KUNIT_EXPECT_EQ(test, syncmirror_md_regions(&sample_md), 16368ULL);
}

static void syncmirror_md_test_round_trip(struct kunit *test)
{
	void *block = encode_md(test, &sample_md);
	struct syncmirror_md md;
	char *error = NULL;
	unsigned int i;

	memset(&md, 0xa5, sizeof(md));
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &md, &error), 0);
	KUNIT_EXPECT_NULL(test, error);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&md.volume_uuid,
					   &sample_md.volume_uuid));
	KUNIT_EXPECT_EQ(test, md.data_sectors, sample_md.data_sectors);
	KUNIT_EXPECT_EQ(test, md.md_offset, sample_md.md_offset);
	KUNIT_EXPECT_EQ(test, md.md_size, sample_md.md_size);
	KUNIT_EXPECT_EQ(test, md.node_id, sample_md.node_id);
	KUNIT_EXPECT_TRUE(test, md.internal);
	KUNIT_EXPECT_FALSE(test, md.primary);
	KUNIT_EXPECT_FALSE(test, md.inconsistent);
	KUNIT_EXPECT_EQ(test, md.create_time, sample_md.create_time);
	KUNIT_EXPECT_EQ(test, md.seq, sample_md.seq);
	KUNIT_EXPECT_EQ(test, md.slot, 0U);
	KUNIT_EXPECT_EQ(test, md.current_uuid, sample_md.current_uuid);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		KUNIT_EXPECT_EQ(test, md.history_uuid[i],
				sample_md.history_uuid[i]);
	KUNIT_EXPECT_EQ(test, md.region_shift, sample_md.region_shift);
	KUNIT_EXPECT_EQ(test, md.al_extent_shift, sample_md.al_extent_shift);
	KUNIT_EXPECT_EQ(test, md.al_blocks, sample_md.al_blocks);
	KUNIT_EXPECT_EQ(test, md.al_extents, sample_md.al_extents);
	KUNIT_EXPECT_EQ(test, md.peer_slots, sample_md.peer_slots);
	KUNIT_EXPECT_EQ(test, md.bitmap_blocks, sample_md.bitmap_blocks);
	KUNIT_EXPECT_EQ(test, md.al_offset, sample_md.al_offset);
	KUNIT_EXPECT_EQ(test, md.bitmap_offset, sample_md.bitmap_offset);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		KUNIT_EXPECT_EQ(test, md.peer[i].node_id,
				sample_md.peer[i].node_id);
		KUNIT_EXPECT_EQ(test, md.peer[i].flags,
				sample_md.peer[i].flags);
		KUNIT_EXPECT_EQ(test, md.peer[i].bitmap_uuid,
				sample_md.peer[i].bitmap_uuid);
	}
}

/* Fields the sample leaves at zero survive with other values too. */
static void syncmirror_md_test_round_trip_other_values(struct kunit *test)
{
	struct syncmirror_md in = sample_md, out;
	char *error = NULL;
	unsigned int i;
	void *block;

	in.seq = U64_MAX;
	in.node_id = SYNCMIRROR_MAX_NODE_ID;
	in.history_uuid[3] = 0x0404040404040404ULL;
	in.promote_time = 1764590000123456789ULL;
	in.peer_slots = SYNCMIRROR_MAX_PEER_SLOTS;
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		in.peer[i].node_id = i + 2;
		in.peer[i].flags = SYNCMIRROR_PEER_F_FULL_SYNC;
		in.peer[i].bitmap_uuid = 0xf0f0f0f0f0f0f000ULL + i;
	}
	block = encode_md(test, &in);

	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &out, &error), 0);
	KUNIT_EXPECT_EQ(test, out.seq, U64_MAX);
	KUNIT_EXPECT_EQ(test, out.node_id, SYNCMIRROR_MAX_NODE_ID);
	KUNIT_EXPECT_EQ(test, out.history_uuid[3], in.history_uuid[3]);
	KUNIT_EXPECT_EQ(test, out.promote_time, in.promote_time);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(((struct syncmirror_sb *)block)->promote_time),
			in.promote_time);
	KUNIT_EXPECT_EQ(test, offsetof(struct syncmirror_sb, promote_time), 224);
	KUNIT_EXPECT_EQ(test, out.peer_slots, SYNCMIRROR_MAX_PEER_SLOTS);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		KUNIT_EXPECT_EQ(test, out.peer[i].node_id, i + 2);
		KUNIT_EXPECT_EQ(test, out.peer[i].flags,
				SYNCMIRROR_PEER_F_FULL_SYNC);
		KUNIT_EXPECT_EQ(test, out.peer[i].bitmap_uuid,
				in.peer[i].bitmap_uuid);
	}
}

/* The role and inconsistent flags survive a round trip, each on its own. */
static void syncmirror_md_test_state_flags(struct kunit *test)
{
	struct syncmirror_md md = sample_md, out;
	void *block = alloc_block(test);
	const struct syncmirror_sb *sb = block;
	char *error = NULL;

	md.primary = true;
	syncmirror_md_encode(&md, block);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->flags),
			SYNCMIRROR_SB_F_INTERNAL | SYNCMIRROR_SB_F_PRIMARY);
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &out, &error), 0);
	KUNIT_EXPECT_TRUE(test, out.primary);
	KUNIT_EXPECT_FALSE(test, out.inconsistent);

	md.primary = false;
	md.inconsistent = true;
	syncmirror_md_encode(&md, block);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->flags),
			SYNCMIRROR_SB_F_INTERNAL |
			SYNCMIRROR_SB_F_INCONSISTENT);
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &out, &error), 0);
	KUNIT_EXPECT_FALSE(test, out.primary);
	KUNIT_EXPECT_TRUE(test, out.inconsistent);
	KUNIT_EXPECT_TRUE(test, out.internal);

	/* A never-synced copy has no data generation yet: that is fine. */
	md.current_uuid = 0;
	syncmirror_md_encode(&md, block);
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &out, &error), 0);
	KUNIT_EXPECT_EQ(test, out.current_uuid, 0ULL);
	KUNIT_EXPECT_TRUE(test, out.inconsistent);
}

/* External metadata: its own device, the area from byte 0. */
static void syncmirror_md_test_external(struct kunit *test)
{
	struct syncmirror_md md = sample_md, out;
	const struct syncmirror_sb *sb;
	char *error = NULL;

	md.internal = false;
	md.md_offset = 0;
	md.bitmap_offset = 2 * BLOCK;
	md.al_offset = 3 * BLOCK;
	sb = encode_md(test, &md);

	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->flags), 0U);
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(sb, &out, &error), 0);
	KUNIT_EXPECT_FALSE(test, out.internal);
	KUNIT_EXPECT_EQ(test, out.md_offset, 0ULL);
}

/*
 * The format is an ABI: these bytes and this checksum are what smctl
 * writes for sample_md.
 */
static void syncmirror_md_test_golden(struct kunit *test)
{
	const struct syncmirror_sb *sb = encode_md(test, &sample_md);
	const u8 *bytes = (const u8 *)sb;
	int i;

	KUNIT_EXPECT_EQ(test, bytes[0], 'S');
	KUNIT_EXPECT_EQ(test, bytes[1], 'Y');
	KUNIT_EXPECT_EQ(test, bytes[2], 'M');
	KUNIT_EXPECT_EQ(test, bytes[3], 'R');
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->version), 2U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->csum), GOLDEN_CSUM);
	for (i = sizeof(*sb); i < SYNCMIRROR_SB_SIZE; i++)
		KUNIT_ASSERT_EQ(test, bytes[i], 0);
}

/*
 * A refused superblock: a valid sample_md, then either @change to the
 * decoded form before encoding (so the checksum is right), or @damage to
 * the encoded block (checksum recomputed when @fix is set).
 */
struct refusal_case {
	const char *name;
	void (*change)(struct syncmirror_md *md);
	void (*damage)(struct syncmirror_sb *sb);
	bool fix;
	const char *error;
};

static void zero_magic(struct syncmirror_sb *sb)
{
	sb->magic = 0;
}

static void foreign_magic(struct syncmirror_sb *sb)
{
	sb->magic = cpu_to_le32(0x42534658);	/* XFSB */
}

static void flip_data_byte(struct syncmirror_sb *sb)
{
	((u8 *)sb)[32] ^= 0x01;
}

static void flip_reserved_byte(struct syncmirror_sb *sb)
{
	((u8 *)sb)[4000] = 1;
}

static void damage_csum(struct syncmirror_sb *sb)
{
	sb->csum = cpu_to_le32(le32_to_cpu(sb->csum) ^ 0x80000000U);
}

static void version_1(struct syncmirror_sb *sb)
{
	sb->version = cpu_to_le32(SYNCMIRROR_SB_VERSION_1);
}

static void version_3(struct syncmirror_sb *sb)
{
	sb->version = cpu_to_le32(3);
}

static void version_0(struct syncmirror_sb *sb)
{
	sb->version = 0;
}

static void v1_diverged_flag(struct syncmirror_sb *sb)
{
	sb->flags |= cpu_to_le32(SYNCMIRROR_SB_F_DIVERGED);
}

static void future_flag(struct syncmirror_sb *sb)
{
	sb->flags |= cpu_to_le32(1U << 31);
}

static void node_id_32(struct syncmirror_md *md)
{
	md->node_id = SYNCMIRROR_MAX_NODE_ID + 1;
}

static void no_node(struct syncmirror_md *md)
{
	md->node_id = SYNCMIRROR_NO_NODE;
}

/* Found by fuzzing: the tools refused it, the kernel took it. */
static void peer_node_id_32(struct syncmirror_md *md)
{
	md->peer[2].node_id = SYNCMIRROR_MAX_NODE_ID + 1;
}

static void zero_size(struct syncmirror_md *md)
{
	md->data_sectors = 0;
}

static void huge_size(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = 0;
	md->data_sectors = (U64_MAX >> SECTOR_SHIFT) + 1;
}

static void consistent_without_generation(struct syncmirror_md *md)
{
	md->current_uuid = 0;
}

static void region_shift_2(struct syncmirror_md *md)
{
	md->region_shift = 2;
}

static void region_shift_12(struct syncmirror_md *md)
{
	md->region_shift = 12;
}

static void extent_shift_10(struct syncmirror_md *md)
{
	md->al_extent_shift = 10;
}

static void extent_shift_27(struct syncmirror_md *md)
{
	md->al_extent_shift = 27;
}

static void one_al_extent(struct syncmirror_md *md)
{
	md->al_extents = 1;
}

static void too_many_al_extents(struct syncmirror_md *md)
{
	md->al_extents = SYNCMIRROR_AL_MAX_EXTENTS + 1;
}

static void one_al_block(struct syncmirror_md *md)
{
	md->al_blocks = 1;
}

static void huge_al_ring(struct syncmirror_md *md)
{
	md->al_blocks = 65537;
}

static void no_peer_slots(struct syncmirror_md *md)
{
	md->peer_slots = 0;
}

static void five_peer_slots(struct syncmirror_md *md)
{
	md->peer_slots = SYNCMIRROR_MAX_PEER_SLOTS + 1;
}

static void bitmap_too_long(struct syncmirror_md *md)
{
	md->bitmap_blocks = 2;
}

static void bitmap_missing(struct syncmirror_md *md)
{
	md->bitmap_blocks = 0;
}

/* Data grown past one bitmap block, bitmap not resized. */
static void data_grown(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = 0;
	md->data_sectors = (u64)SYNCMIRROR_BM_BITS_PER_BLOCK * 128 + 1;
}

static void area_one_block(struct syncmirror_md *md)
{
	md->md_size = BLOCK;
}

static void area_unaligned_offset(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = 100;
	md->bitmap_offset = 2 * BLOCK;
	md->al_offset = 3 * BLOCK;
}

static void area_unaligned_size(struct syncmirror_md *md)
{
	md->md_size -= 100;
}

static void area_wraps(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = U64_MAX - (BLOCK - 1);
	md->md_size = 2 * BLOCK;
}

static void internal_area_past_data(struct syncmirror_md *md)
{
	md->md_offset += BLOCK;
	md->bitmap_offset += BLOCK;
}

static void internal_area_inside_data(struct syncmirror_md *md)
{
	md->data_sectors += 8;
}

static void al_unaligned(struct syncmirror_md *md)
{
	md->al_offset += 100;
}

static void bitmap_unaligned(struct syncmirror_md *md)
{
	md->bitmap_offset += 100;
}

static void al_before_area(struct syncmirror_md *md)
{
	md->al_offset = MD_OFFSET - BLOCK;
}

static void al_after_area(struct syncmirror_md *md)
{
	md->al_offset = MD_END + BLOCK;
}

static void al_runs_off_the_end(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = 0;
	md->bitmap_offset = 2 * BLOCK;
	md->al_offset = MD_SIZE - 63 * BLOCK;
}

static void bitmap_before_area(struct syncmirror_md *md)
{
	md->bitmap_offset = MD_OFFSET - BLOCK;
}

static void bitmap_at_the_end(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = 0;
	md->al_offset = 2 * BLOCK;
	md->bitmap_offset = MD_SIZE;
}

static void bitmap_inside_al(struct syncmirror_md *md)
{
	md->bitmap_offset = AL_OFFSET + 10 * BLOCK;
}

static void al_over_bitmap(struct syncmirror_md *md)
{
	md->al_offset = MD_OFFSET;
	md->bitmap_offset = MD_OFFSET + 63 * BLOCK;
}

static void al_over_slot_1(struct syncmirror_md *md)
{
	md->al_offset += BLOCK;
}

static void al_over_slots_external(struct syncmirror_md *md)
{
	md->internal = false;
	md->md_offset = 0;
	md->bitmap_offset = MD_SIZE - BLOCK;
	md->al_offset = BLOCK;
}

static void bitmap_on_slot_0(struct syncmirror_md *md)
{
	md->bitmap_offset = MD_END - BLOCK;
}

static void bitmap_on_slot_1(struct syncmirror_md *md)
{
	md->bitmap_offset = MD_END - 2 * BLOCK;
}

/* Four bitmaps where there is room for one: the fourth hits the AL. */
static void bitmaps_into_al(struct syncmirror_md *md)
{
	md->peer_slots = 4;
	md->bitmap_offset = AL_OFFSET - 3 * BLOCK;
}

#define CHANGE(f)	.change = f
#define DAMAGE(f, fixed)	.damage = f, .fix = fixed

#define BAD_MAGIC	"No syncmirror superblock (bad magic)"
#define BAD_CSUM	"Superblock checksum mismatch"
#define BAD_AREA	"Superblock metadata area is invalid"
#define BAD_PARTS \
	"Superblock activity log or bitmap outside the metadata area"
#define VERSION_1 \
	"Superblock version 1 is not supported: run smctl create-md --force"
#define BAD_EXTENT \
	"Superblock AL extent size out of range (1 MiB-32 GiB, >= region)"

static const struct refusal_case refusal_cases[] = {
	{ "zeroed block", DAMAGE(zero_magic, false), .error = BAD_MAGIC },
	{ "foreign magic", DAMAGE(foreign_magic, true), .error = BAD_MAGIC },
	{ "flipped data size bit", DAMAGE(flip_data_byte, false),
	  .error = BAD_CSUM },
	{ "flipped byte past the fields", DAMAGE(flip_reserved_byte, false),
	  .error = BAD_CSUM },
	{ "checksum itself damaged", DAMAGE(damage_csum, false),
	  .error = BAD_CSUM },
	{ "version 1", DAMAGE(version_1, true), .error = VERSION_1 },
	{ "version 3", DAMAGE(version_3, true),
	  .error = "Unsupported superblock version" },
	{ "version 0", DAMAGE(version_0, true),
	  .error = "Unsupported superblock version" },
	{ "version 1 DIVERGED flag", DAMAGE(v1_diverged_flag, true),
	  .error = "Unknown superblock flags" },
	{ "future flag", DAMAGE(future_flag, true),
	  .error = "Unknown superblock flags" },
	{ "node id 32", CHANGE(node_id_32),
	  .error = "Superblock node id out of range" },
	{ "node id NO_NODE", CHANGE(no_node),
	  .error = "Superblock node id out of range" },
	{ "peer node id 32", CHANGE(peer_node_id_32),
	  .error = "Superblock peer node id out of range" },
	{ "zero data size", CHANGE(zero_size),
	  .error = "Superblock data size is zero" },
	{ "data size in bytes overflows", CHANGE(huge_size),
	  .error = "Superblock data size is too large" },
	{ "consistent without a generation",
	  CHANGE(consistent_without_generation),
	  .error = "Superblock says consistent but names no data generation" },
	{ "2 KiB regions", CHANGE(region_shift_2),
	  .error = "Superblock region size out of range (4 KiB to 1 MiB)" },
	{ "2 MiB regions", CHANGE(region_shift_12),
	  .error = "Superblock region size out of range (4 KiB to 1 MiB)" },
	{ "512 KiB extents", CHANGE(extent_shift_10), .error = BAD_EXTENT },
	{ "64 GiB extents", CHANGE(extent_shift_27), .error = BAD_EXTENT },
	{ "one AL extent", CHANGE(one_al_extent),
	  .error = "Superblock activity-log extent count out of range" },
	{ "more AL extents than a block holds", CHANGE(too_many_al_extents),
	  .error = "Superblock activity-log extent count out of range" },
	{ "one AL block", CHANGE(one_al_block),
	  .error = "Superblock activity-log ring size out of range" },
	{ "AL ring of 65537 blocks", CHANGE(huge_al_ring),
	  .error = "Superblock activity-log ring size out of range" },
	{ "no peer slots", CHANGE(no_peer_slots),
	  .error = "Superblock peer slot count out of range" },
	{ "five peer slots", CHANGE(five_peer_slots),
	  .error = "Superblock peer slot count out of range" },
	{ "bitmap one block too long", CHANGE(bitmap_too_long),
	  .error = "Superblock bitmap size does not match the data size" },
	{ "no bitmap", CHANGE(bitmap_missing),
	  .error = "Superblock bitmap size does not match the data size" },
	{ "data grown, bitmap not", CHANGE(data_grown),
	  .error = "Superblock bitmap size does not match the data size" },
	{ "area of one block", CHANGE(area_one_block), .error = BAD_AREA },
	{ "area at an unaligned offset", CHANGE(area_unaligned_offset),
	  .error = BAD_AREA },
	{ "area of unaligned size", CHANGE(area_unaligned_size),
	  .error = BAD_AREA },
	{ "area wraps around 64 bits", CHANGE(area_wraps), .error = BAD_AREA },
	{ "internal area not right behind the data",
	  CHANGE(internal_area_past_data),
	  .error = "Superblock metadata area overlaps the data" },
	{ "internal area inside the data", CHANGE(internal_area_inside_data),
	  .error = "Superblock metadata area overlaps the data" },
	{ "AL unaligned", CHANGE(al_unaligned), .error = BAD_PARTS },
	{ "bitmap unaligned", CHANGE(bitmap_unaligned), .error = BAD_PARTS },
	{ "AL before the area", CHANGE(al_before_area), .error = BAD_PARTS },
	{ "AL after the area", CHANGE(al_after_area), .error = BAD_PARTS },
	{ "AL runs off the end", CHANGE(al_runs_off_the_end),
	  .error = BAD_PARTS },
	{ "bitmap before the area", CHANGE(bitmap_before_area),
	  .error = BAD_PARTS },
	{ "bitmap at the end of the area", CHANGE(bitmap_at_the_end),
	  .error = BAD_PARTS },
	{ "bitmap inside the AL", CHANGE(bitmap_inside_al),
	  .error = BAD_PARTS },
	{ "AL over the bitmap", CHANGE(al_over_bitmap), .error = BAD_PARTS },
	{ "AL over superblock slot 1", CHANGE(al_over_slot_1),
	  .error = BAD_PARTS },
	{ "external AL over superblock slot 1",
	  CHANGE(al_over_slots_external), .error = BAD_PARTS },
	{ "bitmap on superblock slot 0", CHANGE(bitmap_on_slot_0),
	  .error = BAD_PARTS },
	{ "bitmap on superblock slot 1", CHANGE(bitmap_on_slot_1),
	  .error = BAD_PARTS },
	{ "four bitmaps run into the AL", CHANGE(bitmaps_into_al),
	  .error = BAD_PARTS },
};

static void refusal_case_to_desc(const struct refusal_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(refusal, refusal_cases, refusal_case_to_desc);

static void syncmirror_md_test_refusal(struct kunit *test)
{
	const struct refusal_case *c = test->param_value;
	struct syncmirror_md md = sample_md;
	char *error = NULL;
	void *block;

	if (c->change)
		c->change(&md);
	block = encode_md(test, &md);
	if (c->damage) {
		c->damage(block);
		if (c->fix)
			fix_csum(block);
	}

	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(block, &md, &error),
			-EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, error);
	KUNIT_EXPECT_STREQ(test, error, c->error);
}

/* The operator learns what the block is, not just that it is refused. */
static void syncmirror_md_test_version_1_message(struct kunit *test)
{
	struct syncmirror_sb *sb = encode_md(test, &sample_md);
	struct syncmirror_md md;
	char *error = NULL;

	version_1(sb);
	fix_csum(sb);
	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(sb, &md, &error), -EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, error);
	KUNIT_EXPECT_NOT_NULL(test, strstr(error, "version 1"));
}

/* Edge values the checks must still accept. */
static void syncmirror_md_test_geometry_limits(struct kunit *test)
{
	struct syncmirror_md md = sample_md, out;
	char *error = NULL;

	md.region_shift = 3;
	md.bitmap_blocks = syncmirror_md_bitmap_blocks(md.data_sectors, 3);
	md.al_extent_shift = 11;
	md.al_extents = 2;
	md.al_blocks = 2;
	md.al_offset = MD_END - 4 * BLOCK;
	KUNIT_ASSERT_EQ(test, md.bitmap_blocks, 9ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(encode_md(test, &md), &out,
						   &error), 0);
	KUNIT_EXPECT_NULL(test, error);

	md = sample_md;
	md.region_shift = 11;
	md.bitmap_blocks = syncmirror_md_bitmap_blocks(md.data_sectors, 11);
	md.al_extent_shift = 26;
	md.al_extents = SYNCMIRROR_AL_MAX_EXTENTS;
	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(encode_md(test, &md), &out,
						   &error), 0);
	KUNIT_EXPECT_NULL(test, error);
}

static void syncmirror_md_test_slot_offset(struct kunit *test)
{
	struct syncmirror_md md = sample_md;

	/* Internal: slot 0 is the last block of the data device. */
	KUNIT_EXPECT_EQ(test, syncmirror_md_slot_offset(&md, 0),
			MD_END - BLOCK);
	KUNIT_EXPECT_EQ(test, syncmirror_md_slot_offset(&md, 1),
			MD_END - 2 * BLOCK);

	/* External: the first block of the area, then the next. */
	md.internal = false;
	md.md_offset = 8 * BLOCK;
	KUNIT_EXPECT_EQ(test, syncmirror_md_slot_offset(&md, 0), 8ULL * BLOCK);
	KUNIT_EXPECT_EQ(test, syncmirror_md_slot_offset(&md, 1), 9ULL * BLOCK);
}

/* Two valid slots of one volume with these seqs. */
static void encode_slots(struct kunit *test, u64 seq0, u64 seq1,
			 void **slot0, void **slot1)
{
	struct syncmirror_md md = sample_md;

	md.seq = seq0;
	*slot0 = encode_md(test, &md);
	md.seq = seq1;
	/* The newer slot differs in more than its seq. */
	md.current_uuid = 0x99;
	*slot1 = encode_md(test, &md);
}

static void syncmirror_md_test_pick_newest(struct kunit *test)
{
	struct syncmirror_md md;
	char *error = NULL;
	void *slot0, *slot1;

	encode_slots(test, 7, 8, &slot0, &slot1);
	KUNIT_ASSERT_EQ(test, syncmirror_md_pick(slot0, slot1, &md, &error),
			0);
	KUNIT_EXPECT_EQ(test, md.seq, 8ULL);
	KUNIT_EXPECT_EQ(test, md.slot, 1U);
	KUNIT_EXPECT_EQ(test, md.current_uuid, 0x99ULL);

	/* Swapped: slot 0 is the newer. */
	memset(&md, 0, sizeof(md));
	md.slot = 1;
	KUNIT_ASSERT_EQ(test, syncmirror_md_pick(slot1, slot0, &md, &error),
			0);
	KUNIT_EXPECT_EQ(test, md.seq, 8ULL);
	KUNIT_EXPECT_EQ(test, md.slot, 0U);
	KUNIT_EXPECT_EQ(test, md.current_uuid, 0x99ULL);
}

/* A fresh volume: only slot 0 written, slot 1 still zeroes. */
static void syncmirror_md_test_pick_only_slot_0(struct kunit *test)
{
	void *slot0 = encode_md(test, &sample_md), *slot1 = alloc_block(test);
	struct syncmirror_md md;
	char *error = NULL;

	KUNIT_ASSERT_EQ(test, syncmirror_md_pick(slot0, slot1, &md, &error),
			0);
	KUNIT_EXPECT_EQ(test, md.slot, 0U);
	KUNIT_EXPECT_EQ(test, md.seq, sample_md.seq);
}

/* A write torn in the newer slot: the older state is still there. */
static void syncmirror_md_test_pick_torn(struct kunit *test)
{
	struct syncmirror_md md;
	char *error = NULL;
	void *slot0, *slot1;

	encode_slots(test, 7, 8, &slot0, &slot1);
	/* The second half of the block never reached the disk. */
	memset(slot1 + 100, 0, BLOCK - 100);
	KUNIT_ASSERT_EQ(test, syncmirror_md_pick(slot0, slot1, &md, &error),
			0);
	KUNIT_EXPECT_EQ(test, md.seq, 7ULL);
	KUNIT_EXPECT_EQ(test, md.slot, 0U);
	KUNIT_EXPECT_EQ(test, md.current_uuid, sample_md.current_uuid);

	/* The newer copy torn in slot 0, the older one in slot 1. */
	encode_slots(test, 7, 8, &slot0, &slot1);
	((u8 *)slot1)[200] ^= 0x10;
	KUNIT_ASSERT_EQ(test, syncmirror_md_pick(slot1, slot0, &md, &error),
			0);
	KUNIT_EXPECT_EQ(test, md.seq, 7ULL);
	KUNIT_EXPECT_EQ(test, md.slot, 1U);
}

/* Neither slot valid: slot 0's reason, where version 1 kept its block. */
static void syncmirror_md_test_pick_both_damaged(struct kunit *test)
{
	void *slot0 = alloc_block(test), *slot1;
	struct syncmirror_md md;
	char *error = NULL;

	slot1 = encode_md(test, &sample_md);
	((u8 *)slot1)[40] ^= 1;
	KUNIT_EXPECT_EQ(test, syncmirror_md_pick(slot0, slot1, &md, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error, BAD_MAGIC);

	KUNIT_EXPECT_EQ(test, syncmirror_md_pick(slot1, slot0, &md, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error, BAD_CSUM);

	/* A version 1 superblock in slot 0 says so. */
	slot0 = encode_md(test, &sample_md);
	version_1(slot0);
	fix_csum(slot0);
	error = NULL;
	KUNIT_EXPECT_EQ(test, syncmirror_md_pick(slot0, slot1, &md, &error),
			-EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, error);
	KUNIT_EXPECT_NOT_NULL(test, strstr(error, "version 1"));
}

/* Valid slots of two different volumes: neither is trusted. */
static void syncmirror_md_test_pick_two_volumes(struct kunit *test)
{
	struct syncmirror_md other = sample_md, md;
	void *slot0, *slot1;
	char *error = NULL;

	other.volume_uuid.b[15] ^= 1;
	other.seq = sample_md.seq + 1;
	slot0 = encode_md(test, &sample_md);
	slot1 = encode_md(test, &other);
	KUNIT_EXPECT_EQ(test, syncmirror_md_pick(slot0, slot1, &md, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error,
			   "Superblock slots describe different metadata");
	error = NULL;
	KUNIT_EXPECT_EQ(test, syncmirror_md_pick(slot1, slot0, &md, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error,
			   "Superblock slots describe different metadata");
}

static void syncmirror_md_test_new_generation(struct kunit *test)
{
	struct syncmirror_md md = sample_md;

	syncmirror_md_new_generation(&md, 0xabcdefULL);
	KUNIT_EXPECT_EQ(test, md.current_uuid, 0xabcdefULL);
	KUNIT_EXPECT_EQ(test, md.history_uuid[0], sample_md.current_uuid);
	KUNIT_EXPECT_EQ(test, md.history_uuid[1], sample_md.history_uuid[0]);
	KUNIT_EXPECT_EQ(test, md.history_uuid[2], sample_md.history_uuid[1]);
	KUNIT_EXPECT_EQ(test, md.history_uuid[3], sample_md.history_uuid[2]);

	/* The oldest falls off the end. */
	syncmirror_md_new_generation(&md, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, md.current_uuid, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, md.history_uuid[0], 0xabcdefULL);
	KUNIT_EXPECT_EQ(test, md.history_uuid[1], sample_md.current_uuid);
	KUNIT_EXPECT_EQ(test, md.history_uuid[2], sample_md.history_uuid[0]);
	KUNIT_EXPECT_EQ(test, md.history_uuid[3], sample_md.history_uuid[1]);
	/* Nothing else moves. */
	KUNIT_EXPECT_EQ(test, md.seq, sample_md.seq);
	KUNIT_EXPECT_EQ(test, md.peer[0].bitmap_uuid,
			sample_md.peer[0].bitmap_uuid);
}

/*
 * A generation drawn under the quorum fence in which no write completed
 * is reverted: the copy is back at the generation it had, as if the draw
 * never happened (but for the oldest history entry, which fell off).
 */
static void syncmirror_md_test_revert_generation(struct kunit *test)
{
	struct syncmirror_md md = sample_md, before;

	/* The first write the peer lacks, bitmap in sync: it takes the old. */
	md.peer[0].bitmap_uuid = 0;
	before = md;
	md.peer[0].bitmap_uuid = md.current_uuid;
	syncmirror_md_new_generation(&md, 0x7777ULL);
	md.gen_pending = true;
	syncmirror_md_revert_generation(&md);
	KUNIT_EXPECT_EQ(test, md.current_uuid, before.current_uuid);
	KUNIT_EXPECT_EQ(test, md.peer[0].bitmap_uuid, 0ULL);
	KUNIT_EXPECT_EQ(test, md.history_uuid[0], before.history_uuid[0]);
	KUNIT_EXPECT_EQ(test, md.history_uuid[1], before.history_uuid[1]);
	KUNIT_EXPECT_EQ(test, md.history_uuid[2], before.history_uuid[2]);
	KUNIT_EXPECT_EQ(test, md.history_uuid[3], 0ULL);
	KUNIT_EXPECT_FALSE(test, md.gen_pending);

	/* A promotion alone while the bitmap counted from an older one. */
	md = sample_md;
	md.peer[0].bitmap_uuid = 0x5555ULL;
	before = md;
	syncmirror_md_new_generation(&md, 0x9999ULL);
	md.gen_pending = true;
	syncmirror_md_revert_generation(&md);
	KUNIT_EXPECT_EQ(test, md.current_uuid, before.current_uuid);
	KUNIT_EXPECT_EQ(test, md.peer[0].bitmap_uuid, 0x5555ULL);
	KUNIT_EXPECT_EQ(test, md.history_uuid[0], before.history_uuid[0]);
	KUNIT_EXPECT_FALSE(test, md.gen_pending);

	/* The flag is on disk: a crash while pending is known at load. */
	md.gen_pending = true;
	KUNIT_EXPECT_TRUE(test, le32_to_cpu(((struct syncmirror_sb *)
					     encode_md(test, &md))->flags) &
			  SYNCMIRROR_SB_F_GEN_PENDING);
}

static struct kunit_case syncmirror_md_test_cases[] = {
	KUNIT_CASE(syncmirror_md_test_sample_is_consistent),
	KUNIT_CASE(syncmirror_md_test_round_trip),
	KUNIT_CASE(syncmirror_md_test_round_trip_other_values),
	KUNIT_CASE(syncmirror_md_test_state_flags),
	KUNIT_CASE(syncmirror_md_test_external),
	KUNIT_CASE(syncmirror_md_test_golden),
	KUNIT_CASE_PARAM(syncmirror_md_test_refusal, refusal_gen_params),
	KUNIT_CASE(syncmirror_md_test_version_1_message),
	KUNIT_CASE(syncmirror_md_test_geometry_limits),
	KUNIT_CASE(syncmirror_md_test_slot_offset),
	KUNIT_CASE(syncmirror_md_test_pick_newest),
	KUNIT_CASE(syncmirror_md_test_pick_only_slot_0),
	KUNIT_CASE(syncmirror_md_test_pick_torn),
	KUNIT_CASE(syncmirror_md_test_pick_both_damaged),
	KUNIT_CASE(syncmirror_md_test_pick_two_volumes),
	KUNIT_CASE(syncmirror_md_test_new_generation),
	KUNIT_CASE(syncmirror_md_test_revert_generation),
	{}
};

static struct kunit_suite syncmirror_md_test_suite = {
	.name = "syncmirror_metadata",
	.test_cases = syncmirror_md_test_cases,
};

kunit_test_suite(syncmirror_md_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
