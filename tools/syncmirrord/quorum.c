// SPDX-License-Identifier: GPL-2.0-only
/*
 * Quorum decisions: who may be granted a term, who gets a lease, how long
 * a lease lasts, and when a data node promotes itself.  Everything here is
 * a function of its arguments and of the clock value it is given, so that
 * tests can replay any timing; the I/O (heartbeat links, state files,
 * netlink, hooks) belongs to the callers.
 *
 * The safety argument is in Documentation/syncmirror-failover.rst, "Why
 * there is never more than one primary holding quorum".  In short:
 *  - a voter records one primary per term and terms only grow
 *    (quorum_vote(): the term must be above the recorded one);
 *  - a lease is granted only to the recorded primary of the voter's term
 *    (quorum_lease_rule()) and runs from the primary's send time of what
 *    the voter echoes (quorum_lease_until()), so it ends before the voter
 *    could have declared that primary lost;
 *  - a new term is granted only after the other data node was silent for
 *    loss-timeout, which is longer than any lease (cluster-config.c
 *    enforces lease-time <= loss-timeout - 1000).
 * A voter that just started counts every member as heard at its start, so
 * a quick restart cannot shorten the wait.
 *
 * The promotion state machine (quorum_node_step()):
 *
 *   SECONDARY --(peer lost and conditions)--> CANDIDATE
 *   CANDIDATE --(grant)--> FENCING --(hook exit 0)--> PROMOTING --> PRIMARY
 *   CANDIDATE --(deny, or conditions gone)--> SECONDARY   (retry every interval)
 *   FENCING --(hook failed/timeout)--> SECONDARY          (retry after 5 s)
 *   PRIMARY --(lease expired)--> PRIMARY_NO_QUORUM --(lease)--> PRIMARY
 *   PRIMARY* --(a voter records a higher term for another node)--> DEPOSED
 *   DEPOSED --(demoted)--> SECONDARY
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <linux/syncmirror.h>

#include "quorum.h"

/* ---- voters ---- */

void quorum_vote_init(struct quorum_vote_state *v, const uint8_t uuid[16],
		      uint32_t self, long long now)
{
	int i;

	memset(v, 0, sizeof(*v));
	memcpy(v->uuid, uuid, 16);
	v->self = self;
	v->self_role = SM_HB_ROLE_NONE;
	sm_qstate_init(&v->state);
	for (i = 0; i < 2; i++) {
		v->member[i].id = SM_HB_NO_MEMBER;
		v->member[i].last_heard = now;
	}
}

struct quorum_member *quorum_member(struct quorum_vote_state *v, uint32_t id)
{
	int i;

	if (id == SM_HB_NO_MEMBER)
		return NULL;
	for (i = 0; i < 2; i++)
		if (v->member[i].id == id)
			return &v->member[i];
	return NULL;
}

const struct quorum_member *
quorum_member_const(const struct quorum_vote_state *v, uint32_t id)
{
	return quorum_member((struct quorum_vote_state *)v, id);
}

bool quorum_set_members(struct quorum_vote_state *v, uint32_t a, uint32_t b)
{
	if (a == b || a == SM_HB_NO_MEMBER || b == SM_HB_NO_MEMBER)
		return false;
	if (v->member[0].id == SM_HB_NO_MEMBER) {
		v->member[0].id = a;
		v->member[1].id = b;
		return true;
	}
	return quorum_member(v, a) && quorum_member(v, b);
}

void quorum_heard(struct quorum_vote_state *v, uint32_t id, long long now)
{
	struct quorum_member *m = quorum_member(v, id);

	if (!m)
		return;
	m->heard = true;
	m->last_heard = now;
}

static void absent_record(struct sm_hb_record *r)
{
	memset(r, 0, sizeof(*r));
	r->primary = SM_HB_NO_MEMBER;
	r->peer = SM_HB_NO_MEMBER;
	r->role = SM_HB_ROLE_NONE;
}

void quorum_reported(struct quorum_vote_state *v, uint32_t id,
		     const struct sm_hb_record *record)
{
	struct quorum_member *m = quorum_member(v, id);

	if (!m)
		return;
	m->reported = true;
	if (record)
		m->record = *record;
	else
		absent_record(&m->record);
}

bool quorum_member_lost(const struct quorum_member *m,
			const struct quorum_timing *t, long long now)
{
	return now - m->last_heard >= (long long)t->loss_timeout;
}

/* The volume's data node that is not @id (our peer, on a data node). */
static uint32_t other_member(const struct quorum_vote_state *v, uint32_t id)
{
	if (v->member[0].id == SM_HB_NO_MEMBER)
		return SM_HB_NO_MEMBER;
	return v->member[0].id == id ? v->member[1].id : v->member[0].id;
}

/*
 * Could the volume's data node @id be a primary that still holds a lease
 * of ours?  Yes unless it was silent for loss-timeout or its last record
 * says it is not primary.  A member that has not sent a heartbeat since we
 * started might be anything.
 */
static bool may_be_live_primary(const struct quorum_vote_state *v, uint32_t id,
				const struct quorum_timing *t, long long now)
{
	const struct quorum_member *m;

	if (id == v->self)
		return v->self_role == SM_HB_ROLE_PRIMARY;
	m = quorum_member_const(v, id);
	if (!m || quorum_member_lost(m, t, now))
		return false;
	return !m->reported || m->record.role == SM_HB_ROLE_PRIMARY;
}

