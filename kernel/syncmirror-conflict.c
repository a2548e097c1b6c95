// SPDX-License-Identifier: GPL-2.0-only
/*
 * Conflict detection: a write whose sectors overlap a write in flight, or
 * a write already waiting, waits; the others go at once.  So overlapping
 * writes reach the local disk and the peer one after the other, in
 * arrival order, and both copies end the same after any sequence of
 * writes.  A write that waits behind a non-overlapping one only waits
 * until the next scan (a write finishing while others wait triggers one).
 *
 * The lock is per target and held only for the tree lookup or update.
 */

#include <linux/interval_tree_generic.h>
#include <kunit/visibility.h>

#include "syncmirror-conflict.h"

#define RANGE_FIRST(r) ((r)->first)
#define RANGE_LAST(r) ((r)->last)

INTERVAL_TREE_DEFINE(struct syncmirror_range, rb, sector_t, subtree_last,
		     RANGE_FIRST, RANGE_LAST, static __maybe_unused,
		     inflight_tree)

void syncmirror_conflicts_init(struct syncmirror_conflicts *c)
{
	spin_lock_init(&c->lock);
	c->inflight = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&c->deferred);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_conflicts_init);

static bool overlaps(const struct syncmirror_range *a,
		     const struct syncmirror_range *b)
{
	return a->first <= b->last && b->first <= a->last;
}

/* Must be called with c->lock held. */
static bool must_wait(struct syncmirror_conflicts *c,
		      struct syncmirror_range *range)
{
	struct syncmirror_range *earlier;

	lockdep_assert_held(&c->lock);
	if (inflight_tree_iter_first(&c->inflight, range->first, range->last))
		return true;
	/* Nor may it overtake an overlapping write that waits already. */
	list_for_each_entry(earlier, &c->deferred, deferred) {
		if (earlier == range)
			break;
		if (overlaps(earlier, range))
			return true;
	}
	return false;
}

/*
 * A new write: true when it may start now (it is in flight from here),
 * false when it waits (syncmirror_conflicts_collect() hands it out later).
 * While any write waits, new ones queue behind it.
 */
bool syncmirror_conflicts_admit(struct syncmirror_conflicts *c,
				struct syncmirror_range *range)
{
	unsigned long flags;
	bool admitted;

	spin_lock_irqsave(&c->lock, flags);
	admitted = list_empty(&c->deferred) && !must_wait(c, range);
	if (admitted)
		inflight_tree_insert(range, &c->inflight);
	else
		list_add_tail(&range->deferred, &c->deferred);
	spin_unlock_irqrestore(&c->lock, flags);
	return admitted;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_conflicts_admit);

/* A write in flight is done.  True when writes wait: collect them. */
bool syncmirror_conflicts_release(struct syncmirror_conflicts *c,
				  struct syncmirror_range *range)
{
	unsigned long flags;
	bool waiting;

	spin_lock_irqsave(&c->lock, flags);
	inflight_tree_remove(range, &c->inflight);
	waiting = !list_empty(&c->deferred);
	spin_unlock_irqrestore(&c->lock, flags);
	return waiting;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_conflicts_release);

/*
 * Move every waiting write that may start now to @ready, oldest first;
 * they are in flight from here.
 */
void syncmirror_conflicts_collect(struct syncmirror_conflicts *c,
				  struct list_head *ready)
{
	struct syncmirror_range *range, *next;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	list_for_each_entry_safe(range, next, &c->deferred, deferred) {
		if (must_wait(c, range))
			continue;
		inflight_tree_insert(range, &c->inflight);
		list_move_tail(&range->deferred, ready);
	}
	spin_unlock_irqrestore(&c->lock, flags);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_conflicts_collect);
