// SPDX-License-Identifier: GPL-2.0-only
/*
 * Generic netlink family "syncmirror": the control plane's door into the
 * module.  One policy per command, CAP_NET_ADMIN (GENL_ADMIN_PERM) on
 * every command that changes state, and an "events" multicast group that
 * carries every state change.  Command and attribute layout:
 * include/uapi/linux/syncmirror.h.
 */

#include <linux/cred.h>
#include <linux/dm-ioctl.h>
#include <linux/sched.h>
#include <net/genetlink.h>

#include "syncmirror-connection.h"
#include "syncmirror-netlink.h"
#include "syncmirror-quorum.h"
#include "syncmirror-replication.h"
#include "syncmirror-volume.h"

/* Rates the budget arithmetic takes without overflow (bytes/s). */
static struct netlink_range_validation resync_rate_range = {
	.min = 0,
	.max = SYNCMIRROR_RESYNC_RATE_MAX,
};

static const struct nla_policy get_volume_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
};

static const struct nla_policy set_role_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
	[SYNCMIRROR_ATTR_ROLE] = NLA_POLICY_RANGE(NLA_U32,
						  SYNCMIRROR_ROLE_SECONDARY,
						  SYNCMIRROR_ROLE_PRIMARY),
	[SYNCMIRROR_ATTR_FORCE] = { .type = NLA_FLAG },
	[SYNCMIRROR_ATTR_GENERATION] = { .type = NLA_U64 },
};

static const struct nla_policy quorum_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
	[SYNCMIRROR_ATTR_QUORUM_ACTION] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_QUORUM_LEASE,
				 SYNCMIRROR_QUORUM_FAIL_HELD),
	[SYNCMIRROR_ATTR_QUORUM_POLICY] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_QUORUM_POLICY_SUSPEND,
				 SYNCMIRROR_QUORUM_POLICY_ERROR),
	[SYNCMIRROR_ATTR_QUORUM_UNTIL_NS] = { .type = NLA_U64 },
	[SYNCMIRROR_ATTR_QUORUM_GEN] = { .type = NLA_U64 },
	[SYNCMIRROR_ATTR_QUORUM_TERM] = { .type = NLA_U64 },
};

static const struct nla_policy resolve_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
	[SYNCMIRROR_ATTR_RESOLVE_ACTION] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_RESOLVE_DISCARD_LOCAL,
				 SYNCMIRROR_RESOLVE_CANCEL),
};

static const struct nla_policy resync_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
	[SYNCMIRROR_ATTR_RESYNC_ACTION] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_RESYNC_NONE,
				 SYNCMIRROR_RESYNC_START),
	[SYNCMIRROR_ATTR_RESYNC_MIN_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &resync_rate_range),
	[SYNCMIRROR_ATTR_RESYNC_MAX_RATE] =
		NLA_POLICY_FULL_RANGE(NLA_U64, &resync_rate_range),
};

static const struct nla_policy verify_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
	[SYNCMIRROR_ATTR_VERIFY_ACTION] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_VERIFY_START,
				 SYNCMIRROR_VERIFY_STOP),
};

/* Wider than NLA_POLICY_RANGE()'s s16 bounds (6.1 takes it non-const). */
static struct netlink_range_validation ping_timeout_range = {
	.min = SYNCMIRROR_PING_TIMEOUT_MS_MIN,
	.max = SYNCMIRROR_PING_TIMEOUT_MS_MAX,
};

