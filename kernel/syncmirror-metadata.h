/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * On-disk metadata of a syncmirror volume: the superblock (format in
 * include/uapi/linux/syncmirror.h and Documentation/syncmirror.rst).
 */
#ifndef SYNCMIRROR_METADATA_H
#define SYNCMIRROR_METADATA_H

#include <linux/blk_types.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/uuid.h>

/**
 * struct syncmirror_md - a decoded, self-consistent superblock
 * @volume_uuid: identifies the volume; equal on every node
 * @data_sectors: size of the mirrored data
 * @md_offset: byte offset of the metadata area on the metadata device
 * @md_size: bytes in the metadata area, superblock included
 * @node_id: this node's id in the volume
 * @internal: the metadata lives at the end of the data device
 * @primary: the node was promoted and has not been demoted or removed
 *	cleanly since (a node that loads such a superblock crashed as primary)
 * @diverged: the peer lacks writes that this node completed
 * @create_time: when smctl create-md wrote it
 */
struct syncmirror_md {
	uuid_t volume_uuid;
	sector_t data_sectors;
	u64 md_offset;
	u64 md_size;
	u32 node_id;
	bool internal;
	bool primary;
	bool diverged;
	time64_t create_time;
};

u32 syncmirror_md_checksum(const void *block);
void syncmirror_md_encode(const struct syncmirror_md *md, void *block);
int syncmirror_md_decode(const void *block, struct syncmirror_md *md,
			 char **error);
int syncmirror_md_read(struct block_device *bdev, sector_t sector,
		       struct syncmirror_md *md, char **error);
int syncmirror_md_write(struct block_device *bdev, sector_t sector,
			const struct syncmirror_md *md, struct page *page);

#endif /* SYNCMIRROR_METADATA_H */
