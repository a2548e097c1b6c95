// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Metadata version 2 for the tools: superblock slots, bitmap and
 * activity-log blocks.  Must agree byte for byte with the kernel (the
 * layout is the contract of include/uapi/linux/syncmirror.h);
 * tests/tools/smctl_md_test.sh checks the checksums with an independent
 * CRC-32C and the block positions with its own arithmetic.
 */
#include <ctype.h>
#include <endian.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "crc32c.h"
#include "superblock.h"

#define BLOCK SYNCMIRROR_MD_BLOCK_SIZE

/* Every metadata block has its magic at byte 0 and its csum at byte 4. */
uint32_t sm_md_checksum(const void *block)
{
	static const uint8_t zero_csum[4];
	const size_t csum_offset = offsetof(struct syncmirror_sb, csum);
	const size_t after_csum = csum_offset + sizeof(zero_csum);
	uint32_t crc;

	crc = crc32c_update(~0U, block, csum_offset);
	crc = crc32c_update(crc, zero_csum, sizeof(zero_csum));
	crc = crc32c_update(crc, (const uint8_t *)block + after_csum,
			    BLOCK - after_csum);
	return ~crc;
}

bool sm_md_block_empty(const void *block)
{
	const uint8_t *p = block;
	size_t i;

	for (i = 0; i < BLOCK; i++)
		if (p[i])
			return false;
	return true;
}

uint64_t sm_md_bitmap_blocks(uint64_t data_sectors, uint32_t region_shift)
{
	uint64_t regions = (data_sectors + (1ULL << region_shift) - 1) >>
			   region_shift;

	return (regions + SYNCMIRROR_BM_BITS_PER_BLOCK - 1) /
	       SYNCMIRROR_BM_BITS_PER_BLOCK;
}

void sm_md_slot_offsets(bool internal, uint64_t md_offset, uint64_t dev_end,
			uint64_t offsets[2])
{
	if (internal) {
		offsets[0] = dev_end - BLOCK;
		offsets[1] = dev_end - 2 * BLOCK;
	} else {
		offsets[0] = md_offset;
		offsets[1] = md_offset + BLOCK;
	}
}

/*
 * Internal: [bitmaps from md_offset ... | AL ring | slot 1 | slot 0] up to
 * the end of the device.  External: [slot 0 | slot 1 | AL ring | bitmaps]
 * from md_offset.
 */
const char *sm_md_layout(struct sm_superblock *sb, uint64_t dev_end)
{
	uint64_t bitmap_bytes = (uint64_t)sb->peer_slots * sb->bitmap_blocks *
				BLOCK;
	uint64_t ring_bytes = (uint64_t)sb->al_blocks * BLOCK;

	/* Sizes are compared, not ends: an area may end at 2^64. */
	if (sb->internal) {
		if (dev_end < sb->md_offset ||
		    dev_end - sb->md_offset < 2 * BLOCK + ring_bytes)
			return "Superblock metadata area is too small";
		sb->al_offset = dev_end - 2 * BLOCK - ring_bytes;
		sb->bitmap_offset = sb->md_offset;
		if (bitmap_bytes > sb->al_offset - sb->bitmap_offset)
			return "Superblock metadata area is too small";
	} else {
		if (sb->md_size < 2 * BLOCK ||
		    sb->md_size - 2 * BLOCK < ring_bytes ||
		    sb->md_size - 2 * BLOCK - ring_bytes < bitmap_bytes)
			return "Superblock metadata area is too small";
		sb->al_offset = sb->md_offset + 2 * BLOCK;
		sb->bitmap_offset = sb->al_offset + ring_bytes;
	}
	return NULL;
}

void sm_sb_encode(const struct sm_superblock *in, void *block)
{
	struct syncmirror_sb *sb = block;
	int i;

	memset(block, 0, BLOCK);
	sb->magic = htole32(SYNCMIRROR_SB_MAGIC);
	sb->version = htole32(SYNCMIRROR_SB_VERSION);
	sb->flags = htole32((in->internal ? SYNCMIRROR_SB_F_INTERNAL : 0) |
			    (in->primary ? SYNCMIRROR_SB_F_PRIMARY : 0) |
			    (in->inconsistent ? SYNCMIRROR_SB_F_INCONSISTENT : 0));
	memcpy(sb->volume_uuid, in->volume_uuid, sizeof(sb->volume_uuid));
	sb->data_sectors = htole64(in->data_sectors);
	sb->md_offset = htole64(in->md_offset);
	sb->md_size = htole64(in->md_size);
	sb->node_id = htole32(in->node_id);
	sb->region_shift = htole32(in->region_shift);
	sb->create_time = htole64((uint64_t)in->create_time);
	sb->seq = htole64(in->seq);
	sb->current_uuid = htole64(in->current_uuid);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		sb->history_uuid[i] = htole64(in->history_uuid[i]);
	sb->al_extent_shift = htole32(in->al_extent_shift);
	sb->al_blocks = htole32(in->al_blocks);
	sb->al_extents = htole32(in->al_extents);
	sb->peer_slots = htole32(in->peer_slots);
	sb->bitmap_blocks = htole64(in->bitmap_blocks);
	sb->al_offset = htole64(in->al_offset);
	sb->bitmap_offset = htole64(in->bitmap_offset);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		sb->peer[i].node_id = htole32(in->peer[i].node_id);
		sb->peer[i].flags = htole32(in->peer[i].flags);
		sb->peer[i].bitmap_uuid = htole64(in->peer[i].bitmap_uuid);
	}
	sb->csum = htole32(sm_md_checksum(block));
}