static const struct nla_policy connect_policy[] = {
	[SYNCMIRROR_ATTR_VOLUME_NAME] = { .type = NLA_NUL_STRING,
					  .len = DM_NAME_LEN - 1 },
	/* sockfd_lookup() refuses anything that is not an open fd */
	[SYNCMIRROR_ATTR_SOCKET_FD] = { .type = NLA_U32 },
	[SYNCMIRROR_ATTR_PING_TIMEOUT_MS] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &ping_timeout_range),
	[SYNCMIRROR_ATTR_SB_POLICY] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_SB_POLICY_DISCONNECT,
				 __SYNCMIRROR_SB_POLICY_MAX - 1),
	[SYNCMIRROR_ATTR_TRANSPORT_SECURITY] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_SECURITY_TLS,
				 SYNCMIRROR_SECURITY_NONE),
	[SYNCMIRROR_ATTR_DATA_CSUM] =
		NLA_POLICY_RANGE(NLA_U32, SYNCMIRROR_DATA_CSUM_AUTO,
				 SYNCMIRROR_DATA_CSUM_OFF),
};

enum syncmirror_mcast_group {
	SYNCMIRROR_MCGRP_EVENTS,
};

static const struct genl_multicast_group syncmirror_mcgrps[] = {
	[SYNCMIRROR_MCGRP_EVENTS] = { .name = SYNCMIRROR_GENL_MCAST_EVENTS },
};

static struct genl_family syncmirror_genl_family;

static int fill_connection(struct sk_buff *skb,
			   struct syncmirror_connection *conn)
{
	const char *reason = "no peer link";
	int state = SYNCMIRROR_CONN_NONE;
	int peer_role = 0;
	time64_t since = 0;
	u32 peer = 0;

	if (conn)
		syncmirror_connection_get_state(conn, &state, &reason, &peer,
						&peer_role, &since);
	if (nla_put_u32(skb, SYNCMIRROR_ATTR_CONN_STATE, state) ||
	    nla_put_string(skb, SYNCMIRROR_ATTR_CONN_REASON, reason))
		return -EMSGSIZE;
	if (conn &&
	    (nla_put_u64_64bit(skb, SYNCMIRROR_ATTR_CONN_SINCE, since,
			       SYNCMIRROR_ATTR_PAD) ||
	     nla_put_u32(skb, SYNCMIRROR_ATTR_PING_TIMEOUT_MS,
			 conn->ping_timeout_ms) ||
	     nla_put_u32(skb, SYNCMIRROR_ATTR_TRANSPORT_SECURITY,
			 conn->tls_cipher ? SYNCMIRROR_SECURITY_TLS :
			 SYNCMIRROR_SECURITY_NONE) ||
	     (conn->tls_cipher &&
	      nla_put_u32(skb, SYNCMIRROR_ATTR_TLS_CIPHER, conn->tls_cipher))))
		return -EMSGSIZE;
	/* Known once the hellos agreed. */
	if (state == SYNCMIRROR_CONN_CONNECTED &&
	    nla_put_u32(skb, SYNCMIRROR_ATTR_DATA_CSUM,
			READ_ONCE(conn->data_csum) ? SYNCMIRROR_DATA_CSUM_ON :
			SYNCMIRROR_DATA_CSUM_OFF))
		return -EMSGSIZE;
	/* Who the peer is stays known after it is lost: say who is gone. */
	if (peer_role &&
	    (nla_put_u32(skb, SYNCMIRROR_ATTR_PEER_NODE_ID, peer) ||
	     nla_put_u32(skb, SYNCMIRROR_ATTR_PEER_ROLE, peer_role)))
		return -EMSGSIZE;
	return 0;
}

static int put_u64(struct sk_buff *skb, int attr, u64 value)
{
	return nla_put_u64_64bit(skb, attr, value, SYNCMIRROR_ATTR_PAD);
}

