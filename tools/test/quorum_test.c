// SPDX-License-Identifier: GPL-2.0-only
/*
 * quorum_test - the quorum decisions of tools/syncmirrord/quorum.c with a
 * fake clock, run by tests/tools/quorum_test.sh:
 *
 *  - a voter's answers to PROMOTE_REQUEST: each reason code, the order of
 *    the checks, the loss-timeout boundary, a voter that just started;
 *  - the GRANT rule for leases, and recording a pending generation first;
 *  - lease arithmetic: counted from our send time, never lengthened by a
 *    delay (a randomised run that also shows a lease counted from the
 *    receipt would break the invariant);
 *  - the promotion state machine, SECONDARY to PRIMARY and DEPOSED and
 *    back, the refusals, fence failure, a promotion by hand, two-node
 *    mode, a failed state write;
 *  - the timing inequality of cluster.conf.
 */
#include <stdlib.h>
#include <syslog.h>
#include <linux/syncmirror.h>

#include "../lib/cluster-config.h"
#include "../syncmirrord/quorum.h"
#include "check.h"

#define A	0	/* data node, the first primary */
#define B	1	/* data node */
#define W	2	/* witness */
#define G0	0x1000000000000001ULL
#define GA2	0x2000000000000003ULL
#define GX	0x7777777777777777ULL

static const struct quorum_timing timing = {
	.heartbeat_interval = 500, .lease_time = 2500, .loss_timeout = 4000,
};
static const uint8_t volume[16] = { 0xab, 1, 2, 3, 4, 5, 6, 7, 8, 9,
				    10, 11, 12, 13, 14, 15 };

static struct sm_hb_record rec(uint64_t term, uint32_t primary, uint32_t role,
			       uint64_t current, uint64_t gen, uint32_t flags,
			       uint32_t peer, uint32_t lost_ms)
{
	struct sm_hb_record r = {
		.term = term, .primary = primary, .role = role,
		.current_uuid = current, .primary_gen = gen, .flags = flags,
		.peer = peer, .lost_ms = lost_ms,
	};

	memcpy(r.volume_uuid, volume, 16);
	return r;
}

static struct sm_qstate qstate(uint64_t term, uint32_t primary, uint64_t gen)
{
	struct sm_qstate s = { .term = term, .primary = primary,
			       .primary_gen = gen };

	return s;
}

/* The witness's view: A primary of term 1 at G0, both heard at @t. */
static void witness_view(struct quorum_vote_state *v, long long start,
			 long long t)
{
	struct sm_hb_record ra = rec(1, A, SM_HB_ROLE_PRIMARY, G0, G0, 0, B, 0);
	struct sm_hb_record rb = rec(1, A, SM_HB_ROLE_SECONDARY, G0, G0, 0, A,
				     0);

	quorum_vote_init(v, volume, W, start);
	quorum_set_members(v, A, B);
	v->state = qstate(1, A, G0);
	quorum_heard(v, A, t);
	quorum_reported(v, A, &ra);
	quorum_heard(v, B, t);
	quorum_reported(v, B, &rb);
}

static uint32_t vote(const struct quorum_vote_state *v, uint32_t sender,
		     uint64_t term, uint64_t current, long long now,
		     struct sm_qstate *next)
{
	struct sm_hb_record r = rec(term, sender, SM_HB_ROLE_SECONDARY,
				    current, 0x5555555555555555ULL, 0,
				    sender == A ? B : A, 0xffffffffU);

	return quorum_vote(v, sender, &r, &timing, now, next);
}

