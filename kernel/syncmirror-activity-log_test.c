// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the activity log: a write goes at once only into an
 * extent whose transaction is on disk, a new extent waits for a commit,
 * a full set makes room by dropping the least recently used idle extent
 * (never one with a write in flight), a transaction that drops an extent
 * with a write the data device may still cache waits for a data flush when
 * the metadata is elsewhere, and the ring's transactions round-trip while
 * damaged ones are refused.
 */

#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/syncmirror.h>

#include "syncmirror-activity-log.h"
#include "syncmirror-metadata.h"

#define SHIFT		13			/* 4 MiB extents */
#define EXTENT		BIT_ULL(SHIFT)		/* sectors */
#define RING_BLOCKS	4

/* Transactions are decoded into arrays of this size. */
#define MAX_SET		8

struct al_context {
	unsigned int capacity;
};

/* A test-managed activity log of @capacity extents. */
static int al_resource_init(struct kunit_resource *res, void *context)
{
	const struct al_context *c = context;
	struct syncmirror_al *al = kzalloc(sizeof(*al), GFP_KERNEL);

	if (!al)
		return -ENOMEM;
	if (syncmirror_al_init(al, c->capacity, SHIFT, RING_BLOCKS)) {
		kfree(al);
		return -ENOMEM;
	}
	res->data = al;
	return 0;
}

static void al_resource_free(struct kunit_resource *res)
{
	syncmirror_al_exit(res->data);
	kfree(res->data);
}

static struct syncmirror_al *new_al(struct kunit *test, unsigned int capacity)
{
	struct al_context c = { .capacity = capacity };
	struct syncmirror_al *al;

	al = kunit_alloc_resource(test, al_resource_init, al_resource_free,
				  GFP_KERNEL, &c);
	KUNIT_ASSERT_NOT_NULL(test, al);
	return al;
}

/* A write of all of extents @a to @b, through each entry point. */
static bool fast(struct syncmirror_al *al, u32 a, u32 b)
{
	return syncmirror_al_begin_fast(al, (sector_t)a * EXTENT,
					(sector_t)(b + 1) * EXTENT - 1);
}

static int begin(struct syncmirror_al *al, u32 a, u32 b)
{
	return syncmirror_al_begin(al, (sector_t)a * EXTENT,
				   (sector_t)(b + 1) * EXTENT - 1);
}

static bool end(struct syncmirror_al *al, u32 a, u32 b)
{
	return syncmirror_al_end(al, (sector_t)a * EXTENT,
				 (sector_t)(b + 1) * EXTENT - 1);
}

static void *new_block(struct kunit *test)
{
	void *block = kunit_kzalloc(test, SYNCMIRROR_MD_BLOCK_SIZE,
				    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, block);
	return block;
}

/* What the AL worker does: write the set (the write itself elided). */
static u64 commit(struct kunit *test, struct syncmirror_al *al, u32 *ring)
{
	void *block = new_block(test);
	u32 ring_block;
	u64 seq;

	seq = syncmirror_al_encode(al, block, &ring_block);
	syncmirror_al_committed(al, seq);
	if (ring)
		*ring = ring_block;
	return seq;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* The set the next transaction names, sorted, in @extents; its size. */
static u32 set_of(struct kunit *test, struct syncmirror_al *al, u32 *extents)
{
	void *block = new_block(test);
	u32 ring_block, count = 0;
	u64 seq;

	syncmirror_al_encode(al, block, &ring_block);
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, MAX_SET, &seq,
						   &count, extents), 0);
	sort(extents, count, sizeof(*extents), cmp_u32, NULL);
	return count;
}

/* Begin a write through the worker and commit its extents. */
static void begin_committed(struct kunit *test, struct syncmirror_al *al,
			    u32 n)
{
	KUNIT_ASSERT_EQ(test, begin(al, n, n), 0);
	commit(test, al, NULL);
}