static int fill_disk(struct sk_buff *skb, struct syncmirror_volume *vol)
{
	u64 out_of_sync = syncmirror_volume_out_of_sync(vol);
	struct syncmirror_resync_status st;
	const struct syncmirror_md *md = &vol->md_info;

	syncmirror_resync_get_status(vol, &st);
	if (nla_put_u8(skb, SYNCMIRROR_ATTR_DIVERGED, !!out_of_sync) ||
	    (out_of_sync &&
	     put_u64(skb, SYNCMIRROR_ATTR_DIVERGED_SINCE,
		     vol->out_of_sync_since)) ||
	    put_u64(skb, SYNCMIRROR_ATTR_REPLICATED_WRITES,
		    atomic64_read(&vol->replicated_writes)) ||
	    put_u64(skb, SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES,
		    atomic64_read(&vol->local_only_writes)) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_DISK_STATE,
			syncmirror_volume_disk_state(vol)) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_PEER_DISK_STATE, st.peer_disk) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_REGION_SIZE,
			1U << (md->region_shift + SECTOR_SHIFT)) ||
	    put_u64(skb, SYNCMIRROR_ATTR_OUT_OF_SYNC_BYTES, out_of_sync) ||
	    put_u64(skb, SYNCMIRROR_ATTR_AL_CAPACITY_BYTES,
		    (u64)md->al_extents << (md->al_extent_shift +
					    SECTOR_SHIFT)) ||
	    put_u64(skb, SYNCMIRROR_ATTR_CURRENT_UUID, md->current_uuid) ||
	    put_u64(skb, SYNCMIRROR_ATTR_BITMAP_UUID, md->peer[0].bitmap_uuid) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_SYNC_STATE, st.state) ||
	    nla_put_u8(skb, SYNCMIRROR_ATTR_SYNC_PAUSED, st.paused) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SYNC_TOTAL_BYTES, st.total_bytes) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SYNC_DONE_BYTES, st.done_bytes) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SYNC_RATE, st.rate) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SYNC_MIN_RATE, st.min_rate) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SYNC_MAX_RATE, st.max_rate) ||
	    put_u64(skb, SYNCMIRROR_ATTR_RESYNCED_BYTES, st.resynced_bytes) ||
	    put_u64(skb, SYNCMIRROR_ATTR_RESYNC_RECEIVED_BYTES,
		    st.received_bytes) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_VERIFY_STATE, st.verifying) ||
	    put_u64(skb, SYNCMIRROR_ATTR_VERIFY_TOTAL_BYTES, st.verify_total) ||
	    put_u64(skb, SYNCMIRROR_ATTR_VERIFY_DONE_BYTES, st.verify_done) ||
	    put_u64(skb, SYNCMIRROR_ATTR_VERIFY_MISMATCHES, st.mismatches) ||
	    (st.mismatches &&
	     put_u64(skb, SYNCMIRROR_ATTR_VERIFY_FIRST_MISMATCH,
		     st.first_mismatch)))
		return -EMSGSIZE;
	return 0;
}

/* The caller of the command or ioctl that caused an event. */
static int fill_quorum(struct sk_buff *skb, struct syncmirror_volume *vol)
{
	struct syncmirror_quorum_status st;

	syncmirror_quorum_get_status(vol, &st);
	if (nla_put_u32(skb, SYNCMIRROR_ATTR_QUORUM_STATE, st.state) ||
	    nla_put_u8(skb, SYNCMIRROR_ATTR_GEN_PENDING,
		       READ_ONCE(vol->md_info.gen_pending)))
		return -EMSGSIZE;
	if (st.state == SYNCMIRROR_QUORUM_NONE)
		return 0;
	if (nla_put_u32(skb, SYNCMIRROR_ATTR_QUORUM_POLICY, st.policy) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_QUORUM_REMAINING_MS,
			st.remaining_ms) ||
	    put_u64(skb, SYNCMIRROR_ATTR_QUORUM_GEN, st.gen) ||
	    put_u64(skb, SYNCMIRROR_ATTR_QUORUM_TERM, st.term) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_QUORUM_HELD, st.held) ||
	    put_u64(skb, SYNCMIRROR_ATTR_QUORUM_SINCE,
		    div_u64(st.since, NSEC_PER_SEC)) ||
	    put_u64(skb, SYNCMIRROR_ATTR_QUORUM_SINCE_NS, st.since) ||
	    put_u64(skb, SYNCMIRROR_ATTR_QUORUM_CHANGES, st.changes))
		return -EMSGSIZE;
	return 0;
}

