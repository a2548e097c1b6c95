// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dirty bitmap of a peer: which regions may differ on it.
 *
 * Bits are set on the write path (a write the peer lacks) and cleared by
 * resync.  A set bit must be on disk before the write that set it
 * completes: each mark that sets a bit takes a number (@mark_seq), and a
 * flush of the dirty blocks reports the number it covered (@flushed_seq);
 * the write waits until its number is covered.  Cleared bits reach the
 * disk lazily: a bit set on disk but clear in memory costs, after a crash,
 * one needless region copy.
 *
 * In memory, block i of the bitmap is bits [i * BITS_PER_BLOCK,
 * (i + 1) * BITS_PER_BLOCK), which starts on a word; on disk and on the
 * wire, bit n is in byte n / 8 at bit n % 8 (little-endian words).
 */

#include <linux/bitmap.h>
#include <linux/crc32c.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syncmirror.h>
#include <kunit/visibility.h>

#include "syncmirror-bitmap.h"
#include "syncmirror-metadata.h"

#define BITS_PER_BLOCK	SYNCMIRROR_BM_BITS_PER_BLOCK
#define WORDS_PER_BLOCK	(BITS_PER_BLOCK / 64)

static_assert(BITS_PER_BLOCK % 64 == 0);
static_assert(BITS_PER_LONG == 64);

