/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A secondary applies its primary's writes to its data device and
 * acknowledges each once its disk completed it.
 */
#ifndef SYNCMIRROR_RECEIVER_H
#define SYNCMIRROR_RECEIVER_H

#include <linux/bio.h>

#include "syncmirror-connection.h"

struct syncmirror;

/**
 * struct syncmirror_peer_write - one request of the peer being applied
 * @conn: the link it came on
 * @sm: the target whose data device it goes to
 * @type: the request's type (SYNCMIRROR_WIRE_*)
 * @size: bytes the request covers
 * @pinned: bytes of pages it holds (syncmirror_request_pinned_bytes())
 * @ack: the answer, queued on @conn when the disk is done
 * @bio: the local write (front-padded bio of @conn's bio set; last)
 */
struct syncmirror_peer_write {
	struct syncmirror_connection *conn;
	struct syncmirror *sm;
	u16 type;
	u32 size;
	u32 pinned;
	struct syncmirror_send ack;
	struct bio bio;
};

int syncmirror_receiver_init(struct syncmirror_connection *conn);
void syncmirror_receiver_exit(struct syncmirror_connection *conn);
struct syncmirror_peer_write *
syncmirror_peer_write_alloc(struct syncmirror_connection *conn,
			    const struct syncmirror_msg *msg,
			    const char **error);
void syncmirror_peer_write_submit(struct syncmirror_peer_write *pw);
void syncmirror_peer_write_abort(struct syncmirror_peer_write *pw);
u32 syncmirror_bio_pages_crc32c(struct bio *bio);
unsigned int syncmirror_request_pinned_bytes(const struct syncmirror_msg *msg);

#endif /* SYNCMIRROR_RECEIVER_H */
