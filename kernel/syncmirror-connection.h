/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The link to a peer: one TCP socket handed over by userspace, one thread
 * that runs the hello handshake and the keepalive on it.
 */
#ifndef SYNCMIRROR_CONNECTION_H
#define SYNCMIRROR_CONNECTION_H

#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>

#include "syncmirror-protocol.h"

struct netlink_ext_ack;
struct socket;
struct task_struct;
struct syncmirror_volume;

/**
 * struct syncmirror_connection - a peer link
 * @vol: the volume; outlives the connection (stopped before it is freed)
 * @sock: the socket, referenced through its file
 * @thread: runs the protocol on @sock
 * @local: what this node says in its hello
 * @lock: protects @state, @reason, @peer_node_id and @since
 * @state: enum syncmirror_conn_state
 * @reason: why @state is what it is (a static string)
 * @peer_node_id: the peer's node id, once it said hello
 * @since: when @state was entered (seconds since the epoch)
 * @stopping: syncmirror_connection_stop() has begun; no more state changes
 */
struct syncmirror_connection {
	struct syncmirror_volume *vol;
	struct socket *sock;
	struct task_struct *thread;
	struct syncmirror_hello local;
	spinlock_t lock;	/* state, reason, peer_node_id, since */
	int state;
	const char *reason;
	u32 peer_node_id;
	time64_t since;
	bool stopping;
};

struct syncmirror_connection *
syncmirror_connection_start(struct syncmirror_volume *vol, int fd,
			    struct netlink_ext_ack *extack);
void syncmirror_connection_stop(struct syncmirror_connection *conn);
void syncmirror_connection_get_state(struct syncmirror_connection *conn,
				     int *state, const char **reason,
				     u32 *peer_node_id, time64_t *since);

#endif /* SYNCMIRROR_CONNECTION_H */