static void test_vote(void)
{
	struct quorum_vote_state v;
	struct sm_hb_record r;
	struct sm_qstate next;

	witness_view(&v, 0, 1000);
	check_u64(vote(&v, B, 2, G0, 1100, &next), SM_HB_DENY_PRIMARY_ALIVE,
		  "B asks while the witness hears primary A: reason 1");
	check_u64(vote(&v, B, 2, G0, 1000 + 3999, &next),
		  SM_HB_DENY_PRIMARY_ALIVE,
		  "1 ms before loss-timeout: still reason 1");
	check_u64(vote(&v, B, 2, G0, 1000 + 4000, &next), SM_HB_GRANTED,
		  "A silent for loss-timeout: granted");
	check(next.term == 2 && next.primary == B &&
	      next.primary_gen == 0x5555555555555555ULL,
	      "the grant records term 2, primary B, B's new generation");
	check_u64(v.state.term, 1, "quorum_vote() changes nothing itself");

	check_u64(vote(&v, B, 1, G0, 9000, &next), SM_HB_DENY_STALE_TERM,
		  "the recorded term again: reason 3");
	check_u64(vote(&v, B, 0, G0, 9000, &next), SM_HB_DENY_STALE_TERM,
		  "a lower term: reason 3");
	check_u64(vote(&v, 3, 2, G0, 9000, &next), SM_HB_DENY_NOT_MEMBER,
		  "member 3 is not a data node of the volume: reason 5");
	check_u64(vote(&v, W, 2, G0, 9000, &next), SM_HB_DENY_NOT_MEMBER,
		  "the voter itself: reason 5");
	check_u64(vote(&v, B, 2, GX, 9000, &next), SM_HB_DENY_OUTDATED,
		  "B's lineage is not the recorded primary_gen: reason 2");
	v.state = qstate(2, B, 0x5555);	/* granted, but never promoted */
	check_u64(vote(&v, B, 3, G0, 9000, &next), SM_HB_GRANTED,
		  "the recorded primary itself is never outdated (its promotion may have failed)");
	check_u64(vote(&v, A, 3, G0, 9000, &next), SM_HB_DENY_OUTDATED,
		  "but the other data node is, at the old generation");
	v.state = qstate(1, A, G0);

	/* Order: each earlier check wins over every later one. */
	check_u64(vote(&v, B, 2, GX, 1100, &next), SM_HB_DENY_PRIMARY_ALIVE,
		  "alive and outdated: alive is checked first");
	check_u64(vote(&v, B, 1, G0, 1100, &next), SM_HB_DENY_STALE_TERM,
		  "stale and alive: the term is checked first");
	check_u64(vote(&v, 3, 1, G0, 1100, &next), SM_HB_DENY_NOT_MEMBER,
		  "no member and stale: membership is checked first");
	v.damaged = true;
	check_u64(vote(&v, 3, 1, G0, 1100, &next), SM_HB_DENY_DAMAGED,
		  "damaged state: reason 4 before anything else");
	check_u64(vote(&v, B, 2, G0, 9000, &next), SM_HB_DENY_DAMAGED,
		  "damaged state refuses an otherwise good request");

	/* A primary that says it is secondary now is no obstacle. */
	witness_view(&v, 0, 1000);
	r = rec(1, A, SM_HB_ROLE_SECONDARY, G0, G0, 0, B, 0);
	quorum_reported(&v, A, &r);
	check_u64(vote(&v, B, 2, G0, 1100, &next), SM_HB_GRANTED,
		  "A heard but secondary: granted at once");
	quorum_reported(&v, A, NULL);
	check_u64(vote(&v, B, 2, G0, 1100, &next), SM_HB_GRANTED,
		  "A's heartbeat without the volume (not loaded): granted");

	/* A voter that has just started waits loss-timeout from its start. */
	quorum_vote_init(&v, volume, W, 20000);
	quorum_set_members(&v, A, B);
	v.state = qstate(1, A, G0);
	check_u64(vote(&v, B, 2, G0, 20000 + 3999, &next),
		  SM_HB_DENY_PRIMARY_ALIVE,
		  "restarted voter, A never heard since: reason 1 until loss-timeout");
	check_u64(vote(&v, B, 2, G0, 24000, &next), SM_HB_GRANTED,
		  "restarted voter: granted loss-timeout after its start");
	quorum_heard(&v, A, 20100);
	check_u64(vote(&v, B, 2, G0, 20200, &next), SM_HB_DENY_PRIMARY_ALIVE,
		  "A connected but no heartbeat yet: it might be primary");

	/* First term: nothing recorded, no lineage to hold the sender to. */
	quorum_vote_init(&v, volume, W, 0);
	quorum_set_members(&v, A, B);
	quorum_heard(&v, B, 100);
	r = rec(0, SM_HB_NO_MEMBER, SM_HB_ROLE_SECONDARY, G0, 0, 0, A, 0);
	quorum_reported(&v, B, &r);
	check_u64(vote(&v, A, 1, GX, 200, &next), SM_HB_GRANTED,
		  "first term with B heard as secondary: granted");

	/* A data node as voter: it is the other data node itself. */
	quorum_vote_init(&v, volume, A, 0);
	quorum_set_members(&v, A, B);
	v.state = qstate(1, A, G0);
	v.self_role = SM_HB_ROLE_PRIMARY;
	check_u64(vote(&v, B, 2, G0, 99999, &next), SM_HB_DENY_PRIMARY_ALIVE,
		  "a primary data node never grants its peer a term");
	v.self_role = SM_HB_ROLE_SECONDARY;
	check_u64(vote(&v, B, 2, G0, 99999, &next), SM_HB_GRANTED,
		  "a secondary data node may");
}

static void test_lease_rule(void)
{
	struct quorum_vote_state v;
	struct sm_hb_record r, out;
	struct sm_qstate next;

	witness_view(&v, 0, 1000);
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_GRANT,
		  "GRANT to the recorded primary at the recorded generation");
	check_u64(quorum_lease_rule(&v, B, &next), QUORUM_NO_GRANT,
		  "no GRANT to the secondary");
	quorum_voter_record(&v, A, &timing, 1100, &out);
	check(out.flags & SM_HB_F_GRANT, "the record to A carries GRANT");
	quorum_voter_record(&v, B, &timing, 1100, &out);
	check(!(out.flags & SM_HB_F_GRANT), "the record to B does not");

	r = rec(1, A, SM_HB_ROLE_SECONDARY, G0, G0, 0, B, 0);
	quorum_reported(&v, A, &r);
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_NO_GRANT,
		  "no GRANT once the primary says secondary");
	r = rec(0, SM_HB_NO_MEMBER, SM_HB_ROLE_PRIMARY, G0, G0, 0, B, 0);
	quorum_reported(&v, A, &r);
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_NO_GRANT,
		  "no GRANT to a primary that does not know its term");
	r = rec(1, A, SM_HB_ROLE_PRIMARY, GX, G0, 0, B, 0);
	quorum_reported(&v, A, &r);
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_NO_GRANT,
		  "no GRANT at a generation not recorded");
	r = rec(1, A, SM_HB_ROLE_PRIMARY, GA2, G0, SM_HB_F_GEN_PENDING, B, 0);
	quorum_reported(&v, A, &r);
	check(quorum_lease_rule(&v, A, &next) == QUORUM_GRANT_AFTER_RECORDING &&
	      next.term == 1 && next.primary == A && next.primary_gen == GA2,
	      "a pending generation of the primary: record it, then GRANT");
	quorum_voter_record(&v, A, &timing, 1100, &out);
	check(!(out.flags & SM_HB_F_GRANT),
	      "no GRANT in a record before the generation is recorded");
	v.state = next;
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_GRANT,
		  "GRANT once it is");
	r = rec(1, A, SM_HB_ROLE_PRIMARY, GX, GA2, SM_HB_F_QUORUM, B, 0);
	quorum_reported(&v, A, &r);
	check(quorum_lease_rule(&v, A, &next) == QUORUM_GRANT_AFTER_RECORDING &&
	      next.term == 1 && next.primary == A && next.primary_gen == GX,
	      "a generation another voter recorded (the primary holds quorum at it): record it, then GRANT");
	r = rec(1, A, SM_HB_ROLE_PRIMARY, GA2, G0, SM_HB_F_GEN_PENDING, B, 0);
	quorum_reported(&v, A, &r);

	v.asked_term = 2;
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_NO_GRANT,
		  "no GRANT while the voter asks for a higher term itself");
	v.asked_term = 0;
	v.state = qstate(2, B, 0x99);
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_NO_GRANT,
		  "no GRANT to A after recording term 2 for B");
	v.state = qstate(1, A, GA2);
	v.damaged = true;
	check_u64(quorum_lease_rule(&v, A, &next), QUORUM_NO_GRANT,
		  "no GRANT from a damaged voter");

	/* SEES_PEER and lost_ms, about the recipient's peer. */
	witness_view(&v, 0, 1000);
	quorum_voter_record(&v, B, &timing, 4999, &out);
	check(out.peer == A && (out.flags & SM_HB_F_SEES_PEER) &&
	      out.lost_ms == 0,
	      "record to B: peer A, SEES_PEER within loss-timeout, lost_ms 0");
	quorum_voter_record(&v, B, &timing, 6000, &out);
	check(!(out.flags & SM_HB_F_SEES_PEER) && out.lost_ms == 5000,
	      "record to B after 5 s of silence: no SEES_PEER, lost_ms %u",
	      out.lost_ms);
	quorum_vote_init(&v, volume, W, 0);
	quorum_set_members(&v, A, B);
	quorum_voter_record(&v, B, &timing, 100, &out);
	check(out.lost_ms == 0xffffffffU && out.primary == SM_HB_NO_MEMBER &&
	      out.role == SM_HB_ROLE_NONE,
	      "never heard: lost_ms saturated; no primary; a witness has no role");

	/* Adopting terms (data nodes). */
	witness_view(&v, 0, 1000);
	r = rec(3, B, SM_HB_ROLE_NONE, 0, 0x33, 0, A, 0);
	check(quorum_adopt(&v, &r, &next) && next.term == 3 &&
	      next.primary == B && next.primary_gen == 0x33,
	      "a higher term in a record is adopted with its primary and generation");
	r.term = 1;
	check(!quorum_adopt(&v, &r, &next), "the same term is not");
	r.term = 4;
	r.primary = 7;
	check(!quorum_adopt(&v, &r, &next),
	      "nor a term naming a node that is not of the volume");
}

