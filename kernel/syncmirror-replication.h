/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A primary's writes: to the local data device and to the peer in
 * parallel, overlapping writes one after the other, completion once both
 * copies are done (or the peer is known to lack it, see
 * syncmirror_volume_complete_diverged()).
 */
#ifndef SYNCMIRROR_REPLICATION_H
#define SYNCMIRROR_REPLICATION_H

#include <linux/bio.h>
#include <linux/list.h>
#include <linux/rbtree.h>

#include "syncmirror-connection.h"

struct syncmirror;

/**
 * struct syncmirror_io - per-bio state of a write on a primary
 *	(ti->per_io_data_size)
 * @sm: the target
 * @bio: the bio
 * @rb: node in the target's interval tree of writes in flight
 * @first: first sector the write covers (data writes only)
 * @last: last sector it covers
 * @subtree_last: interval tree bookkeeping
 * @ranged: the write covers sectors (not an empty flush)
 * @deferred: entry in the target's list of deferred writes
 * @send: the peer's half
 * @pending: halves not yet done, plus one while the write is being started
 * @local_status: result of the local half
 * @peer_status: result of the peer's half, see struct syncmirror_send
 */
struct syncmirror_io {
	struct syncmirror *sm;
	struct bio *bio;
	struct rb_node rb;
	sector_t first;
	sector_t last;
	sector_t subtree_last;
	bool ranged;
	struct list_head deferred;
	struct syncmirror_send send;
	atomic_t pending;
	blk_status_t local_status;
	int peer_status;
};

void syncmirror_replication_init(struct syncmirror *sm);
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio);

#endif /* SYNCMIRROR_REPLICATION_H */
