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
 * The volume also owns what must outlive a table reload: the peer's dirty
 * bitmap and the activity log (loaded by the first table), and the resync.
 * A write that completes without the peer's ACK completes only once its
 * bits are on disk, so that no reconnect, however soon, misses it.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "syncmirror-connection.h"
#include "syncmirror-netlink.h"
#include "syncmirror-replication.h"
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

static void flush_bitmap_work(struct work_struct *work);
static int write_dirty_blocks(struct syncmirror_volume *vol,
			      struct syncmirror *sm);
static void refuse_link(struct work_struct *work);
static void announce_detach(struct work_struct *work);

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
	spin_lock_init(&vol->wait_lock);
	INIT_LIST_HEAD(&vol->bm_waiters);
	INIT_LIST_HEAD(&vol->al_waiters);
	INIT_WORK(&vol->bm_work, flush_bitmap_work);
	syncmirror_replication_init_volume(vol);
	INIT_WORK(&vol->refuse_work, refuse_link);
	INIT_WORK(&vol->detach_work, announce_detach);
	atomic64_set(&vol->replicated_writes, 0);
	atomic64_set(&vol->local_only_writes, 0);
	atomic64_set(&vol->epoch, 1);
	syncmirror_resync_init(vol);
	syncmirror_split_brain_init(&vol->split_brain);
	syncmirror_quorum_init(vol);
	syncmirror_volume_name(vol);
	list_add_tail(&vol->list, &volumes);
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_VOLUME_UP,
				  SYNCMIRROR_ACTOR_DM);
	mutex_unlock(&volumes_lock);
	return vol;
}

static void volume_release(struct kref *kref)
{
	struct syncmirror_volume *vol = container_of(kref,
						     struct syncmirror_volume,
						     kref);

	syncmirror_quorum_exit(vol);
	syncmirror_bitmap_exit(&vol->bitmap);
	syncmirror_al_exit(&vol->al);
	kvfree(vol->ext_epoch);
	if (vol->bm_page)
		__free_page(vol->bm_page);
	if (vol->al_page)
		__free_page(vol->al_page);
	kfree(vol);
}

/* Stop a link taken off its volume, and drop the link's reference. */
static void stop_connection(struct syncmirror_volume *vol,
			    struct syncmirror_connection *conn)
{
	syncmirror_connection_stop(conn);
	kref_put(&vol->kref, volume_release);
}

/*
 * @sm's table leaves the volume.  The last one stops the link and the
 * resync, then writes what the bitmap still holds through @sm (whose
 * devices are still open): the marks of the link's end included.
 */
void syncmirror_volume_put(struct syncmirror_volume *vol,
			   struct syncmirror *sm)
{
	struct syncmirror_connection *conn;
	int r;

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
	syncmirror_resync_exit(vol);
	/* Its work may queue bitmap work; nothing is held by now. */
	syncmirror_quorum_exit(vol);
	flush_work(&vol->bm_work);
	flush_work(&vol->al_work);
	flush_work(&vol->refuse_work);
	flush_work(&vol->detach_work);
	if (vol->loaded) {
		mutex_lock(&vol->sb_lock);
		r = write_dirty_blocks(vol, sm);
		mutex_unlock(&vol->sb_lock);
		if (r)
			DMERR("%s: cannot write the bitmap at removal: %d",
			      vol->name, r);
	}
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
 * Does a volume's link use @sk?  Under the volumes lock (CONNECT holds it
 * while it takes a socket over).
 */
bool syncmirror_volume_socket_in_use(const struct sock *sk)
{
	struct syncmirror_connection *conn;
	struct syncmirror_volume *vol;

	lockdep_assert_held(&volumes_lock);
	list_for_each_entry(vol, &volumes, list) {
		conn = syncmirror_volume_conn(vol);
		if (conn && conn->sock->sk == sk)
			return true;
	}
	return false;
}

/*
 * Give the volume named @name a peer link over the socket @fd.  An old,
 * finished link is stopped first, so that its requests are swept (and the
 * volume's divergence known) before the new link says hello; a live one
 * must be disconnected first.
 */
