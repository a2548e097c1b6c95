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
 * On a local write error the target detaches its data disk (the default:
 * the primary goes on through the peer); with this feature it reports the
 * error to the writer instead and keeps the disk.
 */
#define SYNCMIRROR_FEATURE_IO_ERROR_PASS	"io_error_pass"

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
 *            and PEER_ROLE; DISK_STATE, PEER_DISK_STATE, REGION_SIZE,
 *            OUT_OF_SYNC_BYTES, AL_CAPACITY_BYTES, CURRENT_UUID,
 *            BITMAP_UUID, SYNC_STATE, SYNC_PAUSED, SYNC_TOTAL_BYTES,
 *            SYNC_DONE_BYTES, SYNC_RATE, SYNC_MIN_RATE, SYNC_MAX_RATE,
 *            RESYNCED_BYTES, RESYNC_RECEIVED_BYTES, VERIFY_STATE,
 *            VERIFY_TOTAL_BYTES, VERIFY_DONE_BYTES, VERIFY_MISMATCHES,
 *            HISTORY_UUIDS, PROMOTE_TIME, SB_POLICY, RESOLVE_PENDING,
 *            SB_DECISION (+ SB_TIME, SB_PEER_NODE_ID, SB_LOCAL_CHANGES,
 *            SB_PEER_CHANGES, SB_COMMON_UUID, SB_FULL, SB_REASON when
 *            not NONE); after a hello PEER_CURRENT_UUID,
 *            PEER_BITMAP_UUID, PEER_CHANGES
 *   SYNCMIRROR_CMD_SET_ROLE    VOLUME_NAME, ROLE, [FORCE], [GENERATION]
 *                              (admin); FORCE promotes an inconsistent
 *                              copy (the first promotion of a new
 *                              volume); a promotion while the link is not
 *                              connected starts a new data generation
 *                              (GENERATION, odd, or a random one)
 *   SYNCMIRROR_CMD_CONNECT     VOLUME_NAME, SOCKET_FD,
 *                              [PING_TIMEOUT_MS], [SB_POLICY],
 *                              [TRANSPORT_SECURITY], [DATA_CSUM]
 *                              (admin): take over a connected,
 *                              authenticated TCP socket to the peer and
 *                              start the protocol on it; unless
 *                              TRANSPORT_SECURITY says NONE, only a
 *                              socket with kernel TLS 1.3 installed in
 *                              both directions is taken
 *   SYNCMIRROR_CMD_DISCONNECT  VOLUME_NAME  (admin)
 *   SYNCMIRROR_CMD_RESYNC      VOLUME_NAME, [RESYNC_ACTION],
 *                              [RESYNC_MIN_RATE], [RESYNC_MAX_RATE]
 *                              (admin): pause or resume the resync, set
 *                              its rate limits (bytes/s, 0: no maximum)
 *   SYNCMIRROR_CMD_VERIFY      VOLUME_NAME, [VERIFY_ACTION]  (admin):
 *                              start (default) or stop an online verify
 *                              against the connected peer
 *   SYNCMIRROR_CMD_QUORUM      VOLUME_NAME, QUORUM_ACTION, [QUORUM_POLICY],
 *                              [QUORUM_UNTIL_NS], [QUORUM_GEN],
 *                              [QUORUM_TERM]  (admin): the quorum fence
 *   SYNCMIRROR_CMD_RESOLVE     VOLUME_NAME, [RESOLVE_ACTION]  (admin):
 *                              after a refused split-brain, on a
 *                              secondary without a link: discard this
 *                              copy's changes at the next link (or cancel)
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
	SYNCMIRROR_CMD_RESYNC,
	SYNCMIRROR_CMD_VERIFY,
	SYNCMIRROR_CMD_RESOLVE,
	SYNCMIRROR_CMD_QUORUM,

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
	SYNCMIRROR_ATTR_DISK_STATE,	/* u32, enum syncmirror_disk_state */
	SYNCMIRROR_ATTR_PEER_DISK_STATE,	/* u32, as the peer says */
	SYNCMIRROR_ATTR_REGION_SIZE,	/* u32, bytes per bitmap bit */
	SYNCMIRROR_ATTR_OUT_OF_SYNC_BYTES,	/* u64, set bits x region */
	SYNCMIRROR_ATTR_AL_CAPACITY_BYTES,	/* u64, extents x extent size */
	SYNCMIRROR_ATTR_CURRENT_UUID,	/* u64, data generation */
	SYNCMIRROR_ATTR_BITMAP_UUID,	/* u64, generation the bitmap counts from */
	SYNCMIRROR_ATTR_SYNC_STATE,	/* u32, enum syncmirror_sync_state */
	SYNCMIRROR_ATTR_SYNC_PAUSED,	/* u8 */
	SYNCMIRROR_ATTR_SYNC_TOTAL_BYTES,	/* u64, to move when it began */
	SYNCMIRROR_ATTR_SYNC_DONE_BYTES,	/* u64, moved since it began */
	SYNCMIRROR_ATTR_SYNC_RATE,	/* u64, bytes/s over the last second */
	SYNCMIRROR_ATTR_SYNC_MIN_RATE,	/* u64, bytes/s */
	SYNCMIRROR_ATTR_SYNC_MAX_RATE,	/* u64, bytes/s, 0: no limit */
	SYNCMIRROR_ATTR_RESYNCED_BYTES,	/* u64, sent as sync source, ever */
	SYNCMIRROR_ATTR_RESYNC_RECEIVED_BYTES,	/* u64, as sync target */
	SYNCMIRROR_ATTR_RESYNC_ACTION,	/* u32, enum syncmirror_resync_action */
	SYNCMIRROR_ATTR_RESYNC_MIN_RATE,	/* u64, bytes/s */
	SYNCMIRROR_ATTR_RESYNC_MAX_RATE,	/* u64, bytes/s, 0: no limit */
	SYNCMIRROR_ATTR_VERIFY_ACTION,	/* u32, enum syncmirror_verify_action */
	SYNCMIRROR_ATTR_VERIFY_STATE,	/* u32, 0 idle, 1 running */
	SYNCMIRROR_ATTR_VERIFY_TOTAL_BYTES,	/* u64 */
	SYNCMIRROR_ATTR_VERIFY_DONE_BYTES,	/* u64 */
	SYNCMIRROR_ATTR_VERIFY_MISMATCHES,	/* u64, regions found different */
	SYNCMIRROR_ATTR_VERIFY_FIRST_MISMATCH,	/* u64, byte offset of the first */
	SYNCMIRROR_ATTR_FORCE,		/* flag: SET_ROLE of an inconsistent copy */
	SYNCMIRROR_ATTR_RESOLVE_ACTION,	/* u32, enum syncmirror_resolve_action */
	SYNCMIRROR_ATTR_RESOLVE_PENDING,	/* u8, 1: this copy is to be discarded */
	SYNCMIRROR_ATTR_GENERATION,	/* u64, SET_ROLE: the new generation */
	SYNCMIRROR_ATTR_SB_POLICY,	/* u32, enum syncmirror_sb_policy */
	SYNCMIRROR_ATTR_SB_DECISION,	/* u32, enum syncmirror_sb_decision */
	SYNCMIRROR_ATTR_SB_TIME,	/* u64, epoch s of that decision */
	SYNCMIRROR_ATTR_SB_PEER_NODE_ID,	/* u32 */
	SYNCMIRROR_ATTR_SB_LOCAL_CHANGES,	/* u64, regions changed here */
	SYNCMIRROR_ATTR_SB_PEER_CHANGES,	/* u64, regions changed there */
	SYNCMIRROR_ATTR_SB_COMMON_UUID,	/* u64, generation both descend from */
	SYNCMIRROR_ATTR_SB_FULL,	/* u8, 1: the bitmaps do not cover it */
	SYNCMIRROR_ATTR_SB_REASON,	/* string, the decision in words */
	SYNCMIRROR_ATTR_HISTORY_UUIDS,	/* binary, 4 x u64 (host order) */
	SYNCMIRROR_ATTR_PROMOTE_TIME,	/* u64, ns since the epoch, 0: unknown */
	SYNCMIRROR_ATTR_PEER_CURRENT_UUID,	/* u64, from the peer's hello */
	SYNCMIRROR_ATTR_PEER_BITMAP_UUID,	/* u64, from the peer's hello */
	SYNCMIRROR_ATTR_PEER_CHANGES,	/* u64, peer's dirty regions (hello) */
	SYNCMIRROR_ATTR_QUORUM_ACTION,	/* u32, enum syncmirror_quorum_action */
	SYNCMIRROR_ATTR_QUORUM_POLICY,	/* u32, enum syncmirror_quorum_policy */
	SYNCMIRROR_ATTR_QUORUM_UNTIL_NS,	/* u64, CLOCK_MONOTONIC deadline */
	SYNCMIRROR_ATTR_QUORUM_GEN,	/* u64, generation the voters recorded */
	SYNCMIRROR_ATTR_QUORUM_TERM,	/* u64, for reporting */
	SYNCMIRROR_ATTR_QUORUM_STATE,	/* u32, enum syncmirror_quorum_state */
	SYNCMIRROR_ATTR_QUORUM_REMAINING_MS,	/* u32, 0 when expired */
	SYNCMIRROR_ATTR_QUORUM_HELD,	/* u32, bios held */
	SYNCMIRROR_ATTR_QUORUM_SINCE,	/* u64, state entered (epoch s) */
	SYNCMIRROR_ATTR_GEN_PENDING,	/* u8, generation not yet recorded */
	SYNCMIRROR_ATTR_QUORUM_SINCE_NS,	/* u64, the same in ns (realtime) */
	SYNCMIRROR_ATTR_QUORUM_CHANGES,	/* u64, state changes so far */
	SYNCMIRROR_ATTR_TRANSPORT_SECURITY,	/* u32, enum syncmirror_security */
	SYNCMIRROR_ATTR_DATA_CSUM,	/* u32, enum syncmirror_data_csum */
	SYNCMIRROR_ATTR_TLS_CIPHER,	/* u32, the link's TLS_CIPHER_* */

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
	SYNCMIRROR_EVENT_DISK,		/* disk state or out-of-sync changed */
	SYNCMIRROR_EVENT_RESYNC,	/* resync began, paused, resumed, ended */
	SYNCMIRROR_EVENT_VERIFY,	/* verify began or ended */
	SYNCMIRROR_EVENT_SPLIT_BRAIN,	/* a split-brain decision was taken */
	SYNCMIRROR_EVENT_QUORUM,	/* quorum state or held I/O changed */
};

