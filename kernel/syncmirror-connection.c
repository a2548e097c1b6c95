// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peer link: the socket userspace connected and authenticated (syncmirrord,
 * or smctl connect by hand), taken over through SYNCMIRROR_CMD_CONNECT,
 * and wire protocol v1 on it (Documentation/syncmirror-protocol.rst).
 *
 * Two threads per link.  The receive thread runs the hello, then reads
 * every message: the peer's requests go to syncmirror-receiver.c, its ACKs
 * complete our requests, its pings are answered.  The send thread is the
 * only writer of the socket: it sends, in order, what the receive thread
 * (pings, pongs, errors), the role code (STATE) and the I/O paths (requests,
 * ACKs) queue for it.  A request sent waits in a slot for its ACK.
 *
 * The link ends once (end_link()): lost, refused or stopped.  Then nothing
 * more is queued, the socket is shut down (after a last ERROR or DISCONNECT
 * if there is one), and the receive thread, once the send thread has left
 * its loop, sweeps every request still queued or in a slot: each completes
 * as not acknowledged, so no I/O ever waits on a dead peer.
 *
 * Nor on a slow one.  Each socket send only has to make some progress
 * within the ping timeout, so a peer that reads a few bytes at a time
 * would hold a message, and every request and write behind it, without
 * end.  So a message must be all on the wire REQUEST_TIMEOUTS ping
 * timeouts after its send began, and a request acknowledged as long after
 * that.  (Not counted from when a request was queued: the time it waits
 * behind other messages is theirs to account for, and a busy but healthy
 * link is not a slow peer.)
 */

#include <linux/crc32c.h>
#include <linux/device-mapper.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/netlink.h>
#include <linux/net.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tls.h>
#include <kunit/visibility.h>

#include "syncmirror-connection.h"
#include "syncmirror-receiver.h"
#include "syncmirror-resync.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

/* Receive timeout: a tick of the keepalive clock. */
#define RECEIVE_TICK	HZ
#define HELLO_TIMEOUT	10
/* A message not sent, or a request not answered, in this many: lost. */
#define REQUEST_TIMEOUTS	4

static const char *const wire_error_reasons[] = {
	[SYNCMIRROR_WIRE_ERR_NONE] = "no error",
	[SYNCMIRROR_WIRE_ERR_VERSION] = "no common protocol version",
	[SYNCMIRROR_WIRE_ERR_UUID] = "the peer has another volume UUID",
	[SYNCMIRROR_WIRE_ERR_SIZE] = "the peer's data size differs",
	[SYNCMIRROR_WIRE_ERR_NODE_ID] = "the peer has the same node id",
	[SYNCMIRROR_WIRE_ERR_PROTOCOL] = "protocol error",
	[SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED] =
		"the copies diverged while connected: reconnect to resync",
	[SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY] = "both nodes are primary",
	[SYNCMIRROR_WIRE_ERR_SPLIT_BRAIN] =
		"split-brain: both copies have writes the other lacks",
	[SYNCMIRROR_WIRE_ERR_UNRELATED] =
		"the copies share no data generation (unrelated data)",
	[SYNCMIRROR_WIRE_ERR_NO_SOURCE] =
		"neither copy is consistent: promote one with smctl primary --force",
	[SYNCMIRROR_WIRE_ERR_TARGET_PRIMARY] =
		"the copy that needs the resync is primary: demote it first",
	[SYNCMIRROR_WIRE_ERR_GEOMETRY] = "the peer's bitmap region size differs",
	[SYNCMIRROR_WIRE_ERR_STALE_PEER] =
		"the diskless node's peer lacks some of its writes",
	[SYNCMIRROR_WIRE_ERR_BOTH_DISKLESS] = "neither node has a disk",
	[SYNCMIRROR_WIRE_ERR_POLICY_MISMATCH] =
		"the nodes' after-split-brain policies differ",
	[SYNCMIRROR_WIRE_ERR_RESOLVE_CONFLICT] =
		"both nodes asked to discard their own data",
};

/* Requests take a slot and wait for the peer's ACK; the rest do not. */
bool syncmirror_wire_is_request(u16 type)
{
	switch (type) {
	case SYNCMIRROR_WIRE_WRITE:
	case SYNCMIRROR_WIRE_DISCARD:
	case SYNCMIRROR_WIRE_WRITE_ZEROES:
	case SYNCMIRROR_WIRE_FLUSH:
	case SYNCMIRROR_WIRE_VERIFY:
	case SYNCMIRROR_WIRE_READ:
		return true;
	default:
		return false;
	}
}

static const char *wire_error_reason(u32 code)
{
	if (code < ARRAY_SIZE(wire_error_reasons))
		return wire_error_reasons[code];
	return "unknown error from the peer";
}

void syncmirror_connection_get_state(struct syncmirror_connection *conn,
				     int *state, const char **reason,
				     u32 *peer_node_id, int *peer_role,
				     time64_t *since)
{
	spin_lock_irq(&conn->lock);
	*state = conn->state;
	*reason = conn->reason;
	*peer_node_id = conn->peer_node_id;
	*peer_role = conn->peer_role;
	*since = conn->since;
	spin_unlock_irq(&conn->lock);
}

/* Must be called with conn->lock held. */
static void record_state(struct syncmirror_connection *conn, int state,
			 const char *reason)
{
	lockdep_assert_held(&conn->lock);
	conn->state = state;
	conn->reason = reason;
	conn->since = ktime_get_real_seconds();
}

/*
 * The link is finished, for @reason.  The first call wins.  With a
 * @final_type (ERROR with @final_status, or DISCONNECT) the send thread
 * sends that message before it closes the socket; otherwise the socket
 * is shut down at once, which also ends any send or receive in progress.
 * The receive thread announces the end once it has swept the requests.
 * Any context but interrupts; takes no lock but the link's.
 */
static void end_link(struct syncmirror_connection *conn, int state,
		     const char *reason, u16 final_type, u32 final_status)
{
	bool close_now;

	spin_lock_irq(&conn->lock);
	if (conn->dead) {
		spin_unlock_irq(&conn->lock);
		return;
	}
	conn->dead = true;
	if (!conn->stopping)
		record_state(conn, state, reason);
	conn->final_type = final_type;
	conn->final_status = final_status;
	close_now = !final_type || !conn->sender;
	spin_unlock_irq(&conn->lock);

	if (close_now)
		kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	wake_up(&conn->send_wait);
}

static int send_iter(struct syncmirror_connection *conn,
		     struct iov_iter *iter, bool more)
{
	while (iov_iter_count(iter)) {
		struct msghdr msghdr = {
			.msg_flags = MSG_NOSIGNAL | (more ? MSG_MORE : 0),
		};
		int r;

		msghdr.msg_iter = *iter;
		r = sock_sendmsg(conn->sock, &msghdr);
		if (r <= 0)
			return r ? r : -EIO;
		iov_iter_advance(iter, r);
	}
	return 0;
}

