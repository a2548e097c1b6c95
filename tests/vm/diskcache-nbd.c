// SPDX-License-Identifier: GPL-2.0-only
/*
 * The NBD side of sm-diskcache: one client at a time, fixed-newstyle
 * handshake, simple replies only (structured replies are refused, so a
 * READ's reply is its header and the data).  Requests are served in
 * order, each finished before the next is read: a FLUSH therefore covers
 * every write the client saw completed before it sent the FLUSH.  The
 * write that fires the cut trigger gets no reply, and the connection is
 * left as it is: nothing more is read from it.
 *
 * Protocol: https://github.com/NetworkBlockDevice/nbd/blob/master/doc/proto.md
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "diskcache.h"

#define NBD_INIT_MAGIC		0x4e42444d41474943ULL	/* "NBDMAGIC" */
#define NBD_OPTS_MAGIC		0x49484156454f5054ULL	/* "IHAVEOPT" */
#define NBD_REP_MAGIC		0x0003e889045565a9ULL
#define NBD_REQUEST_MAGIC	0x25609513U
#define NBD_SIMPLE_REPLY_MAGIC	0x67446698U

/* Handshake flags (server) and client flags. */
#define NBD_FLAG_FIXED_NEWSTYLE	(1U << 0)
#define NBD_FLAG_NO_ZEROES	(1U << 1)
#define NBD_FLAG_C_FIXED_NEWSTYLE (1U << 0)
#define NBD_FLAG_C_NO_ZEROES	(1U << 1)

/* Options and option replies. */
#define NBD_OPT_EXPORT_NAME	1
#define NBD_OPT_ABORT		2
#define NBD_OPT_INFO		6
#define NBD_OPT_GO		7
#define NBD_REP_ACK		1
#define NBD_REP_INFO		3
#define NBD_REP_ERR_UNSUP	0x80000001U
#define NBD_REP_ERR_INVALID	0x80000003U
#define NBD_INFO_EXPORT		0
#define NBD_INFO_BLOCK_SIZE	3

/* Transmission flags. */
#define NBD_FLAG_HAS_FLAGS	(1U << 0)
#define NBD_FLAG_SEND_FLUSH	(1U << 2)
#define NBD_FLAG_SEND_FUA	(1U << 3)
#define NBD_FLAG_SEND_TRIM	(1U << 5)
#define NBD_FLAG_SEND_WRITE_ZEROES (1U << 6)
#define TRANSMISSION_FLAGS	(NBD_FLAG_HAS_FLAGS | NBD_FLAG_SEND_FLUSH | \
				 NBD_FLAG_SEND_FUA | NBD_FLAG_SEND_TRIM | \
				 NBD_FLAG_SEND_WRITE_ZEROES)

/* Commands and their flags. */
#define NBD_CMD_READ		0
#define NBD_CMD_WRITE		1
#define NBD_CMD_DISC		2
#define NBD_CMD_FLUSH		3
#define NBD_CMD_TRIM		4
#define NBD_CMD_WRITE_ZEROES	6
#define NBD_CMD_FLAG_FUA	(1U << 0)
#define NBD_CMD_FLAG_NO_HOLE	(1U << 1)

/* Error values of replies. */
#define NBD_EIO			5
#define NBD_EINVAL		22
#define NBD_ENOSPC		28

/* Option data we read; GO and INFO need 4 + 4096 + 2 + a few requests. */
#define OPTION_MAX		8192
#define REQUEST_SIZE		28
#define REPLY_SIZE		16

struct nbd_request {
	uint16_t flags;
	uint16_t type;
	uint64_t handle;
	uint64_t offset;
	uint32_t length;
};

struct nbd_conn {
	int sk;
	struct disk *disk;
	bool no_zeroes;
	uint64_t requests;
	unsigned char *buf;	/* NBD_MAX_PAYLOAD bytes */
};

static void put16(unsigned char *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, 2);
}

