// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resync and online verify.
 *
 * After the hellos (syncmirror_wire_sync_verdict()), the sync target marks
 * its copy inconsistent on disk and sends its bitmap; the source ORs it
 * into its own and sends, region by region, every region the bitmap
 * names, as WRITE requests flagged RESYNC (and FUA: an acknowledged
 * region is on the target's stable storage).  A region's bit is cleared
 * when the target acknowledged it; when none is left the source sends
 * RESYNC_DONE with its data generation, which the target adopts.  An
 * interrupted resync leaves the source's bitmap (and the target's
 * inconsistent flag) as they were: the next link goes on from there.
 *
 * Ordering against application writes: a resync request takes its region
 * in the same conflict tree as application writes (syncmirror-conflict.c)
 * before it reads the local copy, and keeps it until the target
 * acknowledged.  An application write to that region waits for it, and a
 * resync read waits for application writes in flight there; both go to
 * the target over one ordered stream, so older resync data never lands
 * after a newer write.
 *
 * Verify works the same way, region by region under the conflict tree:
 * this node reads and checksums its region, the peer (VERIFY request)
 * reads and checksums its own and answers with the checksum; a difference
 * marks the region out of sync for `smctl resync start`.
 *
 * Rate: every tick the resync may issue rate * tick bytes; the rate is the
 * maximum (no limit by default) while the volume sees no application
 * I/O, the minimum while it does.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/netlink.h>
#include <linux/part_stat.h>
#include <linux/slab.h>

#include "syncmirror-connection.h"
#include "syncmirror-receiver.h"
#include "syncmirror-resync.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

/* Requests in flight, and the rate controller's clock. */
#define MAX_INFLIGHT	16
#define TICK		(HZ / 10)
#define TICKS_PER_SEC	10
/* Words of a bitmap in one BITMAP message. */
#define BITMAP_CHUNK_WORDS	(SYNCMIRROR_WIRE_MAX_PAYLOAD / sizeof(__le64))

/**
 * struct resync_req - one region being resynced or verified
 * @vol: its volume
 * @sm: the live table it reads through (counted: postsuspend waits)
 * @range: its sectors in @sm's conflict tree
 * @send: the request to the peer
 * @bio: the local read, then the WRITE's payload
 * @iter: @bio's range, restored after the read advanced it
 * @region: the region
 * @session: the link session it belongs to
 * @verify: a verify request (else resync)
 * @crc: a verify's checksum of the local copy
 * @bvecs: @bio's vector
 */
struct resync_req {
	struct syncmirror_volume *vol;
	struct syncmirror *sm;
	struct syncmirror_range range;
	struct syncmirror_send send;
	struct bio bio;
	struct bvec_iter iter;
	u64 region;
	u64 session;
	bool verify;
	u32 crc;
	struct bio_vec bvecs[];
};

/* A message of ours with its payload, freed once sent or dropped. */
struct resync_msg {
	struct syncmirror_send send;
	u8 payload[];
};

static struct syncmirror_resync *rs_of(struct syncmirror_volume *vol)
{
	return &vol->resync;
}

static u64 region_bytes(struct syncmirror_volume *vol)
{
	return 1ULL << (vol->md_info.region_shift + SECTOR_SHIFT);
}

void syncmirror_resync_kick(struct syncmirror_volume *vol)
{
	mod_delayed_work(syncmirror_wq, &vol->resync.work, 0);
}

static void req_free(struct resync_req *req)
{
	struct bvec_iter_all iter;
	struct bio_vec *bvec;

	bio_for_each_segment_all(bvec, &req->bio, iter)
		__free_page(bvec->bv_page);
	bio_uninit(&req->bio);
	kfree(req);
}

