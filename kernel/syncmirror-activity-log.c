// SPDX-License-Identifier: GPL-2.0-only
/*
 * Activity log (AL): the set of extents in which a primary's writes may
 * be in flight, so that after a crash only those need resync.
 *
 * A write to an extent of the set that is on disk goes at once
 * (syncmirror_al_begin_fast(), under one short spinlock); any other waits
 * for the AL worker, which adds its extents (pushing out the least
 * recently used idle ones when the set is full), writes a transaction
 * naming the whole set, and only then lets it go.  Extents leave the set
 * only when no write is in flight in them, so the set on disk always
 * covers every write in flight.
 *
 * Each transaction names the whole set, so one valid ring block is enough
 * to recover it: the valid block with the highest seq.  A torn newest
 * block fails its checksum and the transaction before it is used; the
 * extents it added had no write issued yet.
 *
 * An extent that leaves the set may hold writes that completed into the
 * data device's volatile cache.  A transaction's REQ_PREFLUSH makes them
 * stable when the log lives on the data device; with a separate metadata
 * device the data device has to be flushed before the transaction that
 * drops them.  Data epochs tell which extents need it: each write that
 * ends records the current epoch in its extents, each flush of the data
 * device takes one, and a dropped extent whose epoch is newer than the
 * last completed flush's needs one (syncmirror_al_needs_data_flush()).
 * The same holds for the peer's copy of such an extent (its disk cache may
 * hold what it acknowledged): syncmirror_al_dropped() names the extents a
 * transaction drops, for the write path to check with the peer.
 */

#include <linux/slab.h>
#include <linux/string.h>
#include <linux/syncmirror.h>
#include <kunit/visibility.h>

#include "syncmirror-activity-log.h"
#include "syncmirror-bitmap.h"
#include "syncmirror-metadata.h"

int syncmirror_al_init(struct syncmirror_al *al, unsigned int capacity,
		       unsigned int shift, u32 blocks)
{
	unsigned int i;

	memset(al, 0, sizeof(*al));
	spin_lock_init(&al->lock);
	al->shift = shift;
	al->capacity = capacity;
	al->blocks = blocks;
	al->data_epoch = 1;
	hash_init(al->hash);
	INIT_LIST_HEAD(&al->idle);
	INIT_LIST_HEAD(&al->free);
	al->extents = kcalloc(capacity, sizeof(*al->extents), GFP_KERNEL);
	al->dropped = kcalloc(capacity, sizeof(*al->dropped), GFP_KERNEL);
	if (!al->extents || !al->dropped) {
		syncmirror_al_exit(al);
		return -ENOMEM;
	}
	for (i = 0; i < capacity; i++)
		list_add_tail(&al->extents[i].lru, &al->free);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_init);

void syncmirror_al_exit(struct syncmirror_al *al)
{
	kfree(al->extents);
	al->extents = NULL;
	kfree(al->dropped);
	al->dropped = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_exit);

static struct syncmirror_al_extent *find(struct syncmirror_al *al, u32 number)
{
	struct syncmirror_al_extent *e;

	hash_for_each_possible(al->hash, e, hash, number)
		if (e->number == number)
			return e;
	return NULL;
}

static void get_extent(struct syncmirror_al_extent *e)
{
	if (!e->inflight++)
		list_del_init(&e->lru);
}

static void put_extent(struct syncmirror_al *al, struct syncmirror_al_extent *e)
{
	if (!--e->inflight)
		list_add_tail(&e->lru, &al->idle);
}

/*
 * Fast path: every extent of the write is in the set on disk; count the
 * write in them.  False sends the write to the AL worker.  Any context.
 */
bool syncmirror_al_begin_fast(struct syncmirror_al *al, sector_t first,
			      sector_t last)
{
	u32 a = first >> al->shift, b = last >> al->shift, n;
	unsigned long flags;
	bool ok = true;

	spin_lock_irqsave(&al->lock, flags);
	for (n = a; n <= b && ok; n++) {
		struct syncmirror_al_extent *e = find(al, n);

		ok = e && e->committed;
	}
	if (ok)
		for (n = a; n <= b; n++)
			get_extent(find(al, n));
	spin_unlock_irqrestore(&al->lock, flags);
	return ok;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_begin_fast);

/* An entry for a new extent: a free one, else the oldest idle one. */
static struct syncmirror_al_extent *take_entry(struct syncmirror_al *al)
{
	struct syncmirror_al_extent *e;