/*
 * QUORUM: the fence.  Armed, a write the peer did not acknowledge
 * completes only while a lease is valid (CLOCK_MONOTONIC < UNTIL_NS) for
 * the volume's current generation; otherwise it is held (suspend) or
 * failed (error).  See Documentation/syncmirror-failover.rst.
 */
enum syncmirror_quorum_action {
	SYNCMIRROR_QUORUM_LEASE,	/* arm, or extend the lease */
	SYNCMIRROR_QUORUM_DISABLE,	/* stop enforcing; held I/O goes on */
	SYNCMIRROR_QUORUM_FAIL_HELD,	/* fail held and new I/O (deposed) */
};

enum syncmirror_quorum_policy {
	SYNCMIRROR_QUORUM_POLICY_UNSPEC,
	SYNCMIRROR_QUORUM_POLICY_SUSPEND,	/* hold I/O until quorum is back */
	SYNCMIRROR_QUORUM_POLICY_ERROR,		/* fail it with EIO */
};

enum syncmirror_quorum_state {
	SYNCMIRROR_QUORUM_NONE,		/* not enforced */
	SYNCMIRROR_QUORUM_HAVE,		/* a valid lease */
	SYNCMIRROR_QUORUM_LOST,		/* armed, no valid lease */
	SYNCMIRROR_QUORUM_FAILING,	/* FAIL_HELD: all I/O fails */
};

