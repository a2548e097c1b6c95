// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the dirty bitmap: a write marks exactly the regions it
 * touches and is held until that mark is on disk, resync clears them, the
 * on-disk blocks round-trip, a damaged block costs a resync of its regions
 * (never a lost one), and a peer's bitmap merges in without bits past the
 * end of the data.
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syncmirror.h>

#include "syncmirror-bitmap.h"
#include "syncmirror-metadata.h"

#define BITS		SYNCMIRROR_BM_BITS_PER_BLOCK	/* 32640 */
#define WORDS		(BITS / 64)			/* 510 */
#define SHIFT		7				/* 64 KiB */
#define REGION		BIT_ULL(SHIFT)			/* sectors */
/* Two blocks, the second with 100 regions: words 510, 511 (36 bits). */
#define REGIONS		(BITS + 100)
#define LAST		(REGIONS - 1)

/* A test-managed bitmap of @regions regions, freed when the test ends. */
static int bitmap_resource_init(struct kunit_resource *res, void *regions)
{
	struct syncmirror_bitmap *bm = kzalloc(sizeof(*bm), GFP_KERNEL);

	if (!bm)
		return -ENOMEM;
	if (syncmirror_bitmap_init(bm, *(u64 *)regions, SHIFT)) {
		kfree(bm);
		return -ENOMEM;
	}
	res->data = bm;
	return 0;
}

static void bitmap_resource_free(struct kunit_resource *res)
{
	syncmirror_bitmap_exit(res->data);
	kfree(res->data);
}

static struct syncmirror_bitmap *new_bitmap(struct kunit *test, u64 regions)
{
	struct syncmirror_bitmap *bm;

	bm = kunit_alloc_resource(test, bitmap_resource_init,
				  bitmap_resource_free, GFP_KERNEL, &regions);
	KUNIT_ASSERT_NOT_NULL(test, bm);
	return bm;
}

static void *new_block(struct kunit *test)
{
	void *block = kunit_kzalloc(test, SYNCMIRROR_MD_BLOCK_SIZE,
				    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, block);
	return block;
}

/* The checksum a bitmap block must carry. */
static u32 block_checksum(const void *block)
{
	return syncmirror_md_block_checksum(block,
					    offsetof(struct syncmirror_bm_header,
						     csum));
}

/* Mark sectors @first..@last; returns whether the caller must wait. */
static bool mark(struct syncmirror_bitmap *bm, sector_t first, sector_t last)
{
	u64 need;

	return syncmirror_bitmap_mark(bm, first, last, &need);
}

/* Word @index as the wire carries it. */
static u64 word(struct syncmirror_bitmap *bm, u64 index)
{
	__le64 w;

	syncmirror_bitmap_get_words(bm, index, &w, 1);
	return le64_to_cpu(w);
}

/* What the bitmap writer does: every dirty block, then the flush. */
static unsigned int flush_all(struct syncmirror_bitmap *bm)
{
	unsigned int written = 0;
	u64 index, seq = 0;

	while (syncmirror_bitmap_take_dirty(bm, &index, &seq))
		written++;
	syncmirror_bitmap_flushed(bm, seq);
	return written;
}

static void syncmirror_bitmap_test_init(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);

	KUNIT_EXPECT_EQ(test, bm->regions, (u64)REGIONS);
	KUNIT_EXPECT_EQ(test, bm->blocks, 2ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_words(bm), (u64)WORDS + 2);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 0ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 0), (u64)REGIONS);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_mark_seq(bm), 0ULL);

	/* Exactly one block and one word. */
	bm = new_bitmap(test, BITS);
	KUNIT_EXPECT_EQ(test, bm->blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_words(bm), (u64)WORDS);
	bm = new_bitmap(test, 1);
	KUNIT_EXPECT_EQ(test, bm->blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_words(bm), 1ULL);
}

/* A write marks the regions it touches, no more and no fewer. */
static void syncmirror_bitmap_test_mark_ranges(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);

	/* One sector, one whole region. */
	mark(bm, 0, 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, 0));
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 1));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 1ULL);

	/* Exactly region 2. */
	mark(bm, 2 * REGION, 3 * REGION - 1);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 1));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, 2));
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 3));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 2ULL);

	/* Two sectors across the boundary of regions 9 and 10. */
	mark(bm, 10 * REGION - 1, 10 * REGION);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 8));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, 9));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, 10));
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 11));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 4ULL);

	/* 1 MiB across the two blocks: regions BITS - 8 .. BITS + 7. */
	mark(bm, (BITS - 8) * REGION, (BITS + 8) * REGION - 1);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, BITS - 9));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, BITS - 8));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, BITS + 7));
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, BITS + 8));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 20ULL);

	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 1), 2ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 3), 9ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 11),
			(u64)BITS - 8);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, BITS + 8),
			(u64)REGIONS);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, REGIONS),
			(u64)REGIONS);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, U64_MAX),
			(u64)REGIONS);
}