static void test_lease_arithmetic(void)
{
	struct sm_qstate own = qstate(2, B, 0xb);
	struct sm_hb_record r = rec(2, B, SM_HB_ROLE_NONE, 0, 0xb,
				    SM_HB_F_GRANT, A, 0);

	check_u64(quorum_lease_until(&own, B, 0xb, &r, 10000, &timing), 12500,
		  "lease = send time of the echoed message + lease-time");
	r.flags = 0;
	check_u64(quorum_lease_until(&own, B, 0xb, &r, 10000, &timing), 0,
		  "no GRANT, no lease");
	r.flags = SM_HB_F_GRANT;
	check_u64(quorum_lease_until(&own, B, 0xb, &r, 0, &timing), 0,
		  "echo of a message whose send time we no longer know: no lease");
	check_u64(quorum_lease_until(&own, B, 0xc, &r, 10000, &timing), 0,
		  "granted for another generation than ours: no lease");
	r.term = 3;
	check_u64(quorum_lease_until(&own, B, 0xb, &r, 10000, &timing), 0,
		  "granted in another term: no lease");
	r.term = 2;
	r.primary = A;
	check_u64(quorum_lease_until(&own, B, 0xb, &r, 10000, &timing), 0,
		  "the voter names another primary: no lease");
}

/*
 * Primary A sends heartbeats every interval with random delays on the
 * way (TCP keeps their order), the witness answers each with GRANT as it
 * arrives, A dies after a random number of them, and B asks for the next
 * term every 10 ms.  Every lease A computed must end before the witness
 * grants B, however the delays fall; the same run with leases counted
 * from A's receipt of the answer must break that at least once, or the
 * delays were not adversarial enough to prove anything.
 */
static void test_delay_cannot_lengthen(void)
{
	int trials = 500, trial, violations = 0, naive_violations = 0, k, i;
	long long s, r_prev, r, answer_at, grant, max_lease, max_naive, until;
	struct quorum_vote_state v;
	struct sm_qstate own = qstate(1, A, G0), next;
	struct sm_hb_record from_a, to_a, req;

	srand(20240501);
	for (trial = 0; trial < trials; trial++) {
		quorum_vote_init(&v, volume, W, 0);
		quorum_set_members(&v, A, B);
		v.state = own;
		from_a = rec(1, A, SM_HB_ROLE_PRIMARY, G0, G0, 0, B, 0);
		k = 1 + rand() % 20;
		r_prev = 0;
		max_lease = max_naive = 0;
		for (i = 0; i < k; i++) {
			s = 1000 + i * (long long)timing.heartbeat_interval;
			r = s + rand() % 3500;		/* one way */
			if (r < r_prev)
				r = r_prev;
			r_prev = r;
			quorum_heard(&v, A, r);
			quorum_reported(&v, A, &from_a);
			quorum_voter_record(&v, A, &timing, r, &to_a);
			answer_at = r + rand() % 3500;	/* and back */
			until = quorum_lease_until(&own, A, G0, &to_a, s,
						   &timing);
			if (until > max_lease)
				max_lease = until;
			if (to_a.flags & SM_HB_F_GRANT &&
			    answer_at + timing.lease_time > max_naive)
				max_naive = answer_at + timing.lease_time;
		}
		req = rec(2, B, SM_HB_ROLE_SECONDARY, G0, 0x42, 0, A,
			  0xffffffffU);
		for (grant = r_prev;
		     quorum_vote(&v, B, &req, &timing, grant, &next); grant += 10)
			;
		if (max_lease >= grant || grant < r_prev + timing.loss_timeout)
			violations++;
		if (max_naive >= grant)
			naive_violations++;
	}
	check(violations == 0,
	      "%d trials with random delays: A's leases all end before B is granted (%d overlaps)",
	      trials, violations);
	check(naive_violations > 0,
	      "leases counted from the receipt would overlap B's term in %d of them",
	      naive_violations);
}

