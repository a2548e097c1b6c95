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

#include "syncmirror-metadata.h"

struct mapped_device;
struct netlink_ext_ack;
struct syncmirror;
struct syncmirror_connection;

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
 * @md_info: superblock of the most recently constructed table; its
 *	@primary and @diverged flags are what is on disk (under @sb_lock)
 * @conn: the peer link, NULL when there is none; changed under the
 *	registry lock, read by the I/O path under RCU
 * @active_lock: protects @active
 * @active: the live table, NULL while suspended
 * @sb_lock: serialises superblock writes (taken after the registry lock)
 * @diverged_lock: protects the divergence state below; taken from bio
 *	completion, so with interrupts off
 * @diverged: the peer lacks writes this node completed (or may: it
 *	crashed as primary)
 * @diverged_since: when @diverged was first set (seconds since the epoch)
 * @diverged_on_disk: the superblock says so; writes the peer lacks may
 *	complete
 * @diverged_waiters: writes the peer lacks, waiting for @diverged_on_disk
 * @diverged_work: writes the superblock for @diverged_waiters
 * @refuse_work: ends a link that is up when the copies diverge
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
	spinlock_t diverged_lock;	/* the divergence state */
	bool diverged;
	time64_t diverged_since;
	bool diverged_on_disk;
	struct bio_list diverged_waiters;
	struct work_struct diverged_work;
	struct work_struct refuse_work;

	atomic64_t replicated_writes;
	atomic64_t local_only_writes;
};

struct syncmirror_volume *syncmirror_volume_get(struct mapped_device *md,
						const struct syncmirror_md *md_info,
						char **error);
void syncmirror_volume_put(struct syncmirror_volume *vol);

void syncmirror_volumes_lock(void);
void syncmirror_volumes_unlock(void);
struct syncmirror_volume *syncmirror_volume_find(const char *name);
struct syncmirror_volume *syncmirror_volume_nth(unsigned long n);
const char *syncmirror_volume_name(struct syncmirror_volume *vol);
u32 syncmirror_volume_open_count(const struct syncmirror_volume *vol);
int syncmirror_volume_set_role(struct syncmirror_volume *vol, int role,
			       struct netlink_ext_ack *extack);
void syncmirror_volume_notify(struct syncmirror_volume *vol, int event);
int syncmirror_volume_connect(const char *name, int fd,
			      unsigned int ping_timeout_ms,
			      struct netlink_ext_ack *extack);
struct syncmirror_connection *
syncmirror_volume_conn(struct syncmirror_volume *vol);

void syncmirror_volume_set_active(struct syncmirror_volume *vol,
				  struct syncmirror *sm);
void syncmirror_volume_clear_active(struct syncmirror_volume *vol,
				    struct syncmirror *sm);
struct syncmirror *syncmirror_volume_get_active(struct syncmirror_volume *vol);
void syncmirror_volume_put_active(struct syncmirror_volume *vol,
				  struct syncmirror *sm);
void syncmirror_volume_shutdown(struct syncmirror_volume *vol,
				struct syncmirror *sm);

bool syncmirror_volume_diverged(struct syncmirror_volume *vol);
void syncmirror_volume_get_diverged(struct syncmirror_volume *vol,
				    bool *diverged, time64_t *since);
void syncmirror_volume_mark_diverged(struct syncmirror_volume *vol);
void syncmirror_volume_complete_diverged(struct syncmirror_volume *vol,
					 struct bio *bio);
int syncmirror_volume_disconnect(const char *name,
				 struct netlink_ext_ack *extack);

#endif /* SYNCMIRROR_VOLUME_H */
