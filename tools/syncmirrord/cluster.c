// SPDX-License-Identifier: GPL-2.0-only
/*
 * Quorum and automatic failover on a data node (Documentation/
 * syncmirror-failover.rst, "Quorum and automatic failover"): when
 * cluster.conf exists, heartbeat links (heartbeat.c) to the witness and to
 * the peer of every volume with "quorum on", and per such volume one
 * promotion state machine (quorum.c, pure logic) whose actions are carried
 * out here: the state file, PROMOTE_REQUEST, the kernel's QUORUM, SET_ROLE
 * and DISCONNECT, and the fence, promote and deposed hooks.
 *
 * This node also votes for its peer: it answers the peer's PROMOTE_REQUEST
 * by quorum_vote() (the only voter in two-node mode, one of three with a
 * witness) and grants the peer leases in its heartbeats.
 *
 * Everything runs in syncmirrord's poll loop: a machine is stepped after
 * each kernel message of its volume, each heartbeat message that concerns
 * it, each fence-hook end, and at least every CLUSTER_TICK_MS.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <sys/wait.h>
#include <openssl/rand.h>

#include "../lib/cluster-config.h"
#include "../lib/quorum-state.h"
#include "../lib/superblock.h"
#include "heartbeat.h"
#include "quorum.h"
#include "syncmirrord.h"

#define CLUSTER_TICK_MS		100	/* machines stepped at least this often */

_Static_assert(CLUSTER_MAX_FDS >= HB_MAX_FDS, "CLUSTER_MAX_FDS too small");

struct cluster {
	struct sm_cluster_config cfg;
	const char *state_dir;
	uint32_t self;
	bool running;			/* hb is initialised */
	struct quorum_timing timing;
	struct hb_node hb;
	long long next_heartbeat[SM_CLUSTER_MAX_MEMBERS];
	bool heartbeat_now[SM_CLUSTER_MAX_MEMBERS];
	struct sm_hb_record *records;	/* SM_HB_MAX_RECORDS, for sending */
	long long next_tick;
	struct daemon_ctx *d;
};

static uint32_t witness_id(const struct cluster *c)
{
	return c->cfg.has_witness ? c->cfg.witness_id : SM_HB_NO_MEMBER;
}

static bool concerns(const struct volume *v, uint32_t member)
{
	return v->quorum && (member == v->cfg.peer_node_id ||
			     member == witness_id(v->cluster));
}

/* ---- the kernel's view, for the machine ---- */

static void kernel_view(const struct volume *v, struct quorum_kernel *k)
{
	const struct kernel_volume *kv = &v->kv;

	memset(k, 0, sizeof(*k));
	k->loaded = v->in_kernel && v->have_kv;
	if (!k->loaded)
		return;
	k->role = kv->role;
	k->disk_state = kv->disk_state;
	k->sync_state = kv->sync_state;
	k->inconsistent = kv->disk_state == SYNCMIRROR_DISK_INCONSISTENT;
	k->conn_state = kv->conn_state;
	k->current_uuid = kv->current_uuid;
	k->bitmap_uuid = kv->bitmap_uuid;
	k->gen_pending = kv->gen_pending;
}

/* ---- hooks ---- */

static void fence_done(const struct hook_result *result, void *arg)
{
	struct daemon_ctx *d = arg;
	struct volume *v = daemon_find_volume(d, result->volume);
	bool ok = result->started && !result->timed_out &&
		  WIFEXITED(result->status) && !WEXITSTATUS(result->status);

	if (!v || !v->quorum)
		return;
	log_msg(LOG_NOTICE, "%s: fence-hook %s after %lld ms", v->cfg.volume,
		ok ? "exited 0" : result->timed_out ? "timed out" :
		!result->started ? "could not be started" : "failed",
		result->duration_ms);
	v->fence_result = ok ? QUORUM_HOOK_OK : QUORUM_HOOK_FAILED;
	cluster_step(d, v);
}

