/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A syncmirror volume: the state that belongs to a mapped device rather
 * than to one of its tables, so that it survives a table reload: its role
 * and its peer link.  All volumes sit in one registry locked by the control
 * plane and by connection threads announcing state changes; the I/O path
 * reads what it needs with READ_ONCE().
 */
#ifndef SYNCMIRROR_VOLUME_H
#define SYNCMIRROR_VOLUME_H

#include <linux/bio.h>
#include <linux/dm-ioctl.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/syncmirror.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "syncmirror-activity-log.h"
#include "syncmirror-bitmap.h"
#include "syncmirror-metadata.h"
#include "syncmirror-quorum.h"
#include "syncmirror-resync.h"
#include "syncmirror-split-brain.h"

struct mapped_device;
struct netlink_ext_ack;
struct syncmirror;
struct syncmirror_connection;
struct syncmirror_link_options;
struct sock;

/**
 * struct syncmirror_volume - state of one mirrored volume
 * @list: entry in the registry (while @tables is not zero)
 * @kref: memory lifetime: one reference for the registry entry and one
 *	for each peer link (whose thread may still announce a state change
 *	after the volume left the registry)
 * @md: the mapped device this volume is
 * @name: its device-mapper name, refreshed whenever dm can tell it (the
 *	last one seen is kept for the event of a volume being removed)
 * @tables: target instances (live or being loaded) that use it
 * @role: enum syncmirror_role; written under the registry lock, read by
 *	the I/O path without it
 * @md_info: the superblock as on disk (changed under @sb_lock)
 * @conn: the peer link, NULL when there is none; changed under the
 *	registry lock, read by the I/O path under RCU
 * @active_lock: protects @active
 * @active: the live table, NULL while suspended
 * @sb_lock: serialises superblock writes (taken after the registry lock)
 * @loaded: @bitmap and @al hold what the first table read from disk
 * @bitmap: the peer's dirty bitmap (peer slot 0)
 * @al: the activity log
 * @bm_page: buffer of @bm_work's bitmap block writes
 * @al_page: buffer of the AL worker's transaction writes
 * @wait_lock: protects @bm_waiters and @al_waiters; taken from bio
 *	completion, so with interrupts off
 * @bm_waiters: writes the peer lacks, waiting for their bits on disk
 * @unflushed_pending: a flush the peer did not complete waits in
 *	@bm_waiters: @bm_work marks the unflushed extents first
 * @al_waiters: writes waiting for an activity-log transaction
 * @bm_work: writes dirty bitmap blocks, then completes @bm_waiters
 * @al_work: the AL worker (syncmirror-replication.c)
 * @generation_started: the superblock names a bitmap generation (the
 *	first write the peer lacks started one); read locklessly on the I/O
 *	path, set under @sb_lock
 * @crashed: the superblock said primary at load: the activity log's
 *	extents were marked out of sync
 * @out_of_sync_since: when the bitmap last went from empty to not
 *	(seconds since the epoch)
 * @reported_out_of_sync: whether the last DISK event said out of sync
 * @epoch: flush epoch: a write the peer acknowledged records it per
 *	extent; a flush sent to the peer takes the next one
 * @flushed_epoch: writes acknowledged in epochs up to this are on the
 *	peer's stable storage (under @wait_lock)
 * @ext_epoch: per activity-log extent, the epoch of its last write the
 *	peer acknowledged (0: none)
 * @extents: entries in @ext_epoch
 * @diskless: the local disk was detached after an I/O error; all I/O
 *	goes through the peer (read locklessly on the I/O path)
 * @detach_work: announces the detach
 * @refuse_work: ends a link that is up when the copies diverge
 * @resync: resync and verify (syncmirror-resync.c)
 * @quorum: the quorum fence (syncmirror-quorum.c)
 * @split_brain: the last split-brain decision, the policy, a pending
 *	resolution (syncmirror-split-brain.c)
 * @replicated_writes: writes acknowledged by the peer
 * @local_only_writes: writes completed without the peer
 */
struct syncmirror_volume {
	struct list_head list;
	struct kref kref;
	struct mapped_device *md;
	char name[DM_NAME_LEN];
	unsigned int tables;
	int role;
	struct syncmirror_md md_info;
	struct syncmirror_connection __rcu *conn;

	spinlock_t active_lock;	/* @active */
	struct syncmirror *active;

