/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One syncmirror target instance (one table of a volume), shared by the
 * files that do its I/O: the target itself, the primary's write fan-out
 * (syncmirror-replication.c) and the secondary's receive path
 * (syncmirror-receiver.c).
 */
#ifndef SYNCMIRROR_TARGET_H
#define SYNCMIRROR_TARGET_H

#include <linux/bio.h>
#include <linux/device-mapper.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "syncmirror-conflict.h"
#include "syncmirror-metadata.h"

struct syncmirror_volume;

/**
 * struct syncmirror - one target instance
 * @ti: the dm target this volume backs
 * @meta_dev: device holding the metadata, NULL when it is internal
 * @data_dev: local device holding the data
 * @md: the superblock as loaded by the constructor
 * @sb_page: buffer for superblock writes (under the volume's sb_lock)
 * @vol: the volume (role, peer link) this table belongs to
 * @discard_passdown: discards are advertised and passed to @data_dev
 * @io_error_pass: a local write error is reported, not a detach
 * @clones: local halves of replicated writes
 * @conflicts: writes in flight and waiting (syncmirror-conflict.c)
 * @deferred_work: starts waiting writes once they no longer overlap
 * @peer_writes: the peer's writes in flight to @data_dev (under the
 *	volume's active_lock)
 * @peer_writes_wait: woken when @peer_writes drops to zero
 */
struct syncmirror {
	struct dm_target *ti;
	struct dm_dev *meta_dev;
	struct dm_dev *data_dev;
	struct syncmirror_md md;
	struct page *sb_page;
	struct syncmirror_volume *vol;
	bool discard_passdown;
	bool io_error_pass;

	struct bio_set clones;
	struct syncmirror_conflicts conflicts;
	struct work_struct deferred_work;

	unsigned int peer_writes;
	wait_queue_head_t peer_writes_wait;
};

extern struct workqueue_struct *syncmirror_wq;

int syncmirror_write_superblock(struct syncmirror *sm,
				struct syncmirror_md *md);
int syncmirror_map_bio(struct syncmirror *sm, struct bio *bio);

/* The device holding @sm's metadata. */
static inline struct block_device *syncmirror_md_bdev(struct syncmirror *sm)
{
	return sm->meta_dev ? sm->meta_dev->bdev : sm->data_dev->bdev;
}

/*
 * The metadata is on a device whose cache a flush of it leaves alone: the
 * data device's volatile cache needs flushes of its own.  Partitions of
 * one disk share its cache.
 */
static inline bool syncmirror_separate_meta(struct syncmirror *sm)
{
	return sm->meta_dev &&
	       sm->meta_dev->bdev->bd_disk != sm->data_dev->bdev->bd_disk;
}

#endif /* SYNCMIRROR_TARGET_H */
