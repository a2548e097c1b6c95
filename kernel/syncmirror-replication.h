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

#include "syncmirror-conflict.h"
#include "syncmirror-connection.h"

struct syncmirror;

/**
 * struct syncmirror_io - per-bio state of a write on a primary
 *	(ti->per_io_data_size)
 * @sm: the target
 * @bio: the bio
 * @range: the sectors it covers, for conflict detection (data writes)
 * @ranged: the write covers sectors (not an empty flush)
 * @send: the peer's half
 * @pending: halves not yet done, plus one while the write is being started
 * @local_status: result of the local half
 * @peer_status: result of the peer's half, see struct syncmirror_send
 */
struct syncmirror_io {
	struct syncmirror *sm;
	struct bio *bio;
	struct syncmirror_range range;
	bool ranged;
	struct syncmirror_send send;
	atomic_t pending;
	blk_status_t local_status;
	int peer_status;
};

void syncmirror_replication_init(struct syncmirror *sm);
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio);

#endif /* SYNCMIRROR_REPLICATION_H */