/*
 * The data need not end on a region: its last sectors are the last
 * region; anything past them (a write the device should have refused)
 * sets no bit past the end.
 */
static void syncmirror_bitmap_test_mark_end(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	/* The data ends 64 sectors into the last region. */
	sector_t end = LAST * REGION + 64;

	mark(bm, end - 1, end - 1);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, LAST));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 1ULL);

	mark(bm, end - 8 * REGION, U64_MAX);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, LAST - 9));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, LAST - 8));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 9ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, REGIONS));
	/*
	 * Regions LAST - 8 .. LAST are bits 27..35 of word 511; region
	 * REGIONS would be bit 36: clear, as is every bit after it.
	 */
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 1), GENMASK_ULL(35, 27));
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 2), 0ULL);

	/* Wholly past the end: nothing. */
	mark(bm, REGIONS * REGION, REGIONS * REGION + 7);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 9ULL);
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 2), 0ULL);
}

/*
 * A write that set a bit must wait until that bit is on disk; one that
 * set none waits only for earlier marks still in flight.
 */
static void syncmirror_bitmap_test_mark_waits_for_flush(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	u64 need, index, seq;

	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_mark(bm, 0, 7, &need));
	KUNIT_EXPECT_EQ(test, need, 1ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_on_disk(bm, need));

	/* Same bit, not on disk yet: this write waits too, same number. */
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_mark(bm, 8, 15, &need));
	KUNIT_EXPECT_EQ(test, need, 1ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_mark_seq(bm), 1ULL);

	/* The writer takes block 0 and reads the number it covers. */
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 0ULL);
	KUNIT_EXPECT_EQ(test, seq, 1ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(bm, &index,
							      &seq));
	/* Written, but not flushed: still not durable. */
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_on_disk(bm, 1));
	syncmirror_bitmap_flushed(bm, 1);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_on_disk(bm, 1));

	/* Set bit, on disk: the write goes at once, no new number. */
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_mark(bm, 0, 127, &need));
	KUNIT_EXPECT_EQ(test, need, 1ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_mark_seq(bm), 1ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(bm, &index,
							      &seq));

	/* A new bit in block 1 waits for number 2 ... */
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_mark(bm, BITS * REGION,
						       BITS * REGION, &need));
	KUNIT_EXPECT_EQ(test, need, 2ULL);
	/* ... and an old stale flush report does not release it. */
	syncmirror_bitmap_flushed(bm, 1);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_on_disk(bm, 2));
	KUNIT_EXPECT_EQ(test, flush_all(bm), 1U);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_on_disk(bm, 2));
	KUNIT_EXPECT_FALSE(test, mark(bm, BITS * REGION, BITS * REGION + 1));
}

/* A failed block write puts the block back for the next flush. */
static void syncmirror_bitmap_test_redirty(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	u64 index, seq;

	mark(bm, 0, 0);
	mark(bm, BITS * REGION, BITS * REGION);
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 0ULL);
	KUNIT_EXPECT_EQ(test, seq, 2ULL);
	syncmirror_bitmap_redirty(bm, index);
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 0ULL);
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 1ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(bm, &index,
							      &seq));
}

static void syncmirror_bitmap_test_clear(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	u64 index, seq;

	mark(bm, 0, 3 * REGION - 1);
	mark(bm, LAST * REGION, LAST * REGION);
	flush_all(bm);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 4ULL);

	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_clear(bm, 1));
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 1));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 3ULL);
	/* Twice: nothing more to clear. */
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_clear(bm, 1));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 3ULL);
	/* Past the end. */
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_clear(bm, REGIONS));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 3ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 1), 2ULL);

	/* The cleared bit is to be written, lazily: block 0 only. */
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 0ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(bm, &index,
							      &seq));

	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_clear(bm, LAST));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 3),
			(u64)REGIONS);
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 1ULL);
}

static void syncmirror_bitmap_test_mark_all_clear_all(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);

	syncmirror_bitmap_mark_all(bm);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), (u64)REGIONS);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, LAST));
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 1),
			(u64)BITMAP_LAST_WORD_MASK(36));
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 2), 0ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_mark_seq(bm), 1ULL);
	KUNIT_EXPECT_EQ(test, flush_all(bm), 2U);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_on_disk(bm, 1));

	syncmirror_bitmap_clear_all(bm);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 0ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(bm, 0));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(bm, 0), (u64)REGIONS);
	/* Both blocks are to be rewritten. */
	KUNIT_EXPECT_EQ(test, flush_all(bm), 2U);
	/* And marks set bits again afterwards. */
	KUNIT_EXPECT_TRUE(test, mark(bm, 0, 0));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 1ULL);
}