/* The request is done with @status (0: the peer acknowledged).  Any context. */
static void req_finish(struct resync_req *req, int status)
{
	struct syncmirror_volume *vol = req->vol;
	struct syncmirror_resync *rs = rs_of(vol);
	struct syncmirror *sm = req->sm;
	u32 bytes = req->range.last - req->range.first + 1;
	sector_t first = req->range.first;
	u64 session = req->session;
	bool verify = req->verify;
	bool mismatch = false;
	unsigned long flags;
	u64 need;

	bytes <<= SECTOR_SHIFT;
	if (!status && !req->verify)
		syncmirror_bitmap_clear(&vol->bitmap, req->region);
	if (!status && req->verify && req->send.reply != req->crc) {
		mismatch = true;
		syncmirror_bitmap_mark(&vol->bitmap, req->range.first,
				       req->range.last, &need);
		DMWARN_LIMIT("%s: verify: region at byte %llu differs from the peer's",
			     vol->name, (unsigned long long)req->range.first <<
			     SECTOR_SHIFT);
	}

	if (syncmirror_conflicts_release(&sm->conflicts, &req->range))
		queue_work(syncmirror_wq, &sm->deferred_work);
	syncmirror_volume_put_active(vol, sm);
	req_free(req);
	/* Out-of-sync marks are written with the next flush; more work. */
	if (mismatch)
		queue_work(syncmirror_wq, &vol->bm_work);
	syncmirror_resync_kick(vol);

	/*
	 * Last, under the lock the teardown waits with: once the count
	 * drops, the volume may be freed.
	 */
	spin_lock_irqsave(&rs->lock, flags);
	if (!status && session == rs->session) {
		if (verify) {
			rs->verify_done += bytes;
			if (mismatch && !rs->mismatches++)
				rs->first_mismatch = first << SECTOR_SHIFT;
		} else {
			rs->done_bytes += bytes;
			rs->resynced_bytes += bytes;
		}
	}
	if (verify)
		rs->verify_inflight--;
	else
		rs->resync_inflight--;
	if (!--rs->inflight)
		wake_up(&rs->idle);
	spin_unlock_irqrestore(&rs->lock, flags);
}

static void req_sent(struct syncmirror_send *send, int status)
{
	req_finish(container_of(send, struct resync_req, send), status);
}

static bool current_session(struct resync_req *req)
{
	struct syncmirror_resync *rs = rs_of(req->vol);
	unsigned long flags;
	bool same;

	spin_lock_irqsave(&rs->lock, flags);
	same = req->session == rs->session;
	spin_unlock_irqrestore(&rs->lock, flags);
	return same;
}

/* The local copy of the region is read: send it, or its checksum. */
static void req_read_done(struct bio *bio)
{
	struct resync_req *req = container_of(bio, struct resync_req, bio);
	struct syncmirror_connection *conn;
	bool queued = false;

	if (bio->bi_status) {
		DMERR_LIMIT("%s: %s: cannot read the local region at sector %llu: %d",
			    req->vol->name, req->verify ? "verify" : "resync",
			    (unsigned long long)req->range.first,
			    blk_status_to_errno(bio->bi_status));
		req_finish(req, -EIO);
		return;
	}
	/* A request of an ended link must not go out on the next one. */
	if (!current_session(req)) {
		req_finish(req, -ECANCELED);
		return;
	}
	bio->bi_iter = req->iter;
	if (req->verify)
		req->crc = syncmirror_bio_pages_crc32c(bio);

	rcu_read_lock();
	conn = rcu_dereference(req->vol->conn);
	if (conn)
		queued = syncmirror_connection_submit(conn, &req->send);
	rcu_read_unlock();
	if (!queued)
		req_finish(req, -ENOTCONN);
}

static void req_admitted(struct syncmirror_range *range)
{
	submit_bio_noacct(&container_of(range, struct resync_req, range)->bio);
}

/*
 * Start a request for @region: take the region, read it, send it.
 * Returns false when it cannot start now (suspended, out of memory).
 * Process context.
 */
