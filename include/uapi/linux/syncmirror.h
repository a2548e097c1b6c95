/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * syncmirror: ABI shared by the dm-syncmirror module and its tools.
 *
 * The device-mapper table line, the generic netlink family, the on-disk
 * superblock and the wire protocol.  See Documentation/syncmirror.rst and
 * Documentation/syncmirror-protocol.rst.
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
 * Generic netlink family "syncmirror" (Documentation/syncmirror.rst).
 *
 * Volumes are named by their device-mapper name.  Commands that change
 * state need CAP_NET_ADMIN.  Volume up/down, role changes and peer link
 * changes after the handover are sent to the "events" multicast group as
 * SYNCMIRROR_CMD_EVENT with the volume's attributes.
 *
 *   SYNCMIRROR_CMD_GET_VOLUME  doit: VOLUME_NAME -> one volume
 *                              dumpit: every volume
 *     reply: VOLUME_NAME, ROLE, VOLUME_UUID, NODE_ID, DATA_SECTORS,
 *            OPEN_COUNT, DIVERGED (+ DIVERGED_SINCE when set),
 *            REPLICATED_WRITES, LOCAL_ONLY_WRITES,
 *            CONN_STATE, CONN_REASON; with a link CONN_SINCE,
 *            PING_TIMEOUT_MS and, once the hellos agreed, PEER_NODE_ID
 *            and PEER_ROLE
 *   SYNCMIRROR_CMD_SET_ROLE    VOLUME_NAME, ROLE  (admin)
 *   SYNCMIRROR_CMD_CONNECT     VOLUME_NAME, SOCKET_FD,
 *                              [PING_TIMEOUT_MS]  (admin): take over a
 *                              connected, authenticated TCP socket to the
 *                              peer and start the protocol on it
 *   SYNCMIRROR_CMD_DISCONNECT  VOLUME_NAME  (admin)
 *   SYNCMIRROR_CMD_EVENT       multicast only: EVENT, then the volume's
 *                              attributes as for GET_VOLUME; an event
 *                              caused by an admin command also carries
 *                              ACTOR_CMD, ACTOR_UID, ACTOR_PID and
 *                              ACTOR_COMM (who asked for it, for audit)
 */
#define SYNCMIRROR_GENL_NAME		"syncmirror"
#define SYNCMIRROR_GENL_VERSION		1
#define SYNCMIRROR_GENL_MCAST_EVENTS	"events"

enum syncmirror_cmd {
	SYNCMIRROR_CMD_UNSPEC,
	SYNCMIRROR_CMD_GET_VOLUME,
	SYNCMIRROR_CMD_SET_ROLE,
	SYNCMIRROR_CMD_EVENT,
	SYNCMIRROR_CMD_CONNECT,
	SYNCMIRROR_CMD_DISCONNECT,

	__SYNCMIRROR_CMD_MAX,
};

#define SYNCMIRROR_CMD_MAX	(__SYNCMIRROR_CMD_MAX - 1)

enum syncmirror_attr {
	SYNCMIRROR_ATTR_UNSPEC,
	SYNCMIRROR_ATTR_VOLUME_NAME,	/* string, device-mapper name */
	SYNCMIRROR_ATTR_ROLE,		/* u32, enum syncmirror_role */
	SYNCMIRROR_ATTR_VOLUME_UUID,	/* binary, 16 bytes */
	SYNCMIRROR_ATTR_NODE_ID,	/* u32 */
	SYNCMIRROR_ATTR_DATA_SECTORS,	/* u64 */
	SYNCMIRROR_ATTR_OPEN_COUNT,	/* u32, openers of the volume */
	SYNCMIRROR_ATTR_EVENT,		/* u32, enum syncmirror_event */
	SYNCMIRROR_ATTR_PAD,
	SYNCMIRROR_ATTR_SOCKET_FD,	/* u32, in the caller's fd table */
	SYNCMIRROR_ATTR_CONN_STATE,	/* u32, enum syncmirror_conn_state */
	SYNCMIRROR_ATTR_CONN_REASON,	/* string, why the state is what it is */
	SYNCMIRROR_ATTR_PEER_NODE_ID,	/* u32, once the hellos agreed */
	SYNCMIRROR_ATTR_CONN_SINCE,	/* u64, link state entered (epoch s) */
	SYNCMIRROR_ATTR_PEER_ROLE,	/* u32, enum syncmirror_role */
	SYNCMIRROR_ATTR_PING_TIMEOUT_MS,	/* u32, peer lost after this */
	SYNCMIRROR_ATTR_DIVERGED,	/* u8, 1: writes the peer lacks */
	SYNCMIRROR_ATTR_DIVERGED_SINCE,	/* u64, epoch s */
	SYNCMIRROR_ATTR_REPLICATED_WRITES,	/* u64, acked by the peer */
	SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES,	/* u64, done without the peer */
	SYNCMIRROR_ATTR_ACTOR_CMD,	/* u32, enum syncmirror_cmd */
	SYNCMIRROR_ATTR_ACTOR_UID,	/* u32, caller's uid */
	SYNCMIRROR_ATTR_ACTOR_PID,	/* u32, caller's pid */
	SYNCMIRROR_ATTR_ACTOR_COMM,	/* string, caller's command name */

	__SYNCMIRROR_ATTR_MAX,
};

#define SYNCMIRROR_ATTR_MAX	(__SYNCMIRROR_ATTR_MAX - 1)

enum syncmirror_role {
	SYNCMIRROR_ROLE_UNSPEC,
	SYNCMIRROR_ROLE_SECONDARY,	/* application I/O refused */
	SYNCMIRROR_ROLE_PRIMARY,	/* serves application I/O */
};

