// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Superblock encode/decode for the tools.  Must agree byte for byte with
 * the kernel (kernel/syncmirror-metadata.c); tests/tools/smctl_md_test.sh
 * and the KUnit golden checksum hold both to the same CRC-32C.
 */
#include <ctype.h>
#include <endian.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/syncmirror.h>

#include "crc32c.h"
#include "superblock.h"

uint32_t sm_sb_checksum(const void *block)
{
	static const uint8_t zero_csum[4];
	const size_t csum_offset = offsetof(struct syncmirror_sb, csum);
	const size_t after_csum = csum_offset + sizeof(zero_csum);
	uint32_t crc;

	crc = crc32c_update(~0U, block, csum_offset);
	crc = crc32c_update(crc, zero_csum, sizeof(zero_csum));
	crc = crc32c_update(crc, (const uint8_t *)block + after_csum,
			    SYNCMIRROR_SB_SIZE - after_csum);
	return ~crc;
}

void sm_sb_encode(const struct sm_superblock *in, void *block)
{
	struct syncmirror_sb *sb = block;

	memset(block, 0, SYNCMIRROR_SB_SIZE);
	sb->magic = htole32(SYNCMIRROR_SB_MAGIC);
	sb->version = htole32(SYNCMIRROR_SB_VERSION);
	sb->flags = htole32((in->internal ? SYNCMIRROR_SB_F_INTERNAL : 0) |
			    (in->primary ? SYNCMIRROR_SB_F_PRIMARY : 0) |
			    (in->diverged ? SYNCMIRROR_SB_F_DIVERGED : 0));
	memcpy(sb->volume_uuid, in->volume_uuid, sizeof(sb->volume_uuid));
	sb->data_sectors = htole64(in->data_sectors);
	sb->md_offset = htole64(in->md_offset);
	sb->md_size = htole64(in->md_size);
	sb->node_id = htole32(in->node_id);
	sb->create_time = htole64((uint64_t)in->create_time);
	sb->csum = htole32(sm_sb_checksum(block));
}

const char *sm_sb_decode(const void *block, struct sm_superblock *out)
{
	const struct syncmirror_sb *sb = block;
	uint32_t flags;

	if (le32toh(sb->magic) != SYNCMIRROR_SB_MAGIC)
		return "No syncmirror superblock (bad magic)";
	if (le32toh(sb->csum) != sm_sb_checksum(block))
		return "Superblock checksum mismatch";
	if (le32toh(sb->version) != SYNCMIRROR_SB_VERSION)
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
	out->diverged = flags & SYNCMIRROR_SB_F_DIVERGED;
	out->create_time = (int64_t)le64toh(sb->create_time);

	if (out->node_id > SYNCMIRROR_MAX_NODE_ID)
		return "Superblock node id out of range";
	if (!out->data_sectors)
		return "Superblock data size is zero";
	if (out->data_sectors > UINT64_MAX >> 9)
		return "Superblock data size is too large";
	if (out->md_size < SYNCMIRROR_SB_SIZE ||
	    out->md_offset + out->md_size < out->md_offset)
		return "Superblock metadata area is invalid";
	if (out->internal && out->md_offset != out->data_sectors << 9)
		return "Superblock metadata area overlaps the data";
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