static bool issue(struct syncmirror_volume *vol, u64 region, bool verify,
		  u64 session)
{
	struct syncmirror_resync *rs = rs_of(vol);
	sector_t first = region << vol->md_info.region_shift;
	sector_t end = min_t(sector_t, first + (1ULL << vol->md_info.region_shift),
			     vol->md_info.data_sectors);
	u32 bytes = (end - first) << SECTOR_SHIFT;
	unsigned int i, nr = DIV_ROUND_UP(bytes, PAGE_SIZE);
	struct resync_req *req;
	struct syncmirror *sm;

	/* A detached disk is no source: reading it would send stale data. */
	if (READ_ONCE(vol->diskless))
		return false;
	sm = syncmirror_volume_get_active(vol);
	if (!sm)
		return false;
	req = kzalloc(struct_size(req, bvecs, nr), GFP_NOIO);
	if (!req) {
		syncmirror_volume_put_active(vol, sm);
		return false;
	}
	req->vol = vol;
	req->sm = sm;
	req->region = region;
	req->verify = verify;
	req->session = session;
	bio_init(&req->bio, sm->data_dev->bdev, req->bvecs, nr,
		 REQ_OP_READ | REQ_SYNC);
	req->bio.bi_iter.bi_sector = first;
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_page(GFP_NOIO);
		unsigned int len = min_t(unsigned int, PAGE_SIZE,
					 bytes - i * PAGE_SIZE);

		if (!page) {
			req_free(req);
			syncmirror_volume_put_active(vol, sm);
			return false;
		}
		__bio_add_page(&req->bio, page, len, 0);
	}
	req->iter = req->bio.bi_iter;
	req->bio.bi_end_io = req_read_done;

	INIT_LIST_HEAD(&req->send.entry);
	req->send.type = verify ? SYNCMIRROR_WIRE_VERIFY :
				  SYNCMIRROR_WIRE_WRITE;
	req->send.flags = verify ? 0 : SYNCMIRROR_WIRE_F_RESYNC |
				       SYNCMIRROR_WIRE_F_FUA;
	req->send.sector = first;
	req->send.size = bytes;
	req->send.data = verify ? NULL : &req->bio;
	req->send.buf = NULL;
	req->send.done = req_sent;

	req->range.first = first;
	req->range.last = end - 1;
	req->range.start = req_admitted;
	INIT_LIST_HEAD(&req->range.deferred);

	spin_lock_irq(&rs->lock);
	rs->inflight++;
	if (verify)
		rs->verify_inflight++;
	else
		rs->resync_inflight++;
	spin_unlock_irq(&rs->lock);

	if (syncmirror_conflicts_admit(&sm->conflicts, &req->range))
		req_admitted(&req->range);
	return true;
}

static void msg_sent(struct syncmirror_send *send, int status)
{
	kvfree(container_of(send, struct resync_msg, send));
}

/* A message of ours carrying @len bytes of @payload, to queue. */
static struct resync_msg *new_msg(u16 type, u16 flags, u64 sector,
				  const void *payload, u32 len)
{
	struct resync_msg *msg = kvmalloc(struct_size(msg, payload, len),
					  GFP_KERNEL);

	if (!msg)
		return NULL;
	memset(&msg->send, 0, sizeof(msg->send));
	INIT_LIST_HEAD(&msg->send.entry);
	msg->send.type = type;
	msg->send.flags = flags;
	msg->send.sector = sector;
	msg->send.size = len;
	msg->send.buf = len ? msg->payload : NULL;
	msg->send.done = msg_sent;
	memcpy(msg->payload, payload, len);
	return msg;
}

/* Queue @msg on @conn, or free it when the link cannot take it. */
static int queue_msg(struct syncmirror_connection *conn,
		     struct resync_msg *msg)
{
	if (!conn || !syncmirror_connection_submit(conn, &msg->send)) {
		kvfree(msg);
		return -ENOTCONN;
	}
	return 0;
}

static void clear_bitmap_uuid(struct syncmirror_md *md, u64 unused)
{
	md->peer[0].bitmap_uuid = 0;
}

/* Every region went over: tell the target, and forget the generation. */
static void finish_source(struct syncmirror_volume *vol)
{
	struct syncmirror_resync *rs = rs_of(vol);
	struct syncmirror_wire_resync_done done;
	struct syncmirror_connection *conn;
	struct resync_msg *msg;
	int r;

	r = syncmirror_volume_flush_bitmap(vol);
	if (!r)
		r = syncmirror_volume_update_sb(vol, clear_bitmap_uuid, 0);
	if (r)
		DMERR("%s: resync done, but the metadata cannot say so: %d",
		      vol->name, r);

	done.current_uuid = cpu_to_be64(vol->md_info.current_uuid);
	spin_lock_irq(&rs->lock);
	done.bytes = cpu_to_be64(rs->done_bytes);
	spin_unlock_irq(&rs->lock);

	msg = new_msg(SYNCMIRROR_WIRE_RESYNC_DONE, 0, 0, &done, sizeof(done));
	r = -ENOMEM;
	if (msg) {
		rcu_read_lock();
		conn = rcu_dereference(vol->conn);
		r = queue_msg(conn, msg);
		rcu_read_unlock();
	}
	DMINFO("%s: resync to the peer done (%llu bytes)%s", vol->name,
	       be64_to_cpu(done.bytes), r ? ", but the link is gone" : "");
	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_RESYNC);
	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_DISK);
}

/* Application I/O since the last tick: the resync backs off to min. */
static bool application_busy(struct syncmirror_volume *vol)
{
	struct block_device *part0 = dm_disk(vol->md)->part0;
	struct syncmirror_resync *rs = rs_of(vol);
	u64 sectors = part_stat_read(part0, sectors[STAT_READ]) +
		      part_stat_read(part0, sectors[STAT_WRITE]);
	bool busy = sectors != rs->app_sectors;

	rs->app_sectors = sectors;
	return busy;
}

