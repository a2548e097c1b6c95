// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirrord's side of the syncmirror generic netlink family: a request
 * socket for GET_VOLUME, SET_ROLE, CONNECT, DISCONNECT and QUORUM
 * (lib/genl.c), and a
 * non-blocking socket in the "events" multicast group that the poll loop
 * reads.  Replies and events are decoded into one struct kernel_volume.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/syncmirror.h>
#include <netlink/genl/ctrl.h>

#include "syncmirrord.h"

static void copy_string(char *out, size_t size, struct nlattr *attr)
{
	snprintf(out, size, "%.*s", nla_len(attr), (const char *)nla_data(attr));
}

static uint64_t get_u64(struct nlattr **a, int type)
{
	return a[type] ? nla_get_u64(a[type]) : 0;
}

static uint32_t get_u32(struct nlattr **a, int type)
{
	return a[type] ? nla_get_u32(a[type]) : 0;
}

/* Disk, resync and verify state (kernels with metadata version 2). */
static void parse_sync(struct nlattr **a, struct kernel_volume *kv)
{
	kv->has_disk = true;
	kv->disk_state = get_u32(a, SYNCMIRROR_ATTR_DISK_STATE);
	kv->peer_disk_state = get_u32(a, SYNCMIRROR_ATTR_PEER_DISK_STATE);
	kv->out_of_sync = get_u64(a, SYNCMIRROR_ATTR_OUT_OF_SYNC_BYTES);
	kv->sync_state = get_u32(a, SYNCMIRROR_ATTR_SYNC_STATE);
	kv->sync_paused = a[SYNCMIRROR_ATTR_SYNC_PAUSED] &&
			  nla_get_u8(a[SYNCMIRROR_ATTR_SYNC_PAUSED]);
	kv->sync_total = get_u64(a, SYNCMIRROR_ATTR_SYNC_TOTAL_BYTES);
	kv->sync_done = get_u64(a, SYNCMIRROR_ATTR_SYNC_DONE_BYTES);
	kv->sync_min_rate = get_u64(a, SYNCMIRROR_ATTR_SYNC_MIN_RATE);
	kv->sync_max_rate = get_u64(a, SYNCMIRROR_ATTR_SYNC_MAX_RATE);
	kv->verify_state = get_u32(a, SYNCMIRROR_ATTR_VERIFY_STATE);
	kv->verify_total = get_u64(a, SYNCMIRROR_ATTR_VERIFY_TOTAL_BYTES);
	kv->verify_done = get_u64(a, SYNCMIRROR_ATTR_VERIFY_DONE_BYTES);
	kv->verify_mismatches = get_u64(a, SYNCMIRROR_ATTR_VERIFY_MISMATCHES);
	kv->has_first_mismatch = a[SYNCMIRROR_ATTR_VERIFY_FIRST_MISMATCH];
	kv->first_mismatch = get_u64(a, SYNCMIRROR_ATTR_VERIFY_FIRST_MISMATCH);
	kv->has_resync_action = a[SYNCMIRROR_ATTR_RESYNC_ACTION];
	kv->resync_action = get_u32(a, SYNCMIRROR_ATTR_RESYNC_ACTION);
	kv->has_verify_action = a[SYNCMIRROR_ATTR_VERIFY_ACTION];
	kv->verify_action = get_u32(a, SYNCMIRROR_ATTR_VERIFY_ACTION);
}

/* The last split-brain decision (kernels with split-brain handling). */
static void parse_split_brain(struct nlattr **a, struct kernel_volume *kv)
{
	kv->has_split_brain = true;
	kv->sb_policy = get_u32(a, SYNCMIRROR_ATTR_SB_POLICY);
	kv->sb_decision = get_u32(a, SYNCMIRROR_ATTR_SB_DECISION);
	kv->sb_time = get_u64(a, SYNCMIRROR_ATTR_SB_TIME);
	kv->sb_peer_node_id = get_u32(a, SYNCMIRROR_ATTR_SB_PEER_NODE_ID);
	kv->sb_local_changes = get_u64(a, SYNCMIRROR_ATTR_SB_LOCAL_CHANGES);
	kv->sb_peer_changes = get_u64(a, SYNCMIRROR_ATTR_SB_PEER_CHANGES);
	kv->sb_common_uuid = get_u64(a, SYNCMIRROR_ATTR_SB_COMMON_UUID);
	kv->sb_full = a[SYNCMIRROR_ATTR_SB_FULL] &&
		      nla_get_u8(a[SYNCMIRROR_ATTR_SB_FULL]);
	if (a[SYNCMIRROR_ATTR_SB_REASON])
		copy_string(kv->sb_reason, sizeof(kv->sb_reason),
			    a[SYNCMIRROR_ATTR_SB_REASON]);
}

