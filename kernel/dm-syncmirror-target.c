// SPDX-License-Identifier: GPL-2.0-only
/*
 * dm-syncmirror: synchronous block-device mirroring, device-mapper target.
 *
 * This file owns the target: it builds one from a table line (devices and
 * superblock), joins it to its volume (syncmirror-volume.c: role, peer
 * link, divergence), maps bios and reports status.  A primary reads from
 * its local data device and hands every write to syncmirror-replication.c,
 * which writes it locally and to the peer in parallel.  A secondary
 * refuses I/O; its peer's writes arrive through syncmirror-receiver.c.
 */

#include <linux/blkdev.h>
#include <linux/device-mapper.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "syncmirror-connection.h"
#include "syncmirror-metadata.h"
#include "syncmirror-netlink.h"
#include "syncmirror-read.h"
#include "syncmirror-replication.h"
#include "syncmirror-table.h"
#include "syncmirror-target.h"
#include "syncmirror-volume.h"

#define DM_MSG_PREFIX "syncmirror"

#define SB_SECTORS (SYNCMIRROR_SB_SIZE >> SECTOR_SHIFT)

/* Local clones that may be allocated without waiting for one to finish. */
#define MIN_CLONES	64

/* Largest discard or write-zeroes one wire request can carry. */
#define MAX_RANGE_SECTORS	BIT(22)

/* Deferred writes and superblock updates; on the writeback path. */
struct workqueue_struct *syncmirror_wq;

/* Durably write @md as the superblock of @sm's devices. */
int syncmirror_write_superblock(struct syncmirror *sm,
				struct syncmirror_md *md)
{
	return syncmirror_md_write(syncmirror_md_bdev(sm), md, sm->sb_page);
}

/*
 * Read the superblock and check that it describes the devices of the table
 * line: the right kind of metadata, a metadata area that fits, a data size
 * that the data device holds and that equals the target's length.
 */
static int load_metadata(struct syncmirror *sm, char **error)
{
	struct syncmirror_md *md = &sm->md;
	struct block_device *data = sm->data_dev->bdev;
	u64 slot0 = 0;
	int r;

	if (!sm->meta_dev) {
		if (bdev_nr_sectors(data) < 3 * SB_SECTORS) {
			*error = "Data device too small for internal metadata";
			return -EINVAL;
		}
		slot0 = bdev_nr_bytes(data) - SYNCMIRROR_SB_SIZE;
	}

	r = syncmirror_md_read(syncmirror_md_bdev(sm), slot0, !sm->meta_dev,
			       md, error);
	if (r)
		return r;

	if (md->internal && sm->meta_dev) {
		*error = "Superblock is for internal metadata";
		return -EINVAL;
	}
	if (!md->internal && !sm->meta_dev) {
		*error = "Superblock is for an external metadata device";
		return -EINVAL;
	}
	if (syncmirror_md_slot_offset(md, 0) != slot0) {
		*error = "Superblock metadata area does not match where it was found";
		return -EINVAL;
	}

	if (md->internal) {
		if (md->md_offset + md->md_size != bdev_nr_bytes(data)) {
			*error = "Data device size differs from the superblock";
			return -EINVAL;
		}
	} else {
		if (md->md_offset + md->md_size >
		    bdev_nr_bytes(sm->meta_dev->bdev)) {
			*error = "Metadata area beyond the end of the metadata device";
			return -EINVAL;
		}
		if (md->data_sectors > bdev_nr_sectors(data)) {
			*error = "Data device smaller than the data size in the superblock";
			return -EINVAL;
		}
	}

	if (sm->ti->len != md->data_sectors) {
		*error = "Target length differs from the data size in the superblock";
		return -EINVAL;
	}
	return 0;
}

/*
 * Construct a syncmirror target; the table-line grammar is documented above
 * syncmirror_table_parse() and in Documentation/syncmirror.rst.
 */