/* after-split-brain: what a split-brain both sides' bitmaps cover does */
enum syncmirror_sb_policy {
	SYNCMIRROR_SB_POLICY_DISCONNECT,	/* refuse; resolve by hand */
	SYNCMIRROR_SB_POLICY_ZERO_CHANGES,	/* discard the side that wrote nothing */
	SYNCMIRROR_SB_POLICY_LEAST_CHANGES,	/* discard the side that changed less */
	SYNCMIRROR_SB_POLICY_YOUNGER_PRIMARY,	/* discard the later promotion */
	__SYNCMIRROR_SB_POLICY_MAX,
};

/* The last split-brain decision of a volume (SB_DECISION) */
enum syncmirror_sb_decision {
	SYNCMIRROR_SB_DECISION_NONE,
	SYNCMIRROR_SB_DECISION_REFUSED,
	SYNCMIRROR_SB_DECISION_MANUAL_LOCAL,	/* resolve: this copy discarded */
	SYNCMIRROR_SB_DECISION_MANUAL_PEER,	/* resolve: the peer's discarded */
	SYNCMIRROR_SB_DECISION_AUTO_LOCAL,	/* policy: this copy discarded */
	SYNCMIRROR_SB_DECISION_AUTO_PEER,	/* policy: the peer's discarded */
};

