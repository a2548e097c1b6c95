// SPDX-License-Identifier: GPL-2.0-only
/*
 * Primary write path.  A write (data, flush, discard, write-zeroes):
 *
 *  1. waits for overlapping writes in flight (syncmirror-conflict.c), so
 *     both disks see overlapping writes in the same order;
 *  2. enters the activity log: at once if its extents are in the set on
 *     disk, else through the AL worker, which commits a transaction first;
 *  3. goes to the local data device and, when the link is up, to the peer,
 *     in parallel;
 *  4. completes once both halves are done.  A write the peer lacks (no
 *     link, link lost, peer error) completes only after its bitmap bits
 *     are on disk (syncmirror-volume.c); a flush the peer did not complete
 *     first marks what the peer acknowledged since its last flush.
 *
 * A local write error detaches the local disk (unless the table says
 * io_error_pass): the write is done if the peer has it, and from then on
 * writes go to the peer only, without activity log or bitmap.  Nothing is
 * reported written that is on no good disk: regions out of sync had their
 * only current copy on the detached disk, so writes into them fail, and so
 * does every flush (it would vouch for what was lost).
 *
 * The map function only queues; nothing here sleeps except the
 * mempool-backed clone allocation.  The AL worker and the bitmap flush
 * run on syncmirror_wq.
 */

#include <linux/device-mapper.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "syncmirror-conflict.h"
#include "syncmirror-connection.h"
#include "syncmirror-replication.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

/* The write's last step: leave the activity log, complete the bio. */
static void complete_write(struct syncmirror_io *io)
{
	struct syncmirror_volume *vol = io->sm->vol;
	unsigned long flags;
	bool kick;

	if (io->al_held &&
	    syncmirror_al_end(&vol->al, io->range.first, io->range.last)) {
		spin_lock_irqsave(&vol->wait_lock, flags);
		kick = !list_empty(&vol->al_waiters);
		spin_unlock_irqrestore(&vol->wait_lock, flags);
		if (kick)
			queue_work(syncmirror_wq, &vol->al_work);
	}
	bio_endio(io->bio);
}

/* The bitmap marks this write waited for are on disk (or failed). */
void syncmirror_replication_bitmap_done(struct list_head *wait, int error)
{
	struct syncmirror_io *io = container_of(wait, struct syncmirror_io,
						wait);

	if (error)
		io->bio->bi_status = BLK_STS_IOERR;
	complete_write(io);
}

/*
 * The peer acknowledged the write (receive thread): its extents hold a
 * write of this epoch, until a flush sent after now completes.  Only ever
 * raised, whatever order two writes' ACKs race in.
 */
static void record_epoch(struct syncmirror_io *io)
{
	struct syncmirror_volume *vol = io->sm->vol;
	unsigned int shift = vol->md_info.al_extent_shift;
	u64 epoch = atomic64_read(&vol->epoch);
	u64 e, old;

	for (e = io->range.first >> shift; e <= io->range.last >> shift; e++) {
		old = READ_ONCE(vol->ext_epoch[e]);
		while (old < epoch) {
			u64 seen = cmpxchg64(&vol->ext_epoch[e], old, epoch);

			if (seen == old)
				break;
			old = seen;
		}
	}
}

/* The peer completed a flush sent in @epoch: what it acknowledged is stable. */
static void peer_flushed(struct syncmirror_volume *vol, u64 epoch)
{
	unsigned long flags;

	spin_lock_irqsave(&vol->wait_lock, flags);
	if (epoch > vol->flushed_epoch)
		vol->flushed_epoch = epoch;
	spin_unlock_irqrestore(&vol->wait_lock, flags);
}

static void flush_acknowledged(struct syncmirror_io *io)
{
	peer_flushed(io->sm->vol, io->flush_epoch);
}