/* Under rs->lock: refill the budget and sample the rate. */
static void tick(struct syncmirror_volume *vol, bool busy)
{
	struct syncmirror_resync *rs = rs_of(vol);
	unsigned long now = jiffies;
	u64 rate = busy ? rs->min_rate : rs->max_rate;
	u64 moved;

	if (time_after_eq(now, rs->last_tick + TICK)) {
		u64 ticks = min_t(u64, now - rs->last_tick, HZ);
		s64 add = div_u64(rate, HZ) * ticks;

		rs->budget = rate ? min_t(s64, rs->budget + add,
					  div_u64(rate, TICKS_PER_SEC)) : 0;
		rs->unlimited = !rate;
		rs->last_tick = now;
	}
	if (time_after_eq(now, rs->rate_time + HZ)) {
		moved = rs->done_bytes + rs->verify_done - rs->rate_mark;
		rs->rate = div_u64(moved * HZ, now - rs->rate_time);
		rs->rate_mark = rs->done_bytes + rs->verify_done;
		rs->rate_time = now;
	}
}

static void resync_work(struct work_struct *work)
{
	struct syncmirror_resync *rs = container_of(to_delayed_work(work),
						    struct syncmirror_resync,
						    work);
	struct syncmirror_volume *vol = container_of(rs,
						     struct syncmirror_volume,
						     resync);
	u64 regions = vol->bitmap.regions;
	bool busy = application_busy(vol);
	bool finish = false, verified = false, later = false;
	u64 session;

	spin_lock_irq(&rs->lock);
	tick(vol, busy);
	session = rs->session;
	while (rs->inflight < MAX_INFLIGHT) {
		bool resync = rs->state == SYNCMIRROR_SYNC_SOURCE && !rs->paused &&
			      rs->cursor < regions;
		bool verify = rs->verifying && rs->verify_cursor < regions;
		u64 region;

		if (!resync && !verify)
			break;
		if (!rs->unlimited && rs->budget <= 0) {
			later = true;
			break;
		}
		if (resync) {
			spin_unlock_irq(&rs->lock);
			region = syncmirror_bitmap_next_set(&vol->bitmap,
							    rs->cursor);
			spin_lock_irq(&rs->lock);
			if (session != rs->session)
				break;
			rs->cursor = region + 1;
			if (region >= regions)
				continue;
		} else {
			region = rs->verify_cursor++;
		}
		rs->budget -= region_bytes(vol);
		spin_unlock_irq(&rs->lock);
		if (!issue(vol, region, !resync, session)) {
			spin_lock_irq(&rs->lock);
			/* Try that region again at the next tick. */
			if (resync)
				rs->cursor = region;
			else
				rs->verify_cursor = region;
			later = true;
			break;
		}
		spin_lock_irq(&rs->lock);
	}

	if (rs->state == SYNCMIRROR_SYNC_SOURCE && rs->cursor >= regions &&
	    !rs->resync_inflight) {
		if (syncmirror_bitmap_weight(&vol->bitmap)) {
			/* Bits behind the cursor (a failed region): again. */
			rs->cursor = 0;
			later = true;
		} else {
			rs->state = SYNCMIRROR_SYNC_NONE;
			rs->peer_disk = SYNCMIRROR_DISK_UP_TO_DATE;
			finish = true;
		}
	}
	if (rs->verifying && rs->verify_cursor >= regions &&
	    !rs->verify_inflight) {
		rs->verifying = false;
		verified = true;
	}
	if (rs->state == SYNCMIRROR_SYNC_SOURCE || rs->verifying)
		later = true;
	spin_unlock_irq(&rs->lock);

	if (finish)
		finish_source(vol);
	if (verified) {
		DMINFO("%s: verify done: %llu regions differ", vol->name,
		       rs->mismatches);
		syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_VERIFY);
	}
	if (later)
		mod_delayed_work(syncmirror_wq, &rs->work, TICK);
}

void syncmirror_resync_init(struct syncmirror_volume *vol)
{
	struct syncmirror_resync *rs = rs_of(vol);

	spin_lock_init(&rs->lock);
	rs->min_rate = SYNCMIRROR_RESYNC_MIN_RATE_DEFAULT;
	rs->max_rate = SYNCMIRROR_RESYNC_MAX_RATE_DEFAULT;
	rs->last_tick = jiffies;
	rs->rate_time = jiffies;
	rs->unlimited = true;
	INIT_DELAYED_WORK(&rs->work, resync_work);
	init_waitqueue_head(&rs->idle);
}