enum syncmirror_resolve_action {
	SYNCMIRROR_RESOLVE_DISCARD_LOCAL,	/* at the next link, this copy loses */
	SYNCMIRROR_RESOLVE_CANCEL,
};

/* discard-younger-primary refuses promotions closer than this (ns) */
#define SYNCMIRROR_PROMOTE_SKEW_NS	(5ULL * 1000 * 1000 * 1000)

enum syncmirror_disk_state {
	SYNCMIRROR_DISK_UNKNOWN,	/* the peer's, before its hello */
	SYNCMIRROR_DISK_UP_TO_DATE,	/* a consistent, current copy */
	SYNCMIRROR_DISK_INCONSISTENT,	/* new, or a resync target not done */
	SYNCMIRROR_DISK_OUTDATED,	/* consistent, but the peer is newer */
	SYNCMIRROR_DISK_DISKLESS,	/* detached after an I/O error */
};

enum syncmirror_sync_state {
	SYNCMIRROR_SYNC_NONE,		/* no resync */
	SYNCMIRROR_SYNC_WAIT_BITMAP,	/* source, waiting for the peer's bitmap */
	SYNCMIRROR_SYNC_SOURCE,		/* sending out-of-sync regions */
	SYNCMIRROR_SYNC_TARGET,		/* receiving them */
};

enum syncmirror_resync_action {
	SYNCMIRROR_RESYNC_NONE,
	SYNCMIRROR_RESYNC_PAUSE,
	SYNCMIRROR_RESYNC_RESUME,
	SYNCMIRROR_RESYNC_START,	/* resync the out-of-sync regions now */
};

enum syncmirror_verify_action {
	SYNCMIRROR_VERIFY_START,
	SYNCMIRROR_VERIFY_STOP,
};

/* RESYNC: defaults of the rate limits (bytes/s). */
#define SYNCMIRROR_RESYNC_MIN_RATE_DEFAULT	(4ULL << 20)
#define SYNCMIRROR_RESYNC_MAX_RATE_DEFAULT	0	/* no limit */
/* RESYNC: the largest rate limit taken, 1 TiB/s (more is refused). */
#define SYNCMIRROR_RESYNC_RATE_MAX		(1ULL << 40)

/* CONNECT: default and range of SYNCMIRROR_ATTR_PING_TIMEOUT_MS. */
#define SYNCMIRROR_PING_TIMEOUT_MS_DEFAULT	5000
#define SYNCMIRROR_PING_TIMEOUT_MS_MIN		1000
#define SYNCMIRROR_PING_TIMEOUT_MS_MAX		60000

/*
 * CONNECT: what the link's socket must carry (TRANSPORT_SECURITY).  TLS,
 * the default, takes only a socket on which userspace completed a TLS 1.3
 * handshake and installed kernel TLS (TLS_TX and TLS_RX); NONE takes a
 * plain TCP socket too (the operator's explicit choice).  In a volume's
 * attributes: what the link has.
 */
enum syncmirror_security {
	SYNCMIRROR_SECURITY_TLS,
	SYNCMIRROR_SECURITY_NONE,
};

/*
 * CONNECT: CRC-32C of WRITE and read payloads (DATA_CSUM).  AUTO, the
 * default: off on a TLS link (its AEAD tag covers every byte), on
 * without.  OFF is a wish: the link drops the checksums only when both
 * hellos offer it (SYNCMIRROR_WIRE_FEAT_NO_DATA_CSUM).  In a volume's
 * attributes: ON or OFF, what the link does.
 */
enum syncmirror_data_csum {
	SYNCMIRROR_DATA_CSUM_AUTO,
	SYNCMIRROR_DATA_CSUM_ON,
	SYNCMIRROR_DATA_CSUM_OFF,
};