/*
 * How a primary's write (or flush, discard, write-zeroes) completes, from
 * how its halves ended: @flush for an empty flush, @local for the local
 * half, @peer_ok when the peer acknowledged it with success, @lost when
 * the local disk is detached by now and held the only copy of
 * acknowledged data in the write's regions (anywhere, for a flush).
 *
 *  - no good local copy (none, or the disk detached for this failure):
 *    done if the peer has it, else EIO: on no good disk;
 *  - @lost: EIO.  The peer's copy of those regions is stale: a write into
 *    them is on no good disk as a whole (and cannot be read back), and a
 *    flush would vouch for writes that were lost with the disk;
 *  - both halves done: done;
 *  - the peer lacks it (no link, link lost, peer error): a write once its
 *    bits are on disk, a flush once what the peer acknowledged since its
 *    last flush is marked there too;
 *  - the local half failed with its error reported (io_error_pass, an
 *    operation the disk cannot do): that error, after the peer's copy is
 *    marked as differing when the peer has it.
 *
 * Pure: the caller does what the answer says (and logs, and counts).
 */
enum syncmirror_completion
syncmirror_write_completion(bool flush, enum syncmirror_local_result local,
			    bool peer_ok, bool lost)
{
	switch (local) {
	case SYNCMIRROR_LOCAL_NONE:
	case SYNCMIRROR_LOCAL_DETACHED:
		return peer_ok && !lost ? SYNCMIRROR_COMPLETE :
					  SYNCMIRROR_COMPLETE_EIO;
	case SYNCMIRROR_LOCAL_OK:
		/* (Not @peer_ok: the bitmap waits fail it, diskless.) */
		if (peer_ok)
			return lost ? SYNCMIRROR_COMPLETE_EIO :
				      SYNCMIRROR_COMPLETE;
		break;
	case SYNCMIRROR_LOCAL_FAILED:
		/* A failed local flush leaves the copies as they were. */
		if (peer_ok)
			return flush ? SYNCMIRROR_COMPLETE :
				       SYNCMIRROR_MARK_PEER_LACKS;
		break;
	}
	/*
	 * The peer's cache may have lost what it acknowledged: a flush
	 * marks it (in process context) before it completes.
	 */
	return flush ? SYNCMIRROR_WAIT_UNFLUSHED : SYNCMIRROR_WAIT_BITMAP;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_write_completion);

/*
 * How the local half ended.  A failed write detaches the disk, unless the
 * table says io_error_pass; a disk that cannot do an operation (discard,
 * write-zeroes) is not failing: that error is reported, not a reason to
 * detach.
 */
static enum syncmirror_local_result local_result(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;

	if (io->no_local)
		return SYNCMIRROR_LOCAL_NONE;
	if (!io->local_status)
		return SYNCMIRROR_LOCAL_OK;
	if (sm->io_error_pass || io->local_status == BLK_STS_NOTSUPP ||
	    bio_op(io->bio) == REQ_OP_DISCARD)
		return SYNCMIRROR_LOCAL_FAILED;
	syncmirror_volume_detach(sm->vol,
				 blk_status_to_errno(io->local_status));
	io->no_local = true;
	io->local_status = BLK_STS_OK;
	return SYNCMIRROR_LOCAL_DETACHED;
}

