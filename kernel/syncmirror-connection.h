/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The link to a peer: one TCP socket handed over by userspace, a receive
 * thread (hello, then every message from the peer) and a send thread
 * (everything this node says), with the requests in flight between them.
 */
#ifndef SYNCMIRROR_CONNECTION_H
#define SYNCMIRROR_CONNECTION_H

#include <linux/bio.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "syncmirror-protocol.h"

struct netlink_ext_ack;
struct sock;
struct socket;
struct task_struct;
struct syncmirror_volume;

/**
 * struct syncmirror_link_options - how CONNECT wants a link run
 * @ping_timeout_ms: silence after which the peer is lost
 * @sb_policy: enum syncmirror_sb_policy, for the hello
 * @security: enum syncmirror_security the socket must carry
 * @data_csum: enum syncmirror_data_csum
 */
struct syncmirror_link_options {
	u32 ping_timeout_ms;
	u32 sb_policy;
	u32 security;
	u32 data_csum;
};

/* Requests a primary may have in flight on one link (seq modulo this). */
#define SYNCMIRROR_SLOTS	128
/*
 * Memory the peer's requests may pin on one link at a time (what writes
 * carry, what reads and verifies read); the receive thread waits for room.
 */
#define SYNCMIRROR_PEER_PINNED_MAX	(32U << 20)

/**
 * struct syncmirror_send - one message waiting for the send thread
 * @entry: in the link's send queue
 * @type: SYNCMIRROR_WIRE_WRITE, _DISCARD, _WRITE_ZEROES, _FLUSH, _VERIFY
 *	(requests, which wait for the peer's ACK), or _ACK, _BITMAP,
 *	_RESYNC_DONE (messages, done once sent)
 * @flags: SYNCMIRROR_WIRE_F_*
 * @seq: a request's number, given when it is sent; an ACK's request
 * @sector: first sector of a request
 * @size: bytes a request covers
 * @status: an ACK's result (0 or a positive errno)
 * @data: a WRITE's payload, the bio's current range
 * @buf: a message's payload of @size bytes, when not @data
 * @reply: what the peer's ACK carried in its size field (a VERIFY's
 *	checksum of the peer's copy)
 * @sent_at: when a request was all on the wire (jiffies)
 * @sending: a request's payload is being sent (under the link's lock)
 * @early_ack: its ACK came before the send ended (under the link's lock)
 * @early_status: that ACK's status
 * @done: a request: called once with 0 when the peer acknowledged it, a
 *	positive errno when the peer failed it, -ENOTCONN when it will never
 *	be acknowledged (link lost); an ACK: called once sent or dropped.
 *	Never called with the link's lock held.
 */
struct syncmirror_send {
	struct list_head entry;
	u16 type;
	u16 flags;
	u64 seq;
	sector_t sector;
	u32 size;
	u32 status;
	struct bio *data;
	void *buf;
	u32 reply;
	unsigned long sent_at;
	bool sending;
	bool early_ack;
	int early_status;
	void (*done)(struct syncmirror_send *send, int status);
};

/**
 * struct syncmirror_connection - a peer link
 * @vol: the volume; outlives the connection (stopped before it is freed)
 * @sock: the socket, referenced through its file
 * @receiver: the receive thread; it runs the hello and, when the link
 *	ends, the teardown
 * @sender: the send thread, started once the hellos agreed
 * @local: what this node says in its hello
 * @remote: what the peer said in its hello (receive thread only)
 * @sync_verdict: what the hellos say the copies need (receive thread only)
 * @ping_timeout_ms: silence after which the peer is lost
 * @tls_cipher: the TLS_CIPHER_* of the socket's kernel TLS, 0 without
 * @data_csum: WRITE and read payloads carry their CRC-32C; settled by the
 *	receive thread at the hello, before the send thread starts
 * @idle_limit: receive timeouts (of a second) in a row that make it lost
 * @next_check: when the receive thread next checks the deadlines
 *	(receive thread only)
 * @lock: protects everything below up to @send_wait; taken from bio
 *	completion too, so always with interrupts off
 * @state: enum syncmirror_conn_state
 * @reason: why @state is what it is (a static string)
 * @peer_node_id: the peer's node id, once it said hello
 * @peer_role: the peer's role (enum syncmirror_role), once it said hello
 * @since: when @state was entered (seconds since the epoch)
 * @stopping: syncmirror_connection_stop() has begun; no more news
 * @dead: nothing more is sent; what is queued or in flight is swept
 * @send_queue: requests and ACKs, in order
 * @slots: requests sent and not yet acknowledged, by seq modulo
 *	SYNCMIRROR_SLOTS
 * @next_seq: number of the next request sent
 * @ping_seq: number of the last PING asked for
 * @ping_due: the receive thread wants a PING sent
 * @pong_seq: the peer's PING to answer
 * @pong_due: a PING_ACK is to be sent
 * @state_due: our role changed; a STATE is to be sent
 * @final_type: ERROR or DISCONNECT, to send before closing (0: none)
 * @final_status: the status of that last message
 * @send_busy: the send thread is sending a message
 * @send_began: when it began sending it (jiffies)
 * @send_wait: the send thread waits here for work or a free slot
 * @sender_done: the send thread has left its loop
 * @received_seq: last request number received (receive thread only)
 * @pages: payload pages of the peer's writes
 * @bios: bios of the peer's writes
 * @peer_writes: peer writes allocated and not yet freed (under @lock)
 * @peer_pinned: bytes those pin (under @lock; read unlocked to wait)
 * @peer_writes_wait: woken whenever a peer write is freed
 * @saved_rcvtimeo: the socket's settings before the link took it
 * @saved_sndtimeo: see @saved_rcvtimeo
 * @saved_allocation: see @saved_rcvtimeo
 */
