// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirror superblock, version 2: encode, decode, and the two slots.
 *
 * Decoding is pure (a 4096-byte buffer in, a struct syncmirror_md or a
 * ti->error string out) so that KUnit can feed it every kind of damaged or
 * foreign block.  A superblock write goes to the slot that does not hold
 * the newest copy, so a torn write leaves the previous state readable.
 * Whether the metadata area fits the devices it was found on is the
 * constructor's business: only it knows their sizes.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/crc32c.h>
#include <linux/gfp.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/syncmirror.h>
#include <kunit/visibility.h>

#include "syncmirror-metadata.h"

#define BLOCK		SYNCMIRROR_MD_BLOCK_SIZE

static_assert(sizeof(struct syncmirror_sb) <= SYNCMIRROR_SB_SIZE);
static_assert(sizeof(struct syncmirror_sb) == 232);

/*
 * Standard CRC-32C of a metadata block with its 4-byte csum field (at
 * @csum_offset) taken as zero.
 */
u32 syncmirror_md_block_checksum(const void *block, size_t csum_offset)
{
	static const u8 zero_csum[sizeof(__le32)];
	const size_t after_csum = csum_offset + sizeof(zero_csum);
	u32 crc;

	crc = crc32c(~0U, block, csum_offset);
	crc = crc32c(crc, zero_csum, sizeof(zero_csum));
	crc = crc32c(crc, block + after_csum, BLOCK - after_csum);
	return ~crc;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_block_checksum);

u32 syncmirror_md_checksum(const void *block)
{
	return syncmirror_md_block_checksum(block,
					    offsetof(struct syncmirror_sb,
						     csum));
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_checksum);

/* Bitmap regions of the data. */
u64 syncmirror_md_regions(const struct syncmirror_md *md)
{
	return DIV_ROUND_UP_ULL(md->data_sectors, 1ULL << md->region_shift);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_regions);

u64 syncmirror_md_bitmap_blocks(sector_t data_sectors, u32 region_shift)
{
	u64 regions = DIV_ROUND_UP_ULL(data_sectors, 1ULL << region_shift);

	return DIV_ROUND_UP_ULL(regions, SYNCMIRROR_BM_BITS_PER_BLOCK);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_bitmap_blocks);

/*
 * Byte offset of superblock slot @slot: slot 0 where version 1 kept its
 * superblock (the first block of external metadata, the last of internal),
 * slot 1 next to it, inside the area.
 */
u64 syncmirror_md_slot_offset(const struct syncmirror_md *md,
			      unsigned int slot)
{
	if (md->internal)
		return md->md_offset + md->md_size - BLOCK * (1 + slot);
	return md->md_offset + BLOCK * slot;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_slot_offset);

/* Fill a whole SYNCMIRROR_SB_SIZE @block, checksum included. */
void syncmirror_md_encode(const struct syncmirror_md *md, void *block)
{
	struct syncmirror_sb *sb = block;
	unsigned int i;

	memset(block, 0, SYNCMIRROR_SB_SIZE);
	sb->magic = cpu_to_le32(SYNCMIRROR_SB_MAGIC);
	sb->version = cpu_to_le32(SYNCMIRROR_SB_VERSION);
	sb->flags = cpu_to_le32((md->internal ? SYNCMIRROR_SB_F_INTERNAL : 0) |
				(md->primary ? SYNCMIRROR_SB_F_PRIMARY : 0) |
				(md->inconsistent ?
				 SYNCMIRROR_SB_F_INCONSISTENT : 0) |
				(md->gen_pending ?
				 SYNCMIRROR_SB_F_GEN_PENDING : 0));
	memcpy(sb->volume_uuid, md->volume_uuid.b, sizeof(sb->volume_uuid));
	sb->data_sectors = cpu_to_le64(md->data_sectors);
	sb->md_offset = cpu_to_le64(md->md_offset);
	sb->md_size = cpu_to_le64(md->md_size);
	sb->node_id = cpu_to_le32(md->node_id);
	sb->region_shift = cpu_to_le32(md->region_shift);
	sb->create_time = cpu_to_le64(md->create_time);
	sb->seq = cpu_to_le64(md->seq);
	sb->current_uuid = cpu_to_le64(md->current_uuid);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		sb->history_uuid[i] = cpu_to_le64(md->history_uuid[i]);
	sb->al_extent_shift = cpu_to_le32(md->al_extent_shift);
	sb->al_blocks = cpu_to_le32(md->al_blocks);
	sb->al_extents = cpu_to_le32(md->al_extents);
	sb->peer_slots = cpu_to_le32(md->peer_slots);
	sb->bitmap_blocks = cpu_to_le64(md->bitmap_blocks);
	sb->al_offset = cpu_to_le64(md->al_offset);
	sb->bitmap_offset = cpu_to_le64(md->bitmap_offset);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		sb->peer[i].node_id = cpu_to_le32(md->peer[i].node_id);
		sb->peer[i].flags = cpu_to_le32(md->peer[i].flags);
		sb->peer[i].bitmap_uuid = cpu_to_le64(md->peer[i].bitmap_uuid);
	}
	sb->promote_time = cpu_to_le64(md->promote_time);
	sb->csum = cpu_to_le32(syncmirror_md_checksum(block));
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_encode);