/*
 * Is a copy at @current_uuid of member @member behind the recorded primary
 * generation?  Nothing recorded (a first term): no.  The recorded primary
 * itself: no, whatever it reports — only it could complete writes its peer
 * lacks in its term, and if its promotion failed after the grant (a fence
 * failure), the recorded generation is one no copy has: holding it to
 * that would forbid every later automatic promotion.
 */
static bool outdated(const struct sm_qstate *state, uint32_t member,
		     uint64_t current_uuid)
{
	return state->primary_gen && state->primary != member &&
	       current_uuid != state->primary_gen;
}

uint32_t quorum_vote(const struct quorum_vote_state *v, uint32_t sender,
		     const struct sm_hb_record *request,
		     const struct quorum_timing *t, long long now,
		     struct sm_qstate *next)
{
	*next = v->state;
	if (v->damaged)
		return SM_HB_DENY_DAMAGED;
	if (sender == v->self || !quorum_member_const(v, sender))
		return SM_HB_DENY_NOT_MEMBER;
	if (request->term <= v->state.term)
		return SM_HB_DENY_STALE_TERM;
	/*
	 * The design names "the recorded primary"; with two data nodes the
	 * only other possible primary is the sender's peer, recorded or not
	 * (a first term, or a primary that asks for a new one).
	 */
	if (may_be_live_primary(v, other_member(v, sender), t, now))
		return SM_HB_DENY_PRIMARY_ALIVE;
	if (outdated(&v->state, sender, request->current_uuid))
		return SM_HB_DENY_OUTDATED;
	next->term = request->term;
	next->primary = sender;
	next->primary_gen = request->primary_gen;
	return SM_HB_GRANTED;
}

enum quorum_lease_rule quorum_lease_rule(const struct quorum_vote_state *v,
					 uint32_t recipient,
					 struct sm_qstate *next)
{
	const struct quorum_member *m = quorum_member_const(v, recipient);
	const struct sm_hb_record *r;

	*next = v->state;
	if (v->damaged || recipient == v->self || !m || !m->reported)
		return QUORUM_NO_GRANT;
	r = &m->record;
	if (r->role != SM_HB_ROLE_PRIMARY)
		return QUORUM_NO_GRANT;
	if (!v->state.term || v->state.primary != recipient)
		return QUORUM_NO_GRANT;
	/* Only for our term, and only to a primary that knows it holds it. */
	if (r->term != v->state.term || r->primary != recipient)
		return QUORUM_NO_GRANT;
	if (v->asked_term > v->state.term)
		return QUORUM_NO_GRANT;
	if (r->current_uuid == v->state.primary_gen)
		return QUORUM_GRANT;
	/*
	 * A pending generation, or one another voter has recorded while we
	 * did not hear the primary (it holds quorum at it: a lease names
	 * it).  Without the second, a voter that missed the announcement,
	 * say the peer during a one-way loss, would never grant again and
	 * would count itself outdated after resyncing from the primary.
	 */
	if ((r->flags & (SM_HB_F_GEN_PENDING | SM_HB_F_QUORUM)) &&
	    r->current_uuid) {
		next->primary_gen = r->current_uuid;
		return QUORUM_GRANT_AFTER_RECORDING;
	}
	return QUORUM_NO_GRANT;
}

bool quorum_adopt(const struct quorum_vote_state *v,
		  const struct sm_hb_record *record, struct sm_qstate *next)
{
	*next = v->state;
	if (v->damaged || record->term <= v->state.term ||
	    !quorum_member_const(v, record->primary))
		return false;
	next->term = record->term;
	next->primary = record->primary;
	next->primary_gen = record->primary_gen;
	return true;
}

void quorum_voter_record(const struct quorum_vote_state *v,
			 uint32_t recipient, const struct quorum_timing *t,
			 long long now, struct sm_hb_record *out)
{
	const struct quorum_member *m;
	struct sm_qstate next;
	long long silent;
	uint32_t other;

	memset(out, 0, sizeof(*out));
	memcpy(out->volume_uuid, v->uuid, 16);
	out->term = v->state.term;
	out->primary = v->state.primary;
	out->primary_gen = v->state.primary_gen;
	out->role = v->self_role;
	/* A data node reports on its peer; a witness on the recipient's. */
	other = quorum_member_const(v, v->self) ? other_member(v, v->self) :
						  other_member(v, recipient);
	out->peer = other;
	m = quorum_member_const(v, other);
	if (m && m->heard && !quorum_member_lost(m, t, now)) {
		out->flags |= SM_HB_F_SEES_PEER;
	} else if (m && m->heard) {
		silent = now - m->last_heard;
		out->lost_ms = silent > 0xffffffffLL ? 0xffffffffU : silent;
	} else {
		out->lost_ms = 0xffffffffU;
	}
	if (quorum_lease_rule(v, recipient, &next) == QUORUM_GRANT)
		out->flags |= SM_HB_F_GRANT;
}

long long quorum_lease_until(const struct sm_qstate *own, uint32_t self,
			     uint64_t current_uuid,
			     const struct sm_hb_record *record,
			     long long send_time,
			     const struct quorum_timing *t)
{
	if (!(record->flags & SM_HB_F_GRANT) || send_time <= 0)
		return 0;
	if (!own->term || own->primary != self || record->term != own->term ||
	    record->primary != self || record->primary_gen != current_uuid)
		return 0;
	return send_time + t->lease_time;
}

/* ---- the data node's machine ---- */

static struct quorum_action overflow_action;

