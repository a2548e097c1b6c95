// SPDX-License-Identifier: GPL-2.0-only
/*
 * seed-gen DIR: write the seed corpus of every fuzz target into
 * DIR/<target>/ (make -C tests/fuzz seeds).  Each seed is a small valid
 * input in the target's format (fuzz.h), encoded by the code under test
 * itself (the kernel's and the tools' encoders), so that the fuzzers
 * start from messages and metadata that pass every check.
 */
#include <errno.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "syncmirror-activity-log.h"
#include "syncmirror-bitmap.h"
#include "syncmirror-metadata.h"
#include "syncmirror-protocol.h"
#include "hbproto.h"
#include "superblock.h"
#include "fuzz.h"

#define BLOCK		SYNCMIRROR_MD_BLOCK_SIZE
#define MAX_SEED	(2 * BLOCK)

static const char *top;

/* A seed being put together, then written as DIR/<target>/<name>. */
struct seed {
	u8 bytes[MAX_SEED];
	size_t len;
};

static void add(struct seed *s, const void *data, size_t len)
{
	if (s->len + len > sizeof(s->bytes)) {
		fprintf(stderr, "seed-gen: seed too large\n");
		exit(1);
	}
	memcpy(s->bytes + s->len, data, len);
	s->len += len;
}

static void add_le(struct seed *s, u64 value, size_t bytes)
{
	while (bytes--) {
		u8 b = value;

		add(s, &b, 1);
		value >>= 8;
	}
}

/* Trailing zeroes need not be written: targets pad with them. */
static void add_trimmed(struct seed *s, const u8 *data, size_t len)
{
	while (len && !data[len - 1])
		len--;
	add(s, data, len);
}

static void write_seed(const char *target, const char *name,
		       const struct seed *s)
{
	char path[4096];
	FILE *file;

	snprintf(path, sizeof(path), "%s/%s", top, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", top, target, name);
	file = fopen(path, "w");
	if (!file || fwrite(s->bytes, 1, s->len, file) != s->len ||
	    fclose(file)) {
		perror(path);
		exit(1);
	}
}

static void write_text(const char *target, const char *name,
		       const char *text)
{
	struct seed s = { .len = 0 };

	add(&s, text, strlen(text));
	write_seed(target, name, &s);
}

/* wire-header */
static void header_seed(const char *name, struct syncmirror_msg msg)
{
	struct syncmirror_wire_header header;
	struct seed s = { .len = 0 };

	syncmirror_wire_encode_header(&msg, &header);
	add_le(&s, FUZZ_FIX_CSUM, 1);
	add(&s, &header, sizeof(header));
	write_seed("wire-header", name, &s);
}

#define MSG(...)	((struct syncmirror_msg){ __VA_ARGS__ })

static void wire_header_seeds(void)
{
	header_seed("hello", MSG(.type = SYNCMIRROR_WIRE_HELLO,
				 .payload_len = 128, .payload_csum = 7));
	header_seed("hello-v2", MSG(.type = SYNCMIRROR_WIRE_HELLO,
				    .payload_len = 80, .payload_csum = 7));
	header_seed("write", MSG(.type = SYNCMIRROR_WIRE_WRITE,
				 .flags = SYNCMIRROR_WIRE_F_FUA, .seq = 7,
				 .sector = 2048, .size = 4096,
				 .payload_len = 4096, .payload_csum = 9));
	header_seed("resync-write", MSG(.type = SYNCMIRROR_WIRE_WRITE,
					.flags = SYNCMIRROR_WIRE_F_RESYNC |
						 SYNCMIRROR_WIRE_F_FUA,
					.seq = 8, .size = 65536,
					.payload_len = 65536,
					.payload_csum = 3));
	header_seed("discard", MSG(.type = SYNCMIRROR_WIRE_DISCARD, .seq = 1,
				   .sector = 8, .size = 1 << 20));
	header_seed("write-zeroes", MSG(.type = SYNCMIRROR_WIRE_WRITE_ZEROES,
					.seq = 2, .size = 512));
	header_seed("flush", MSG(.type = SYNCMIRROR_WIRE_FLUSH, .seq = 3));
	header_seed("ack", MSG(.type = SYNCMIRROR_WIRE_ACK, .seq = 9,
			       .status = 5));
	header_seed("read-ack", MSG(.type = SYNCMIRROR_WIRE_ACK, .seq = 9,
				    .size = 4096, .payload_len = 4096,
				    .payload_csum = 1));
	header_seed("ping", MSG(.type = SYNCMIRROR_WIRE_PING, .seq = 4));
	header_seed("ping-ack", MSG(.type = SYNCMIRROR_WIRE_PING_ACK,
				    .seq = 4));
	header_seed("disconnect", MSG(.type = SYNCMIRROR_WIRE_DISCONNECT));
	header_seed("error", MSG(.type = SYNCMIRROR_WIRE_ERROR, .status = 8,
				 .payload_len = 20, .payload_csum = 2));
	header_seed("state", MSG(.type = SYNCMIRROR_WIRE_STATE, .status = 2));
	header_seed("bitmap", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
				  .flags = SYNCMIRROR_WIRE_F_LAST,
				  .sector = 16, .payload_len = 4096,
				  .payload_csum = 5));
	header_seed("resync-done", MSG(.type = SYNCMIRROR_WIRE_RESYNC_DONE,
				       .payload_len = 16, .payload_csum = 6));
	header_seed("verify", MSG(.type = SYNCMIRROR_WIRE_VERIFY, .seq = 5,
				  .size = 1 << 20));
	header_seed("read", MSG(.type = SYNCMIRROR_WIRE_READ, .seq = 6,
				.sector = 64, .size = 8192));
}

