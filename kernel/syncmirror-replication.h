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
 * @data_flush_epoch: a flush: the data epoch of the writes it covers on
 *	the local data device (see syncmirror-activity-log.c)
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
	u64 data_flush_epoch;
};

/**
 * enum syncmirror_local_result - how the local half of a write ended
 * @SYNCMIRROR_LOCAL_NONE: there was none: the disk was detached before
 * @SYNCMIRROR_LOCAL_OK: done
 * @SYNCMIRROR_LOCAL_DETACHED: failed, and the disk is detached for it
 * @SYNCMIRROR_LOCAL_FAILED: failed, and the error is reported: the table
 *	says io_error_pass, or the disk cannot do the operation
 */
enum syncmirror_local_result {
	SYNCMIRROR_LOCAL_NONE,
	SYNCMIRROR_LOCAL_OK,
	SYNCMIRROR_LOCAL_DETACHED,
	SYNCMIRROR_LOCAL_FAILED,
};

/**
 * enum syncmirror_completion - how a write completes, once both halves
 *	ended (syncmirror_write_completion())
 * @SYNCMIRROR_COMPLETE: now, with the status it has (success, or the
 *	local error of a SYNCMIRROR_LOCAL_FAILED half)
 * @SYNCMIRROR_COMPLETE_EIO: now, with EIO: it is on no good disk (a
 *	flush: some acknowledged write is on none)
 * @SYNCMIRROR_WAIT_BITMAP: once the bitmap on disk records what the peer
 *	lacks (its bits are set already)
 * @SYNCMIRROR_MARK_PEER_LACKS: the peer has it, the local disk may not:
 *	set its bits, then as SYNCMIRROR_WAIT_BITMAP
 * @SYNCMIRROR_WAIT_UNFLUSHED: a flush the peer did not complete: once what
 *	the peer acknowledged since its last flush is marked, on disk
 */
enum syncmirror_completion {
	SYNCMIRROR_COMPLETE,
	SYNCMIRROR_COMPLETE_EIO,
	SYNCMIRROR_WAIT_BITMAP,
	SYNCMIRROR_MARK_PEER_LACKS,
	SYNCMIRROR_WAIT_UNFLUSHED,
};

enum syncmirror_completion
syncmirror_write_completion(bool flush, enum syncmirror_local_result local,
			    bool peer_ok, bool lost);

void syncmirror_replication_init(struct syncmirror *sm);
void syncmirror_replication_init_volume(struct syncmirror_volume *vol);
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio);
void syncmirror_replication_bitmap_done(struct list_head *wait, int error);
int syncmirror_replication_peer_stable(struct syncmirror_volume *vol);

#endif /* SYNCMIRROR_REPLICATION_H */