/* The volume goes: nothing of the resync may run after. */
void syncmirror_resync_exit(struct syncmirror_volume *vol)
{
	struct syncmirror_resync *rs = rs_of(vol);

	spin_lock_irq(&rs->lock);
	rs->state = SYNCMIRROR_SYNC_NONE;
	rs->verifying = false;
	rs->session++;
	spin_unlock_irq(&rs->lock);
	cancel_delayed_work_sync(&rs->work);
	spin_lock_irq(&rs->lock);
	wait_event_lock_irq(rs->idle, !rs->inflight, rs->lock);
	spin_unlock_irq(&rs->lock);
	cancel_delayed_work_sync(&rs->work);
}

/*
 * A sync target is inconsistent until the source says done, and takes the
 * source's generation at once: an interrupted resync (or one whose DONE
 * was lost) then goes on from the source's bitmap, never from zero.
 */
static void become_target(struct syncmirror_md *md, u64 source_uuid)
{
	md->inconsistent = true;
	if (md->current_uuid != source_uuid)
		syncmirror_md_new_generation(md, source_uuid);
}

/* Our bitmap, to the source, in BITMAP messages; the last one says so. */
static int send_bitmap(struct syncmirror_volume *vol,
		       struct syncmirror_connection *conn)
{
	u64 words = syncmirror_bitmap_words(&vol->bitmap), first = 0;
	__le64 *chunk;
	int r = 0;

	chunk = kvmalloc_array(min_t(u64, words, BITMAP_CHUNK_WORDS),
			       sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	do {
		unsigned int n = min_t(u64, words - first, BITMAP_CHUNK_WORDS);

		struct resync_msg *msg;

		syncmirror_bitmap_get_words(&vol->bitmap, first, chunk, n);
		msg = new_msg(SYNCMIRROR_WIRE_BITMAP,
			      first + n == words ? SYNCMIRROR_WIRE_F_LAST : 0,
			      first, chunk, n * sizeof(*chunk));
		r = msg ? queue_msg(conn, msg) : -ENOMEM;
		first += n;
	} while (!r && first < words);
	kvfree(chunk);
	return r;
}

/*
 * The hellos agreed with @verdict: start what it says.  Called by the
 * receive thread before it reads anything after the hello.  Non-zero ends
 * the link.
 */
int syncmirror_resync_link_up(struct syncmirror_volume *vol,
			      struct syncmirror_connection *conn,
			      const struct syncmirror_hello *remote,
			      enum syncmirror_sync_verdict verdict)
{
	struct syncmirror_resync *rs = rs_of(vol);
	int state = SYNCMIRROR_SYNC_NONE;
	int r;

	switch (verdict) {
	case SYNCMIRROR_SYNC_FULL_SOURCE:
		syncmirror_bitmap_mark_all(&vol->bitmap);
		fallthrough;
	case SYNCMIRROR_SYNC_BE_SOURCE:
		state = SYNCMIRROR_SYNC_WAIT_BITMAP;
		break;
	case SYNCMIRROR_SYNC_FULL_TARGET:
	case SYNCMIRROR_SYNC_BE_TARGET:
		/*
		 * Until the source says done, this copy is not usable.  A
		 * full sync keeps its generation: interrupted, it is full
		 * again (the source's "everything" need not be on disk).
		 */
		r = syncmirror_volume_update_sb(vol, become_target,
						verdict == SYNCMIRROR_SYNC_FULL_TARGET ?
						vol->md_info.current_uuid :
						remote->current_uuid);
		if (r) {
			DMERR("%s: cannot mark the copy inconsistent for the resync: %d",
			      vol->name, r);
			return r;
		}
		state = SYNCMIRROR_SYNC_TARGET;
		break;
	default:
		break;
	}

	spin_lock_irq(&rs->lock);
	rs->session++;
	rs->state = state;
	rs->peer_disk = remote->flags & SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT ?
			SYNCMIRROR_DISK_INCONSISTENT : SYNCMIRROR_DISK_UP_TO_DATE;
	if (state == SYNCMIRROR_SYNC_WAIT_BITMAP)
		rs->peer_disk = SYNCMIRROR_DISK_INCONSISTENT;
	if (remote->flags & SYNCMIRROR_WIRE_HELLO_F_DISKLESS)
		rs->peer_disk = SYNCMIRROR_DISK_DISKLESS;
	rs->total_bytes = 0;
	rs->done_bytes = 0;
	spin_unlock_irq(&rs->lock);