static void finish_write(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;
	struct syncmirror_volume *vol = sm->vol;
	enum syncmirror_completion completion;
	enum syncmirror_local_result local;
	struct bio *bio = io->bio;
	bool peer_ok = !io->peer_status;
	bool lost;

	if (io->ranged &&
	    syncmirror_conflicts_release(&sm->conflicts, &io->range))
		queue_work(syncmirror_wq, &sm->deferred_work);

	local = local_result(io);
	/* Only a detached disk loses data; the bitmap is read only then. */
	lost = peer_ok && local != SYNCMIRROR_LOCAL_FAILED &&
	       syncmirror_volume_lost(vol, !io->ranged, io->range.first,
				      io->range.last);
	completion = syncmirror_write_completion(!io->ranged, local, peer_ok,
						 lost);
	if (lost && !io->ranged)
		DMERR_LIMIT("%s: flush failed: acknowledged writes were on the detached disk only",
			    vol->name);
	else if (lost)
		DMERR_LIMIT("%s: write at sector %llu failed: its regions have no good copy",
			    vol->name, (unsigned long long)io->range.first);

	if (io->no_local) {
		/* The peer's copy is the only one. */
		if (!peer_ok)
			DMERR_LIMIT("%s: write at %llu failed: no local disk, peer error %d",
				    vol->name,
				    (unsigned long long)io->range.first,
				    io->peer_status);
		else if (!lost)
			atomic64_inc(&vol->replicated_writes);
	} else {
		if (local == SYNCMIRROR_LOCAL_FAILED) {
			DMERR_LIMIT("%s: local write at sector %llu failed: %d",
				    vol->name,
				    (unsigned long long)io->range.first,
				    blk_status_to_errno(io->local_status));
			/* Reported failed, even if the peer has it. */
			bio->bi_status = io->local_status;
		}
		if (io->peer_status > 0)
			DMERR_LIMIT("%s: the peer failed the write at sector %llu: %d",
				    vol->name,
				    (unsigned long long)io->range.first,
				    io->peer_status);
		if (peer_ok && !io->ranged)
			flush_acknowledged(io);
		if (local == SYNCMIRROR_LOCAL_OK && !lost)
			atomic64_inc(peer_ok ? &vol->replicated_writes :
				     &vol->local_only_writes);
	}

	switch (completion) {
	case SYNCMIRROR_COMPLETE_EIO:
		bio->bi_status = BLK_STS_IOERR;
		fallthrough;
	case SYNCMIRROR_COMPLETE:
		complete_write(io);
		return;
	case SYNCMIRROR_MARK_PEER_LACKS:
		/* The peer has what the local disk may lack. */
		io->need_seq = syncmirror_volume_peer_lacks(vol,
							    io->range.first,
							    io->range.last);
		fallthrough;
	case SYNCMIRROR_WAIT_BITMAP:
		/* Complete once the bitmap says what the peer lacks. */
		syncmirror_volume_wait_bitmap(vol, &io->wait, io->need_seq);
		return;
	case SYNCMIRROR_WAIT_UNFLUSHED:
		if (io->peer_status > 0)
			syncmirror_volume_refuse(vol);
		syncmirror_volume_wait_unflushed(vol, &io->wait);
		return;
	}
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
	/* What ended on the data device before it is stable now. */
	if (!io->ranged && !clone->bi_status)
		syncmirror_al_data_flushed(&io->sm->vol->al,
					   io->data_flush_epoch);
	bio_put(clone);
	put_io(io);
}

static void peer_write_done(struct syncmirror_send *send, int status)
{
	struct syncmirror_io *io = container_of(send, struct syncmirror_io,
						send);

	io->peer_status = status;
	if (!status && io->ranged && !io->no_local)
		record_epoch(io);
	/* In memory at once: no hello from now on misses it. */
	if (status && io->ranged && !io->no_local)
		io->need_seq = syncmirror_volume_peer_lacks(io->sm->vol,
							    io->range.first,
							    io->range.last);
	put_io(io);
}