/* ---- the state machine ---- */

static const struct quorum_volume_config cfg_witness = {
	.quorum = true, .policy = QUORUM_POLICY_SUSPEND, .auto_promote = true,
	.fence_hook = true,
};

static struct quorum_kernel kernel_secondary(uint64_t current)
{
	struct quorum_kernel k = {
		.loaded = true, .role = SYNCMIRROR_ROLE_SECONDARY,
		.disk_state = SYNCMIRROR_DISK_UP_TO_DATE,
		.sync_state = SYNCMIRROR_SYNC_NONE,
		.conn_state = SYNCMIRROR_CONN_CONNECTED,
		.current_uuid = current, .bitmap_uuid = 0,
	};

	return k;
}

static struct quorum_kernel kernel_primary(uint64_t current)
{
	struct quorum_kernel k = kernel_secondary(current);

	k.role = SYNCMIRROR_ROLE_PRIMARY;
	k.conn_state = SYNCMIRROR_CONN_NONE;
	return k;
}

static struct quorum_actions acts;

static void step(struct quorum_node *n, long long now,
		 const struct quorum_kernel *k, enum quorum_hook_result fence)
{
	struct quorum_node_input in = {
		.now = now, .kernel = *k, .random_gen = 0xc0ffee00c0ffee00ULL,
		.fence = fence,
	};

	quorum_node_step(n, &in, &acts);
}

static int find(enum quorum_action_type type)
{
	unsigned int i;

	for (i = 0; i < acts.count; i++)
		if (acts.action[i].type == type)
			return i;
	return -1;
}

static const struct quorum_action *action(enum quorum_action_type type)
{
	int i = find(type);

	return i < 0 ? NULL : &acts.action[i];
}

static bool logged(const char *text)
{
	unsigned int i;

	for (i = 0; i < acts.count; i++)
		if (acts.action[i].type == QUORUM_ACT_LOG &&
		    strstr(acts.action[i].text, text))
			return true;
	return false;
}

static void print_actions(void)
{
	unsigned int i;

	for (i = 0; i < acts.count; i++)
		printf("    action %s%s%s\n", quorum_action_name(acts.action[i].type),
		       acts.action[i].type == QUORUM_ACT_LOG ? ": " : "",
		       acts.action[i].type == QUORUM_ACT_LOG ?
		       acts.action[i].text : "");
}

/* The witness tells B about A: heard (or lost for @lost_ms), term, grant. */
static void from_witness(struct quorum_node *n, long long now, bool sees_a,
			 uint32_t lost_ms, struct sm_qstate st, bool grant,
			 long long send_time)
{
	struct sm_hb_record r = rec(st.term, st.primary, SM_HB_ROLE_NONE, 0,
				    st.primary_gen,
				    (sees_a ? SM_HB_F_SEES_PEER : 0) |
				    (grant ? SM_HB_F_GRANT : 0), A,
				    sees_a ? 0 : lost_ms);

	quorum_node_heard(n, W, now);
	quorum_node_heartbeat(n, W, &r, send_time, now);
}

static void from_a(struct quorum_node *n, long long now, uint32_t role,
		   uint64_t current)
{
	struct sm_hb_record r = rec(1, A, role, current, G0, SM_HB_F_SEES_PEER,
				    B, 0);

	quorum_node_heard(n, A, now);
	quorum_node_heartbeat(n, A, &r, 0, now);
}

/* B, with A primary of term 1 at G0, everything heard at 1000. */
static void node_b(struct quorum_node *n, const struct quorum_volume_config *c,
		   uint32_t witness)
{
	struct sm_qstate st = qstate(1, A, G0);
	struct quorum_kernel k = kernel_secondary(G0);

	quorum_node_init(n, "vol0", volume, B, A, witness, &timing, c, &st,
			 false, 1000);
	from_a(n, 1000, SM_HB_ROLE_PRIMARY, G0);
	if (witness != SM_HB_NO_MEMBER)
		from_witness(n, 1000, true, 0, st, false, 0);
	step(n, 1000, &k, QUORUM_HOOK_NONE);
}

/* Witness heartbeats every 500 ms up to @until, A silent since 1000. */
static void witness_says_a_lost(struct quorum_node *n, long long until)
{
	long long t;

	for (t = 1500; t <= until; t += 500)
		from_witness(n, t, t - 1000 < 4000, t - 1000,
			     qstate(1, A, G0), false, 0);
}

