// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registry of syncmirror volumes: role and peer link per mapped device.
 *
 * A table reload constructs a new target before the old one goes, so this
 * state cannot live in the target: it lives here, one entry per mapped
 * device, counted by the tables that use it.  volumes_lock is taken by the
 * control plane (constructor, destructor, netlink) and by a connection
 * thread announcing a state change; nothing on the I/O path takes it.
 *
 * The volume also records whether the copies have diverged: a write that
 * completes without the peer's ACK completes only once the superblock
 * says so, so that no reconnect, however soon, calls the copies in sync.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "syncmirror-connection.h"
#include "syncmirror-netlink.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

/* Protects the volumes list and every volume's fields but @role's reads. */
static DEFINE_MUTEX(volumes_lock);
static LIST_HEAD(volumes);

void syncmirror_volumes_lock(void)
{
	mutex_lock(&volumes_lock);
}

void syncmirror_volumes_unlock(void)
{
	mutex_unlock(&volumes_lock);
}

/*
 * The volume's device-mapper name.  dm keeps it in its hash table (it can
 * change with dmsetup rename), so ask dm and remember the answer.  Must be
 * called with volumes_lock held.
 */
const char *syncmirror_volume_name(struct syncmirror_volume *vol)
{
	char name[DM_NAME_LEN];

	lockdep_assert_held(&volumes_lock);
	/* Without tables the mapped device may already be gone. */
	if (vol->tables && !dm_copy_name_and_uuid(vol->md, name, NULL))
		strscpy(vol->name, name, sizeof(vol->name));
	return vol->name;
}

/* Openers of the mapped device (6.1 cannot tell writers from readers). */
u32 syncmirror_volume_open_count(const struct syncmirror_volume *vol)
{
	if (!vol->tables)
		return 0;
	return atomic_read(&dm_disk(vol->md)->part0->bd_openers);
}

static struct syncmirror_volume *find_by_md(struct mapped_device *md)
{
	struct syncmirror_volume *vol;

	lockdep_assert_held(&volumes_lock);
	list_for_each_entry(vol, &volumes, list)
		if (vol->md == md)
			return vol;
	return NULL;
}

/*
 * The volume dm currently knows as @name.  A volume whose device is being
 * removed (dm has dropped its name already) is never found, even if a new
 * device of the same name exists.  Must be called with volumes_lock held.
 */
struct syncmirror_volume *syncmirror_volume_find(const char *name)
{
	struct syncmirror_volume *vol;
	char current_name[DM_NAME_LEN];

	lockdep_assert_held(&volumes_lock);
	list_for_each_entry(vol, &volumes, list) {
		if (dm_copy_name_and_uuid(vol->md, current_name, NULL))
			continue;
		strscpy(vol->name, current_name, sizeof(vol->name));
		if (!strcmp(current_name, name))
			return vol;
	}
	return NULL;
}

/* The @n-th volume (from 0), for netlink dumps; volumes_lock held. */
struct syncmirror_volume *syncmirror_volume_nth(unsigned long n)
{
	struct syncmirror_volume *vol;

	lockdep_assert_held(&volumes_lock);
	list_for_each_entry(vol, &volumes, list)
		if (!n--)
			return vol;
	return NULL;
}

static void write_diverged(struct work_struct *work);
static void refuse_link(struct work_struct *work);

/*
 * Join the volume of @md, creating it (as secondary) for its first table.
 * A new table must carry the same volume as the tables before it.
 */