static void syncmirror_al_test_new_extent(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 4);

	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_commit(al));
	KUNIT_EXPECT_FALSE(test, fast(al, 3, 3));

	KUNIT_ASSERT_EQ(test, begin(al, 3, 3), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_commit(al));
	/* In the set, but not on disk: a second write must wait as well. */
	KUNIT_EXPECT_FALSE(test, fast(al, 3, 3));

	KUNIT_EXPECT_EQ(test, commit(test, al, NULL), 1ULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_commit(al));
	KUNIT_EXPECT_EQ(test, al->commits, 1ULL);
	KUNIT_EXPECT_TRUE(test, fast(al, 3, 3));
	/* Any part of the extent. */
	KUNIT_EXPECT_TRUE(test, syncmirror_al_begin_fast(al, 3 * EXTENT + 100,
							 3 * EXTENT + 107));
	/* Its neighbours are not. */
	KUNIT_EXPECT_FALSE(test, fast(al, 2, 2));
	KUNIT_EXPECT_FALSE(test, fast(al, 4, 4));
	KUNIT_EXPECT_FALSE(test, fast(al, 3, 4));
}

/* An extent is idle when the last write in it ended. */
static void syncmirror_al_test_end(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 4);

	begin_committed(test, al, 1);
	KUNIT_ASSERT_TRUE(test, fast(al, 1, 1));
	KUNIT_ASSERT_TRUE(test, fast(al, 1, 1));
	KUNIT_EXPECT_FALSE(test, end(al, 1, 1));
	KUNIT_EXPECT_FALSE(test, end(al, 1, 1));
	KUNIT_EXPECT_TRUE(test, end(al, 1, 1));
	/* Idle extents stay in the set: the next write goes at once. */
	KUNIT_EXPECT_TRUE(test, fast(al, 1, 1));
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_commit(al));
	KUNIT_EXPECT_TRUE(test, end(al, 1, 1));
}

/* A full set drops the extent written least recently, and only it. */
static void syncmirror_al_test_evicts_lru(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 3);
	u32 set[MAX_SET];

	begin_committed(test, al, 10);
	begin_committed(test, al, 11);
	begin_committed(test, al, 12);
	end(al, 10, 10);
	end(al, 11, 11);
	end(al, 12, 12);
	/* 10 written again: 11 is now the least recently used. */
	KUNIT_ASSERT_TRUE(test, fast(al, 10, 10));
	end(al, 10, 10);

	KUNIT_ASSERT_EQ(test, begin(al, 13, 13), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_commit(al));
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 3U);
	KUNIT_EXPECT_EQ(test, set[0], 10U);
	KUNIT_EXPECT_EQ(test, set[1], 12U);
	KUNIT_EXPECT_EQ(test, set[2], 13U);
	KUNIT_EXPECT_FALSE(test, fast(al, 11, 11));
	KUNIT_EXPECT_TRUE(test, fast(al, 10, 10));
	KUNIT_EXPECT_TRUE(test, fast(al, 12, 12));
	KUNIT_EXPECT_FALSE(test, fast(al, 13, 13));
	commit(test, al, NULL);
	KUNIT_EXPECT_TRUE(test, fast(al, 13, 13));
}

/*
 * The extents a transaction drops are named until it commits (the write
 * path flushes the peer's copy of them first); a new extent joining a set
 * with room drops none.
 */
static void syncmirror_al_test_dropped(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 2);
	const u32 *dropped;

	KUNIT_ASSERT_EQ(test, begin(al, 5, 5), 0);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), 0);
	commit(test, al, NULL);
	begin_committed(test, al, 6);
	end(al, 5, 5);
	end(al, 6, 6);

	/* Two new extents push out both idle ones, oldest first. */
	KUNIT_ASSERT_EQ(test, begin(al, 7, 8), 0);
	KUNIT_ASSERT_EQ(test, syncmirror_al_dropped(al, &dropped), 2);
	KUNIT_EXPECT_EQ(test, dropped[0], 5U);
	KUNIT_EXPECT_EQ(test, dropped[1], 6U);
	commit(test, al, NULL);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), 0);

	/* A write waiting for room drops nothing. */
	KUNIT_EXPECT_EQ(test, begin(al, 9, 9), -EBUSY);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), 0);
}