	struct mutex sb_lock;	/* superblock writes */
	bool loaded;
	struct syncmirror_bitmap bitmap;
	struct syncmirror_al al;
	struct page *bm_page;
	struct page *al_page;
	spinlock_t wait_lock;	/* the waiter lists, @flushed_epoch */
	struct list_head bm_waiters;
	bool unflushed_pending;
	struct list_head al_waiters;
	struct work_struct bm_work;
	struct work_struct al_work;
	bool generation_started;
	bool crashed;
	time64_t out_of_sync_since;
	bool reported_out_of_sync;
	atomic64_t epoch;
	u64 flushed_epoch;
	u64 *ext_epoch;
	u64 extents;
	bool diskless;
	struct work_struct detach_work;
	struct work_struct refuse_work;
	struct syncmirror_resync resync;
	struct syncmirror_quorum quorum;
	struct syncmirror_split_brain split_brain;

	atomic64_t replicated_writes;
	atomic64_t local_only_writes;
};

struct syncmirror_volume *syncmirror_volume_get(struct mapped_device *md,
						const struct syncmirror_md *md_info,
						char **error);
void syncmirror_volume_put(struct syncmirror_volume *vol,
			   struct syncmirror *sm);

void syncmirror_volumes_lock(void);
void syncmirror_volumes_unlock(void);
struct syncmirror_volume *syncmirror_volume_find(const char *name);
struct syncmirror_volume *syncmirror_volume_nth(unsigned long n);
const char *syncmirror_volume_name(struct syncmirror_volume *vol);
u32 syncmirror_volume_open_count(const struct syncmirror_volume *vol);
int syncmirror_volume_set_role(struct syncmirror_volume *vol, int role,
			       bool force, u64 generation,
			       struct netlink_ext_ack *extack);
void syncmirror_volume_notify(struct syncmirror_volume *vol, int event);
int syncmirror_volume_connect(const char *name, int fd,
			      const struct syncmirror_link_options *opts,
			      struct netlink_ext_ack *extack);
struct syncmirror_connection *
syncmirror_volume_conn(struct syncmirror_volume *vol);
bool syncmirror_volume_socket_in_use(const struct sock *sk);

void syncmirror_volume_set_active(struct syncmirror_volume *vol,
				  struct syncmirror *sm);
void syncmirror_volume_clear_active(struct syncmirror_volume *vol,
				    struct syncmirror *sm);
struct syncmirror *syncmirror_volume_get_active(struct syncmirror_volume *vol);
void syncmirror_volume_put_active(struct syncmirror_volume *vol,
				  struct syncmirror *sm);
void syncmirror_volume_shutdown(struct syncmirror_volume *vol,
				struct syncmirror *sm);

int syncmirror_volume_load(struct syncmirror_volume *vol,
			   struct syncmirror *sm, char **error);
u64 syncmirror_volume_out_of_sync(struct syncmirror_volume *vol);
int syncmirror_volume_disk_state(struct syncmirror_volume *vol);
u64 syncmirror_volume_peer_lacks(struct syncmirror_volume *vol,
				 sector_t first, sector_t last);
u64 syncmirror_volume_mark_unflushed(struct syncmirror_volume *vol);
bool syncmirror_volume_peer_unflushed(struct syncmirror_volume *vol,
				      const u32 *numbers, int n);
bool syncmirror_volume_lost(struct syncmirror_volume *vol, bool anywhere,
			    sector_t first, sector_t last);
void syncmirror_volume_refuse(struct syncmirror_volume *vol);
void syncmirror_volume_detach(struct syncmirror_volume *vol, int error);
void syncmirror_volume_wait_bitmap(struct syncmirror_volume *vol,
				   struct list_head *entry, u64 need_seq);
void syncmirror_volume_wait_unflushed(struct syncmirror_volume *vol,
				      struct list_head *entry);
int syncmirror_volume_flush_bitmap(struct syncmirror_volume *vol);
int syncmirror_volume_flush_data(struct syncmirror_volume *vol,
				 struct syncmirror *sm);
int syncmirror_volume_update_sb(struct syncmirror_volume *vol,
				void (*change)(struct syncmirror_md *md,
					       u64 arg),
				u64 arg);
bool syncmirror_volume_revert_pending(struct syncmirror_volume *vol,
				      const char *why);
int syncmirror_volume_confirm_pending(struct syncmirror_volume *vol, u64 gen);
int syncmirror_volume_hello(struct syncmirror_volume *vol,
			    struct syncmirror_hello *hello, bool *reverted);
int syncmirror_volume_disconnect(const char *name,
				 struct netlink_ext_ack *extack);

#endif /* SYNCMIRROR_VOLUME_H */
