/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The syncmirror metadata from userspace (format version 2): superblock
 * slots, dirty bitmap blocks and activity-log blocks, with the same
 * encoding and checks as the kernel, on the uapi structures.
 */
#ifndef SYNCMIRROR_SUPERBLOCK_H
#define SYNCMIRROR_SUPERBLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/syncmirror.h>

struct sm_sb_peer {
	uint32_t node_id;	/* SYNCMIRROR_NO_NODE: slot free */
	uint32_t flags;		/* SYNCMIRROR_PEER_F_* */
	uint64_t bitmap_uuid;
};

struct sm_superblock {
	uint8_t volume_uuid[16];
	uint64_t data_sectors;
	uint64_t md_offset;
	uint64_t md_size;
	uint32_t node_id;
	bool internal;
	bool primary;		/* promoted, not demoted or removed cleanly */
	bool inconsistent;	/* the data is not a usable copy yet */
	int64_t create_time;
	uint64_t seq;
	uint64_t current_uuid;
	uint64_t history_uuid[SYNCMIRROR_HISTORY_UUIDS];
	uint32_t region_shift;
	uint32_t al_extent_shift;
	uint32_t al_blocks;
	uint32_t al_extents;
	uint32_t peer_slots;
	uint64_t bitmap_blocks;
	uint64_t al_offset;
	uint64_t bitmap_offset;
	struct sm_sb_peer peer[SYNCMIRROR_MAX_PEER_SLOTS];
};

/* CRC-32C of any 4096-byte metadata block, its csum field (bytes 4..7) zero. */
uint32_t sm_md_checksum(const void *block);
#define sm_sb_checksum sm_md_checksum

void sm_sb_encode(const struct sm_superblock *sb, void *block);
/* Returns NULL when @block is a valid v2 slot, else the reason. */
const char *sm_sb_decode(const void *block, struct sm_superblock *sb);

/* The refusal of a version 1 superblock, for every reader. */
#define SM_SB_VERSION_1_MESSAGE \
	"metadata version 1 is not supported: recreate it with smctl create-md --force (the data is kept; the peer needs a full sync)"

/*
 * Choose the superblock from the two slots: the valid one with the higher
 * seq.  Returns the slot (0 or 1) and fills @sb, or -1 with @why set to
 * the reason (slot 0's, or version 1's when a slot holds version 1; or,
 * as the kernel, that two valid slots name another volume UUID,
 * md_offset or kind of metadata).  @slot_problem[i] is NULL for a valid
 * slot, else why it is not.
 */
int sm_sb_choose(const void *slot0, const void *slot1,
		 struct sm_superblock *sb, const char *slot_problem[2],
		 const char **why);

/* True when the block is all zero (never written). */
bool sm_md_block_empty(const void *block);

/*
 * Geometry.  Byte offsets of the two slots: internal metadata ends at
 * @dev_end (the device size in whole sectors), external starts at
 * @md_offset.
 */
uint64_t sm_md_bitmap_blocks(uint64_t data_sectors, uint32_t region_shift);
void sm_md_slot_offsets(bool internal, uint64_t md_offset, uint64_t dev_end,
			uint64_t offsets[2]);
/*
 * Fill al_offset and bitmap_offset of @sb from its other fields (@dev_end
 * as above).  Returns NULL, or why the layout does not fit its area.
 */
const char *sm_md_layout(struct sm_superblock *sb, uint64_t dev_end);

/* Dirty bitmap blocks: a valid header and zero bits. */
void sm_bm_encode_empty(void *block, uint32_t index, uint32_t peer_slot);
/* Valid: magic, checksum, index and peer slot as expected. */
bool sm_bm_valid(const void *block, uint32_t index, uint32_t peer_slot);

/* Activity-log block: NULL when valid (seq and count filled), else why. */
const char *sm_al_decode(const void *block, uint32_t max_extents,
			 uint64_t *seq, uint32_t *count);

void sm_uuid_format(const uint8_t uuid[16], char out[37]);
int sm_uuid_parse(const char *text, uint8_t uuid[16]);

#endif