static int send_buffer(struct syncmirror_connection *conn, void *buf,
		       size_t len, bool more)
{
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_SOURCE, &vec, 1, len);
	return send_iter(conn, &iter, more);
}

static u32 bio_payload_crc32c(struct bio *bio)
{
	struct bvec_iter iter;
	struct bio_vec bvec;
	u32 crc = ~0U;

	bio_for_each_segment(bvec, bio, iter) {
		void *p = kmap_local_page(bvec.bv_page);

		crc = crc32c(crc, p + bvec.bv_offset, bvec.bv_len);
		kunmap_local(p);
	}
	return ~crc;
}

/*
 * The current range of @bio in one send, straight from its (possibly
 * shared, multi-page) bvec table, as the loop driver reads a request.
 */
static int send_bio(struct syncmirror_connection *conn, struct bio *bio)
{
	struct bvec_iter iter;
	struct iov_iter from;
	struct bio_vec bvec;
	unsigned int nr = 0;

	bio_for_each_bvec(bvec, bio, iter)
		nr++;
	iov_iter_bvec(&from, ITER_SOURCE,
		      __bvec_iter_bvec(bio->bi_io_vec, bio->bi_iter), nr,
		      bio->bi_iter.bi_size);
	from.iov_offset = bio->bi_iter.bi_bvec_done;
	return send_iter(conn, &from, false);
}

/* Send @msg with its payload: @buf, or the current range of @bio. */
static int send_message(struct syncmirror_connection *conn,
			struct syncmirror_msg *msg, void *buf,
			struct bio *bio)
{
	struct syncmirror_wire_header header;
	int r;

	if (bio)
		msg->payload_csum = conn->data_csum ? bio_payload_crc32c(bio) : 0;
	else
		msg->payload_csum = syncmirror_wire_crc32c(buf,
							   msg->payload_len);
	syncmirror_wire_encode_header(msg, &header);
	r = send_buffer(conn, &header, sizeof(header), msg->payload_len);
	if (r || !msg->payload_len)
		return r;
	if (!bio)
		return send_buffer(conn, buf, msg->payload_len, false);

	return send_bio(conn, bio);
}

static bool deadline_missed(struct syncmirror_connection *conn);

/*
 * On a TLS link the socket fails a receive with -EBADMSG when a record
 * fails its authentication tag, and with -EIO when a record is not
 * application data (we take no control message): tell them apart from
 * our own malformed-message error.
 */
static int tls_error(struct syncmirror_connection *conn, int r)
{
	if (!conn->tls_cipher)
		return r;
	if (r == -EBADMSG)
		return -EKEYREJECTED;
	if (r == -EIO)
		return -ENOMSG;
	return r;
}

/*
 * Receive into @iter until it is full.  At the start of a message
 * (!@in_message) a receive timeout with nothing read is an idle tick,
 * -EAGAIN; inside one, timeouts count as stalls and idle_limit of them give
 * -ETIMEDOUT, and so does a message or request of ours missing its
 * deadline meanwhile (the link is ended then).  -ECONNRESET when the peer
 * closed.
 */
static int recv_iter(struct syncmirror_connection *conn,
		     struct iov_iter *iter, bool in_message)
{
	bool started = false;
	unsigned int stalls = 0;

	while (iov_iter_count(iter)) {
		struct msghdr msghdr = { .msg_flags = MSG_NOSIGNAL };
		int r;

		if (kthread_should_stop())
			return -EINTR;
		/* A message trickling in must not hold our requests up. */
		if (in_message && deadline_missed(conn))
			return -ETIMEDOUT;
		msghdr.msg_iter = *iter;
		r = sock_recvmsg(conn->sock, &msghdr, MSG_WAITALL);
		if (r > 0) {
			iov_iter_advance(iter, r);
			started = true;
			continue;
		}
		if (!r)
			return -ECONNRESET;
		if (r != -EAGAIN)
			return tls_error(conn, r);
		if (!started && !in_message)
			return -EAGAIN;
		if (++stalls >= conn->idle_limit)
			return -ETIMEDOUT;
	}
	return 0;
}

static int recv_buffer(struct syncmirror_connection *conn, void *buf,
		       size_t len, bool in_message)
{
	struct kvec vec = { .iov_base = buf, .iov_len = len };
	struct iov_iter iter;

	iov_iter_kvec(&iter, ITER_DEST, &vec, 1, len);
	return recv_iter(conn, &iter, in_message);
}

/* A header, decoded and checked; -EBADMSG with *error on a bad one. */
static int recv_header(struct syncmirror_connection *conn,
		       struct syncmirror_msg *msg, const char **error)
{
	struct syncmirror_wire_header header;
	int r;

	r = recv_buffer(conn, &header, sizeof(header), false);
	if (r)
		return r;
	return syncmirror_wire_decode_header(&header, msg, error);
}

/* A small payload (hello, error text) into @buf of @max bytes. */
static int recv_small_payload(struct syncmirror_connection *conn,
			      const struct syncmirror_msg *msg, void *buf,
			      size_t max, const char **error)
{
	int r;

	if (msg->payload_len > max) {
		*error = "unexpected payload";
		return -EBADMSG;
	}
	r = recv_buffer(conn, buf, msg->payload_len, true);
	if (r)
		return r;
	if (syncmirror_wire_crc32c(buf, msg->payload_len) != msg->payload_csum) {
		*error = "payload checksum mismatch";
		return -EBADMSG;
	}
	return 0;
}

static const char *lost_reason(int r)
{
	switch (r) {
	case -ECONNRESET:
	case -EPIPE:
		return "the peer closed the connection";
	case -ETIMEDOUT:
	case -EAGAIN:
		return "the peer stopped answering";
	case -EBADMSG:
		return "the peer sent a malformed message";
	case -EKEYREJECTED:
		return "a TLS record failed authentication (altered on the way?)";
	case -ENOMSG:
		return "the peer sent a TLS record that is not data (an alert?)";
	default:
		return "socket error";
	}
}

/* A receive failed with @r: end the link, answering a malformed message. */
static void receive_failed(struct syncmirror_connection *conn, int r,
			   const char *error, bool hello)
{
	if (r == -EBADMSG) {
		DMERR_LIMIT("%s: bad %s from the peer: %s", conn->vol->name,
			    hello ? "hello" : "message", error);
		end_link(conn, SYNCMIRROR_CONN_LOST, lost_reason(r),
			 SYNCMIRROR_WIRE_ERROR, SYNCMIRROR_WIRE_ERR_PROTOCOL);
		return;
	}
	end_link(conn, SYNCMIRROR_CONN_LOST, lost_reason(r), 0, 0);
}

/* Before the send thread runs, the receive thread sends for itself. */
static void send_error_now(struct syncmirror_connection *conn, u32 code)
{
	struct syncmirror_msg msg = {
		.type = SYNCMIRROR_WIRE_ERROR, .status = code,
	};

	send_message(conn, &msg, NULL, NULL);
}