/* Run @hook (fence, promote, deposed); false when it cannot run. */
static bool run_hook(struct daemon_ctx *d, struct volume *v, const char *hook,
		     const char *path, unsigned int timeout_s, hook_done_fn done)
{
	struct hook_env env;
	struct hook_request req = {
		.hook = hook,
		.volume = v->cfg.volume,
		.path = path,
		.timeout_s = timeout_s,
		.done = done,
		.arg = d,
	};
	int r = -1;

	hook_env_init(&env);
	hook_env_common(&env, hook, v, v->have_kv ? &v->kv : NULL);
	hook_env_add(&env, "SYNCMIRROR_TERM", "%" PRIu64,
		     v->quorum->vote.state.term);
	req.env = (const char *const *)env.vars;
	if (env.overflow)
		log_msg(LOG_ERR, "%s: %s-hook not run: its environment did not fit",
			v->cfg.volume, hook);
	else
		r = hook_run(&req);
	hook_env_free(&env);
	return !r;
}

/* ---- carrying out the machine's actions ---- */

static void deposed_demote(struct daemon_ctx *d, struct volume *v)
{
	struct kernel_volume kv;
	char why[256];

	if (kernel_get_volume(&d->kernel, v->cfg.volume, &kv, why,
			      sizeof(why))) {
		log_msg(LOG_WARNING, "%s: deposed, cannot read the volume: %s",
			v->cfg.volume, why);
		return;
	}
	if (kv.open_count) {
		if (!v->deposed_open_logged)
			log_msg(LOG_NOTICE, "%s: deposed: /dev/mapper/%s is open (%u); demoting once it is closed",
				v->cfg.volume, v->cfg.volume, kv.open_count);
		v->deposed_open_logged = true;
		return;
	}
	if (kernel_set_role(&d->kernel, v->cfg.volume,
			    SYNCMIRROR_ROLE_SECONDARY, 0, why, sizeof(why)))
		log_msg(LOG_INFO, "%s: deposed, demotion refused: %s",
			v->cfg.volume, why);
	else
		log_msg(LOG_NOTICE, "%s: deposed: demoted to secondary",
			v->cfg.volume);
}

/* One action; 0 done, -1 failed (logged). */
/* The kernel's QUORUM @action (a lease from @a); 0 or -1, logged. */
static int fence_command(struct daemon_ctx *d, const char *name,
			 uint32_t action, const struct quorum_action *a,
			 const char *what)
{
	char why[256];
	int r;

	r = kernel_quorum(&d->kernel, name, action, a ? a->policy : 0,
			  a ? (uint64_t)a->until * 1000000ULL : 0,
			  a ? a->generation : 0, a ? a->term : 0, why,
			  sizeof(why));
	if (r)
		log_msg(LOG_WARNING, "%s: cannot %s: %s", name, what, why);
	return r ? -1 : 0;
}

static int act(struct daemon_ctx *d, struct volume *v,
	       const struct quorum_action *a, long long now)
{
	struct cluster *c = v->cluster;
	struct quorum_node *n = v->quorum;
	const char *name = v->cfg.volume;
	char why[4200];
	int r = 0;

	switch (a->type) {
	case QUORUM_ACT_PERSIST:
		r = sm_qstate_store(c->state_dir, n->vote.uuid, &a->state, why,
				    sizeof(why));
		if (r)
			log_msg(LOG_ERR, "%s: cannot write the quorum state: %s",
				name, why);
		return r ? -1 : 0;
	case QUORUM_ACT_SEND_REQUEST:
		if (!hb_send(&c->hb, a->to, SM_HB_PROMOTE_REQUEST, &a->record,
			     1, 0, now)) {
			log_msg(LOG_INFO, "%s: cannot ask member %u for term %" PRIu64 ": no heartbeat link",
				name, a->to, a->record.term);
			return -1;
		}
		return 0;
	case QUORUM_ACT_SEND_HEARTBEATS:
		if (v->cfg.peer_node_id < SM_CLUSTER_MAX_MEMBERS)
			c->heartbeat_now[v->cfg.peer_node_id] = true;
		if (c->cfg.has_witness)
			c->heartbeat_now[c->cfg.witness_id] = true;
		return 0;
	case QUORUM_ACT_DISCONNECT:
		r = kernel_disconnect(&d->kernel, name, why, sizeof(why));
		if (r == -ENOTCONN || r == -ENOENT)
			r = 0;		/* the link went meanwhile */
		if (r)
			log_msg(LOG_WARNING, "%s: cannot disconnect the peer link before promoting: %s",
				name, why);
		else
			log_msg(LOG_INFO, "%s: peer link disconnected before the promotion",
				name);
		return r ? -1 : 0;
	case QUORUM_ACT_RUN_FENCE_HOOK:
		v->fence_result = QUORUM_HOOK_NONE;
		return run_hook(d, v, "fence", v->cfg.fence_hook,
				v->cfg.fence_timeout, fence_done) ? 0 : -1;
	case QUORUM_ACT_SET_PRIMARY:
		r = kernel_set_role(&d->kernel, name, SYNCMIRROR_ROLE_PRIMARY,
				    a->generation, why, sizeof(why));
		if (r)
			log_msg(LOG_WARNING, "%s: promotion refused by the kernel: %s",
				name, why);
		return r ? -1 : 0;
	case QUORUM_ACT_SET_SECONDARY:
		deposed_demote(d, v);
		return 0;
	case QUORUM_ACT_LEASE:
		return fence_command(d, name, SYNCMIRROR_QUORUM_LEASE, a,
				     "pass the lease to the kernel");
	case QUORUM_ACT_FAIL_HELD:
		return fence_command(d, name, SYNCMIRROR_QUORUM_FAIL_HELD, NULL,
				     "fail the held I/O");
	case QUORUM_ACT_UNFENCE:
		return fence_command(d, name, SYNCMIRROR_QUORUM_DISABLE, NULL,
				     "disable the quorum fence");
	case QUORUM_ACT_RUN_PROMOTE_HOOK:
		if (v->cfg.promote_hook[0])
			run_hook(d, v, "promote", v->cfg.promote_hook,
				 v->cfg.hook_timeout, NULL);
		return 0;
	case QUORUM_ACT_RUN_DEPOSED_HOOK:
		if (v->cfg.deposed_hook[0])
			run_hook(d, v, "deposed", v->cfg.deposed_hook,
				 v->cfg.hook_timeout, NULL);
		return 0;
	case QUORUM_ACT_LOG:
		log_msg(a->priority, "%s", a->text);
		return 0;
	}
	return 0;
}