	if (state == SYNCMIRROR_SYNC_TARGET) {
		DMINFO("%s: resync from peer node %u (%s)", vol->name,
		       remote->node_id, verdict == SYNCMIRROR_SYNC_FULL_TARGET ?
		       "full" : "out-of-sync regions");
		r = send_bitmap(vol, conn);
		if (r)
			return r;
	}
	if (state != SYNCMIRROR_SYNC_NONE)
		syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_RESYNC);
	return 0;
}

/* The link ended: what is left stays in the bitmap for the next one. */
void syncmirror_resync_link_down(struct syncmirror_volume *vol)
{
	struct syncmirror_resync *rs = rs_of(vol);
	bool news;

	spin_lock_irq(&rs->lock);
	news = rs->state != SYNCMIRROR_SYNC_NONE || rs->verifying;
	rs->session++;
	rs->state = SYNCMIRROR_SYNC_NONE;
	rs->verifying = false;
	rs->peer_disk = SYNCMIRROR_DISK_UNKNOWN;
	spin_unlock_irq(&rs->lock);
	/* Cleared bits reach the disk: the next resync starts from here. */
	queue_work(syncmirror_wq, &vol->bm_work);
	if (news) {
		DMINFO("%s: resync or verify interrupted: the link ended",
		       vol->name);
		syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_RESYNC);
	}
}

/* Part of the target's bitmap (receive thread). */
int syncmirror_resync_receive_bitmap(struct syncmirror_volume *vol,
				     u64 first_word, const __le64 *words,
				     unsigned int count, bool last,
				     const char **error)
{
	struct syncmirror_resync *rs = rs_of(vol);
	u64 total = syncmirror_bitmap_words(&vol->bitmap);
	int state;

	spin_lock_irq(&rs->lock);
	state = rs->state;
	spin_unlock_irq(&rs->lock);
	if (state != SYNCMIRROR_SYNC_WAIT_BITMAP) {
		*error = "the peer sent a bitmap when none was due";
		return -EPROTO;
	}
	if (first_word > total || count > total - first_word) {
		*error = "the peer's bitmap is larger than the volume's";
		return -EBADMSG;
	}
	syncmirror_bitmap_merge_words(&vol->bitmap, first_word, words, count);
	if (!last)
		return 0;
	/*
	 * Every bit on disk before the first region goes: the target takes
	 * our generation now, so after a crash only this bitmap says what
	 * it still lacks.
	 */
	if (syncmirror_volume_flush_bitmap(vol)) {
		*error = "cannot write the merged bitmap";
		return -EIO;
	}

	spin_lock_irq(&rs->lock);
	rs->state = SYNCMIRROR_SYNC_SOURCE;
	rs->cursor = 0;
	rs->total_bytes = syncmirror_volume_out_of_sync(vol);
	rs->done_bytes = 0;
	rs->rate_mark = rs->verify_done;
	rs->rate_time = jiffies;
	spin_unlock_irq(&rs->lock);
	DMINFO("%s: resync to the peer: %llu bytes out of sync", vol->name,
	       rs->total_bytes);
	syncmirror_resync_kick(vol);
	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_RESYNC);
	return 0;
}

static void adopt_generation(struct syncmirror_md *md, u64 uuid)
{
	if (md->current_uuid != uuid)
		syncmirror_md_new_generation(md, uuid);
	md->inconsistent = false;
	md->peer[0].bitmap_uuid = 0;
}

/* The source sent every region: this copy is its generation (receive thread). */
int syncmirror_resync_receive_done(struct syncmirror_volume *vol,
				   u64 current_uuid, const char **error)
{
	struct syncmirror_resync *rs = rs_of(vol);
	int state, r;

	spin_lock_irq(&rs->lock);
	state = rs->state;
	spin_unlock_irq(&rs->lock);
	/* A resync the source started by hand: the copy was consistent. */
	if (state == SYNCMIRROR_SYNC_NONE &&
	    READ_ONCE(vol->role) == SYNCMIRROR_ROLE_SECONDARY &&
	    !vol->md_info.inconsistent) {
		DMINFO("%s: the peer's resync of out-of-sync regions is done",
		       vol->name);
		return 0;
	}
	if (state != SYNCMIRROR_SYNC_TARGET) {
		*error = "the peer ended a resync this node was not the target of";
		return -EPROTO;
	}
	if (!current_uuid) {
		*error = "the peer ended a resync without a data generation";
		return -EBADMSG;
	}
	/* Every region this copy lacked is here now. */
	syncmirror_bitmap_clear_all(&vol->bitmap);
	r = syncmirror_volume_flush_bitmap(vol);
	if (!r)
		r = syncmirror_volume_update_sb(vol, adopt_generation,
						current_uuid);
	if (r) {
		*error = "cannot record the finished resync";
		return -EIO;
	}
	spin_lock_irq(&rs->lock);
	rs->state = SYNCMIRROR_SYNC_NONE;
	spin_unlock_irq(&rs->lock);
	DMINFO("%s: resync from the peer done: the copy is up to date",
	       vol->name);
	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_RESYNC);
	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_DISK);
	return 0;
}