static void syncmirror_bitmap_test_block_round_trip(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	struct syncmirror_bitmap *copy = new_bitmap(test, REGIONS);
	const struct syncmirror_bm_header *h;
	u8 *block0 = new_block(test), *block1 = new_block(test);
	u64 index, seq, i;

	mark(bm, 9 * REGION, 9 * REGION);
	mark(bm, (BITS - 1) * REGION, (BITS - 1) * REGION);
	mark(bm, LAST * REGION, LAST * REGION);
	syncmirror_bitmap_encode_block(bm, 0, 2, block0);
	syncmirror_bitmap_encode_block(bm, 1, 2, block1);

	h = (const void *)block0;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->magic), SYNCMIRROR_BM_MAGIC);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->index), 0U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->peer_slot), 2U);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->csum),
			block_checksum(block0));
	/* Bit n in byte n / 8 at bit n % 8, after the 16-byte header. */
	KUNIT_EXPECT_EQ(test, block0[16 + 1], 1 << 1);
	KUNIT_EXPECT_EQ(test, block0[SYNCMIRROR_MD_BLOCK_SIZE - 1], 0x80);
	h = (const void *)block1;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->index), 1U);
	KUNIT_EXPECT_EQ(test, block1[16 + 99 / 8], 1 << (99 % 8));

	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_decode_block(copy, 0, 2,
							       block0));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_decode_block(copy, 1, 2,
							       block1));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(copy), 3ULL);
	for (i = 0; i < syncmirror_bitmap_words(bm); i++)
		KUNIT_EXPECT_EQ(test, word(copy, i), word(bm, i));
	/* What was read is what is on disk: nothing to write back. */
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(copy, &index,
							      &seq));

	/* Loading a block again replaces its bits, weight follows. */
	syncmirror_bitmap_clear(bm, 9);
	syncmirror_bitmap_encode_block(bm, 0, 2, block0);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_decode_block(copy, 0, 2,
							       block0));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(copy), 2ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_test(copy, 9));
}

/* Bits a valid block has past the last region are not regions. */
static void syncmirror_bitmap_test_block_bits_past_end(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	struct syncmirror_bm_header *h;
	u8 *block = new_block(test);

	syncmirror_bitmap_encode_block(bm, 1, 0, block);
	block[16 + 100 / 8] |= 1 << (100 % 8);	/* region REGIONS */
	block[SYNCMIRROR_MD_BLOCK_SIZE - 1] = 0xff;
	h = (void *)block;
	h->csum = cpu_to_le32(block_checksum(block));

	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_decode_block(bm, 1, 0,
							       block));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 0ULL);
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 1), 0ULL);
	KUNIT_EXPECT_EQ(test, word(bm, 2 * WORDS - 1), 0ULL);
}

struct damage_case {
	const char *name;
	u64 index;		/* the block loaded */
	u64 encoded_index;	/* the block encoded */
	u32 encoded_slot;	/* slot 0 is loaded */
	size_t flip;		/* byte flipped afterwards, 0: none */
};

static const struct damage_case damage_cases[] = {
	{ "bad magic, block 0", 0, 0, 0, 1 },
	{ "bad checksum, block 0", 0, 0, 0, 100 },
	{ "bad checksum, last block", 1, 1, 0, 4000 },
	{ "another block's index", 1, 0, 0, 0 },
	{ "another peer slot's block", 1, 1, 1, 0 },
	{ "zeroed", 1, 1, 0, SIZE_MAX },
};

static void damage_case_to_desc(const struct damage_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(damage, damage_cases, damage_case_to_desc);

/*
 * A damaged block could have held anything: its regions are all taken as
 * out of sync, only the real ones, and the block is rewritten that way.
 */
static void syncmirror_bitmap_test_damaged_block(struct kunit *test)
{
	const struct damage_case *c = test->param_value;
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	u64 real = c->index ? REGIONS - BITS : BITS;
	u64 other = c->index ? 0 : BITS;
	u8 *block = new_block(test);
	u64 index, seq;

	/* A bit in the other block that must survive. */
	mark(bm, other * REGION, other * REGION);
	flush_all(bm);
	syncmirror_bitmap_encode_block(bm, c->encoded_index, c->encoded_slot,
				       block);
	if (c->flip == SIZE_MAX)
		memset(block, 0, SYNCMIRROR_MD_BLOCK_SIZE);
	else if (c->flip)
		block[c->flip] ^= 0x04;

	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_decode_block(bm, c->index,
								0, block));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), real + 1);
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, c->index * BITS));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, c->index * BITS +
						       real - 1));
	KUNIT_EXPECT_TRUE(test, syncmirror_bitmap_test(bm, other));
	/* The padding after the last region stays zero. */
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 1),
			c->index ? (u64)BITMAP_LAST_WORD_MASK(36) : 0ULL);
	KUNIT_EXPECT_EQ(test, word(bm, WORDS + 2), 0ULL);
	KUNIT_EXPECT_EQ(test, word(bm, 2 * WORDS - 1), 0ULL);

	/* Written back as now understood. */
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(bm, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, c->index);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(bm, &index,
							      &seq));
}