static struct quorum_action *add(struct quorum_actions *out,
				 enum quorum_action_type type)
{
	struct quorum_action *a;

	/* Never more than a handful per step; QUORUM_MAX_ACTIONS has room. */
	if (out->count == QUORUM_MAX_ACTIONS)
		a = &overflow_action;
	else
		a = &out->action[out->count++];
	memset(a, 0, sizeof(*a));
	a->type = type;
	return a;
}

static void add_log(struct quorum_actions *out, int priority,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void add_log(struct quorum_actions *out, int priority,
		    const char *fmt, ...)
{
	struct quorum_action *a = add(out, QUORUM_ACT_LOG);
	va_list ap;

	a->priority = priority;
	va_start(ap, fmt);
	vsnprintf(a->text, sizeof(a->text), fmt, ap);
	va_end(ap);
}

void quorum_node_init(struct quorum_node *n, const char *name,
		      const uint8_t uuid[16], uint32_t self, uint32_t peer,
		      uint32_t witness, const struct quorum_timing *timing,
		      const struct quorum_volume_config *cfg,
		      const struct sm_qstate *state, bool damaged,
		      long long now)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	quorum_vote_init(&n->vote, uuid, self, now);
	quorum_set_members(&n->vote, self, peer);
	n->vote.damaged = damaged;
	if (!damaged)
		n->vote.state = *state;
	n->peer = peer;
	n->witness = witness;
	n->timing = *timing;
	n->cfg = *cfg;
	n->state = QUORUM_SECONDARY;
	n->state_since = now;
	n->witness_view.id = witness;
	n->witness_view.last_heard = now;
	absent_record(&n->witness_view.record);
}

static bool two_node(const struct quorum_node *n)
{
	return n->witness == SM_HB_NO_MEMBER;
}

static const char *voter_name(const struct quorum_node *n, uint32_t id,
			      char *buf, size_t size)
{
	snprintf(buf, size, "%s %u", id == n->witness ? "witness" : "node",
		 id);
	return buf;
}

void quorum_node_found_unfenced(struct quorum_node *n)
{
	if (two_node(n) && n->vote.state.term &&
	    n->vote.state.primary == n->vote.self) {
		n->peer_fenced = true;
		n->armed = true;
	}
}

void quorum_node_heard(struct quorum_node *n, uint32_t from, long long now)
{
	if (from == n->witness && from != SM_HB_NO_MEMBER) {
		n->witness_view.heard = true;
		n->witness_view.last_heard = now;
	} else {
		quorum_heard(&n->vote, from, now);
	}
}

void quorum_node_heartbeat(struct quorum_node *n, uint32_t from,
			   const struct sm_hb_record *record,
			   long long send_time, long long now)
{
	struct quorum_lease *lease;
	long long until;

	(void)now;
	if (from == n->peer) {
		quorum_reported(&n->vote, from, record);
		lease = &n->lease[0];
	} else if (from == n->witness && from != SM_HB_NO_MEMBER) {
		n->witness_view.reported = true;
		if (record)
			n->witness_view.record = *record;
		else
			absent_record(&n->witness_view.record);
		lease = &n->lease[1];
	} else {
		return;
	}
	if (!record)
		return;
	until = quorum_lease_until(&n->vote.state, n->vote.self,
				   n->kernel.current_uuid, record, send_time,
				   &n->timing);
	if (!until)
		return;
	/* A later grant never shortens one already given. */
	if (lease->generation != record->primary_gen || until > lease->until) {
		lease->generation = record->primary_gen;
		lease->until = until;
	}
}

void quorum_node_reply(struct quorum_node *n, uint32_t from, uint32_t result,
		       const struct sm_hb_record *record)
{
	if (!n->requesting || from != n->request_to)
		return;		/* an answer to nothing we still wait for */
	n->reply_valid = true;
	n->reply_result = result;
	n->reply_record = *record;
}

long long quorum_node_deadline(const struct quorum_node *n)
{
	long long deadline = 0;
	int i;

	for (i = 0; i < 2; i++)
		if (n->lease[i].generation == n->kernel.current_uuid &&
		    n->lease[i].until > deadline)
			deadline = n->lease[i].until;
	return deadline;
}

void quorum_node_record(const struct quorum_node *n, uint32_t recipient,
			long long now, struct sm_hb_record *out)
{
	const struct quorum_kernel *k = &n->kernel;

	quorum_voter_record(&n->vote, recipient, &n->timing, now, out);
	out->role = k->loaded ? k->role : SM_HB_ROLE_NONE;
	out->current_uuid = k->loaded ? k->current_uuid : 0;
	if (k->loaded && k->disk_state == SYNCMIRROR_DISK_UP_TO_DATE &&
	    k->sync_state != SYNCMIRROR_SYNC_TARGET && !k->inconsistent)
		out->flags |= SM_HB_F_UP_TO_DATE;
	/* Unfenced after fencing the peer: as good as a lease, for the peer. */
	if (k->loaded && k->role == SYNCMIRROR_ROLE_PRIMARY &&
	    (quorum_node_deadline(n) > now || n->peer_fenced))
		out->flags |= SM_HB_F_QUORUM;
	if (k->loaded && k->gen_pending)
		out->flags |= SM_HB_F_GEN_PENDING;
}

/* One step's working set. */
struct step {
	struct quorum_node *n;
	const struct quorum_node_input *in;
	struct quorum_actions *out;
	long long now;
	bool heartbeat;		/* a record we send changed */
};