/* hello */
static const uuid_t volume = { { 0x0b, 0x6f, 0x5c, 0x1a, 0x7e, 0x0d, 0x4c,
				 0x55, 0x9a, 0x3e, 0x5b, 0x1f, 0x0c, 0x2d,
				 0x3e, 0x4f } };

static struct syncmirror_hello kernel_hello(void)
{
	struct syncmirror_hello h = {
		.version_min = SYNCMIRROR_WIRE_VERSION_MIN,
		.version_max = SYNCMIRROR_WIRE_VERSION,
		.volume_uuid = volume,
		.data_sectors = 2095104,
		.node_id = 0,
		.max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD,
		.role = SYNCMIRROR_ROLE_SECONDARY,
		.current_uuid = 0xa1a1a1a1a1a1a1a1ULL,
		.region_shift = 7,
	};

	return h;
}

static void hello_seed(const char *name, const struct syncmirror_hello *h,
		       bool v2, u8 local_node, u8 local_role)
{
	struct syncmirror_wire_hello wire;
	struct seed s = { .len = 0 };

	syncmirror_wire_encode_hello(h, &wire);
	add_le(&s, FUZZ_HELLO_SAME_UUID | FUZZ_HELLO_SAME_SIZE |
		   FUZZ_HELLO_SAME_REGIONS | (v2 ? FUZZ_HELLO_V2_SIZE |
					      FUZZ_HELLO_LOCAL_V2 : 0), 1);
	add(&s, &wire, sizeof(wire));
	add_le(&s, local_node, 1);
	add_le(&s, local_role, 1);
	write_seed("hello", name, &s);
}

static void hello_seeds(void)
{
	struct syncmirror_hello h = kernel_hello();

	hello_seed("secondary", &h, false, 1, 0);
	h.version_max = 2;
	hello_seed("version-2", &h, true, 1, 0);
	h = kernel_hello();
	h.role = SYNCMIRROR_ROLE_PRIMARY;
	h.flags = SYNCMIRROR_WIRE_HELLO_F_CRASHED;
	h.bitmap_uuid = 0x0101010101010101ULL;
	h.dirty_regions = 300;
	h.history_uuid[0] = 0x0202020202020202ULL;
	h.history_uuid[1] = 0x0303030303030303ULL;
	h.promote_time = 1764590000123456789ULL;
	h.sb_policy = SYNCMIRROR_SB_POLICY_LEAST_CHANGES;
	hello_seed("crashed-primary", &h, false, 1, 0);
	h = kernel_hello();
	h.current_uuid = 0;
	h.flags = SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT;
	hello_seed("never-synced", &h, false, 1, 1);
	h.flags |= SYNCMIRROR_WIRE_HELLO_F_DISKLESS;
	hello_seed("diskless", &h, false, 1, 1);
}