/* Generations, split-brain resolution and the last split-brain. */
static int fill_split_brain(struct sk_buff *skb, struct syncmirror_volume *vol)
{
	const struct syncmirror_md *md = &vol->md_info;
	struct syncmirror_sb_report sb;

	syncmirror_split_brain_get(vol, &sb);
	if (nla_put(skb, SYNCMIRROR_ATTR_HISTORY_UUIDS, sizeof(md->history_uuid),
		    md->history_uuid) ||
	    put_u64(skb, SYNCMIRROR_ATTR_PROMOTE_TIME, md->promote_time) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_SB_POLICY, sb.policy) ||
	    nla_put_u8(skb, SYNCMIRROR_ATTR_RESOLVE_PENDING, sb.discard_local) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_SB_DECISION, sb.decision))
		return -EMSGSIZE;
	if (sb.peer_known &&
	    (put_u64(skb, SYNCMIRROR_ATTR_PEER_CURRENT_UUID,
		     sb.peer_current_uuid) ||
	     put_u64(skb, SYNCMIRROR_ATTR_PEER_BITMAP_UUID,
		     sb.peer_bitmap_uuid) ||
	     put_u64(skb, SYNCMIRROR_ATTR_PEER_CHANGES, sb.peer_dirty)))
		return -EMSGSIZE;
	if (fill_quorum(skb, vol))
		return -EMSGSIZE;
	if (sb.decision == SYNCMIRROR_SB_DECISION_NONE)
		return 0;
	if (put_u64(skb, SYNCMIRROR_ATTR_SB_TIME, sb.time) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_SB_PEER_NODE_ID, sb.peer_node_id) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SB_LOCAL_CHANGES, sb.local_changes) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SB_PEER_CHANGES, sb.peer_changes) ||
	    put_u64(skb, SYNCMIRROR_ATTR_SB_COMMON_UUID, sb.common_uuid) ||
	    nla_put_u8(skb, SYNCMIRROR_ATTR_SB_FULL, sb.full) ||
	    nla_put_string(skb, SYNCMIRROR_ATTR_SB_REASON,
			   sb.reason ? sb.reason : ""))
		return -EMSGSIZE;
	return 0;
}

static int fill_actor(struct sk_buff *skb, int actor)
{
	char comm[TASK_COMM_LEN];

	if (actor == SYNCMIRROR_ACTOR_NONE)
		return 0;
	get_task_comm(comm, current);
	if ((actor > 0 && nla_put_u32(skb, SYNCMIRROR_ATTR_ACTOR_CMD, actor)) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_ACTOR_UID,
			from_kuid_munged(&init_user_ns, current_uid())) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_ACTOR_PID,
			task_tgid_vnr(current)) ||
	    nla_put_string(skb, SYNCMIRROR_ATTR_ACTOR_COMM, comm))
		return -EMSGSIZE;
	return 0;
}

/* Must be called with the volumes lock held. */
static int fill_volume(struct sk_buff *skb, struct syncmirror_volume *vol,
		       u32 portid, u32 seq, int flags, u8 cmd, int event,
		       int actor)
{
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &syncmirror_genl_family, flags,
			  cmd);
	if (!hdr)
		return -EMSGSIZE;

	if ((event && nla_put_u32(skb, SYNCMIRROR_ATTR_EVENT, event)) ||
	    nla_put_string(skb, SYNCMIRROR_ATTR_VOLUME_NAME,
			   syncmirror_volume_name(vol)) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_ROLE, vol->role) ||
	    nla_put(skb, SYNCMIRROR_ATTR_VOLUME_UUID,
		    sizeof(vol->md_info.volume_uuid),
		    &vol->md_info.volume_uuid) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_NODE_ID, vol->md_info.node_id) ||
	    nla_put_u64_64bit(skb, SYNCMIRROR_ATTR_DATA_SECTORS,
			      vol->md_info.data_sectors, SYNCMIRROR_ATTR_PAD) ||
	    nla_put_u32(skb, SYNCMIRROR_ATTR_OPEN_COUNT,
			syncmirror_volume_open_count(vol)) ||
	    fill_disk(skb, vol) || fill_actor(skb, actor) ||
	    fill_connection(skb, syncmirror_volume_conn(vol)) ||
	    fill_split_brain(skb, vol)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Find the volume named in @info; volumes lock held. */