struct syncmirror_connection {
	struct syncmirror_volume *vol;
	struct socket *sock;
	struct task_struct *receiver;
	struct task_struct *sender;
	struct syncmirror_hello local;
	struct syncmirror_hello remote;
	enum syncmirror_sync_verdict sync_verdict;
	unsigned int ping_timeout_ms;
	u16 tls_cipher;
	bool data_csum;
	unsigned int idle_limit;
	unsigned long next_check;

	spinlock_t lock;	/* see above */
	int state;
	const char *reason;
	u32 peer_node_id;
	int peer_role;
	time64_t since;
	bool stopping;
	bool dead;
	struct list_head send_queue;
	struct syncmirror_send *slots[SYNCMIRROR_SLOTS];
	u64 next_seq;
	u64 ping_seq;
	bool ping_due;
	u64 pong_seq;
	bool pong_due;
	bool state_due;
	u16 final_type;
	u32 final_status;
	bool send_busy;
	unsigned long send_began;
	wait_queue_head_t send_wait;

	struct completion sender_done;
	u64 received_seq;
	mempool_t *pages;
	struct bio_set bios;
	unsigned int peer_writes;
	unsigned int peer_pinned;
	wait_queue_head_t peer_writes_wait;
	long saved_rcvtimeo;
	long saved_sndtimeo;
	gfp_t saved_allocation;
};

/**
 * enum syncmirror_deadline - where a message stands against its deadline
 * @SYNCMIRROR_DEADLINE_MET: not passed yet
 * @SYNCMIRROR_DEADLINE_UNSENT: passed while it was still being sent: the
 *	peer (or the network) takes it too slowly
 * @SYNCMIRROR_DEADLINE_UNACKED: passed while a request all on the wire
 *	waited for its ACK: the peer does not complete it
 */
enum syncmirror_deadline {
	SYNCMIRROR_DEADLINE_MET,
	SYNCMIRROR_DEADLINE_UNSENT,
	SYNCMIRROR_DEADLINE_UNACKED,
};

enum syncmirror_deadline
syncmirror_request_deadline(unsigned long since, bool all_sent,
			    unsigned long now, unsigned long limit);

struct syncmirror_connection *
syncmirror_connection_start(struct syncmirror_volume *vol, int fd,
			    const struct syncmirror_link_options *opts,
			    struct netlink_ext_ack *extack);
u16 syncmirror_sock_tls13_cipher(struct sock *sk);
void syncmirror_connection_go(struct syncmirror_connection *conn);
void syncmirror_connection_stop(struct syncmirror_connection *conn);
void syncmirror_connection_get_state(struct syncmirror_connection *conn,
				     int *state, const char **reason,
				     u32 *peer_node_id, int *peer_role,
				     time64_t *since);
bool syncmirror_connection_submit(struct syncmirror_connection *conn,
				  struct syncmirror_send *send);
bool syncmirror_wire_is_request(u16 type);
void syncmirror_connection_role_changed(struct syncmirror_connection *conn);
void syncmirror_connection_refuse(struct syncmirror_connection *conn,
				  u32 code);
void syncmirror_connection_get_peer_write(struct syncmirror_connection *conn,
					  unsigned int bytes);
void syncmirror_connection_put_peer_write(struct syncmirror_connection *conn,
					  unsigned int bytes);

#endif /* SYNCMIRROR_CONNECTION_H */