/* A resync write arrived (receive thread). */
void syncmirror_resync_received(struct syncmirror_volume *vol, u32 bytes)
{
	struct syncmirror_resync *rs = rs_of(vol);

	spin_lock_irq(&rs->lock);
	rs->received_bytes += bytes;
	rs->done_bytes += bytes;
	spin_unlock_irq(&rs->lock);
}

static bool link_connected(struct syncmirror_volume *vol, int *peer_role)
{
	struct syncmirror_connection *conn;
	bool up = false;

	rcu_read_lock();
	conn = rcu_dereference(vol->conn);
	if (conn && READ_ONCE(conn->state) == SYNCMIRROR_CONN_CONNECTED) {
		up = true;
		*peer_role = READ_ONCE(conn->peer_role);
	}
	rcu_read_unlock();
	return up;
}

int syncmirror_resync_control(struct syncmirror_volume *vol, u32 action,
			      const u64 *min_rate, const u64 *max_rate,
			      struct netlink_ext_ack *extack)
{
	struct syncmirror_resync *rs = rs_of(vol);
	u64 lo = min_rate ? *min_rate : rs->min_rate;
	u64 hi = max_rate ? *max_rate : rs->max_rate;
	int peer_role = SYNCMIRROR_ROLE_UNSPEC;
	bool up = link_connected(vol, &peer_role);
	int r = 0;

	if (hi && lo > hi) {
		NL_SET_ERR_MSG(extack, "minimum resync rate above the maximum");
		return -EINVAL;
	}
	if (action == SYNCMIRROR_RESYNC_START && READ_ONCE(vol->diskless)) {
		NL_SET_ERR_MSG(extack, "the local disk is detached");
		return -EIO;
	}
	spin_lock_irq(&rs->lock);
	rs->min_rate = lo;
	rs->max_rate = hi;
	switch (action) {
	case SYNCMIRROR_RESYNC_PAUSE:
		rs->paused = true;
		break;
	case SYNCMIRROR_RESYNC_RESUME:
		rs->paused = false;
		break;
	case SYNCMIRROR_RESYNC_START:
		rs->paused = false;
		if (rs->state == SYNCMIRROR_SYNC_SOURCE) {
			rs->cursor = 0;
			break;
		}
		if (rs->state != SYNCMIRROR_SYNC_NONE) {
			NL_SET_ERR_MSG(extack, "a resync from the peer is running");
			r = -EBUSY;
			break;
		}
		if (!up) {
			NL_SET_ERR_MSG(extack, "the peer is not connected");
			r = -ENOTCONN;
			break;
		}
		if (peer_role == SYNCMIRROR_ROLE_PRIMARY) {
			NL_SET_ERR_MSG(extack, "the peer is primary: start the resync there");
			r = -EBUSY;
			break;
		}
		rs->state = SYNCMIRROR_SYNC_SOURCE;
		rs->cursor = 0;
		rs->total_bytes = syncmirror_volume_out_of_sync(vol);
		rs->done_bytes = 0;
		rs->rate_mark = rs->verify_done;
		rs->rate_time = jiffies;
		break;
	default:
		break;
	}
	spin_unlock_irq(&rs->lock);
	if (!r)
		syncmirror_resync_kick(vol);
	return r;
}

int syncmirror_verify_control(struct syncmirror_volume *vol, u32 action,
			      struct netlink_ext_ack *extack)
{
	struct syncmirror_resync *rs = rs_of(vol);
	int peer_role;
	int r = 0;

