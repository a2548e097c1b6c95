/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Quorum and automatic failover, the decisions only
 * (Documentation/syncmirror-failover.rst, "Quorum and automatic
 * failover"): a voter's rules for PROMOTE_REQUEST and for the GRANT bit,
 * the lease arithmetic of a primary, and a data node's promotion state
 * machine.  Pure functions of their inputs and a clock (milliseconds of
 * CLOCK_MONOTONIC, passed in): no I/O, no time of their own.  What must be
 * done comes back as a list of actions for the caller, which performs
 * them in order and stops at the first that fails (quorum_node_failed()).
 *
 * Used by witness.c (voter only) and, later, the data-node side of
 * syncmirrord; unit-tested by tests/tools/quorum_test.sh.
 */
#ifndef SYNCMIRRORD_QUORUM_H
#define SYNCMIRRORD_QUORUM_H

#include <stdbool.h>
#include <stdint.h>

#include "../lib/hbproto.h"
#include "../lib/quorum-state.h"

struct quorum_timing {
	unsigned int heartbeat_interval;	/* ms, from cluster.conf */
	unsigned int lease_time;
	unsigned int loss_timeout;
};

/* ---- voters: what one knows of a data node of a volume ---- */

struct quorum_member {
	uint32_t id;			/* SM_HB_NO_MEMBER: not known yet */
	bool heard;			/* a message arrived since our start */
	long long last_heard;		/* ms; our start until it is heard */
	bool reported;			/* a heartbeat of it since our start */
	struct sm_hb_record record;	/* its last; role NONE if it left the
					 * volume out of its last heartbeat */
};

/* A voter's view of one volume. */
struct quorum_vote_state {
	uint8_t uuid[16];
	uint32_t self;			/* this voter's member id */
	uint32_t self_role;		/* data node: its kernel role */
	bool damaged;			/* state file refused: votes for nothing */
	struct sm_qstate state;		/* as persisted */
	struct quorum_member member[2];	/* the volume's data nodes */
	uint64_t asked_term;		/* we asked for it: no leases to others */
};

/*
 * A volume first seen at @now.  Until a member is heard it counts as
 * heard at @now: a voter that just started cannot know that a primary is
 * gone, and must wait loss-timeout like everyone else.
 */
void quorum_vote_init(struct quorum_vote_state *v, const uint8_t uuid[16],
		      uint32_t self, long long now);
/*
 * The volume's data nodes are @a and @b.  Returns false if the volume
 * already has two others (the caller refuses the sender as no member).
 */
bool quorum_set_members(struct quorum_vote_state *v, uint32_t a, uint32_t b);
struct quorum_member *quorum_member(struct quorum_vote_state *v, uint32_t id);
const struct quorum_member *
quorum_member_const(const struct quorum_vote_state *v, uint32_t id);
/* Any message from member @id arrived at @now. */
void quorum_heard(struct quorum_vote_state *v, uint32_t id, long long now);
/* @id's heartbeat carried @record for the volume, or (NULL) did not. */
void quorum_reported(struct quorum_vote_state *v, uint32_t id,
		     const struct sm_hb_record *record);
/* Nothing heard from @m for loss-timeout (counting from our start). */
bool quorum_member_lost(const struct quorum_member *m,
			const struct quorum_timing *t, long long now);

/*
 * PROMOTE_REQUEST @request from @sender: checked in the design's order —
 * state sound (else 4), sender a member (5), term above the recorded one
 * (3), the volume's other data node lost for loss-timeout or not primary
 * (1), the request's current_uuid the recorded primary_gen (2).  Returns
 * SM_HB_GRANTED with the state to persist *before* replying in @next, or
 * the reason code.  With nothing recorded yet, and for the recorded
 * primary itself, the lineage check passes (see outdated() in quorum.c).
 */
uint32_t quorum_vote(const struct quorum_vote_state *v, uint32_t sender,
		     const struct sm_hb_record *request,
		     const struct quorum_timing *t, long long now,
		     struct sm_qstate *next);

enum quorum_lease_rule {
	QUORUM_NO_GRANT,
	QUORUM_GRANT,
	QUORUM_GRANT_AFTER_RECORDING,	/* persist @next first, then grant */
};

/*
 * May the voter set GRANT in its record to @recipient?  When the
 * recipient is the recorded primary, says primary, knows the term and
 * announces a new current_uuid with GEN_PENDING, the new generation must
 * be recorded first: @next is the state to persist.
 */
enum quorum_lease_rule quorum_lease_rule(const struct quorum_vote_state *v,
					 uint32_t recipient,
					 struct sm_qstate *next);

/*
 * A data node learns a higher term from a voter's record: @next is the
 * state to persist.  Witnesses never adopt terms; they only grant them.
 */
bool quorum_adopt(const struct quorum_vote_state *v,
		  const struct sm_hb_record *record, struct sm_qstate *next);

/*
 * The record a voter sends @recipient about the volume: its term, primary
 * and primary_gen, the volume's other data node (relative to the
 * recipient on a witness) with SEES_PEER and lost_ms, GRANT by the lease
 * rule.  role and current_uuid are left for a data node to fill.
 */
void quorum_voter_record(const struct quorum_vote_state *v,
			 uint32_t recipient, const struct quorum_timing *t,
			 long long now, struct sm_hb_record *out);

/*
 * The lease voter's @record grants us (member @self, at generation
 * @current_uuid, state @own): send_time(echo_seq) + lease-time, counted
 * from when *we* sent what the voter echoes, so that no delay on the way
 * can lengthen it.  0 when it grants none (no GRANT, another term,
 * primary or generation, or @send_time unknown: 0).
 */
long long quorum_lease_until(const struct sm_qstate *own, uint32_t self,
			     uint64_t current_uuid,
			     const struct sm_hb_record *record,
			     long long send_time,
			     const struct quorum_timing *t);

/* ---- a data node's promotion state machine ---- */

enum quorum_node_state {
	QUORUM_SECONDARY,
	QUORUM_CANDIDATE,		/* PROMOTE_REQUEST sent to the witness */
	QUORUM_FENCING,			/* granted: peer link cut, fence-hook */
	QUORUM_PROMOTING,		/* SET_ROLE primary sent */
	QUORUM_PRIMARY,			/* primary holding quorum */
	QUORUM_PRIMARY_NO_QUORUM,	/* primary, no valid lease */
	QUORUM_DEPOSED,			/* primary; a higher term names another */
};

/* The volume as the kernel reports it. */
struct quorum_kernel {
	bool loaded;
	uint32_t role;			/* enum syncmirror_role */
	uint32_t disk_state;		/* enum syncmirror_disk_state */
	uint32_t sync_state;		/* enum syncmirror_sync_state */
	bool inconsistent;		/* superblock INCONSISTENT */
	uint32_t conn_state;		/* enum syncmirror_conn_state */
	uint64_t current_uuid;
	uint64_t bitmap_uuid;
	bool gen_pending;		/* a generation waits to be recorded (G3) */
};

/* The volume's keys (<volume>.conf) that the machine needs. */
struct quorum_volume_config {
	bool quorum;			/* quorum on: leases go to the kernel */
	uint32_t policy;		/* QUORUM_POLICY: 1 suspend, 2 error */
	bool auto_promote;
	bool fence_hook;		/* one is configured */
};

#define QUORUM_POLICY_SUSPEND	1
#define QUORUM_POLICY_ERROR	2
#define QUORUM_FENCE_RETRY_MS	5000	/* after a failed fence-hook */
#define QUORUM_DEMOTE_RETRY_MS	1000	/* deposed: SET_ROLE secondary */
#define QUORUM_LOG_REPEAT_MS	60000	/* the same refusal logged again */

enum quorum_hook_result {
	QUORUM_HOOK_NONE,		/* not finished (or not run) */
	QUORUM_HOOK_OK,			/* exit 0 */
	QUORUM_HOOK_FAILED,		/* other exit, signal or timeout */
};

struct quorum_node_input {
	long long now;
	struct quorum_kernel kernel;
	uint64_t random_gen;		/* fresh, odd: used if one is drawn */
	enum quorum_hook_result fence;	/* fence-hook finished since last step */
};

enum quorum_action_type {
	QUORUM_ACT_PERSIST,		/* state file := state; first */
	QUORUM_ACT_SEND_REQUEST,	/* PROMOTE_REQUEST @record to @to */
	QUORUM_ACT_SEND_HEARTBEATS,	/* a record changed: send at once */
	QUORUM_ACT_DISCONNECT,		/* DISCONNECT the kernel's peer link */
	QUORUM_ACT_RUN_FENCE_HOOK,
	QUORUM_ACT_SET_PRIMARY,		/* SET_ROLE primary, GENERATION */
	QUORUM_ACT_SET_SECONDARY,
	QUORUM_ACT_LEASE,		/* QUORUM LEASE until (0: none), gen, term */
	QUORUM_ACT_FAIL_HELD,		/* QUORUM FAIL_HELD */
	QUORUM_ACT_UNFENCE,		/* QUORUM DISABLE: two-node, peer fenced */
	QUORUM_ACT_RUN_PROMOTE_HOOK,
	QUORUM_ACT_RUN_DEPOSED_HOOK,
	QUORUM_ACT_LOG,			/* @priority (syslog), @text */
};

struct quorum_action {
	enum quorum_action_type type;
	struct sm_qstate state;		/* PERSIST: the new state */
	struct sm_qstate previous;	/* PERSIST: what it replaces */
	uint32_t to;			/* SEND_REQUEST */
	struct sm_hb_record record;	/* SEND_REQUEST */
	uint64_t generation;		/* SET_PRIMARY, LEASE */
	long long until;		/* LEASE: ms of CLOCK_MONOTONIC, 0 none */
	uint64_t term;			/* LEASE */
	uint32_t policy;		/* LEASE */
	int priority;			/* LOG */
	char text[256];			/* LOG */
};

#define QUORUM_MAX_ACTIONS	24

struct quorum_actions {
	unsigned int count;
	struct quorum_action action[QUORUM_MAX_ACTIONS];
};

struct quorum_lease {
	long long until;		/* ms; 0 none */
	uint64_t generation;		/* the primary_gen the voter granted */
};

struct quorum_node {
	char name[128];			/* the volume, for logs */
	struct quorum_vote_state vote;	/* as a voter: member[0] us, [1] peer */
	uint32_t peer;
	uint32_t witness;		/* SM_HB_NO_MEMBER: two-node mode */
	struct quorum_timing timing;
	struct quorum_volume_config cfg;

	enum quorum_node_state state;
	long long state_since;
	struct quorum_kernel kernel;	/* as of the last step */
	bool armed;			/* LEASE 0 sent since the volume came up */
	/*
	 * Two-node mode: the fence-hook fenced the peer and we promoted;
	 * writes go without the kernel's fence until the peer grants a lease.
	 */
	bool peer_fenced;

	struct quorum_member witness_view;	/* what the witness tells us */
	struct quorum_lease lease[2];		/* from the peer, the witness */
	bool lease_sent;
	long long lease_sent_until;
	uint64_t lease_sent_gen;
	uint64_t primary_base_term;	/* our term when the kernel became primary */

	bool requesting;		/* a PROMOTE_REQUEST is unanswered */
	bool manual;			/* ... for a promotion we did not make */
	uint32_t request_to;
	uint64_t request_term, request_gen;
	long long request_deadline;
	bool reply_valid;		/* quorum_node_reply() since last step */
	uint32_t reply_result;
	struct sm_hb_record reply_record;

	long long next_attempt;		/* no candidacy (or manual retry) before */
	long long last_demote;		/* DEPOSED: last SET_ROLE secondary */
	long long peer_last_heard_at_loss;	/* for the "promoted" log line */
	uint64_t request_lineage;	/* the current_uuid it asked with */
	char last_refusal[160];		/* rate-limited "not promoting" lines */
	bool last_refusal_loud;
	long long last_refusal_log;
};

/*
 * A data node's machine for volume @name (@uuid), this node @self, its
 * peer @peer, the cluster's @witness (SM_HB_NO_MEMBER for none), starting
 * from the persisted @state (@damaged: the file was refused).
 */
void quorum_node_init(struct quorum_node *n, const char *name,
		      const uint8_t uuid[16], uint32_t self, uint32_t peer,
		      uint32_t witness, const struct quorum_timing *timing,
		      const struct quorum_volume_config *cfg,
		      const struct sm_qstate *state, bool damaged,
		      long long now);

/*
 * The agent (re)started and found the volume primary with its kernel fence
 * disabled: in two-node mode with our term recorded, the unfenced primary
 * after a fence-hook (keep it so; no "until 0"); otherwise nothing.
 */
void quorum_node_found_unfenced(struct quorum_node *n);

/* Any message from member @from. */
void quorum_node_heard(struct quorum_node *n, uint32_t from, long long now);
/*
 * A heartbeat of @from carried @record for the volume (NULL: it did not);
 * @send_time is when we sent the message its echo_seq names (0 unknown).
 */
void quorum_node_heartbeat(struct quorum_node *n, uint32_t from,
			   const struct sm_hb_record *record,
			   long long send_time, long long now);
/* A PROMOTE_REPLY of @from; acted on at the next step. */
void quorum_node_reply(struct quorum_node *n, uint32_t from, uint32_t result,
		       const struct sm_hb_record *record);

/* Decide, at @in->now: fills @out with what to do, in order. */
void quorum_node_step(struct quorum_node *n,
		      const struct quorum_node_input *in,
		      struct quorum_actions *out);

/* @a (from the last step) failed: undo what the machine assumed. */
void quorum_node_failed(struct quorum_node *n, const struct quorum_action *a,
			long long now, struct quorum_actions *out);

/* Our record for @recipient (witness or peer). */
void quorum_node_record(const struct quorum_node *n, uint32_t recipient,
			long long now, struct sm_hb_record *out);

/* The deadline the leases give us at our current generation (ms, 0 none). */
long long quorum_node_deadline(const struct quorum_node *n);

const char *quorum_node_state_name(enum quorum_node_state state);
const char *quorum_action_name(enum quorum_action_type type);

#endif