enum syncmirror_event {
	SYNCMIRROR_EVENT_UNSPEC,
	SYNCMIRROR_EVENT_VOLUME_UP,	/* first table of a volume loaded */
	SYNCMIRROR_EVENT_VOLUME_DOWN,	/* last table of a volume gone */
	SYNCMIRROR_EVENT_ROLE,		/* role changed */
	SYNCMIRROR_EVENT_CONNECTION,	/* peer link state changed */
	SYNCMIRROR_EVENT_DISK,		/* copies diverged (or not) */
};

/* CONNECT: default and range of SYNCMIRROR_ATTR_PING_TIMEOUT_MS. */
#define SYNCMIRROR_PING_TIMEOUT_MS_DEFAULT	5000
#define SYNCMIRROR_PING_TIMEOUT_MS_MIN		1000
#define SYNCMIRROR_PING_TIMEOUT_MS_MAX		60000

enum syncmirror_conn_state {
	SYNCMIRROR_CONN_NONE,		/* no peer link */
	SYNCMIRROR_CONN_HANDSHAKE,	/* socket taken over, hello sent */
	SYNCMIRROR_CONN_CONNECTED,	/* hellos agreed, link alive */
	SYNCMIRROR_CONN_REFUSED,	/* hellos disagreed (see reason) */
	SYNCMIRROR_CONN_LOST,		/* timeout, socket error or close */
};

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
#define SYNCMIRROR_SB_F_PRIMARY		(1U << 1)	/* promoted, not demoted */
#define SYNCMIRROR_SB_F_DIVERGED	(1U << 2)	/* peer lacks some writes */
#define SYNCMIRROR_SB_F_KNOWN		(SYNCMIRROR_SB_F_INTERNAL | \
					 SYNCMIRROR_SB_F_PRIMARY | \
					 SYNCMIRROR_SB_F_DIVERGED)

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

/*
 * Wire protocol, version 1 (Documentation/syncmirror-protocol.rst).
 * Every message: a struct syncmirror_wire_header, then payload_len bytes.
 * All integers big-endian; checksums CRC-32C.
 */
#define SYNCMIRROR_WIRE_MAGIC		0x534d5031	/* "SMP1" */
#define SYNCMIRROR_WIRE_VERSION		1
#define SYNCMIRROR_WIRE_MAX_PAYLOAD	(1024 * 1024)
#define SYNCMIRROR_WIRE_MAX_ERROR_TEXT	256

enum syncmirror_wire_type {
	SYNCMIRROR_WIRE_UNSPEC,
	SYNCMIRROR_WIRE_HELLO,
	SYNCMIRROR_WIRE_WRITE,
	SYNCMIRROR_WIRE_DISCARD,
	SYNCMIRROR_WIRE_WRITE_ZEROES,
	SYNCMIRROR_WIRE_FLUSH,
	SYNCMIRROR_WIRE_ACK,
	SYNCMIRROR_WIRE_PING,
	SYNCMIRROR_WIRE_PING_ACK,
	SYNCMIRROR_WIRE_DISCONNECT,
	SYNCMIRROR_WIRE_ERROR,
	SYNCMIRROR_WIRE_STATE,

	__SYNCMIRROR_WIRE_TYPE_MAX,
};

#define SYNCMIRROR_WIRE_TYPE_MAX	(__SYNCMIRROR_WIRE_TYPE_MAX - 1)

/* Header flags, WRITE only */
#define SYNCMIRROR_WIRE_F_FUA		(1U << 0)
#define SYNCMIRROR_WIRE_F_PREFLUSH	(1U << 1)
#define SYNCMIRROR_WIRE_F_KNOWN		(SYNCMIRROR_WIRE_F_FUA | \
					 SYNCMIRROR_WIRE_F_PREFLUSH)

/* ERROR status codes */
enum syncmirror_wire_error {
	SYNCMIRROR_WIRE_ERR_NONE,
	SYNCMIRROR_WIRE_ERR_VERSION,
	SYNCMIRROR_WIRE_ERR_UUID,
	SYNCMIRROR_WIRE_ERR_SIZE,
	SYNCMIRROR_WIRE_ERR_NODE_ID,
	SYNCMIRROR_WIRE_ERR_PROTOCOL,
	SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED,
	SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY,
};

/* Hello flags */
#define SYNCMIRROR_WIRE_HELLO_F_DIVERGED	(1U << 0)

struct syncmirror_wire_header {
	__be32 magic;		/* SYNCMIRROR_WIRE_MAGIC */
	__be16 type;		/* enum syncmirror_wire_type */
	__be16 flags;		/* SYNCMIRROR_WIRE_F_* */
	__be64 seq;		/* request number, or the one acknowledged */
	__be64 sector;		/* first sector of a request */
	__be32 size;		/* bytes a request covers */
	__be32 status;		/* ACK: 0 or errno; ERROR: error code */
	__be32 payload_len;	/* bytes after the header */
	__be32 payload_csum;	/* CRC-32C of the payload, 0 if empty */
	__be32 reserved;	/* zero */
	__be32 header_csum;	/* CRC-32C of the header, this field zero */
};				/* 48 bytes */

struct syncmirror_wire_hello {
	__be16 version_min;
	__be16 version_max;
	__be32 features;	/* none defined in version 1 */
	__u8 volume_uuid[16];
	__be64 data_sectors;
	__be32 node_id;
	__be32 max_payload;	/* largest WRITE payload accepted */
	__be32 role;		/* enum syncmirror_role of the sender */
	__be32 flags;		/* SYNCMIRROR_WIRE_HELLO_F_* */
};				/* 48 bytes */

#endif /* _UAPI_LINUX_SYNCMIRROR_H */
