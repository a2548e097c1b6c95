/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The activity log: the extents in which a primary's writes may be in
 * flight, committed to disk before a write to a new extent is issued.
 */
#ifndef SYNCMIRROR_ACTIVITY_LOG_H
#define SYNCMIRROR_ACTIVITY_LOG_H

#include <linux/hashtable.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct syncmirror_al_extent - an extent of the active set
 * @hash: in the set's hash table, by @number
 * @lru: in the idle list (oldest first) or the free list
 * @number: extent number (sector >> extent shift)
 * @inflight: writes in flight in it
 * @committed: a transaction naming it is on disk
 * @written: data epoch of the last write that ended in it since it joined
 *	the set (0: none)
 */
struct syncmirror_al_extent {
	struct hlist_node hash;
	struct list_head lru;
	u32 number;
	unsigned int inflight;
	bool committed;
	u64 written;
};

/**
 * struct syncmirror_al - the active set and its ring
 * @lock: protects everything below; taken from bio completion, so with
 *	interrupts off
 * @shift: log2 of an extent in sectors
 * @capacity: extents the set may hold
 * @used: extents in the set
 * @extents: @capacity entries
 * @hash: the entries in the set, by number
 * @idle: entries in the set without writes in flight, least recently used
 *	first: the ones that may leave it
 * @free: entries not in the set
 * @changed: the set differs from the last transaction on disk
 * @blocks: blocks in the ring
 * @seq: number of the last transaction on disk (0: none yet)
 * @next_block: ring block the next transaction goes to
 * @commits: transactions written since load
 * @data_epoch: data epoch of the writes that end now; a flush of the data
 *	device started now covers this one and those before
 * @data_flushed: writes of data epochs up to this are on the data
 *	device's stable storage
 * @evicted: newest data epoch of the extents that left the set since the
 *	last transaction on disk (0: none)
 * @dropped: numbers of the extents that left the set since the last
 *	transaction on disk (@capacity entries)
 * @ndropped: entries in @dropped; @capacity + 1 means some were not
 *	recorded (a failed commit leaves its new extents idle, and later
 *	rounds drop them too)
 */
struct syncmirror_al {
	spinlock_t lock;	/* see above */
	unsigned int shift;
	unsigned int capacity;
	unsigned int used;
	struct syncmirror_al_extent *extents;
	DECLARE_HASHTABLE(hash, 7);
	struct list_head idle;
	struct list_head free;
	bool changed;
	u32 blocks;
	u64 seq;
	u32 next_block;
	u64 commits;
	u64 data_epoch;
	u64 data_flushed;
	u64 evicted;
	u32 *dropped;
	unsigned int ndropped;
};

int syncmirror_al_init(struct syncmirror_al *al, unsigned int capacity,
		       unsigned int shift, u32 blocks);
void syncmirror_al_exit(struct syncmirror_al *al);

bool syncmirror_al_begin_fast(struct syncmirror_al *al, sector_t first,
			      sector_t last);
int syncmirror_al_begin(struct syncmirror_al *al, sector_t first,
			sector_t last);
bool syncmirror_al_end(struct syncmirror_al *al, sector_t first,
		       sector_t last);
bool syncmirror_al_needs_commit(struct syncmirror_al *al);
bool syncmirror_al_needs_data_flush(struct syncmirror_al *al,
				    bool separate_meta);
u64 syncmirror_al_data_flush_start(struct syncmirror_al *al);
int syncmirror_al_dropped(struct syncmirror_al *al, const u32 **numbers);
void syncmirror_al_data_flushed(struct syncmirror_al *al, u64 epoch);
u64 syncmirror_al_encode(struct syncmirror_al *al, void *block,
			 u32 *ring_block);
void syncmirror_al_committed(struct syncmirror_al *al, u64 seq);

int syncmirror_al_decode(const void *block, u32 max_extents, u64 *seq,
			 u32 *count, u32 *extents);
void syncmirror_al_loaded(struct syncmirror_al *al, u64 seq, u32 ring_block);

struct syncmirror_bitmap;
unsigned int syncmirror_al_mark_busy(struct syncmirror_al *al,
				     struct syncmirror_bitmap *bm);

#endif /* SYNCMIRROR_ACTIVITY_LOG_H */