	e = list_first_entry_or_null(&al->free, struct syncmirror_al_extent,
				     lru);
	if (e) {
		al->used++;
	} else {
		e = list_first_entry_or_null(&al->idle,
					     struct syncmirror_al_extent, lru);
		if (!e)
			return NULL;
		hash_del(&e->hash);
		al->evicted = max(al->evicted, e->written);
		/* Past @capacity: some not recorded (then all are checked). */
		if (al->ndropped < al->capacity)
			al->dropped[al->ndropped] = e->number;
		if (al->ndropped <= al->capacity)
			al->ndropped++;
	}
	list_del_init(&e->lru);
	e->written = 0;
	return e;
}

/*
 * The AL worker's path: count the write in its extents, adding those that
 * are not in the set (not yet committed: see _needs_commit()).  -EBUSY when
 * the set is full of extents with writes in flight; nothing changed then.
 */
int syncmirror_al_begin(struct syncmirror_al *al, sector_t first,
			sector_t last)
{
	u32 a = first >> al->shift, b = last >> al->shift, n;
	unsigned int missing = 0, available = 0;
	struct syncmirror_al_extent *e;
	unsigned long flags;

	spin_lock_irqsave(&al->lock, flags);
	for (n = a; n <= b; n++)
		missing += !find(al, n);
	list_for_each_entry(e, &al->free, lru)
		if (++available >= missing)
			break;
	if (available < missing)
		list_for_each_entry(e, &al->idle, lru) {
			/* An idle extent of this very write stays. */
			if (e->number >= a && e->number <= b)
				continue;
			if (++available >= missing)
				break;
		}
	if (available < missing) {
		spin_unlock_irqrestore(&al->lock, flags);
		return -EBUSY;
	}
	/* Take the write's own idle extents out of reach of take_entry(). */
	for (n = a; n <= b; n++) {
		e = find(al, n);
		if (e)
			get_extent(e);
	}
	for (n = a; n <= b; n++) {
		if (find(al, n))
			continue;
		e = take_entry(al);
		e->number = n;
		e->inflight = 1;
		e->committed = false;
		hash_add(al->hash, &e->hash, n);
		al->changed = true;
	}
	spin_unlock_irqrestore(&al->lock, flags);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_begin);

/*
 * The write is done: its extents hold a write of the current data epoch.
 * Returns true when an extent became idle (a write waiting for room may go
 * now).  Any context.
 */
bool syncmirror_al_end(struct syncmirror_al *al, sector_t first,
		       sector_t last)
{
	u32 a = first >> al->shift, b = last >> al->shift, n;
	unsigned long flags;
	bool idle = false;

	spin_lock_irqsave(&al->lock, flags);
	for (n = a; n <= b; n++) {
		struct syncmirror_al_extent *e = find(al, n);

		if (WARN_ON_ONCE(!e || !e->inflight))
			continue;
		e->written = al->data_epoch;
		put_extent(al, e);
		idle |= !e->inflight;
	}
	spin_unlock_irqrestore(&al->lock, flags);
	return idle;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_end);

bool syncmirror_al_needs_commit(struct syncmirror_al *al)
{
	unsigned long flags;
	bool changed;

	spin_lock_irqsave(&al->lock, flags);
	changed = al->changed;
	spin_unlock_irqrestore(&al->lock, flags);
	return changed;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_needs_commit);

/*
 * Before the next transaction goes to disk, must the data device be
 * flushed?  Only when the metadata is on another device (@separate_meta:
 * the transaction's REQ_PREFLUSH does not reach the data device) and an
 * extent that left the set since the last transaction holds a write that
 * ended after the last completed flush of the data device.
 */
bool syncmirror_al_needs_data_flush(struct syncmirror_al *al,
				    bool separate_meta)
{
	unsigned long flags;
	bool needed;

	if (!separate_meta)
		return false;
	spin_lock_irqsave(&al->lock, flags);
	needed = al->evicted > al->data_flushed;
	spin_unlock_irqrestore(&al->lock, flags);
	return needed;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_needs_data_flush);

/*
 * A flush of the data device is about to be issued: it covers the writes
 * that ended until now.  Returns its epoch, for _data_flushed().  Any
 * context.
 */
u64 syncmirror_al_data_flush_start(struct syncmirror_al *al)
{
	unsigned long flags;
	u64 epoch;

	spin_lock_irqsave(&al->lock, flags);
	epoch = al->data_epoch++;
	spin_unlock_irqrestore(&al->lock, flags);
	return epoch;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_data_flush_start);