/*
 * A commit that failed leaves its new extents idle and the list as it
 * was: the next round drops those too, past what the list holds, and
 * every extent has to be checked then.  A commit starts it afresh.
 */
static void syncmirror_al_test_dropped_overflow(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 2);
	const u32 *dropped;

	begin_committed(test, al, 5);
	begin_committed(test, al, 6);
	end(al, 5, 6);
	KUNIT_ASSERT_EQ(test, begin(al, 7, 8), 0);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), 2);
	/* Not committed: the writes fail and end. */
	end(al, 7, 8);
	KUNIT_ASSERT_EQ(test, begin(al, 9, 10), 0);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), -EOVERFLOW);
	end(al, 9, 10);
	KUNIT_ASSERT_EQ(test, begin(al, 11, 12), 0);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), -EOVERFLOW);
	commit(test, al, NULL);
	KUNIT_EXPECT_EQ(test, syncmirror_al_dropped(al, &dropped), 0);
}

/* Busy extents never leave: the write waits, nothing changes. */
static void syncmirror_al_test_full_of_busy(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 3);
	u32 set[MAX_SET];

	begin_committed(test, al, 0);
	begin_committed(test, al, 1);
	begin_committed(test, al, 2);

	KUNIT_EXPECT_EQ(test, begin(al, 3, 3), -EBUSY);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_commit(al));
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 3U);
	KUNIT_EXPECT_EQ(test, set[0], 0U);
	KUNIT_EXPECT_EQ(test, set[1], 1U);
	KUNIT_EXPECT_EQ(test, set[2], 2U);
	KUNIT_EXPECT_FALSE(test, fast(al, 3, 3));
	/* Not even the extents of the write already in the set counted. */
	KUNIT_EXPECT_EQ(test, begin(al, 2, 3), -EBUSY);
	KUNIT_EXPECT_TRUE(test, end(al, 2, 2));

	/* One write ended: room for the waiting one. */
	KUNIT_EXPECT_EQ(test, begin(al, 3, 3), 0);
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 3U);
	KUNIT_EXPECT_EQ(test, set[2], 3U);
	KUNIT_EXPECT_FALSE(test, fast(al, 2, 2));
}

/* A write across an extent boundary needs both, committed. */
static void syncmirror_al_test_two_extents(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 4);
	u32 set[MAX_SET];

	/* 1 MiB from 512 KiB before the boundary of extents 5 and 6. */
	KUNIT_ASSERT_EQ(test, syncmirror_al_begin(al, 6 * EXTENT - 1024,
						  6 * EXTENT + 1023), 0);
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 2U);
	KUNIT_EXPECT_EQ(test, set[0], 5U);
	KUNIT_EXPECT_EQ(test, set[1], 6U);
	commit(test, al, NULL);
	KUNIT_EXPECT_TRUE(test, fast(al, 5, 5));
	KUNIT_EXPECT_TRUE(test, fast(al, 6, 6));
	end(al, 5, 5);
	end(al, 6, 6);
	/* Both end with the write. */
	KUNIT_EXPECT_TRUE(test, syncmirror_al_end(al, 6 * EXTENT - 1024,
						  6 * EXTENT + 1023));
	KUNIT_EXPECT_TRUE(test, fast(al, 5, 6));

	/* One of two in the set: only the other is added. */
	KUNIT_ASSERT_EQ(test, begin(al, 6, 7), 0);
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 3U);
	KUNIT_EXPECT_EQ(test, set[2], 7U);
}

/*
 * The write's own idle extent is not the one dropped to make room for
 * its other extent, even when it is the least recently used.
 */
static void syncmirror_al_test_keeps_own_extent(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 2);
	u32 set[MAX_SET];

	begin_committed(test, al, 0);
	begin_committed(test, al, 1);
	end(al, 1, 1);
	end(al, 0, 0);
	/* Idle, least recently used first: 1, 0.  The write spans 1 and 2. */
	KUNIT_ASSERT_EQ(test, begin(al, 1, 2), 0);
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 2U);
	KUNIT_EXPECT_EQ(test, set[0], 1U);
	KUNIT_EXPECT_EQ(test, set[1], 2U);
	commit(test, al, NULL);
	KUNIT_EXPECT_TRUE(test, end(al, 1, 2));
}