int syncmirror_bitmap_init(struct syncmirror_bitmap *bm, u64 regions,
			   unsigned int region_shift)
{
	memset(bm, 0, sizeof(*bm));
	spin_lock_init(&bm->lock);
	bm->regions = regions;
	bm->region_shift = region_shift;
	bm->blocks = DIV_ROUND_UP_ULL(regions, BITS_PER_BLOCK);
	bm->bits = kvcalloc(bm->blocks * WORDS_PER_BLOCK, sizeof(long),
			    GFP_KERNEL);
	bm->dirty = kvcalloc(BITS_TO_LONGS(bm->blocks), sizeof(long),
			     GFP_KERNEL);
	if (!bm->bits || !bm->dirty) {
		syncmirror_bitmap_exit(bm);
		return -ENOMEM;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_init);

void syncmirror_bitmap_exit(struct syncmirror_bitmap *bm)
{
	kvfree(bm->bits);
	kvfree(bm->dirty);
	bm->bits = NULL;
	bm->dirty = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_exit);

/*
 * Set the bits of the regions sectors @first to @last touch.  *@need_seq
 * is the mark number that must be on disk before the write may complete.
 * Returns true when it is not yet (the caller waits for a flush).  Any
 * context.
 */
bool syncmirror_bitmap_mark(struct syncmirror_bitmap *bm, sector_t first,
			    sector_t last, u64 *need_seq)
{
	u64 region, end = min_t(u64, last >> bm->region_shift,
				bm->regions - 1);
	unsigned long flags;
	bool set = false;
	bool wait;

	spin_lock_irqsave(&bm->lock, flags);
	for (region = first >> bm->region_shift; region <= end; region++) {
		if (__test_and_set_bit(region, bm->bits))
			continue;
		bm->weight++;
		__set_bit(region / BITS_PER_BLOCK, bm->dirty);
		set = true;
	}
	if (set)
		bm->mark_seq++;
	*need_seq = bm->mark_seq;
	wait = bm->flushed_seq < bm->mark_seq;
	spin_unlock_irqrestore(&bm->lock, flags);
	return wait;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_mark);

/* Every region out of sync (a full sync); the blocks are to be written. */
void syncmirror_bitmap_mark_all(struct syncmirror_bitmap *bm)
{
	spin_lock_irq(&bm->lock);
	bitmap_set(bm->bits, 0, bm->regions);
	bitmap_set(bm->dirty, 0, bm->blocks);
	bm->weight = bm->regions;
	bm->mark_seq++;
	spin_unlock_irq(&bm->lock);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_mark_all);

/* @region is in sync again.  Returns whether it was set.  Any context. */
bool syncmirror_bitmap_clear(struct syncmirror_bitmap *bm, u64 region)
{
	unsigned long flags;
	bool was;

	spin_lock_irqsave(&bm->lock, flags);
	was = region < bm->regions && __test_and_clear_bit(region, bm->bits);
	if (was) {
		bm->weight--;
		__set_bit(region / BITS_PER_BLOCK, bm->dirty);
	}
	spin_unlock_irqrestore(&bm->lock, flags);
	return was;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_clear);

void syncmirror_bitmap_clear_all(struct syncmirror_bitmap *bm)
{
	spin_lock_irq(&bm->lock);
	bitmap_zero(bm->bits, bm->blocks * BITS_PER_BLOCK);
	bitmap_set(bm->dirty, 0, bm->blocks);
	bm->weight = 0;
	spin_unlock_irq(&bm->lock);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_clear_all);

bool syncmirror_bitmap_test(struct syncmirror_bitmap *bm, u64 region)
{
	unsigned long flags;
	bool set;

	spin_lock_irqsave(&bm->lock, flags);
	set = region < bm->regions && test_bit(region, bm->bits);
	spin_unlock_irqrestore(&bm->lock, flags);
	return set;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_test);

u64 syncmirror_bitmap_weight(struct syncmirror_bitmap *bm)
{
	unsigned long flags;
	u64 weight;

	spin_lock_irqsave(&bm->lock, flags);
	weight = bm->weight;
	spin_unlock_irqrestore(&bm->lock, flags);
	return weight;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_weight);

/* The first set region at or after @from, or @bm->regions when none. */
u64 syncmirror_bitmap_next_set(struct syncmirror_bitmap *bm, u64 from)
{
	unsigned long flags;
	u64 next;

	if (from >= bm->regions)
		return bm->regions;
	spin_lock_irqsave(&bm->lock, flags);
	next = find_next_bit(bm->bits, bm->regions, from);
	spin_unlock_irqrestore(&bm->lock, flags);
	return min(next, bm->regions);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_next_set);

/* 64-bit words of the bitmap as the wire carries it. */
u64 syncmirror_bitmap_words(const struct syncmirror_bitmap *bm)
{
	return DIV_ROUND_UP_ULL(bm->regions, 64);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_words);

void syncmirror_bitmap_get_words(struct syncmirror_bitmap *bm, u64 first,
				 __le64 *out, unsigned int count)
{
	unsigned int i;

	spin_lock_irq(&bm->lock);
	for (i = 0; i < count; i++)
		out[i] = cpu_to_le64(bm->bits[first + i]);
	spin_unlock_irq(&bm->lock);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_get_words);

/* OR the peer's words in; bits past the last region are ignored. */
void syncmirror_bitmap_merge_words(struct syncmirror_bitmap *bm, u64 first,
				   const __le64 *in, unsigned int count)
{
	unsigned int i;

	spin_lock_irq(&bm->lock);
	for (i = 0; i < count; i++) {
		u64 word = first + i;
		unsigned long add = le64_to_cpu(in[i]) & ~bm->bits[word];

		if (word * 64 + 64 > bm->regions)
			add &= BITMAP_LAST_WORD_MASK(bm->regions);
		if (!add)
			continue;
		bm->bits[word] |= add;
		bm->weight += hweight64(add);
		__set_bit(word / WORDS_PER_BLOCK, bm->dirty);
	}
	bm->mark_seq++;
	spin_unlock_irq(&bm->lock);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_merge_words);

static u32 bm_checksum(const void *block)
{
	return syncmirror_md_block_checksum(block,
					    offsetof(struct syncmirror_bm_header,
						     csum));
}

static struct syncmirror_bm_header *header(void *block)
{
	return block;
}

/* Fill @block with bitmap block @index of peer slot @peer_slot. */
void syncmirror_bitmap_encode_block(struct syncmirror_bitmap *bm,
				    u64 index, u32 peer_slot, void *block)
{
	struct syncmirror_bm_header *h = header(block);
	__le64 *words = block + sizeof(*h);
	const unsigned long *bits = bm->bits + index * WORDS_PER_BLOCK;
	unsigned long flags;
	unsigned int i;

	h->magic = cpu_to_le32(SYNCMIRROR_BM_MAGIC);
	h->csum = 0;
	h->index = cpu_to_le32(index);
	h->peer_slot = cpu_to_le32(peer_slot);
	spin_lock_irqsave(&bm->lock, flags);
	for (i = 0; i < WORDS_PER_BLOCK; i++)
		words[i] = cpu_to_le64(bits[i]);
	spin_unlock_irqrestore(&bm->lock, flags);
	h->csum = cpu_to_le32(bm_checksum(block));
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_encode_block);

/*
 * Load bitmap block @index from @block.  A damaged block (magic, checksum,
 * index or slot wrong) is taken as all ones: a superset of anything it
 * could have held.  Returns whether the block was valid.
 */
bool syncmirror_bitmap_decode_block(struct syncmirror_bitmap *bm,
				    u64 index, u32 peer_slot,
				    const void *block)
{
	const struct syncmirror_bm_header *h = block;
	const __le64 *words = block + sizeof(*h);
	unsigned long *bits = bm->bits + index * WORDS_PER_BLOCK;
	u64 first = index * BITS_PER_BLOCK;
	u64 nbits = min_t(u64, BITS_PER_BLOCK, bm->regions - first);
	bool valid;
	unsigned int i;

	valid = le32_to_cpu(h->magic) == SYNCMIRROR_BM_MAGIC &&
		le32_to_cpu(h->csum) == bm_checksum(block) &&
		le32_to_cpu(h->index) == index &&
		le32_to_cpu(h->peer_slot) == peer_slot;

	spin_lock_irq(&bm->lock);
	bm->weight -= bitmap_weight(bits, BITS_PER_BLOCK);
	if (valid) {
		for (i = 0; i < WORDS_PER_BLOCK; i++)
			bits[i] = le64_to_cpu(words[i]);
		/* Bits past the last region are not regions. */
		bitmap_clear(bits, nbits, BITS_PER_BLOCK - nbits);
	} else {
		bitmap_zero(bits, BITS_PER_BLOCK);
		bitmap_set(bits, 0, nbits);
		/* Written back as it is now understood. */
		__set_bit(index, bm->dirty);
	}
	bm->weight += bitmap_weight(bits, BITS_PER_BLOCK);
	spin_unlock_irq(&bm->lock);
	return valid;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_decode_block);

/*
 * A block to write: its dirty flag is taken (put back with _redirty() if
 * the write fails).  *@seq is the mark number the block covers once
 * written.  False when no block is dirty.
 */
bool syncmirror_bitmap_take_dirty(struct syncmirror_bitmap *bm, u64 *index,
				  u64 *seq)
{
	unsigned long flags;
	u64 i;

	spin_lock_irqsave(&bm->lock, flags);
	i = find_first_bit(bm->dirty, bm->blocks);
	*seq = bm->mark_seq;
	if (i < bm->blocks)
		__clear_bit(i, bm->dirty);
	spin_unlock_irqrestore(&bm->lock, flags);
	*index = i;
	return i < bm->blocks;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_take_dirty);

void syncmirror_bitmap_redirty(struct syncmirror_bitmap *bm, u64 index)
{
	unsigned long flags;

	spin_lock_irqsave(&bm->lock, flags);
	__set_bit(index, bm->dirty);
	spin_unlock_irqrestore(&bm->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_redirty);

/*
 * Every block dirty before the flush that read mark number @seq is on
 * disk: marks up to @seq are durable.
 */
void syncmirror_bitmap_flushed(struct syncmirror_bitmap *bm, u64 seq)
{
	unsigned long flags;

	spin_lock_irqsave(&bm->lock, flags);
	if (seq > bm->flushed_seq)
		bm->flushed_seq = seq;
	spin_unlock_irqrestore(&bm->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_flushed);

/* The number of the latest mark that set a bit. */
u64 syncmirror_bitmap_mark_seq(struct syncmirror_bitmap *bm)
{
	unsigned long flags;
	u64 seq;

	spin_lock_irqsave(&bm->lock, flags);
	seq = bm->mark_seq;
	spin_unlock_irqrestore(&bm->lock, flags);
	return seq;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_mark_seq);

bool syncmirror_bitmap_on_disk(struct syncmirror_bitmap *bm, u64 seq)
{
	unsigned long flags;
	bool done;

	spin_lock_irqsave(&bm->lock, flags);
	done = bm->flushed_seq >= seq;
	spin_unlock_irqrestore(&bm->lock, flags);
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_bitmap_on_disk);