/* Hello both ways.  Returns 0 once connected, else the link is finished. */
static int handshake(struct syncmirror_connection *conn)
{
	union {
		struct syncmirror_wire_hello hello;
		char text[SYNCMIRROR_WIRE_MAX_ERROR_TEXT];
	} payload;
	struct syncmirror_wire_hello wire;
	struct syncmirror_hello remote;
	struct syncmirror_msg msg = {
		.type = SYNCMIRROR_WIRE_HELLO,
		.payload_len = sizeof(wire),
	};
	struct syncmirror_sync_decision decision;
	enum syncmirror_wire_error verdict;
	const char *error = NULL;
	bool reverted;
	int waited = 0;
	u16 version;
	int r;

	conn->local.role = READ_ONCE(conn->vol->role);
	/*
	 * The peer must not learn a generation no write completed in; the
	 * writes held in it fail (their data may reach the peer by resync,
	 * but none was reported done).
	 */
	r = syncmirror_volume_hello(conn->vol, &conn->local, &reverted);
	if (r) {
		end_link(conn, SYNCMIRROR_CONN_LOST,
			 "cannot give up a pending generation", 0, 0);
		return r;
	}
	if (reverted)
		syncmirror_quorum_fail_held_writes(conn->vol,
						   "their generation was given up for the peer link");
	syncmirror_wire_encode_hello(&conn->local, &wire);
	r = send_message(conn, &msg, &wire, NULL);
	if (r) {
		end_link(conn, SYNCMIRROR_CONN_LOST, lost_reason(r), 0, 0);
		return r;
	}

	do {
		r = recv_header(conn, &msg, &error);
	} while (r == -EAGAIN && ++waited < HELLO_TIMEOUT);
	if (!r)
		r = recv_small_payload(conn, &msg, &payload, sizeof(payload),
				       &error);
	if (r) {
		if (r == -EBADMSG)
			send_error_now(conn, SYNCMIRROR_WIRE_ERR_PROTOCOL);
		receive_failed(conn, r, error, true);
		return r;
	}
	if (msg.type == SYNCMIRROR_WIRE_ERROR) {
		end_link(conn, SYNCMIRROR_CONN_REFUSED,
			 wire_error_reason(msg.status), 0, 0);
		return -EPROTO;
	}
	if (msg.type != SYNCMIRROR_WIRE_HELLO) {
		send_error_now(conn, SYNCMIRROR_WIRE_ERR_PROTOCOL);
		end_link(conn, SYNCMIRROR_CONN_REFUSED,
			 "the peer did not start with hello", 0, 0);
		return -EPROTO;
	}

	r = syncmirror_wire_decode_hello(&payload.hello, msg.payload_len,
					 &remote);
	verdict = r ? SYNCMIRROR_WIRE_ERR_PROTOCOL :
		  syncmirror_wire_check_hello(&conn->local, &remote, &version);
	if (!r && verdict == SYNCMIRROR_WIRE_ERR_NONE &&
	    !syncmirror_wire_hello_size_ok(version, msg.payload_len)) {
		send_error_now(conn, SYNCMIRROR_WIRE_ERR_PROTOCOL);
		receive_failed(conn, -EBADMSG,
			       "hello payload has the wrong size for its version",
			       true);
		return -EBADMSG;
	}
	/*
	 * Two primaries are refused either way, but when their copies split
	 * that is the news: both were promoted apart and wrote.
	 */
	if (verdict == SYNCMIRROR_WIRE_ERR_NONE ||
	    (verdict == SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY &&
	     conn->local.region_shift == remote.region_shift)) {
		enum syncmirror_wire_error v;

		v = syncmirror_wire_sync_verdict(&conn->local, &remote,
						 &decision);
		if (verdict == SYNCMIRROR_WIRE_ERR_NONE || decision.split_brain)
			verdict = v ? v : verdict;
		conn->sync_verdict = decision.verdict;
		syncmirror_split_brain_note(conn->vol, &conn->local, &remote,
					    &decision,
					    verdict == SYNCMIRROR_WIRE_ERR_NONE);
	}
	if (verdict != SYNCMIRROR_WIRE_ERR_NONE) {
		DMWARN("%s: peer node %u refused: %s", conn->vol->name,
		       remote.node_id, wire_error_reason(verdict));
		send_error_now(conn, verdict);
		end_link(conn, SYNCMIRROR_CONN_REFUSED,
			 wire_error_reason(verdict), 0, 0);
		return -EPROTO;
	}

	/* Settled before the send thread starts; see the hello features. */
	conn->data_csum = !(conn->local.features & remote.features &
			    SYNCMIRROR_WIRE_FEAT_NO_DATA_CSUM);
	if (!conn->tls_cipher)
		DMWARN("%s: link to peer node %u is not encrypted (transport security none)",
		       conn->vol->name, remote.node_id);

	spin_lock_irq(&conn->lock);
	conn->peer_node_id = remote.node_id;
	conn->peer_role = remote.role;
	conn->remote = remote;
	if (!conn->dead)
		record_state(conn, SYNCMIRROR_CONN_CONNECTED, "hello agreed");
	spin_unlock_irq(&conn->lock);
	return 0;
}

/*
 * What the send thread sends next, in priority order: the last message of
 * an ended link, a pong, a ping, our role, then the queue.  A request gets
 * its number and a slot here; with no free slot it waits.  Must be called
 * with conn->lock held.
 */
enum pick { PICK_NONE, PICK_MESSAGE, PICK_LAST, PICK_END };

static enum pick pick_message(struct syncmirror_connection *conn,
			      struct syncmirror_msg *msg,
			      struct syncmirror_send **sendp)
{
	struct syncmirror_send *send, **slot;

	lockdep_assert_held(&conn->lock);
	memset(msg, 0, sizeof(*msg));
	*sendp = NULL;

	if (conn->dead) {
		if (!conn->final_type)
			return PICK_END;
		msg->type = conn->final_type;
		msg->status = conn->final_status;
		conn->final_type = 0;
		return PICK_LAST;
	}
	if (conn->pong_due) {
		conn->pong_due = false;
		msg->type = SYNCMIRROR_WIRE_PING_ACK;
		msg->seq = conn->pong_seq;
		return PICK_MESSAGE;
	}
	if (conn->ping_due) {
		conn->ping_due = false;
		msg->type = SYNCMIRROR_WIRE_PING;
		msg->seq = conn->ping_seq;
		return PICK_MESSAGE;
	}
	if (conn->state_due) {
		conn->state_due = false;
		msg->type = SYNCMIRROR_WIRE_STATE;
		msg->status = READ_ONCE(conn->vol->role);
		return PICK_MESSAGE;
	}

	send = list_first_entry_or_null(&conn->send_queue,
					struct syncmirror_send, entry);
	if (!send)
		return PICK_NONE;
	if (syncmirror_wire_is_request(send->type)) {
		slot = &conn->slots[conn->next_seq % SYNCMIRROR_SLOTS];
		if (*slot)
			return PICK_NONE;
		send->seq = conn->next_seq++;
		send->sending = true;
		send->early_ack = false;
		*slot = send;
	}
	list_del_init(&send->entry);