static struct syncmirror_volume *volume_from_info(struct genl_info *info)
{
	struct nlattr *name = info->attrs[SYNCMIRROR_ATTR_VOLUME_NAME];
	struct syncmirror_volume *vol;

	vol = syncmirror_volume_find(nla_data(name));
	if (!vol)
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "no syncmirror volume of that name");
	return vol;
}

static int get_volume_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct syncmirror_volume *vol;
	struct sk_buff *reply;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME))
		return -EINVAL;

	reply = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	r = vol ? fill_volume(reply, vol, info->snd_portid, info->snd_seq, 0,
			      SYNCMIRROR_CMD_GET_VOLUME, 0,
			      SYNCMIRROR_ACTOR_NONE) : -ENOENT;
	syncmirror_volumes_unlock();
	if (r) {
		nlmsg_free(reply);
		return r;
	}
	return genlmsg_reply(reply, info);
}

static int get_volume_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct syncmirror_volume *vol;
	unsigned long n = cb->args[0];

	syncmirror_volumes_lock();
	while ((vol = syncmirror_volume_nth(n))) {
		if (fill_volume(skb, vol, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, NLM_F_MULTI,
				SYNCMIRROR_CMD_GET_VOLUME, 0,
				SYNCMIRROR_ACTOR_NONE))
			break;
		n++;
	}
	syncmirror_volumes_unlock();
	cb->args[0] = n;
	return skb->len;
}

/*
 * A primary about to be demoted: its peer's copy made stable first (see
 * syncmirror_replication_peer_stable()), outside the volumes lock, which
 * the link's receiver may need before it can see the flush answered.
 * The live table, held meanwhile, keeps the volume.
 */
static int stabilize_before_demotion(struct genl_info *info)
{
	struct syncmirror_volume *vol;
	struct syncmirror *sm = NULL;
	int r;

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	/* Not when set_role() will refuse anyway. */
	if (vol && vol->role == SYNCMIRROR_ROLE_PRIMARY &&
	    !syncmirror_volume_open_count(vol) && !syncmirror_quorum_held(vol))
		sm = syncmirror_volume_get_active(vol);
	syncmirror_volumes_unlock();
	if (!sm)
		return 0;
	r = syncmirror_replication_peer_stable(vol);
	syncmirror_volume_put_active(vol, sm);
	if (r)
		NL_SET_ERR_MSG(info->extack,
			       "cannot record what the peer may lack; not demoted");
	return r;
}

static int set_role_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *generation = info->attrs[SYNCMIRROR_ATTR_GENERATION];
	struct syncmirror_volume *vol;
	u32 role;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_ROLE))
		return -EINVAL;
	role = nla_get_u32(info->attrs[SYNCMIRROR_ATTR_ROLE]);
	if (role == SYNCMIRROR_ROLE_SECONDARY) {
		r = stabilize_before_demotion(info);
		if (r)
			return r;
	}

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	r = vol ? syncmirror_volume_set_role(vol, role,
			nla_get_flag(info->attrs[SYNCMIRROR_ATTR_FORCE]),
			generation ? nla_get_u64(generation) : 0,
			info->extack) : -ENOENT;
	syncmirror_volumes_unlock();
	return r;
}