static int parse_volume(struct nl_msg *msg, struct kernel_volume *kv)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];
	struct nlattr **a = attrs;

	memset(kv, 0, sizeof(*kv));
	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL) ||
	    !a[SYNCMIRROR_ATTR_VOLUME_NAME])
		return -1;
	copy_string(kv->name, sizeof(kv->name), a[SYNCMIRROR_ATTR_VOLUME_NAME]);
	if (a[SYNCMIRROR_ATTR_EVENT])
		kv->event = nla_get_u32(a[SYNCMIRROR_ATTR_EVENT]);
	if (a[SYNCMIRROR_ATTR_VOLUME_UUID] &&
	    nla_len(a[SYNCMIRROR_ATTR_VOLUME_UUID]) == 16) {
		kv->has_uuid = true;
		memcpy(kv->uuid, nla_data(a[SYNCMIRROR_ATTR_VOLUME_UUID]), 16);
	}
	if (a[SYNCMIRROR_ATTR_NODE_ID])
		kv->node_id = nla_get_u32(a[SYNCMIRROR_ATTR_NODE_ID]);
	if (a[SYNCMIRROR_ATTR_ROLE])
		kv->role = nla_get_u32(a[SYNCMIRROR_ATTR_ROLE]);
	if (a[SYNCMIRROR_ATTR_DATA_SECTORS])
		kv->data_sectors = nla_get_u64(a[SYNCMIRROR_ATTR_DATA_SECTORS]);
	if (a[SYNCMIRROR_ATTR_CONN_STATE])
		kv->conn_state = nla_get_u32(a[SYNCMIRROR_ATTR_CONN_STATE]);
	if (a[SYNCMIRROR_ATTR_CONN_REASON])
		copy_string(kv->conn_reason, sizeof(kv->conn_reason),
			    a[SYNCMIRROR_ATTR_CONN_REASON]);
	if (a[SYNCMIRROR_ATTR_PEER_NODE_ID]) {
		kv->has_peer = true;
		kv->peer_node_id = nla_get_u32(a[SYNCMIRROR_ATTR_PEER_NODE_ID]);
	}
	if (a[SYNCMIRROR_ATTR_DIVERGED]) {
		kv->has_diverged = true;
		kv->diverged = nla_get_u8(a[SYNCMIRROR_ATTR_DIVERGED]);
	}
	if (a[SYNCMIRROR_ATTR_DISK_STATE])
		parse_sync(a, kv);
	kv->region_size = get_u32(a, SYNCMIRROR_ATTR_REGION_SIZE);
	kv->current_uuid = get_u64(a, SYNCMIRROR_ATTR_CURRENT_UUID);
	kv->bitmap_uuid = get_u64(a, SYNCMIRROR_ATTR_BITMAP_UUID);
	kv->gen_pending = a[SYNCMIRROR_ATTR_GEN_PENDING] &&
			  nla_get_u8(a[SYNCMIRROR_ATTR_GEN_PENDING]);
	kv->open_count = get_u32(a, SYNCMIRROR_ATTR_OPEN_COUNT);
	if (a[SYNCMIRROR_ATTR_QUORUM_STATE]) {
		kv->has_quorum = true;
		kv->quorum_state = get_u32(a, SYNCMIRROR_ATTR_QUORUM_STATE);
		kv->quorum_policy = get_u32(a, SYNCMIRROR_ATTR_QUORUM_POLICY);
		kv->quorum_remaining_ms =
			get_u32(a, SYNCMIRROR_ATTR_QUORUM_REMAINING_MS);
		kv->quorum_term = get_u64(a, SYNCMIRROR_ATTR_QUORUM_TERM);
		kv->quorum_held = get_u32(a, SYNCMIRROR_ATTR_QUORUM_HELD);
	}
	if (a[SYNCMIRROR_ATTR_SB_DECISION])
		parse_split_brain(a, kv);
	/* Kernels before the audit attributes send none of them. */
	if (a[SYNCMIRROR_ATTR_ACTOR_UID] && a[SYNCMIRROR_ATTR_ACTOR_PID]) {
		kv->has_actor = true;
		kv->actor_uid = nla_get_u32(a[SYNCMIRROR_ATTR_ACTOR_UID]);
		kv->actor_pid = nla_get_u32(a[SYNCMIRROR_ATTR_ACTOR_PID]);
		if (a[SYNCMIRROR_ATTR_ACTOR_CMD])
			kv->actor_cmd = nla_get_u32(a[SYNCMIRROR_ATTR_ACTOR_CMD]);
		if (a[SYNCMIRROR_ATTR_ACTOR_COMM])
			copy_string(kv->actor_comm, sizeof(kv->actor_comm),
				    a[SYNCMIRROR_ATTR_ACTOR_COMM]);
	}
	return 0;
}