static void perform(struct daemon_ctx *d, struct volume *v,
		    const struct quorum_actions *actions, long long now,
		    bool recovering)
{
	struct quorum_actions *undo;
	unsigned int i;

	for (i = 0; i < actions->count; i++) {
		if (!act(d, v, &actions->action[i], now))
			continue;
		if (recovering)
			continue;	/* what failing leaves to do: best effort */
		undo = malloc(sizeof(*undo));
		if (!undo)
			return;
		quorum_node_failed(v->quorum, &actions->action[i], now, undo);
		perform(d, v, undo, now, true);
		free(undo);
		return;
	}
}

void cluster_step(struct daemon_ctx *d, struct volume *v)
{
	struct quorum_node_input in = { .now = now_ms() };
	struct quorum_actions *out;
	uint64_t gen = 0;

	if (!v->quorum)
		return;
	kernel_view(v, &in.kernel);
	if (RAND_bytes((uint8_t *)&gen, sizeof(gen)) != 1)
		gen = 0;	/* the machine ORs in 1; logged when used */
	in.random_gen = gen | 1;
	in.fence = v->fence_result;
	v->fence_result = QUORUM_HOOK_NONE;
	out = malloc(sizeof(*out));
	if (!out) {
		log_msg(LOG_ERR, "out of memory");
		return;
	}
	quorum_node_step(v->quorum, &in, out);
	perform(d, v, out, in.now, false);
	free(out);
}

/* ---- heartbeat links ---- */

static struct volume *volume_by_uuid(struct daemon_ctx *d,
				     const uint8_t uuid[16], uint32_t member)
{
	int i;

	for (i = 0; i < d->volume_count; i++)
		if (d->volumes[i].quorum && concerns(&d->volumes[i], member) &&
		    !memcmp(d->volumes[i].quorum->vote.uuid, uuid, 16))
			return &d->volumes[i];
	return NULL;
}

static void on_heartbeat(struct daemon_ctx *d, uint32_t member,
			 const struct sm_hb_header *header,
			 const struct sm_hb_record *records, uint32_t count,
			 long long now)
{
	struct cluster *c = d->cluster;
	long long send_time = hb_send_time(&c->hb, member, header->echo_seq);
	const struct sm_hb_record *rec;
	struct volume *v;
	uint32_t i;
	int j;

	for (j = 0; j < d->volume_count; j++) {
		v = &d->volumes[j];
		if (!v->quorum || !concerns(v, member))
			continue;
		rec = NULL;
		for (i = 0; i < count && !rec; i++)
			if (!memcmp(records[i].volume_uuid,
				    v->quorum->vote.uuid, 16))
				rec = &records[i];
		quorum_node_heartbeat(v->quorum, member, rec, send_time, now);
		cluster_step(d, v);
	}
}