	msg->type = send->type;
	msg->flags = send->flags;
	msg->seq = send->seq;
	msg->sector = send->sector;
	msg->size = send->size;
	msg->status = send->status;
	msg->payload_len = send->data || send->buf ? send->size : 0;
	/* VERIFY and READ name a range they carry no data of. */
	if (send->type == SYNCMIRROR_WIRE_VERIFY ||
	    send->type == SYNCMIRROR_WIRE_READ)
		msg->payload_len = 0;
	*sendp = send;
	return PICK_MESSAGE;
}

static bool sender_has_work(struct syncmirror_connection *conn)
{
	struct syncmirror_send *head;
	bool work;

	spin_lock_irq(&conn->lock);
	head = list_first_entry_or_null(&conn->send_queue,
					struct syncmirror_send, entry);
	work = conn->dead || conn->pong_due || conn->ping_due ||
	       conn->state_due ||
	       (head && (!syncmirror_wire_is_request(head->type) ||
			 !conn->slots[conn->next_seq % SYNCMIRROR_SLOTS]));
	spin_unlock_irq(&conn->lock);
	return work;
}

static void park(void)
{
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
}

/*
 * The ACKs (and other messages) still queued on an ended link are dropped
 * at once: they hold payload pages the receive thread may be waiting for.
 */
static void drop_acks(struct syncmirror_connection *conn)
{
	struct syncmirror_send *send, *next;
	LIST_HEAD(acks);

	spin_lock_irq(&conn->lock);
	list_for_each_entry_safe(send, next, &conn->send_queue, entry)
		if (!syncmirror_wire_is_request(send->type))
			list_move_tail(&send->entry, &acks);
	spin_unlock_irq(&conn->lock);

	list_for_each_entry_safe(send, next, &acks, entry) {
		list_del_init(&send->entry);
		send->done(send, 0);
	}
}

/*
 * @send is on the wire.  A peer that acknowledged it before it was all
 * sent (broken, or hostile) had its ACK held back: complete it now, once
 * nothing reads its pages any more.
 */
static void request_sent(struct syncmirror_connection *conn,
			 struct syncmirror_send *send)
{
	bool early;
	int status;

	spin_lock_irq(&conn->lock);
	send->sending = false;
	send->sent_at = jiffies;
	early = send->early_ack;
	status = send->early_status;
	if (early)
		conn->slots[send->seq % SYNCMIRROR_SLOTS] = NULL;
	spin_unlock_irq(&conn->lock);
	if (early) {
		wake_up(&conn->send_wait);
		send->done(send, status);
	}
}

static int sender_thread(void *data)
{
	struct syncmirror_connection *conn = data;
	unsigned int noio = memalloc_noio_save();

	for (;;) {
		struct syncmirror_send *send;
		struct syncmirror_msg msg;
		enum pick pick;
		bool is_ack;
		int r;

		wait_event_interruptible(conn->send_wait,
					 sender_has_work(conn) ||
					 kthread_should_stop());
		spin_lock_irq(&conn->lock);
		pick = pick_message(conn, &msg, &send);
		conn->send_busy = pick == PICK_MESSAGE || pick == PICK_LAST;
		conn->send_began = jiffies;
		spin_unlock_irq(&conn->lock);
		if (pick == PICK_END)
			break;
		if (pick == PICK_NONE) {
			if (kthread_should_stop())
				break;
			continue;
		}

		is_ack = send && !syncmirror_wire_is_request(send->type);
		r = send_message(conn, &msg,
				 send && msg.payload_len ? send->buf : NULL,
				 send && msg.payload_len ? send->data : NULL);
		spin_lock_irq(&conn->lock);
		conn->send_busy = false;
		spin_unlock_irq(&conn->lock);
		if (is_ack)
			send->done(send, 0);
		else if (send)
			request_sent(conn, send);
		if (pick == PICK_LAST) {
			kernel_sock_shutdown(conn->sock, SHUT_RDWR);
			break;
		}
		if (r) {
			/* Nothing more fits in a stream broken mid-message. */
			spin_lock_irq(&conn->lock);
			conn->final_type = 0;
			spin_unlock_irq(&conn->lock);
			end_link(conn, SYNCMIRROR_CONN_LOST, lost_reason(r),
				 0, 0);
		}
	}
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	drop_acks(conn);
	complete(&conn->sender_done);
	memalloc_noio_restore(noio);
	park();
	return 0;
}

static void queue_control(struct syncmirror_connection *conn, bool *due)
{
	spin_lock_irq(&conn->lock);
	*due = true;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wait);
}

/*
 * The data of a READ the peer answered, into the reading bio's pages.
 * Only the receive thread completes requests, so @send stays in its slot
 * meanwhile; on failure the link's sweep fails it.
 */
static int receive_read_data(struct syncmirror_connection *conn,
			     const struct syncmirror_msg *msg,
			     struct syncmirror_send *send, const char **error)
{
	struct bio *bio = send->data;
	struct bvec_iter iter;
	struct iov_iter to;
	struct bio_vec bvec;
	unsigned int nr = 0;
	int r;

	if (msg->status ? msg->payload_len : msg->payload_len != send->size) {
		*error = "read answer of the wrong size";
		return -EBADMSG;
	}
	if (!msg->payload_len)
		return 0;
	bio_for_each_bvec(bvec, bio, iter)
		nr++;
	iov_iter_bvec(&to, ITER_DEST,
		      __bvec_iter_bvec(bio->bi_io_vec, bio->bi_iter), nr,
		      bio->bi_iter.bi_size);
	to.iov_offset = bio->bi_iter.bi_bvec_done;
	r = recv_iter(conn, &to, true);
	if (!r && conn->data_csum &&
	    bio_payload_crc32c(bio) != msg->payload_csum) {
		*error = "payload checksum mismatch";
		r = -EBADMSG;
	}
	return r;
}

/* The peer acknowledged request @msg->seq. */
static int receive_ack(struct syncmirror_connection *conn,
		       const struct syncmirror_msg *msg, const char **error)
{
	struct syncmirror_send *send, **slot;
	int status = msg->status;
	int r;

	if (status < 0 || status > MAX_ERRNO)
		status = EIO;

	spin_lock_irq(&conn->lock);
	slot = &conn->slots[msg->seq % SYNCMIRROR_SLOTS];
	send = *slot;
	if (!send || send->seq != msg->seq || send->early_ack) {
		spin_unlock_irq(&conn->lock);
		*error = "acknowledgment of no request in flight";
		return -EBADMSG;
	}
	if (send->type == SYNCMIRROR_WIRE_READ) {
		spin_unlock_irq(&conn->lock);
		r = receive_read_data(conn, msg, send, error);
		if (r)
			return r;
		spin_lock_irq(&conn->lock);
	} else if (msg->payload_len) {
		spin_unlock_irq(&conn->lock);
		*error = "data in the acknowledgment of a request that reads none";
		return -EBADMSG;
	}
	if (send->sending) {
		/* The send thread completes it once it stops reading it. */
		send->early_ack = true;
		send->early_status = status;
		send->reply = msg->size;
		spin_unlock_irq(&conn->lock);
		return 0;
	}
	*slot = NULL;
	send->reply = msg->size;
	spin_unlock_irq(&conn->lock);
	wake_up(&conn->send_wait);

	send->done(send, status);
	return 0;
}

