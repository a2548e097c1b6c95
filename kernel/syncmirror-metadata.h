/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * On-disk metadata of a syncmirror volume, version 2: the superblock and
 * where the activity log and the dirty bitmaps are (format in
 * include/uapi/linux/syncmirror.h and Documentation/syncmirror-metadata.rst).
 */
#ifndef SYNCMIRROR_METADATA_H
#define SYNCMIRROR_METADATA_H

#include <linux/blk_types.h>
#include <linux/syncmirror.h>
#include <linux/time64.h>
#include <linux/types.h>
#include <linux/uuid.h>

/**
 * struct syncmirror_md_peer - a peer slot of the superblock
 * @node_id: the peer's node id, SYNCMIRROR_NO_NODE when not known yet
 * @flags: SYNCMIRROR_PEER_F_*
 * @bitmap_uuid: the data generation the slot's bitmap counts changes
 *	from; 0 while the copies are in sync
 */
struct syncmirror_md_peer {
	u32 node_id;
	u32 flags;
	u64 bitmap_uuid;
};

/**
 * struct syncmirror_md - a decoded, self-consistent superblock
 * @volume_uuid: identifies the volume; equal on every node
 * @data_sectors: size of the mirrored data
 * @md_offset: byte offset of the metadata area on the metadata device
 * @md_size: bytes in the metadata area
 * @node_id: this node's id in the volume
 * @internal: the metadata lives at the end of the data device
 * @primary: the node was promoted and has not been demoted or removed
 *	cleanly since (a node that loads such a superblock crashed as primary)
 * @inconsistent: the data is not a usable copy (never synced, or a resync
 *	into it was not finished)
 * @gen_pending: @current_uuid was drawn under the quorum fence and no
 *	write has completed in it yet (reverted at load)
 * @create_time: when smctl create-md wrote it
 * @seq: generation of the slot; the valid slot with the highest wins
 * @slot: the slot (0 or 1) this was read from or last written to
 * @current_uuid: data generation of this copy (0: none yet)
 * @history_uuid: earlier generations, newest first
 * @region_shift: log2 of a bitmap region in sectors
 * @al_extent_shift: log2 of an activity-log extent in sectors
 * @al_blocks: blocks in the activity-log ring
 * @al_extents: extents one transaction may hold
 * @peer_slots: number of bitmaps
 * @bitmap_blocks: blocks in each bitmap
 * @al_offset: byte offset of the ring on the metadata device
 * @bitmap_offset: byte offset of peer slot 0's bitmap
 * @peer: the peer slots
 * @promote_time: the last promotion, ns since the epoch (0: unknown)
 */
struct syncmirror_md {
	uuid_t volume_uuid;
	sector_t data_sectors;
	u64 md_offset;
	u64 md_size;
	u32 node_id;
	bool internal;
	bool primary;
	bool inconsistent;
	bool gen_pending;
	time64_t create_time;
	u64 seq;
	unsigned int slot;
	u64 current_uuid;
	u64 history_uuid[SYNCMIRROR_HISTORY_UUIDS];
	u32 region_shift;
	u32 al_extent_shift;
	u32 al_blocks;
	u32 al_extents;
	u32 peer_slots;
	u64 bitmap_blocks;
	u64 al_offset;
	u64 bitmap_offset;
	struct syncmirror_md_peer peer[SYNCMIRROR_MAX_PEER_SLOTS];
	u64 promote_time;
};

u32 syncmirror_md_block_checksum(const void *block, size_t csum_offset);
u32 syncmirror_md_checksum(const void *block);
u64 syncmirror_md_regions(const struct syncmirror_md *md);
u64 syncmirror_md_bitmap_blocks(sector_t data_sectors, u32 region_shift);
u64 syncmirror_md_slot_offset(const struct syncmirror_md *md,
			      unsigned int slot);
void syncmirror_md_encode(const struct syncmirror_md *md, void *block);
int syncmirror_md_decode(const void *block, struct syncmirror_md *md,
			 char **error);
int syncmirror_md_pick(const void *slot0, const void *slot1,
		       struct syncmirror_md *md, char **error);
int syncmirror_md_read_block(struct block_device *bdev, u64 offset,
			     struct page *page);
int syncmirror_md_write_block(struct block_device *bdev, u64 offset,
			      struct page *page, blk_opf_t flags);
int syncmirror_md_read(struct block_device *bdev, u64 slot0_offset,
		       bool internal, struct syncmirror_md *md, char **error);
int syncmirror_md_write(struct block_device *bdev, struct syncmirror_md *md,
			struct page *page);
void syncmirror_md_new_generation(struct syncmirror_md *md, u64 uuid);
void syncmirror_md_revert_generation(struct syncmirror_md *md);

#endif /* SYNCMIRROR_METADATA_H */
