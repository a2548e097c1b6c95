// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirror superblock: encode, decode and read.
 *
 * Decoding is pure (a 4096-byte buffer in, a struct syncmirror_md or a
 * ti->error string out) so that KUnit can feed it every kind of damaged or
 * foreign block.  Whether the superblock fits the devices it was found on
 * is the constructor's business: only it knows their sizes.
 */

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/crc32c.h>
#include <linux/gfp.h>
#include <linux/string.h>
#include <linux/syncmirror.h>
#include <kunit/visibility.h>

#include "syncmirror-metadata.h"

static_assert(sizeof(struct syncmirror_sb) <= SYNCMIRROR_SB_SIZE);

/* Standard CRC-32C of the block with its csum field taken as zero. */
u32 syncmirror_md_checksum(const void *block)
{
	static const u8 zero_csum[sizeof(__le32)];
	const size_t csum_offset = offsetof(struct syncmirror_sb, csum);
	const size_t after_csum = csum_offset + sizeof(zero_csum);
	u32 crc;

	crc = crc32c(~0U, block, csum_offset);
	crc = crc32c(crc, zero_csum, sizeof(zero_csum));
	crc = crc32c(crc, block + after_csum, SYNCMIRROR_SB_SIZE - after_csum);
	return ~crc;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_checksum);

/* Fill a whole SYNCMIRROR_SB_SIZE @block, checksum included. */
void syncmirror_md_encode(const struct syncmirror_md *md, void *block)
{
	struct syncmirror_sb *sb = block;

	memset(block, 0, SYNCMIRROR_SB_SIZE);
	sb->magic = cpu_to_le32(SYNCMIRROR_SB_MAGIC);
	sb->version = cpu_to_le32(SYNCMIRROR_SB_VERSION);
	sb->flags = cpu_to_le32((md->internal ? SYNCMIRROR_SB_F_INTERNAL : 0) |
				(md->primary ? SYNCMIRROR_SB_F_PRIMARY : 0) |
				(md->diverged ? SYNCMIRROR_SB_F_DIVERGED : 0));
	memcpy(sb->volume_uuid, md->volume_uuid.b, sizeof(sb->volume_uuid));
	sb->data_sectors = cpu_to_le64(md->data_sectors);
	sb->md_offset = cpu_to_le64(md->md_offset);
	sb->md_size = cpu_to_le64(md->md_size);
	sb->node_id = cpu_to_le32(md->node_id);
	sb->create_time = cpu_to_le64(md->create_time);
	sb->csum = cpu_to_le32(syncmirror_md_checksum(block));
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_encode);

/*
 * Check a superblock read from disk and decode it into @md.  Refuses, with
 * a message for ti->error, anything that is not a version 1 syncmirror
 * superblock that is consistent in itself.
 */
int syncmirror_md_decode(const void *block, struct syncmirror_md *md,
			 char **error)
{
	const struct syncmirror_sb *sb = block;
	u32 flags;

	if (le32_to_cpu(sb->magic) != SYNCMIRROR_SB_MAGIC) {
		*error = "No syncmirror superblock (bad magic)";
		return -EINVAL;
	}
	if (le32_to_cpu(sb->csum) != syncmirror_md_checksum(block)) {
		*error = "Superblock checksum mismatch";
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

	memcpy(md->volume_uuid.b, sb->volume_uuid, sizeof(md->volume_uuid.b));
	md->data_sectors = le64_to_cpu(sb->data_sectors);
	md->md_offset = le64_to_cpu(sb->md_offset);
	md->md_size = le64_to_cpu(sb->md_size);
	md->node_id = le32_to_cpu(sb->node_id);
	md->internal = flags & SYNCMIRROR_SB_F_INTERNAL;
	md->primary = flags & SYNCMIRROR_SB_F_PRIMARY;
	md->diverged = flags & SYNCMIRROR_SB_F_DIVERGED;
	md->create_time = le64_to_cpu(sb->create_time);

	if (md->node_id > SYNCMIRROR_MAX_NODE_ID) {
		*error = "Superblock node id out of range";
		return -EINVAL;
	}
	if (!md->data_sectors) {
		*error = "Superblock data size is zero";
		return -EINVAL;
	}
	if (md->data_sectors > U64_MAX >> SECTOR_SHIFT) {
		*error = "Superblock data size is too large";
		return -EINVAL;
	}
	if (md->md_size < SYNCMIRROR_SB_SIZE ||
	    md->md_offset + md->md_size < md->md_offset) {
		*error = "Superblock metadata area is invalid";
		return -EINVAL;
	}
	/* Internal metadata sits right behind the data it describes. */
	if (md->internal && md->md_offset != (u64)md->data_sectors << SECTOR_SHIFT) {
		*error = "Superblock metadata area overlaps the data";
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_md_decode);

/* Read and decode the superblock at @sector of @bdev. */
int syncmirror_md_read(struct block_device *bdev, sector_t sector,
		       struct syncmirror_md *md, char **error)
{
	struct bio_vec bvec;
	struct page *page;
	struct bio bio;
	int r;

	page = alloc_page(GFP_KERNEL);
	if (!page) {
		*error = "Cannot allocate superblock buffer";
		return -ENOMEM;
	}

	bio_init(&bio, bdev, &bvec, 1, REQ_OP_READ | REQ_SYNC | REQ_META);
	bio.bi_iter.bi_sector = sector;
	__bio_add_page(&bio, page, SYNCMIRROR_SB_SIZE, 0);
	r = submit_bio_wait(&bio);
	bio_uninit(&bio);
	if (r) {
		*error = "Cannot read superblock";
		goto out;
	}

	r = syncmirror_md_decode(page_address(page), md, error);
out:
	__free_page(page);
	return r;
}

/*
 * Write @md as the superblock at @sector of @bdev, durably (flush before,
 * FUA), through @page, the caller's preallocated buffer: this runs on the
 * write path (a write the peer lacks waits for it).  Callers report a
 * state as persistent only once this returned 0.
 */
int syncmirror_md_write(struct block_device *bdev, sector_t sector,
			const struct syncmirror_md *md, struct page *page)
{
	struct bio_vec bvec;
	struct bio bio;
	int r;

	syncmirror_md_encode(md, page_address(page));

	bio_init(&bio, bdev, &bvec, 1, REQ_OP_WRITE | REQ_SYNC | REQ_META |
		 REQ_PREFLUSH | REQ_FUA);
	bio.bi_iter.bi_sector = sector;
	__bio_add_page(&bio, page, SYNCMIRROR_SB_SIZE, 0);
	r = submit_bio_wait(&bio);
	bio_uninit(&bio);
	return r;
}