/* The peer asks us, as one of its voters, for a term. */
static void on_request(struct daemon_ctx *d, uint32_t member,
		       const struct sm_hb_record *request, long long now)
{
	struct cluster *c = d->cluster;
	struct volume *v = volume_by_uuid(d, request->volume_uuid, member);
	struct sm_hb_record reply;
	struct sm_qstate next;
	char why[4200], uuid[37];
	uint32_t result;

	if (!v || member != v->cfg.peer_node_id) {
		sm_uuid_format(request->volume_uuid, uuid);
		log_msg(LOG_WARNING, "member %u asks for a term of volume %s, which it shares with us under no quorum volume",
			member, uuid);
		memset(&reply, 0, sizeof(reply));
		memcpy(reply.volume_uuid, request->volume_uuid, 16);
		reply.primary = SM_HB_NO_MEMBER;
		reply.peer = SM_HB_NO_MEMBER;
		reply.lost_ms = 0xffffffffU;
		hb_send(&c->hb, member, SM_HB_PROMOTE_REPLY, &reply, 1,
			SM_HB_DENY_NOT_MEMBER, now);
		return;
	}
	result = quorum_vote(&v->quorum->vote, member, request, &c->timing,
			     now, &next);
	if (result == SM_HB_GRANTED) {
		if (sm_qstate_store(c->state_dir, v->quorum->vote.uuid, &next,
				    why, sizeof(why))) {
			log_msg(LOG_ERR, "%s: cannot write the quorum state: %s",
				v->cfg.volume, why);
			result = SM_HB_DENY_STORAGE;
		} else {
			v->quorum->vote.state = next;
		}
	}
	if (result == SM_HB_GRANTED)
		log_msg(LOG_NOTICE, "%s: term %" PRIu64 " granted to node %u (generation %016" PRIx64 ")",
			v->cfg.volume, next.term, member, next.primary_gen);
	else
		log_msg(LOG_INFO, "%s: term %" PRIu64 " denied to node %u: %s",
			v->cfg.volume, request->term, member,
			sm_hb_result_text(result));
	quorum_node_record(v->quorum, member, now, &reply);
	hb_send(&c->hb, member, SM_HB_PROMOTE_REPLY, &reply, 1, result, now);
	cluster_step(d, v);
}

static void on_message(void *ctx, uint32_t member,
		       const struct sm_hb_header *header,
		       const struct sm_hb_record *records, uint32_t count,
		       uint32_t result, long long now)
{
	struct daemon_ctx *d = ctx;
	struct volume *v;
	int i;

	/* Any message says the member is alive, for every volume of it. */
	for (i = 0; i < d->volume_count; i++)
		if (d->volumes[i].quorum && concerns(&d->volumes[i], member))
			quorum_node_heard(d->volumes[i].quorum, member, now);
	switch (header->type) {
	case SM_HB_HEARTBEAT:
		on_heartbeat(d, member, header, records, count, now);
		break;
	case SM_HB_PROMOTE_REQUEST:
		on_request(d, member, &records[0], now);
		break;
	case SM_HB_PROMOTE_REPLY:
		v = volume_by_uuid(d, records[0].volume_uuid, member);
		if (!v)
			break;
		quorum_node_reply(v->quorum, member, result, &records[0]);
		cluster_step(d, v);
		break;
	default:
		break;
	}
}

static void on_up(void *ctx, uint32_t member, long long now)
{
	struct daemon_ctx *d = ctx;
	int i;

	for (i = 0; i < d->volume_count; i++)
		if (d->volumes[i].quorum && concerns(&d->volumes[i], member))
			quorum_node_heard(d->volumes[i].quorum, member, now);
	d->cluster->heartbeat_now[member] = true;
}

static const struct hb_ops cluster_ops = {
	.up = on_up,
	.message = on_message,
};

static void send_heartbeat(struct cluster *c, uint32_t member, long long now)
{
	struct daemon_ctx *d = c->d;
	unsigned int count = 0;
	struct volume *v;
	int i;

	for (i = 0; i < d->volume_count; i++) {
		v = &d->volumes[i];
		if (!v->quorum || !concerns(v, member))
			continue;
		if (count == SM_HB_MAX_RECORDS)
			break;
		quorum_node_record(v->quorum, member, now, &c->records[count++]);
	}
	hb_send(&c->hb, member, SM_HB_HEARTBEAT, c->records, count, 0, now);
	c->heartbeat_now[member] = false;
	c->next_heartbeat[member] = now + c->timing.heartbeat_interval;
}