static void test_machine_failover(void)
{
	struct quorum_kernel k = kernel_secondary(G0);
	struct sm_hb_record out, reply;
	const struct quorum_action *a;
	struct quorum_node n;
	uint64_t g;
	int persist, disconnect, hook;

	node_b(&n, &cfg_witness, W);
	a = action(QUORUM_ACT_LEASE);
	check(a && a->until == 0,
	      "volume up with quorum on: the fence is armed (LEASE, no lease)");
	quorum_node_record(&n, A, 1000, &out);
	check(out.flags & SM_HB_F_GRANT,
	      "secondary B grants primary A its lease");

	witness_says_a_lost(&n, 4500);
	step(&n, 4999, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST) && n.state == QUORUM_SECONDARY,
	      "A silent for 3999 ms: no candidacy");
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST) &&
	      logged("vol0: not promoting: the witness still hears the primary"),
	      "A lost to B, but the witness still says SEES_PEER: no request, logged");

	from_witness(&n, 5000, false, 4000, qstate(1, A, G0), false, 0);
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_SEND_REQUEST);
	check(a && a->to == W && a->record.term == 2 &&
	      a->record.primary == B && a->record.current_uuid == G0 &&
	      (a->record.primary_gen & 1) && a->record.primary_gen != G0 &&
	      n.state == QUORUM_CANDIDATE && find(QUORUM_ACT_PERSIST) < 0,
	      "A lost, witness agrees: PROMOTE_REQUEST term 2, odd new generation, lineage G0; CANDIDATE");
	check(logged("vol0: peer node 0 lost (no heartbeat for 4000 ms, witness agrees)"),
	      "logged as the design says");
	g = a->record.primary_gen;
	quorum_node_record(&n, A, 5000, &out);
	check(!(out.flags & SM_HB_F_GRANT),
	      "while asking for term 2, B grants A no lease");

	reply = rec(2, B, SM_HB_ROLE_NONE, 0, g, 0, A, 4000);
	quorum_node_reply(&n, W, SM_HB_GRANTED, &reply);
	step(&n, 5050, &k, QUORUM_HOOK_NONE);
	persist = find(QUORUM_ACT_PERSIST);
	disconnect = find(QUORUM_ACT_DISCONNECT);
	hook = find(QUORUM_ACT_RUN_FENCE_HOOK);
	check(persist >= 0 && acts.action[persist].state.term == 2 &&
	      acts.action[persist].state.primary == B &&
	      acts.action[persist].state.primary_gen == g &&
	      disconnect > persist && hook > disconnect &&
	      n.state == QUORUM_FENCING,
	      "granted: persist (2, B, G) first, then DISCONNECT the peer link, then the fence-hook");
	check(logged("vol0: term 2 granted by witness 2, generation "),
	      "the grant is logged");
	check(!action(QUORUM_ACT_SET_PRIMARY), "no promotion before the hook");

	step(&n, 5100, &k, QUORUM_HOOK_OK);
	a = action(QUORUM_ACT_SET_PRIMARY);
	check(a && a->generation == g && n.state == QUORUM_PROMOTING,
	      "fence-hook exit 0: SET_ROLE primary with generation G");

	k = kernel_primary(g);
	step(&n, 5150, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_PROMOTING &&
	      !action(QUORUM_ACT_RUN_PROMOTE_HOOK),
	      "primary in the kernel: waits for the witness's next grant");
	from_witness(&n, 5200, false, 4200, qstate(2, B, g), true, 5150);
	step(&n, 5200, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_LEASE);
	check(a && a->until == 5150 + 2500 && a->generation == g &&
	      a->term == 2 && n.state == QUORUM_PRIMARY &&
	      find(QUORUM_ACT_RUN_PROMOTE_HOOK) > find(QUORUM_ACT_LEASE) &&
	      find(QUORUM_ACT_LEASE) >= 0,
	      "witness GRANT: LEASE until send time + lease-time, PRIMARY, then promote-hook");
	check(logged("vol0: promoted (term 2) 4.2 s after the last heartbeat of node 0"),
	      "the promotion is logged with its time since A's last heartbeat");
	quorum_node_record(&n, W, 5200, &out);
	check(out.flags & SM_HB_F_QUORUM && out.role == SM_HB_ROLE_PRIMARY &&
	      out.term == 2 && out.current_uuid == g,
	      "B's record: primary of term 2 at G, holding quorum");

	step(&n, 7649, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_PRIMARY, "lease valid at 7649");
	step(&n, 7650, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_PRIMARY_NO_QUORUM &&
	      logged("no valid lease"),
	      "lease expired at 7650: PRIMARY_NO_QUORUM");
	from_witness(&n, 7700, false, 6700, qstate(2, B, g), true, 7690);
	step(&n, 7700, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_LEASE);
	check(a && a->until == 7690 + 2500 && n.state == QUORUM_PRIMARY,
	      "a new grant: LEASE again, PRIMARY");
	from_witness(&n, 9000, false, 8000, qstate(2, B, g), true, 5150);
	step(&n, 9000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_LEASE) && quorum_node_deadline(&n) == 10190,
	      "a late answer echoing an old message neither extends nor shortens the lease");

	from_witness(&n, 9500, false, 8500, qstate(3, A, 0x77), false, 0);
	step(&n, 9500, &k, QUORUM_HOOK_NONE);
	persist = find(QUORUM_ACT_PERSIST);
	check(persist >= 0 && acts.action[persist].state.term == 3 &&
	      find(QUORUM_ACT_FAIL_HELD) > persist &&
	      find(QUORUM_ACT_RUN_DEPOSED_HOOK) > persist &&
	      find(QUORUM_ACT_SET_SECONDARY) > persist &&
	      !action(QUORUM_ACT_LEASE) && n.state == QUORUM_DEPOSED,
	      "a voter records term 3 for A: persist, FAIL_HELD, deposed-hook, SET_ROLE secondary");
	check(logged("vol0: deposed: node 0 is primary of term 3"),
	      "deposition logged");
	step(&n, 10000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SET_SECONDARY), "no new demotion within 1 s");
	step(&n, 10500, &k, QUORUM_HOOK_NONE);
	check(action(QUORUM_ACT_SET_SECONDARY) != NULL,
	      "demotion retried after 1 s (the device may still be open)");
	k = kernel_secondary(g);
	step(&n, 10600, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_SECONDARY, "demoted: SECONDARY");
}

/* B up to CANDIDATE (A lost at 5000); returns the generation it asked for. */
static uint64_t to_candidate(struct quorum_node *n,
			     const struct quorum_volume_config *c)
{
	struct quorum_kernel k = kernel_secondary(G0);
	const struct quorum_action *a;

	node_b(n, c, W);
	witness_says_a_lost(n, 5000);
	step(n, 5000, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_SEND_REQUEST);
	return a ? a->record.primary_gen : 0;
}

