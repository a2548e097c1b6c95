/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syncmirror split-brain: the record of the last decision, its report, and
 * manual resolution (Documentation/syncmirror.rst, "Split-brain").
 */
#ifndef SYNCMIRROR_SPLIT_BRAIN_H
#define SYNCMIRROR_SPLIT_BRAIN_H

#include <linux/spinlock.h>
#include <linux/time64.h>
#include <linux/types.h>

#include "syncmirror-protocol.h"

struct netlink_ext_ack;
struct syncmirror_volume;

/**
 * struct syncmirror_sb_report - what a volume knows of split-brains
 * @policy: the after-split-brain policy of the last CONNECT
 * @discard_local: smctl resolve --discard-local: the next hellos say
 *	DISCARD_LOCAL (not persistent)
 * @decision: enum syncmirror_sb_decision of the last split-brain
 * @time: when it was taken (seconds since the epoch)
 * @peer_node_id: the peer of that hello
 * @local_changes: this node's changed regions then
 * @peer_changes: the peer's
 * @common_uuid: the generation both copies descend from
 * @full: the bitmaps did not cover the split
 * @reason: the decision in words (a static string)
 * @peer_known: a peer's hello was read; the three fields below hold it
 * @peer_current_uuid: the last peer hello's data generation
 * @peer_bitmap_uuid: the generation its bitmap counts from
 * @peer_dirty: the bits set in its bitmap
 */
struct syncmirror_sb_report {
	u32 policy;
	bool discard_local;
	u32 decision;
	time64_t time;
	u32 peer_node_id;
	u64 local_changes;
	u64 peer_changes;
	u64 common_uuid;
	bool full;
	const char *reason;
	bool peer_known;
	u64 peer_current_uuid;
	u64 peer_bitmap_uuid;
	u64 peer_dirty;
};

/**
 * struct syncmirror_split_brain - a volume's split-brain state
 * @lock: protects @r
 * @r: the report
 */
struct syncmirror_split_brain {
	spinlock_t lock;	/* @r */
	struct syncmirror_sb_report r;
};

void syncmirror_split_brain_init(struct syncmirror_split_brain *sb);
void syncmirror_split_brain_hello(struct syncmirror_volume *vol,
				  struct syncmirror_hello *local);
void syncmirror_split_brain_note(struct syncmirror_volume *vol,
				 const struct syncmirror_hello *local,
				 const struct syncmirror_hello *remote,
				 const struct syncmirror_sync_decision *d,
				 bool connected);
int syncmirror_split_brain_resolve(struct syncmirror_volume *vol, u32 action,
				   struct netlink_ext_ack *extack);
void syncmirror_split_brain_get(struct syncmirror_volume *vol,
				struct syncmirror_sb_report *copy);

#endif /* SYNCMIRROR_SPLIT_BRAIN_H */
