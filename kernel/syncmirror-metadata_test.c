// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the syncmirror superblock: the on-disk encoding is
 * stable (a golden checksum), decoding round-trips, and every damaged,
 * foreign or inconsistent block is refused with its own message.
 */

#include <kunit/test.h>
#include <linux/syncmirror.h>

#include "syncmirror-metadata.h"

/* CRC-32C of sample_md's block, computed outside the kernel. */
#define GOLDEN_CSUM 0x4334f929

static const struct syncmirror_md sample_md = {
	.volume_uuid = UUID_INIT(0x6a0a9b1e, 0x3c2d, 0x4f5e, 0x8a, 0x7b, 0x11,
				 0x22, 0x33, 0x44, 0x55, 0x66),
	.data_sectors = 2097152 - 2048,
	.md_offset = (2097152ULL - 2048) << SECTOR_SHIFT,
	.md_size = 1 << 20,
	.node_id = 1,
	.internal = true,
	.create_time = 1795489000,
};

static void *encode_sample(struct kunit *test)
{
	void *block = kunit_kzalloc(test, SYNCMIRROR_SB_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, block);
	syncmirror_md_encode(&sample_md, block);
	return block;
}

static void syncmirror_md_test_round_trip(struct kunit *test)
{
	void *block = encode_sample(test);
	struct syncmirror_md md;
	char *error = NULL;

	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &md, &error), 0);
	KUNIT_EXPECT_NULL(test, error);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&md.volume_uuid,
					   &sample_md.volume_uuid));
	KUNIT_EXPECT_EQ(test, md.data_sectors, sample_md.data_sectors);
	KUNIT_EXPECT_EQ(test, md.md_offset, sample_md.md_offset);
	KUNIT_EXPECT_EQ(test, md.md_size, sample_md.md_size);
	KUNIT_EXPECT_EQ(test, md.node_id, sample_md.node_id);
	KUNIT_EXPECT_EQ(test, md.internal, sample_md.internal);
	KUNIT_EXPECT_EQ(test, md.create_time, sample_md.create_time);
}

/* The role and divergence flags survive a round trip, each on its own. */
static void syncmirror_md_test_state_flags(struct kunit *test)
{
	void *block = kunit_kzalloc(test, SYNCMIRROR_SB_SIZE, GFP_KERNEL);
	struct syncmirror_md md = sample_md, out;
	const struct syncmirror_sb *sb = block;
	char *error = NULL;

	KUNIT_ASSERT_NOT_NULL(test, block);
	KUNIT_EXPECT_FALSE(test, sample_md.primary || sample_md.diverged);

	md.primary = true;
	syncmirror_md_encode(&md, block);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->flags),
			SYNCMIRROR_SB_F_INTERNAL | SYNCMIRROR_SB_F_PRIMARY);
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &out, &error), 0);
	KUNIT_EXPECT_TRUE(test, out.primary);
	KUNIT_EXPECT_FALSE(test, out.diverged);

	md.primary = false;
	md.diverged = true;
	syncmirror_md_encode(&md, block);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->flags),
			SYNCMIRROR_SB_F_INTERNAL | SYNCMIRROR_SB_F_DIVERGED);
	KUNIT_ASSERT_EQ(test, syncmirror_md_decode(block, &out, &error), 0);
	KUNIT_EXPECT_FALSE(test, out.primary);
	KUNIT_EXPECT_TRUE(test, out.diverged);
	KUNIT_EXPECT_TRUE(test, out.internal);
}

/*
 * The format is an ABI: these bytes and this checksum are what smctl
 * writes for sample_md (checked against an independent CRC-32C).
 */
static void syncmirror_md_test_golden(struct kunit *test)
{
	const struct syncmirror_sb *sb = encode_sample(test);
	const u8 *bytes = (const u8 *)sb;
	int i;

	KUNIT_EXPECT_EQ(test, bytes[0], 'S');
	KUNIT_EXPECT_EQ(test, bytes[1], 'Y');
	KUNIT_EXPECT_EQ(test, bytes[2], 'M');
	KUNIT_EXPECT_EQ(test, bytes[3], 'R');
	KUNIT_EXPECT_EQ(test, le32_to_cpu(sb->csum), GOLDEN_CSUM);
	for (i = sizeof(*sb); i < SYNCMIRROR_SB_SIZE; i++)
		KUNIT_ASSERT_EQ(test, bytes[i], 0);
}

