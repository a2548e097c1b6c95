// SPDX-License-Identifier: GPL-2.0-only
/*
 * The witness: a third voter for every volume of the cluster, on a host
 * that holds no copy.  It listens (or dials, by the member id rule) for
 * the data nodes' heartbeat links, learns each volume from the first
 * heartbeat that reports it (its UUID, the sender and the sender's peer
 * are the volume's two data nodes), and then:
 *
 *  - answers PROMOTE_REQUEST by the rules of quorum_vote(), persisting a
 *    granted term in its state file before the reply leaves;
 *  - sets GRANT in its heartbeat to the recorded primary of each volume
 *    (quorum_lease_rule()), recording a pending generation of that primary
 *    first;
 *  - sends every data node a heartbeat each heartbeat-interval, and at
 *    once when a record it carries changes.
 *
 * A volume whose state file is damaged gets no vote and no lease until
 * the operator removes the file; the file is looked at again at every
 * request for the volume.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/cluster-config.h"
#include "../lib/quorum-state.h"
#include "../lib/superblock.h"
#include "heartbeat.h"
#include "quorum.h"
#include "syncmirrord.h"
#include "witness.h"

struct witness_volume {
	struct quorum_vote_state vote;
	char name[37];			/* the UUID's text, for logs */
	bool granted[2];		/* GRANT in the last record to member[i] */
	uint32_t last_denial[2];	/* rate-limited "denied" lines */
	long long last_denial_log[2];
	uint32_t foreign_logged;	/* members told they are not its own */
};

struct witness {
	struct sm_cluster_config cfg;
	const char *state_dir;
	uint32_t self;
	struct quorum_timing timing;
	struct hb_node hb;
	struct witness_volume *volumes;
	unsigned int volume_count;
	long long start;
	long long next_heartbeat[SM_CLUSTER_MAX_MEMBERS];
	bool heartbeat_now[SM_CLUSTER_MAX_MEMBERS];
	struct sm_hb_record *records;	/* SM_HB_MAX_RECORDS, for sending */
};

static struct witness_volume *find_volume(struct witness *w,
					  const uint8_t uuid[16])
{
	unsigned int i;

	for (i = 0; i < w->volume_count; i++)
		if (!memcmp(w->volumes[i].vote.uuid, uuid, 16))
			return &w->volumes[i];
	return NULL;
}

static int member_index(const struct witness_volume *v, uint32_t member)
{
	return v->vote.member[0].id == member ? 0 :
	       v->vote.member[1].id == member ? 1 : -1;
}

static bool is_data_member(const struct witness *w, uint32_t id)
{
	const struct sm_cluster_member *m = sm_cluster_member(&w->cfg, id);

	return m && !m->witness;
}

/* Read the volume's state file; a refused one takes its vote away. */
static void load_state(struct witness *w, struct witness_volume *v)
{
	char why[4200];
	enum sm_qstate_result r;
	bool was_damaged = v->vote.damaged;

	r = sm_qstate_load(w->state_dir, v->vote.uuid, &v->vote.state, why,
			   sizeof(why));
	v->vote.damaged = r == SM_QSTATE_DAMAGED || r == SM_QSTATE_ERROR;
	if (v->vote.damaged && !was_damaged)
		log_msg(LOG_ERR, "quorum state for %s damaged: not voting for this volume (%s)",
			v->name, why);
	else if (!v->vote.damaged && was_damaged)
		log_msg(LOG_NOTICE, "quorum state for %s %s: voting again (term %" PRIu64 ")",
			v->name, r == SM_QSTATE_NEW ? "removed" : "replaced",
			v->vote.state.term);
}

/*
 * The volume @uuid, reported by @sender with @peer as its other data
 * node: found, or learned now.  NULL when the sender is no data node of
 * it (logged once per sender).
 */