/* The only idle extent is the write's own: no room, nothing changed. */
static void syncmirror_al_test_own_extent_is_no_room(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 2);
	u32 set[MAX_SET];

	begin_committed(test, al, 0);
	begin_committed(test, al, 1);
	end(al, 1, 1);
	KUNIT_EXPECT_EQ(test, begin(al, 1, 2), -EBUSY);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_commit(al));
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 2U);
	KUNIT_EXPECT_EQ(test, set[0], 0U);
	KUNIT_EXPECT_EQ(test, set[1], 1U);
	/* Extent 1 is still idle: its next write makes it busy, then idle. */
	KUNIT_EXPECT_TRUE(test, fast(al, 1, 1));
	KUNIT_EXPECT_TRUE(test, end(al, 1, 1));

	/* Extent 0's write ended: now 0 makes room. */
	KUNIT_EXPECT_TRUE(test, end(al, 0, 0));
	KUNIT_EXPECT_EQ(test, begin(al, 1, 2), 0);
	KUNIT_ASSERT_EQ(test, set_of(test, al, set), 2U);
	KUNIT_EXPECT_EQ(test, set[0], 1U);
	KUNIT_EXPECT_EQ(test, set[1], 2U);
}

/* A flush of the data device, as the AL worker or an application does. */
static void data_flush(struct syncmirror_al *al)
{
	syncmirror_al_data_flushed(al, syncmirror_al_data_flush_start(al));
}

/*
 * Separate metadata: a transaction that drops an extent whose last write
 * ended after the last completed data flush needs one first; dropping
 * extents written before it, or dropping none, does not.
 */
static void syncmirror_al_test_data_flush(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 2);

	/* Room in the set: nothing leaves, nothing to flush. */
	begin_committed(test, al, 0);
	begin_committed(test, al, 1);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, true));
	end(al, 0, 0);
	end(al, 1, 1);
	/* Writes into the set, idle or not, drop nothing either. */
	KUNIT_ASSERT_TRUE(test, fast(al, 0, 0));
	end(al, 0, 0);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, true));

	/* 1 leaves for 2; its write ended after no flush at all. */
	KUNIT_ASSERT_EQ(test, begin(al, 2, 2), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_data_flush(al, true));
	/* On the data device, the transaction's own REQ_PREFLUSH does it. */
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, false));
	data_flush(al);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, true));
	commit(test, al, NULL);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, true));

	/* 0 leaves for 3: written before that flush, so nothing to do. */
	KUNIT_ASSERT_EQ(test, begin(al, 3, 3), 0);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, true));
	commit(test, al, NULL);

	/* 2 and 3 were written after it: the next drop needs one again. */
	end(al, 2, 2);
	end(al, 3, 3);
	KUNIT_ASSERT_EQ(test, begin(al, 4, 4), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_data_flush(al, true));
	/* A failed flush (never reported done) covers nothing. */
	syncmirror_al_data_flush_start(al);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_data_flush(al, true));
	data_flush(al);
	commit(test, al, NULL);
}

/* A flush covers the writes that ended before it started, no later one. */
static void syncmirror_al_test_data_flush_epochs(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 1);
	u64 early, late;

	begin_committed(test, al, 0);
	early = syncmirror_al_data_flush_start(al);
	/* Ends while the flush is in flight: not covered by it. */
	end(al, 0, 0);
	syncmirror_al_data_flushed(al, early);
	KUNIT_ASSERT_EQ(test, begin(al, 1, 1), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_data_flush(al, true));

	/* Two flushes completing out of order: the later one counts. */
	early = syncmirror_al_data_flush_start(al);
	late = syncmirror_al_data_flush_start(al);
	syncmirror_al_data_flushed(al, late);
	syncmirror_al_data_flushed(al, early);
	KUNIT_EXPECT_FALSE(test, syncmirror_al_needs_data_flush(al, true));
	commit(test, al, NULL);

	/* 1's write ended after both: dropping it needs another. */
	end(al, 1, 1);
	KUNIT_ASSERT_EQ(test, begin(al, 0, 0), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_al_needs_data_flush(al, true));
}