/*
 * The peer is trusted as far as its role: what changes our copy (writes,
 * discards, write-zeroes, flushes) comes from a primary, or, for resync
 * writes, from the source of this link's resync; reads come from a
 * primary (a secondary has no opener to read for).  A verify only reads
 * a checksum, and either side runs one.
 */
static bool request_allowed(const struct syncmirror_connection *conn,
			    const struct syncmirror_msg *msg)
{
	bool primary = READ_ONCE(conn->peer_role) == SYNCMIRROR_ROLE_PRIMARY;
	bool source = conn->sync_verdict == SYNCMIRROR_SYNC_BE_SOURCE ||
		      conn->sync_verdict == SYNCMIRROR_SYNC_FULL_SOURCE;

	if (msg->type == SYNCMIRROR_WIRE_VERIFY)
		return true;
	/*
	 * Resync writes: from a primary, or from a secondary unless the
	 * hellos made this node the source (its copy is the newer one).  A
	 * resync started by hand between two secondaries comes after hellos
	 * that said neither.
	 */
	if (msg->type == SYNCMIRROR_WIRE_WRITE &&
	    (msg->flags & SYNCMIRROR_WIRE_F_RESYNC))
		return primary || !source;
	return primary;
}

/*
 * Room for @bytes more of the peer's requests in this link's budget of
 * pinned memory (what they read or carry until done): the receive thread
 * stops reading, and TCP holds the peer back, until our disk completes
 * enough.  A disk that does not, within the request deadline, ends the
 * link: -ETIMEDOUT.
 */
static int wait_pinned_budget(struct syncmirror_connection *conn,
			      unsigned int bytes)
{
	unsigned int ticks = DIV_ROUND_UP(conn->ping_timeout_ms, 1000) *
			     REQUEST_TIMEOUTS;

	/* In slices of a second: no task sleeps long in one wait. */
	while (READ_ONCE(conn->peer_pinned) + bytes >
	       SYNCMIRROR_PEER_PINNED_MAX) {
		if (kthread_should_stop() || READ_ONCE(conn->dead))
			return -EINTR;
		if (!ticks--)
			return -ETIMEDOUT;
		wait_event_timeout(conn->peer_writes_wait,
				   READ_ONCE(conn->peer_pinned) + bytes <=
				   SYNCMIRROR_PEER_PINNED_MAX ||
				   kthread_should_stop() ||
				   READ_ONCE(conn->dead), RECEIVE_TICK);
	}
	return 0;
}

/* A request of the peer: apply it to our disk, ACK once done. */
static int receive_request(struct syncmirror_connection *conn,
			   const struct syncmirror_msg *msg,
			   const char **error)
{
	struct syncmirror_peer_write *pw;
	struct iov_iter iter;
	int r;

	if (msg->type != SYNCMIRROR_WIRE_VERIFY &&
	    msg->type != SYNCMIRROR_WIRE_READ &&
	    READ_ONCE(conn->vol->role) != SYNCMIRROR_ROLE_SECONDARY) {
		*error = "the peer sent a write to a primary";
		return -EPERM;
	}
	if (!request_allowed(conn, msg)) {
		*error = msg->type == SYNCMIRROR_WIRE_READ ?
			 "a peer that is not primary asked to read" :
			 "a peer that is neither primary nor resync source sent a write";
		return -EPROTO;
	}
	if (msg->seq != conn->received_seq + 1) {
		*error = "request out of sequence";
		return -EBADMSG;
	}
	/* A stale or missing copy is no answer to a read. */
	if (msg->type == SYNCMIRROR_WIRE_READ &&
	    syncmirror_volume_disk_state(conn->vol) != SYNCMIRROR_DISK_UP_TO_DATE) {
		*error = "the peer asked to read a copy that is not up to date";
		return -EIO;
	}
	/* A peer keeps at most its slots in flight; more is an attack. */
	if (READ_ONCE(conn->peer_writes) >= 2 * SYNCMIRROR_SLOTS) {
		*error = "the peer has too many requests outstanding";
		return -EPROTO;
	}
	r = wait_pinned_budget(conn, syncmirror_request_pinned_bytes(msg));
	if (r) {
		*error = "this node's disk does not complete the peer's requests";
		return r;
	}
	conn->received_seq = msg->seq;

	pw = syncmirror_peer_write_alloc(conn, msg, error);
	if (!pw)
		return -EIO;
	if (msg->payload_len) {
		iov_iter_bvec(&iter, ITER_DEST, pw->bio.bi_io_vec,
			      pw->bio.bi_vcnt, msg->payload_len);
		r = recv_iter(conn, &iter, true);
		if (!r && conn->data_csum &&
		    bio_payload_crc32c(&pw->bio) != msg->payload_csum) {
			*error = "payload checksum mismatch";
			r = -EBADMSG;
		}
		if (r) {
			syncmirror_peer_write_abort(pw);
			return r;
		}
	}
	if (msg->flags & SYNCMIRROR_WIRE_F_RESYNC)
		syncmirror_resync_received(conn->vol, msg->size);
	syncmirror_peer_write_submit(pw);
	return 0;
}

/* Part of the sync target's bitmap, for the sync source. */
static int receive_bitmap(struct syncmirror_connection *conn,
			  const struct syncmirror_msg *msg,
			  const char **error)
{
	__le64 *words = NULL;
	int r;

	if (msg->payload_len) {
		words = kvmalloc(msg->payload_len, GFP_KERNEL);
		if (!words) {
			*error = "cannot allocate for the peer's bitmap";
			return -EIO;
		}
		r = recv_small_payload(conn, msg, words, msg->payload_len,
				       error);
		if (r)
			goto out;
	}
	r = syncmirror_resync_receive_bitmap(conn->vol, msg->sector, words,
					     msg->payload_len / sizeof(*words),
					     msg->flags & SYNCMIRROR_WIRE_F_LAST,
					     error);
out:
	kvfree(words);
	return r;
}

static int receive_resync_done(struct syncmirror_connection *conn,
			       const struct syncmirror_msg *msg,
			       const char **error)
{
	struct syncmirror_wire_resync_done done;
	int r;

	r = recv_small_payload(conn, msg, &done, sizeof(done), error);
	if (r)
		return r;
	return syncmirror_resync_receive_done(conn->vol,
					      be64_to_cpu(done.current_uuid),
					      error);
}