/* The sync target's bitmap as the wire carries it, and back. */
static void syncmirror_bitmap_test_words(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, REGIONS);
	struct syncmirror_bitmap *source = new_bitmap(test, REGIONS);
	__le64 words[3];
	u64 index, seq;

	mark(bm, 3 * REGION, 3 * REGION);
	mark(bm, 64 * REGION, 64 * REGION);
	syncmirror_bitmap_get_words(bm, 0, words, 2);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(words[0]), 1ULL << 3);
	KUNIT_EXPECT_EQ(test, le64_to_cpu(words[1]), 1ULL);

	/* The source has region 3 and 5: the merge is the union. */
	mark(source, 5 * REGION, 5 * REGION);
	mark(source, 3 * REGION, 3 * REGION);
	flush_all(source);
	syncmirror_bitmap_merge_words(source, 0, words, 2);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(source), 3ULL);
	KUNIT_EXPECT_EQ(test, word(source, 0), (1ULL << 3) | (1ULL << 5));
	KUNIT_EXPECT_EQ(test, word(source, 1), 1ULL);
	/* The merged bits go to disk before the resync relies on them. */
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(source, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 0ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_on_disk(source, seq));

	/* A last word with bits past the end: only real regions count. */
	words[0] = cpu_to_le64(1);
	words[1] = cpu_to_le64(~0ULL);
	syncmirror_bitmap_merge_words(source, WORDS, words, 2);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(source),
			3ULL + 1 + 36);
	KUNIT_EXPECT_EQ(test, word(source, WORDS), 1ULL);
	KUNIT_EXPECT_EQ(test, word(source, WORDS + 1),
			(u64)BITMAP_LAST_WORD_MASK(36));
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_next_set(source, BITS + 1),
			(u64)BITS + 64);
	KUNIT_ASSERT_TRUE(test, syncmirror_bitmap_take_dirty(source, &index,
							     &seq));
	KUNIT_EXPECT_EQ(test, index, 1ULL);

	/* Merging bits already set changes nothing. */
	syncmirror_bitmap_merge_words(source, WORDS, words, 2);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(source),
			3ULL + 1 + 36);
	KUNIT_EXPECT_FALSE(test, syncmirror_bitmap_take_dirty(source, &index,
							      &seq));
}

/* A region count that ends on a word: the last word is whole. */
static void syncmirror_bitmap_test_words_whole_last(struct kunit *test)
{
	struct syncmirror_bitmap *bm = new_bitmap(test, 128);
	__le64 words[2] = { cpu_to_le64(~0ULL), cpu_to_le64(~0ULL) };

	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_words(bm), 2ULL);
	syncmirror_bitmap_merge_words(bm, 0, words, 2);
	KUNIT_EXPECT_EQ(test, syncmirror_bitmap_weight(bm), 128ULL);
	KUNIT_EXPECT_EQ(test, word(bm, 1), ~0ULL);
	KUNIT_EXPECT_EQ(test, word(bm, 2), 0ULL);
}

static struct kunit_case syncmirror_bitmap_test_cases[] = {
	KUNIT_CASE(syncmirror_bitmap_test_init),
	KUNIT_CASE(syncmirror_bitmap_test_mark_ranges),
	KUNIT_CASE(syncmirror_bitmap_test_mark_end),
	KUNIT_CASE(syncmirror_bitmap_test_mark_waits_for_flush),
	KUNIT_CASE(syncmirror_bitmap_test_redirty),
	KUNIT_CASE(syncmirror_bitmap_test_clear),
	KUNIT_CASE(syncmirror_bitmap_test_mark_all_clear_all),
	KUNIT_CASE(syncmirror_bitmap_test_block_round_trip),
	KUNIT_CASE(syncmirror_bitmap_test_block_bits_past_end),
	KUNIT_CASE_PARAM(syncmirror_bitmap_test_damaged_block,
			 damage_gen_params),
	KUNIT_CASE(syncmirror_bitmap_test_words),
	KUNIT_CASE(syncmirror_bitmap_test_words_whole_last),
	{}
};

static struct kunit_suite syncmirror_bitmap_test_suite = {
	.name = "syncmirror_bitmap",
	.test_cases = syncmirror_bitmap_test_cases,
};

kunit_test_suite(syncmirror_bitmap_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
