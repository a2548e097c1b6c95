/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The dirty bitmap of a peer: one bit per region that may differ on that
 * peer, in memory, with the blocks that differ from their on-disk copy.
 */
#ifndef SYNCMIRROR_BITMAP_H
#define SYNCMIRROR_BITMAP_H

#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct syncmirror_bitmap - a peer's dirty bitmap
 * @lock: protects everything below; taken from bio completion, so with
 *	interrupts off
 * @bits: one bit per region, padded with zeroes to whole blocks
 * @dirty: one bit per block: its bits differ from the block on disk
 * @regions: regions of the data
 * @blocks: on-disk blocks of the bitmap
 * @region_shift: log2 of a region in sectors
 * @weight: bits set
 * @mark_seq: counts the marks that set a bit
 * @flushed_seq: the marks up to this one are on disk
 */
struct syncmirror_bitmap {
	spinlock_t lock;	/* see above */
	unsigned long *bits;
	unsigned long *dirty;
	u64 regions;
	u64 blocks;
	unsigned int region_shift;
	u64 weight;
	u64 mark_seq;
	u64 flushed_seq;
};

int syncmirror_bitmap_init(struct syncmirror_bitmap *bm, u64 regions,
			   unsigned int region_shift);
void syncmirror_bitmap_exit(struct syncmirror_bitmap *bm);

bool syncmirror_bitmap_mark(struct syncmirror_bitmap *bm, sector_t first,
			    sector_t last, u64 *need_seq);
void syncmirror_bitmap_mark_all(struct syncmirror_bitmap *bm);
bool syncmirror_bitmap_clear(struct syncmirror_bitmap *bm, u64 region);
void syncmirror_bitmap_clear_all(struct syncmirror_bitmap *bm);
bool syncmirror_bitmap_test(struct syncmirror_bitmap *bm, u64 region);
u64 syncmirror_bitmap_weight(struct syncmirror_bitmap *bm);
u64 syncmirror_bitmap_next_set(struct syncmirror_bitmap *bm, u64 from);

u64 syncmirror_bitmap_words(const struct syncmirror_bitmap *bm);
void syncmirror_bitmap_get_words(struct syncmirror_bitmap *bm, u64 first,
				 __le64 *out, unsigned int count);
void syncmirror_bitmap_merge_words(struct syncmirror_bitmap *bm, u64 first,
				   const __le64 *in, unsigned int count);

void syncmirror_bitmap_encode_block(struct syncmirror_bitmap *bm,
				    u64 index, u32 peer_slot, void *block);
bool syncmirror_bitmap_decode_block(struct syncmirror_bitmap *bm,
				    u64 index, u32 peer_slot,
				    const void *block);
bool syncmirror_bitmap_take_dirty(struct syncmirror_bitmap *bm, u64 *index,
				  u64 *seq);
void syncmirror_bitmap_redirty(struct syncmirror_bitmap *bm, u64 index);
void syncmirror_bitmap_flushed(struct syncmirror_bitmap *bm, u64 seq);
u64 syncmirror_bitmap_mark_seq(struct syncmirror_bitmap *bm);
bool syncmirror_bitmap_on_disk(struct syncmirror_bitmap *bm, u64 seq);

#endif /* SYNCMIRROR_BITMAP_H */