static struct witness_volume *learn_volume(struct witness *w,
					   const uint8_t uuid[16],
					   uint32_t sender, uint32_t peer)
{
	struct witness_volume *v = find_volume(w, uuid), *grown;
	char text[37];

	if (v && member_index(v, sender) >= 0)
		return v;
	sm_uuid_format(uuid, text);
	if (v) {
		if (!(v->foreign_logged & 1U << sender))
			log_msg(LOG_WARNING, "%s: member %u is not one of the volume's data nodes (%u and %u)",
				text, sender, v->vote.member[0].id,
				v->vote.member[1].id);
		v->foreign_logged |= 1U << sender;
		return NULL;
	}
	if (!is_data_member(w, sender) || !is_data_member(w, peer) ||
	    sender == peer) {
		log_msg(LOG_WARNING, "%s: member %u reports peer %u, which is not another data node of the cluster",
			text, sender, peer);
		return NULL;
	}
	grown = realloc(w->volumes, (w->volume_count + 1) * sizeof(*grown));
	if (!grown) {
		log_msg(LOG_ERR, "out of memory");
		return NULL;
	}
	w->volumes = grown;
	v = &w->volumes[w->volume_count++];
	memset(v, 0, sizeof(*v));
	/* Members count as heard at our start: see quorum_vote_init(). */
	quorum_vote_init(&v->vote, uuid, w->self, w->start);
	quorum_set_members(&v->vote, sender, peer);
	snprintf(v->name, sizeof(v->name), "%s", text);
	load_state(w, v);
	log_msg(LOG_INFO, "%s: volume of members %u and %u, term %" PRIu64 "%s",
		v->name, sender, peer, v->vote.state.term,
		v->vote.damaged ? " (not voting)" : "");
	return v;
}

static int store(struct witness *w, struct witness_volume *v,
		 const struct sm_qstate *next)
{
	char why[4200];
	int r;

	r = sm_qstate_store(w->state_dir, v->vote.uuid, next, why,
			    sizeof(why));
	if (r) {
		log_msg(LOG_ERR, "%s: cannot write the quorum state: %s",
			v->name, why);
		return r;
	}
	v->vote.state = *next;
	return 0;
}

/* The primary announced a pending generation: record it, then grant. */
static void lease_rule(struct witness *w, struct witness_volume *v,
		       uint32_t member)
{
	struct sm_qstate next;
	enum quorum_lease_rule rule;
	int i = member_index(v, member);

	rule = quorum_lease_rule(&v->vote, member, &next);
	if (rule == QUORUM_GRANT_AFTER_RECORDING) {
		if (store(w, v, &next))
			return;
		log_msg(LOG_INFO, "%s: generation %016" PRIx64 " of primary member %u recorded (term %" PRIu64 ")",
			v->name, next.primary_gen, member, next.term);
		rule = QUORUM_GRANT;
	}
	if ((rule == QUORUM_GRANT) != v->granted[i])
		w->heartbeat_now[member] = true;
}

static void on_heartbeat(struct witness *w, uint32_t member,
			 const struct sm_hb_record *records, uint32_t count,
			 long long now)
{
	struct witness_volume *v;
	bool *seen = calloc(w->volume_count + count, sizeof(*seen));
	unsigned int i;

	for (i = 0; i < count; i++) {
		v = learn_volume(w, records[i].volume_uuid, member,
				 records[i].peer);
		if (!v)
			continue;
		if (seen)
			seen[v - w->volumes] = true;
		quorum_heard(&v->vote, member, now);
		quorum_reported(&v->vote, member, &records[i]);
		lease_rule(w, v, member);
	}
	/* A volume it left out: not loaded there (role none). */
	for (i = 0; seen && i < w->volume_count; i++) {
		v = &w->volumes[i];
		if (seen[i] || member_index(v, member) < 0)
			continue;
		quorum_reported(&v->vote, member, NULL);
		lease_rule(w, v, member);
	}
	free(seen);
}

static void build_record(struct witness *w, const struct witness_volume *v,
			 uint32_t member, long long now,
			 struct sm_hb_record *out)
{
	quorum_voter_record(&v->vote, member, &w->timing, now, out);
}

