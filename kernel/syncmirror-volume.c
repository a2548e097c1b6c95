// SPDX-License-Identifier: GPL-2.0-only
/*
 * Registry of syncmirror volumes: role and peer link per mapped device.
 *
 * A table reload constructs a new target before the old one goes, so this
 * state cannot live in the target: it lives here, one entry per mapped
 * device, counted by the tables that use it.  volumes_lock is taken by the
 * control plane (constructor, destructor, netlink) and by a connection
 * thread announcing a state change; nothing on the I/O path takes it.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/mutex.h>
#include <linux/netlink.h>
#include <linux/slab.h>

#include "syncmirror-connection.h"
#include "syncmirror-netlink.h"
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
	syncmirror_volume_name(vol);
	list_add_tail(&vol->list, &volumes);
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_VOLUME_UP);
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
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_VOLUME_DOWN);
	list_del(&vol->list);
	conn = vol->conn;
	vol->conn = NULL;
	mutex_unlock(&volumes_lock);

	/* Unlocked: the connection thread may be waiting for the lock. */
	if (conn)
		stop_connection(vol, conn);
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
		syncmirror_netlink_notify(vol, event);
	mutex_unlock(&volumes_lock);
}

/*
 * Give the volume named @name a peer link over the socket @fd.  An old,
 * finished link is replaced; a live one must be disconnected first.
 */
int syncmirror_volume_connect(const char *name, int fd,
			      struct netlink_ext_ack *extack)
{
	struct syncmirror_connection *conn, *old = NULL;
	struct syncmirror_volume *vol;
	const char *reason;
	int state, r = 0;
	time64_t since;
	u32 peer;

	mutex_lock(&volumes_lock);
	vol = syncmirror_volume_find(name);
	if (!vol) {
		NL_SET_ERR_MSG(extack, "no syncmirror volume of that name");
		r = -ENOENT;
		goto out;
	}
	if (vol->conn) {
		syncmirror_connection_get_state(vol->conn, &state, &reason,
						&peer, &since);
		if (state == SYNCMIRROR_CONN_HANDSHAKE ||
		    state == SYNCMIRROR_CONN_CONNECTED) {
			NL_SET_ERR_MSG(extack, "volume already has a peer link");
			r = -EBUSY;
			goto out;
		}
		old = vol->conn;
		vol->conn = NULL;
	}
	kref_get(&vol->kref);
	conn = syncmirror_connection_start(vol, fd, extack);
	if (IS_ERR(conn)) {
		kref_put(&vol->kref, volume_release);
		r = PTR_ERR(conn);
		goto out;
	}
	vol->conn = conn;
out:
	mutex_unlock(&volumes_lock);
	if (old)
		stop_connection(vol, old);
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
	conn = vol->conn;
	if (!conn) {
		mutex_unlock(&volumes_lock);
		NL_SET_ERR_MSG(extack, "volume has no peer link");
		return -ENOTCONN;
	}
	vol->conn = NULL;
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_CONNECTION);
	mutex_unlock(&volumes_lock);

	/* The link's reference keeps @vol alive until the thread is gone. */
	stop_connection(vol, conn);
	return 0;
}

/*
 * Promote or demote.  Demotion is refused while anyone has the volume
 * open: its I/O would start failing under it.  Must be called with
 * volumes_lock held.
 */
int syncmirror_volume_set_role(struct syncmirror_volume *vol, int role,
			       struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&volumes_lock);

	if (vol->role == role)
		return 0;
	if (role == SYNCMIRROR_ROLE_SECONDARY &&
	    syncmirror_volume_open_count(vol)) {
		NL_SET_ERR_MSG(extack, "volume is open; close it before demoting");
		return -EBUSY;
	}

	/* The map function reads the role without the lock. */
	WRITE_ONCE(vol->role, role);
	DMINFO("%s: role %s", syncmirror_volume_name(vol),
	       role == SYNCMIRROR_ROLE_PRIMARY ? "primary" : "secondary");
	syncmirror_netlink_notify(vol, SYNCMIRROR_EVENT_ROLE);
	return 0;
}