struct syncmirror_volume *syncmirror_volume_get(struct mapped_device *md,
						const struct syncmirror_md *md_info,
						char **error)
{
	struct syncmirror_volume *vol;

	mutex_lock(&volumes_lock);
	vol = find_by_md(md);
	if (vol) {
		/*
		 * What the volume tells its peer and its operator must not
		 * depend on which table was loaded last, so a reload has to
		 * describe the same volume, node and size.
		 */
		if (!uuid_equal(&vol->md_info.volume_uuid,
				&md_info->volume_uuid)) {
			mutex_unlock(&volumes_lock);
			*error = "Superblock belongs to another volume than the loaded table";
			return ERR_PTR(-EINVAL);
		}
		if (vol->md_info.node_id != md_info->node_id ||
		    vol->md_info.data_sectors != md_info->data_sectors) {
			mutex_unlock(&volumes_lock);
			*error = "Superblock node id or data size differs from the loaded table";
			return ERR_PTR(-EINVAL);
		}
		vol->tables++;
		mutex_unlock(&volumes_lock);
		return vol;
	}

	vol = kzalloc(sizeof(*vol), GFP_KERNEL);
	if (!vol) {
		mutex_unlock(&volumes_lock);
		*error = "Cannot allocate volume";
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&vol->kref);
	vol->md = md;
	vol->tables = 1;
	vol->role = SYNCMIRROR_ROLE_SECONDARY;
	vol->md_info = *md_info;
	spin_lock_init(&vol->active_lock);
	mutex_init(&vol->sb_lock);
	spin_lock_init(&vol->diverged_lock);
	bio_list_init(&vol->diverged_waiters);
	INIT_WORK(&vol->diverged_work, write_diverged);
	INIT_WORK(&vol->refuse_work, refuse_link);
	atomic64_set(&vol->replicated_writes, 0);
	atomic64_set(&vol->local_only_writes, 0);
	/*
	 * A superblock still marked primary was not demoted or removed
	 * cleanly: the node crashed as primary, with writes in flight that
	 * may be on one copy only.
	 */
	vol->diverged_on_disk = md_info->diverged;
	vol->diverged = md_info->diverged || md_info->primary;
	if (vol->diverged) {
		vol->diverged_since = ktime_get_real_seconds();
		DMWARN("%s: the copies may differ (%s): connecting needs a resync",
		       syncmirror_volume_name(vol), md_info->diverged ?
		       "diverged before" : "crashed as primary");
	}
	syncmirror_volume_name(vol);
	list_add_tail(&vol->list, &volumes);
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_VOLUME_UP,
				  SYNCMIRROR_ACTOR_DM);
	mutex_unlock(&volumes_lock);
	return vol;
}

static void volume_release(struct kref *kref)
{
	kfree(container_of(kref, struct syncmirror_volume, kref));
}

/* Stop a link taken off its volume, and drop the link's reference. */
static void stop_connection(struct syncmirror_volume *vol,
			    struct syncmirror_connection *conn)
{
	syncmirror_connection_stop(conn);
	kref_put(&vol->kref, volume_release);
}

void syncmirror_volume_put(struct syncmirror_volume *vol)
{
	struct syncmirror_connection *conn;

	mutex_lock(&volumes_lock);
	if (--vol->tables) {
		mutex_unlock(&volumes_lock);
		return;
	}
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_VOLUME_DOWN,
				  SYNCMIRROR_ACTOR_DM);
	list_del(&vol->list);
	conn = rcu_dereference_protected(vol->conn,
					 lockdep_is_held(&volumes_lock));
	RCU_INIT_POINTER(vol->conn, NULL);
	mutex_unlock(&volumes_lock);

	/* Unlocked: the connection thread may be waiting for the lock. */
	if (conn)
		stop_connection(vol, conn);
	/* Every write is done (dm drained them), but the work may still run. */
	flush_work(&vol->diverged_work);
	flush_work(&vol->refuse_work);
	kref_put(&vol->kref, volume_release);
}

/*
 * Announce @event for @vol to the events group, unless the volume is gone
 * already (its "down" event was the last word on it).
 */
void syncmirror_volume_notify(struct syncmirror_volume *vol, int event)
{
	mutex_lock(&volumes_lock);
	if (vol->tables)
		syncmirror_netlink_notify(vol, event, SYNCMIRROR_ACTOR_NONE);
	mutex_unlock(&volumes_lock);
}

/* The peer link; volumes_lock held. */
struct syncmirror_connection *
syncmirror_volume_conn(struct syncmirror_volume *vol)
{
	return rcu_dereference_protected(vol->conn,
					 lockdep_is_held(&volumes_lock));
}

/*
 * Give the volume named @name a peer link over the socket @fd.  An old,
 * finished link is stopped first, so that its requests are swept (and the
 * volume's divergence known) before the new link says hello; a live one
 * must be disconnected first.
 */
