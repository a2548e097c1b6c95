// SPDX-License-Identifier: GPL-2.0-only
/*
 * Primary write path: every write (data, flush, discard, write-zeroes)
 * goes to the local data device and, when the link is up, to the peer, in
 * parallel.  The bio completes once both halves are done.  A write the
 * peer did not acknowledge completes only after the volume has recorded,
 * on disk, that the copies diverged (syncmirror-volume.c).
 *
 * Ordering: two overlapping writes are never in flight together.  A write
 * that overlaps one in flight (or one already waiting) waits, in arrival
 * order, until it no longer does; so both disks see overlapping writes in
 * the same order and the copies agree after any sequence of writes.  The
 * interval tree of writes in flight is per target, under a spinlock held
 * only for the lookup.
 *
 * The map function only queues: it starts the local clone and hands the
 * peer's half to the link's send thread.  Nothing here sleeps except the
 * mempool-backed clone allocation.
 */

#include <linux/device-mapper.h>
#include <linux/interval_tree_generic.h>

#include "syncmirror-connection.h"
#include "syncmirror-replication.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

#define IO_FIRST(io) ((io)->first)
#define IO_LAST(io) ((io)->last)

INTERVAL_TREE_DEFINE(struct syncmirror_io, rb, sector_t, subtree_last,
		     IO_FIRST, IO_LAST, static __maybe_unused, inflight_tree)

static bool overlaps(const struct syncmirror_io *a,
		     const struct syncmirror_io *b)
{
	return a->first <= b->last && b->first <= a->last;
}

/* Must be called with sm->inflight_lock held. */
static bool must_wait(struct syncmirror *sm, struct syncmirror_io *io)
{
	struct syncmirror_io *earlier;

	lockdep_assert_held(&sm->inflight_lock);
	if (inflight_tree_iter_first(&sm->inflight, io->first, io->last))
		return true;
	/* Nor may it overtake an overlapping write that waits already. */
	list_for_each_entry(earlier, &sm->deferred, deferred) {
		if (earlier == io)
			break;
		if (overlaps(earlier, io))
			return true;
	}
	return false;
}

static void finish_write(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;
	struct bio *bio = io->bio;
	unsigned long flags;
	bool kick = false;

	if (io->ranged) {
		spin_lock_irqsave(&sm->inflight_lock, flags);
		inflight_tree_remove(io, &sm->inflight);
		kick = !list_empty(&sm->deferred);
		spin_unlock_irqrestore(&sm->inflight_lock, flags);
		if (kick)
			queue_work(syncmirror_wq, &sm->deferred_work);
	}

	if (!io->peer_status) {
		if (io->local_status) {
			/*
			 * Only the peer has it: the copies differ, and the
			 * write is reported failed, never "done".
			 */
			DMERR_LIMIT("%s: local write at sector %llu failed: %d",
				    sm->vol->name,
				    (unsigned long long)io->first,
				    blk_status_to_errno(io->local_status));
			bio->bi_status = io->local_status;
			if (io->ranged) {
				syncmirror_volume_complete_diverged(sm->vol,
								    sm, bio);
				return;
			}
		} else {
			atomic64_inc(&sm->vol->replicated_writes);
		}
		bio_endio(bio);
		return;
	}

	if (io->peer_status > 0)
		DMERR_LIMIT("%s: the peer failed the write at sector %llu: %d",
			    sm->vol->name, (unsigned long long)io->first,
			    io->peer_status);
	if (io->local_status) {
		DMERR_LIMIT("%s: local write at sector %llu failed: %d",
			    sm->vol->name, (unsigned long long)io->first,
			    blk_status_to_errno(io->local_status));
		bio->bi_status = io->local_status;
		bio_endio(bio);
		return;
	}
	/* A flush without the peer leaves the peer lacking no data. */
	if (!io->ranged) {
		bio_endio(bio);
		return;
	}
	atomic64_inc(&sm->vol->local_only_writes);
	syncmirror_volume_complete_diverged(sm->vol, sm, bio);
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
	if (conn) {
		atomic_inc(&io->pending);
		if (!syncmirror_connection_submit(conn, &io->send))
			atomic_dec(&io->pending);
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
	struct syncmirror_io *io, *next;
	LIST_HEAD(ready);

	spin_lock_irq(&sm->inflight_lock);
	list_for_each_entry_safe(io, next, &sm->deferred, deferred) {
		if (must_wait(sm, io))
			continue;
		inflight_tree_insert(io, &sm->inflight);
		list_move_tail(&io->deferred, &ready);
	}
	spin_unlock_irq(&sm->inflight_lock);

	list_for_each_entry_safe(io, next, &ready, deferred) {
		list_del_init(&io->deferred);
		start_write(io);
	}
}

void syncmirror_replication_init(struct syncmirror *sm)
{
	spin_lock_init(&sm->inflight_lock);
	sm->inflight = RB_ROOT_CACHED;
	INIT_LIST_HEAD(&sm->deferred);
	INIT_WORK(&sm->deferred_work, start_deferred);
}

/* Map a write of a primary.  Returns DM_MAPIO_SUBMITTED. */
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio)
{
	struct syncmirror_io *io = dm_per_bio_data(bio, sizeof(*io));

	io->sm = sm;
	io->bio = bio;
	io->ranged = bio_sectors(bio) != 0;
	INIT_LIST_HEAD(&io->deferred);
	if (!io->ranged) {
		io->first = 0;
		io->last = 0;
		/* A flush orders nothing in flight: it covers what completed. */
		start_write(io);
		return DM_MAPIO_SUBMITTED;
	}

	io->first = dm_target_offset(sm->ti, bio->bi_iter.bi_sector);
	io->last = io->first + bio_sectors(bio) - 1;
	spin_lock_irq(&sm->inflight_lock);
	if (!list_empty(&sm->deferred) || must_wait(sm, io)) {
		list_add_tail(&io->deferred, &sm->deferred);
		spin_unlock_irq(&sm->inflight_lock);
		return DM_MAPIO_SUBMITTED;
	}
	inflight_tree_insert(io, &sm->inflight);
	spin_unlock_irq(&sm->inflight_lock);

	start_write(io);
	return DM_MAPIO_SUBMITTED;
}
