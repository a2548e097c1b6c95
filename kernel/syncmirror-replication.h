/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A primary's writes: into the activity log, to the local data device and
 * to the peer in parallel, overlapping writes one after the other,
 * completion once both copies are done (or the peer's bitmap records what
 * it lacks).
 */
#ifndef SYNCMIRROR_REPLICATION_H
#define SYNCMIRROR_REPLICATION_H

#include <linux/bio.h>
#include <linux/list.h>

#include "syncmirror-conflict.h"
#include "syncmirror-connection.h"

struct syncmirror;
struct syncmirror_volume;

/**
 * struct syncmirror_io - per-bio state of a write on a primary
 *	(ti->per_io_data_size)
 * @sm: the target
 * @bio: the bio
 * @range: the sectors it covers, for conflict detection (data writes)
 * @ranged: the write covers sectors (not an empty flush)
 * @al_held: counted in the activity log (syncmirror_al_end() owed)
 * @no_local: no local half (the disk is detached): the peer's is the copy
 * @wait: in the volume's AL or bitmap waiters
 * @send: the peer's half
 * @pending: halves not yet done, plus one while the write is being started
 * @local_status: result of the local half
 * @peer_status: result of the peer's half, see struct syncmirror_send
 *	(reads from the peer use @send too)
 * @need_seq: bitmap mark that must be on disk before completion
 * @flush_epoch: a flush: the epoch of the writes it covers on the peer
 */
struct syncmirror_io {
	struct syncmirror *sm;
	struct bio *bio;
	struct syncmirror_range range;
	bool ranged;
	bool al_held;
	bool no_local;
	struct list_head wait;
	struct syncmirror_send send;
	atomic_t pending;
	blk_status_t local_status;
	int peer_status;
	u64 need_seq;
	u64 flush_epoch;
};

void syncmirror_replication_init(struct syncmirror *sm);
void syncmirror_replication_init_volume(struct syncmirror_volume *vol);
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio);
void syncmirror_replication_bitmap_done(struct list_head *wait, int error);

#endif /* SYNCMIRROR_REPLICATION_H */
