// SPDX-License-Identifier: GPL-2.0-only
/*
 * Primary write path: every write (data, flush, discard, write-zeroes)
 * goes to the local data device and, when the link is up, to the peer, in
 * parallel.  The bio completes once both halves are done.  A write the
 * peer did not acknowledge completes only after the volume has recorded,
 * on disk, that the copies diverged (syncmirror-volume.c).
 *
 * Ordering: two overlapping writes are never in flight together
 * (syncmirror-conflict.c), so both disks see overlapping writes in the
 * same order and the copies agree after any sequence of writes.
 *
 * The map function only queues: it starts the local clone and hands the
 * peer's half to the link's send thread.  Nothing here sleeps except the
 * mempool-backed clone allocation.
 */

#include <linux/device-mapper.h>

#include "syncmirror-conflict.h"
#include "syncmirror-connection.h"
#include "syncmirror-replication.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

static void finish_write(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;
	struct bio *bio = io->bio;

	if (io->ranged &&
	    syncmirror_conflicts_release(&sm->conflicts, &io->range))
		queue_work(syncmirror_wq, &sm->deferred_work);

	if (io->local_status) {
		DMERR_LIMIT("%s: local write at sector %llu failed: %d",
			    sm->vol->name, (unsigned long long)io->range.first,
			    blk_status_to_errno(io->local_status));
		/* Reported failed, never "done", even if the peer has it. */
		bio->bi_status = io->local_status;
	}
	if (!io->peer_status) {
		if (!io->local_status) {
			atomic64_inc(&sm->vol->replicated_writes);
			bio_endio(bio);
			return;
		}
		/* A failed local flush leaves the copies as they were. */
		if (!io->ranged) {
			bio_endio(bio);
			return;
		}
	} else {
		if (io->peer_status > 0)
			DMERR_LIMIT("%s: the peer failed the write at sector %llu: %d",
				    sm->vol->name,
				    (unsigned long long)io->range.first,
				    io->peer_status);
		if (!io->local_status)
			atomic64_inc(&sm->vol->local_only_writes);
	}
	/*
	 * The copies may differ: one has a write the other lacks, or a
	 * flush did not reach the peer (which may then lose writes it
	 * acknowledged from a volatile cache).  Complete once that is on
	 * record.
	 */
	syncmirror_volume_complete_diverged(sm->vol, bio);
}

static void put_io(struct syncmirror_io *io)
{
	if (atomic_dec_and_test(&io->pending))
		finish_write(io);
}

static void local_write_done(struct bio *clone)
{
	struct syncmirror_io *io = clone->bi_private;

	io->local_status = clone->bi_status;
	bio_put(clone);
	put_io(io);
}

static void peer_write_done(struct syncmirror_send *send, int status)
{
	struct syncmirror_io *io = container_of(send, struct syncmirror_io,
						send);

	io->peer_status = status;
	if (status)
		syncmirror_volume_mark_diverged(io->sm->vol);
	put_io(io);
}

static void fill_send(struct syncmirror_io *io)
{
	struct bio *bio = io->bio;
	struct syncmirror_send *send = &io->send;

	INIT_LIST_HEAD(&send->entry);
	send->flags = 0;
	send->data = NULL;
	send->sector = dm_target_offset(io->sm->ti, bio->bi_iter.bi_sector);
	send->size = bio->bi_iter.bi_size;
	send->done = peer_write_done;

	switch (bio_op(bio)) {
	case REQ_OP_DISCARD:
		send->type = SYNCMIRROR_WIRE_DISCARD;
		break;
	case REQ_OP_WRITE_ZEROES:
		send->type = SYNCMIRROR_WIRE_WRITE_ZEROES;
		break;
	default:
		if (!io->ranged) {
			send->type = SYNCMIRROR_WIRE_FLUSH;
			send->sector = 0;
			send->size = 0;
			break;
		}
		send->type = SYNCMIRROR_WIRE_WRITE;
		send->data = bio;
		if (bio->bi_opf & REQ_FUA)
			send->flags |= SYNCMIRROR_WIRE_F_FUA;
		if (bio->bi_opf & REQ_PREFLUSH)
			send->flags |= SYNCMIRROR_WIRE_F_PREFLUSH;
		break;
	}
}

/* Issue both halves; @io is in the interval tree already (if ranged). */
static void start_write(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;
	struct syncmirror_connection *conn;
	struct bio *clone;

	/* The local half, and a hold while starting. */
	atomic_set(&io->pending, 2);
	io->local_status = BLK_STS_OK;
	io->peer_status = -ENOTCONN;
	fill_send(io);

	rcu_read_lock();
	conn = rcu_dereference(sm->vol->conn);
	atomic_inc(&io->pending);
	if (!conn || !syncmirror_connection_submit(conn, &io->send)) {
		atomic_dec(&io->pending);
		/*
		 * Known before the write goes anywhere: so no link that
		 * says hello from now on calls the copies consistent.
		 */
		syncmirror_volume_mark_diverged(sm->vol);
	}
	rcu_read_unlock();

	clone = bio_alloc_clone(sm->data_dev->bdev, io->bio, GFP_NOIO,
				&sm->clones);
	clone->bi_iter.bi_sector = io->send.sector;
	clone->bi_end_io = local_write_done;
	clone->bi_private = io;
	submit_bio_noacct(clone);

	put_io(io);
}

static void start_deferred(struct work_struct *work)
{
	struct syncmirror *sm = container_of(work, struct syncmirror,
					     deferred_work);
	struct syncmirror_range *range, *next;
	LIST_HEAD(ready);

	syncmirror_conflicts_collect(&sm->conflicts, &ready);
	list_for_each_entry_safe(range, next, &ready, deferred) {
		list_del_init(&range->deferred);
		start_write(container_of(range, struct syncmirror_io, range));
	}
}

void syncmirror_replication_init(struct syncmirror *sm)
{
	syncmirror_conflicts_init(&sm->conflicts);
	INIT_WORK(&sm->deferred_work, start_deferred);
}

/* Map a write of a primary.  Returns DM_MAPIO_SUBMITTED. */
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio)
{
	struct syncmirror_io *io = dm_per_bio_data(bio, sizeof(*io));

	io->sm = sm;
	io->bio = bio;
	io->ranged = bio_sectors(bio) != 0;
	INIT_LIST_HEAD(&io->range.deferred);
	if (!io->ranged) {
		io->range.first = 0;
		io->range.last = 0;
		/* A flush orders nothing in flight: it covers what completed. */
		start_write(io);
		return DM_MAPIO_SUBMITTED;
	}

	io->range.first = dm_target_offset(sm->ti, bio->bi_iter.bi_sector);
	io->range.last = io->range.first + bio_sectors(bio) - 1;
	if (syncmirror_conflicts_admit(&sm->conflicts, &io->range))
		start_write(io);
	return DM_MAPIO_SUBMITTED;
}
