/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * syncmirror: ABI shared by the dm-syncmirror module and its tools.
 *
 * The device-mapper table line and the on-disk superblock.  The generic
 * netlink family and the wire protocol constants join them as they are
 * defined.  See Documentation/syncmirror.rst.
 */
#ifndef _UAPI_LINUX_SYNCMIRROR_H
#define _UAPI_LINUX_SYNCMIRROR_H

#include <linux/types.h>

/* Target name in a device-mapper table line. */
#define SYNCMIRROR_TARGET_NAME			"syncmirror"

/* Metadata argument of the table line naming internal metadata. */
#define SYNCMIRROR_META_INTERNAL		"internal"

/* Feature arguments of the table line. */
#define SYNCMIRROR_FEATURE_NO_DISCARD_PASSDOWN	"no_discard_passdown"

/*
 * On-disk superblock, format version 1.
 *
 * One 4096-byte block, all integers little-endian.  With external metadata
 * it is the first block of the metadata device; with internal metadata it
 * is the last 4096 bytes of the data device.  @csum is the standard CRC-32C
 * (Castagnoli; initial value and final xor 0xffffffff) of the whole block
 * computed with @csum set to zero.  Bytes past the named fields are zero in
 * version 1 and reserved for later versions.
 */
#define SYNCMIRROR_SB_MAGIC		0x524d5953	/* "SYMR" on disk */
#define SYNCMIRROR_SB_VERSION		1
#define SYNCMIRROR_SB_SIZE		4096
#define SYNCMIRROR_MAX_NODE_ID		31

/* Superblock flags */
#define SYNCMIRROR_SB_F_INTERNAL	(1U << 0)	/* metadata inside data dev */
#define SYNCMIRROR_SB_F_KNOWN		SYNCMIRROR_SB_F_INTERNAL

struct syncmirror_sb {
	__le32 magic;		/* SYNCMIRROR_SB_MAGIC */
	__le32 csum;		/* CRC-32C of the block, this field zero */
	__le32 version;		/* SYNCMIRROR_SB_VERSION */
	__le32 flags;		/* SYNCMIRROR_SB_F_* */
	__u8 volume_uuid[16];	/* same on every node of the volume */
	__le64 data_sectors;	/* size of the mirrored data, 512-byte units */
	__le64 md_offset;	/* metadata area: byte offset on the meta dev */
	__le64 md_size;		/* metadata area: bytes, superblock included */
	__le32 node_id;		/* this node, 0..SYNCMIRROR_MAX_NODE_ID */
	__le32 pad0;		/* zero */
	__le64 create_time;	/* creation, seconds since the epoch (UTC) */
};				/* 72 bytes used; the rest of the block zero */

#endif /* _UAPI_LINUX_SYNCMIRROR_H */