/*
 * sync-verdict: one node, as sync-verdict.c reads it.  Generations are
 * indexes into its pool: 0 none, 2 A, 3 B, 4 C, 6 X.
 */
struct side {
	u8 flags;		/* byte 0 */
	u8 node_id;
	u8 policy;
	u8 current, bitmap;
	u8 history[4];
	u8 dirty;
	u8 promoted;		/* seconds after T0 */
	u8 version_min;
};

#define INCONSISTENT	0x02
#define CRASHED		0x04
#define DISKLESS	0x08
#define DISCARD		0x10
#define PRIMARY		0x20
#define V2		0x40
#define GA		2
#define GB		3
#define GC		4
#define GX		6

static void add_side(struct seed *s, const struct side *side)
{
	add(s, side, sizeof(*side));
}

static void verdict_seed(const char *name, struct side a, struct side b)
{
	struct seed s = { .len = 0 };

	_Static_assert(sizeof(struct side) == FUZZ_SIDE_BYTES, "side bytes");
	b.node_id = 1;
	add_side(&s, &a);
	add_side(&s, &b);
	write_seed("sync-verdict", name, &s);
}

#define SIDE(...)	((struct side){ __VA_ARGS__ })

static void verdict_seeds(void)
{
	verdict_seed("in-sync", SIDE(.current = GA), SIDE(.current = GA));
	verdict_seed("bits-here", SIDE(.current = GA, .dirty = 5),
		     SIDE(.current = GA));
	verdict_seed("both-bits-crashed",
		     SIDE(.flags = CRASHED, .current = GA, .dirty = 2),
		     SIDE(.current = GA, .dirty = 3));
	verdict_seed("never-synced", SIDE(.flags = INCONSISTENT),
		     SIDE(.current = GA));
	verdict_seed("resync-interrupted",
		     SIDE(.flags = INCONSISTENT, .current = GA),
		     SIDE(.current = GB, .bitmap = GA, .dirty = 4));
	verdict_seed("peer-wrote", SIDE(.current = GA),
		     SIDE(.flags = PRIMARY, .current = GB, .bitmap = GA,
			  .dirty = 6));
	verdict_seed("split-brain", SIDE(.current = GB, .bitmap = GA, .dirty = 1),
		     SIDE(.current = GC, .bitmap = GA, .dirty = 2));
	verdict_seed("discard-local",
		     SIDE(.flags = DISCARD, .current = GB, .bitmap = GA,
			  .dirty = 4),
		     SIDE(.flags = PRIMARY, .current = GC, .bitmap = GA,
			  .dirty = 7));
	verdict_seed("zero-changes",
		     SIDE(.policy = 1, .current = GB, .bitmap = GA),
		     SIDE(.policy = 1, .current = GC, .bitmap = GA,
			  .dirty = 6));
	verdict_seed("least-changes",
		     SIDE(.policy = 2, .current = GB, .bitmap = GA,
			  .dirty = 7),
		     SIDE(.policy = 2, .current = GC, .bitmap = GA,
			  .dirty = 1));
	verdict_seed("younger-primary",
		     SIDE(.policy = 3, .promoted = 1, .current = GB,
			  .bitmap = GA, .dirty = 1),
		     SIDE(.policy = 3, .promoted = 31, .current = GC,
			  .bitmap = GA, .dirty = 5));
	verdict_seed("ancestor", SIDE(.current = GC, .history = { GB, GA }),
		     SIDE(.current = GA));
	verdict_seed("parted-before-bitmaps",
		     SIDE(.current = GB, .history = { GA }),
		     SIDE(.current = GC, .history = { GX, GA }));
	verdict_seed("diskless", SIDE(.flags = DISKLESS | INCONSISTENT |
					       PRIMARY, .current = GA),
		     SIDE(.current = GA));
	verdict_seed("version-2", SIDE(.current = GA),
		     SIDE(.flags = V2, .current = GA));
	verdict_seed("dual-primary", SIDE(.flags = PRIMARY, .current = GB,
					  .bitmap = GA),
		     SIDE(.flags = PRIMARY, .current = GC, .bitmap = GA));
}