static void reply(struct witness *w, uint32_t member,
		  const struct witness_volume *v, const uint8_t uuid[16],
		  uint32_t result, long long now)
{
	struct sm_hb_record rec;

	if (v) {
		build_record(w, v, member, now, &rec);
	} else {
		memset(&rec, 0, sizeof(rec));
		memcpy(rec.volume_uuid, uuid, 16);
		rec.primary = SM_HB_NO_MEMBER;
		rec.peer = SM_HB_NO_MEMBER;
		rec.lost_ms = 0xffffffffU;
	}
	hb_send(&w->hb, member, SM_HB_PROMOTE_REPLY, &rec, 1, result, now);
}

static void log_denial(struct witness_volume *v, uint32_t member,
		       const struct sm_hb_record *request, uint32_t result,
		       long long now)
{
	int i = member_index(v, member);

	/* A candidate asks every interval: say each new answer once a minute. */
	if (i >= 0 && v->last_denial[i] == result &&
	    now - v->last_denial_log[i] < QUORUM_LOG_REPEAT_MS)
		return;
	if (i >= 0) {
		v->last_denial[i] = result;
		v->last_denial_log[i] = now;
	}
	log_msg(LOG_NOTICE, "%s: term %" PRIu64 " denied to member %u: %s",
		v->name, request->term, member, sm_hb_result_text(result));
}

static void on_request(struct witness *w, uint32_t member,
		       const struct sm_hb_record *request, long long now)
{
	struct witness_volume *v;
	struct sm_qstate next;
	uint32_t result;
	int i;

	v = learn_volume(w, request->volume_uuid, member, request->peer);
	if (!v) {
		reply(w, member, NULL, request->volume_uuid,
		      SM_HB_DENY_NOT_MEMBER, now);
		return;
	}
	quorum_heard(&v->vote, member, now);
	if (v->vote.damaged)
		load_state(w, v);	/* removed by the operator since? */
	result = quorum_vote(&v->vote, member, request, &w->timing, now,
			     &next);
	if (result == SM_HB_GRANTED && store(w, v, &next))
		result = SM_HB_DENY_STORAGE;
	if (result == SM_HB_GRANTED) {
		log_msg(LOG_NOTICE, "%s: term %" PRIu64 " granted to member %u (generation %016" PRIx64 ")",
			v->name, next.term, member, next.primary_gen);
		for (i = 0; i < 2; i++) {
			v->last_denial[i] = 0;
			w->heartbeat_now[v->vote.member[i].id] = true;
		}
	} else {
		log_denial(v, member, request, result, now);
	}
	reply(w, member, v, request->volume_uuid, result, now);
}

static void on_message(void *ctx, uint32_t member,
		       const struct sm_hb_header *header,
		       const struct sm_hb_record *records, uint32_t count,
		       uint32_t result, long long now)
{
	struct witness *w = ctx;
	unsigned int i;

	(void)result;
	/* Any message says the member is alive, for every volume of it. */
	for (i = 0; i < w->volume_count; i++)
		quorum_heard(&w->volumes[i].vote, member, now);
	switch (header->type) {
	case SM_HB_HEARTBEAT:
		on_heartbeat(w, member, records, count, now);
		break;
	case SM_HB_PROMOTE_REQUEST:
		on_request(w, member, &records[0], now);
		break;
	default:
		/* A witness asks nobody: a reply answers nothing. */
		break;
	}
}

static void on_up(void *ctx, uint32_t member, long long now)
{
	struct witness *w = ctx;
	unsigned int i;

	for (i = 0; i < w->volume_count; i++)
		quorum_heard(&w->volumes[i].vote, member, now);
	w->heartbeat_now[member] = true;
}

static const struct hb_ops witness_ops = {
	.up = on_up,
	.message = on_message,
};

static void send_heartbeat(struct witness *w, uint32_t member, long long now)
{
	struct witness_volume *v;
	unsigned int i, count = 0;
	int index;

	for (i = 0; i < w->volume_count; i++) {
		v = &w->volumes[i];
		index = member_index(v, member);
		if (index < 0)
			continue;
		if (count == SM_HB_MAX_RECORDS) {
			log_msg(LOG_ERR, "member %u has more than %d volumes: heartbeat truncated",
				member, SM_HB_MAX_RECORDS);
			break;
		}
		build_record(w, v, member, now, &w->records[count]);
		v->granted[index] = w->records[count].flags & SM_HB_F_GRANT;
		count++;
	}
	hb_send(&w->hb, member, SM_HB_HEARTBEAT, w->records, count, 0, now);
	w->heartbeat_now[member] = false;
	w->next_heartbeat[member] = now + w->timing.heartbeat_interval;
}