/* ---- the daemon's side ---- */

/* The cluster file, when there is one: NULL without (or broken, logged). */
struct cluster *cluster_load(const char *dir, const char *state_dir)
{
	char error[SM_CONFIG_PATH_MAX + 256], path[SM_CONFIG_PATH_MAX];
	struct cluster *c;

	snprintf(path, sizeof(path), "%s/%s", dir, SM_CLUSTER_CONFIG_FILE);
	if (access(path, F_OK))
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c) {
		log_msg(LOG_ERR, "out of memory");
		return NULL;
	}
	if (sm_cluster_config_load(dir, &c->cfg, error, sizeof(error))) {
		log_msg(LOG_ERR, "%s; quorum and automatic failover are off",
			error);
		free(c);
		return NULL;
	}
	c->state_dir = state_dir;
	c->self = SM_HB_NO_MEMBER;
	c->timing.heartbeat_interval = c->cfg.heartbeat_interval;
	c->timing.lease_time = c->cfg.lease_time;
	c->timing.loss_timeout = c->cfg.loss_timeout;
	return c;
}

/*
 * A volume of @c just configured: quorum on or off (the defaults follow
 * the witness), checked against the cluster file; the cluster's member id
 * of this host comes from the first quorum volume.
 */
void cluster_configure_volume(struct cluster *c, struct volume *v)
{
	char error[SM_CONFIG_PATH_MAX + 256];
	bool witness = c && c->cfg.has_witness;

	v->quorum_on = c && sm_config_switch(v->cfg.quorum, witness);
	if (!c) {
		if (v->cfg.quorum == SM_SWITCH_ON ||
		    v->cfg.auto_promote == SM_SWITCH_ON)
			log_msg(LOG_WARNING, "%s: quorum and auto-promote need %s/%s, which does not exist: both off",
				v->cfg.volume, "the configuration directory",
				SM_CLUSTER_CONFIG_FILE);
		return;
	}
	if (!v->quorum_on)
		return;
	if (sm_cluster_check_volume(&c->cfg, &v->cfg, error, sizeof(error))) {
		log_msg(LOG_ERR, "%s; quorum off for this volume", error);
		v->quorum_on = false;
		return;
	}
	if (c->self == SM_HB_NO_MEMBER)
		c->self = v->cfg.node_id;
	if (v->cfg.node_id != c->self) {
		log_msg(LOG_ERR, "%s: node-id %u, but this host is member %u (from another volume): quorum off for this volume",
			v->cfg.volume, v->cfg.node_id, c->self);
		v->quorum_on = false;
		return;
	}
	if (!witness && sm_config_switch(v->cfg.auto_promote, false))
		log_msg(LOG_WARNING, "%s: auto-promote without a witness: only fence-hook prevents two primaries%s",
			v->cfg.volume,
			v->cfg.fence_hook[0] ? "" : " (none is set: never promoting)");
	v->cluster = c;
}

/* The kernel told us the volume's UUID: start its machine. */
static void start_machine(struct cluster *c, struct volume *v)
{
	struct quorum_volume_config qc = {
		.quorum = true,
		.policy = v->cfg.on_quorum_loss,
		.auto_promote = sm_config_switch(v->cfg.auto_promote,
						 c->cfg.has_witness),
		.fence_hook = v->cfg.fence_hook[0],
	};
	enum sm_qstate_result r;
	struct sm_qstate state;
	char why[4200], uuid[37];

	v->quorum = calloc(1, sizeof(*v->quorum));
	if (!v->quorum) {
		log_msg(LOG_ERR, "%s: out of memory: no quorum", v->cfg.volume);
		return;
	}
	r = sm_qstate_load(c->state_dir, v->uuid, &state, why, sizeof(why));
	if (r == SM_QSTATE_DAMAGED || r == SM_QSTATE_ERROR)
		log_msg(LOG_ERR, "quorum state for %s damaged: not voting for this volume (%s)",
			v->cfg.volume, why);
	quorum_node_init(v->quorum, v->cfg.volume, v->uuid, c->self,
			 v->cfg.peer_node_id, witness_id(c), &c->timing, &qc,
			 &state, r == SM_QSTATE_DAMAGED || r == SM_QSTATE_ERROR,
			 now_ms());
	sm_uuid_format(v->uuid, uuid);
	log_msg(LOG_INFO, "%s: quorum on (%s), %s, auto-promote %s, term %" PRIu64 " in %s/%s/%s",
		v->cfg.volume,
		c->cfg.has_witness ? "witness" : "two nodes, no witness",
		v->cfg.on_quorum_loss == SYNCMIRROR_QUORUM_POLICY_ERROR ?
		"error on quorum loss" : "suspend on quorum loss",
		qc.auto_promote ? "yes" : "no", state.term, c->state_dir,
		SM_QSTATE_SUBDIR, uuid);
	if (!c->running) {
		if (hb_init(&c->hb, &c->cfg, c->self, &cluster_ops, c->d)) {
			log_msg(LOG_ERR, "out of memory");
			return;
		}
		c->records = calloc(SM_HB_MAX_RECORDS, sizeof(*c->records));
		c->running = true;
		if (c->cfg.has_witness)
			hb_add_member(&c->hb, c->cfg.witness_id, now_ms());
	}
	hb_add_member(&c->hb, v->cfg.peer_node_id, now_ms());
}