int syncmirror_volume_connect(const char *name, int fd,
			      const struct syncmirror_link_options *opts,
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
		/* The hello tells the bitmap: it must be there. */
		if (!smp_load_acquire(&vol->loaded)) {
			NL_SET_ERR_MSG(extack, "volume is still loading its metadata");
			r = -EAGAIN;
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

	spin_lock(&vol->split_brain.lock);
	vol->split_brain.r.policy = opts->sb_policy;
	spin_unlock(&vol->split_brain.lock);
	kref_get(&vol->kref);
	conn = syncmirror_connection_start(vol, fd, opts, extack);
	if (IS_ERR(conn)) {
		kref_put(&vol->kref, volume_release);
		r = PTR_ERR(conn);
		goto out;
	}
	rcu_assign_pointer(vol->conn, conn);
	syncmirror_connection_go(conn);
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
 * Write vol->md_info changed by @change (with @arg) through @sm's devices;
 * on success the change is what is on disk.  Must be called with sb_lock
 * held.
 */
static int change_superblock(struct syncmirror_volume *vol,
			     struct syncmirror *sm,
			     void (*change)(struct syncmirror_md *md, u64 arg),
			     u64 arg)
{
	struct syncmirror_md md = vol->md_info;
	int r;

	lockdep_assert_held(&vol->sb_lock);
	change(&md, arg);
	/* A detached disk takes no writes: the change lives in memory. */
	r = READ_ONCE(vol->diskless) ? 0 :
	    syncmirror_write_superblock(sm, &md);
	if (!r) {
		unsigned long flags;

		/* The fence decides against these under its lock. */
		spin_lock_irqsave(&vol->quorum.lock, flags);
		vol->md_info = md;
		WRITE_ONCE(vol->generation_started, !!md.peer[0].bitmap_uuid);
		spin_unlock_irqrestore(&vol->quorum.lock, flags);
	}
	return r;
}

/* The same through the live table, for callers outside the I/O path. */
int syncmirror_volume_update_sb(struct syncmirror_volume *vol,
				void (*change)(struct syncmirror_md *md,
					       u64 arg),
				u64 arg)
{
	struct syncmirror *sm = syncmirror_volume_get_active(vol);
	int r;

	if (!sm)
		return -ENODEV;
	mutex_lock(&vol->sb_lock);
	r = change_superblock(vol, sm, change, arg);
	mutex_unlock(&vol->sb_lock);
	syncmirror_volume_put_active(vol, sm);
	return r;
}

static void set_primary(struct syncmirror_md *md, u64 primary)
{
	md->primary = primary;
	if (primary)
		md->promote_time = ktime_get_real_ns();
}

/*
 * A promotion without a connected peer: a generation of its own, so that
 * the peer's copy, when it comes back, is told apart from this one even
 * if nothing is written here (a failover's new primary, a split-brain).
 * The bitmap goes on counting from the generation both last shared.
 */
static void promote_alone(struct syncmirror_md *md, u64 uuid)
{
	if (!md->peer[0].bitmap_uuid)
		md->peer[0].bitmap_uuid = md->current_uuid;
	syncmirror_md_new_generation(md, uuid);
	set_primary(md, true);
}

/* The same under the quorum fence: the voters have not recorded it yet. */
static void promote_alone_pending(struct syncmirror_md *md, u64 uuid)
{
	promote_alone(md, uuid);
	md->gen_pending = true;
}

/* Both act only on the pending generation @gen (checked under sb_lock). */
static void revert_generation(struct syncmirror_md *md, u64 gen)
{
	if (md->gen_pending && md->current_uuid == gen)
		syncmirror_md_revert_generation(md);
}

static void confirm_generation(struct syncmirror_md *md, u64 gen)
{
	if (md->current_uuid == gen)
		md->gen_pending = false;
}

/*
 * @change (@gen) if the superblock still has @gen pending; *@done says
 * whether it had.  Process context.
 */
static int change_if_pending(struct syncmirror_volume *vol,
			     void (*change)(struct syncmirror_md *md, u64 gen),
			     u64 gen, bool *done)
{
	struct syncmirror *sm = syncmirror_volume_get_active(vol);
	int r = 0;

	*done = false;
	if (!sm)
		return -ENODEV;
	mutex_lock(&vol->sb_lock);
	if (vol->md_info.gen_pending && vol->md_info.current_uuid == gen) {
		r = change_superblock(vol, sm, change, gen);
		*done = !r;
	}
	mutex_unlock(&vol->sb_lock);
	syncmirror_volume_put_active(vol, sm);
	return r;
}

/*
 * A pending generation is given up (quorum lost, a hello about to be
 * sent, a demotion or removal): the next write the peer lacks draws a new
 * one.  Returns whether one was.  Process context.
 */
bool syncmirror_volume_revert_pending(struct syncmirror_volume *vol,
				      const char *why)
{
	u64 gen = READ_ONCE(vol->md_info.current_uuid);
	bool done;
	int r;

	if (!READ_ONCE(vol->md_info.gen_pending))
		return false;
	r = change_if_pending(vol, revert_generation, gen, &done);
	if (r)
		DMERR("%s: cannot revert generation %016llx: %d", vol->name,
		      gen, r);
	else if (done)
		DMWARN("%s: generation %016llx reverted (%s): no write completed in it",
		       vol->name, gen, why);
	return done;
}

/* A lease names @gen: if it is the pending one, it is recorded now. */
int syncmirror_volume_confirm_pending(struct syncmirror_volume *vol, u64 gen)
{
	bool done;

	if (!READ_ONCE(vol->md_info.gen_pending))
		return 0;
	return change_if_pending(vol, confirm_generation, gen, &done);
}

/* A forced promotion: this copy is the data now, a generation of its own. */
static void force_consistent(struct syncmirror_md *md, u64 uuid)
{
	set_primary(md, true);
	md->inconsistent = false;
	syncmirror_md_new_generation(md, uuid);
	md->peer[0].bitmap_uuid = 0;
}

/*
 * Flush the local data device's volatile cache through @sm: every write
 * that completed on it before is stable.  Process context.
 */
int syncmirror_volume_flush_data(struct syncmirror_volume *vol,
				 struct syncmirror *sm)
{
	u64 epoch = syncmirror_al_data_flush_start(&vol->al);
	int r;

	r = blkdev_issue_flush(sm->data_dev->bdev);
	if (r)
		DMERR_LIMIT("%s: cannot flush the data device: %d", vol->name,
			    r);
	else
		syncmirror_al_data_flushed(&vol->al, epoch);
	return r;
}

static int write_superblock(struct syncmirror_volume *vol,
			    struct syncmirror *sm, bool primary)
{
	int r = 0;

	/*
	 * Without PRIMARY the next load ignores the activity log: what the
	 * data device may still cache must be stable before.  (The
	 * superblock write's REQ_PREFLUSH reaches the metadata device only.)
	 */
	if (!primary && syncmirror_separate_meta(sm) &&
	    !READ_ONCE(vol->diskless))
		r = syncmirror_volume_flush_data(vol, sm);
	if (r)
		return r;
	mutex_lock(&vol->sb_lock);
	r = change_superblock(vol, sm, set_primary, primary);
	mutex_unlock(&vol->sb_lock);
	return r;
}

/*
 * Promote or demote.  Promotion is refused while a connected peer is
 * primary; demotion while anyone has the volume open: its I/O would start
 * failing under it, and until the peer's copy is stable (the caller sends
 * the flush, syncmirror_replication_peer_stable()).  The superblock
 * records a promotion before the first write can happen, so that a crash
 * as primary is known at the next load.
 * Must be called with volumes_lock held (which keeps the live table).
 */
int syncmirror_volume_set_role(struct syncmirror_volume *vol, int role,
			       bool force, u64 generation,
			       struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn = syncmirror_volume_conn(vol);
	int state = SYNCMIRROR_CONN_NONE, peer_role, r;
	struct syncmirror *sm;
	u64 given;
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
	if (role == SYNCMIRROR_ROLE_SECONDARY && syncmirror_quorum_held(vol)) {
		NL_SET_ERR_MSG(extack, "I/O is held for quorum; fail it first");
		return -EBUSY;
	}
	/*
	 * The caller made the peer's copy stable (a flush); written to and
	 * closed again since: rare, and the flush must be done again.
	 */
	if (role == SYNCMIRROR_ROLE_SECONDARY && !READ_ONCE(vol->diskless) &&
	    syncmirror_volume_peer_unflushed(vol, NULL, -1)) {
		NL_SET_ERR_MSG(extack, "written to during the peer's flush; try again");
		return -EAGAIN;
	}
	if (generation && !(generation & 1)) {
		NL_SET_ERR_MSG(extack, "a generation number must be odd");
		return -EINVAL;
	}
	if (role == SYNCMIRROR_ROLE_PRIMARY && conn) {
		syncmirror_connection_get_state(conn, &state, &reason, &peer,
						&peer_role, &since);
		if (state == SYNCMIRROR_CONN_CONNECTED &&
		    peer_role == SYNCMIRROR_ROLE_PRIMARY) {
			NL_SET_ERR_MSG(extack, "the connected peer is primary; demote it first");
			return -EBUSY;
		}
		/* The hello sent names the generation: it must stay. */
		if (state == SYNCMIRROR_CONN_HANDSHAKE) {
			NL_SET_ERR_MSG(extack, "the peer link is saying hello; try again");
			return -EAGAIN;
		}
	}

	if (role == SYNCMIRROR_ROLE_PRIMARY && vol->md_info.inconsistent) {
		if (!force) {
			NL_SET_ERR_MSG(extack, "copy inconsistent; --force makes it the data");
			return -EROFS;
		}
		if (conn) {
			syncmirror_connection_get_state(conn, &state, &reason,
							&peer, &peer_role,
							&since);
			if (state == SYNCMIRROR_CONN_HANDSHAKE ||
			    state == SYNCMIRROR_CONN_CONNECTED) {
				NL_SET_ERR_MSG(extack, "disconnect before forcing this copy");
				return -EBUSY;
			}
		}
	}

	spin_lock_irq(&vol->active_lock);
	sm = vol->active;
	spin_unlock_irq(&vol->active_lock);
	if (!sm) {
		NL_SET_ERR_MSG(extack, "volume is suspended");
		return -EBUSY;
	}
	given = generation;
	if (!generation)
		get_random_bytes(&generation, sizeof(generation));
	generation |= 1;
	if (role == SYNCMIRROR_ROLE_PRIMARY && vol->md_info.inconsistent) {
		mutex_lock(&vol->sb_lock);
		r = change_superblock(vol, sm, force_consistent, generation);
		mutex_unlock(&vol->sb_lock);
		if (!r)
			DMWARN("%s: forced primary: the local copy is the data now",
			       syncmirror_volume_name(vol));
	} else if (role == SYNCMIRROR_ROLE_PRIMARY &&
		   state != SYNCMIRROR_CONN_CONNECTED &&
		   !READ_ONCE(vol->diskless)) {
		mutex_lock(&vol->sb_lock);
		/* A generation the agent did not supply is not recorded. */
		r = change_superblock(vol, sm, !given && syncmirror_quorum_armed(vol) ?
				      promote_alone_pending : promote_alone,
				      generation);
		mutex_unlock(&vol->sb_lock);
		if (!r)
			DMWARN("%s: promoted without the peer: new data generation %016llx",
			       syncmirror_volume_name(vol),
			       vol->md_info.current_uuid);
	} else {
		/* Nothing completed in a pending generation: not this copy's. */
		if (role == SYNCMIRROR_ROLE_SECONDARY)
			syncmirror_volume_revert_pending(vol, "demoted");
		r = write_superblock(vol, sm, role == SYNCMIRROR_ROLE_PRIMARY);
	}
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
 * completed, so the superblock no longer needs to say "primary", once the
 * peer's copy is known stable.
 */
void syncmirror_volume_shutdown(struct syncmirror_volume *vol,
				struct syncmirror *sm)
{
	mutex_lock(&volumes_lock);
	if (vol->tables == 1 && READ_ONCE(vol->md_info.gen_pending)) {
		mutex_lock(&vol->sb_lock);
		if (change_superblock(vol, sm, revert_generation,
				      vol->md_info.current_uuid))
			DMERR("%s: cannot revert the pending generation",
			      vol->name);
		mutex_unlock(&vol->sb_lock);
	}
	/*
	 * The suspend before made the peer's copy stable, or marked what it
	 * may lack (syncmirror_replication_peer_stable()).  If neither is
	 * so, the superblock keeps saying primary: the next load replays
	 * the activity log, whose extents then count as out of sync.
	 */
	if (vol->tables == 1 && vol->role == SYNCMIRROR_ROLE_PRIMARY &&
	    !READ_ONCE(vol->diskless) &&
	    (syncmirror_volume_peer_unflushed(vol, NULL, -1) ||
	     !syncmirror_bitmap_on_disk(&vol->bitmap,
					syncmirror_bitmap_mark_seq(&vol->bitmap)))) {
		DMERR("%s: the peer's copy may lack writes: removed as primary",
		      syncmirror_volume_name(vol));
	} else if (vol->tables == 1 && vol->role == SYNCMIRROR_ROLE_PRIMARY &&
		   write_superblock(vol, sm, false)) {
		DMERR("%s: cannot record the clean shutdown in the superblock",
		      syncmirror_volume_name(vol));
	}
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

/* Bytes of the data the peer may lack (or have different). */
u64 syncmirror_volume_out_of_sync(struct syncmirror_volume *vol)
{
	if (!vol->loaded)
		return 0;
	return syncmirror_bitmap_weight(&vol->bitmap) <<
	       (vol->md_info.region_shift + SECTOR_SHIFT);
}

int syncmirror_volume_disk_state(struct syncmirror_volume *vol)
{
	if (READ_ONCE(vol->diskless))
		return SYNCMIRROR_DISK_DISKLESS;
	return READ_ONCE(vol->md_info.inconsistent) ?
	       SYNCMIRROR_DISK_INCONSISTENT : SYNCMIRROR_DISK_UP_TO_DATE;
}

/* What this node says of its copy in a hello. */
/*
 * What this copy says in a hello.  A pending generation is reverted in
 * the same superblock section, so the hello never names one (*@reverted
 * then says the writes held in it must fail).  Process context.
 */
int syncmirror_volume_hello(struct syncmirror_volume *vol,
			    struct syncmirror_hello *hello, bool *reverted)
{
	struct syncmirror *sm = syncmirror_volume_get_active(vol);
	u64 gen;
	int r;

	*reverted = false;
	mutex_lock(&vol->sb_lock);
	gen = vol->md_info.current_uuid;
	if (vol->md_info.gen_pending) {
		r = sm ? change_superblock(vol, sm, revert_generation, gen) :
			 -ENODEV;
		if (r) {
			mutex_unlock(&vol->sb_lock);
			if (sm)
				syncmirror_volume_put_active(vol, sm);
			DMERR("%s: cannot revert generation %016llx before a hello: %d",
			      vol->name, gen, r);
			return r;
		}
		*reverted = true;
		DMWARN("%s: generation %016llx reverted (a hello): no write completed in it",
		       vol->name, gen);
	}
	hello->current_uuid = vol->md_info.current_uuid;
	hello->bitmap_uuid = vol->md_info.peer[0].bitmap_uuid;
	hello->region_shift = vol->md_info.region_shift;
	hello->flags = (vol->md_info.inconsistent ?
			SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT : 0) |
		       (vol->crashed ? SYNCMIRROR_WIRE_HELLO_F_CRASHED : 0);
	memcpy(hello->history_uuid, vol->md_info.history_uuid,
	       sizeof(hello->history_uuid));
	hello->promote_time = vol->md_info.promote_time;
	if (READ_ONCE(vol->diskless))
		hello->flags |= SYNCMIRROR_WIRE_HELLO_F_DISKLESS |
				SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT;
	mutex_unlock(&vol->sb_lock);
	if (sm)
		syncmirror_volume_put_active(vol, sm);
	hello->dirty_regions = syncmirror_bitmap_weight(&vol->bitmap);
	syncmirror_split_brain_hello(vol, hello);
	return 0;
}

/* Write every dirty bitmap block through @sm, then record them durable. */
static int write_dirty_blocks(struct syncmirror_volume *vol,
			      struct syncmirror *sm)
{
	struct block_device *bdev = syncmirror_md_bdev(sm);
	struct syncmirror_bitmap *bm = &vol->bitmap;
	u64 index, seq;
	int r;

	if (READ_ONCE(vol->diskless))
		return 0;
	while (syncmirror_bitmap_take_dirty(bm, &index, &seq)) {
		syncmirror_bitmap_encode_block(bm, index, 0,
					       page_address(vol->bm_page));
		r = syncmirror_md_write_block(bdev, vol->md_info.bitmap_offset +
					      index * SYNCMIRROR_MD_BLOCK_SIZE,
					      vol->bm_page, REQ_FUA);
		if (r) {
			syncmirror_bitmap_redirty(bm, index);
			return r;
		}
	}
	syncmirror_bitmap_flushed(bm, seq);
	return 0;
}

/* The first write the peer lacks: the copies' generations part here. */
static void start_generation(struct syncmirror_md *md, u64 uuid)
{
	md->peer[0].bitmap_uuid = md->current_uuid;
	syncmirror_md_new_generation(md, uuid);
}

/* Under the quorum fence: no write completes before a lease names it. */
static void start_generation_pending(struct syncmirror_md *md, u64 uuid)
{
	start_generation(md, uuid);
	md->gen_pending = true;
}

/*
 * Record the out-of-sync bits on disk, then complete the writes that wait
 * for them.  The first such write also starts a new data generation.
 */
static void flush_bitmap_work(struct work_struct *work)
{
	struct syncmirror_volume *vol = container_of(work,
						     struct syncmirror_volume,
						     bm_work);
	struct list_head *entry, *next;
	struct syncmirror *sm;
	bool news = false, unflushed;
	unsigned int noio;
	LIST_HEAD(waiters);
	int r = 0;

	spin_lock_irq(&vol->wait_lock);
	list_splice_init(&vol->bm_waiters, &waiters);
	unflushed = vol->unflushed_pending;
	vol->unflushed_pending = false;
	spin_unlock_irq(&vol->wait_lock);
	if (unflushed)
		syncmirror_volume_mark_unflushed(vol);
	/* A write the peer lacks whose disk is gone is on no disk. */
	if (READ_ONCE(vol->diskless) && !list_empty(&waiters)) {
		r = -EIO;
		noio = memalloc_noio_save();
		goto complete;
	}

	/* Writes wait on this: no reclaim may recurse into their device. */
	noio = memalloc_noio_save();
	/* Live: the waiting writes keep dm from suspending it. */
	sm = syncmirror_volume_get_active(vol);
	if (!sm) {
		r = list_empty(&waiters) ? 0 : -ENODEV;
		if (r)
			DMERR("%s: no live table to record out-of-sync regions",
			      vol->name);
		goto complete;
	}
	mutex_lock(&vol->sb_lock);
	if (!list_empty(&waiters) && !vol->generation_started) {
		u64 uuid;

		get_random_bytes(&uuid, sizeof(uuid));
		r = change_superblock(vol, sm, syncmirror_quorum_armed(vol) ?
				      start_generation_pending :
				      start_generation, uuid | 1);
		if (!r)
			DMWARN("%s: the peer lacks writes: new data generation %016llx",
			       vol->name, vol->md_info.current_uuid);
	}
	if (!r)
		r = write_dirty_blocks(vol, sm);
	mutex_unlock(&vol->sb_lock);
	syncmirror_volume_put_active(vol, sm);
	if (r)
		DMERR("%s: cannot record out-of-sync regions in the bitmap: %d",
		      vol->name, r);

complete:
	/* A write whose bits are not on record must not look done. */
	list_for_each_safe(entry, next, &waiters) {
		list_del_init(entry);
		if (r)
			syncmirror_replication_bitmap_done(entry, r);
		else
			syncmirror_quorum_complete(vol, entry);
	}
	memalloc_noio_restore(noio);

	spin_lock_irq(&vol->wait_lock);
	if (!vol->reported_out_of_sync != !syncmirror_bitmap_weight(&vol->bitmap)) {
		vol->reported_out_of_sync = !vol->reported_out_of_sync;
		if (vol->reported_out_of_sync)
			vol->out_of_sync_since = ktime_get_real_seconds();
		news = true;
	}
	spin_unlock_irq(&vol->wait_lock);
	/* News last: the registry lock is no place for writes to wait. */
	if (news)
		syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_DISK);
}

/*
 * Write the dirty bitmap blocks now.  Process context, also from a work
 * item of syncmirror_wq (so it does not wait for @bm_work).
 */
int syncmirror_volume_flush_bitmap(struct syncmirror_volume *vol)
{
	struct syncmirror *sm = syncmirror_volume_get_active(vol);
	unsigned int noio;
	int r;

	if (!sm)
		return -ENODEV;
	noio = memalloc_noio_save();
	mutex_lock(&vol->sb_lock);
	r = write_dirty_blocks(vol, sm);
	mutex_unlock(&vol->sb_lock);
	memalloc_noio_restore(noio);
	syncmirror_volume_put_active(vol, sm);
	return r;
}

/*
 * @entry (a write's) completes once the bitmap marks up to @need_seq are
 * on disk and the superblock names the generation they count from; see
 * syncmirror_replication_bitmap_done().  Any context.
 */
void syncmirror_volume_wait_bitmap(struct syncmirror_volume *vol,
				   struct list_head *entry, u64 need_seq)
{
	unsigned long flags;

	if (READ_ONCE(vol->generation_started) &&
	    syncmirror_bitmap_on_disk(&vol->bitmap, need_seq)) {
		syncmirror_quorum_complete(vol, entry);
		return;
	}
	spin_lock_irqsave(&vol->wait_lock, flags);
	list_add_tail(entry, &vol->bm_waiters);
	spin_unlock_irqrestore(&vol->wait_lock, flags);
	queue_work(syncmirror_wq, &vol->bm_work);
}

/*
 * @entry (a flush the peer did not complete) completes once what the peer
 * acknowledged since its last flush is marked and on disk.  The marking
 * scans every extent: @bm_work does it, in process context.  Any context.
 */
void syncmirror_volume_wait_unflushed(struct syncmirror_volume *vol,
				      struct list_head *entry)
{
	unsigned long flags;

	spin_lock_irqsave(&vol->wait_lock, flags);
	vol->unflushed_pending = true;
	list_add_tail(entry, &vol->bm_waiters);
	spin_unlock_irqrestore(&vol->wait_lock, flags);
	queue_work(syncmirror_wq, &vol->bm_work);
}

/*
 * The copies just diverged: a link that is up (or saying hello) would
 * call them consistent.  End it; the next attempt resyncs.
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
 * The peer lacks (or may lack) sectors @first to @last: set their bits at
 * once, in memory, so that no hello from now on says otherwise.  The
 * caller makes them durable (syncmirror_volume_wait_bitmap()) before a
 * write that needs it completes.  Returns the mark number to wait for.
 * Any context.
 */
/* End a link that is up: the copies differ in a way it cannot fix. */
void syncmirror_volume_refuse(struct syncmirror_volume *vol)
{
	queue_work(syncmirror_wq, &vol->refuse_work);
}

u64 syncmirror_volume_peer_lacks(struct syncmirror_volume *vol,
				 sector_t first, sector_t last)
{
	struct syncmirror_connection *conn;
	u64 need;
	int state;

	syncmirror_bitmap_mark(&vol->bitmap, first, last, &need);
	/* A link that is up while this happens would miss it. */
	rcu_read_lock();
	conn = rcu_dereference(vol->conn);
	state = conn ? READ_ONCE(conn->state) : SYNCMIRROR_CONN_NONE;
	rcu_read_unlock();
	if (state == SYNCMIRROR_CONN_HANDSHAKE ||
	    state == SYNCMIRROR_CONN_CONNECTED)
		queue_work(syncmirror_wq, &vol->refuse_work);
	return need;
}

/*
 * The local disk is detached, and it held the only current copy of
 * acknowledged data in sectors @first to @last (@anywhere: in any sector):
 * their regions are out of sync, so the peer's copy of them is stale.
 * Such data is on no good disk any more.  Any context.
 */
bool syncmirror_volume_lost(struct syncmirror_volume *vol, bool anywhere,
			    sector_t first, sector_t last)
{
	unsigned int shift = vol->md_info.region_shift;

	if (!READ_ONCE(vol->diskless))
		return false;
	if (anywhere)
		return syncmirror_bitmap_weight(&vol->bitmap) != 0;
	return syncmirror_bitmap_next_set(&vol->bitmap, first >> shift) <=
	       last >> shift;
}

/*
 * The peer may have lost what it acknowledged since its last flush (its
 * disk cache, if it crashed): mark the extents written since then.
 * Returns the mark number to wait for.  Any context.
 */
u64 syncmirror_volume_mark_unflushed(struct syncmirror_volume *vol)
{
	unsigned int shift = vol->md_info.al_extent_shift;
	u64 flushed, epoch, e, marked = 0, need = 0;
	unsigned long flags;

	/* Pairs with the release at the end of the load. */
	if (!smp_load_acquire(&vol->loaded))
		return 0;
	/*
	 * What is acknowledged from now on is of a new epoch; what is in
	 * flight now (its ACK may be racing this) is in the activity log.
	 */
	spin_lock_irqsave(&vol->wait_lock, flags);
	flushed = vol->flushed_epoch;
	epoch = atomic64_inc_return(&vol->epoch) - 1;
	spin_unlock_irqrestore(&vol->wait_lock, flags);
	marked += syncmirror_al_mark_busy(&vol->al, &vol->bitmap);
	for (e = 0; e < vol->extents; e++) {
		if (READ_ONCE(vol->ext_epoch[e]) <= flushed)
			continue;
		syncmirror_bitmap_mark(&vol->bitmap, e << shift,
				       ((e + 1) << shift) - 1, &need);
		marked++;
	}
	/*
	 * Only now do those extents stop counting as unflushed on the peer:
	 * the activity log may drop one only once its mark is made
	 * (syncmirror_volume_peer_unflushed()).
	 */
	spin_lock_irqsave(&vol->wait_lock, flags);
	if (epoch > vol->flushed_epoch)
		vol->flushed_epoch = epoch;
	spin_unlock_irqrestore(&vol->wait_lock, flags);
	if (marked) {
		DMWARN_LIMIT("%s: %llu extents unflushed on the peer marked out of sync",
			     vol->name, marked);
		queue_work(syncmirror_wq, &vol->bm_work);
		cond_resched();
	}
	return syncmirror_bitmap_mark_seq(&vol->bitmap);
}

/*
 * Does the peer's copy of an extent of @numbers (@n of them; any extent
 * when @n < 0) hold a write the peer acknowledged after its last completed
 * flush?  Process context.
 */
bool syncmirror_volume_peer_unflushed(struct syncmirror_volume *vol,
				      const u32 *numbers, int n)
{
	u64 flushed, e;
	int i;

	spin_lock_irq(&vol->wait_lock);
	flushed = vol->flushed_epoch;
	spin_unlock_irq(&vol->wait_lock);
	if (n < 0) {
		for (e = 0; e < vol->extents; e++) {
			if (READ_ONCE(vol->ext_epoch[e]) > flushed)
				return true;
			cond_resched();
		}
		return false;
	}
	for (i = 0; i < n; i++)
		if (numbers[i] < vol->extents &&
		    READ_ONCE(vol->ext_epoch[numbers[i]]) > flushed)
			return true;
	return false;
}

/*
 * Load the bitmap and the activity log with the volume's first table.  A
 * superblock still marked primary means a crash as primary: every extent
 * of the last activity-log transaction is marked out of sync.
 */
int syncmirror_volume_load(struct syncmirror_volume *vol,
			   struct syncmirror *sm, char **error)
{
	struct syncmirror_md *md = &vol->md_info;
	struct block_device *bdev = syncmirror_md_bdev(sm);
	u64 i, damaged = 0, best_seq = 0, need;
	u32 best_block = 0, count, *extents, al_damaged = 0;
	int r;

	if (vol->loaded)
		return 0;
	r = syncmirror_bitmap_init(&vol->bitmap, syncmirror_md_regions(md),
				   md->region_shift);
	if (!r)
		r = syncmirror_al_init(&vol->al, md->al_extents,
				       md->al_extent_shift, md->al_blocks);
	vol->extents = DIV_ROUND_UP_ULL(md->data_sectors,
					1ULL << md->al_extent_shift);
	vol->ext_epoch = kvcalloc(vol->extents, sizeof(u64), GFP_KERNEL);
	vol->bm_page = alloc_page(GFP_KERNEL);
	vol->al_page = alloc_page(GFP_KERNEL);
	extents = kcalloc(SYNCMIRROR_AL_MAX_EXTENTS, sizeof(u32), GFP_KERNEL);
	if (r || !vol->ext_epoch || !vol->bm_page || !vol->al_page ||
	    !extents) {
		*error = "Cannot allocate the bitmap and activity log";
		r = -ENOMEM;
		goto out;
	}

	for (i = 0; i < md->bitmap_blocks; i++) {
		r = syncmirror_md_read_block(bdev, md->bitmap_offset +
					     i * SYNCMIRROR_MD_BLOCK_SIZE,
					     vol->bm_page);
		if (r) {
			*error = "Cannot read the bitmap";
			goto out;
		}
		damaged += !syncmirror_bitmap_decode_block(&vol->bitmap, i, 0,
						page_address(vol->bm_page));
	}
	if (damaged)
		DMWARN("%s: %llu damaged bitmap blocks: their regions are out of sync",
		       vol->name, damaged);

	for (i = 0; i < md->al_blocks; i++) {
		u64 seq;

		r = syncmirror_md_read_block(bdev, md->al_offset +
					     i * SYNCMIRROR_MD_BLOCK_SIZE,
					     vol->al_page);
		if (r) {
			*error = "Cannot read the activity log";
			goto out;
		}
		if (syncmirror_al_decode(page_address(vol->al_page),
					 md->al_extents, &seq, &count,
					 extents)) {
			/* An all-zero block was never written. */
			al_damaged += !!memchr_inv(page_address(vol->al_page),
						   0, SYNCMIRROR_MD_BLOCK_SIZE);
		} else if (seq > best_seq) {
			best_seq = seq;
			best_block = i;
		}
	}
	if (al_damaged)
		DMWARN("%s: %u damaged activity-log blocks", vol->name,
		       al_damaged);
	syncmirror_al_loaded(&vol->al, best_seq, best_block);

	if (md->primary) {
		vol->crashed = true;
		count = 0;
		if (best_seq) {
			r = syncmirror_md_read_block(bdev, md->al_offset +
						     (u64)best_block *
						     SYNCMIRROR_MD_BLOCK_SIZE,
						     vol->al_page);
			if (r || syncmirror_al_decode(page_address(vol->al_page),
						      md->al_extents, &best_seq,
						      &count, extents)) {
				*error = "Cannot read the activity log";
				r = r ?: -EIO;
				goto out;
			}
		}
		for (i = 0; i < count; i++)
			syncmirror_bitmap_mark(&vol->bitmap,
					       (sector_t)extents[i] <<
					       md->al_extent_shift,
					       (((sector_t)extents[i] + 1) <<
						md->al_extent_shift) - 1, &need);
		if (best_seq || !al_damaged) {
			DMWARN("%s: crashed as primary: %u activity-log extents marked out of sync",
			       vol->name, count);
		} else {
			/* No transaction to trust: anything may be in flight. */
			syncmirror_bitmap_mark_all(&vol->bitmap);
			DMWARN("%s: crashed as primary, no readable AL: all out of sync",
			       vol->name);
		}
	}

	mutex_lock(&vol->sb_lock);
	r = write_dirty_blocks(vol, sm);
	/* The bitmap holds it all now: the crash is on record there. */
	if (!r && md->primary)
		r = change_superblock(vol, sm, set_primary, false);
	/* A crash while a generation was pending: nothing completed in it. */
	if (!r && md->gen_pending) {
		u64 gen = md->current_uuid;

		r = change_superblock(vol, sm, revert_generation, gen);
		if (!r)
			DMWARN("%s: generation %016llx reverted (crashed while pending)",
			       vol->name, gen);
	}
	mutex_unlock(&vol->sb_lock);
	if (r) {
		*error = "Cannot write the bitmap or superblock";
		goto out;
	}
	vol->generation_started = !!md->peer[0].bitmap_uuid;
	vol->reported_out_of_sync = !!syncmirror_bitmap_weight(&vol->bitmap);
	if (vol->reported_out_of_sync)
		vol->out_of_sync_since = ktime_get_real_seconds();
	/* Pairs with the connect path: a hello needs the bitmap. */
	smp_store_release(&vol->loaded, true);
out:
	kfree(extents);
	return r;
}

static void announce_detach(struct work_struct *work)
{
	struct syncmirror_volume *vol = container_of(work,
						     struct syncmirror_volume,
						     detach_work);

	syncmirror_volume_notify(vol, SYNCMIRROR_EVENT_DISK);
}

/*
 * The local disk failed a write (@error): from now on every I/O goes
 * through the peer, and the disk gets no more writes, metadata included.
 * Its copy is not trusted again: a replaced disk comes back with new
 * metadata and a full sync.  Any context.
 */
void syncmirror_volume_detach(struct syncmirror_volume *vol, int error)
{
	if (xchg(&vol->diskless, true))
		return;
	syncmirror_resync_detached(vol);
	DMERR("%s: local disk failed a write (%d): detached, serving I/O through the peer",
	      vol->name, error);
	queue_work(syncmirror_wq, &vol->detach_work);
}