static void test_machine_refusals(void)
{
	struct quorum_kernel k = kernel_secondary(G0);
	struct sm_hb_record reply;
	struct quorum_node n;
	const struct quorum_action *a;
	uint64_t g;

	g = to_candidate(&n, &cfg_witness);
	check(n.state == QUORUM_CANDIDATE, "candidate (setup)");
	reply = rec(1, A, SM_HB_ROLE_NONE, 0, G0, SM_HB_F_SEES_PEER, A, 0);
	quorum_node_reply(&n, W, SM_HB_DENY_PRIMARY_ALIVE, &reply);
	step(&n, 5050, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_SECONDARY &&
	      logged("not promoting: the witness still hears the primary"),
	      "denied with reason 1: SECONDARY, logged");
	from_witness(&n, 5100, false, 4100, qstate(1, A, G0), false, 0);
	step(&n, 5100, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST), "no new request within the interval");
	step(&n, 5550, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_SEND_REQUEST);
	check(a && a->record.term == 2, "asked again after one interval");

	/* Fence-hook fails: back to SECONDARY, no new attempt for 5 s. */
	g = to_candidate(&n, &cfg_witness);
	reply = rec(2, B, SM_HB_ROLE_NONE, 0, g, 0, A, 4000);
	quorum_node_reply(&n, W, SM_HB_GRANTED, &reply);
	step(&n, 5050, &k, QUORUM_HOOK_NONE);
	step(&n, 5100, &k, QUORUM_HOOK_FAILED);
	check(n.state == QUORUM_SECONDARY && !action(QUORUM_ACT_SET_PRIMARY) &&
	      logged("fence-hook failed: not promoting; next attempt in 5 s"),
	      "fence-hook failed: SECONDARY, no SET_ROLE");
	from_witness(&n, 10000, false, 9000, qstate(2, B, g), false, 0);
	step(&n, 10099, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST), "no candidacy 4999 ms after");
	step(&n, 10100, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_SEND_REQUEST);
	check(a && a->record.term == 3, "candidacy again after 5 s, for term 3");

	/* Outdated, not up to date, no witness heard, no term yet. */
	node_b(&n, &cfg_witness, W);
	witness_says_a_lost(&n, 5000);
	k = kernel_secondary(GX);
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST) && logged("not promoting: outdated"),
	      "current_uuid is not the recorded primary_gen: no request");
	node_b(&n, &cfg_witness, W);
	witness_says_a_lost(&n, 5000);
	k = kernel_secondary(G0);
	k.disk_state = SYNCMIRROR_DISK_OUTDATED;
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST) &&
	      logged("not promoting: the disk is not up-to-date"),
	      "disk outdated: no request");
	k = kernel_secondary(G0);
	k.sync_state = SYNCMIRROR_SYNC_TARGET;
	step(&n, 5001, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST) &&
	      logged("not promoting: a resync is running"),
	      "resync into it: no request");
	node_b(&n, &cfg_witness, W);
	k = kernel_secondary(G0);
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST) &&
	      logged("not promoting: the witness (member 2) is not heard"),
	      "the witness silent for loss-timeout too: no request");
	{
		struct sm_qstate none = qstate(0, SM_HB_NO_MEMBER, 0);

		long long t;

		quorum_node_init(&n, "vol0", volume, B, A, W, &timing,
				 &cfg_witness, &none, false, 1000);
		for (t = 1500; t <= 5000; t += 500)
			from_witness(&n, t, false, t - 1000, none, false, 0);
		step(&n, 5000, &k, QUORUM_HOOK_NONE);
		check(!action(QUORUM_ACT_SEND_REQUEST) &&
		      logged("no term is recorded yet"),
		      "nothing recorded (no primary ever held quorum): no automatic promotion");
	}
	/* A restarted agent waits loss-timeout from its start. */
	{
		struct sm_qstate st = qstate(1, A, G0);
		long long t;

		quorum_node_init(&n, "vol0", volume, B, A, W, &timing,
				 &cfg_witness, &st, false, 20000);
		for (t = 20000; t <= 24000; t += 500)
			from_witness(&n, t, false, 30000, st, false, 0);
		step(&n, 23999, &k, QUORUM_HOOK_NONE);
		check(!action(QUORUM_ACT_SEND_REQUEST),
		      "agent started 3999 ms ago, peer never heard: no request");
		step(&n, 24000, &k, QUORUM_HOOK_NONE);
		check(action(QUORUM_ACT_SEND_REQUEST) != NULL,
		      "loss-timeout after its start: request");
	}

	/* Superseded while fencing: the witness names A in a higher term. */
	g = to_candidate(&n, &cfg_witness);
	reply = rec(2, B, SM_HB_ROLE_NONE, 0, g, 0, A, 4000);
	quorum_node_reply(&n, W, SM_HB_GRANTED, &reply);
	step(&n, 5050, &k, QUORUM_HOOK_NONE);
	from_witness(&n, 5100, true, 0, qstate(3, A, 0x99), false, 0);
	step(&n, 5100, &k, QUORUM_HOOK_OK);
	check(n.state == QUORUM_SECONDARY && !action(QUORUM_ACT_SET_PRIMARY),
	      "term 3 for A while fencing: no promotion");

	/* A failed state write undoes the grant. */
	g = to_candidate(&n, &cfg_witness);
	reply = rec(2, B, SM_HB_ROLE_NONE, 0, g, 0, A, 4000);
	quorum_node_reply(&n, W, SM_HB_GRANTED, &reply);
	step(&n, 5050, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_PERSIST);
	if (a) {
		struct quorum_action failed = *a;

		quorum_node_failed(&n, &failed, 5050, &acts);
	}
	check(n.state == QUORUM_SECONDARY && n.vote.state.term == 1 &&
	      n.vote.state.primary == A && logged("cannot record term 2"),
	      "persisting the grant failed: state back to (1, A), SECONDARY");
}