int syncmirror_volume_connect(const char *name, int fd,
			      unsigned int ping_timeout_ms,
			      struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn, *old;
	struct syncmirror_volume *vol;
	const char *reason;
	int state, role, r = 0;
	time64_t since;
	u32 peer;

	mutex_lock(&volumes_lock);
	for (;;) {
		vol = syncmirror_volume_find(name);
		if (!vol) {
			NL_SET_ERR_MSG(extack, "no syncmirror volume of that name");
			r = -ENOENT;
			goto out;
		}
		old = syncmirror_volume_conn(vol);
		if (!old)
			break;
		syncmirror_connection_get_state(old, &state, &reason, &peer,
						&role, &since);
		if (state == SYNCMIRROR_CONN_HANDSHAKE ||
		    state == SYNCMIRROR_CONN_CONNECTED) {
			NL_SET_ERR_MSG(extack, "volume already has a peer link");
			r = -EBUSY;
			goto out;
		}
		RCU_INIT_POINTER(vol->conn, NULL);
		mutex_unlock(&volumes_lock);
		/* Unlocked: its threads take the lock to announce news. */
		stop_connection(vol, old);
		mutex_lock(&volumes_lock);
	}

	kref_get(&vol->kref);
	conn = syncmirror_connection_start(vol, fd, ping_timeout_ms, extack);
	if (IS_ERR(conn)) {
		kref_put(&vol->kref, volume_release);
		r = PTR_ERR(conn);
		goto out;
	}
	rcu_assign_pointer(vol->conn, conn);
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_CONNECTION,
				  SYNCMIRROR_CMD_CONNECT);
out:
	mutex_unlock(&volumes_lock);
	return r;
}

int syncmirror_volume_disconnect(const char *name,
				 struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn = NULL;
	struct syncmirror_volume *vol;

	mutex_lock(&volumes_lock);
	vol = syncmirror_volume_find(name);
	if (!vol) {
		mutex_unlock(&volumes_lock);
		NL_SET_ERR_MSG(extack, "no syncmirror volume of that name");
		return -ENOENT;
	}
	conn = syncmirror_volume_conn(vol);
	if (!conn) {
		mutex_unlock(&volumes_lock);
		NL_SET_ERR_MSG(extack, "volume has no peer link");
		return -ENOTCONN;
	}
	RCU_INIT_POINTER(vol->conn, NULL);
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_CONNECTION,
				  SYNCMIRROR_CMD_DISCONNECT);
	mutex_unlock(&volumes_lock);

	/* The link's reference keeps @vol alive until the thread is gone. */
	stop_connection(vol, conn);
	return 0;
}

/*
 * Write the superblock with @primary (or KEEP_ROLE) as the role flag and the divergence
 * as it is now (in memory: a node that crashed as primary knows it before
 * the disk does), through @sm's devices, and record both as on disk.
 */
#define KEEP_ROLE	(-1)

static int write_superblock(struct syncmirror_volume *vol,
			    struct syncmirror *sm, int primary)
{
	struct syncmirror_md md;
	bool diverged;
	int r;

	mutex_lock(&vol->sb_lock);
	if (primary == KEEP_ROLE)
		primary = vol->md_info.primary;
	/* Divergence is only ever set before a write that needs it waits. */
	diverged = syncmirror_volume_diverged(vol);
	md = vol->md_info;
	md.primary = primary;
	md.diverged = diverged;
	r = syncmirror_write_superblock(sm, &md);
	if (!r) {
		vol->md_info.primary = primary;
		vol->md_info.diverged = diverged;
		spin_lock_irq(&vol->diverged_lock);
		vol->diverged_on_disk = diverged;
		spin_unlock_irq(&vol->diverged_lock);
	}
	mutex_unlock(&vol->sb_lock);
	return r;
}

/*
 * Promote or demote.  Promotion is refused while a connected peer is
 * primary; demotion while anyone has the volume open: its I/O would start
 * failing under it.  The superblock records a promotion before the first
 * write can happen, so that a crash as primary is known at the next load.
 * Must be called with volumes_lock held (which keeps the live table).
 */