static int connect_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *timeout = info->attrs[SYNCMIRROR_ATTR_PING_TIMEOUT_MS];
	struct nlattr *policy = info->attrs[SYNCMIRROR_ATTR_SB_POLICY];
	struct nlattr *security = info->attrs[SYNCMIRROR_ATTR_TRANSPORT_SECURITY];
	struct nlattr *csum = info->attrs[SYNCMIRROR_ATTR_DATA_CSUM];
	struct syncmirror_link_options opts;
	const char *name;
	u32 fd;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_SOCKET_FD))
		return -EINVAL;

	name = nla_data(info->attrs[SYNCMIRROR_ATTR_VOLUME_NAME]);
	fd = nla_get_u32(info->attrs[SYNCMIRROR_ATTR_SOCKET_FD]);
	opts = (struct syncmirror_link_options) {
		.ping_timeout_ms = timeout ? nla_get_u32(timeout) :
				   SYNCMIRROR_PING_TIMEOUT_MS_DEFAULT,
		.sb_policy = policy ? nla_get_u32(policy) :
			     SYNCMIRROR_SB_POLICY_DISCONNECT,
		.security = security ? nla_get_u32(security) :
			    SYNCMIRROR_SECURITY_TLS,
		.data_csum = csum ? nla_get_u32(csum) :
			     SYNCMIRROR_DATA_CSUM_AUTO,
	};
	return syncmirror_volume_connect(name, fd, &opts, info->extack);
}

static int disconnect_doit(struct sk_buff *skb, struct genl_info *info)
{
	const char *name;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME))
		return -EINVAL;

	name = nla_data(info->attrs[SYNCMIRROR_ATTR_VOLUME_NAME]);
	return syncmirror_volume_disconnect(name, info->extack);
}

static int resync_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *action = info->attrs[SYNCMIRROR_ATTR_RESYNC_ACTION];
	struct nlattr *lo = info->attrs[SYNCMIRROR_ATTR_RESYNC_MIN_RATE];
	struct nlattr *hi = info->attrs[SYNCMIRROR_ATTR_RESYNC_MAX_RATE];
	struct syncmirror_volume *vol;
	u64 min_rate, max_rate;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME))
		return -EINVAL;
	if (lo)
		min_rate = nla_get_u64(lo);
	if (hi)
		max_rate = nla_get_u64(hi);

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	r = vol ? syncmirror_resync_control(vol, action ? nla_get_u32(action) :
					    SYNCMIRROR_RESYNC_NONE,
					    lo ? &min_rate : NULL,
					    hi ? &max_rate : NULL,
					    info->extack) : -ENOENT;
	if (!r)
		syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_RESYNC,
					  SYNCMIRROR_CMD_RESYNC);
	syncmirror_volumes_unlock();
	return r;
}

static int verify_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *action = info->attrs[SYNCMIRROR_ATTR_VERIFY_ACTION];
	struct syncmirror_volume *vol;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME))
		return -EINVAL;

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	r = vol ? syncmirror_verify_control(vol, action ? nla_get_u32(action) :
					    SYNCMIRROR_VERIFY_START,
					    info->extack) : -ENOENT;
	if (!r)
		syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_VERIFY,
					  SYNCMIRROR_CMD_VERIFY);
	syncmirror_volumes_unlock();
	return r;
}

static u64 get_u64_or(struct genl_info *info, int attr, u64 dflt)
{
	return info->attrs[attr] ? nla_get_u64(info->attrs[attr]) : dflt;
}

static int quorum_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *policy = info->attrs[SYNCMIRROR_ATTR_QUORUM_POLICY];
	struct syncmirror_volume *vol;
	int r;

	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_QUORUM_ACTION))
		return -EINVAL;

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	r = vol ? syncmirror_quorum_control(vol,
			nla_get_u32(info->attrs[SYNCMIRROR_ATTR_QUORUM_ACTION]),
			policy ? nla_get_u32(policy) : 0,
			get_u64_or(info, SYNCMIRROR_ATTR_QUORUM_UNTIL_NS, 0),
			get_u64_or(info, SYNCMIRROR_ATTR_QUORUM_GEN, 0),
			get_u64_or(info, SYNCMIRROR_ATTR_QUORUM_TERM, 0),
			info->extack) : -ENOENT;
	syncmirror_volumes_unlock();
	return r;
}

