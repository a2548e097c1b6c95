// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirror split-brain: both copies changed since they parted.
 *
 * The decision itself is syncmirror_wire_sync_verdict()'s (rows 7a to 7d
 * and H3 of the decision table in Documentation/syncmirror-protocol.rst).
 * This file keeps what was decided, for status and the SPLIT_BRAIN event,
 * logs it, and holds the operator's request to discard this copy
 * (smctl resolve --discard-local), which the next hellos carry.
 */

#include <linux/device-mapper.h>
#include <linux/netlink.h>

#include "syncmirror-connection.h"
#include "syncmirror-netlink.h"
#include "syncmirror-split-brain.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

void syncmirror_split_brain_init(struct syncmirror_split_brain *sbs)
{
	memset(&sbs->r, 0, sizeof(sbs->r));
	spin_lock_init(&sbs->lock);
}

/* What the hello says of split-brain resolution: the policy, the flag. */
void syncmirror_split_brain_hello(struct syncmirror_volume *vol,
				  struct syncmirror_hello *local)
{
	struct syncmirror_split_brain *sbs = &vol->split_brain;
	struct syncmirror_sb_report *sb = &sbs->r;

	spin_lock(&sbs->lock);
	local->sb_policy = sb->policy;
	if (sb->discard_local)
		local->flags |= SYNCMIRROR_WIRE_HELLO_F_DISCARD_LOCAL;
	spin_unlock(&sbs->lock);
}

static const char *decision_words(u32 decision)
{
	switch (decision) {
	case SYNCMIRROR_SB_DECISION_MANUAL_LOCAL:
	case SYNCMIRROR_SB_DECISION_AUTO_LOCAL:
		return "this copy's changes are discarded";
	case SYNCMIRROR_SB_DECISION_MANUAL_PEER:
	case SYNCMIRROR_SB_DECISION_AUTO_PEER:
		return "the peer's changes are discarded";
	default:
		return "refused";
	}
}

/*
 * After a hello: remember the peer's generations and, when the copies
 * split, the decision; log it and send the event.  @connected: the link
 * goes on (a decision that resolved it, or no split-brain), which also
 * consumes a pending --discard-local.  Receive thread.
 */
void syncmirror_split_brain_note(struct syncmirror_volume *vol,
				 const struct syncmirror_hello *local,
				 const struct syncmirror_hello *remote,
				 const struct syncmirror_sync_decision *d,
				 bool connected)
{
	struct syncmirror_split_brain *sbs = &vol->split_brain;
	struct syncmirror_sb_report *sb = &sbs->r;
	bool consumed = false;

	spin_lock(&sbs->lock);
	sb->peer_known = true;
	sb->peer_current_uuid = remote->current_uuid;
	sb->peer_bitmap_uuid = remote->bitmap_uuid;
	sb->peer_dirty = remote->dirty_regions;
	if (connected && sb->discard_local &&
	    (local->flags & SYNCMIRROR_WIRE_HELLO_F_DISCARD_LOCAL)) {
		sb->discard_local = false;
		consumed = true;
	}
	if (d->split_brain != SYNCMIRROR_SB_DECISION_NONE) {
		sb->decision = d->split_brain;
		sb->time = ktime_get_real_seconds();
		sb->peer_node_id = remote->node_id;
		sb->local_changes = local->dirty_regions;
		sb->peer_changes = remote->dirty_regions;
		sb->common_uuid = d->common_uuid;
		sb->full = d->full;
		sb->reason = d->reason;
	}
	spin_unlock(&sbs->lock);

	if (d->split_brain == SYNCMIRROR_SB_DECISION_NONE) {
		if (consumed)
			syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_DISK);
		return;
	}
	/* Not rate-limited: one line per hello, and hellos back off. */
	DMWARN("%s: split-brain with node %u since %016llx: %llu regions changed here, %llu there",
	       vol->name, remote->node_id, d->common_uuid,
	       local->dirty_regions, remote->dirty_regions);
	DMWARN("%s: split-brain %s: %s", vol->name,
	       decision_words(d->split_brain), d->reason);
	if (d->split_brain == SYNCMIRROR_SB_DECISION_MANUAL_LOCAL ||
	    d->split_brain == SYNCMIRROR_SB_DECISION_AUTO_LOCAL)
		DMWARN("%s: discarding this copy's changes since %016llx: %s from node %u",
		       vol->name, d->common_uuid,
		       d->full ? "full sync" : "resync", remote->node_id);
	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_SPLIT_BRAIN);
}

/*
 * smctl resolve: only after a refused split-brain, with no link up, on a
 * secondary.  Must be called with the registry lock held.
 */
int syncmirror_split_brain_resolve(struct syncmirror_volume *vol, u32 action,
				   struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn = syncmirror_volume_conn(vol);
	struct syncmirror_split_brain *sbs = &vol->split_brain;
	struct syncmirror_sb_report *sb = &sbs->r;
	int state = SYNCMIRROR_CONN_NONE, peer_role;
	const char *reason;
	time64_t since;
	bool changed;
	u32 peer;

	if (action == SYNCMIRROR_RESOLVE_CANCEL) {
		spin_lock(&sbs->lock);
		changed = sb->discard_local;
		sb->discard_local = false;
		spin_unlock(&sbs->lock);
		if (changed)
			DMINFO("%s: split-brain resolution cancelled",
			       vol->name);
		return 0;
	}

	if (conn)
		syncmirror_connection_get_state(conn, &state, &reason, &peer,
						&peer_role, &since);
	spin_lock(&sbs->lock);
	if (sb->decision != SYNCMIRROR_SB_DECISION_REFUSED ||
	    state == SYNCMIRROR_CONN_CONNECTED) {
		spin_unlock(&sbs->lock);
		NL_SET_ERR_MSG(extack, "no split-brain to resolve");
		return -EINVAL;
	}
	if (READ_ONCE(vol->role) != SYNCMIRROR_ROLE_SECONDARY) {
		spin_unlock(&sbs->lock);
		NL_SET_ERR_MSG(extack, "demote the copy to discard first");
		return -EBUSY;
	}
	sb->discard_local = true;
	spin_unlock(&sbs->lock);
	DMWARN("%s: split-brain: this copy's changes will be discarded at the next link",
	       vol->name);
	return 0;
}

/* A consistent copy of the record, for status. */
void syncmirror_split_brain_get(struct syncmirror_volume *vol,
				struct syncmirror_sb_report *copy)
{
	struct syncmirror_split_brain *sbs = &vol->split_brain;
	struct syncmirror_sb_report *sb = &sbs->r;

	spin_lock(&sbs->lock);
	*copy = *sb;
	spin_unlock(&sbs->lock);
}
