// SPDX-License-Identifier: GPL-2.0-only
/*
 * Peer link: the socket userspace connected and authenticated (syncmirrord
 * or smctl connect), taken over through SYNCMIRROR_CMD_CONNECT, and the
 * thread that speaks wire protocol v1 on it (Documentation/
 * syncmirror-protocol.rst): hello both ways, then keepalive pings until
 * the link dies or is stopped.  Replication traffic will share the socket.
 *
 * Only the thread sends and receives, so the socket needs no lock yet.
 * Stopping shuts the socket down first, which ends any blocking receive.
 */

#include <linux/device-mapper.h>
#include <linux/kthread.h>
#include <linux/netlink.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <net/sock.h>

#include "syncmirror-connection.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

/*
 * Liveness: a ping after each second in which nothing arrived, the peer
 * lost after PING_TIMEOUT such seconds in a row.
 */
#define PING_INTERVAL	HZ
#define PING_TIMEOUT	5
#define HELLO_TIMEOUT	10

static const char *const wire_error_reasons[] = {
	[SYNCMIRROR_WIRE_ERR_NONE] = "no error",
	[SYNCMIRROR_WIRE_ERR_VERSION] = "no common protocol version",
	[SYNCMIRROR_WIRE_ERR_UUID] = "the peer has another volume UUID",
	[SYNCMIRROR_WIRE_ERR_SIZE] = "the peer's data size differs",
	[SYNCMIRROR_WIRE_ERR_NODE_ID] = "the peer has the same node id",
	[SYNCMIRROR_WIRE_ERR_PROTOCOL] = "protocol error",
	[SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED] = "a resync is needed",
};

static const char *wire_error_reason(u32 code)
{
	if (code < ARRAY_SIZE(wire_error_reasons))
		return wire_error_reasons[code];
	return "unknown error from the peer";
}

static void set_state(struct syncmirror_connection *conn, int state,
		      const char *reason)
{
	/* A link being stopped has no news: the stopper reports it. */
	if (READ_ONCE(conn->stopping))
		return;
	spin_lock(&conn->lock);
	conn->state = state;
	conn->reason = reason;
	conn->since = ktime_get_real_seconds();
	spin_unlock(&conn->lock);
	syncmirror_volume_notify(conn->vol, SYNCMIRROR_EVENT_CONNECTION);
}

void syncmirror_connection_get_state(struct syncmirror_connection *conn,
				     int *state, const char **reason,
				     u32 *peer_node_id, time64_t *since)
{
	spin_lock(&conn->lock);
	*state = conn->state;
	*reason = conn->reason;
	*peer_node_id = conn->peer_node_id;
	*since = conn->since;
	spin_unlock(&conn->lock);
}

static int send_message(struct syncmirror_connection *conn,
			struct syncmirror_msg *msg, void *payload)
{
	struct syncmirror_wire_header header;
	struct msghdr msghdr = { .msg_flags = MSG_NOSIGNAL };
	struct kvec vec[2] = {
		{ .iov_base = &header, .iov_len = sizeof(header) },
		{ .iov_base = payload, .iov_len = msg->payload_len },
	};
	size_t len = sizeof(header) + msg->payload_len;
	int r;

	msg->payload_csum = syncmirror_wire_crc32c(payload, msg->payload_len);
	syncmirror_wire_encode_header(msg, &header);
	r = kernel_sendmsg(conn->sock, &msghdr, vec, payload ? 2 : 1, len);
	if (r < 0)
		return r;
	return r == len ? 0 : -EIO;
}

static int send_simple(struct syncmirror_connection *conn, u16 type, u64 seq,
		       u32 status)
{
	struct syncmirror_msg msg = {
		.type = type, .seq = seq, .status = status,
	};

	return send_message(conn, &msg, NULL);
}

/*
 * Receive exactly @len bytes.  At the start of a message (!@in_message) a
 * receive timeout with nothing read is an idle tick, -EAGAIN; inside one,
 * timeouts count as stalls and only PING_TIMEOUT of them give -ETIMEDOUT.
 * -ECONNRESET when the peer closed.
 */