	if (action == SYNCMIRROR_VERIFY_STOP) {
		spin_lock_irq(&rs->lock);
		rs->verifying = false;
		spin_unlock_irq(&rs->lock);
		return 0;
	}
	if (!link_connected(vol, &peer_role)) {
		NL_SET_ERR_MSG(extack, "the peer is not connected");
		return -ENOTCONN;
	}
	/* Its writes are not ordered against ours: it would see them race. */
	if (peer_role == SYNCMIRROR_ROLE_PRIMARY) {
		NL_SET_ERR_MSG(extack, "the peer is primary: run verify there");
		return -EBUSY;
	}
	spin_lock_irq(&rs->lock);
	if (rs->state != SYNCMIRROR_SYNC_NONE) {
		NL_SET_ERR_MSG(extack, "a resync is running; verify after it");
		r = -EBUSY;
	} else if (rs->verifying) {
		NL_SET_ERR_MSG(extack, "a verify is running already");
		r = -EBUSY;
	} else {
		rs->verifying = true;
		rs->verify_cursor = 0;
		rs->verify_total = (u64)vol->md_info.data_sectors << SECTOR_SHIFT;
		rs->verify_done = 0;
		rs->mismatches = 0;
		rs->first_mismatch = 0;
		rs->rate_mark = rs->done_bytes;
		rs->rate_time = jiffies;
	}
	spin_unlock_irq(&rs->lock);
	if (!r) {
		DMINFO("%s: verify against the peer started", vol->name);
		syncmirror_resync_kick(vol);
	}
	return r;
}

/*
 * The peer's copy of sectors @first..@last is current (a read may go
 * there): its disk was up to date at the hello, no resync runs, and none
 * of the range's regions is out of sync.  Any context.
 */
bool syncmirror_resync_peer_current(struct syncmirror_volume *vol,
				    sector_t first, sector_t last)
{
	struct syncmirror_resync *rs = rs_of(vol);
	unsigned long flags;
	u64 region;
	bool ok;

	spin_lock_irqsave(&rs->lock, flags);
	ok = rs->peer_disk == SYNCMIRROR_DISK_UP_TO_DATE &&
	     rs->state == SYNCMIRROR_SYNC_NONE;
	spin_unlock_irqrestore(&rs->lock, flags);
	for (region = first >> vol->md_info.region_shift;
	     ok && region <= last >> vol->md_info.region_shift; region++)
		ok = !syncmirror_bitmap_test(&vol->bitmap, region);
	return ok;
}

/* The local disk was detached: no resync or verify may read it. */
void syncmirror_resync_detached(struct syncmirror_volume *vol)
{
	struct syncmirror_resync *rs = rs_of(vol);
	unsigned long flags;

	spin_lock_irqsave(&rs->lock, flags);
	if (rs->state == SYNCMIRROR_SYNC_SOURCE ||
	    rs->state == SYNCMIRROR_SYNC_WAIT_BITMAP)
		rs->state = SYNCMIRROR_SYNC_NONE;
	rs->verifying = false;
	rs->session++;
	spin_unlock_irqrestore(&rs->lock, flags);
}

/* The peer became primary: a resync or verify of ours would race it. */
void syncmirror_resync_peer_primary(struct syncmirror_volume *vol)
{
	struct syncmirror_resync *rs = rs_of(vol);
	unsigned long flags;
	bool stopped;

	spin_lock_irqsave(&rs->lock, flags);
	stopped = rs->state == SYNCMIRROR_SYNC_SOURCE || rs->verifying;
	if (rs->state == SYNCMIRROR_SYNC_SOURCE)
		rs->state = SYNCMIRROR_SYNC_NONE;
	rs->verifying = false;
	rs->session++;
	spin_unlock_irqrestore(&rs->lock, flags);
	if (stopped)
		DMWARN("%s: the peer became primary: resync or verify stopped",
		       vol->name);
}

void syncmirror_resync_get_status(struct syncmirror_volume *vol,
				  struct syncmirror_resync_status *st)
{
	struct syncmirror_resync *rs = rs_of(vol);

	spin_lock_irq(&rs->lock);
	st->state = rs->state;
	st->paused = rs->paused;
	st->verifying = rs->verifying;
	st->peer_disk = rs->peer_disk;
	st->min_rate = rs->min_rate;
	st->max_rate = rs->max_rate;
	st->total_bytes = rs->total_bytes;
	st->done_bytes = rs->done_bytes;
	st->rate = rs->state != SYNCMIRROR_SYNC_NONE || rs->verifying ?
		   rs->rate : 0;
	st->resynced_bytes = rs->resynced_bytes;
	st->received_bytes = rs->received_bytes;
	st->verify_total = rs->verify_total;
	st->verify_done = rs->verify_done;
	st->mismatches = rs->mismatches;
	st->first_mismatch = rs->first_mismatch;
	spin_unlock_irq(&rs->lock);
}