static int on_message(struct nl_msg *msg, void *arg)
{
	struct kernel *k = arg;
	struct kernel_volume kv;

	if (!parse_volume(msg, &kv))
		k->on_volume(&kv, k->arg);
	return NL_OK;
}

static int accept_any_seq(struct nl_msg *msg, void *arg)
{
	(void)msg, (void)arg;
	return NL_OK;
}

int kernel_open(struct kernel *k, kernel_volume_fn on_volume, void *arg)
{
	int group;

	memset(k, 0, sizeof(*k));
	k->on_volume = on_volume;
	k->arg = arg;
	if (sm_genl_open(&k->request, "syncmirrord"))
		return -1;
	k->events = nl_socket_alloc();
	if (!k->events || genl_connect(k->events)) {
		fprintf(stderr, "syncmirrord: cannot open a netlink socket for events\n");
		goto fail;
	}
	group = genl_ctrl_resolve_grp(k->events, SYNCMIRROR_GENL_NAME,
				      SYNCMIRROR_GENL_MCAST_EVENTS);
	if (group < 0 || nl_socket_add_membership(k->events, group)) {
		fprintf(stderr, "syncmirrord: cannot join the syncmirror events group\n");
		goto fail;
	}
	/* Events are not answers to our requests: no sequence numbers. */
	nl_socket_disable_seq_check(k->events);
	nl_socket_modify_cb(k->events, NL_CB_SEQ_CHECK, NL_CB_CUSTOM,
			    accept_any_seq, NULL);
	nl_socket_modify_cb(k->events, NL_CB_VALID, NL_CB_CUSTOM, on_message, k);
	nl_socket_set_buffer_size(k->events, 1 << 20, 0);
	if (nl_socket_set_nonblocking(k->events)) {
		fprintf(stderr, "syncmirrord: cannot make the events socket non-blocking\n");
		goto fail;
	}
	return 0;
fail:
	kernel_close(k);
	return -1;
}

void kernel_close(struct kernel *k)
{
	if (k->events)
		nl_socket_free(k->events);
	k->events = NULL;
	if (k->request.sock)
		sm_genl_close(&k->request);
}

int kernel_events_fd(struct kernel *k)
{
	return nl_socket_get_fd(k->events);
}

int kernel_read_events(struct kernel *k)
{
	int r;

	for (;;) {
		/* A count of messages handled, 0 once the socket is empty. */
		r = nl_recvmsgs_report(k->events, nl_socket_get_cb(k->events));
		if (r > 0 || r == -NLE_INTR)
			continue;
		if (r == 0 || r == -NLE_AGAIN)
			return 0;
		if (r == -NLE_NOMEM) {	/* ENOBUFS: the kernel dropped some */
			k->events_lost = true;
			continue;
		}
		log_msg(LOG_ERR, "reading kernel events failed: %s",
			nl_geterror(r));
		return -1;
	}
}

static int on_reply(struct nl_msg *msg, void *arg)
{
	return on_message(msg, arg);
}

int kernel_dump(struct kernel *k)
{
	struct nl_msg *msg;
	int r;

	msg = sm_genl_request(&k->request, SYNCMIRROR_CMD_GET_VOLUME,
			      NLM_F_DUMP);
	if (!msg)
		return -ENOMEM;
	r = sm_genl_transact(&k->request, msg, on_reply, k);
	if (r)
		log_msg(LOG_ERR, "cannot list the kernel's volumes: %s",
			k->request.message[0] ? k->request.message :
			strerror(-r));
	return r;
}

static void reason(struct kernel *k, int r, char *why, size_t size)
{
	snprintf(why, size, "%s",
		 k->request.message[0] ? k->request.message : strerror(-r));
}