enum syncmirror_conn_state {
	SYNCMIRROR_CONN_NONE,		/* no peer link */
	SYNCMIRROR_CONN_HANDSHAKE,	/* socket taken over, hello sent */
	SYNCMIRROR_CONN_CONNECTED,	/* hellos agreed, link alive */
	SYNCMIRROR_CONN_REFUSED,	/* hellos disagreed (see reason) */
	SYNCMIRROR_CONN_LOST,		/* timeout, socket error or close */
};

/*
 * On-disk metadata, format version 2 (Documentation/syncmirror-metadata.rst).
 *
 * All integers little-endian, all blocks 4096 bytes, every block checksummed
 * with the standard CRC-32C (Castagnoli; initial value and final xor
 * 0xffffffff) of the block computed with its @csum field set to zero.
 *
 * The metadata area holds two superblock slots, the activity-log ring and
 * one dirty bitmap per peer slot.  Slot 0 is where version 1 kept its only
 * superblock: with external metadata the first block of the area, with
 * internal metadata the last 4096 bytes of the data device.  Slot 1 is the
 * block after slot 0 (external) or before it (internal).  The valid slot
 * with the highest @seq is the superblock; writes alternate between them.
 */
#define SYNCMIRROR_SB_MAGIC		0x524d5953	/* "SYMR" on disk */
#define SYNCMIRROR_SB_VERSION_1		1	/* superblock only; refused */
#define SYNCMIRROR_SB_VERSION		2
#define SYNCMIRROR_SB_SIZE		4096
#define SYNCMIRROR_MD_BLOCK_SIZE	4096
#define SYNCMIRROR_MAX_NODE_ID		31
#define SYNCMIRROR_MAX_PEER_SLOTS	4
#define SYNCMIRROR_NO_NODE		0xffffffffU
#define SYNCMIRROR_HISTORY_UUIDS	4

/* Superblock flags */
#define SYNCMIRROR_SB_F_INTERNAL	(1U << 0)	/* metadata inside data dev */
#define SYNCMIRROR_SB_F_PRIMARY		(1U << 1)	/* promoted, not demoted */
#define SYNCMIRROR_SB_F_DIVERGED	(1U << 2)	/* version 1 only */
#define SYNCMIRROR_SB_F_INCONSISTENT	(1U << 3)	/* data not a usable copy */
#define SYNCMIRROR_SB_F_GEN_PENDING	(1U << 4)	/* no write done in it yet */
#define SYNCMIRROR_SB_F_KNOWN		(SYNCMIRROR_SB_F_INTERNAL | \
					 SYNCMIRROR_SB_F_PRIMARY | \
					 SYNCMIRROR_SB_F_INCONSISTENT | \
					 SYNCMIRROR_SB_F_GEN_PENDING)

/* Peer slot flags */
#define SYNCMIRROR_PEER_F_FULL_SYNC	(1U << 0)	/* bitmap not trusted */

/* Defaults of smctl create-md */
#define SYNCMIRROR_REGION_SHIFT_DEFAULT	7	/* 64 KiB regions */
#define SYNCMIRROR_AL_EXTENT_SHIFT_DEFAULT 13	/* 4 MiB extents */
#define SYNCMIRROR_AL_BLOCKS_DEFAULT	64
#define SYNCMIRROR_AL_EXTENTS_DEFAULT	127

struct syncmirror_sb_peer {
	__le32 node_id;		/* SYNCMIRROR_NO_NODE: slot free */
	__le32 flags;		/* SYNCMIRROR_PEER_F_* */
	__le64 bitmap_uuid;	/* generation the bitmap counts from, 0: none */
};