static int syncmirror_ctr(struct dm_target *ti, unsigned int argc,
			  char **argv)
{
	struct syncmirror_table table;
	struct syncmirror *sm;
	int r;

	r = syncmirror_table_parse(argc, argv, &table, &ti->error);
	if (r)
		return r;

	sm = kzalloc(sizeof(*sm), GFP_KERNEL);
	if (!sm) {
		ti->error = "Cannot allocate syncmirror context";
		return -ENOMEM;
	}
	sm->ti = ti;
	sm->discard_passdown = table.discard_passdown;
	sm->io_error_pass = table.io_error_pass;

	r = dm_get_device(ti, table.data_dev_path, dm_table_get_mode(ti->table),
			  &sm->data_dev);
	if (r) {
		ti->error = "Error opening data device";
		goto out_free;
	}

	if (table.meta_dev_path) {
		r = dm_get_device(ti, table.meta_dev_path,
				  dm_table_get_mode(ti->table), &sm->meta_dev);
		if (r) {
			ti->error = "Error opening metadata device";
			goto out_put_data_dev;
		}
		/* Its superblock would sit in the data, the first write away. */
		if (sm->meta_dev->bdev == sm->data_dev->bdev) {
			ti->error = "Metadata device is the data device (use internal)";
			r = -EINVAL;
			goto out_put_meta_dev;
		}
	}

	r = load_metadata(sm, &ti->error);
	if (r)
		goto out_put_meta_dev;

	sm->sb_page = alloc_page(GFP_KERNEL);
	if (!sm->sb_page) {
		ti->error = "Cannot allocate superblock buffer";
		r = -ENOMEM;
		goto out_put_meta_dev;
	}
	r = bioset_init(&sm->clones, MIN_CLONES, 0, 0);
	if (r) {
		ti->error = "Cannot allocate bio set";
		goto out_free_sb_page;
	}
	syncmirror_replication_init(sm);
	init_waitqueue_head(&sm->peer_writes_wait);

	/* One wire WRITE carries at most SYNCMIRROR_WIRE_MAX_PAYLOAD. */
	r = dm_set_target_max_io_len(ti, SYNCMIRROR_WIRE_MAX_PAYLOAD >>
				     SECTOR_SHIFT);
	if (r) {
		ti->error = "Cannot set the largest I/O size";
		goto out_bioset;
	}

	sm->vol = syncmirror_volume_get(dm_table_get_md(ti->table), &sm->md,
					&ti->error);
	if (IS_ERR(sm->vol)) {
		r = PTR_ERR(sm->vol);
		goto out_bioset;
	}
	/* The first table loads the bitmap and the activity log. */
	r = syncmirror_volume_load(sm->vol, sm, &ti->error);
	if (r) {
		syncmirror_volume_put(sm->vol, sm);
		goto out_bioset;
	}

	ti->num_flush_bios = 1;
	ti->num_discard_bios = sm->discard_passdown ? 1 : 0;
	ti->num_write_zeroes_bios = 1;
	ti->flush_supported = true;
	ti->per_io_data_size = sizeof(struct syncmirror_io);
	ti->private = sm;
	return 0;

out_bioset:
	bioset_exit(&sm->clones);
out_free_sb_page:
	__free_page(sm->sb_page);
out_put_meta_dev:
	if (sm->meta_dev)
		dm_put_device(ti, sm->meta_dev);
out_put_data_dev:
	dm_put_device(ti, sm->data_dev);
out_free:
	kfree(sm);
	return r;
}

static void syncmirror_dtr(struct dm_target *ti)
{
	struct syncmirror *sm = ti->private;

	syncmirror_volume_clear_active(sm->vol, sm);
	syncmirror_volume_shutdown(sm->vol, sm);
	syncmirror_volume_put(sm->vol, sm);
	flush_work(&sm->deferred_work);
	bioset_exit(&sm->clones);
	__free_page(sm->sb_page);
	if (sm->meta_dev)
		dm_put_device(ti, sm->meta_dev);
	dm_put_device(ti, sm->data_dev);
	kfree(sm);
}

/*
 * Map a bio of @sm's table: from dm, or from the quorum fence releasing
 * what it held.
 */
int syncmirror_map_bio(struct syncmirror *sm, struct bio *bio)
{
	int r;

	/* A secondary serves nothing: its peer's primary owns the data. */
	if (READ_ONCE(sm->vol->role) != SYNCMIRROR_ROLE_PRIMARY) {
		DMERR_LIMIT("%s: I/O refused: the volume is secondary",
			    dm_table_device_name(sm->ti->table));
		return DM_MAPIO_KILL;
	}
	/* Without quorum the copy may be older than a new primary's. */
	r = syncmirror_quorum_map(sm->vol, bio);
	if (r != DM_MAPIO_REMAPPED)
		return r;

	if (op_is_write(bio_op(bio)) || op_is_flush(bio->bi_opf))
		return syncmirror_replicate(sm, bio);
	return syncmirror_read(sm, bio);
}