/* superblock: an area smctl create-md would lay out. */
static struct syncmirror_md new_md(bool internal)
{
	struct sm_superblock sb = {
		.internal = internal,
		.region_shift = SYNCMIRROR_REGION_SHIFT_DEFAULT,
		.al_blocks = SYNCMIRROR_AL_BLOCKS_DEFAULT,
		.peer_slots = 1,
		.data_sectors = internal ? 2095104 : 2097152,
		.md_offset = internal ? 2095104ULL * 512 : 0,
		.md_size = internal ? 1 << 20 : 64 << 20,
	};
	struct syncmirror_md md = {
		.volume_uuid = volume,
		.data_sectors = sb.data_sectors,
		.md_offset = sb.md_offset,
		.md_size = sb.md_size,
		.node_id = 0,
		.internal = internal,
		.create_time = 1764590000,
		.seq = 1,
		.current_uuid = 0xa1a1a1a1a1a1a1a1ULL,
		.region_shift = SYNCMIRROR_REGION_SHIFT_DEFAULT,
		.al_extent_shift = SYNCMIRROR_AL_EXTENT_SHIFT_DEFAULT,
		.al_blocks = SYNCMIRROR_AL_BLOCKS_DEFAULT,
		.al_extents = SYNCMIRROR_AL_EXTENTS_DEFAULT,
		.peer_slots = 1,
	};
	int i;

	sb.bitmap_blocks = sm_md_bitmap_blocks(sb.data_sectors,
					       sb.region_shift);
	if (sm_md_layout(&sb, sb.md_offset + sb.md_size)) {
		fprintf(stderr, "seed-gen: the seed layout does not fit\n");
		exit(1);
	}
	md.bitmap_blocks = sb.bitmap_blocks;
	md.al_offset = sb.al_offset;
	md.bitmap_offset = sb.bitmap_offset;
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++)
		md.peer[i].node_id = SYNCMIRROR_NO_NODE;
	return md;
}

static void add_slot(struct seed *s, const struct syncmirror_md *md)
{
	static u8 block[BLOCK];

	memset(block, 0, sizeof(block));
	if (md)
		syncmirror_md_encode(md, block);
	add(s, block, FUZZ_SB_BYTES);
}

static void sb_seed(const char *name, const struct syncmirror_md *slot0,
		    const struct syncmirror_md *slot1)
{
	struct seed s = { .len = 0 };

	add_le(&s, FUZZ_FIX_CSUM | FUZZ_FIX_CSUM_1 | FUZZ_SB_LAYOUT |
		   FUZZ_SB_LAYOUT_1, 1);
	add_slot(&s, slot0);
	add_slot(&s, slot1);
	write_seed("superblock", name, &s);
}

/* External metadata in the last MiB below 2^64: its parts end near it. */
static struct syncmirror_md md_at_the_end(void)
{
	struct syncmirror_md md = new_md(false);

	md.md_offset = 0xfffffffffff00000ULL;
	md.md_size = 0xffe00;
	md.al_offset = md.md_offset + 2 * BLOCK;
	md.bitmap_offset = md.al_offset + (u64)md.al_blocks * BLOCK;
	return md;
}

static void superblock_seeds(void)
{
	struct syncmirror_md md = new_md(false), newer;

	sb_seed("external", &md, NULL);
	md = md_at_the_end();
	sb_seed("external-at-the-end", &md, NULL);
	md = new_md(false);
	md.inconsistent = true;
	md.current_uuid = 0;
	sb_seed("external-new", &md, NULL);
	md = new_md(true);
	sb_seed("internal", &md, NULL);
	newer = md;
	newer.seq = 2;
	newer.primary = true;
	newer.gen_pending = true;
	newer.promote_time = 1764590000123456789ULL;
	newer.peer[0].bitmap_uuid = md.current_uuid;
	syncmirror_md_new_generation(&newer, 0xb2b2b2b2b2b2b2b3ULL);
	sb_seed("internal-two-slots", &md, &newer);
	newer.volume_uuid.b[0] ^= 1;
	sb_seed("two-volumes", &md, &newer);
}