static void set_state(struct step *s, enum quorum_node_state state)
{
	if (s->n->state == state)
		return;
	s->n->state = state;
	s->n->state_since = s->now;
	s->heartbeat = true;
}

static void persist(struct step *s, const struct sm_qstate *next)
{
	struct quorum_action *a = add(s->out, QUORUM_ACT_PERSIST);

	a->previous = s->n->vote.state;
	a->state = *next;
	s->n->vote.state = *next;
	s->heartbeat = true;
}

/* The generation a new one descends from (after G3, the bitmap's). */
static uint64_t lineage(const struct quorum_kernel *k)
{
	return k->gen_pending ? k->bitmap_uuid : k->current_uuid;
}

static void request(struct step *s, uint32_t to, uint64_t term,
		    uint64_t generation, bool manual)
{
	struct quorum_node *n = s->n;
	struct quorum_action *a = add(s->out, QUORUM_ACT_SEND_REQUEST);

	a->to = to;
	quorum_node_record(n, to, s->now, &a->record);
	a->record.term = term;
	a->record.primary = n->vote.self;
	a->record.primary_gen = generation;
	a->record.current_uuid = lineage(&n->kernel);
	a->record.flags &= ~SM_HB_F_GRANT;
	n->requesting = true;
	n->manual = manual;
	n->request_to = to;
	n->request_term = term;
	n->request_gen = generation;
	n->request_lineage = a->record.current_uuid;
	n->request_deadline = s->now + n->timing.loss_timeout;
	n->vote.asked_term = term;
}

static void request_done(struct quorum_node *n)
{
	n->requesting = false;
	n->reply_valid = false;
	n->vote.asked_term = 0;
}

/*
 * "not promoting: ..." lines: each new reason once, and a reason that
 * keeps a lost primary's volume without one again every minute.
 */
