// SPDX-License-Identifier: GPL-2.0-only
/*
 * Secondary receive path: the link's receive thread turns each request of
 * the peer (WRITE, DISCARD, WRITE_ZEROES, FLUSH) into a bio for the live
 * table's data device, with FUA and PREFLUSH as the peer sent them, and
 * the bio's completion queues the ACK: the peer hears "written" only once
 * this disk completed the write.
 *
 * Requests in flight together never overlap (the primary orders them), so
 * they are submitted as they come.  Payload pages and bios come from the
 * link's mempools; the receive thread runs with memalloc_noio.
 */

#include <linux/blkdev.h>
#include <linux/crc32c.h>
#include <linux/highmem.h>
#include <linux/device-mapper.h>

#include "syncmirror-receiver.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

/* Enough for one largest write in flight, whatever the page allocator says. */
#define MIN_PAGES	(SYNCMIRROR_WIRE_MAX_PAYLOAD / PAGE_SIZE)
#define MIN_BIOS	16

int syncmirror_receiver_init(struct syncmirror_connection *conn)
{
	int r;

	conn->pages = mempool_create_page_pool(MIN_PAGES, 0);
	if (!conn->pages)
		return -ENOMEM;
	r = bioset_init(&conn->bios, MIN_BIOS,
			offsetof(struct syncmirror_peer_write, bio),
			BIOSET_NEED_BVECS);
	if (r) {
		mempool_destroy(conn->pages);
		return r;
	}
	init_waitqueue_head(&conn->peer_writes_wait);
	return 0;
}

/* Once every peer write is freed (the link's teardown waits for that). */
void syncmirror_receiver_exit(struct syncmirror_connection *conn)
{
	bioset_exit(&conn->bios);
	mempool_destroy(conn->pages);
}

/*
 * The memory a request of the peer pins until it is done: what a write
 * carries; what a verify or read reads.
 */
unsigned int syncmirror_request_pinned_bytes(const struct syncmirror_msg *msg)
{
	return msg->type == SYNCMIRROR_WIRE_VERIFY ||
	       msg->type == SYNCMIRROR_WIRE_READ ? msg->size :
	       msg->payload_len;
}

static void peer_write_free(struct syncmirror_peer_write *pw)
{
	struct syncmirror_connection *conn = pw->conn;
	struct bio_vec *bvec;
	struct bvec_iter_all iter;

	bio_for_each_segment_all(bvec, &pw->bio, iter)
		mempool_free(bvec->bv_page, conn->pages);
	bio_put(&pw->bio);
	syncmirror_connection_put_peer_write(conn, pw->pinned);
}

static void ack_sent(struct syncmirror_send *send, int status)
{
	peer_write_free(container_of(send, struct syncmirror_peer_write,
				     ack));
}

static void peer_write_endio(struct bio *bio)
{
	struct syncmirror_peer_write *pw =
		container_of(bio, struct syncmirror_peer_write, bio);
	struct syncmirror *sm = pw->sm;

	if (bio->bi_status)
		DMERR_LIMIT("%s: writing the peer's data at sector %llu failed: %d",
			    sm->vol->name,
			    (unsigned long long)pw->ack.sector,
			    blk_status_to_errno(bio->bi_status));
	/* The wire carries positive errno values. */
	pw->ack.status = -blk_status_to_errno(bio->bi_status);
	/* A verify's ACK carries the checksum of what was read. */
	if (pw->type == SYNCMIRROR_WIRE_VERIFY && !bio->bi_status)
		pw->ack.size = syncmirror_bio_pages_crc32c(bio);
	/* A read's ACK carries the data: the whole bio again. */
	if (pw->type == SYNCMIRROR_WIRE_READ && !bio->bi_status) {
		bio->bi_iter.bi_size = pw->size;
		bio->bi_iter.bi_idx = 0;
		bio->bi_iter.bi_bvec_done = 0;
		pw->ack.size = pw->size;
		pw->ack.data = bio;
	}
	/* The target may go once its last peer write is done. */
	syncmirror_volume_put_active(sm->vol, sm);
	if (!syncmirror_connection_submit(pw->conn, &pw->ack))
		peer_write_free(pw);
}