static int syncmirror_map(struct dm_target *ti, struct bio *bio)
{
	return syncmirror_map_bio(ti->private, bio);
}

/* Suspend waits for every bio: what the fence holds cannot wait. */
static void syncmirror_presuspend(struct dm_target *ti)
{
	struct syncmirror *sm = ti->private;

	syncmirror_quorum_suspending(sm->vol, true);
}

/* The suspend failed or was interrupted: no resume follows. */
static void syncmirror_presuspend_undo(struct dm_target *ti)
{
	struct syncmirror *sm = ti->private;

	syncmirror_quorum_suspending(sm->vol, false);
}

static void syncmirror_resume(struct dm_target *ti)
{
	struct syncmirror *sm = ti->private;
	struct request_queue *q = dm_disk(dm_table_get_md(ti->table))->queue;

	/*
	 * A write is read twice (written locally, checksummed and sent):
	 * its pages must not change while it is in flight, or the copies
	 * could differ.  dm core set the flag from the data device already.
	 */
	blk_queue_flag_set(QUEUE_FLAG_STABLE_WRITES, q);
	syncmirror_volume_set_active(sm->vol, sm);
	syncmirror_quorum_suspending(sm->vol, false);
}

static void syncmirror_postsuspend(struct dm_target *ti)
{
	struct syncmirror *sm = ti->private;

	/*
	 * No write is in flight: a primary's peer copy is made stable before
	 * a removal can record a clean shutdown (the next load then replays
	 * no activity log).
	 */
	if (READ_ONCE(sm->vol->role) == SYNCMIRROR_ROLE_PRIMARY &&
	    syncmirror_replication_peer_stable(sm->vol))
		DMERR("%s: suspended with the peer's copy unflushed and unmarked",
		      dm_table_device_name(ti->table));
	/* The peer's writes stop here too; wait for those in flight. */
	syncmirror_volume_clear_active(sm->vol, sm);
}

static const char *const conn_state_names[] = {
	[SYNCMIRROR_CONN_NONE] = "none",
	[SYNCMIRROR_CONN_HANDSHAKE] = "handshake",
	[SYNCMIRROR_CONN_CONNECTED] = "connected",
	[SYNCMIRROR_CONN_REFUSED] = "refused",
	[SYNCMIRROR_CONN_LOST] = "lost",
};

static const char *const disk_state_names[] = {
	[SYNCMIRROR_DISK_UNKNOWN] = "unknown",
	[SYNCMIRROR_DISK_UP_TO_DATE] = "up-to-date",
	[SYNCMIRROR_DISK_INCONSISTENT] = "inconsistent",
	[SYNCMIRROR_DISK_OUTDATED] = "outdated",
	[SYNCMIRROR_DISK_DISKLESS] = "diskless",
};

/*
 * Status output:
 *
 *   STATUSTYPE_INFO:  <volume uuid> <node id> <role> <peer> <disk>
 *                     <out-of-sync sectors>
 *                     role: primary | secondary
 *                     peer: none | handshake | connected | refused | lost
 *                     disk: up-to-date | inconsistent | diskless
 *   STATUSTYPE_TABLE: the table line in canonical form,
 *                     <meta dev|internal> <data dev> [<#features>
 *                     [no_discard_passdown] [io_error_pass]]
 *   STATUSTYPE_IMA:   target name and version, devices, features
 */
static void syncmirror_status(struct dm_target *ti, status_type_t type,
			      unsigned int status_flags, char *result,
			      unsigned int maxlen)
{
	struct syncmirror *sm = ti->private;
	struct syncmirror_connection *conn;
	int state = SYNCMIRROR_CONN_NONE;
	unsigned int sz = 0, features;

	switch (type) {
	case STATUSTYPE_INFO:
		rcu_read_lock();
		conn = rcu_dereference(sm->vol->conn);
		if (conn)
			state = READ_ONCE(conn->state);
		rcu_read_unlock();
		DMEMIT("%pUb %u %s %s %s %llu", &sm->md.volume_uuid,
		       sm->md.node_id,
		       READ_ONCE(sm->vol->role) == SYNCMIRROR_ROLE_PRIMARY ?
		       "primary" : "secondary", conn_state_names[state],
		       disk_state_names[syncmirror_volume_disk_state(sm->vol)],
		       (unsigned long long)(syncmirror_volume_out_of_sync(sm->vol) >>
					    SECTOR_SHIFT));
		break;

	case STATUSTYPE_TABLE:
		DMEMIT("%s %s", sm->meta_dev ? sm->meta_dev->name :
		       SYNCMIRROR_META_INTERNAL, sm->data_dev->name);
		features = !sm->discard_passdown + sm->io_error_pass;
		if (features)
			DMEMIT(" %u", features);
		if (!sm->discard_passdown)
			DMEMIT(" %s", SYNCMIRROR_FEATURE_NO_DISCARD_PASSDOWN);
		if (sm->io_error_pass)
			DMEMIT(" %s", SYNCMIRROR_FEATURE_IO_ERROR_PASS);
		break;

	case STATUSTYPE_IMA:
		DMEMIT_TARGET_NAME_VERSION(ti->type);
		DMEMIT(",meta_device=%s,data_device=%s,discard_passdown=%c,io_error=%s;",
		       sm->meta_dev ? sm->meta_dev->name :
		       SYNCMIRROR_META_INTERNAL, sm->data_dev->name,
		       sm->discard_passdown ? 'y' : 'n',
		       sm->io_error_pass ? "pass" : "detach");
		break;
	}
}