int kernel_connect(struct kernel *k, const struct sm_config *cfg, int fd,
		   char *why, size_t why_size)
{
	unsigned int ping_ms = cfg->ping_timeout * 1000;
	uint32_t sb_policy = cfg->after_split_brain;
	struct nl_msg *msg;
	int r;

	msg = sm_genl_request(&k->request, SYNCMIRROR_CMD_CONNECT, 0);
	if (!msg ||
	    nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, cfg->volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_SOCKET_FD, fd) ||
	    (ping_ms && nla_put_u32(msg, SYNCMIRROR_ATTR_PING_TIMEOUT_MS,
				    ping_ms)) ||
	    (sb_policy != SYNCMIRROR_SB_POLICY_DISCONNECT &&
	     nla_put_u32(msg, SYNCMIRROR_ATTR_SB_POLICY, sb_policy)) ||
	    (cfg->transport_security == SM_SECURITY_NONE &&
	     nla_put_u32(msg, SYNCMIRROR_ATTR_TRANSPORT_SECURITY,
			 SYNCMIRROR_SECURITY_NONE)) ||
	    (cfg->data_checksum != SYNCMIRROR_DATA_CSUM_AUTO &&
	     nla_put_u32(msg, SYNCMIRROR_ATTR_DATA_CSUM,
			 cfg->data_checksum))) {
		nlmsg_free(msg);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = sm_genl_transact(&k->request, msg, NULL, NULL);
	if (r)
		reason(k, r, why, why_size);
	return r;
}

int kernel_disconnect(struct kernel *k, const char *volume, char *why,
		      size_t why_size)
{
	struct nl_msg *msg;
	int r;

	msg = sm_genl_request(&k->request, SYNCMIRROR_CMD_DISCONNECT, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume)) {
		nlmsg_free(msg);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = sm_genl_transact(&k->request, msg, NULL, NULL);
	if (r)
		reason(k, r, why, why_size);
	return r;
}

static int on_one_volume(struct nl_msg *msg, void *arg)
{
	struct kernel_volume *kv = arg;

	if (parse_volume(msg, kv))
		kv->name[0] = '\0';
	return NL_OK;
}

int kernel_get_volume(struct kernel *k, const char *volume,
		      struct kernel_volume *kv, char *why, size_t why_size)
{
	struct nl_msg *msg;
	int r;

	memset(kv, 0, sizeof(*kv));
	msg = sm_genl_request(&k->request, SYNCMIRROR_CMD_GET_VOLUME, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume)) {
		nlmsg_free(msg);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = sm_genl_transact(&k->request, msg, on_one_volume, kv);
	if (r)
		reason(k, r, why, why_size);
	else if (!kv->name[0]) {
		snprintf(why, why_size, "the kernel's reply could not be parsed");
		r = -EPROTO;
	}
	return r;
}

int kernel_set_role(struct kernel *k, const char *volume, uint32_t role,
		    uint64_t generation, char *why, size_t why_size)
{
	struct nl_msg *msg;
	int r;

	msg = sm_genl_request(&k->request, SYNCMIRROR_CMD_SET_ROLE, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_ROLE, role) ||
	    (generation && nla_put_u64(msg, SYNCMIRROR_ATTR_GENERATION,
				       generation))) {
		nlmsg_free(msg);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = sm_genl_transact(&k->request, msg, NULL, NULL);
	if (r)
		reason(k, r, why, why_size);
	return r;
}

int kernel_quorum(struct kernel *k, const char *volume, uint32_t action,
		  uint32_t policy, uint64_t until_ns, uint64_t gen,
		  uint64_t term, char *why, size_t why_size)
{
	bool lease = action == SYNCMIRROR_QUORUM_LEASE;
	struct nl_msg *msg;
	int r;

	msg = sm_genl_request(&k->request, SYNCMIRROR_CMD_QUORUM, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_QUORUM_ACTION, action) ||
	    (lease &&
	     (nla_put_u32(msg, SYNCMIRROR_ATTR_QUORUM_POLICY, policy) ||
	      nla_put_u64(msg, SYNCMIRROR_ATTR_QUORUM_UNTIL_NS, until_ns) ||
	      nla_put_u64(msg, SYNCMIRROR_ATTR_QUORUM_GEN, gen) ||
	      nla_put_u64(msg, SYNCMIRROR_ATTR_QUORUM_TERM, term)))) {
		nlmsg_free(msg);
		snprintf(why, why_size, "out of memory");
		return -ENOMEM;
	}
	r = sm_genl_transact(&k->request, msg, NULL, NULL);
	if (r)
		reason(k, r, why, why_size);
	return r;
}