/* Heartbeats that are due; returns ms until the next one (-1 none). */
static long long send_due(struct witness *w, long long now)
{
	long long next = -1, t;
	unsigned int i;
	uint32_t id;

	for (i = 0; i < w->cfg.member_count; i++) {
		id = w->cfg.members[i].id;
		if (!hb_is_up(&w->hb, id))
			continue;
		if (w->heartbeat_now[id] || now >= w->next_heartbeat[id])
			send_heartbeat(w, id, now);
		t = w->next_heartbeat[id] - now;
		if (next < 0 || t < next)
			next = t;
	}
	return next;
}

static int run(struct witness *w, volatile sig_atomic_t *stop)
{
	struct pollfd fds[HB_MAX_FDS];
	struct timespec ts, *tsp;
	long long now, timeout, t;
	sigset_t waitmask;
	int n, r;

	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGHUP);
	while (!*stop) {
		now = now_ms();
		timeout = send_due(w, now);
		n = hb_poll_fds(&w->hb, fds);
		t = hb_next_timeout(&w->hb, now);
		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;
		tsp = NULL;
		if (timeout >= 0) {
			ts.tv_sec = timeout / 1000;
			ts.tv_nsec = (timeout % 1000) * 1000000;
			tsp = &ts;
		}
		r = ppoll(fds, n, tsp, &waitmask);
		if (r < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "poll: %m");
			return 1;
		}
		if (r < 0)
			continue;
		hb_service(&w->hb, fds, n, now_ms());
	}
	return 0;
}

int witness_main(const struct witness_options *opt)
{
	struct witness *w;
	char error[SM_CONFIG_PATH_MAX + 256], uuid[37];
	unsigned int i;
	int r = 1;

	w = calloc(1, sizeof(*w));
	if (!w) {
		log_msg(LOG_ERR, "out of memory");
		return 1;
	}
	if (sm_cluster_config_load(opt->config_dir, &w->cfg, error,
				   sizeof(error))) {
		log_msg(LOG_ERR, "%s", error);
		goto out;
	}
	if (!w->cfg.has_witness) {
		log_msg(LOG_ERR, "%s: no \"witness\" line: the cluster has no witness to run",
			w->cfg.path);
		goto out;
	}
	w->self = w->cfg.witness_id;
	w->state_dir = opt->state_dir;
	w->timing.heartbeat_interval = w->cfg.heartbeat_interval;
	w->timing.lease_time = w->cfg.lease_time;
	w->timing.loss_timeout = w->cfg.loss_timeout;
	w->start = now_ms();
	w->records = calloc(SM_HB_MAX_RECORDS, sizeof(*w->records));
	if (!w->records || hb_init(&w->hb, &w->cfg, w->self, &witness_ops, w)) {
		log_msg(LOG_ERR, "out of memory");
		goto out;
	}
	for (i = 0; i < w->cfg.member_count; i++)
		if (!w->cfg.members[i].witness)
			hb_add_member(&w->hb, w->cfg.members[i].id, w->start);
	sm_uuid_format(w->cfg.cluster_uuid, uuid);
	log_msg(LOG_NOTICE, "witness: member %u of cluster %s (%s), votes in %s/%s; heartbeat %u ms, lease %u ms, loss timeout %u ms",
		w->self, uuid, w->cfg.path, w->state_dir, SM_QSTATE_SUBDIR,
		w->cfg.heartbeat_interval, w->cfg.lease_time,
		w->cfg.loss_timeout);
	r = run(w, opt->stop);
	if (*opt->stop)
		log_msg(LOG_NOTICE, "witness: stopping on signal %d",
			(int)*opt->stop);
	hb_stop(&w->hb);
out:
	free(w->records);
	free(w->volumes);
	free(w);
	return r;
}