static bool overlaps(u64 a, u64 a_len, u64 b, u64 b_len)
{
	return a < b + b_len && b < a + a_len;
}

/* The parts of the metadata area fit it and do not overlap. */
static int check_layout(const struct syncmirror_md *md, char **error)
{
	u64 end = md->md_offset + md->md_size;
	u64 al_len = (u64)md->al_blocks * BLOCK;
	u64 bm_len = md->bitmap_blocks * BLOCK * md->peer_slots;
	u64 sb_start = min(syncmirror_md_slot_offset(md, 0),
			   syncmirror_md_slot_offset(md, 1));

	/* Sector-aligned: a data device need not be a multiple of 4 KiB. */
	if (md->md_size < 2 * BLOCK || end < md->md_offset ||
	    !IS_ALIGNED(md->md_offset, SECTOR_SIZE) ||
	    !IS_ALIGNED(md->md_size, SECTOR_SIZE)) {
		*error = "Superblock metadata area is invalid";
		return -EINVAL;
	}
	/* Internal metadata sits right behind the data it describes. */
	if (md->internal &&
	    md->md_offset != (u64)md->data_sectors << SECTOR_SHIFT) {
		*error = "Superblock metadata area overlaps the data";
		return -EINVAL;
	}
	if (!IS_ALIGNED(md->al_offset, SECTOR_SIZE) ||
	    !IS_ALIGNED(md->bitmap_offset, SECTOR_SIZE) ||
	    md->al_offset < md->md_offset || md->al_offset > end ||
	    al_len > end - md->al_offset ||
	    md->bitmap_offset < md->md_offset || md->bitmap_offset > end ||
	    bm_len > end - md->bitmap_offset ||
	    overlaps(md->al_offset, al_len, md->bitmap_offset, bm_len) ||
	    overlaps(md->al_offset, al_len, sb_start, 2 * BLOCK) ||
	    overlaps(md->bitmap_offset, bm_len, sb_start, 2 * BLOCK)) {
		*error = "Superblock activity log or bitmap outside the metadata area";
		return -EINVAL;
	}
	return 0;
}

/* The geometry of the activity log and the bitmaps makes sense. */
static int check_geometry(const struct syncmirror_md *md, char **error)
{
	/* One region is one resync request: at most a wire payload. */
	if (md->region_shift < 3 || md->region_shift > 11) {
		*error = "Superblock region size out of range (4 KiB to 1 MiB)";
		return -EINVAL;
	}
	if (md->al_extent_shift < max(md->region_shift, 11U) ||
	    md->al_extent_shift > 26) {
		*error = "Superblock AL extent size out of range (1 MiB-32 GiB, >= region)";
		return -EINVAL;
	}
	/* A write of up to 1 MiB may span two extents: both must fit. */
	if (md->al_extents < 2 ||
	    md->al_extents > SYNCMIRROR_AL_MAX_EXTENTS) {
		*error = "Superblock activity-log extent count out of range";
		return -EINVAL;
	}
	/* A torn transaction must leave an older one to fall back to. */
	if (md->al_blocks < 2 || md->al_blocks > 65536) {
		*error = "Superblock activity-log ring size out of range";
		return -EINVAL;
	}
	if (md->peer_slots < 1 || md->peer_slots > SYNCMIRROR_MAX_PEER_SLOTS) {
		*error = "Superblock peer slot count out of range";
		return -EINVAL;
	}
	if (md->bitmap_blocks !=
	    syncmirror_md_bitmap_blocks(md->data_sectors, md->region_shift)) {
		*error = "Superblock bitmap size does not match the data size";
		return -EINVAL;
	}
	return 0;
}

/* Each peer slot names a node of the volume, or none. */
static bool peers_ok(const struct syncmirror_md *md)
{
	unsigned int i;

	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++)
		if (md->peer[i].node_id != SYNCMIRROR_NO_NODE &&
		    md->peer[i].node_id > SYNCMIRROR_MAX_NODE_ID)
			return false;
	return true;
}

/*
 * Check a superblock read from disk and decode it into @md.  Refuses, with
 * a message for ti->error, anything that is not a version 2 syncmirror
 * superblock that is consistent in itself.
 */