static void fill_send(struct syncmirror_io *io)
{
	struct bio *bio = io->bio;
	struct syncmirror_send *send = &io->send;

	INIT_LIST_HEAD(&send->entry);
	send->flags = 0;
	send->data = NULL;
	send->buf = NULL;
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

/* Issue both halves; @io is in the interval tree and the AL (if ranged). */
static void start_write(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;
	struct syncmirror_volume *vol = sm->vol;
	struct syncmirror_connection *conn;
	struct bio *clone;

	/* The local half, and a hold while starting. */
	io->no_local = READ_ONCE(vol->diskless);
	atomic_set(&io->pending, io->no_local ? 1 : 2);
	io->local_status = BLK_STS_OK;
	io->peer_status = -ENOTCONN;
	io->need_seq = 0;
	fill_send(io);
	/* A flush covers, on the peer, what was acknowledged before it. */
	if (!io->ranged)
		io->flush_epoch = atomic64_inc_return(&vol->epoch) - 1;

	rcu_read_lock();
	conn = rcu_dereference(vol->conn);
	atomic_inc(&io->pending);
	if (!conn || !syncmirror_connection_submit(conn, &io->send)) {
		atomic_dec(&io->pending);
		/* Known before the write goes anywhere: in memory now. */
		if (io->ranged && !io->no_local)
			io->need_seq = syncmirror_volume_peer_lacks(vol, io->range.first,
								    io->range.last);
	}
	rcu_read_unlock();

	if (io->no_local) {
		put_io(io);
		return;
	}
	if (!io->ranged)
		io->data_flush_epoch = syncmirror_al_data_flush_start(&vol->al);
	clone = bio_alloc_clone(sm->data_dev->bdev, io->bio, GFP_NOIO,
				&sm->clones);
	clone->bi_iter.bi_sector = io->send.sector;
	clone->bi_end_io = local_write_done;
	clone->bi_private = io;
	submit_bio_noacct(clone);

	put_io(io);
}

/* No overlapping write is in flight: enter the activity log. */
static void enter_activity_log(struct syncmirror_io *io)
{
	struct syncmirror_volume *vol = io->sm->vol;
	unsigned long flags;

	/* Without a local disk there is nothing to recover after a crash. */
	if (READ_ONCE(vol->diskless)) {
		start_write(io);
		return;
	}
	if (syncmirror_al_begin_fast(&vol->al, io->range.first,
				     io->range.last)) {
		io->al_held = true;
		start_write(io);
		return;
	}
	spin_lock_irqsave(&vol->wait_lock, flags);
	list_add_tail(&io->wait, &vol->al_waiters);
	spin_unlock_irqrestore(&vol->wait_lock, flags);
	queue_work(syncmirror_wq, &vol->al_work);
}

static void range_admitted(struct syncmirror_range *range)
{
	enter_activity_log(container_of(range, struct syncmirror_io, range));
}

/* A write that could not enter the activity log fails whole. */
static void fail_write(struct syncmirror_io *io)
{
	struct syncmirror *sm = io->sm;

	if (syncmirror_conflicts_release(&sm->conflicts, &io->range))
		queue_work(syncmirror_wq, &sm->deferred_work);
	io->bio->bi_status = BLK_STS_IOERR;
	complete_write(io);
}

/* How long a demotion or a suspend waits for the peer's flush. */
#define PEER_STABLE_WAIT	HZ

/*
 * An empty flush sent to the peer and waited for.  The waiter may stop
 * waiting before it ends (a bounded wait): whichever of the two lets go
 * last frees it.
 */
struct peer_flush {
	struct syncmirror_send send;
	struct completion done;
	refcount_t ref;
	int status;
};

static void peer_flush_put(struct peer_flush *pf)
{
	if (refcount_dec_and_test(&pf->ref))
		kfree(pf);
}

static void peer_flush_done(struct syncmirror_send *send, int status)
{
	struct peer_flush *pf = container_of(send, struct peer_flush, send);

	pf->status = status;
	complete(&pf->done);
	peer_flush_put(pf);
}

/*
 * Flush the peer's disk cache and wait at most @timeout (jiffies, or
 * MAX_SCHEDULE_TIMEOUT).  True if it completed, which makes what the peer
 * acknowledged before now stable.
 */
static bool flush_peer(struct syncmirror_volume *vol, long timeout)
{
	struct syncmirror_connection *conn;
	struct peer_flush *pf;
	bool sent, ok = false;
	u64 epoch;

	pf = kzalloc(sizeof(*pf), GFP_KERNEL);
	if (!pf)
		return false;
	INIT_LIST_HEAD(&pf->send.entry);
	pf->send.type = SYNCMIRROR_WIRE_FLUSH;
	pf->send.done = peer_flush_done;
	init_completion(&pf->done);
	/* One for the waiter, one for the request. */
	refcount_set(&pf->ref, 2);
	/* It covers what the peer acknowledged before now. */
	epoch = atomic64_inc_return(&vol->epoch) - 1;
	rcu_read_lock();
	conn = rcu_dereference(vol->conn);
	sent = conn && syncmirror_connection_submit(conn, &pf->send);
	rcu_read_unlock();
	if (!sent) {
		/* The request was never queued: its reference is ours. */
		kfree(pf);
		return false;
	}
	/*
	 * Every request sent ends: answered, at its deadline, or when the
	 * link ends.
	 */
	if (wait_for_completion_io_timeout(&pf->done, timeout)) {
		if (!pf->status) {
			peer_flushed(vol, epoch);
			ok = true;
		} else if (pf->status > 0) {
			/* The peer failed it: its copy differs; end the link. */
			syncmirror_volume_refuse(vol);
		}
	}
	peer_flush_put(pf);
	return ok;
}

/*
 * Make the peer's copy of the extents @numbers (@n of them; every extent
 * when @n < 0) stable: the peer's disk cache may still hold writes it
 * acknowledged in them, which a power cut of both nodes would lose with
 * nothing on either node saying where the copies differ.  A flush on the
 * peer sees to that; when none completes within @timeout (no link, link
 * lost, a slow peer), the extents written since the peer's last flush are
 * marked out of sync, on disk, instead.  Process context, with the
 * volume's table live.
 */
static int peer_stable(struct syncmirror_volume *vol, const u32 *numbers,
		       int n, long timeout)
{
	if (syncmirror_volume_peer_unflushed(vol, numbers, n) &&
	    !flush_peer(vol, timeout))
		syncmirror_volume_mark_unflushed(vol);
	/*
	 * Marks made by others (a link that ended, a failed flush) may still
	 * be in memory only: on disk before what relies on them.
	 */
	if (syncmirror_bitmap_on_disk(&vol->bitmap,
				      syncmirror_bitmap_mark_seq(&vol->bitmap)))
		return 0;
	return syncmirror_volume_flush_bitmap(vol);
}

/*
 * The next transaction drops extents from the activity log: the peer's
 * copy of them must be stable first.  AL worker.
 */
static int peer_stable_before_drop(struct syncmirror_volume *vol)
{
	const u32 *dropped;
	int n;

	n = syncmirror_al_dropped(&vol->al, &dropped);
	if (!n)
		return 0;
	/* Its deadline bounds the wait. */
	return peer_stable(vol, dropped, n, MAX_SCHEDULE_TIMEOUT);
}

/**
 * syncmirror_replication_peer_stable - the peer's whole copy made stable
 * @vol: a primary's volume, its table live
 *
 * For a primary about to stop being one (demoted, suspended, removed):
 * its superblock then no longer says "primary", so the next load replays
 * no activity log, and a write the peer acknowledged but holds only in its
 * disk cache would be lost with nothing marking it.  Sends the peer a
 * flush and waits for it at most PEER_STABLE_WAIT: the callers (a control
 * command, a suspend) must not wait on a slow peer for long; past that
 * the extents the peer may lack are marked instead (see peer_stable()).
 * Process context.
 *
 * Return: 0, or the error of writing the bitmap.
 */
int syncmirror_replication_peer_stable(struct syncmirror_volume *vol)
{
	/* Without a local copy there is no second copy to differ from. */
	if (READ_ONCE(vol->diskless))
		return 0;
	return peer_stable(vol, NULL, -1, PEER_STABLE_WAIT);
}

/*
 * The AL worker: give the waiting writes their extents, in arrival order
 * (a write that finds no room holds up the ones behind it), commit the
 * new set, then start them.
 */
static void al_worker(struct work_struct *work)
{
	struct syncmirror_volume *vol = container_of(work,
						     struct syncmirror_volume,
						     al_work);
	struct syncmirror_io *io, *next;
	unsigned int noio;
	LIST_HEAD(ready);
	bool separate, detached;
	u32 ring_block;
	int r = 0;
	u64 seq;

	spin_lock_irq(&vol->wait_lock);
	list_for_each_entry_safe(io, next, &vol->al_waiters, wait) {
		if (syncmirror_al_begin(&vol->al, io->range.first,
					io->range.last))
			break;
		io->al_held = true;
		list_move_tail(&io->wait, &ready);
	}
	spin_unlock_irq(&vol->wait_lock);
	if (list_empty(&ready))
		return;

	if (syncmirror_al_needs_commit(&vol->al) && !READ_ONCE(vol->diskless)) {
		/* The waiting writes keep their table live. */
		struct syncmirror *sm = list_first_entry(&ready,
							 struct syncmirror_io,
							 wait)->sm;

		noio = memalloc_noio_save();
		/*
		 * Before it, what completed (and may leave the set) is
		 * stable: its REQ_PREFLUSH sees to that on the metadata
		 * device, a flush of its own on a separate data device, and
		 * one on the peer for the peer's copy.
		 */
		r = peer_stable_before_drop(vol);
		/* A disk detached meanwhile takes no more writes. */
		detached = READ_ONCE(vol->diskless);
		separate = syncmirror_separate_meta(sm);
		if (!r && !detached &&
		    syncmirror_al_needs_data_flush(&vol->al, separate))
			r = syncmirror_volume_flush_data(vol, sm);
		if (!r && !detached) {
			seq = syncmirror_al_encode(&vol->al,
						   page_address(vol->al_page),
						   &ring_block);
			r = syncmirror_md_write_block(syncmirror_md_bdev(sm),
						      vol->md_info.al_offset +
						      (u64)ring_block *
						      SYNCMIRROR_MD_BLOCK_SIZE,
						      vol->al_page,
						      REQ_PREFLUSH | REQ_FUA);
		}
		memalloc_noio_restore(noio);
		if (r) {
			DMERR_LIMIT("%s: cannot write the activity log: %d",
				    vol->name, r);
			/* The metadata's disk failed: as a failed write. */
			if (!sm->io_error_pass) {
				syncmirror_volume_detach(vol, r);
				r = 0;
			}
		} else if (!detached) {
			syncmirror_al_committed(&vol->al, seq);
		}
	}

	list_for_each_entry_safe(io, next, &ready, wait) {
		list_del_init(&io->wait);
		if (r)
			fail_write(io);
		else
			start_write(io);
	}
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
		range->start(range);
	}
}

void syncmirror_replication_init(struct syncmirror *sm)
{
	syncmirror_conflicts_init(&sm->conflicts);
	INIT_WORK(&sm->deferred_work, start_deferred);
}

void syncmirror_replication_init_volume(struct syncmirror_volume *vol)
{
	INIT_WORK(&vol->al_work, al_worker);
}

/* Map a write of a primary.  Returns DM_MAPIO_SUBMITTED. */
int syncmirror_replicate(struct syncmirror *sm, struct bio *bio)
{
	struct syncmirror_io *io = dm_per_bio_data(bio, sizeof(*io));

	io->sm = sm;
	io->bio = bio;
	io->ranged = bio_sectors(bio) != 0;
	io->al_held = false;
	INIT_LIST_HEAD(&io->wait);
	INIT_LIST_HEAD(&io->range.deferred);
	io->range.start = range_admitted;
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
		enter_activity_log(io);
	return DM_MAPIO_SUBMITTED;
}