static blk_opf_t request_opf(const struct syncmirror_msg *msg)
{
	blk_opf_t opf;

	switch (msg->type) {
	case SYNCMIRROR_WIRE_DISCARD:
		return REQ_OP_DISCARD;
	case SYNCMIRROR_WIRE_WRITE_ZEROES:
		return REQ_OP_WRITE_ZEROES;
	case SYNCMIRROR_WIRE_FLUSH:
		return REQ_OP_WRITE | REQ_PREFLUSH | REQ_SYNC;
	case SYNCMIRROR_WIRE_VERIFY:
	case SYNCMIRROR_WIRE_READ:
		return REQ_OP_READ | REQ_SYNC;
	default:
		opf = REQ_OP_WRITE | REQ_SYNC;
		if (msg->flags & SYNCMIRROR_WIRE_F_FUA)
			opf |= REQ_FUA;
		if (msg->flags & SYNCMIRROR_WIRE_F_PREFLUSH)
			opf |= REQ_PREFLUSH;
		return opf;
	}
}

/*
 * A bio for the request in @msg, with room for its payload, aimed at the
 * live table's data device.  The caller receives the payload into the
 * bio's pages, then submits it.  NULL with *error set when the request
 * cannot be applied (the link must then be dropped).
 */
struct syncmirror_peer_write *
syncmirror_peer_write_alloc(struct syncmirror_connection *conn,
			    const struct syncmirror_msg *msg,
			    const char **error)
{
	struct syncmirror_volume *vol = conn->vol;
	unsigned int left = syncmirror_request_pinned_bytes(msg);
	unsigned int nr_pages = DIV_ROUND_UP(left, PAGE_SIZE);
	struct syncmirror_peer_write *pw;
	struct syncmirror *sm;
	struct bio *bio;

	if (msg->type != SYNCMIRROR_WIRE_FLUSH &&
	    (msg->sector >= vol->md_info.data_sectors ||
	     (msg->size >> SECTOR_SHIFT) >
	     vol->md_info.data_sectors - msg->sector)) {
		*error = "request beyond the end of the volume";
		return NULL;
	}

	sm = syncmirror_volume_get_active(vol);
	if (!sm) {
		*error = "the volume is suspended";
		return NULL;
	}

	bio = bio_alloc_bioset(sm->data_dev->bdev, nr_pages,
			       request_opf(msg), GFP_NOIO, &conn->bios);
	pw = container_of(bio, struct syncmirror_peer_write, bio);
	pw->conn = conn;
	pw->sm = sm;
	pw->type = msg->type;
	pw->size = msg->size;
	pw->pinned = left;
	syncmirror_connection_get_peer_write(conn, left);

	INIT_LIST_HEAD(&pw->ack.entry);
	pw->ack.type = SYNCMIRROR_WIRE_ACK;
	pw->ack.flags = 0;
	pw->ack.seq = msg->seq;
	pw->ack.sector = msg->sector;
	pw->ack.size = 0;
	pw->ack.status = 0;
	pw->ack.data = NULL;
	pw->ack.buf = NULL;
	pw->ack.done = ack_sent;

	bio->bi_iter.bi_sector = msg->type == SYNCMIRROR_WIRE_FLUSH ?
				 0 : msg->sector;
	bio->bi_end_io = peer_write_endio;
	while (left) {
		unsigned int len = min_t(unsigned int, left, PAGE_SIZE);
		struct page *page = mempool_alloc(conn->pages, GFP_NOIO);

		__bio_add_page(bio, page, len, 0);
		left -= len;
	}
	/* Discard and write-zeroes carry no data but cover @size bytes. */
	if (msg->type == SYNCMIRROR_WIRE_DISCARD ||
	    msg->type == SYNCMIRROR_WIRE_WRITE_ZEROES)
		bio->bi_iter.bi_size = msg->size;
	return pw;
}

/*
 * CRC-32C of every page segment of a completed @bio (the whole range it
 * was built for), as a verify compares copies.
 */
u32 syncmirror_bio_pages_crc32c(struct bio *bio)
{
	struct bvec_iter_all iter;
	struct bio_vec *bvec;
	u32 crc = ~0U;

	bio_for_each_segment_all(bvec, bio, iter) {
		void *p = kmap_local_page(bvec->bv_page);

		crc = crc32c(crc, p + bvec->bv_offset, bvec->bv_len);
		kunmap_local(p);
	}
	return ~crc;
}

void syncmirror_peer_write_submit(struct syncmirror_peer_write *pw)
{
	submit_bio_noacct(&pw->bio);
}

/* Drop a peer write that was never submitted (its payload did not come). */
void syncmirror_peer_write_abort(struct syncmirror_peer_write *pw)
{
	struct syncmirror *sm = pw->sm;

	peer_write_free(pw);
	syncmirror_volume_put_active(sm->vol, sm);
}