struct syncmirror_sb {
	__le32 magic;		/* SYNCMIRROR_SB_MAGIC */
	__le32 csum;		/* CRC-32C of the block, this field zero */
	__le32 version;		/* SYNCMIRROR_SB_VERSION */
	__le32 flags;		/* SYNCMIRROR_SB_F_* */
	__u8 volume_uuid[16];	/* same on every node of the volume */
	__le64 data_sectors;	/* size of the mirrored data, 512-byte units */
	__le64 md_offset;	/* metadata area: byte offset on the meta dev */
	__le64 md_size;		/* metadata area: bytes */
	__le32 node_id;		/* this node, 0..SYNCMIRROR_MAX_NODE_ID */
	__le32 region_shift;	/* log2 of a bitmap region, in sectors */
	__le64 create_time;	/* creation, seconds since the epoch (UTC) */
	/* version 2 from here */
	__le64 seq;		/* slot generation: the highest valid wins */
	__le64 current_uuid;	/* data generation of this copy, 0: none */
	__le64 history_uuid[SYNCMIRROR_HISTORY_UUIDS];	/* newest first */
	__le32 al_extent_shift;	/* log2 of an activity-log extent, sectors */
	__le32 al_blocks;	/* blocks in the activity-log ring */
	__le32 al_extents;	/* extents one transaction may hold */
	__le32 peer_slots;	/* bitmaps, 1..SYNCMIRROR_MAX_PEER_SLOTS */
	__le64 bitmap_blocks;	/* blocks per bitmap */
	__le64 al_offset;	/* byte offset of the ring on the meta dev */
	__le64 bitmap_offset;	/* byte offset of slot 0's bitmap */
	struct syncmirror_sb_peer peer[SYNCMIRROR_MAX_PEER_SLOTS];
	/* added within version 2: reads 0 (unknown) on older superblocks */
	__le64 promote_time;	/* last promotion, ns since the epoch */
};				/* 232 bytes used; the rest of the block zero */

/*
 * Dirty bitmap block: a header, then SYNCMIRROR_BM_BITS_PER_BLOCK bits,
 * bit n of the block in byte n / 8 at bit n % 8.  A set bit: that region
 * may differ on the peer.  A damaged block reads as all ones.
 */
#define SYNCMIRROR_BM_MAGIC		0x504d4253	/* "SBMP" */

struct syncmirror_bm_header {
	__le32 magic;		/* SYNCMIRROR_BM_MAGIC */
	__le32 csum;		/* CRC-32C of the block, this field zero */
	__le32 index;		/* block number within its bitmap */
	__le32 peer_slot;	/* which bitmap */
};

#define SYNCMIRROR_BM_BYTES_PER_BLOCK	(SYNCMIRROR_MD_BLOCK_SIZE - \
					 sizeof(struct syncmirror_bm_header))
#define SYNCMIRROR_BM_BITS_PER_BLOCK	(SYNCMIRROR_BM_BYTES_PER_BLOCK * 8)

/*
 * Activity-log transaction block: the whole set of extents in which
 * writes may be in flight, @count extent numbers after the header.
 */
#define SYNCMIRROR_AL_MAGIC		0x4c414d53	/* "SMAL" */

struct syncmirror_al_header {
	__le32 magic;		/* SYNCMIRROR_AL_MAGIC */
	__le32 csum;		/* CRC-32C of the block, this field zero */
	__le64 seq;		/* transaction number, +1 each */
	__le32 count;		/* extents that follow */
	__le32 pad;		/* zero */
};				/* then __le32 extent[count] */

#define SYNCMIRROR_AL_MAX_EXTENTS	((SYNCMIRROR_MD_BLOCK_SIZE - \
					  sizeof(struct syncmirror_al_header)) / \
					 sizeof(__le32))

/*
 * Wire protocol, version 3 (Documentation/syncmirror-protocol.rst).
 * Every message: a struct syncmirror_wire_header, then payload_len bytes.
 * All integers big-endian; checksums CRC-32C.
 */
#define SYNCMIRROR_WIRE_MAGIC		0x534d5031	/* "SMP1" */
#define SYNCMIRROR_WIRE_VERSION		3
#define SYNCMIRROR_WIRE_VERSION_MIN	2	/* oldest spoken */
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
	SYNCMIRROR_WIRE_BITMAP,		/* sync target's bitmap, to the source */
	SYNCMIRROR_WIRE_RESYNC_DONE,	/* source: every region sent and acked */
	SYNCMIRROR_WIRE_VERIFY,		/* request: checksum your copy of a range */
	SYNCMIRROR_WIRE_READ,		/* request: send your copy (in the ACK) */

	__SYNCMIRROR_WIRE_TYPE_MAX,
};

#define SYNCMIRROR_WIRE_TYPE_MAX	(__SYNCMIRROR_WIRE_TYPE_MAX - 1)