int syncmirror_volume_set_role(struct syncmirror_volume *vol, int role,
			       struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn = syncmirror_volume_conn(vol);
	struct syncmirror *sm;
	int state, peer_role, r;
	const char *reason;
	time64_t since;
	u32 peer;

	lockdep_assert_held(&volumes_lock);

	if (vol->role == role)
		return 0;
	if (role == SYNCMIRROR_ROLE_SECONDARY &&
	    syncmirror_volume_open_count(vol)) {
		NL_SET_ERR_MSG(extack, "volume is open; close it before demoting");
		return -EBUSY;
	}
	if (role == SYNCMIRROR_ROLE_PRIMARY && conn) {
		syncmirror_connection_get_state(conn, &state, &reason, &peer,
						&peer_role, &since);
		if (state == SYNCMIRROR_CONN_CONNECTED &&
		    peer_role == SYNCMIRROR_ROLE_PRIMARY) {
			NL_SET_ERR_MSG(extack, "the connected peer is primary; demote it first");
			return -EBUSY;
		}
	}

	spin_lock_irq(&vol->active_lock);
	sm = vol->active;
	spin_unlock_irq(&vol->active_lock);
	if (!sm) {
		NL_SET_ERR_MSG(extack, "volume is suspended");
		return -EBUSY;
	}
	r = write_superblock(vol, sm, role == SYNCMIRROR_ROLE_PRIMARY);
	if (r) {
		NL_SET_ERR_MSG(extack, "cannot write the superblock");
		return r;
	}

	/* The map function reads the role without the lock. */
	WRITE_ONCE(vol->role, role);
	DMINFO("%s: role %s", syncmirror_volume_name(vol),
	       role == SYNCMIRROR_ROLE_PRIMARY ? "primary" : "secondary");
	if (conn)
		syncmirror_connection_role_changed(conn);
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_ROLE,
				  SYNCMIRROR_CMD_SET_ROLE);
	return 0;
}

/*
 * The last table of a primary is going (dmsetup remove): every write has
 * completed, so the superblock no longer needs to say "primary".
 */
void syncmirror_volume_shutdown(struct syncmirror_volume *vol,
				struct syncmirror *sm)
{
	mutex_lock(&volumes_lock);
	if (vol->tables == 1 && vol->role == SYNCMIRROR_ROLE_PRIMARY &&
	    write_superblock(vol, sm, false))
		DMERR("%s: cannot record the clean shutdown in the superblock",
		      syncmirror_volume_name(vol));
	mutex_unlock(&volumes_lock);
}

/* The live table changes on resume and postsuspend. */
void syncmirror_volume_set_active(struct syncmirror_volume *vol,
				  struct syncmirror *sm)
{
	spin_lock_irq(&vol->active_lock);
	vol->active = sm;
	spin_unlock_irq(&vol->active_lock);
}

/* @sm stops being live: wait until no peer write uses it. */
void syncmirror_volume_clear_active(struct syncmirror_volume *vol,
				    struct syncmirror *sm)
{
	spin_lock_irq(&vol->active_lock);
	if (vol->active == sm)
		vol->active = NULL;
	/* Under the lock the last put wakes us with: @sm may go after. */
	wait_event_lock_irq(sm->peer_writes_wait, !sm->peer_writes,
			    vol->active_lock);
	spin_unlock_irq(&vol->active_lock);
}

/* A peer write on @sm is done.  Any context. */
void syncmirror_volume_put_active(struct syncmirror_volume *vol,
				  struct syncmirror *sm)
{
	unsigned long flags;

	spin_lock_irqsave(&vol->active_lock, flags);
	if (!--sm->peer_writes)
		wake_up(&sm->peer_writes_wait);
	spin_unlock_irqrestore(&vol->active_lock, flags);
}

/*
 * The live table, for a peer write; it stays live (postsuspend waits)
 * until the write drops sm->peer_writes.  NULL while suspended.
 */
struct syncmirror *syncmirror_volume_get_active(struct syncmirror_volume *vol)
{
	struct syncmirror *sm;

	spin_lock_irq(&vol->active_lock);
	sm = vol->active;
	if (sm)
		sm->peer_writes++;
	spin_unlock_irq(&vol->active_lock);
	return sm;
}

bool syncmirror_volume_diverged(struct syncmirror_volume *vol)
{
	unsigned long flags;
	bool diverged;

	spin_lock_irqsave(&vol->diverged_lock, flags);
	diverged = vol->diverged;
	spin_unlock_irqrestore(&vol->diverged_lock, flags);
	return diverged;
}