/* The flush of data epoch @epoch completed successfully.  Any context. */
void syncmirror_al_data_flushed(struct syncmirror_al *al, u64 epoch)
{
	unsigned long flags;

	spin_lock_irqsave(&al->lock, flags);
	al->data_flushed = max(al->data_flushed, epoch);
	spin_unlock_irqrestore(&al->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_data_flushed);

/*
 * The extents that left the set since the last transaction on disk, into
 * *@numbers; returns how many, or -EOVERFLOW when not all were recorded
 * (then every extent has to be assumed).  Only the AL worker changes the
 * set, and it asks between syncmirror_al_begin() and _committed(): the
 * list is stable then.
 */
int syncmirror_al_dropped(struct syncmirror_al *al, const u32 **numbers)
{
	unsigned long flags;
	unsigned int n;

	spin_lock_irqsave(&al->lock, flags);
	n = al->ndropped;
	spin_unlock_irqrestore(&al->lock, flags);
	*numbers = al->dropped;
	return n > al->capacity ? -EOVERFLOW : n;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_dropped);

static u32 al_checksum(const void *block)
{
	return syncmirror_md_block_checksum(block,
					    offsetof(struct syncmirror_al_header,
						     csum));
}

/*
 * Fill @block with the next transaction: the whole set.  Returns its seq;
 * *@ring_block is where it goes.  Only the AL worker changes the set, so
 * it stays as encoded until _committed().
 */
u64 syncmirror_al_encode(struct syncmirror_al *al, void *block,
			 u32 *ring_block)
{
	struct syncmirror_al_header *h = block;
	__le32 *numbers = block + sizeof(*h);
	struct syncmirror_al_extent *e;
	unsigned int bkt, count = 0;
	unsigned long flags;
	u64 seq;

	memset(block, 0, SYNCMIRROR_MD_BLOCK_SIZE);
	spin_lock_irqsave(&al->lock, flags);
	hash_for_each(al->hash, bkt, e, hash)
		numbers[count++] = cpu_to_le32(e->number);
	seq = al->seq + 1;
	*ring_block = al->next_block;
	spin_unlock_irqrestore(&al->lock, flags);

	h->magic = cpu_to_le32(SYNCMIRROR_AL_MAGIC);
	h->seq = cpu_to_le64(seq);
	h->count = cpu_to_le32(count);
	h->csum = cpu_to_le32(al_checksum(block));
	return seq;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_encode);

/* Transaction @seq is on disk: the set it named is committed. */
void syncmirror_al_committed(struct syncmirror_al *al, u64 seq)
{
	struct syncmirror_al_extent *e;
	unsigned long flags;
	unsigned int bkt;

	spin_lock_irqsave(&al->lock, flags);
	hash_for_each(al->hash, bkt, e, hash)
		e->committed = true;
	al->seq = seq;
	al->next_block = (al->next_block + 1) % al->blocks;
	al->changed = false;
	al->evicted = 0;
	al->ndropped = 0;
	al->commits++;
	spin_unlock_irqrestore(&al->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_committed);

/*
 * Check one ring block.  Returns 0 with its transaction (@count extent
 * numbers into @extents, which holds @max_extents), or -EINVAL for a block
 * that holds none: empty, torn, damaged or too large.
 */
int syncmirror_al_decode(const void *block, u32 max_extents, u64 *seq,
			 u32 *count, u32 *extents)
{
	const struct syncmirror_al_header *h = block;
	const __le32 *numbers = block + sizeof(*h);
	u32 i, n;

	if (le32_to_cpu(h->magic) != SYNCMIRROR_AL_MAGIC ||
	    le32_to_cpu(h->csum) != al_checksum(block) || !le64_to_cpu(h->seq))
		return -EINVAL;
	n = le32_to_cpu(h->count);
	if (n > max_extents || n > SYNCMIRROR_AL_MAX_EXTENTS)
		return -EINVAL;
	for (i = 0; i < n; i++)
		extents[i] = le32_to_cpu(numbers[i]);
	*seq = le64_to_cpu(h->seq);
	*count = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_decode);

/* The newest transaction on disk was @seq in @ring_block (0, 0: none). */
void syncmirror_al_loaded(struct syncmirror_al *al, u64 seq, u32 ring_block)
{
	al->seq = seq;
	al->next_block = seq ? (ring_block + 1) % al->blocks : 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_loaded);

/*
 * Mark in @bm every extent with a write in flight (its peer half may be
 * lost, or acknowledged from a cache that was).  Returns how many.  Any
 * context.
 */
unsigned int syncmirror_al_mark_busy(struct syncmirror_al *al,
				     struct syncmirror_bitmap *bm)
{
	struct syncmirror_al_extent *e;
	unsigned int bkt, marked = 0;
	unsigned long flags;
	u64 need;

	spin_lock_irqsave(&al->lock, flags);
	hash_for_each(al->hash, bkt, e, hash) {
		if (!e->inflight)
			continue;
		syncmirror_bitmap_mark(bm, (sector_t)e->number << al->shift,
				       (((sector_t)e->number + 1) << al->shift) - 1,
				       &need);
		marked++;
	}
	spin_unlock_irqrestore(&al->lock, flags);
	return marked;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_al_mark_busy);