static int recv_exact(struct syncmirror_connection *conn, void *buf,
		      size_t len, bool in_message)
{
	size_t done = 0;
	int stalls = 0;
	int r;

	while (done < len) {
		struct kvec vec = { .iov_base = buf + done,
				    .iov_len = len - done };
		struct msghdr msghdr = { .msg_flags = MSG_NOSIGNAL };

		if (kthread_should_stop())
			return -EINTR;
		r = kernel_recvmsg(conn->sock, &msghdr, &vec, 1, len - done,
				   MSG_WAITALL);
		if (r > 0) {
			done += r;
			continue;
		}
		if (!r)
			return -ECONNRESET;
		if (r != -EAGAIN)
			return r;
		if (!done && !in_message)
			return -EAGAIN;
		if (++stalls >= PING_TIMEOUT)
			return -ETIMEDOUT;
	}
	return 0;
}

/*
 * Receive one message; a payload of at most @max bytes goes to @payload.
 * Callers give room for SYNCMIRROR_WIRE_MAX_ERROR_TEXT so that an ERROR
 * with its text is never mistaken for a malformed message.
 */
static int recv_message(struct syncmirror_connection *conn,
			struct syncmirror_msg *msg, void *payload, size_t max,
			const char **error)
{
	struct syncmirror_wire_header header;
	int r;

	r = recv_exact(conn, &header, sizeof(header), false);
	if (r)
		return r;
	r = syncmirror_wire_decode_header(&header, msg, error);
	if (r)
		return r;
	if (msg->payload_len > max) {
		*error = "unexpected payload";
		return -EBADMSG;
	}
	r = recv_exact(conn, payload, msg->payload_len, true);
	if (r)
		return r;
	if (syncmirror_wire_crc32c(payload, msg->payload_len) !=
	    msg->payload_csum) {
		*error = "payload checksum mismatch";
		return -EBADMSG;
	}
	return 0;
}

static const char *lost_reason(int r)
{
	switch (r) {
	case -ECONNRESET:
		return "the peer closed the connection";
	case -ETIMEDOUT:
	case -EAGAIN:
		return "the peer stopped answering";
	case -EBADMSG:
		return "the peer sent a malformed message";
	default:
		return "socket error";
	}
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
	enum syncmirror_wire_error verdict;
	const char *error = NULL;
	int waited = 0;
	u16 version;
	int r;

	syncmirror_wire_encode_hello(&conn->local, &wire);
	r = send_message(conn, &msg, &wire);
	if (r) {
		set_state(conn, SYNCMIRROR_CONN_LOST, lost_reason(r));
		return r;
	}

	do {
		r = recv_message(conn, &msg, &payload, sizeof(payload), &error);
	} while (r == -EAGAIN && ++waited < HELLO_TIMEOUT);
	if (r) {
		if (r == -EBADMSG) {
			DMERR_LIMIT("bad hello from the peer: %s", error);
			send_simple(conn, SYNCMIRROR_WIRE_ERROR, 0,
				    SYNCMIRROR_WIRE_ERR_PROTOCOL);
		}
		set_state(conn, SYNCMIRROR_CONN_LOST, lost_reason(r));
		return r;
	}
	if (msg.type == SYNCMIRROR_WIRE_ERROR) {
		set_state(conn, SYNCMIRROR_CONN_REFUSED,
			  wire_error_reason(msg.status));
		return -EPROTO;
	}
	if (msg.type != SYNCMIRROR_WIRE_HELLO) {
		send_simple(conn, SYNCMIRROR_WIRE_ERROR, 0,
			    SYNCMIRROR_WIRE_ERR_PROTOCOL);
		set_state(conn, SYNCMIRROR_CONN_REFUSED,
			  "the peer did not start with hello");
		return -EPROTO;
	}

	syncmirror_wire_decode_hello(&payload.hello, &remote);
	verdict = syncmirror_wire_check_hello(&conn->local, &remote, &version);
	if (verdict != SYNCMIRROR_WIRE_ERR_NONE) {
		send_simple(conn, SYNCMIRROR_WIRE_ERROR, 0, verdict);
		set_state(conn, SYNCMIRROR_CONN_REFUSED,
			  wire_error_reason(verdict));
		return -EPROTO;
	}

	spin_lock(&conn->lock);
	conn->peer_node_id = remote.node_id;
	spin_unlock(&conn->lock);
	set_state(conn, SYNCMIRROR_CONN_CONNECTED, "hello agreed");
	return 0;
}

