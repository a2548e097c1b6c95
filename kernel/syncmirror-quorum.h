/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syncmirror quorum fence: with a lease armed by the agent, a write the
 * peer did not acknowledge completes only while the lease is valid for
 * the current generation (Documentation/syncmirror-failover.rst).
 */
#ifndef SYNCMIRROR_QUORUM_H
#define SYNCMIRROR_QUORUM_H

#include <linux/bio.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/timer.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct netlink_ext_ack;
struct syncmirror;
struct syncmirror_volume;

/**
 * struct syncmirror_quorum - a volume's quorum fence
 * @lock: protects everything below but @timer and @work; taken from bio
 *	completion, so with interrupts off
 * @state: enum syncmirror_quorum_state
 * @policy: enum syncmirror_quorum_policy while armed
 * @until: the lease's CLOCK_MONOTONIC deadline (0: none)
 * @gen: the generation the voters recorded
 * @term: the agent's term, for reporting
 * @since: when @state was entered (CLOCK_REALTIME, ns); leaving HAVE, the
 *	moment the lease ran out if that came first
 * @changes: state changes since the volume was created (an event log that
 *	misses one shows a jump)
 * @held_bios: bios held at the map function while the lease is lost
 * @held_writes: writes the peer lacks, held before completion
 * @held: bios in both lists
 * @suspending: dm is suspending the volume: hold nothing, fail instead
 * @reported: @changes as last announced (an event on every change)
 * @reported_held: @held as last announced (quorum work only)
 * @timer: fires at @until
 * @work: what the timer and a new lease set off, in process context
 */
struct syncmirror_quorum {
	spinlock_t lock;	/* see above */
	int state;
	u32 policy;
	ktime_t until;
	u64 gen;
	u64 term;
	u64 since;
	u64 changes;
	struct bio_list held_bios;
	struct list_head held_writes;
	unsigned int held;
	bool suspending;
	u64 reported;
	unsigned int reported_held;
	struct timer_list timer;
	struct work_struct work;
};

/**
 * struct syncmirror_quorum_status - for GET_VOLUME and events
 * @state: enum syncmirror_quorum_state
 * @policy: enum syncmirror_quorum_policy
 * @remaining_ms: what is left of the lease
 * @gen: the generation of the lease
 * @term: the agent's term
 * @held: bios held
 * @since: when @state was entered (CLOCK_REALTIME, ns)
 * @changes: state changes so far
 */
struct syncmirror_quorum_status {
	int state;
	u32 policy;
	u32 remaining_ms;
	u64 gen;
	u64 term;
	u32 held;
	u64 since;
	u64 changes;
};

/* What the fence does with a bio, or with a write the peer lacks. */
enum syncmirror_quorum_verdict {
	SYNCMIRROR_QUORUM_GO,		/* let it go on (complete) */
	SYNCMIRROR_QUORUM_HOLD,		/* hold it until a lease lets it go */
	SYNCMIRROR_QUORUM_FAIL,		/* fail it with EIO */
	SYNCMIRROR_QUORUM_AGAIN,	/* its generation was reverted: mark again */
};

/**
 * struct syncmirror_quorum_facts - what decides a write the peer lacks
 * @state: enum syncmirror_quorum_state
 * @policy: enum syncmirror_quorum_policy
 * @suspending: dm is suspending the volume
 * @diskless: the local disk is detached
 * @generation_started: the superblock names the generation the write's
 *	bits count from
 * @gen_pending: that generation is not yet recorded by the voters
 * @lease_valid: a lease not expired, for that generation
 * @lease_running: a lease not expired (for any generation)
 */
struct syncmirror_quorum_facts {
	int state;
	u32 policy;
	bool suspending;
	bool diskless;
	bool generation_started;
	bool gen_pending;
	bool lease_valid;
	bool lease_running;
};

enum syncmirror_quorum_verdict
syncmirror_quorum_bio_verdict(int state, u32 policy, bool suspending);
enum syncmirror_quorum_verdict
syncmirror_quorum_write_verdict(const struct syncmirror_quorum_facts *f);

void syncmirror_quorum_init(struct syncmirror_volume *vol);
void syncmirror_quorum_exit(struct syncmirror_volume *vol);
bool syncmirror_quorum_armed(struct syncmirror_volume *vol);
int syncmirror_quorum_map(struct syncmirror_volume *vol, struct bio *bio);
void syncmirror_quorum_complete(struct syncmirror_volume *vol,
				struct list_head *entry);
void syncmirror_quorum_fail_held(struct syncmirror_volume *vol,
				 const char *why);
void syncmirror_quorum_fail_held_writes(struct syncmirror_volume *vol,
					const char *why);
unsigned int syncmirror_quorum_held(struct syncmirror_volume *vol);
void syncmirror_quorum_suspending(struct syncmirror_volume *vol, bool on);
int syncmirror_quorum_control(struct syncmirror_volume *vol, u32 action,
			      u32 policy, u64 until_ns, u64 gen, u64 term,
			      struct netlink_ext_ack *extack);
void syncmirror_quorum_get_status(struct syncmirror_volume *vol,
				  struct syncmirror_quorum_status *st);

#endif /* SYNCMIRROR_QUORUM_H */