int syncmirror_md_decode(const void *block, struct syncmirror_md *md,
			 char **error)
{
	const struct syncmirror_sb *sb = block;
	unsigned int i;
	u32 flags;
	int r;

	if (le32_to_cpu(sb->magic) != SYNCMIRROR_SB_MAGIC) {
		*error = "No syncmirror superblock (bad magic)";
		return -EINVAL;
	}
	if (le32_to_cpu(sb->csum) != syncmirror_md_checksum(block)) {
		*error = "Superblock checksum mismatch";
		return -EINVAL;
	}
	if (le32_to_cpu(sb->version) == SYNCMIRROR_SB_VERSION_1) {
		*error = "Superblock version 1 is not supported: run smctl create-md --force";
		return -EINVAL;
	}
	if (le32_to_cpu(sb->version) != SYNCMIRROR_SB_VERSION) {
		*error = "Unsupported superblock version";
		return -EINVAL;
	}
	flags = le32_to_cpu(sb->flags);
	if (flags & ~SYNCMIRROR_SB_F_KNOWN) {
		*error = "Unknown superblock flags";
		return -EINVAL;
	}

	memset(md, 0, sizeof(*md));
	memcpy(md->volume_uuid.b, sb->volume_uuid, sizeof(md->volume_uuid.b));
	md->data_sectors = le64_to_cpu(sb->data_sectors);
	md->md_offset = le64_to_cpu(sb->md_offset);
	md->md_size = le64_to_cpu(sb->md_size);
	md->node_id = le32_to_cpu(sb->node_id);
	md->internal = flags & SYNCMIRROR_SB_F_INTERNAL;
	md->primary = flags & SYNCMIRROR_SB_F_PRIMARY;
	md->inconsistent = flags & SYNCMIRROR_SB_F_INCONSISTENT;
	md->gen_pending = flags & SYNCMIRROR_SB_F_GEN_PENDING;
	md->create_time = le64_to_cpu(sb->create_time);
	md->seq = le64_to_cpu(sb->seq);
	md->current_uuid = le64_to_cpu(sb->current_uuid);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++)
		md->history_uuid[i] = le64_to_cpu(sb->history_uuid[i]);
	md->region_shift = le32_to_cpu(sb->region_shift);
	md->al_extent_shift = le32_to_cpu(sb->al_extent_shift);
	md->al_blocks = le32_to_cpu(sb->al_blocks);
	md->al_extents = le32_to_cpu(sb->al_extents);
	md->peer_slots = le32_to_cpu(sb->peer_slots);
	md->bitmap_blocks = le64_to_cpu(sb->bitmap_blocks);
	md->al_offset = le64_to_cpu(sb->al_offset);
	md->bitmap_offset = le64_to_cpu(sb->bitmap_offset);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++) {
		md->peer[i].node_id = le32_to_cpu(sb->peer[i].node_id);
		md->peer[i].flags = le32_to_cpu(sb->peer[i].flags);
		md->peer[i].bitmap_uuid = le64_to_cpu(sb->peer[i].bitmap_uuid);
	}
	md->promote_time = le64_to_cpu(sb->promote_time);

	if (md->node_id > SYNCMIRROR_MAX_NODE_ID) {
		*error = "Superblock node id out of range";
		return -EINVAL;
	}
	if (!peers_ok(md)) {
		*error = "Superblock peer node id out of range";
		return -EINVAL;
	}
	if (!md->data_sectors) {
		*error = "Superblock data size is zero";
		return -EINVAL;
	}
	if (md->data_sectors > U64_MAX >> (SECTOR_SHIFT + 1)) {
		*error = "Superblock data size is too large";
		return -EINVAL;
	}
	if (!md->inconsistent && !md->current_uuid) {
		*error = "Superblock says consistent but names no data generation";
		return -EINVAL;
	}
	r = check_geometry(md, error);
	if (r)
		return r;
	return check_layout(md, error);
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_decode);

/*
 * The superblock from its two slots: the valid one with the highest seq.
 * With neither valid, slot 0's reason (where version 1 kept its only
 * superblock, so the most telling one).
 */
int syncmirror_md_pick(const void *slot0, const void *slot1,
		       struct syncmirror_md *md, char **error)
{
	struct syncmirror_md md0, md1;
	char *error1 = NULL;
	int r0, r1;

	r0 = syncmirror_md_decode(slot0, &md0, error);
	r1 = syncmirror_md_decode(slot1, &md1, &error1);
	/* Slots of two different volumes: refuse rather than guess. */
	if (!r0 && !r1 && (!uuid_equal(&md0.volume_uuid, &md1.volume_uuid) ||
			   md0.md_offset != md1.md_offset ||
			   md0.internal != md1.internal)) {
		*error = "Superblock slots describe different metadata";
		return -EINVAL;
	}
	if (!r1 && (r0 || md1.seq > md0.seq)) {
		*md = md1;
		md->slot = 1;
		return 0;
	}
	if (r0)
		return r0;
	*md = md0;
	md->slot = 0;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_pick);