struct damage_case {
	const char *name;
	/* byte offset and value written into a valid block */
	size_t offset;
	u32 value;
	/* recompute the checksum afterwards (a well-formed bad block) */
	bool fix_csum;
	const char *error;
};

static const struct damage_case damage_cases[] = {
	{ "foreign magic", 0, 0x46534258 /* XFSB */, true,
	  "No syncmirror superblock (bad magic)" },
	{ "zeroed block magic", 0, 0, false,
	  "No syncmirror superblock (bad magic)" },
	{ "flipped data size byte", 32, 0x12345, false,
	  "Superblock checksum mismatch" },
	{ "flipped reserved byte", 4000, 1, false,
	  "Superblock checksum mismatch" },
	{ "checksum itself damaged", 4, 0xdeadbeef, false,
	  "Superblock checksum mismatch" },
	{ "newer version", 8, 2, true, "Unsupported superblock version" },
	{ "version zero", 8, 0, true, "Unsupported superblock version" },
	{ "unknown flag", 12, 0x9, true, "Unknown superblock flags" },
	{ "node id too large", 56, SYNCMIRROR_MAX_NODE_ID + 1, true,
	  "Superblock node id out of range" },
	{ "zero data size", 32, 0, true, "Superblock data size is zero" },
	{ "metadata area too small", 48, 512, true,
	  "Superblock metadata area is invalid" },
	{ "internal metadata inside the data", 40, 4096, true,
	  "Superblock metadata area overlaps the data" },
};

static void damage_case_to_desc(const struct damage_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(damage, damage_cases, damage_case_to_desc);

static void syncmirror_md_test_damage(struct kunit *test)
{
	const struct damage_case *c = test->param_value;
	u8 *block = encode_sample(test);
	struct syncmirror_md md;
	char *error = NULL;
	__le32 value = cpu_to_le32(c->value);

	memcpy(block + c->offset, &value, sizeof(value));
	if (c->fix_csum) {
		__le32 csum = cpu_to_le32(syncmirror_md_checksum(block));

		memcpy(block + offsetof(struct syncmirror_sb, csum), &csum,
		       sizeof(csum));
	}

	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(block, &md, &error),
			-EINVAL);
	KUNIT_ASSERT_NOT_NULL(test, error);
	KUNIT_EXPECT_STREQ(test, error, c->error);
}

/* A metadata area that wraps around the 64-bit offset space. */
static void syncmirror_md_test_area_overflow(struct kunit *test)
{
	struct syncmirror_md md = sample_md;
	char *error = NULL;
	void *block;

	md.internal = false;
	md.md_offset = U64_MAX - 4095;
	md.md_size = 8192;
	block = kunit_kzalloc(test, SYNCMIRROR_SB_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, block);
	syncmirror_md_encode(&md, block);

	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(block, &md, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error, "Superblock metadata area is invalid");
}

/* A data size whose byte count does not fit in 64 bits. */
static void syncmirror_md_test_huge_data(struct kunit *test)
{
	struct syncmirror_md md = sample_md;
	char *error = NULL;
	void *block;

	md.internal = false;
	md.md_offset = 0;
	md.data_sectors = (U64_MAX >> SECTOR_SHIFT) + 1;
	block = kunit_kzalloc(test, SYNCMIRROR_SB_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, block);
	syncmirror_md_encode(&md, block);

	KUNIT_EXPECT_EQ(test, syncmirror_md_decode(block, &md, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error, "Superblock data size is too large");
}

static struct kunit_case syncmirror_md_test_cases[] = {
	KUNIT_CASE(syncmirror_md_test_round_trip),
	KUNIT_CASE(syncmirror_md_test_state_flags),
	KUNIT_CASE(syncmirror_md_test_golden),
	KUNIT_CASE_PARAM(syncmirror_md_test_damage, damage_gen_params),
	KUNIT_CASE(syncmirror_md_test_area_overflow),
	KUNIT_CASE(syncmirror_md_test_huge_data),
	{}
};

static struct kunit_suite syncmirror_md_test_suite = {
	.name = "syncmirror_metadata",
	.test_cases = syncmirror_md_test_cases,
};

kunit_test_suite(syncmirror_md_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
