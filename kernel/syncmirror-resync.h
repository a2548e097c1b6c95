/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Resync and online verify: after the hellos, the sync target sends its
 * bitmap, the sync source sends every region the merged bitmap names;
 * verify compares per-region checksums with the connected peer.
 */
#ifndef SYNCMIRROR_RESYNC_H
#define SYNCMIRROR_RESYNC_H

#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "syncmirror-protocol.h"

struct netlink_ext_ack;
struct syncmirror_connection;
struct syncmirror_volume;

/**
 * struct syncmirror_resync - resync and verify state of a volume
 * @lock: protects everything below; taken from bio completion, so with
 *	interrupts off
 * @state: enum syncmirror_sync_state
 * @paused: the operator paused the resync
 * @verifying: a verify is running
 * @cursor: next region the resync looks at
 * @verify_cursor: next region the verify checks
 * @inflight: resync and verify requests not yet done
 * @resync_inflight: resync requests among them
 * @verify_inflight: verify requests among them
 * @session: counts link ups and downs: a request of an earlier session
 *	is not sent
 * @unlimited: no rate limit applies now
 * @min_rate: bytes/s the resync keeps under application load
 * @max_rate: bytes/s it never exceeds (0: no limit)
 * @budget: bytes the resync may still issue before the next tick
 * @last_tick: jiffies of the last rate tick
 * @app_sectors: application sectors seen at the last tick
 * @total_bytes: bytes to move when the resync began
 * @done_bytes: bytes moved since
 * @rate: bytes/s moved over the last second
 * @rate_mark: @done_bytes + verify bytes at the last rate sample
 * @rate_time: jiffies of that sample
 * @resynced_bytes: bytes sent as sync source since load
 * @received_bytes: resync bytes received as sync target since load
 * @verify_total: bytes the running or last verify covers
 * @verify_done: bytes it compared
 * @mismatches: regions it found different
 * @first_mismatch: byte offset of the first of them
 * @peer_disk: enum syncmirror_disk_state of the peer, as far as known
 * @work: issues requests, ticks the rate, finishes
 * @idle: woken when @inflight drops to zero
 */
struct syncmirror_resync {
	spinlock_t lock;	/* see above */
	int state;
	bool paused;
	bool verifying;
	u64 cursor;
	u64 verify_cursor;
	unsigned int inflight;
	unsigned int resync_inflight;
	unsigned int verify_inflight;
	u64 session;
	bool unlimited;
	u64 min_rate;
	u64 max_rate;
	s64 budget;
	unsigned long last_tick;
	u64 app_sectors;
	u64 total_bytes;
	u64 done_bytes;
	u64 rate;
	u64 rate_mark;
	unsigned long rate_time;
	u64 resynced_bytes;
	u64 received_bytes;
	u64 verify_total;
	u64 verify_done;
	u64 mismatches;
	u64 first_mismatch;
	int peer_disk;
	struct delayed_work work;
	wait_queue_head_t idle;
};

/**
 * struct syncmirror_resync_status - a snapshot for netlink and dm status
 */
struct syncmirror_resync_status {
	int state;
	bool paused;
	bool verifying;
	int peer_disk;
	u64 min_rate;
	u64 max_rate;
	u64 total_bytes;
	u64 done_bytes;
	u64 rate;
	u64 resynced_bytes;
	u64 received_bytes;
	u64 verify_total;
	u64 verify_done;
	u64 mismatches;
	u64 first_mismatch;
};

void syncmirror_resync_init(struct syncmirror_volume *vol);
void syncmirror_resync_exit(struct syncmirror_volume *vol);
int syncmirror_resync_link_up(struct syncmirror_volume *vol,
			      struct syncmirror_connection *conn,
			      const struct syncmirror_hello *remote,
			      enum syncmirror_sync_verdict verdict);
void syncmirror_resync_link_down(struct syncmirror_volume *vol);
int syncmirror_resync_receive_bitmap(struct syncmirror_volume *vol,
				     u64 first_word, const __le64 *words,
				     unsigned int count, bool last,
				     const char **error);
int syncmirror_resync_receive_done(struct syncmirror_volume *vol,
				   u64 current_uuid, const char **error);
void syncmirror_resync_received(struct syncmirror_volume *vol, u32 bytes);
void syncmirror_resync_kick(struct syncmirror_volume *vol);
int syncmirror_resync_control(struct syncmirror_volume *vol, u32 action,
			      const u64 *min_rate, const u64 *max_rate,
			      struct netlink_ext_ack *extack);
int syncmirror_verify_control(struct syncmirror_volume *vol, u32 action,
			      struct netlink_ext_ack *extack);
void syncmirror_resync_detached(struct syncmirror_volume *vol);
void syncmirror_resync_peer_primary(struct syncmirror_volume *vol);
bool syncmirror_resync_peer_current(struct syncmirror_volume *vol,
				    sector_t first, sector_t last);
void syncmirror_resync_get_status(struct syncmirror_volume *vol,
				  struct syncmirror_resync_status *st);

#endif /* SYNCMIRROR_RESYNC_H */