/* activity-log: the set in a log, as the kernel encodes it. */
static void al_seed(const char *name, u32 max, u32 shift, const u32 *extents,
		    u32 count)
{
	static u8 block[BLOCK];
	struct seed s = { .len = 0 };
	struct syncmirror_al al;
	u32 i, where;

	if (syncmirror_al_init(&al, max, shift, SYNCMIRROR_AL_BLOCKS_DEFAULT))
		exit(1);
	syncmirror_al_loaded(&al, 41, 3);
	for (i = 0; i < count; i++)
		syncmirror_al_begin(&al, (sector_t)extents[i] << shift,
				    (sector_t)extents[i] << shift);
	syncmirror_al_encode(&al, block, &where);
	syncmirror_al_exit(&al);
	add_le(&s, FUZZ_FIX_CSUM, 1);
	add_le(&s, max - 2, 2);
	add_le(&s, shift - 11, 1);
	add_le(&s, where, 1);
	add_trimmed(&s, block, sizeof(block));
	write_seed("activity-log", name, &s);
}

static void activity_log_seeds(void)
{
	static u32 many[SYNCMIRROR_AL_EXTENTS_DEFAULT];
	static const u32 some[] = { 1, 2, 9 };
	u32 i;

	al_seed("empty", SYNCMIRROR_AL_EXTENTS_DEFAULT, 13, NULL, 0);
	al_seed("three", SYNCMIRROR_AL_EXTENTS_DEFAULT, 13, some, 3);
	al_seed("two-of-two", 2, 11, some, 2);
	for (i = 0; i < SYNCMIRROR_AL_EXTENTS_DEFAULT; i++)
		many[i] = i * 7919;
	al_seed("full", SYNCMIRROR_AL_EXTENTS_DEFAULT, 26, many,
		SYNCMIRROR_AL_EXTENTS_DEFAULT);
}

/* bitmap: a block of a bitmap with some regions marked. */
static void bm_seed(const char *name, u64 regions, u64 index, u32 slot,
		    bool merge)
{
	static u8 block[BLOCK];
	struct syncmirror_bitmap bm;
	struct seed s = { .len = 0 };
	u64 need, first = index * SYNCMIRROR_BM_BITS_PER_BLOCK, word = ~0ULL;

	if (syncmirror_bitmap_init(&bm, regions, 7))
		exit(1);
	syncmirror_bitmap_mark(&bm, (first + 3) << 7, ((first + 70) << 7) - 1,
			       &need);
	syncmirror_bitmap_mark(&bm, (regions - 1) << 7, regions << 7, &need);
	syncmirror_bitmap_encode_block(&bm, index, slot, block);
	syncmirror_bitmap_exit(&bm);
	add_le(&s, FUZZ_FIX_CSUM | (merge ? FUZZ_BM_MERGE : 0), 1);
	add_le(&s, regions - 1, 3);
	add_le(&s, index, 1);
	add_le(&s, slot, 1);
	add_le(&s, first / 64 + 1, 2);
	add_le(&s, merge ? 1 : 0, 1);
	if (merge)
		add(&s, &word, sizeof(word));
	add_trimmed(&s, block, sizeof(block));
	write_seed("bitmap", name, &s);
}

static void bitmap_seeds(void)
{
	bm_seed("one-block", 1008, 0, 0, false);
	bm_seed("two-blocks", 40000, 1, 0, true);
	bm_seed("three-blocks-slot-2", 3 * SYNCMIRROR_BM_BITS_PER_BLOCK, 2, 2,
		true);
}

