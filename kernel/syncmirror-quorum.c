// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirror quorum fence.
 *
 * The kernel knows nothing of voters or terms: the agent (syncmirrord)
 * gives it a lease, "until this CLOCK_MONOTONIC deadline you may complete
 * writes in generation G".  Armed, the fence decides at the one place
 * where a write completes without the peer's acknowledgment (the bitmap
 * says the peer lacks it): only a valid lease for the current generation
 * lets it complete; otherwise it is held (policy suspend) or failed with
 * -EIO (policy error).  Without a valid lease, new bios are held or
 * failed before they reach the disk.  Checked when it matters, not by the
 * timer: a late timer cannot lengthen a lease.  The timer only reports.
 *
 * A generation drawn while armed is pending (on disk too) until a lease
 * names it: no write completes in it before the voters recorded it, and a
 * pending generation is reverted when the lease is lost, before a hello,
 * and at load, so a node never claims a generation it wrote nothing in.
 */

#include <linux/device-mapper.h>
#include <linux/netlink.h>
#include <kunit/visibility.h>

#include "syncmirror-quorum.h"
#include "syncmirror-replication.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

static struct syncmirror_quorum *q_of(struct syncmirror_volume *vol)
{
	return &vol->quorum;
}

static const char *policy_name(u32 policy)
{
	return policy == SYNCMIRROR_QUORUM_POLICY_ERROR ? "error" : "suspend";
}

static void quorum_timer(struct timer_list *t)
{
	struct syncmirror_quorum *q = from_timer(q, t, timer);

	queue_work(syncmirror_wq, &q->work);
}

/*
 * Must be called with q->lock held, and before a new lease replaces
 * q->until: a fence leaving HAVE stopped completing writes when its lease
 * ran out (lease_running()), which may be before this call.  The time is
 * what the event log shows (Documentation/syncmirror.rst, "Quorum fence").
 */
static void enter(struct syncmirror_quorum *q, int state)
{
	ktime_t now = ktime_get(), end = now;

	lockdep_assert_held(&q->lock);
	if (q->state == state)
		return;
	if (q->state == SYNCMIRROR_QUORUM_HAVE && ktime_before(q->until, now))
		end = q->until;
	q->state = state;
	q->since = ktime_get_real_ns() - ktime_to_ns(ktime_sub(now, end));
	q->changes++;
}

/*
 * May a write the peer lacks complete now?  Armed: a lease not expired
 * for the generation this copy is in, recorded (not pending).  Must be
 * called with q->lock held.
 */
static bool lease_valid(struct syncmirror_volume *vol)
{
	struct syncmirror_quorum *q = q_of(vol);

	lockdep_assert_held(&q->lock);
	if (q->state != SYNCMIRROR_QUORUM_HAVE)
		return false;
	if (ktime_before(ktime_get(), q->until) &&
	    q->gen == READ_ONCE(vol->md_info.current_uuid) &&
	    !READ_ONCE(vol->md_info.gen_pending))
		return true;
	return false;
}

bool syncmirror_quorum_armed(struct syncmirror_volume *vol)
{
	return READ_ONCE(q_of(vol)->state) != SYNCMIRROR_QUORUM_NONE;
}

unsigned int syncmirror_quorum_held(struct syncmirror_volume *vol)
{
	return READ_ONCE(q_of(vol)->held);
}

/*
 * What happens to a new bio (read or write) in fence state @state (an
 * expired lease already counted as LOST): without a valid lease the copy
 * may be older than a new primary's, so reads wait too.  Held under policy
 * suspend, failed under policy error, while dm suspends the volume, and
 * after FAIL_HELD.  Pure.
 */
enum syncmirror_quorum_verdict
syncmirror_quorum_bio_verdict(int state, u32 policy, bool suspending)
{
	switch (state) {
	case SYNCMIRROR_QUORUM_FAILING:
		return SYNCMIRROR_QUORUM_FAIL;
	case SYNCMIRROR_QUORUM_LOST:
		return policy == SYNCMIRROR_QUORUM_POLICY_ERROR || suspending ?
		       SYNCMIRROR_QUORUM_FAIL : SYNCMIRROR_QUORUM_HOLD;
	default:
		return SYNCMIRROR_QUORUM_GO;
	}
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_quorum_bio_verdict);