/* A synchronous one-block metadata read at byte @offset. */
int syncmirror_md_read_block(struct block_device *bdev, u64 offset,
			     struct page *page)
{
	struct bio_vec bvec;
	struct bio bio;
	int r;

	bio_init(&bio, bdev, &bvec, 1, REQ_OP_READ | REQ_SYNC | REQ_META);
	bio.bi_iter.bi_sector = offset >> SECTOR_SHIFT;
	__bio_add_page(&bio, page, BLOCK, 0);
	r = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return r;
}

/*
 * A synchronous one-block metadata write at byte @offset with @flags
 * (REQ_FUA, REQ_PREFLUSH) added, through the caller's @page: this runs on
 * the write path, which must not allocate.
 */
int syncmirror_md_write_block(struct block_device *bdev, u64 offset,
			      struct page *page, blk_opf_t flags)
{
	struct bio_vec bvec;
	struct bio bio;
	int r;

	bio_init(&bio, bdev, &bvec, 1, REQ_OP_WRITE | REQ_SYNC | REQ_META |
		 flags);
	bio.bi_iter.bi_sector = offset >> SECTOR_SHIFT;
	__bio_add_page(&bio, page, BLOCK, 0);
	r = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return r;
}

/*
 * Read and pick the superblock whose slot 0 is at byte @slot0_offset of
 * @bdev (slot 1 is behind it for internal metadata, after it otherwise).
 */
int syncmirror_md_read(struct block_device *bdev, u64 slot0_offset,
		       bool internal, struct syncmirror_md *md, char **error)
{
	u64 slot1_offset = internal ? slot0_offset - BLOCK :
				      slot0_offset + BLOCK;
	struct page *pages[2];
	int r = -ENOMEM;

	pages[0] = alloc_page(GFP_KERNEL);
	pages[1] = alloc_page(GFP_KERNEL);
	if (!pages[0] || !pages[1]) {
		*error = "Cannot allocate superblock buffer";
		goto out;
	}
	r = syncmirror_md_read_block(bdev, slot0_offset, pages[0]);
	if (!r)
		r = syncmirror_md_read_block(bdev, slot1_offset, pages[1]);
	if (r) {
		*error = "Cannot read superblock";
		goto out;
	}
	r = syncmirror_md_pick(page_address(pages[0]),
			       page_address(pages[1]), md, error);
out:
	if (pages[1])
		__free_page(pages[1]);
	if (pages[0])
		__free_page(pages[0]);
	return r;
}

/*
 * Write @md as the next superblock: seq one higher, into the slot that does
 * not hold the newest copy, durably (flush before, FUA).  On success @md's
 * seq and slot say what is on disk.  Callers report a state as persistent
 * only once this returned 0.
 */
int syncmirror_md_write(struct block_device *bdev, struct syncmirror_md *md,
			struct page *page)
{
	struct syncmirror_md next = *md;
	int r;

	next.seq++;
	next.slot = !md->slot;
	syncmirror_md_encode(&next, page_address(page));
	r = syncmirror_md_write_block(bdev, syncmirror_md_slot_offset(&next,
								      next.slot),
				      page, REQ_PREFLUSH | REQ_FUA);
	if (!r) {
		md->seq = next.seq;
		md->slot = next.slot;
	}
	return r;
}

/*
 * This copy starts a new data generation @uuid (a write its peer lacks, or
 * a promotion without it): the old one goes into the history.
 */
void syncmirror_md_new_generation(struct syncmirror_md *md, u64 uuid)
{
	memmove(&md->history_uuid[1], &md->history_uuid[0],
		sizeof(md->history_uuid) - sizeof(md->history_uuid[0]));
	md->history_uuid[0] = md->current_uuid;
	md->current_uuid = uuid;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_new_generation);

/*
 * Back to the generation before a pending one (no write completed in
 * it): the bits stay set, as after a crash as primary.  The draw set the
 * bitmap's generation to the old one only when it had none, so a bitmap
 * generation equal to the restored one was none before.
 */
void syncmirror_md_revert_generation(struct syncmirror_md *md)
{
	md->current_uuid = md->history_uuid[0];
	memmove(&md->history_uuid[0], &md->history_uuid[1],
		sizeof(md->history_uuid) - sizeof(md->history_uuid[0]));
	md->history_uuid[SYNCMIRROR_HISTORY_UUIDS - 1] = 0;
	if (md->peer[0].bitmap_uuid == md->current_uuid)
		md->peer[0].bitmap_uuid = 0;
	md->gen_pending = false;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_revert_generation);