void cluster_kernel_volume(struct daemon_ctx *d, struct volume *v,
			   const struct kernel_volume *kv)
{
	struct cluster *c = v->cluster;

	if (!v->quorum_on || !c)
		return;
	if (kv->event == SYNCMIRROR_EVENT_VOLUME_DOWN) {
		v->have_kv = false;
	} else {
		/* Events carry the whole volume; keep the last. */
		v->kv = *kv;
		v->have_kv = true;
	}
	if (!v->quorum && kv->has_uuid) {
		memcpy(v->uuid, kv->uuid, 16);
		c->d = d;
		start_machine(c, v);
		/*
		 * Found armed by a dump (the agent restarted): do not take
		 * the kernel's lease away with a new "until 0".
		 */
		if (v->quorum && !kv->event && kv->has_quorum &&
		    kv->quorum_state != SYNCMIRROR_QUORUM_NONE)
			v->quorum->armed = true;
		else if (v->quorum && !kv->event && kv->has_quorum &&
			 kv->role == SYNCMIRROR_ROLE_PRIMARY)
			quorum_node_found_unfenced(v->quorum);
	}
	cluster_step(d, v);
}

int cluster_poll_fds(struct cluster *c, struct pollfd *fds)
{
	return c && c->running ? hb_poll_fds(&c->hb, fds) : 0;
}

long long cluster_next_timeout(struct cluster *c, long long now)
{
	long long t, next;
	unsigned int i;
	uint32_t id;

	if (!c || !c->running)
		return -1;
	next = c->next_tick > now ? c->next_tick - now : 0;
	t = hb_next_timeout(&c->hb, now);
	if (t >= 0 && t < next)
		next = t;
	for (i = 0; i < c->cfg.member_count; i++) {
		id = c->cfg.members[i].id;
		if (!hb_is_up(&c->hb, id))
			continue;
		t = c->heartbeat_now[id] ? 0 :
		    c->next_heartbeat[id] > now ? c->next_heartbeat[id] - now : 0;
		if (t < next)
			next = t;
	}
	return next;
}

void cluster_service(struct daemon_ctx *d, const struct pollfd *fds,
		     int count)
{
	struct cluster *c = d->cluster;
	long long now;
	unsigned int i;
	uint32_t id;
	int j;

	if (!c || !c->running)
		return;
	c->d = d;
	hb_service(&c->hb, fds, count, now_ms());
	now = now_ms();
	if (now >= c->next_tick) {
		c->next_tick = now + CLUSTER_TICK_MS;
		for (j = 0; j < d->volume_count; j++)
			cluster_step(d, &d->volumes[j]);
	}
	now = now_ms();
	for (i = 0; i < c->cfg.member_count; i++) {
		id = c->cfg.members[i].id;
		if (id == c->self || !hb_is_up(&c->hb, id))
			continue;
		if (c->heartbeat_now[id] || now >= c->next_heartbeat[id])
			send_heartbeat(c, id, now);
	}
}

void cluster_volume_free(struct volume *v)
{
	free(v->quorum);
	v->quorum = NULL;
	v->cluster = NULL;
}

void cluster_free(struct cluster *c)
{
	if (!c)
		return;
	if (c->running) {
		hb_stop(&c->hb);
		free(c->hb.records);
	}
	free(c->records);
	free(c);
}