/*
 * The map function's check.  Returns DM_MAPIO_REMAPPED when the bio may
 * go on, DM_MAPIO_SUBMITTED when it is held, DM_MAPIO_KILL to fail it.
 */
int syncmirror_quorum_map(struct syncmirror_volume *vol, struct bio *bio)
{
	struct syncmirror_quorum *q = q_of(vol);
	unsigned long flags;
	int r = DM_MAPIO_REMAPPED;

	if (READ_ONCE(q->state) == SYNCMIRROR_QUORUM_NONE)
		return r;
	spin_lock_irqsave(&q->lock, flags);
	if (q->state == SYNCMIRROR_QUORUM_HAVE &&
	    !ktime_before(ktime_get(), q->until)) {
		enter(q, SYNCMIRROR_QUORUM_LOST);
		queue_work(syncmirror_wq, &q->work);
	}
	switch (syncmirror_quorum_bio_verdict(q->state, q->policy,
					      q->suspending)) {
	case SYNCMIRROR_QUORUM_FAIL:
		r = DM_MAPIO_KILL;
		break;
	case SYNCMIRROR_QUORUM_HOLD:
		bio_list_add(&q->held_bios, bio);
		q->held++;
		r = DM_MAPIO_SUBMITTED;
		break;
	default:
		break;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (r == DM_MAPIO_KILL)
		DMERR_LIMIT("%s: I/O failed: no quorum", vol->name);
	return r;
}

/* The lease's time is not up.  Must be called with q->lock held. */
static bool lease_running(struct syncmirror_quorum *q)
{
	return q->state == SYNCMIRROR_QUORUM_HAVE &&
	       ktime_before(ktime_get(), q->until);
}

/*
 * A write the peer lacks, its bits on disk, is about to complete: may it?
 *
 *  - the local disk is gone: fail (its only copy was on it);
 *  - its generation was reverted since its bits were recorded: mark again
 *    (a new generation is drawn);
 *  - FAIL_HELD, or dm suspends the volume: fail;
 *  - no generation pending and unfenced, or a valid lease for this
 *    generation: complete;
 *  - policy error and no lease running: fail;
 *  - otherwise (no lease under policy suspend, or a lease that only lacks
 *    the new generation, whatever the policy): hold until a lease names
 *    it.  Unfenced with a generation pending, the work item confirms it.
 *
 * Pure.
 */
enum syncmirror_quorum_verdict
syncmirror_quorum_write_verdict(const struct syncmirror_quorum_facts *f)
{
	if (f->diskless)
		return SYNCMIRROR_QUORUM_FAIL;
	if (!f->generation_started)
		return SYNCMIRROR_QUORUM_AGAIN;
	if (f->state == SYNCMIRROR_QUORUM_FAILING || f->suspending)
		return SYNCMIRROR_QUORUM_FAIL;
	if (!f->gen_pending &&
	    (f->state == SYNCMIRROR_QUORUM_NONE || f->lease_valid))
		return SYNCMIRROR_QUORUM_GO;
	if (f->policy == SYNCMIRROR_QUORUM_POLICY_ERROR &&
	    f->state != SYNCMIRROR_QUORUM_NONE && !f->lease_running)
		return SYNCMIRROR_QUORUM_FAIL;
	return SYNCMIRROR_QUORUM_HOLD;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_quorum_write_verdict);

/*
 * Decide a write the peer lacks (syncmirror_quorum_write_verdict()) under
 * the fence's lock, against the generation state that change_superblock()
 * publishes under the same lock, so that no revert or confirm falls
 * between the check and the decision.  Any context.
 */
void syncmirror_quorum_complete(struct syncmirror_volume *vol,
				struct list_head *entry)
{
	struct syncmirror_quorum *q = q_of(vol);
	struct syncmirror_quorum_facts f;
	enum syncmirror_quorum_verdict verdict;
	unsigned long flags;
	bool kick = false;

	spin_lock_irqsave(&q->lock, flags);
	f.state = q->state;
	f.policy = q->policy;
	f.suspending = q->suspending;
	f.diskless = READ_ONCE(vol->diskless);
	f.generation_started = READ_ONCE(vol->generation_started);
	f.gen_pending = vol->md_info.gen_pending;
	f.lease_valid = lease_valid(vol);
	f.lease_running = lease_running(q);
	verdict = syncmirror_quorum_write_verdict(&f);
	if (verdict == SYNCMIRROR_QUORUM_HOLD) {
		list_add_tail(entry, &q->held_writes);
		kick = !q->held++ || q->state == SYNCMIRROR_QUORUM_NONE;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (kick)
		queue_work(syncmirror_wq, &q->work);
	switch (verdict) {
	case SYNCMIRROR_QUORUM_AGAIN:
		syncmirror_volume_wait_bitmap(vol, entry, 0);
		break;
	case SYNCMIRROR_QUORUM_GO:
		syncmirror_replication_bitmap_done(entry, 0);
		break;
	case SYNCMIRROR_QUORUM_FAIL:
		syncmirror_replication_bitmap_done(entry, -EIO);
		break;
	case SYNCMIRROR_QUORUM_HOLD:
		break;
	}
}

/* Take the held bios and, if @writes, the held writes out of the fence. */
static void take_held(struct syncmirror_quorum *q, struct bio_list *bios,
		      struct list_head *writes)
{
	struct list_head *entry;
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	q->held -= bio_list_size(&q->held_bios);
	bio_list_merge(bios, &q->held_bios);
	bio_list_init(&q->held_bios);
	if (writes) {
		list_splice_init(&q->held_writes, writes);
		list_for_each(entry, writes)
			q->held--;
	}
	spin_unlock_irqrestore(&q->lock, flags);
}

static void fail_lists(struct bio_list *bios, struct list_head *writes)
{
	struct list_head *entry, *next;
	struct bio *bio;

	while ((bio = bio_list_pop(bios)))
		bio_io_error(bio);
	list_for_each_safe(entry, next, writes) {
		list_del_init(entry);
		syncmirror_replication_bitmap_done(entry, -EIO);
	}
}

/*
 * dm suspends the volume: from presuspend to resume nothing may be held,
 * or the suspend would wait for it forever.
 */
void syncmirror_quorum_suspending(struct syncmirror_volume *vol, bool on)
{
	struct syncmirror_quorum *q = q_of(vol);
	unsigned long flags;

	spin_lock_irqsave(&q->lock, flags);
	q->suspending = on;
	spin_unlock_irqrestore(&q->lock, flags);
	if (on)
		syncmirror_quorum_fail_held(vol, "the volume is being suspended");
}

/* Held I/O fails (suspend or reload of the table, deposed primary). */
void syncmirror_quorum_fail_held(struct syncmirror_volume *vol,
				 const char *why)
{
	struct bio_list bios = BIO_EMPTY_LIST;
	LIST_HEAD(writes);

	if (!syncmirror_quorum_held(vol))
		return;
	take_held(q_of(vol), &bios, &writes);
	fail_lists(&bios, &writes);
	DMWARN("%s: held I/O failed: %s", vol->name, why);
	/* The news from the work item: callers may hold the registry lock. */
	queue_work(syncmirror_wq, &q_of(vol)->work);
}

/* Only the held writes (their generation is gone); held bios stay. */
void syncmirror_quorum_fail_held_writes(struct syncmirror_volume *vol,
					const char *why)
{
	struct syncmirror_quorum *q = q_of(vol);
	struct list_head *entry, *next;
	unsigned long flags;
	LIST_HEAD(writes);

	spin_lock_irqsave(&q->lock, flags);
	list_splice_init(&q->held_writes, &writes);
	list_for_each(entry, &writes)
		q->held--;
	spin_unlock_irqrestore(&q->lock, flags);
	if (list_empty(&writes))
		return;
	list_for_each_safe(entry, next, &writes) {
		list_del_init(entry);
		syncmirror_replication_bitmap_done(entry, -EIO);
	}
	DMWARN("%s: held writes failed: %s", vol->name, why);
	queue_work(syncmirror_wq, &q->work);
}

/*
 * Held bios go through the map function of the live table again, in
 * order (it holds them again if the fence still says so).  Held writes,
 * if @writes, go back to the bitmap wait, where a generation is drawn if
 * need be and the fence asked again.
 */
static void release_held(struct syncmirror_volume *vol, bool writes)
{
	struct bio_list bios = BIO_EMPTY_LIST;
	struct list_head *entry, *next;
	struct syncmirror *sm;
	LIST_HEAD(held_writes);
	struct bio *bio;

	take_held(q_of(vol), &bios, writes ? &held_writes : NULL);
	list_for_each_safe(entry, next, &held_writes) {
		list_del_init(entry);
		syncmirror_volume_wait_bitmap(vol, entry, 0);
	}
	if (bio_list_empty(&bios))
		return;
	sm = syncmirror_volume_get_active(vol);
	while ((bio = bio_list_pop(&bios))) {
		if (!sm) {
			bio_io_error(bio);
			continue;
		}
		switch (syncmirror_map_bio(sm, bio)) {
		case DM_MAPIO_REMAPPED:
			submit_bio_noacct(bio);
			break;
		case DM_MAPIO_KILL:
			bio_io_error(bio);
			break;
		default:
			break;
		}
	}
	if (sm)
		syncmirror_volume_put_active(vol, sm);
}

static const char no_record[] =
	"cannot record the generation in the superblock";

/*
 * Process context: a lease ran out (revert a pending generation, say so),
 * writes started waiting, or a new lease came (clear a pending flag that
 * it names, release what is held).
 */
static void quorum_work(struct work_struct *work)
{
	struct syncmirror_quorum *q = container_of(work,
						   struct syncmirror_quorum,
						   work);
	struct syncmirror_volume *vol = container_of(q, struct syncmirror_volume,
						     quorum);
	bool news, held_news, writes, lost = false;
	unsigned long flags;
	unsigned int held;
	int state;
	u64 gen;

	spin_lock_irqsave(&q->lock, flags);
	if (q->state == SYNCMIRROR_QUORUM_HAVE &&
	    !ktime_before(ktime_get(), q->until))
		enter(q, SYNCMIRROR_QUORUM_LOST);
	state = q->state;
	news = q->reported != q->changes;
	q->reported = q->changes;
	spin_unlock_irqrestore(&q->lock, flags);

	if (state == SYNCMIRROR_QUORUM_LOST) {
		lost = true;
		syncmirror_volume_revert_pending(vol, "quorum lost");
		/* Under error nothing waits without a lease. */
		if (q->policy == SYNCMIRROR_QUORUM_POLICY_ERROR)
			syncmirror_quorum_fail_held(vol, "no quorum");
	} else if (state == SYNCMIRROR_QUORUM_HAVE) {
		spin_lock_irqsave(&q->lock, flags);
		gen = q->gen;
		spin_unlock_irqrestore(&q->lock, flags);
		/* The lease names the generation (if pending, it is recorded). */
		writes = gen == READ_ONCE(vol->md_info.current_uuid);
		if (writes && syncmirror_volume_confirm_pending(vol, gen)) {
			writes = false;
			syncmirror_quorum_fail_held_writes(vol, no_record);
		}
		release_held(vol, writes);
	} else if (state == SYNCMIRROR_QUORUM_FAILING) {
		syncmirror_quorum_fail_held(vol, "deposed");
	} else if (state == SYNCMIRROR_QUORUM_NONE) {
		/* Unfenced, writes complete in the generation: it is claimed. */
		gen = READ_ONCE(vol->md_info.current_uuid);
		writes = !syncmirror_volume_confirm_pending(vol, gen);
		if (!writes)
			syncmirror_quorum_fail_held_writes(vol, no_record);
		release_held(vol, writes);
	}
	held = syncmirror_quorum_held(vol);
	if (news) {
		if (lost)
			DMWARN("%s: quorum lost: %s I/O", vol->name,
			       policy_name(q->policy));
		else if (state == SYNCMIRROR_QUORUM_HAVE)
			DMINFO("%s: quorum regained", vol->name);
		else if (state == SYNCMIRROR_QUORUM_FAILING)
			DMWARN("%s: deposed: all I/O fails", vol->name);
	}
	/* Held I/O is news too: the agent waits for it to be recorded. */
	held_news = !!held != !!q->reported_held;
	q->reported_held = held;
	if (news || held_news)
		syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_QUORUM);
}

void syncmirror_quorum_init(struct syncmirror_volume *vol)
{
	struct syncmirror_quorum *q = q_of(vol);

	spin_lock_init(&q->lock);
	bio_list_init(&q->held_bios);
	INIT_LIST_HEAD(&q->held_writes);
	timer_setup(&q->timer, quorum_timer, 0);
	INIT_WORK(&q->work, quorum_work);
}

/* The volume goes: nothing is held (the device is closed), stop the rest. */
void syncmirror_quorum_exit(struct syncmirror_volume *vol)
{
	struct syncmirror_quorum *q = q_of(vol);

	del_timer_sync(&q->timer);
	cancel_work_sync(&q->work);
	/* Nothing is held: held I/O keeps the device open. */
	WARN_ON_ONCE(q->held);
}

/* QUORUM command.  Must be called with the registry lock held. */
int syncmirror_quorum_control(struct syncmirror_volume *vol, u32 action,
			      u32 policy, u64 until_ns, u64 gen, u64 term,
			      struct netlink_ext_ack *extack)
{
	struct syncmirror_quorum *q = q_of(vol);
	unsigned long flags;
	ktime_t until = ns_to_ktime(min_t(u64, until_ns, KTIME_MAX));
	s64 left;

	switch (action) {
	case SYNCMIRROR_QUORUM_LEASE:
		if (policy != SYNCMIRROR_QUORUM_POLICY_SUSPEND &&
		    policy != SYNCMIRROR_QUORUM_POLICY_ERROR) {
			NL_SET_ERR_MSG(extack, "a lease needs a policy: suspend or error");
			return -EINVAL;
		}
		spin_lock_irqsave(&q->lock, flags);
		q->policy = policy;
		q->term = term;
		q->gen = gen;
		enter(q, until_ns && ktime_before(ktime_get(), until) ?
			 SYNCMIRROR_QUORUM_HAVE : SYNCMIRROR_QUORUM_LOST);
		/* The agent's word: the latest grant any voter gave. */
		q->until = until;
		left = ktime_ms_delta(q->until, ktime_get());
		spin_unlock_irqrestore(&q->lock, flags);
		if (left > 0)
			mod_timer(&q->timer, jiffies +
				  msecs_to_jiffies(min_t(s64, left, INT_MAX)) + 1);
		break;
	case SYNCMIRROR_QUORUM_DISABLE:
		spin_lock_irqsave(&q->lock, flags);
		enter(q, SYNCMIRROR_QUORUM_NONE);
		q->until = 0;
		spin_unlock_irqrestore(&q->lock, flags);
		del_timer(&q->timer);
		DMWARN("%s: quorum fence disabled", vol->name);
		break;
	case SYNCMIRROR_QUORUM_FAIL_HELD:
		/* The work item fails what is held; new I/O fails from now. */
		spin_lock_irqsave(&q->lock, flags);
		enter(q, SYNCMIRROR_QUORUM_FAILING);
		spin_unlock_irqrestore(&q->lock, flags);
		break;
	default:
		NL_SET_ERR_MSG(extack, "unknown quorum action");
		return -EINVAL;
	}
	queue_work(syncmirror_wq, &q->work);
	return 0;
}

void syncmirror_quorum_get_status(struct syncmirror_volume *vol,
				  struct syncmirror_quorum_status *st)
{
	struct syncmirror_quorum *q = q_of(vol);
	unsigned long flags;
	s64 left;

	spin_lock_irqsave(&q->lock, flags);
	st->state = q->state;
	st->policy = q->policy;
	left = q->state == SYNCMIRROR_QUORUM_HAVE ?
	       ktime_ms_delta(q->until, ktime_get()) : 0;
	st->remaining_ms = clamp_t(s64, left, 0, U32_MAX);
	st->gen = q->gen;
	st->term = q->term;
	st->held = q->held;
	st->since = q->since;
	st->changes = q->changes;
	spin_unlock_irqrestore(&q->lock, flags);
}