/* Header flags: FUA, PREFLUSH and RESYNC on WRITE, LAST on BITMAP */
#define SYNCMIRROR_WIRE_F_FUA		(1U << 0)
#define SYNCMIRROR_WIRE_F_PREFLUSH	(1U << 1)
#define SYNCMIRROR_WIRE_F_RESYNC	(1U << 2)	/* resync data */
#define SYNCMIRROR_WIRE_F_LAST		(1U << 3)	/* last bitmap part */
#define SYNCMIRROR_WIRE_F_KNOWN		(SYNCMIRROR_WIRE_F_FUA | \
					 SYNCMIRROR_WIRE_F_PREFLUSH | \
					 SYNCMIRROR_WIRE_F_RESYNC | \
					 SYNCMIRROR_WIRE_F_LAST)

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
	SYNCMIRROR_WIRE_ERR_SPLIT_BRAIN,	/* both wrote without the other */
	SYNCMIRROR_WIRE_ERR_UNRELATED,		/* no common data generation */
	SYNCMIRROR_WIRE_ERR_NO_SOURCE,		/* neither copy is consistent */
	SYNCMIRROR_WIRE_ERR_TARGET_PRIMARY,	/* the older copy is primary */
	SYNCMIRROR_WIRE_ERR_GEOMETRY,		/* region sizes differ */
	SYNCMIRROR_WIRE_ERR_STALE_PEER,		/* the diskless node's peer lacks writes */
	SYNCMIRROR_WIRE_ERR_BOTH_DISKLESS,	/* neither node has a disk */
	SYNCMIRROR_WIRE_ERR_POLICY_MISMATCH,	/* after-split-brain differs */
	SYNCMIRROR_WIRE_ERR_RESOLVE_CONFLICT,	/* both asked to discard their copy */
};

/* Hello flags */
#define SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT	(1U << 1)	/* see SB flag */
#define SYNCMIRROR_WIRE_HELLO_F_CRASHED		(1U << 2)	/* crashed primary */
#define SYNCMIRROR_WIRE_HELLO_F_DISKLESS	(1U << 3)	/* no local disk */
#define SYNCMIRROR_WIRE_HELLO_F_DISCARD_LOCAL	(1U << 4)	/* v3: resolve */
#define SYNCMIRROR_WIRE_HELLO_F_ALL	(SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT | \
					 SYNCMIRROR_WIRE_HELLO_F_CRASHED | \
					 SYNCMIRROR_WIRE_HELLO_F_DISKLESS | \
					 SYNCMIRROR_WIRE_HELLO_F_DISCARD_LOCAL)

/*
 * Hello features: what the sender can do.  NO_DATA_CSUM: it would rather
 * not checksum WRITE and read payloads, and takes them with payload_csum
 * 0; the link drops those checksums when both hellos say so.
 */
#define SYNCMIRROR_WIRE_FEAT_NO_DATA_CSUM	(1U << 0)

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
	__be32 features;	/* SYNCMIRROR_WIRE_FEAT_* */
	__u8 volume_uuid[16];
	__be64 data_sectors;
	__be32 node_id;
	__be32 max_payload;	/* largest WRITE payload accepted */
	__be32 role;		/* enum syncmirror_role of the sender */
	__be32 flags;		/* SYNCMIRROR_WIRE_HELLO_F_* */
	/* version 2 from here */
	__be64 current_uuid;	/* data generation of the sender's copy */
	__be64 bitmap_uuid;	/* generation its bitmap for us counts from */
	__be64 dirty_regions;	/* bits set in that bitmap */
	__be32 region_shift;	/* log2 of a bitmap region, sectors */
	__be32 reserved;	/* zero */
	/* version 3 from here */
	__be64 history_uuid[SYNCMIRROR_HISTORY_UUIDS];	/* newest first */
	__be64 promote_time;	/* ns since the epoch, 0: unknown */
	__be32 sb_policy;	/* enum syncmirror_sb_policy */
	__be32 reserved3;	/* zero */
};				/* 128 bytes; 80 in version 2 */

#define SYNCMIRROR_WIRE_HELLO_V2_SIZE	80

/* RESYNC_DONE payload: the generation the target now has. */
struct syncmirror_wire_resync_done {
	__be64 current_uuid;
	__be64 bytes;		/* bytes this resync moved */
};

#endif /* _UAPI_LINUX_SYNCMIRROR_H */