static void put32(unsigned char *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

static void put64(unsigned char *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

static uint16_t get16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return be16toh(v);
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

/*
 * Socket I/O that gives way to SIGUSR1/SIGTERM: it only blocks in
 * wait_fd().  Returns 0, -EPIPE when the client closed the connection,
 * -EINTR on a signal or another -errno.
 */
static int recv_full(int sk, void *buf, size_t length)
{
	while (length) {
		ssize_t n = recv(sk, buf, length, MSG_DONTWAIT);
		int ret;

		if (n > 0) {
			buf = (char *)buf + n;
			length -= n;
			continue;
		}
		if (n == 0)
			return -EPIPE;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == ECONNRESET ? -EPIPE : -errno;
		ret = wait_fd(sk, POLLIN);
		if (ret)
			return ret;
	}
	return 0;
}

static int send_full(int sk, const void *buf, size_t length)
{
	while (length) {
		ssize_t n = send(sk, buf, length, MSG_DONTWAIT | MSG_NOSIGNAL);
		int ret;

		if (n >= 0) {
			buf = (const char *)buf + n;
			length -= n;
			continue;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno == ECONNRESET ? -EPIPE : -errno;
		ret = wait_fd(sk, POLLOUT);
		if (ret)
			return ret;
	}
	return 0;
}

/* Read and drop @length bytes the client sent (a refused payload). */
static int recv_discard(struct nbd_conn *conn, uint64_t length)
{
	while (length) {
		size_t n = length < NBD_MAX_PAYLOAD ? length : NBD_MAX_PAYLOAD;
		int ret = recv_full(conn->sk, conn->buf, n);

		if (ret)
			return ret;
		length -= n;
	}
	return 0;
}

static int protocol_error(const char *what)
{
	report("client: %s, dropping the connection", what);
	return -EPROTO;
}

static int send_option_reply(struct nbd_conn *conn, uint32_t option,
			     uint32_t type, const void *data, uint32_t length)
{
	unsigned char h[20];
	int ret;

	put64(h, NBD_REP_MAGIC);
	put32(h + 8, option);
	put32(h + 12, type);
	put32(h + 16, length);
	ret = send_full(conn->sk, h, sizeof(h));
	if (!ret && length)
		ret = send_full(conn->sk, data, length);
	return ret;
}

/* The reply to NBD_OPT_EXPORT_NAME, which cannot fail. */
static int send_export(struct nbd_conn *conn)
{
	unsigned char r[8 + 2 + 124] = { 0 };

	put64(r, conn->disk->size);
	put16(r + 8, TRANSMISSION_FLAGS);
	return send_full(conn->sk, r, conn->no_zeroes ? 10 : sizeof(r));
}

/*
 * NBD_OPT_INFO and NBD_OPT_GO: name length, name, number of information
 * requests, the requests (16 bits each).  The export name is not checked:
 * there is one export.  Returns 1 when the reply was an error.
 */
static int send_info(struct nbd_conn *conn, uint32_t option,
		     const unsigned char *data, uint32_t length)
{
	unsigned char export[12], block_size[14];
	uint32_t name_length, i;
	uint16_t requests;
	bool want_block_size = false;
	int ret;

	name_length = length >= 4 ? get32(data) : UINT32_MAX;
	if (name_length > 4096 || length < 6 + name_length)
		goto invalid;
	requests = get16(data + 4 + name_length);
	if (length != 6 + name_length + 2U * requests)
		goto invalid;
	for (i = 0; i < requests; i++)
		if (get16(data + 6 + name_length + 2 * i) ==
		    NBD_INFO_BLOCK_SIZE)
			want_block_size = true;

	put16(export, NBD_INFO_EXPORT);
	put64(export + 2, conn->disk->size);
	put16(export + 10, TRANSMISSION_FLAGS);
	ret = send_option_reply(conn, option, NBD_REP_INFO, export,
				sizeof(export));
	if (!ret && want_block_size) {
		put16(block_size, NBD_INFO_BLOCK_SIZE);
		put32(block_size + 2, 1);		/* minimum */
		put32(block_size + 6, 4096);		/* preferred */
		put32(block_size + 10, NBD_MAX_PAYLOAD);	/* maximum */
		ret = send_option_reply(conn, option, NBD_REP_INFO,
					block_size, sizeof(block_size));
	}
	if (!ret)
		ret = send_option_reply(conn, option, NBD_REP_ACK, NULL, 0);
	return ret;

invalid:
	ret = send_option_reply(conn, option, NBD_REP_ERR_INVALID, NULL, 0);
	return ret ? ret : 1;
}

/*
 * One option.  Returns 1 to enter transmission, 0 to go on haggling,
 * -EPIPE when the client is done, another -errno to drop it.
 */
static int handle_option(struct nbd_conn *conn)
{
	unsigned char h[16];
	uint32_t option, length;
	int ret;

	ret = recv_full(conn->sk, h, sizeof(h));
	if (ret)
		return ret;
	if (get64(h) != NBD_OPTS_MAGIC)
		return protocol_error("bad option magic");
	option = get32(h + 8);
	length = get32(h + 12);
	if (length > OPTION_MAX)
		return protocol_error("option data longer than 8 KiB");
	ret = recv_full(conn->sk, conn->buf, length);
	if (ret)
		return ret;

	switch (option) {
	case NBD_OPT_EXPORT_NAME:
		ret = send_export(conn);
		return ret ? ret : 1;
	case NBD_OPT_ABORT:
		send_option_reply(conn, option, NBD_REP_ACK, NULL, 0);
		return -EPIPE;
	case NBD_OPT_INFO:
		ret = send_info(conn, option, conn->buf, length);
		return ret < 0 ? ret : 0;
	case NBD_OPT_GO:
		ret = send_info(conn, option, conn->buf, length);
		return ret < 0 ? ret : !ret;
	default:
		/* Structured replies, TLS, LIST, meta contexts... */
		return send_option_reply(conn, option, NBD_REP_ERR_UNSUP,
					 NULL, 0);
	}
}

/* Returns 0 once in transmission, or why the client is gone. */
static int handshake(struct nbd_conn *conn)
{
	unsigned char greeting[18];
	unsigned char flags[4];
	uint32_t client_flags;
	int ret;

	put64(greeting, NBD_INIT_MAGIC);
	put64(greeting + 8, NBD_OPTS_MAGIC);
	put16(greeting + 16, NBD_FLAG_FIXED_NEWSTYLE | NBD_FLAG_NO_ZEROES);
	ret = send_full(conn->sk, greeting, sizeof(greeting));
	if (!ret)
		ret = recv_full(conn->sk, flags, sizeof(flags));
	if (ret)
		return ret;
	client_flags = get32(flags);
	if (client_flags & ~(NBD_FLAG_C_FIXED_NEWSTYLE | NBD_FLAG_C_NO_ZEROES))
		return protocol_error("unknown client flags");
	if (!(client_flags & NBD_FLAG_C_FIXED_NEWSTYLE))
		return protocol_error("not a fixed-newstyle client");
	conn->no_zeroes = client_flags & NBD_FLAG_C_NO_ZEROES;

	while (!(ret = handle_option(conn)))
		;
	return ret == 1 ? 0 : ret;
}

static const char *command_name(uint16_t type)
{
	switch (type) {
	case NBD_CMD_READ:
		return "READ";
	case NBD_CMD_WRITE:
		return "WRITE";
	case NBD_CMD_FLUSH:
		return "FLUSH";
	case NBD_CMD_TRIM:
		return "TRIM";
	case NBD_CMD_WRITE_ZEROES:
		return "WRITE_ZEROES";
	default:
		return NULL;
	}
}

/* Flags a command may carry; 0 for commands we do not take. */
static uint16_t allowed_flags(uint16_t type)
{
	/* FUA is valid on every command once SEND_FUA is negotiated. */
	switch (type) {
	case NBD_CMD_READ:
	case NBD_CMD_WRITE:
	case NBD_CMD_FLUSH:
	case NBD_CMD_TRIM:
		return NBD_CMD_FLAG_FUA;
	case NBD_CMD_WRITE_ZEROES:
		return NBD_CMD_FLAG_FUA | NBD_CMD_FLAG_NO_HOLE;
	default:
		return 0;
	}
}

/* The NBD error for a request we refuse, with why; 0 if it is valid. */
static uint32_t check_request(const struct nbd_conn *conn,
			      const struct nbd_request *rq, const char **why)
{
	bool writes = rq->type != NBD_CMD_READ;

	if (!allowed_flags(rq->type)) {
		*why = "unsupported command";
		return NBD_EINVAL;
	}
	if (rq->flags & ~allowed_flags(rq->type)) {
		*why = "unsupported flags";
		return NBD_EINVAL;
	}
	if (rq->type == NBD_CMD_FLUSH) {
		*why = "offset or length set";
		return rq->offset || rq->length ? NBD_EINVAL : 0;
	}
	if ((rq->type == NBD_CMD_READ || rq->type == NBD_CMD_WRITE) &&
	    rq->length > NBD_MAX_PAYLOAD) {
		*why = "longer than 32 MiB";
		return NBD_EINVAL;
	}
	if (rq->offset > UINT64_MAX - rq->length) {
		*why = "offset + length overflows";
		return NBD_EINVAL;
	}
	if (rq->offset + rq->length > conn->disk->size) {
		*why = "beyond the end of the disk";
		/* The spec asks for ENOSPC on writes past the end. */
		return writes ? NBD_ENOSPC : NBD_EINVAL;
	}
	return 0;
}

static uint32_t nbd_error(int ret)
{
	if (ret == -ENOSPC || ret == -EDQUOT || ret == -EFBIG)
		return NBD_ENOSPC;
	return ret ? NBD_EIO : 0;
}

static int send_reply(struct nbd_conn *conn, const struct nbd_request *rq,
		      uint32_t error, const void *data, uint32_t length)
{
	unsigned char r[REPLY_SIZE];
	int ret;

	put32(r, NBD_SIMPLE_REPLY_MAGIC);
	put32(r + 4, error);
	put64(r + 8, rq->handle);
	ret = send_full(conn->sk, r, sizeof(r));
	if (!ret && !error && length)
		ret = send_full(conn->sk, data, length);
	return ret;
}

/* Carry out a valid request; the NBD error for its reply. */
static uint32_t execute(struct nbd_conn *conn, const struct nbd_request *rq)
{
	struct disk *disk = conn->disk;
	bool fua = rq->flags & NBD_CMD_FLAG_FUA;
	bool punch = !(rq->flags & NBD_CMD_FLAG_NO_HOLE);

	if (rq->type == NBD_CMD_FLUSH) {
		disk_flush(disk);
		return 0;
	}
	if (!rq->length)
		return 0;
	switch (rq->type) {
	case NBD_CMD_READ:
		return nbd_error(disk_read(disk, rq->offset, conn->buf,
					   rq->length));
	case NBD_CMD_WRITE:
		return nbd_error(disk_write(disk, rq->offset, conn->buf,
					    rq->length, fua));
	case NBD_CMD_TRIM:
		return nbd_error(disk_zero(disk, rq->offset, rq->length,
					   true, fua));
	default:
		return nbd_error(disk_zero(disk, rq->offset, rq->length,
					   punch, fua));
	}
}

/*
 * One request.  A WRITE's payload is read even when the request is
 * refused, to keep the stream in step.  Returns 0 to go on, -EPIPE when
 * the client is done, -ECANCELED when the request fired the cut trigger,
 * another -errno to drop it.
 */
static int handle_request(struct nbd_conn *conn)
{
	unsigned char h[REQUEST_SIZE];
	struct nbd_request rq;
	const char *why = NULL;
	uint32_t error;
	int ret;

	ret = wait_fd(conn->sk, POLLIN);
	if (!ret)
		ret = recv_full(conn->sk, h, sizeof(h));
	if (ret)
		return ret;
	if (get32(h) != NBD_REQUEST_MAGIC)
		return protocol_error("bad request magic");
	rq.flags = get16(h + 4);
	rq.type = get16(h + 6);
	rq.handle = get64(h + 8);
	rq.offset = get64(h + 16);
	rq.length = get32(h + 24);
	conn->requests++;
	if (rq.type == NBD_CMD_DISC)
		return -EPIPE;

	error = check_request(conn, &rq, &why);
	if (rq.type == NBD_CMD_WRITE) {
		ret = error ? recv_discard(conn, rq.length) :
			recv_full(conn->sk, conn->buf, rq.length);
		if (ret)
			return ret;
	}
	if (error && command_name(rq.type))
		report("client: %s of %u bytes at %llu refused: %s",
		       command_name(rq.type), rq.length,
		       (unsigned long long)rq.offset, why);
	else if (error)
		report("client: command %u refused: %s", rq.type, why);
	else
		error = execute(conn, &rq);
	/* The disk serves nothing once its trigger fired: this request did. */
	if (conn->disk->trigger.fired) {
		report("client: %s%s of %u bytes at %llu fired the trigger: no reply, nothing more served until a signal",
		       command_name(rq.type),
		       rq.flags & NBD_CMD_FLAG_FUA ? " (FUA)" : "", rq.length,
		       (unsigned long long)rq.offset);
		return -ECANCELED;
	}
	return send_reply(conn, &rq, error, conn->buf,
			  rq.type == NBD_CMD_READ ? rq.length : 0);
}

/*
 * Serve the client on @sk until it goes, a stop signal comes or a request
 * fires the cut trigger (disk->trigger.fired), leaving @sk to the caller.
 */
void nbd_serve(int sk, struct disk *disk)
{
	static unsigned char *buf;
	struct nbd_conn conn = { .sk = sk, .disk = disk };
	int ret;

	if (!buf)
		buf = malloc(NBD_MAX_PAYLOAD);
	if (!buf) {
		report("client: no memory for a %u byte buffer", NBD_MAX_PAYLOAD);
		return;
	}
	conn.buf = buf;
	report("client connected");
	ret = handshake(&conn);
	while (!ret)
		ret = handle_request(&conn);
	if (ret == -EPIPE)
		report("client gone after %llu requests",
		       (unsigned long long)conn.requests);
	else if (ret != -EINTR && ret != -EPROTO && ret != -ECANCELED)
		report("client: connection failed after %llu requests: %s",
		       (unsigned long long)conn.requests, strerror(-ret));
}