static const char *check_geometry(const struct sm_superblock *sb)
{
	struct sm_superblock layout = *sb;
	uint64_t dev_end = sb->md_offset + sb->md_size;
	int i;

	/* The kernel's limits (Documentation/syncmirror-metadata.rst). */
	if (sb->region_shift < 3 || sb->region_shift > 11)
		return "Superblock region size out of range";
	if (sb->al_extent_shift < sb->region_shift ||
	    sb->al_extent_shift < 11 || sb->al_extent_shift > 26)
		return "Superblock activity-log extent size out of range";
	if (sb->al_blocks < 2 || sb->al_blocks > 65536 ||
	    sb->al_extents < 2 || sb->al_extents > SYNCMIRROR_AL_MAX_EXTENTS)
		return "Superblock activity-log geometry out of range";
	if (!sb->peer_slots || sb->peer_slots > SYNCMIRROR_MAX_PEER_SLOTS)
		return "Superblock peer slot count out of range";
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++)
		if (sb->peer[i].node_id != SYNCMIRROR_NO_NODE &&
		    sb->peer[i].node_id > SYNCMIRROR_MAX_NODE_ID)
			return "Superblock peer node id out of range";
	if (sb->bitmap_blocks !=
	    sm_md_bitmap_blocks(sb->data_sectors, sb->region_shift))
		return "Superblock bitmap size does not match the data size";
	if (sm_md_layout(&layout, dev_end))
		return "Superblock metadata area is too small for its bitmap and activity log";
	if (layout.al_offset != sb->al_offset ||
	    layout.bitmap_offset != sb->bitmap_offset)
		return "Superblock metadata layout is inconsistent";
	return NULL;
}

const char *sm_sb_decode(const void *block, struct sm_superblock *out)
{
	const struct syncmirror_sb *sb = block;
	uint32_t flags, version;
	int i;

	if (le32toh(sb->magic) != SYNCMIRROR_SB_MAGIC)
		return "No syncmirror superblock (bad magic)";
	if (le32toh(sb->csum) != sm_md_checksum(block))
		return "Superblock checksum mismatch";
	version = le32toh(sb->version);
	if (version == SYNCMIRROR_SB_VERSION_1)
		return SM_SB_VERSION_1_MESSAGE;
	if (version != SYNCMIRROR_SB_VERSION)
		return "Unsupported superblock version";
	flags = le32toh(sb->flags);
	if (flags & ~SYNCMIRROR_SB_F_KNOWN)
		return "Unknown superblock flags";

	memcpy(out->volume_uuid, sb->volume_uuid, sizeof(out->volume_uuid));
	out->data_sectors = le64toh(sb->data_sectors);
	out->md_offset = le64toh(sb->md_offset);
	out->md_size = le64toh(sb->md_size);
	out->node_id = le32toh(sb->node_id);
	out->internal = flags & SYNCMIRROR_SB_F_INTERNAL;
	out->primary = flags & SYNCMIRROR_SB_F_PRIMARY;
	out->inconsistent = flags & SYNCMIRROR_SB_F_INCONSISTENT;
	out->create_time = (int64_t)le64toh(sb->create_time);
	out->region_shift = le32toh(sb->region_shift);
	out->seq = le64toh(sb->seq);
	out->current_uuid = le64toh(sb->current_uuid);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		out->history_uuid[i] = le64toh(sb->history_uuid[i]);
	out->al_extent_shift = le32toh(sb->al_extent_shift);
	out->al_blocks = le32toh(sb->al_blocks);
	out->al_extents = le32toh(sb->al_extents);
	out->peer_slots = le32toh(sb->peer_slots);
	out->bitmap_blocks = le64toh(sb->bitmap_blocks);
	out->al_offset = le64toh(sb->al_offset);
	out->bitmap_offset = le64toh(sb->bitmap_offset);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		out->peer[i].node_id = le32toh(sb->peer[i].node_id);
		out->peer[i].flags = le32toh(sb->peer[i].flags);
		out->peer[i].bitmap_uuid = le64toh(sb->peer[i].bitmap_uuid);
	}

	if (out->node_id > SYNCMIRROR_MAX_NODE_ID)
		return "Superblock node id out of range";
	if (!out->data_sectors)
		return "Superblock data size is zero";
	/* As the kernel: bytes of data and area add up without wrapping. */
	if (out->data_sectors > UINT64_MAX >> 10)
		return "Superblock data size is too large";
	if (!out->inconsistent && !out->current_uuid)
		return "Superblock says consistent but names no data generation";
	/* Sector-aligned, as the kernel wants it. */
	if (out->md_size < 2 * BLOCK ||
	    out->md_offset + out->md_size < out->md_offset ||
	    out->md_offset % 512 || out->md_size % 512)
		return "Superblock metadata area is invalid";
	if (out->internal && out->md_offset != out->data_sectors << 9)
		return "Superblock metadata area overlaps the data";
	return check_geometry(out);
}