static void syncmirror_al_test_round_trip(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 8);
	const struct syncmirror_al_header *h;
	u32 extents[MAX_SET];
	void *block = new_block(test);
	u32 ring_block, count;
	u64 seq;

	begin_committed(test, al, 7);
	begin_committed(test, al, 0xfffff);
	KUNIT_ASSERT_EQ(test, begin(al, 42, 42), 0);
	KUNIT_EXPECT_EQ(test, syncmirror_al_encode(al, block, &ring_block),
			3ULL);
	KUNIT_EXPECT_EQ(test, ring_block, 2U);

	h = block;
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->magic), SYNCMIRROR_AL_MAGIC);
	KUNIT_EXPECT_EQ(test, le32_to_cpu(h->pad), 0U);
	KUNIT_ASSERT_EQ(test, syncmirror_al_decode(block, 3, &seq, &count,
						   extents), 0);
	KUNIT_EXPECT_EQ(test, seq, 3ULL);
	KUNIT_ASSERT_EQ(test, count, 3U);
	sort(extents, count, sizeof(*extents), cmp_u32, NULL);
	KUNIT_EXPECT_EQ(test, extents[0], 7U);
	KUNIT_EXPECT_EQ(test, extents[1], 42U);
	KUNIT_EXPECT_EQ(test, extents[2], 0xfffffU);

	/* An empty set is a valid transaction too (a clean demotion). */
	al = new_al(test, 8);
	syncmirror_al_encode(al, block, &ring_block);
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, 3, &seq, &count,
						   extents), 0);
	KUNIT_EXPECT_EQ(test, seq, 1ULL);
	KUNIT_EXPECT_EQ(test, count, 0U);
}

/* Recompute the checksum of a transaction changed by hand. */
static void fix_csum(void *block)
{
	const size_t csum_offset = offsetof(struct syncmirror_al_header, csum);
	struct syncmirror_al_header *h = block;

	h->csum = cpu_to_le32(syncmirror_md_block_checksum(block, csum_offset));
}

static void syncmirror_al_test_decode_refuses(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 4);
	u32 *extents = kunit_kcalloc(test, SYNCMIRROR_AL_MAX_EXTENTS + 1,
				     sizeof(u32), GFP_KERNEL);
	void *good = new_block(test), *block = new_block(test);
	struct syncmirror_al_header *h = block;
	u32 ring_block, count = 77;
	u64 seq = 77;

	KUNIT_ASSERT_NOT_NULL(test, extents);
	KUNIT_ASSERT_EQ(test, begin(al, 1, 1), 0);
	KUNIT_ASSERT_EQ(test, begin(al, 2, 2), 0);
	syncmirror_al_encode(al, good, &ring_block);

	/* A ring block never written. */
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, 4, &seq, &count,
						   extents), -EINVAL);

	memcpy(block, good, SYNCMIRROR_MD_BLOCK_SIZE);
	h->magic = cpu_to_le32(SYNCMIRROR_BM_MAGIC);
	fix_csum(block);
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, 4, &seq, &count,
						   extents), -EINVAL);

	/* Torn: the extent numbers did not all reach the disk. */
	memcpy(block, good, SYNCMIRROR_MD_BLOCK_SIZE);
	memset(block + sizeof(*h) + sizeof(u32), 0, sizeof(u32));
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, 4, &seq, &count,
						   extents), -EINVAL);

	memcpy(block, good, SYNCMIRROR_MD_BLOCK_SIZE);
	h->csum = cpu_to_le32(le32_to_cpu(h->csum) + 1);
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, 4, &seq, &count,
						   extents), -EINVAL);

	memcpy(block, good, SYNCMIRROR_MD_BLOCK_SIZE);
	h->seq = 0;
	fix_csum(block);
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block, 4, &seq, &count,
						   extents), -EINVAL);

	/* More extents than the superblock allows a transaction. */
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(good, 1, &seq, &count,
						   extents), -EINVAL);
	/* More than a block holds, whatever the caller allows. */
	memcpy(block, good, SYNCMIRROR_MD_BLOCK_SIZE);
	h->count = cpu_to_le32(SYNCMIRROR_AL_MAX_EXTENTS + 1);
	fix_csum(block);
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(block,
						   SYNCMIRROR_AL_MAX_EXTENTS + 1,
						   &seq, &count, extents),
			-EINVAL);

	/* None of the refusals wrote the outputs. */
	KUNIT_EXPECT_EQ(test, seq, 77ULL);
	KUNIT_EXPECT_EQ(test, count, 77U);
	/* The untouched block, exactly at the limit, is fine. */
	KUNIT_EXPECT_EQ(test, syncmirror_al_decode(good, 2, &seq, &count,
						   extents), 0);
	KUNIT_EXPECT_EQ(test, count, 2U);
}