/* heartbeat */
static void hb_seed(const char *name, uint16_t type,
		    const struct sm_hb_record *records, uint32_t count,
		    uint32_t result)
{
	static uint8_t message[SM_HB_MESSAGE_MAX];
	struct sm_hb_seq seq = { .sent = 41, .received = 17 };
	struct seed s = { .len = 0 };
	size_t len;

	len = sm_hb_encode(&seq, 1, type, records, count, result, message,
			   sizeof(message));
	if (!len)
		exit(1);
	add_le(&s, FUZZ_FIX_CSUM, 1);
	add_le(&s, 16, 2);
	add(&s, message, len);
	write_seed("heartbeat", name, &s);
}

static void heartbeat_seeds(void)
{
	struct sm_hb_record records[2] = {
		{ .volume_uuid = { 1, 2, 3 }, .term = 4, .primary = 0,
		  .role = SM_HB_ROLE_PRIMARY, .current_uuid = 0xa1a1,
		  .primary_gen = 0xa1a1, .flags = SM_HB_F_SEES_PEER |
		  SM_HB_F_UP_TO_DATE | SM_HB_F_QUORUM, .peer = 1 },
		{ .volume_uuid = { 4, 5, 6 }, .term = 2,
		  .primary = SM_HB_NO_MEMBER, .role = SM_HB_ROLE_SECONDARY,
		  .current_uuid = 0xb2b3, .flags = SM_HB_F_GEN_PENDING,
		  .peer = 2, .lost_ms = 1500 },
	};

	hb_seed("heartbeat-empty", SM_HB_HEARTBEAT, NULL, 0, 0);
	hb_seed("heartbeat", SM_HB_HEARTBEAT, records, 2, 0);
	hb_seed("promote-request", SM_HB_PROMOTE_REQUEST, records, 1, 0);
	hb_seed("promote-reply", SM_HB_PROMOTE_REPLY, records, 1,
		SM_HB_DENY_STALE_TERM);
}

static void config_seeds(void)
{
	write_text("volume-config", "example",
		   "volume vol0\n"
		   "node-id 0\n"
		   "data /dev/mapper/data\n"
		   "meta /dev/mapper/meta        # or: meta internal\n"
		   "secret-file /etc/syncmirror/vol0.secret\n"
		   "address 10.0.0.1:7789        # where this node listens\n"
		   "peer 1 10.0.0.2:7789         # peer node-id and address\n"
		   "ping-timeout 5               # seconds\n"
		   "after-split-brain discard-least-changes\n"
		   "split-brain-hook /usr/lib/syncmirror/sb-hook\n"
		   "hook-timeout 60              # seconds\n");
	write_text("volume-config", "failover",
		   "volume vol0\nnode-id 1\ndata /dev/vdb\nmeta internal\n"
		   "secret-file /s\naddress [fe80::1]:7789\n"
		   "peer 0 [fe80::2]:7789\nquorum on\n"
		   "on-quorum-loss error\nauto-promote yes\n"
		   "fence-hook /f\nfence-timeout 10\npromote-hook /p\n"
		   "deposed-hook /d\n");
	write_text("cluster-config", "example",
		   "cluster-uuid 2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10\n"
		   "secret-file /etc/syncmirror/cluster.secret\n"
		   "member 0 10.0.0.1:7800     # data node A\n"
		   "member 1 10.0.0.2:7800     # data node B\n"
		   "witness 2 10.0.0.3:7800    # optional\n"
		   "heartbeat-interval 500\n"
		   "lease-time 2500\n"
		   "loss-timeout 4000\n");
	write_text("cluster-config", "two-members",
		   "cluster-uuid 2f0c6a1e8d3b4c559a610b7e4d2c9f10\n"
		   "secret-file /s\nmember 3 [::1]:1\nmember 31 a:65535\n");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: seed-gen DIR\n");
		return 2;
	}
	top = argv[1];
	if (mkdir(top, 0755) && errno != EEXIST) {
		perror(top);
		return 1;
	}
	wire_header_seeds();
	hello_seeds();
	verdict_seeds();
	superblock_seeds();
	activity_log_seeds();
	bitmap_seeds();
	heartbeat_seeds();
	config_seeds();
	return 0;
}
