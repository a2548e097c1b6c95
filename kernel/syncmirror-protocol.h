/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syncmirror wire protocol (versions 2 and 3): message headers and the hello handshake in
 * host byte order, and their encoding (Documentation/syncmirror-protocol.rst).
 */
#ifndef SYNCMIRROR_PROTOCOL_H
#define SYNCMIRROR_PROTOCOL_H

#include <linux/syncmirror.h>
#include <linux/types.h>
#include <linux/uuid.h>

/**
 * struct syncmirror_msg - a message header in host byte order
 * @type: enum syncmirror_wire_type
 * @flags: SYNCMIRROR_WIRE_F_*
 * @seq: request number, or the request an ACK answers
 * @sector: first sector of a request
 * @size: bytes a request covers
 * @status: ACK result (0 or errno) or ERROR code
 * @payload_len: bytes of payload that follow the header
 * @payload_csum: CRC-32C of that payload (0 if none)
 */
struct syncmirror_msg {
	u16 type;
	u16 flags;
	u64 seq;
	u64 sector;
	u32 size;
	u32 status;
	u32 payload_len;
	u32 payload_csum;
};

/**
 * struct syncmirror_hello - what a node announces when a connection starts
 * @version_min: oldest protocol version it speaks
 * @version_max: newest protocol version it speaks
 * @features: SYNCMIRROR_WIRE_FEAT_* bits
 * @volume_uuid: volume the node belongs to
 * @data_sectors: size of its data
 * @node_id: its node id
 * @max_payload: largest WRITE payload it accepts
 * @role: its role (enum syncmirror_role)
 * @flags: SYNCMIRROR_WIRE_HELLO_F_*
 * @current_uuid: data generation of its copy
 * @bitmap_uuid: generation its bitmap for the peer counts from (0: none)
 * @dirty_regions: bits set in that bitmap
 * @region_shift: log2 of its bitmap regions, sectors
 * @history_uuid: its earlier generations, newest first (version 3)
 * @promote_time: its last promotion, ns since the epoch, 0: unknown (v3)
 * @sb_policy: its after-split-brain policy (v3)
 */
struct syncmirror_hello {
	u16 version_min;
	u16 version_max;
	u32 features;
	uuid_t volume_uuid;
	u64 data_sectors;
	u32 node_id;
	u32 max_payload;
	u32 role;
	u32 flags;
	u64 current_uuid;
	u64 bitmap_uuid;
	u64 dirty_regions;
	u32 region_shift;
	u64 history_uuid[SYNCMIRROR_HISTORY_UUIDS];
	u64 promote_time;
	u32 sb_policy;
};

/**
 * enum syncmirror_sync_verdict - what two connecting copies must do
 * @SYNCMIRROR_SYNC_NO: they are in sync
 * @SYNCMIRROR_SYNC_BE_SOURCE: this node sends the regions its (merged)
 *	bitmap names
 * @SYNCMIRROR_SYNC_BE_TARGET: this node receives them
 * @SYNCMIRROR_SYNC_FULL_SOURCE: this node sends every region
 * @SYNCMIRROR_SYNC_FULL_TARGET: this node receives every region
 */
enum syncmirror_sync_verdict {
	SYNCMIRROR_SYNC_NO,
	SYNCMIRROR_SYNC_BE_SOURCE,
	SYNCMIRROR_SYNC_BE_TARGET,
	SYNCMIRROR_SYNC_FULL_SOURCE,
	SYNCMIRROR_SYNC_FULL_TARGET,
};

/**
 * struct syncmirror_sync_decision - the verdict and, after a split-brain,
 *	what was decided about it
 * @verdict: what the copies do (with SYNCMIRROR_WIRE_ERR_NONE)
 * @split_brain: enum syncmirror_sb_decision from this node's side;
 *	SYNCMIRROR_SB_DECISION_NONE when the copies did not split
 * @common_uuid: the generation both copies descend from
 * @full: the bitmaps do not cover the split (a full sync resolves it)
 * @reason: the decision in words, for the log and status
 */
struct syncmirror_sync_decision {
	enum syncmirror_sync_verdict verdict;
	u32 split_brain;
	u64 common_uuid;
	bool full;
	const char *reason;
};

u32 syncmirror_wire_crc32c(const void *data, size_t len);
void syncmirror_wire_encode_header(const struct syncmirror_msg *msg,
				   struct syncmirror_wire_header *header);
int syncmirror_wire_decode_header(const struct syncmirror_wire_header *header,
				  struct syncmirror_msg *msg,
				  const char **error);
void syncmirror_wire_encode_hello(const struct syncmirror_hello *hello,
				  struct syncmirror_wire_hello *wire);
int syncmirror_wire_decode_hello(const struct syncmirror_wire_hello *wire,
				 u32 len, struct syncmirror_hello *hello);
bool syncmirror_wire_hello_size_ok(u16 version, u32 len);
enum syncmirror_wire_error
syncmirror_wire_check_hello(const struct syncmirror_hello *local,
			    const struct syncmirror_hello *remote,
			    u16 *version);
enum syncmirror_wire_error
syncmirror_wire_sync_verdict(const struct syncmirror_hello *local,
			     const struct syncmirror_hello *remote,
			     struct syncmirror_sync_decision *decision);

#endif /* SYNCMIRROR_PROTOCOL_H */
