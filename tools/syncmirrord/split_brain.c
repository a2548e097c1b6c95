// SPDX-License-Identifier: GPL-2.0-only
/*
 * Split-brain decisions, from the agent's side: the kernel decides (at
 * each hello) and reports; the agent writes the audit line (audit.c) and
 * runs the volume's split-brain-hook once per decision.
 *
 * The kernel decides again at every hello, so a refused split-brain is
 * reported (a SPLIT_BRAIN event, a new SB_TIME, growing change counts) at
 * every reconnection attempt, and in every GET_VOLUME reply.  That is one
 * decision for the operator: a decision is new when what was decided
 * differs from the last one seen, that is SB_DECISION (with its victim),
 * SB_COMMON_UUID, SB_PEER_NODE_ID or SB_FULL; SB_TIME and the counts are
 * not compared.  The first state seen (at start, or after a SIGHUP
 * reload) is taken as known: it was decided before we looked.  A new
 * decision seen only in a dump means its event was lost (the kernel
 * dropped events): it is audited and its hook run all the same.
 */
#include <inttypes.h>
#include <linux/syncmirror.h>

#include "syncmirrord.h"

static void hook_done(const struct hook_result *result, void *arg)
{
	(void)result, (void)arg;	/* hooks.c logged it; nothing follows */
}

static void run_hook(struct volume *v, const struct kernel_volume *kv)
{
	uint32_t region = kv->region_size;
	struct hook_env env;
	struct hook_request req = {
		.hook = "split-brain",
		.volume = v->cfg.volume,
		.path = v->cfg.split_brain_hook,
		.timeout_s = v->cfg.hook_timeout,
		.done = hook_done,
	};

	hook_env_init(&env);
	hook_env_common(&env, "split-brain", v, kv);
	hook_env_add(&env, "SYNCMIRROR_SB_DECISION", "%s",
		     sm_sb_decision_name(kv->sb_decision));
	hook_env_add(&env, "SYNCMIRROR_SB_VICTIM", "%s",
		     sm_sb_victim_name(kv->sb_decision));
	hook_env_add(&env, "SYNCMIRROR_SB_LOCAL_CHANGES", "%" PRIu64,
		     kv->sb_local_changes * region);
	hook_env_add(&env, "SYNCMIRROR_SB_PEER_CHANGES", "%" PRIu64,
		     kv->sb_peer_changes * region);
	hook_env_add(&env, "SYNCMIRROR_SB_COMMON_UUID", "%016" PRIx64,
		     kv->sb_common_uuid);
	hook_env_add(&env, "SYNCMIRROR_SB_FULL", "%d", kv->sb_full ? 1 : 0);
	hook_env_add(&env, "SYNCMIRROR_SB_POLICY", "%s",
		     sm_sb_policy_name(v->cfg.after_split_brain));
	hook_env_add(&env, "SYNCMIRROR_SB_PEER_NODE_ID", "%u",
		     kv->sb_peer_node_id);
	hook_env_add(&env, "SYNCMIRROR_SB_TIME", "%" PRIu64, kv->sb_time);
	hook_env_add(&env, "SYNCMIRROR_SB_REASON", "%s", kv->sb_reason);
	req.env = (const char *const *)env.vars;
	if (env.overflow)
		log_msg(LOG_ERR, "%s: split-brain-hook not run: its environment did not fit",
			v->cfg.volume);
	else
		hook_run(&req);
	hook_env_free(&env);
}

void split_brain_seen(struct daemon_ctx *d, struct volume *v,
		      const struct kernel_volume *kv)
{
	bool first = !v->sb_known;

	(void)d;
	if (!kv->has_split_brain)
		return;		/* a kernel without split-brain handling */
	if (!first && kv->sb_decision == v->sb_decision &&
	    kv->sb_common_uuid == v->sb_common_uuid &&
	    kv->sb_peer_node_id == v->sb_peer_node_id &&
	    kv->sb_full == v->sb_full)
		return;
	v->sb_known = true;
	v->sb_decision = kv->sb_decision;
	v->sb_common_uuid = kv->sb_common_uuid;
	v->sb_peer_node_id = kv->sb_peer_node_id;
	v->sb_full = kv->sb_full;
	if (kv->sb_decision == SYNCMIRROR_SB_DECISION_NONE)
		return;
	if (!kv->event) {
		if (first)
			return;
		log_msg(LOG_WARNING, "%s: a split-brain decision the agent was not told of (events were lost)",
			v->cfg.volume);
		audit_split_brain(kv);
	}
	if (v->cfg.split_brain_hook[0])
		run_hook(v, kv);
}