/* The peer's role changed. */
static int receive_state(struct syncmirror_connection *conn,
			 const struct syncmirror_msg *msg, const char **error)
{
	if (msg->status != SYNCMIRROR_ROLE_PRIMARY &&
	    msg->status != SYNCMIRROR_ROLE_SECONDARY) {
		*error = "unknown role";
		return -EBADMSG;
	}
	if (msg->status == SYNCMIRROR_ROLE_PRIMARY &&
	    READ_ONCE(conn->vol->role) == SYNCMIRROR_ROLE_PRIMARY) {
		*error = "both nodes are primary";
		return -EPERM;
	}
	spin_lock_irq(&conn->lock);
	conn->peer_role = msg->status;
	spin_unlock_irq(&conn->lock);
	if (msg->status == SYNCMIRROR_ROLE_PRIMARY)
		syncmirror_resync_peer_primary(conn->vol);
	syncmirror_volume_notify(conn->vol, SYNCMIRROR_EVENT_CONNECTION);
	return 0;
}

/*
 * Handle one message after the hello.  Returns 0 to go on, 1 when the
 * message ended the link, or a negative errno (with *error) for a message
 * that must end it: -EPROTO a valid but unexpected message, -EPERM one
 * that shows both nodes are primary, -EIO a request this node cannot
 * apply, anything else as for a failed receive.
 */
static int receive_message(struct syncmirror_connection *conn,
			   const struct syncmirror_msg *msg,
			   const char **error)
{
	char text[SYNCMIRROR_WIRE_MAX_ERROR_TEXT];
	int r;

	switch (msg->type) {
	case SYNCMIRROR_WIRE_ACK:
		return receive_ack(conn, msg, error);
	case SYNCMIRROR_WIRE_WRITE:
	case SYNCMIRROR_WIRE_DISCARD:
	case SYNCMIRROR_WIRE_WRITE_ZEROES:
	case SYNCMIRROR_WIRE_FLUSH:
	case SYNCMIRROR_WIRE_VERIFY:
	case SYNCMIRROR_WIRE_READ:
		return receive_request(conn, msg, error);
	case SYNCMIRROR_WIRE_BITMAP:
		return receive_bitmap(conn, msg, error);
	case SYNCMIRROR_WIRE_RESYNC_DONE:
		return receive_resync_done(conn, msg, error);
	case SYNCMIRROR_WIRE_PING:
		spin_lock_irq(&conn->lock);
		conn->pong_seq = msg->seq;
		spin_unlock_irq(&conn->lock);
		queue_control(conn, &conn->pong_due);
		return 0;
	case SYNCMIRROR_WIRE_PING_ACK:
		return 0;
	case SYNCMIRROR_WIRE_STATE:
		return receive_state(conn, msg, error);
	case SYNCMIRROR_WIRE_DISCONNECT:
		end_link(conn, SYNCMIRROR_CONN_LOST, "the peer disconnected",
			 0, 0);
		return 1;
	case SYNCMIRROR_WIRE_ERROR:
		r = recv_small_payload(conn, msg, text, sizeof(text), error);
		if (r)
			return r;
		end_link(conn, SYNCMIRROR_CONN_LOST,
			 wire_error_reason(msg->status), 0, 0);
		return 1;
	default:
		*error = "the peer sent an unexpected message";
		return -EPROTO;
	}
}

/*
 * Where a message stands at @now against its deadline, @limit after
 * @since: when its send began while it is not all sent, when it was all
 * sent while a request waits for its ACK (@all_sent).  A peer that
 * answers pings but never completes a request (its disk hangs), and one
 * that takes what is sent a few bytes at a time, are as good as dead.
 * Pure; jiffies may wrap.
 */
enum syncmirror_deadline
syncmirror_request_deadline(unsigned long since, bool all_sent,
			    unsigned long now, unsigned long limit)
{
	if (!time_after(now, since + limit))
		return SYNCMIRROR_DEADLINE_MET;
	return all_sent ? SYNCMIRROR_DEADLINE_UNACKED :
			  SYNCMIRROR_DEADLINE_UNSENT;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_request_deadline);

/*
 * The worst of the message being sent (a request or not: a slow BITMAP
 * holds up the requests behind it just the same) and the requests waiting
 * for their ACK.
 */
static enum syncmirror_deadline
link_deadline(struct syncmirror_connection *conn)
{
	unsigned long limit = msecs_to_jiffies(conn->ping_timeout_ms) *
			      REQUEST_TIMEOUTS;
	enum syncmirror_deadline worst = SYNCMIRROR_DEADLINE_MET, d;
	unsigned long now = jiffies;
	struct syncmirror_send *send;
	unsigned int i;

	spin_lock_irq(&conn->lock);
	if (conn->send_busy)
		worst = syncmirror_request_deadline(conn->send_began, false,
						    now, limit);
	for (i = 0; i < SYNCMIRROR_SLOTS; i++) {
		send = conn->slots[i];
		if (!send || send->sending)
			continue;
		d = syncmirror_request_deadline(send->sent_at, true, now,
						limit);
		worst = max(worst, d);
	}
	spin_unlock_irq(&conn->lock);
	return worst;
}

/*
 * Once a receive tick, end the link if a message missed its deadline.
 * True when it did.  A message not all sent can never be followed by a
 * DISCONNECT: the socket is shut down at once.  Receive thread only (also
 * while a message of the peer arrives, which may be slow too).
 */
static bool deadline_missed(struct syncmirror_connection *conn)
{
	unsigned int seconds = REQUEST_TIMEOUTS * conn->ping_timeout_ms / 1000;

	if (!time_after(jiffies, conn->next_check))
		return false;
	conn->next_check = jiffies + RECEIVE_TICK;
	switch (link_deadline(conn)) {
	case SYNCMIRROR_DEADLINE_MET:
		return false;
	case SYNCMIRROR_DEADLINE_UNSENT:
		DMERR("%s: a message is not all sent after %u s: the peer reads too slowly",
		      conn->vol->name, seconds);
		end_link(conn, SYNCMIRROR_CONN_LOST,
			 "the peer does not take requests in time", 0, 0);
		return true;
	case SYNCMIRROR_DEADLINE_UNACKED:
		DMERR("%s: the peer has not completed a write for %u s",
		      conn->vol->name, seconds);
		end_link(conn, SYNCMIRROR_CONN_LOST,
			 "the peer does not complete writes",
			 SYNCMIRROR_WIRE_DISCONNECT, 0);
		return true;
	}
	return false;
}