/* Two valid slots of one volume's metadata area, as the kernel wants. */
static bool same_metadata(const struct sm_superblock *a,
			  const struct sm_superblock *b)
{
	return !memcmp(a->volume_uuid, b->volume_uuid,
		       sizeof(a->volume_uuid)) &&
	       a->md_offset == b->md_offset && a->internal == b->internal;
}

int sm_sb_choose(const void *slot0, const void *slot1,
		 struct sm_superblock *sb, const char *slot_problem[2],
		 const char **why)
{
	struct sm_superblock candidate[2];
	const void *slots[2] = { slot0, slot1 };
	int i;

	for (i = 0; i < 2; i++)
		slot_problem[i] = sm_sb_decode(slots[i], &candidate[i]);
	if (!slot_problem[0] && !slot_problem[1] &&
	    !same_metadata(&candidate[0], &candidate[1])) {
		*why = "Superblock slots describe different metadata";
		return -1;
	}
	if (!slot_problem[0] && !slot_problem[1])
		i = candidate[1].seq > candidate[0].seq;
	else if (!slot_problem[0])
		i = 0;
	else if (!slot_problem[1])
		i = 1;
	else
		i = -1;
	if (i >= 0) {
		*sb = candidate[i];
		*why = NULL;
		return i;
	}
	*why = slot_problem[0];
	if (!strcmp(slot_problem[1], SM_SB_VERSION_1_MESSAGE))
		*why = slot_problem[1];
	return -1;
}

void sm_bm_encode_empty(void *block, uint32_t index, uint32_t peer_slot)
{
	struct syncmirror_bm_header *h = block;

	memset(block, 0, BLOCK);
	h->magic = htole32(SYNCMIRROR_BM_MAGIC);
	h->index = htole32(index);
	h->peer_slot = htole32(peer_slot);
	h->csum = htole32(sm_md_checksum(block));
}

bool sm_bm_valid(const void *block, uint32_t index, uint32_t peer_slot)
{
	const struct syncmirror_bm_header *h = block;

	return le32toh(h->magic) == SYNCMIRROR_BM_MAGIC &&
	       le32toh(h->csum) == sm_md_checksum(block) &&
	       le32toh(h->index) == index &&
	       le32toh(h->peer_slot) == peer_slot;
}

const char *sm_al_decode(const void *block, uint32_t max_extents,
			 uint64_t *seq, uint32_t *count)
{
	const struct syncmirror_al_header *h = block;

	if (le32toh(h->magic) != SYNCMIRROR_AL_MAGIC)
		return "bad magic";
	if (le32toh(h->csum) != sm_md_checksum(block))
		return "checksum mismatch";
	*seq = le64toh(h->seq);
	*count = le32toh(h->count);
	/* Transactions count from 1: the kernel takes no seq 0. */
	if (!*seq)
		return "seq 0";
	if (*count > max_extents || *count > SYNCMIRROR_AL_MAX_EXTENTS)
		return "too many extents";
	return NULL;
}

void sm_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
		 u[10], u[11], u[12], u[13], u[14], u[15]);
}

int sm_uuid_parse(const char *text, uint8_t u[16])
{
	unsigned int byte;
	int i = 0;

	while (*text && i < 16) {
		if (*text == '-') {
			text++;
			continue;
		}
		if (!isxdigit((unsigned char)text[0]) ||
		    !isxdigit((unsigned char)text[1]) ||
		    sscanf(text, "%2x", &byte) != 1)
			return -1;
		u[i++] = byte;
		text += 2;
	}
	return (i == 16 && !*text) ? 0 : -1;
}
