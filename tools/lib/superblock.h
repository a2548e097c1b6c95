/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The syncmirror superblock from userspace: the same encoding and checks
 * as kernel/syncmirror-metadata.c, on the uapi struct syncmirror_sb.
 */
#ifndef SYNCMIRROR_SUPERBLOCK_H
#define SYNCMIRROR_SUPERBLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct sm_superblock {
	uint8_t volume_uuid[16];
	uint64_t data_sectors;
	uint64_t md_offset;
	uint64_t md_size;
	uint32_t node_id;
	bool internal;
	bool primary;		/* promoted, not demoted or removed cleanly */
	bool diverged;		/* the peer lacks writes this node has */
	int64_t create_time;
};

uint32_t sm_sb_checksum(const void *block);
void sm_sb_encode(const struct sm_superblock *sb, void *block);
/* Returns NULL when @block is valid, else the reason (kernel's wording). */
const char *sm_sb_decode(const void *block, struct sm_superblock *sb);

void sm_uuid_format(const uint8_t uuid[16], char out[37]);
int sm_uuid_parse(const char *text, uint8_t uuid[16]);

#endif