static int syncmirror_iterate_devices(struct dm_target *ti,
				      iterate_devices_callout_fn fn,
				      void *data)
{
	struct syncmirror *sm = ti->private;

	return fn(ti, sm->data_dev, 0, ti->len, data);
}

static void syncmirror_io_hints(struct dm_target *ti,
				struct queue_limits *limits)
{
	struct syncmirror *sm = ti->private;
	unsigned int max_range;

	/*
	 * The data device's limits are already stacked in by dm core through
	 * iterate_devices.  What is left is what the target itself refuses:
	 * with discard passdown off nothing may claim discard support, even
	 * when the data device has it.
	 */
	if (!sm->discard_passdown) {
		limits->discard_granularity = 0;
		limits->max_discard_sectors = 0;
		limits->max_hw_discard_sectors = 0;
	}
	/*
	 * A wire request's size is 32 bits of bytes, and a write may span
	 * two activity-log extents at most.
	 */
	max_range = min_t(sector_t, MAX_RANGE_SECTORS,
			  1ULL << sm->md.al_extent_shift);
	limits->max_discard_sectors = min(limits->max_discard_sectors,
					  max_range);
	limits->max_hw_discard_sectors = min(limits->max_hw_discard_sectors,
					     max_range);
	limits->max_write_zeroes_sectors = min(limits->max_write_zeroes_sectors,
					       max_range);
}

static struct target_type syncmirror_target = {
	.name = SYNCMIRROR_TARGET_NAME,
	.version = {0, 7, 0},
	/* One volume per mapped device: its state is per device, not range. */
	.features = DM_TARGET_SINGLETON,
	.module = THIS_MODULE,
	.ctr = syncmirror_ctr,
	.dtr = syncmirror_dtr,
	.map = syncmirror_map,
	.resume = syncmirror_resume,
	.presuspend = syncmirror_presuspend,
	.presuspend_undo = syncmirror_presuspend_undo,
	.postsuspend = syncmirror_postsuspend,
	.status = syncmirror_status,
	.iterate_devices = syncmirror_iterate_devices,
	.io_hints = syncmirror_io_hints,
};

static int __init dm_syncmirror_init(void)
{
	int r;

	syncmirror_wq = alloc_workqueue("syncmirror", WQ_MEM_RECLAIM, 0);
	if (!syncmirror_wq)
		return -ENOMEM;
	/* Netlink first: a volume announces itself as soon as it exists. */
	r = syncmirror_netlink_init();
	if (r) {
		DMERR("netlink family registration failed %d", r);
		goto out_wq;
	}
	r = dm_register_target(&syncmirror_target);
	if (r < 0) {
		DMERR("register failed %d", r);
		goto out_netlink;
	}
	return 0;

out_netlink:
	syncmirror_netlink_exit();
out_wq:
	destroy_workqueue(syncmirror_wq);
	return r;
}

static void __exit dm_syncmirror_exit(void)
{
	dm_unregister_target(&syncmirror_target);
	syncmirror_netlink_exit();
	destroy_workqueue(syncmirror_wq);
}

/* Not module_dm(): 6.1 lacks it, and the module registers more than a target. */
module_init(dm_syncmirror_init);
module_exit(dm_syncmirror_exit);

MODULE_DESCRIPTION(DM_NAME " synchronous mirroring target");
MODULE_LICENSE("GPL");