static int resolve_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *action = info->attrs[SYNCMIRROR_ATTR_RESOLVE_ACTION];
	struct syncmirror_volume *vol;
	int r;

	/* Discarding data is never a default. */
	if (GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_VOLUME_NAME) ||
	    GENL_REQ_ATTR_CHECK(info, SYNCMIRROR_ATTR_RESOLVE_ACTION))
		return -EINVAL;

	syncmirror_volumes_lock();
	vol = volume_from_info(info);
	r = vol ? syncmirror_split_brain_resolve(vol, nla_get_u32(action),
						 info->extack) : -ENOENT;
	if (!r)
		syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_DISK,
					  SYNCMIRROR_CMD_RESOLVE);
	syncmirror_volumes_unlock();
	return r;
}

static const struct genl_ops syncmirror_genl_ops[] = {
	{
		.cmd = SYNCMIRROR_CMD_GET_VOLUME,
		.doit = get_volume_doit,
		.dumpit = get_volume_dumpit,
		.policy = get_volume_policy,
		.maxattr = ARRAY_SIZE(get_volume_policy) - 1,
	},
	{
		.cmd = SYNCMIRROR_CMD_SET_ROLE,
		.doit = set_role_doit,
		.policy = set_role_policy,
		.maxattr = ARRAY_SIZE(set_role_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SYNCMIRROR_CMD_CONNECT,
		.doit = connect_doit,
		.policy = connect_policy,
		.maxattr = ARRAY_SIZE(connect_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SYNCMIRROR_CMD_DISCONNECT,
		.doit = disconnect_doit,
		.policy = get_volume_policy,
		.maxattr = ARRAY_SIZE(get_volume_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SYNCMIRROR_CMD_RESYNC,
		.doit = resync_doit,
		.policy = resync_policy,
		.maxattr = ARRAY_SIZE(resync_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SYNCMIRROR_CMD_VERIFY,
		.doit = verify_doit,
		.policy = verify_policy,
		.maxattr = ARRAY_SIZE(verify_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SYNCMIRROR_CMD_QUORUM,
		.doit = quorum_doit,
		.policy = quorum_policy,
		.maxattr = ARRAY_SIZE(quorum_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = SYNCMIRROR_CMD_RESOLVE,
		.doit = resolve_doit,
		.policy = resolve_policy,
		.maxattr = ARRAY_SIZE(resolve_policy) - 1,
		.flags = GENL_ADMIN_PERM,
	},
};

static struct genl_family syncmirror_genl_family __ro_after_init = {
	.name = SYNCMIRROR_GENL_NAME,
	.version = SYNCMIRROR_GENL_VERSION,
	.module = THIS_MODULE,
	.ops = syncmirror_genl_ops,
	.n_ops = ARRAY_SIZE(syncmirror_genl_ops),
	.mcgrps = syncmirror_mcgrps,
	.n_mcgrps = ARRAY_SIZE(syncmirror_mcgrps),
	.netnsok = false,
};

/*
 * Tell the events group about @vol; @actor says who caused it (see
 * syncmirror-netlink.h).  Must be called with the volumes lock held; best
 * effort: a listener that misses an event can ask for status.
 */
void syncmirror_netlink_notify(struct syncmirror_volume *vol, int event,
			       int actor)
{
	struct sk_buff *skb;

	skb = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!skb)
		return;
	if (fill_volume(skb, vol, 0, 0, 0, SYNCMIRROR_CMD_EVENT, event,
			actor)) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_multicast(&syncmirror_genl_family, skb, 0,
			  SYNCMIRROR_MCGRP_EVENTS, GFP_KERNEL);
}

int __init syncmirror_netlink_init(void)
{
	return genl_register_family(&syncmirror_genl_family);
}

void syncmirror_netlink_exit(void)
{
	genl_unregister_family(&syncmirror_genl_family);
}