static void receive_loop(struct syncmirror_connection *conn)
{
	const char *error = NULL;
	struct syncmirror_msg msg;
	unsigned int idle = 0;
	int r;

	conn->next_check = jiffies + RECEIVE_TICK;
	while (!kthread_should_stop()) {
		if (deadline_missed(conn))
			return;
		r = recv_header(conn, &msg, &error);
		if (r == -EAGAIN) {
			if (++idle >= conn->idle_limit) {
				end_link(conn, SYNCMIRROR_CONN_LOST,
					 "the peer stopped answering", 0, 0);
				return;
			}
			spin_lock_irq(&conn->lock);
			conn->ping_seq++;
			spin_unlock_irq(&conn->lock);
			queue_control(conn, &conn->ping_due);
			continue;
		}
		if (!r) {
			idle = 0;
			r = receive_message(conn, &msg, &error);
		}
		if (r == 1)
			return;
		if (r == -EPROTO || r == -EPERM) {
			DMERR_LIMIT("%s: %s", conn->vol->name, error);
			end_link(conn, SYNCMIRROR_CONN_LOST, error,
				 SYNCMIRROR_WIRE_ERROR, r == -EPERM ?
				 SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY :
				 SYNCMIRROR_WIRE_ERR_PROTOCOL);
			return;
		}
		if (r == -EIO) {
			DMERR_LIMIT("%s: cannot apply the peer's write: %s",
				    conn->vol->name, error);
			end_link(conn, SYNCMIRROR_CONN_LOST, error,
				 SYNCMIRROR_WIRE_DISCONNECT, 0);
			return;
		}
		if (r) {
			receive_failed(conn, r, error, false);
			return;
		}
	}
}

/* Complete every request still queued or unacknowledged; drop ACKs. */
static void sweep(struct syncmirror_connection *conn)
{
	struct syncmirror_send *send, *next;
	LIST_HEAD(swept);
	unsigned int i;

	spin_lock_irq(&conn->lock);
	list_splice_init(&conn->send_queue, &swept);
	for (i = 0; i < SYNCMIRROR_SLOTS; i++) {
		if (conn->slots[i])
			list_add_tail(&conn->slots[i]->entry, &swept);
		conn->slots[i] = NULL;
	}
	spin_unlock_irq(&conn->lock);

	list_for_each_entry_safe(send, next, &swept, entry) {
		list_del_init(&send->entry);
		send->done(send, syncmirror_wire_is_request(send->type) ?
			   -ENOTCONN : 0);
	}
}

static int receiver_thread(void *data)
{
	struct syncmirror_connection *conn = data;
	unsigned int noio = memalloc_noio_save();
	struct task_struct *sender = NULL;
	bool connected = false;

	if (!handshake(conn)) {
		sender = kthread_create(sender_thread, conn, "smsend/%u",
					conn->local.node_id);
		spin_lock_irq(&conn->lock);
		if (IS_ERR(sender) || conn->dead) {
			spin_unlock_irq(&conn->lock);
			if (!IS_ERR(sender))
				kthread_stop(sender);
			sender = NULL;
			end_link(conn, SYNCMIRROR_CONN_LOST,
				 "cannot start the send thread", 0, 0);
		} else {
			conn->sender = sender;
			spin_unlock_irq(&conn->lock);
			wake_up_process(sender);
			connected = true;
			if (!syncmirror_resync_link_up(conn->vol, conn,
						       &conn->remote,
						       conn->sync_verdict)) {
				syncmirror_volume_notify(conn->vol,
							 SYNCMIRROR_EVENT_CONNECTION);
				receive_loop(conn);
			}
		}
	}

	/* The link is finished: let the send thread go, then sweep. */
	end_link(conn, SYNCMIRROR_CONN_LOST, "the link ended", 0, 0);
	if (sender &&
	    !wait_for_completion_timeout(&conn->sender_done,
					 msecs_to_jiffies(conn->ping_timeout_ms))) {
		/* Its last message is stuck behind a slow peer: give it up. */
		kernel_sock_shutdown(conn->sock, SHUT_RDWR);
		wait_for_completion(&conn->sender_done);
	}
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	sweep(conn);
	if (connected) {
		syncmirror_resync_link_down(conn->vol);
		/* The peer's disk cache may have lost what it acknowledged. */
		syncmirror_volume_mark_unflushed(conn->vol);
	}
	memalloc_noio_restore(noio);
	/*
	 * News only now, when every request knows its fate (and so does
	 * the volume's divergence), and never while writes wait for it.
	 */
	if (!READ_ONCE(conn->stopping))
		syncmirror_volume_notify(conn->vol,
					 SYNCMIRROR_EVENT_CONNECTION);
	park();
	return 0;
}

/*
 * Queue @send for the peer.  False when the link cannot take it (not
 * connected, or ended): a request then has no peer half.  Any context.
 */
bool syncmirror_connection_submit(struct syncmirror_connection *conn,
				  struct syncmirror_send *send)
{
	unsigned long flags;
	bool queued;

	spin_lock_irqsave(&conn->lock, flags);
	queued = !conn->dead && (conn->state == SYNCMIRROR_CONN_CONNECTED ||
				 send->type == SYNCMIRROR_WIRE_ACK);
	if (queued)
		list_add_tail(&send->entry, &conn->send_queue);
	spin_unlock_irqrestore(&conn->lock, flags);
	if (queued)
		wake_up(&conn->send_wait);
	return queued;
}

/*
 * End the link with ERROR @code: the copies diverged while it was up.  No
 * lock needed; may be called with the volumes lock held.
 */
void syncmirror_connection_refuse(struct syncmirror_connection *conn,
				  u32 code)
{
	end_link(conn, SYNCMIRROR_CONN_REFUSED, wire_error_reason(code),
		 SYNCMIRROR_WIRE_ERROR, code);
}

void syncmirror_connection_get_peer_write(struct syncmirror_connection *conn,
					  unsigned int bytes)
{
	spin_lock_irq(&conn->lock);
	conn->peer_writes++;
	conn->peer_pinned += bytes;
	spin_unlock_irq(&conn->lock);
}

/*
 * Any context.  The waker holds the lock the waiter frees @conn after.
 * Wakes the teardown (no peer write left) and the receive thread (room in
 * the budget of pinned bytes).
 */
void syncmirror_connection_put_peer_write(struct syncmirror_connection *conn,
					  unsigned int bytes)
{
	unsigned long flags;

	spin_lock_irqsave(&conn->lock, flags);
	conn->peer_writes--;
	conn->peer_pinned -= bytes;
	wake_up(&conn->peer_writes_wait);
	spin_unlock_irqrestore(&conn->lock, flags);
}

/* Our role changed: tell the peer. */
void syncmirror_connection_role_changed(struct syncmirror_connection *conn)
{
	queue_control(conn, &conn->state_due);
}

/*
 * The cipher of the kernel TLS 1.3 that userspace installed on @sk in both
 * directions (TLS_TX and TLS_RX after its handshake), or 0.  Once that is
 * so, every byte we send or receive goes through TLS records, and a record
 * that is not application data (an alert, a late handshake message) fails
 * our receive with -EIO: we pass no control buffer to take its type.
 */