static void test_machine_manual(void)
{
	struct quorum_volume_config c = cfg_witness;
	struct quorum_kernel k;
	struct sm_hb_record reply;
	const struct quorum_action *a;
	struct quorum_node n;
	struct sm_qstate st = qstate(1, A, G0);

	/* Promoted by smctl while the peer is alive: G3 pending generation. */
	c.auto_promote = false;
	quorum_node_init(&n, "vol0", volume, B, A, W, &timing, &c, &st, false,
			 1000);
	k = kernel_secondary(G0);
	step(&n, 1000, &k, QUORUM_HOOK_NONE);
	k = kernel_primary(GA2);
	k.gen_pending = true;
	k.bitmap_uuid = G0;
	step(&n, 1100, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_SEND_REQUEST);
	check(a && a->to == W && a->record.term == 2 &&
	      a->record.primary_gen == GA2 && a->record.current_uuid == G0 &&
	      (a->record.flags & SM_HB_F_GEN_PENDING) &&
	      n.state == QUORUM_PRIMARY_NO_QUORUM,
	      "promotion by hand: PROMOTE_REQUEST with the pending generation, lineage from the bitmap");
	reply = rec(1, A, SM_HB_ROLE_NONE, 0, G0, SM_HB_F_SEES_PEER, A, 0);
	quorum_node_reply(&n, W, SM_HB_DENY_PRIMARY_ALIVE, &reply);
	step(&n, 1150, &k, QUORUM_HOOK_NONE);
	check(logged("vol0: promotion without quorum (the primary is alive): I/O held; demote, or smctl quorum vol0 off to override") &&
	      n.state == QUORUM_PRIMARY_NO_QUORUM && !action(QUORUM_ACT_LEASE),
	      "denied: stays primary without quorum, says what to do");
	step(&n, 1649, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_SEND_REQUEST), "no new request within the interval");
	step(&n, 1650, &k, QUORUM_HOOK_NONE);
	check(action(QUORUM_ACT_SEND_REQUEST) != NULL, "asked again after it");
	reply = rec(2, B, SM_HB_ROLE_NONE, 0, GA2, 0, A, 4000);
	quorum_node_reply(&n, W, SM_HB_GRANTED, &reply);
	step(&n, 1700, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_PERSIST);
	check(a && a->state.term == 2 && a->state.primary == B &&
	      a->state.primary_gen == GA2 && !action(QUORUM_ACT_SET_PRIMARY),
	      "granted: term 2 recorded for the pending generation; no SET_ROLE (already primary)");
	from_witness(&n, 1800, true, 0, qstate(2, B, GA2), true, 1750);
	step(&n, 1800, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_LEASE);
	check(a && a->until == 1750 + 2500 && a->generation == GA2 &&
	      n.state == QUORUM_PRIMARY,
	      "the witness's GRANT: LEASE at the pending generation, PRIMARY");

	c.policy = QUORUM_POLICY_ERROR;
	quorum_node_init(&n, "vol0", volume, B, A, W, &timing, &c, &st, false,
			 1000);
	k = kernel_primary(GA2);
	k.gen_pending = true;
	k.bitmap_uuid = G0;
	step(&n, 1100, &k, QUORUM_HOOK_NONE);
	reply = rec(1, A, SM_HB_ROLE_NONE, 0, G0, SM_HB_F_SEES_PEER, A, 0);
	quorum_node_reply(&n, W, SM_HB_DENY_PRIMARY_ALIVE, &reply);
	step(&n, 1150, &k, QUORUM_HOOK_NONE);
	check(logged("I/O failing"), "with on-quorum-loss error: I/O failing");
}

static void test_machine_voter(void)
{
	struct quorum_kernel k = kernel_secondary(G0);
	struct sm_qstate st = qstate(2, B, G0);
	struct sm_hb_record r, out;
	const struct quorum_action *a;
	struct quorum_node n;

	/* A, secondary, is a voter for primary B's pending generation. */
	quorum_node_init(&n, "vol0", volume, A, B, W, &timing, &cfg_witness,
			 &st, false, 1000);
	r = rec(2, B, SM_HB_ROLE_PRIMARY, GA2, G0, SM_HB_F_GEN_PENDING, A, 0);
	quorum_node_heard(&n, B, 1000);
	quorum_node_heartbeat(&n, B, &r, 0, 1000);
	quorum_node_record(&n, B, 1000, &out);
	check(!(out.flags & SM_HB_F_GRANT),
	      "no GRANT to a pending generation before it is recorded");
	step(&n, 1000, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_PERSIST);
	check(a && a->state.term == 2 && a->state.primary == B &&
	      a->state.primary_gen == GA2 &&
	      find(QUORUM_ACT_SEND_HEARTBEATS) > find(QUORUM_ACT_PERSIST),
	      "the pending generation is persisted, then a heartbeat goes at once");
	quorum_node_record(&n, B, 1000, &out);
	check(out.flags & SM_HB_F_GRANT, "then B gets its GRANT");
}

