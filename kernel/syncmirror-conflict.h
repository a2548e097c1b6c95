/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Conflict detection for a node's writes (application, resync, verify): the ranges of the writes in
 * flight, so that two overlapping writes are never in flight together,
 * and the writes waiting, in arrival order, for an overlapping one.
 */
#ifndef SYNCMIRROR_CONFLICT_H
#define SYNCMIRROR_CONFLICT_H

#include <linux/list.h>
#include <linux/rbtree.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/**
 * struct syncmirror_range - the sectors of one write
 * @first: first sector
 * @last: last sector
 * @rb: node in the interval tree of writes in flight
 * @subtree_last: interval tree bookkeeping
 * @deferred: entry in the list of waiting writes
 * @start: starts the I/O once it waited (an application write, or a
 *	resync or verify request of syncmirror-resync.c)
 */
struct syncmirror_range {
	sector_t first;
	sector_t last;
	struct rb_node rb;
	sector_t subtree_last;
	struct list_head deferred;
	void (*start)(struct syncmirror_range *range);
};

/**
 * struct syncmirror_conflicts - writes in flight and waiting, per target
 * @lock: protects @inflight and @deferred; taken from bio completion, so
 *	with interrupts off
 * @inflight: interval tree of the ranges in flight
 * @deferred: ranges waiting, oldest first
 */
struct syncmirror_conflicts {
	spinlock_t lock;	/* @inflight, @deferred */
	struct rb_root_cached inflight;
	struct list_head deferred;
};

void syncmirror_conflicts_init(struct syncmirror_conflicts *c);
bool syncmirror_conflicts_admit(struct syncmirror_conflicts *c,
				struct syncmirror_range *range);
bool syncmirror_conflicts_release(struct syncmirror_conflicts *c,
				  struct syncmirror_range *range);
void syncmirror_conflicts_collect(struct syncmirror_conflicts *c,
				  struct list_head *ready);

#endif /* SYNCMIRROR_CONFLICT_H */