static void refusal(struct step *s, bool loud, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void refusal(struct step *s, bool loud, const char *fmt, ...)
{
	struct quorum_node *n = s->n;
	char text[sizeof(n->last_refusal)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!strcmp(text, n->last_refusal) && loud == n->last_refusal_loud &&
	    (!loud || s->now - n->last_refusal_log < QUORUM_LOG_REPEAT_MS))
		return;
	snprintf(n->last_refusal, sizeof(n->last_refusal), "%s", text);
	n->last_refusal_loud = loud;
	n->last_refusal_log = s->now;
	add_log(s->out, loud ? LOG_NOTICE : LOG_INFO, "%s: %s", n->name,
		text);
}

/*
 * The conditions for CANDIDATE, in the design's order.  Returns true when
 * they all hold; otherwise logs why not (loudly when the primary is lost
 * to us, since then the volume stays without one).
 */
static bool candidate_conditions(struct step *s)
{
	struct quorum_node *n = s->n;
	const struct quorum_kernel *k = &n->kernel;
	const struct sm_qstate *st = &n->vote.state;
	const struct quorum_member *peer = quorum_member_const(&n->vote,
								n->peer);
	const struct sm_hb_record *w = &n->witness_view.record;
	bool lost = quorum_member_lost(peer, &n->timing, s->now);

	if (!n->cfg.auto_promote)
		return false;
	if (!k->loaded || k->role != SYNCMIRROR_ROLE_SECONDARY)
		return false;
	if (k->disk_state != SYNCMIRROR_DISK_UP_TO_DATE || k->inconsistent) {
		refusal(s, lost, "not promoting: the disk is not up-to-date");
		return false;
	}
	if (k->sync_state != SYNCMIRROR_SYNC_NONE) {
		refusal(s, lost, "not promoting: a resync is running");
		return false;
	}
	if (n->vote.damaged) {
		refusal(s, lost, "not promoting: the quorum state is damaged");
		return false;
	}
	if (two_node(n) && !n->cfg.fence_hook) {
		refusal(s, lost, "not promoting: no witness and no fence-hook");
		return false;
	}
	if (!st->term) {
		refusal(s, lost, "not promoting: no term is recorded yet");
		return false;
	}
	if (!two_node(n) &&
	    quorum_member_lost(&n->witness_view, &n->timing, s->now)) {
		refusal(s, lost, "not promoting: the witness (member %u) is not heard",
			n->witness);
		return false;
	}
	if (!lost) {
		if (st->primary == n->peer)
			refusal(s, false, "not promoting: node %u is primary of term %" PRIu64,
				n->peer, st->term);
		return false;
	}
	if (!two_node(n) &&
	    (!n->witness_view.reported ||
	     memcmp(w->volume_uuid, n->vote.uuid, 16) ||
	     (w->flags & SM_HB_F_SEES_PEER) ||
	     w->lost_ms < n->timing.loss_timeout)) {
		refusal(s, true, "not promoting: the witness still hears the primary");
		return false;
	}
	if (outdated(st, n->vote.self, k->current_uuid)) {
		refusal(s, true, "not promoting: outdated (generation %016" PRIx64 ", the primary's is %016" PRIx64 ")",
			k->current_uuid, st->primary_gen);
		return false;
	}
	return true;
}

/*
 * The node stops being the unfenced two-node primary (demoted, deposed,
 * superseded, a failed step): arm the kernel's fence again at once, with
 * no lease, so that a later promotion by hand is fenced too.
 */
static void refence(struct step *s)
{
	struct quorum_node *n = s->n;
	struct quorum_action *a;

	if (!n->peer_fenced)
		return;
	n->peer_fenced = false;
	n->lease_sent = false;
	if (!n->kernel.loaded || !n->cfg.quorum)
		return;
	a = add(s->out, QUORUM_ACT_LEASE);
	a->until = 0;
	a->generation = n->kernel.current_uuid;
	a->term = n->vote.state.term;
	a->policy = n->cfg.policy;
}

/*
 * Two-node mode, the fence-hook exited 0: the peer cannot write, which is
 * the vote it cannot give.  Take the term and disable the kernel's fence,
 * both before SET_ROLE (a failure of either stops the promotion), and write
 * unfenced until the peer is back and grants a lease (leases()).
 */
static void two_node_fenced(struct step *s)
{
	struct quorum_node *n = s->n;
	struct sm_qstate next;

	next.term = n->request_term;
	next.primary = n->vote.self;
	next.primary_gen = n->request_gen;
	persist(s, &next);
	n->peer_fenced = true;
	add_log(s->out, LOG_NOTICE, "%s: fence-hook fenced node %u: term %" PRIu64 " taken, generation %016" PRIx64,
		n->name, n->peer, next.term, next.primary_gen);
	if (n->cfg.quorum)
		add(s->out, QUORUM_ACT_UNFENCE);
}

static void enter_promoting(struct step *s)
{
	struct quorum_action *a;

	set_state(s, QUORUM_PROMOTING);
	a = add(s->out, QUORUM_ACT_SET_PRIMARY);
	a->generation = s->n->request_gen;
}

static void enter_fencing(struct step *s)
{
	struct quorum_node *n = s->n;

	set_state(s, QUORUM_FENCING);
	if (n->kernel.conn_state == SYNCMIRROR_CONN_HANDSHAKE ||
	    n->kernel.conn_state == SYNCMIRROR_CONN_CONNECTED)
		add(s->out, QUORUM_ACT_DISCONNECT);
	if (n->cfg.fence_hook)
		add(s->out, QUORUM_ACT_RUN_FENCE_HOOK);
	else
		enter_promoting(s);
}

static void become_candidate(struct step *s)
{
	struct quorum_node *n = s->n;
	uint64_t term = n->vote.state.term + 1, generation;

	generation = s->in->random_gen | 1;
	n->peer_last_heard_at_loss =
		quorum_member_const(&n->vote, n->peer)->last_heard;
	n->last_refusal[0] = '\0';
	add_log(s->out, LOG_NOTICE, "%s: peer node %u lost (no heartbeat for %lld ms, %s)",
		n->name, n->peer, s->now - n->peer_last_heard_at_loss,
		two_node(n) ? "no witness: fence-hook decides" :
			      "witness agrees");
	if (two_node(n)) {
		/*
		 * No voter to ask: the fence-hook decides, and the term is
		 * taken only once it fenced the peer (two_node_fenced()): a
		 * hook that fails changes nothing, so the peer, when heard
		 * again, is still the primary of its term.
		 */
		n->request_gen = generation;
		n->request_term = term;
		n->request_lineage = lineage(&n->kernel);
		enter_fencing(s);
		return;
	}
	request(s, n->witness, term, generation, false);
	set_state(s, QUORUM_CANDIDATE);
	add_log(s->out, LOG_INFO, "%s: asking witness %u for term %" PRIu64,
		n->name, n->witness, term);
}

/* A promotion we did not make (smctl primary, Pacemaker): get it a term. */
static void request_for_manual(struct step *s)
{
	struct quorum_node *n = s->n;
	uint32_t to = two_node(n) ? n->peer : n->witness;

	request(s, to, n->vote.state.term + 1, n->kernel.current_uuid, true);
}

static void granted(struct step *s)
{
	struct quorum_node *n = s->n;
	const struct quorum_kernel *k = &n->kernel;
	char who[32];
	bool manual = n->manual;

	add_log(s->out, LOG_NOTICE, "%s: term %" PRIu64 " granted by %s, generation %016" PRIx64,
		n->name, n->request_term,
		voter_name(n, n->request_to, who, sizeof(who)),
		n->request_gen);
	request_done(n);
	if (manual)
		return;		/* already primary: the lease follows */
	/* A late grant counts if nothing else changed: the term is ours. */
	if (n->state == QUORUM_CANDIDATE ||
	    (n->state == QUORUM_SECONDARY && k->loaded &&
	     k->role == SYNCMIRROR_ROLE_SECONDARY &&
	     k->disk_state == SYNCMIRROR_DISK_UP_TO_DATE &&
	     k->current_uuid == n->request_lineage)) {
		enter_fencing(s);
		return;
	}
	add_log(s->out, LOG_WARNING, "%s: term %" PRIu64 " granted, but this node can no longer be promoted (%s)",
		n->name, n->vote.state.term, quorum_node_state_name(n->state));
}

static void denied(struct step *s, uint32_t result)
{
	struct quorum_node *n = s->n;
	char who[32];

	n->next_attempt = s->now + n->timing.heartbeat_interval;
	voter_name(n, n->request_to, who, sizeof(who));
	if (n->manual) {
		request_done(n);
		refusal(s, true, "promotion without quorum (%s): I/O %s; demote, or smctl quorum %s off to override",
			sm_hb_result_text(result),
			n->cfg.policy == QUORUM_POLICY_ERROR ? "failing" :
							       "held",
			n->name);
		return;
	}
	request_done(n);
	if (n->state == QUORUM_CANDIDATE)
		set_state(s, QUORUM_SECONDARY);
	if (result == SM_HB_DENY_PRIMARY_ALIVE)
		refusal(s, true, "not promoting: the witness still hears the primary");
	else
		refusal(s, true, "not promoting: %s denied term %" PRIu64 " (%s)",
			who, n->request_term, sm_hb_result_text(result));
}

static void deposed(struct step *s)
{
	struct quorum_node *n = s->n;

	set_state(s, QUORUM_DEPOSED);
	request_done(n);
	n->manual = false;
	refence(s);
	add_log(s->out, LOG_NOTICE, "%s: deposed: node %u is primary of term %" PRIu64,
		n->name, n->vote.state.primary, n->vote.state.term);
	if (n->cfg.quorum)
		add(s->out, QUORUM_ACT_FAIL_HELD);
	add(s->out, QUORUM_ACT_RUN_DEPOSED_HOOK);
	add(s->out, QUORUM_ACT_SET_SECONDARY);
	n->last_demote = s->now;
}

/* Higher terms in the records of voters (and in a reply) are ours too. */
static void learn_terms(struct step *s)
{
	struct quorum_node *n = s->n;
	const struct sm_hb_record *records[3];
	struct sm_qstate next;
	int count = 0, i;

	if (n->vote.member[1].reported)
		records[count++] = &n->vote.member[1].record;
	if (n->witness_view.reported)
		records[count++] = &n->witness_view.record;
	if (n->reply_valid)
		records[count++] = &n->reply_record;
	for (i = 0; i < count; i++) {
		if (memcmp(records[i]->volume_uuid, n->vote.uuid, 16) ||
		    !quorum_adopt(&n->vote, records[i], &next))
			continue;
		persist(s, &next);
		if (next.primary != n->vote.self)
			add_log(s->out, LOG_INFO, "%s: term %" PRIu64 " recorded: node %u is primary",
				n->name, next.term, next.primary);
	}
}

static void handle_reply(struct step *s)
{
	struct quorum_node *n = s->n;
	const struct sm_qstate *st = &n->vote.state;
	struct sm_qstate next;

	/* Ours, from a reply or from a voter's record (a late reply). */
	if (n->requesting && st->term == n->request_term &&
	    st->primary == n->vote.self && st->primary_gen == n->request_gen) {
		granted(s);
		return;
	}
	if (!n->reply_valid)
		return;
	n->reply_valid = false;
	if (n->reply_result == SM_HB_GRANTED) {
		/* Granted, yet the record did not say so: record it anyway. */
		next.term = n->request_term;
		next.primary = n->vote.self;
		next.primary_gen = n->request_gen;
		if (next.term > st->term) {
			persist(s, &next);
			granted(s);
			return;
		}
		denied(s, SM_HB_DENY_STALE_TERM);
		return;
	}
	denied(s, n->reply_result);
}

/* As a voter for our peer: a pending generation of our primary. */
static void record_peer_generation(struct step *s)
{
	struct quorum_node *n = s->n;
	struct sm_qstate next;

	if (quorum_lease_rule(&n->vote, n->peer, &next) !=
	    QUORUM_GRANT_AFTER_RECORDING)
		return;
	persist(s, &next);
	add_log(s->out, LOG_INFO, "%s: generation %016" PRIx64 " of primary node %u recorded",
		n->name, next.primary_gen, n->peer);
}

static void leases(struct step *s)
{
	struct quorum_node *n = s->n;
	long long deadline = quorum_node_deadline(n);
	struct quorum_action *a;

	if (!n->cfg.quorum || deadline <= s->now)
		return;
	if (n->peer_fenced) {
		/* The fenced peer is back and grants: fenced again from now. */
		n->peer_fenced = false;
		n->lease_sent = false;
		add_log(s->out, LOG_NOTICE, "%s: node %u grants leases again: the quorum fence is armed",
			n->name, n->peer);
	}
	if (n->lease_sent && deadline <= n->lease_sent_until &&
	    n->lease_sent_gen == n->kernel.current_uuid)
		return;
	a = add(s->out, QUORUM_ACT_LEASE);
	a->until = deadline;
	a->generation = n->kernel.current_uuid;
	a->term = n->vote.state.term;
	a->policy = n->cfg.policy;
	n->lease_sent = true;
	n->lease_sent_until = deadline;
	n->lease_sent_gen = a->generation;
}

static void quorum_state_follows_lease(struct step *s)
{
	struct quorum_node *n = s->n;
	bool have = quorum_node_deadline(n) > s->now || n->peer_fenced;

	if (n->state == QUORUM_PRIMARY && !have) {
		set_state(s, QUORUM_PRIMARY_NO_QUORUM);
		if (n->cfg.quorum)
			add_log(s->out, LOG_WARNING, "%s: no valid lease: primary without quorum",
				n->name);
	} else if (n->state == QUORUM_PRIMARY_NO_QUORUM && have) {
		set_state(s, QUORUM_PRIMARY);
		if (n->cfg.quorum)
			add_log(s->out, LOG_NOTICE, "%s: lease granted: primary with quorum (term %" PRIu64 ")",
				n->name, n->vote.state.term);
	}
}

static void step_primary(struct step *s)
{
	struct quorum_node *n = s->n;
	const struct sm_qstate *st = &n->vote.state;

	if (st->primary != n->vote.self && st->term > n->primary_base_term) {
		deposed(s);
		return;
	}
	/* Primary without a term of ours: ask (again) every interval. */
	if (st->primary != n->vote.self && !n->requesting &&
	    s->now >= n->next_attempt)
		request_for_manual(s);
	quorum_state_follows_lease(s);
}

static void step_state(struct step *s)
{
	struct quorum_node *n = s->n;
	const struct quorum_kernel *k = &n->kernel;
	bool primary = k->loaded && k->role == SYNCMIRROR_ROLE_PRIMARY;
	const struct quorum_member *peer;

	switch (n->state) {
	case QUORUM_SECONDARY:
		if (primary) {
			set_state(s, QUORUM_PRIMARY_NO_QUORUM);
			if (n->vote.state.primary != n->vote.self) {
				add_log(s->out, LOG_NOTICE, "%s: promoted outside the agent; asking for term %" PRIu64,
					n->name, n->vote.state.term + 1);
				n->next_attempt = 0;
			}
			step_primary(s);
			return;
		}
		if (s->now < n->next_attempt || n->requesting)
			return;
		if (candidate_conditions(s))
			become_candidate(s);
		return;
	case QUORUM_CANDIDATE:
		if (primary) {
			request_done(n);
			set_state(s, QUORUM_SECONDARY);
			step_state(s);
			return;
		}
		if (!candidate_conditions(s))
			set_state(s, QUORUM_SECONDARY);	/* the reply may still come */
		return;
	case QUORUM_FENCING:
		if (s->in->fence == QUORUM_HOOK_OK) {
			if (two_node(n))
				two_node_fenced(s);
			enter_promoting(s);
		} else if (s->in->fence == QUORUM_HOOK_FAILED) {
			add_log(s->out, LOG_WARNING, "%s: fence-hook failed: not promoting; next attempt in %d s",
				n->name, QUORUM_FENCE_RETRY_MS / 1000);
			set_state(s, QUORUM_SECONDARY);
			n->next_attempt = s->now + QUORUM_FENCE_RETRY_MS;
		}
		return;
	case QUORUM_PROMOTING:
		if (!primary)
			return;
		/* The witness's next grant first, unless none comes. */
		if (!n->peer_fenced && quorum_node_deadline(n) <= s->now &&
		    s->now - n->state_since < n->timing.loss_timeout)
			return;
		peer = quorum_member_const(&n->vote, n->peer);
		if (n->peer_fenced) {
			add_log(s->out, LOG_WARNING, "%s: no witness: writing without the quorum fence while node %u is fenced (until it grants a lease)",
				n->name, n->peer);
		}
		add_log(s->out, LOG_NOTICE, "%s: promoted (term %" PRIu64 ") %.1f s after the last heartbeat of node %u",
			n->name, n->vote.state.term,
			(s->now - n->peer_last_heard_at_loss) / 1000.0,
			peer->id);
		set_state(s, quorum_node_deadline(n) > s->now ||
			     n->peer_fenced ?
			     QUORUM_PRIMARY : QUORUM_PRIMARY_NO_QUORUM);
		leases(s);		/* the lease first, then the hook */
		add(s->out, QUORUM_ACT_RUN_PROMOTE_HOOK);
		return;
	case QUORUM_PRIMARY:
	case QUORUM_PRIMARY_NO_QUORUM:
		if (!primary) {
			add_log(s->out, LOG_INFO, "%s: no longer primary", n->name);
			request_done(n);
			n->manual = false;
			refence(s);
			set_state(s, QUORUM_SECONDARY);
			return;
		}
		step_primary(s);
		return;
	case QUORUM_DEPOSED:
		if (!primary) {
			add_log(s->out, LOG_NOTICE, "%s: demoted after being deposed",
				n->name);
			set_state(s, QUORUM_SECONDARY);
			return;
		}
		if (s->now - n->last_demote >= QUORUM_DEMOTE_RETRY_MS) {
			add(s->out, QUORUM_ACT_SET_SECONDARY);
			n->last_demote = s->now;
		}
		return;
	}
}

/* Did anything we report in our records change? */
static bool kernel_changed(const struct quorum_kernel *a,
			   const struct quorum_kernel *b)
{
	return a->loaded != b->loaded || a->role != b->role ||
	       a->disk_state != b->disk_state ||
	       a->sync_state != b->sync_state ||
	       a->inconsistent != b->inconsistent ||
	       a->current_uuid != b->current_uuid ||
	       a->gen_pending != b->gen_pending;
}

void quorum_node_step(struct quorum_node *n,
		      const struct quorum_node_input *in,
		      struct quorum_actions *out)
{
	struct step s = { .n = n, .in = in, .out = out, .now = in->now };
	struct quorum_kernel prev = n->kernel;
	const struct quorum_kernel *k = &in->kernel;
	bool was_primary = prev.loaded && prev.role == SYNCMIRROR_ROLE_PRIMARY;
	bool primary = k->loaded && k->role == SYNCMIRROR_ROLE_PRIMARY;
	struct quorum_action *a;

	out->count = 0;
	n->kernel = *k;
	n->vote.self_role = k->loaded ? k->role : SM_HB_ROLE_NONE;
	if (kernel_changed(&prev, k))
		s.heartbeat = true;
	if (primary && !was_primary)
		n->primary_base_term = n->vote.state.term;

	/* Fenced from the first promotion on: arm at every volume up. */
	if (!k->loaded) {
		n->armed = false;
		n->lease_sent = false;
		n->peer_fenced = false;
	} else if (n->cfg.quorum && !n->armed) {
		a = add(out, QUORUM_ACT_LEASE);
		a->until = 0;
		a->generation = k->current_uuid;
		a->term = n->vote.state.term;
		a->policy = n->cfg.policy;
		n->armed = true;
	}

	learn_terms(&s);
	if (n->requesting && n->state != QUORUM_CANDIDATE &&
	    !n->manual && n->vote.state.primary != n->vote.self &&
	    n->vote.state.term >= n->request_term)
		request_done(n);	/* someone else has that term now */
	if ((n->state == QUORUM_CANDIDATE || n->state == QUORUM_FENCING ||
	     n->state == QUORUM_PROMOTING) &&
	    n->vote.state.primary != n->vote.self &&
	    n->vote.state.term >= n->request_term) {
		/* Superseded while promoting: someone else has a later term. */
		if (primary) {
			deposed(&s);
		} else {
			add_log(out, LOG_NOTICE, "%s: not promoting: node %u is primary of term %" PRIu64,
				n->name, n->vote.state.primary,
				n->vote.state.term);
			refence(&s);
			request_done(n);
			set_state(&s, QUORUM_SECONDARY);
		}
	}
	handle_reply(&s);
	if (n->requesting && s.now >= n->request_deadline) {
		char who[32];

		add_log(out, LOG_INFO, "%s: no answer from %s to the request for term %" PRIu64,
			n->name, voter_name(n, n->request_to, who, sizeof(who)),
			n->request_term);
		request_done(n);
		n->next_attempt = s.now + n->timing.heartbeat_interval;
		if (n->state == QUORUM_CANDIDATE)
			set_state(&s, QUORUM_SECONDARY);
	}
	record_peer_generation(&s);
	step_state(&s);
	if (primary && n->state != QUORUM_DEPOSED)
		leases(&s);
	if (s.heartbeat)
		add(out, QUORUM_ACT_SEND_HEARTBEATS);
}

void quorum_node_failed(struct quorum_node *n, const struct quorum_action *a,
			long long now, struct quorum_actions *out)
{
	struct step s = { .n = n, .out = out, .now = now };

	out->count = 0;
	switch (a->type) {
	case QUORUM_ACT_PERSIST:
		/* Not recorded: as if it never happened, and no promotion. */
		n->vote.state = a->previous;
		add_log(out, LOG_ERR, "%s: cannot record term %" PRIu64 " in the quorum state; not acting on it",
			n->name, a->state.term);
		break;
	case QUORUM_ACT_SEND_REQUEST:
		request_done(n);
		n->next_attempt = now + n->timing.heartbeat_interval;
		break;
	case QUORUM_ACT_DISCONNECT:
	case QUORUM_ACT_RUN_FENCE_HOOK:
	case QUORUM_ACT_UNFENCE:
	case QUORUM_ACT_SET_PRIMARY:
		add_log(out, LOG_WARNING, "%s: %s failed: not promoting; next attempt in %d s",
			n->name, quorum_action_name(a->type),
			QUORUM_FENCE_RETRY_MS / 1000);
		n->next_attempt = now + QUORUM_FENCE_RETRY_MS;
		break;
	default:
		return;		/* the caller logs it; retried at the next step */
	}
	if (n->state == QUORUM_CANDIDATE || n->state == QUORUM_FENCING ||
	    n->state == QUORUM_PROMOTING) {
		request_done(n);
		refence(&s);
		set_state(&s, QUORUM_SECONDARY);
		n->next_attempt = now + QUORUM_FENCE_RETRY_MS;
	} else if (n->state == QUORUM_DEPOSED &&
		   a->type == QUORUM_ACT_PERSIST) {
		/* Re-learned (and re-recorded) at the next step. */
		set_state(&s, QUORUM_PRIMARY_NO_QUORUM);
	}
}

const char *quorum_node_state_name(enum quorum_node_state state)
{
	switch (state) {
	case QUORUM_SECONDARY:
		return "secondary";
	case QUORUM_CANDIDATE:
		return "candidate";
	case QUORUM_FENCING:
		return "fencing";
	case QUORUM_PROMOTING:
		return "promoting";
	case QUORUM_PRIMARY:
		return "primary";
	case QUORUM_PRIMARY_NO_QUORUM:
		return "primary-no-quorum";
	case QUORUM_DEPOSED:
		return "deposed";
	}
	return "unknown";
}

const char *quorum_action_name(enum quorum_action_type type)
{
	switch (type) {
	case QUORUM_ACT_PERSIST:
		return "persist";
	case QUORUM_ACT_SEND_REQUEST:
		return "send-request";
	case QUORUM_ACT_SEND_HEARTBEATS:
		return "send-heartbeats";
	case QUORUM_ACT_DISCONNECT:
		return "disconnect";
	case QUORUM_ACT_RUN_FENCE_HOOK:
		return "fence-hook";
	case QUORUM_ACT_SET_PRIMARY:
		return "set-primary";
	case QUORUM_ACT_SET_SECONDARY:
		return "set-secondary";
	case QUORUM_ACT_LEASE:
		return "lease";
	case QUORUM_ACT_FAIL_HELD:
		return "fail-held";
	case QUORUM_ACT_UNFENCE:
		return "unfence";
	case QUORUM_ACT_RUN_PROMOTE_HOOK:
		return "promote-hook";
	case QUORUM_ACT_RUN_DEPOSED_HOOK:
		return "deposed-hook";
	case QUORUM_ACT_LOG:
		return "log";
	}
	return "unknown";
}