/* Answer pings, send our own when idle, notice a dead or departing peer. */
static void keepalive(struct syncmirror_connection *conn)
{
	char text[SYNCMIRROR_WIRE_MAX_ERROR_TEXT];
	struct syncmirror_msg msg;
	const char *error = NULL;
	u64 ping_seq = 0;
	int idle = 0;
	int r;

	while (!kthread_should_stop()) {
		r = recv_message(conn, &msg, text, sizeof(text), &error);
		if (r == -EAGAIN) {
			if (++idle >= PING_TIMEOUT) {
				set_state(conn, SYNCMIRROR_CONN_LOST,
					  "the peer stopped answering");
				return;
			}
			r = send_simple(conn, SYNCMIRROR_WIRE_PING, ++ping_seq,
					0);
			if (r) {
				set_state(conn, SYNCMIRROR_CONN_LOST,
					  lost_reason(r));
				return;
			}
			continue;
		}
		if (r) {
			if (r == -EBADMSG) {
				DMERR_LIMIT("bad message from the peer: %s",
					    error);
				send_simple(conn, SYNCMIRROR_WIRE_ERROR, 0,
					    SYNCMIRROR_WIRE_ERR_PROTOCOL);
			}
			set_state(conn, SYNCMIRROR_CONN_LOST, lost_reason(r));
			return;
		}
		idle = 0;

		switch (msg.type) {
		case SYNCMIRROR_WIRE_PING:
			send_simple(conn, SYNCMIRROR_WIRE_PING_ACK, msg.seq, 0);
			break;
		case SYNCMIRROR_WIRE_PING_ACK:
			break;
		case SYNCMIRROR_WIRE_DISCONNECT:
			set_state(conn, SYNCMIRROR_CONN_LOST,
				  "the peer disconnected");
			return;
		case SYNCMIRROR_WIRE_ERROR:
			set_state(conn, SYNCMIRROR_CONN_LOST,
				  wire_error_reason(msg.status));
			return;
		default:
			send_simple(conn, SYNCMIRROR_WIRE_ERROR, 0,
				    SYNCMIRROR_WIRE_ERR_PROTOCOL);
			set_state(conn, SYNCMIRROR_CONN_LOST,
				  "the peer sent an unexpected message");
			return;
		}
	}
}

static int connection_thread(void *data)
{
	struct syncmirror_connection *conn = data;

	if (!handshake(conn))
		keepalive(conn);

	/* The link is finished: let the peer know at once, then wait. */
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	while (!kthread_should_stop()) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (!kthread_should_stop())
			schedule();
		__set_current_state(TASK_RUNNING);
	}
	return 0;
}

/*
 * Take over the socket behind @fd (in the caller's file table) and start
 * the protocol on it.  Called from netlink, in the caller's context.
 */
struct syncmirror_connection *
syncmirror_connection_start(struct syncmirror_volume *vol, int fd,
			    struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn;
	struct socket *sock;
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

	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn) {
		sockfd_put(sock);
		NL_SET_ERR_MSG(extack, "out of memory");
		return ERR_PTR(-ENOMEM);
	}
	conn->vol = vol;
	conn->sock = sock;
	spin_lock_init(&conn->lock);
	conn->state = SYNCMIRROR_CONN_HANDSHAKE;
	conn->reason = "hello sent";
	conn->since = ktime_get_real_seconds();
	conn->local = (struct syncmirror_hello) {
		.version_min = SYNCMIRROR_WIRE_VERSION,
		.version_max = SYNCMIRROR_WIRE_VERSION,
		.volume_uuid = vol->md_info.volume_uuid,
		.data_sectors = vol->md_info.data_sectors,
		.node_id = vol->md_info.node_id,
		.max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD,
	};

	/* Receive timeouts are the keepalive's clock; sends must not hang. */
	sock->sk->sk_rcvtimeo = PING_INTERVAL;
	sock->sk->sk_sndtimeo = PING_TIMEOUT * HZ;

	conn->thread = kthread_run(connection_thread, conn, "smconn/%u",
				   vol->md_info.node_id);
	if (IS_ERR(conn->thread)) {
		r = PTR_ERR(conn->thread);
		sockfd_put(sock);
		kfree(conn);
		NL_SET_ERR_MSG(extack, "cannot start the connection thread");
		return ERR_PTR(r);
	}
	return conn;
}

/*
 * Close the link and free it.  Must be called without the volumes lock:
 * the thread takes it to announce state changes.  Only the thread sends,
 * so the peer learns of the close from the socket (an orderly DISCONNECT
 * needs the send queue that replication brings).
 */
void syncmirror_connection_stop(struct syncmirror_connection *conn)
{
	WRITE_ONCE(conn->stopping, true);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	kthread_stop(conn->thread);
	sockfd_put(conn->sock);
	kfree(conn);
}
