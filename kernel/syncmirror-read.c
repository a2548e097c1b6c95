// SPDX-License-Identifier: GPL-2.0-only
/*
 * A primary's reads: from the local data device, through a clone so that
 * a read the local disk fails can be retried from the peer (a READ
 * request, answered with the data in its ACK).  A primary whose disk was
 * detached reads everything from the peer.
 *
 * Reads take no part in write ordering: a read racing a write to the same
 * sectors may see either, on either copy, as on any disk.
 */

#include <linux/device-mapper.h>

#include "syncmirror-connection.h"
#include "syncmirror-read.h"
#include "syncmirror-replication.h"
#include "syncmirror-resync.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

static void peer_read_done(struct syncmirror_send *send, int status)
{
	struct syncmirror_io *io = container_of(send, struct syncmirror_io,
						send);

	if (status) {
		DMERR_LIMIT("%s: reading sector %llu from the peer failed: %d",
			    io->sm->vol->name,
			    (unsigned long long)io->send.sector, status);
		io->bio->bi_status = BLK_STS_IOERR;
	}
	bio_endio(io->bio);
}

/*
 * The peer's copy of the bio's range is current: its disk is up to date,
 * no resync runs, and the bitmap says it lacks none of the range.
 */
static bool peer_has(struct syncmirror_io *io)
{
	sector_t first = dm_target_offset(io->sm->ti, io->bio->bi_iter.bi_sector);

	return syncmirror_resync_peer_current(io->sm->vol, first,
					      first + bio_sectors(io->bio) - 1);
}

/* Ask the peer for the bio's data; false when there is no link. */
static bool read_from_peer(struct syncmirror_io *io)
{
	struct syncmirror_send *send = &io->send;
	struct syncmirror_connection *conn;
	bool queued = false;

	INIT_LIST_HEAD(&send->entry);
	send->type = SYNCMIRROR_WIRE_READ;
	send->flags = 0;
	send->sector = dm_target_offset(io->sm->ti, io->bio->bi_iter.bi_sector);
	send->size = io->bio->bi_iter.bi_size;
	/* The ACK's payload lands in the bio's pages. */
	send->data = io->bio;
	send->buf = NULL;
	send->done = peer_read_done;

	rcu_read_lock();
	conn = rcu_dereference(io->sm->vol->conn);
	if (conn)
		queued = syncmirror_connection_submit(conn, send);
	rcu_read_unlock();
	return queued;
}

static void local_read_done(struct bio *clone)
{
	struct syncmirror_io *io = clone->bi_private;
	blk_status_t status = clone->bi_status;

	bio_put(clone);
	if (!status) {
		bio_endio(io->bio);
		return;
	}
	DMERR_LIMIT("%s: local read at sector %llu failed (%d): reading from the peer",
		    io->sm->vol->name,
		    (unsigned long long)dm_target_offset(io->sm->ti,
							 io->bio->bi_iter.bi_sector),
		    blk_status_to_errno(status));
	if (!peer_has(io) || !read_from_peer(io)) {
		io->bio->bi_status = status;
		bio_endio(io->bio);
	}
}

/* Map a read of a primary.  Returns DM_MAPIO_SUBMITTED. */
int syncmirror_read(struct syncmirror *sm, struct bio *bio)
{
	struct syncmirror_io *io = dm_per_bio_data(bio, sizeof(*io));
	struct bio *clone;

	io->sm = sm;
	io->bio = bio;
	if (READ_ONCE(sm->vol->diskless)) {
		if (!peer_has(io) || !read_from_peer(io)) {
			DMERR_LIMIT("%s: read refused: no local disk and no current peer",
				    sm->vol->name);
			bio->bi_status = BLK_STS_IOERR;
			bio_endio(bio);
		}
		return DM_MAPIO_SUBMITTED;
	}

	clone = bio_alloc_clone(sm->data_dev->bdev, bio, GFP_NOIO, &sm->clones);
	clone->bi_iter.bi_sector = dm_target_offset(sm->ti,
						    bio->bi_iter.bi_sector);
	clone->bi_end_io = local_read_done;
	clone->bi_private = io;
	submit_bio_noacct(clone);
	return DM_MAPIO_SUBMITTED;
}