/* After load, transactions continue the ring where the newest one is. */
static void syncmirror_al_test_loaded(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 4);
	void *block = new_block(test);
	u32 ring_block;

	syncmirror_al_loaded(al, 41, 1);
	KUNIT_EXPECT_EQ(test, al->seq, 41ULL);
	KUNIT_EXPECT_EQ(test, syncmirror_al_encode(al, block, &ring_block),
			42ULL);
	KUNIT_EXPECT_EQ(test, ring_block, 2U);

	/* Newest in the last block: the next goes to the first. */
	syncmirror_al_loaded(al, 9, RING_BLOCKS - 1);
	KUNIT_EXPECT_EQ(test, syncmirror_al_encode(al, block, &ring_block),
			10ULL);
	KUNIT_EXPECT_EQ(test, ring_block, 0U);

	/* An empty ring. */
	syncmirror_al_loaded(al, 0, 0);
	KUNIT_EXPECT_EQ(test, syncmirror_al_encode(al, block, &ring_block),
			1ULL);
	KUNIT_EXPECT_EQ(test, ring_block, 0U);
}

static void syncmirror_al_test_ring_wraps(struct kunit *test)
{
	struct syncmirror_al *al = new_al(test, 4);
	u32 ring, i;

	for (i = 0; i < 2 * RING_BLOCKS + 1; i++) {
		KUNIT_EXPECT_EQ(test, commit(test, al, &ring), (u64)i + 1);
		KUNIT_EXPECT_EQ(test, ring, i % RING_BLOCKS);
	}
	KUNIT_EXPECT_EQ(test, al->commits, (u64)2 * RING_BLOCKS + 1);
}

static struct kunit_case syncmirror_al_test_cases[] = {
	KUNIT_CASE(syncmirror_al_test_new_extent),
	KUNIT_CASE(syncmirror_al_test_end),
	KUNIT_CASE(syncmirror_al_test_evicts_lru),
	KUNIT_CASE(syncmirror_al_test_dropped),
	KUNIT_CASE(syncmirror_al_test_dropped_overflow),
	KUNIT_CASE(syncmirror_al_test_full_of_busy),
	KUNIT_CASE(syncmirror_al_test_two_extents),
	KUNIT_CASE(syncmirror_al_test_keeps_own_extent),
	KUNIT_CASE(syncmirror_al_test_own_extent_is_no_room),
	KUNIT_CASE(syncmirror_al_test_data_flush),
	KUNIT_CASE(syncmirror_al_test_data_flush_epochs),
	KUNIT_CASE(syncmirror_al_test_round_trip),
	KUNIT_CASE(syncmirror_al_test_decode_refuses),
	KUNIT_CASE(syncmirror_al_test_loaded),
	KUNIT_CASE(syncmirror_al_test_ring_wraps),
	{}
};

static struct kunit_suite syncmirror_al_test_suite = {
	.name = "syncmirror_activity_log",
	.test_cases = syncmirror_al_test_cases,
};

kunit_test_suite(syncmirror_al_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