u16 syncmirror_sock_tls13_cipher(struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	const struct tls_context *ctx;
	u16 cipher = 0;

	lock_sock(sk);
	if (icsk->icsk_ulp_ops && !strcmp(icsk->icsk_ulp_ops->name, "tls")) {
		ctx = tls_get_ctx(sk);
		if (ctx && ctx->tx_conf != TLS_BASE &&
		    ctx->rx_conf != TLS_BASE &&
		    ctx->prot_info.version == TLS_1_3_VERSION)
			cipher = ctx->prot_info.cipher_type;
	}
	release_sock(sk);
	return cipher;
}

/*
 * Take over the socket behind @fd (in the caller's file table) and start
 * the protocol on it.  Called from netlink, in the caller's context.
 */
struct syncmirror_connection *
syncmirror_connection_start(struct syncmirror_volume *vol, int fd,
			    const struct syncmirror_link_options *opts,
			    struct netlink_ext_ack *extack)
{
	unsigned int ping_timeout_ms = opts->ping_timeout_ms;
	struct syncmirror_connection *conn;
	struct socket *sock;
	bool no_csum;
	u16 cipher;
	int r;

	sock = sockfd_lookup(fd, &r);
	if (!sock) {
		NL_SET_ERR_MSG(extack, "the file descriptor is not an open socket");
		return ERR_PTR(r);
	}
	if (!sk_is_tcp(sock->sk) ||
	    READ_ONCE(sock->sk->sk_state) != TCP_ESTABLISHED) {
		sockfd_put(sock);
		NL_SET_ERR_MSG(extack, "not a connected TCP socket");
		return ERR_PTR(-EINVAL);
	}
	/* Before anything of the socket changes: it may be a live link's. */
	if (syncmirror_volume_socket_in_use(sock->sk)) {
		sockfd_put(sock);
		NL_SET_ERR_MSG(extack, "the socket is another volume's link already");
		return ERR_PTR(-EBUSY);
	}
	cipher = syncmirror_sock_tls13_cipher(sock->sk);
	if (!cipher && opts->security != SYNCMIRROR_SECURITY_NONE) {
		sockfd_put(sock);
		NL_SET_ERR_MSG(extack,
			       "the socket has no kernel TLS 1.3 in both directions (transport security none not asked for)");
		return ERR_PTR(-EPROTONOSUPPORT);
	}
	no_csum = opts->data_csum == SYNCMIRROR_DATA_CSUM_OFF ||
		  (opts->data_csum == SYNCMIRROR_DATA_CSUM_AUTO && cipher);

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn) {
		sockfd_put(sock);
		NL_SET_ERR_MSG(extack, "out of memory");
		return ERR_PTR(-ENOMEM);
	}
	r = syncmirror_receiver_init(conn);
	if (r) {
		kfree(conn);
		sockfd_put(sock);
		NL_SET_ERR_MSG(extack, "out of memory");
		return ERR_PTR(r);
	}
	conn->vol = vol;
	conn->sock = sock;
	conn->ping_timeout_ms = ping_timeout_ms;
	conn->tls_cipher = cipher;
	conn->data_csum = true;
	conn->idle_limit = DIV_ROUND_UP(ping_timeout_ms, 1000);
	spin_lock_init(&conn->lock);
	INIT_LIST_HEAD(&conn->send_queue);
	init_waitqueue_head(&conn->send_wait);
	init_completion(&conn->sender_done);
	conn->state = SYNCMIRROR_CONN_HANDSHAKE;
	conn->reason = "hello sent";
	conn->since = ktime_get_real_seconds();
	conn->next_seq = 1;
	conn->local = (struct syncmirror_hello) {
		.version_min = SYNCMIRROR_WIRE_VERSION_MIN,
		.version_max = SYNCMIRROR_WIRE_VERSION,
		.volume_uuid = vol->md_info.volume_uuid,
		.data_sectors = vol->md_info.data_sectors,
		.node_id = vol->md_info.node_id,
		.max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD,
		.features = no_csum ? SYNCMIRROR_WIRE_FEAT_NO_DATA_CSUM : 0,
	};

	/*
	 * Receive timeouts are the keepalive's clock; a send may block as
	 * long as the peer may be silent.  The socket is on the I/O path:
	 * its allocations must not recurse into I/O and may use reserves.
	 */
	conn->saved_rcvtimeo = sock->sk->sk_rcvtimeo;
	conn->saved_sndtimeo = sock->sk->sk_sndtimeo;
	conn->saved_allocation = sock->sk->sk_allocation;
	sock->sk->sk_rcvtimeo = RECEIVE_TICK;
	sock->sk->sk_sndtimeo = msecs_to_jiffies(ping_timeout_ms);
	sock->sk->sk_allocation = GFP_NOIO | __GFP_MEMALLOC;
	sk_set_memalloc(sock->sk);
	tcp_sock_set_nodelay(sock->sk);

	/* Started by _go() once published: no write may miss the link. */
	conn->receiver = kthread_create(receiver_thread, conn, "smrecv/%u",
					vol->md_info.node_id);
	if (IS_ERR(conn->receiver)) {
		r = PTR_ERR(conn->receiver);
		syncmirror_receiver_exit(conn);
		sockfd_put(sock);
		kfree(conn);
		NL_SET_ERR_MSG(extack, "cannot start the connection thread");
		return ERR_PTR(r);
	}
	return conn;
}

/* The socket goes back to its owner as it came. */
static void release_socket(struct syncmirror_connection *conn)
{
	sk_clear_memalloc(conn->sock->sk);
	conn->sock->sk->sk_allocation = conn->saved_allocation;
	conn->sock->sk->sk_rcvtimeo = conn->saved_rcvtimeo;
	conn->sock->sk->sk_sndtimeo = conn->saved_sndtimeo;
	sockfd_put(conn->sock);
}

/*
 * Start the link's protocol.  Called once the volume publishes it: a write
 * the peer lacks from then on finds it and ends it (see peer_lacks()), so
 * no hello misses such a write.
 */
void syncmirror_connection_go(struct syncmirror_connection *conn)
{
	wake_up_process(conn->receiver);
}

/*
 * Close the link (with a DISCONNECT if it is up) and free it.  The caller
 * has unpublished it from the volume already.  Must be called without the
 * volumes lock: the threads take it to announce state changes.
 */
void syncmirror_connection_stop(struct syncmirror_connection *conn)
{
	/* The I/O path finds links under RCU: none may still see this one. */
	synchronize_rcu();

	spin_lock_irq(&conn->lock);
	conn->stopping = true;
	spin_unlock_irq(&conn->lock);
	end_link(conn, SYNCMIRROR_CONN_LOST, "stopped",
		 SYNCMIRROR_WIRE_DISCONNECT, 0);

	kthread_stop(conn->receiver);
	if (conn->sender)
		kthread_stop(conn->sender);
	spin_lock_irq(&conn->lock);
	wait_event_lock_irq(conn->peer_writes_wait, !conn->peer_writes,
			    conn->lock);
	spin_unlock_irq(&conn->lock);
	syncmirror_receiver_exit(conn);
	release_socket(conn);
	kfree(conn);
}