static void test_machine_two_node(void)
{
	struct quorum_volume_config c = cfg_witness;
	struct quorum_kernel k = kernel_secondary(G0);
	struct quorum_node n;
	int persist;

	const struct quorum_action *a;
	struct sm_hb_record r;
	uint64_t g;
	int i;

	node_b(&n, &c, SM_HB_NO_MEMBER);
	step(&n, 4999, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_RUN_FENCE_HOOK), "two nodes: nothing before loss-timeout");
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_PERSIST) && !action(QUORUM_ACT_SEND_REQUEST) &&
	      action(QUORUM_ACT_RUN_FENCE_HOOK) && n.state == QUORUM_FENCING,
	      "two nodes, peer lost: no request, nothing recorded, the fence-hook decides");
	step(&n, 5100, &k, QUORUM_HOOK_FAILED);
	check(!action(QUORUM_ACT_PERSIST) && !action(QUORUM_ACT_SET_PRIMARY) &&
	      n.state == QUORUM_SECONDARY && n.vote.state.term == 1 &&
	      n.vote.state.primary == A,
	      "fence-hook failed: no term taken (A is still primary of term 1 when it is back)");

	step(&n, 10100, &k, QUORUM_HOOK_NONE);
	check(action(QUORUM_ACT_RUN_FENCE_HOOK) && n.state == QUORUM_FENCING,
	      "5 s later: the fence-hook again");
	step(&n, 10200, &k, QUORUM_HOOK_OK);
	persist = find(QUORUM_ACT_PERSIST);
	a = action(QUORUM_ACT_SET_PRIMARY);
	check(persist >= 0 && acts.action[persist].state.term == 2 &&
	      acts.action[persist].state.primary == B && a &&
	      acts.action[persist].state.primary_gen == a->generation &&
	      find(QUORUM_ACT_UNFENCE) > persist &&
	      find(QUORUM_ACT_SET_PRIMARY) > find(QUORUM_ACT_UNFENCE) &&
	      logged("fence-hook fenced node 0: term 2 taken"),
	      "fence-hook exit 0: term 2 recorded, the fence disabled, then SET_ROLE primary with its generation");
	g = a->generation;
	k = kernel_primary(g);
	step(&n, 10250, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_PRIMARY && action(QUORUM_ACT_RUN_PROMOTE_HOOK) &&
	      !action(QUORUM_ACT_LEASE) &&
	      logged("writing without the quorum fence while node 0 is fenced"),
	      "primary in the kernel: no grant to wait for, PRIMARY, promote-hook");
	step(&n, 20000, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_PRIMARY && !action(QUORUM_ACT_LEASE),
	      "no lease yet: still PRIMARY, unfenced");
	quorum_node_record(&n, A, 20000, &r);
	check(r.flags & SM_HB_F_QUORUM,
	      "unfenced, B's record says quorum (so A, back, records the generation)");

	/* A is back (secondary, term 2 learned from B) and grants. */
	r = rec(2, B, SM_HB_ROLE_SECONDARY, G0, g,
		SM_HB_F_SEES_PEER | SM_HB_F_GRANT, B, 0);
	quorum_node_heard(&n, A, 21000);
	quorum_node_heartbeat(&n, A, &r, 20900, 21000);
	step(&n, 21000, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_LEASE);
	check(a && a->until == 20900 + 2500 && a->generation == g &&
	      logged("node 0 grants leases again: the quorum fence is armed"),
	      "the fenced peer grants a lease: LEASE, fenced again");
	step(&n, 23400, &k, QUORUM_HOOK_NONE);
	check(n.state == QUORUM_PRIMARY_NO_QUORUM,
	      "from then on without a lease: PRIMARY_NO_QUORUM, as with a witness");

	/* Unfenced, then demoted: the fence is armed again at once. */
	n.peer_fenced = true;
	k = kernel_secondary(g);
	step(&n, 24000, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_LEASE);
	check(a && a->until == 0 && !n.peer_fenced &&
	      n.state == QUORUM_SECONDARY,
	      "demoted while unfenced: LEASE until 0 (fenced, no lease)");

	/* The agent restarts while B is the unfenced primary. */
	k = kernel_primary(g);
	n.armed = false;
	quorum_node_found_unfenced(&n);
	step(&n, 25000, &k, QUORUM_HOOK_NONE);
	a = action(QUORUM_ACT_LEASE);
	check(n.peer_fenced && !a,
	      "restart, found primary of its own term with the fence off: stays unfenced (no until 0)");

	/* A failing DISABLE stops the promotion and re-arms. */
	k = kernel_secondary(G0);
	node_b(&n, &c, SM_HB_NO_MEMBER);
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	step(&n, 5100, &k, QUORUM_HOOK_OK);
	i = find(QUORUM_ACT_UNFENCE);
	check(i >= 0, "a second promotion: UNFENCE");
	if (i >= 0) {
		struct quorum_action failed = acts.action[i];

		quorum_node_failed(&n, &failed, 5100, &acts);
		a = action(QUORUM_ACT_LEASE);
		check(n.state == QUORUM_SECONDARY && !n.peer_fenced &&
		      a && a->until == 0 && logged("unfence failed: not promoting"),
		      "UNFENCE failed: not promoting, SECONDARY, LEASE until 0");
	}

	c.fence_hook = false;
	k = kernel_secondary(G0);
	node_b(&n, &c, SM_HB_NO_MEMBER);
	step(&n, 5000, &k, QUORUM_HOOK_NONE);
	check(!action(QUORUM_ACT_PERSIST) &&
	      logged("no witness and no fence-hook"),
	      "two nodes without a fence-hook: never promotes itself");
}

static void test_timing_inequality(void)
{
	char why[256];

	check(!sm_cluster_check_timing(500, 2500, 4000, why, sizeof(why)),
	      "defaults (500, 2500, 4000) pass");
	check(!sm_cluster_check_timing(500, 3000, 4000, why, sizeof(why)),
	      "lease-time = loss-timeout - 1000 passes");
	check(sm_cluster_check_timing(500, 3001, 4000, why, sizeof(why)) &&
	      strstr(why, "lease-time 3001 must be at most loss-timeout 4000 minus 1000 ms (3000)"),
	      "lease-time = loss-timeout - 999 is refused: %s", why);
	check(!sm_cluster_check_timing(500, 1500, 4000, why, sizeof(why)),
	      "lease-time = 3 x heartbeat-interval passes");
	check(sm_cluster_check_timing(500, 1499, 4000, why, sizeof(why)) &&
	      strstr(why, "lease-time 1499 must be at least 3 x heartbeat-interval 500 (1500)"),
	      "lease-time below 3 x heartbeat-interval is refused: %s", why);
}

int main(void)
{
	test_vote();
	test_lease_rule();
	test_lease_arithmetic();
	test_delay_cannot_lengthen();
	test_machine_failover();
	test_machine_refusals();
	test_machine_manual();
	test_machine_voter();
	test_machine_two_node();
	test_timing_inequality();
	if (checks_failed)
		print_actions();
	return check_summary();
}