void syncmirror_volume_get_diverged(struct syncmirror_volume *vol,
				    bool *diverged, time64_t *since)
{
	spin_lock_irq(&vol->diverged_lock);
	*diverged = vol->diverged;
	*since = vol->diverged_since;
	spin_unlock_irq(&vol->diverged_lock);
}

/* Record the divergence on disk, then complete the writes that wait. */
static void write_diverged(struct work_struct *work)
{
	struct syncmirror_volume *vol = container_of(work,
						     struct syncmirror_volume,
						     diverged_work);
	struct bio_list waiters;
	struct syncmirror *sm;
	unsigned int noio;
	bool on_disk;
	struct bio *bio;
	int r = 0;

	spin_lock_irq(&vol->diverged_lock);
	waiters = vol->diverged_waiters;
	bio_list_init(&vol->diverged_waiters);
	on_disk = vol->diverged_on_disk;
	spin_unlock_irq(&vol->diverged_lock);
	if (bio_list_empty(&waiters))
		return;

	/* Writes wait on this: no reclaim may recurse into their device. */
	noio = memalloc_noio_save();
	if (!on_disk) {
		/* Live: the waiting writes keep dm from suspending it. */
		spin_lock_irq(&vol->active_lock);
		sm = vol->active;
		spin_unlock_irq(&vol->active_lock);
		r = sm ? write_superblock(vol, sm, KEEP_ROLE) : -ENODEV;
		if (r)
			DMERR("%s: cannot record in the superblock that the copies diverged: %d",
			      vol->name, r);
		else
			DMWARN("%s: the copies diverged: the peer lacks writes",
			       vol->name);
	}

	/* A write whose divergence is not on record must not look done. */
	while ((bio = bio_list_pop(&waiters))) {
		if (r)
			bio->bi_status = BLK_STS_IOERR;
		bio_endio(bio);
	}
	memalloc_noio_restore(noio);

	/* News last: the registry lock is no place for writes to wait. */
	if (!on_disk && !r)
		syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_DISK);
}

/*
 * The copies just diverged: a link that is up (or saying hello) would
 * call them consistent.  End it; syncmirrord's next attempt is refused at
 * the hello.
 */
static void refuse_link(struct work_struct *work)
{
	struct syncmirror_volume *vol = container_of(work,
						     struct syncmirror_volume,
						     refuse_work);
	struct syncmirror_connection *conn;

	/* A published link is not stopped (freed) while the lock is held. */
	mutex_lock(&volumes_lock);
	conn = syncmirror_volume_conn(vol);
	if (conn)
		syncmirror_connection_refuse(conn,
					     SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED);
	mutex_unlock(&volumes_lock);
}

/*
 * The copies may differ from now on (a write's peer half is lost).  Set at
 * once, in memory, so that no hello from now on says otherwise; written to
 * disk before such a write completes (syncmirror_volume_complete_diverged).
 * Any context.
 */
void syncmirror_volume_mark_diverged(struct syncmirror_volume *vol)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&vol->diverged_lock, flags);
	first = !vol->diverged;
	if (first) {
		vol->diverged = true;
		vol->diverged_since = ktime_get_real_seconds();
	}
	spin_unlock_irqrestore(&vol->diverged_lock, flags);
	if (first)
		queue_work(syncmirror_wq, &vol->refuse_work);
}

/*
 * Complete @bio, a write the peer lacks, once the divergence is on disk.
 * Any context.
 */
void syncmirror_volume_complete_diverged(struct syncmirror_volume *vol,
					 struct bio *bio)
{
	unsigned long flags;

	syncmirror_volume_mark_diverged(vol);
	spin_lock_irqsave(&vol->diverged_lock, flags);
	if (vol->diverged_on_disk) {
		spin_unlock_irqrestore(&vol->diverged_lock, flags);
		bio_endio(bio);
		return;
	}
	bio_list_add(&vol->diverged_waiters, bio);
	spin_unlock_irqrestore(&vol->diverged_lock, flags);
	queue_work(syncmirror_wq, &vol->diverged_work);
}
