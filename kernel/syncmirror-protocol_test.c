// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the wire protocol: the header layout is the documented
 * one byte for byte, every malformed header a peer could send is refused
 * with its own reason, and the hello check decides every row of the table
 * in Documentation/syncmirror-protocol.rst; from both hellos, the two
 * nodes agree on whether and which way to resync, or refuse to connect.
 */

#include <kunit/test.h>

#include "syncmirror-protocol.h"

/* A WRITE of 4096 bytes at sector 2048, seq 7, FUA. */
static const struct syncmirror_msg sample_write = {
	.type = SYNCMIRROR_WIRE_WRITE,
	.flags = SYNCMIRROR_WIRE_F_FUA,
	.seq = 7,
	.sector = 2048,
	.size = 4096,
	.payload_len = 4096,
	.payload_csum = 0x11223344,
};

/* sample_write on the wire, encoded outside the kernel (big-endian). */
static const u8 sample_write_bytes[48] = {
	0x53, 0x4d, 0x50, 0x31, 0x00, 0x02, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x10, 0x00, 0x11, 0x22, 0x33, 0x44,
	0x00, 0x00, 0x00, 0x00, 0xf9, 0x53, 0x4e, 0xe0,
};

static void syncmirror_wire_test_crc32c(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, syncmirror_wire_crc32c("123456789", 9),
			0xe3069283U);
	KUNIT_EXPECT_EQ(test, syncmirror_wire_crc32c("", 0), 0U);
}

static void syncmirror_wire_test_golden_header(struct kunit *test)
{
	struct syncmirror_wire_header header;

	syncmirror_wire_encode_header(&sample_write, &header);
	KUNIT_EXPECT_EQ(test, memcmp(&header, sample_write_bytes,
				     sizeof(sample_write_bytes)), 0);
}

static void syncmirror_wire_test_header_round_trip(struct kunit *test)
{
	struct syncmirror_wire_header header;
	struct syncmirror_msg msg;
	const char *error = NULL;

	syncmirror_wire_encode_header(&sample_write, &header);
	KUNIT_ASSERT_EQ(test, syncmirror_wire_decode_header(&header, &msg,
							    &error), 0);
	KUNIT_EXPECT_NULL(test, error);
	KUNIT_EXPECT_EQ(test, msg.type, sample_write.type);
	KUNIT_EXPECT_EQ(test, msg.flags, sample_write.flags);
	KUNIT_EXPECT_EQ(test, msg.seq, sample_write.seq);
	KUNIT_EXPECT_EQ(test, msg.sector, sample_write.sector);
	KUNIT_EXPECT_EQ(test, msg.size, sample_write.size);
	KUNIT_EXPECT_EQ(test, msg.status, sample_write.status);
	KUNIT_EXPECT_EQ(test, msg.payload_len, sample_write.payload_len);
	KUNIT_EXPECT_EQ(test, msg.payload_csum, sample_write.payload_csum);
}

struct header_case {
	const char *name;
	struct syncmirror_msg msg;	/* encoded with a valid checksum */
	/* then, unless offset is 0, this byte is overwritten */
	size_t offset;
	u8 value;
	const char *error;		/* NULL: the header is valid */
};

#define MSG(...) { __VA_ARGS__ }

static const struct header_case header_cases[] = {
	{ "valid ack", MSG(.type = SYNCMIRROR_WIRE_ACK, .seq = 9, .status = 5),
	  0, 0, NULL },
	{ "valid hello", MSG(.type = SYNCMIRROR_WIRE_HELLO, .payload_len = 80,
			     .payload_csum = 1), 0, 0, NULL },
	{ "valid version 3 hello", MSG(.type = SYNCMIRROR_WIRE_HELLO,
				       .payload_len = 128, .payload_csum = 1),
	  0, 0, NULL },
	{ "hello longer than version 3's", MSG(.type = SYNCMIRROR_WIRE_HELLO,
					       .payload_len = 136,
					       .payload_csum = 1),
	  0, 0, "hello payload has the wrong size" },
	{ "version 1 48-byte hello", MSG(.type = SYNCMIRROR_WIRE_HELLO,
					 .payload_len = 48,
					 .payload_csum = 1),
	  0, 0, "hello payload has the wrong size" },
	{ "hello longer than version 2's", MSG(.type = SYNCMIRROR_WIRE_HELLO,
					       .payload_len = 88,
					       .payload_csum = 1),
	  0, 0, "hello payload has the wrong size" },
	{ "valid flush", MSG(.type = SYNCMIRROR_WIRE_FLUSH, .seq = 3), 0, 0,
	  NULL },
	{ "valid state", MSG(.type = SYNCMIRROR_WIRE_STATE, .status = 2), 0, 0,
	  NULL },
	{ "flush with a size", MSG(.type = SYNCMIRROR_WIRE_FLUSH, .seq = 3,
				   .size = 512), 0, 0, "flush with a size" },
	{ "payload on a state", MSG(.type = SYNCMIRROR_WIRE_STATE,
				    .payload_len = 4, .payload_csum = 1),
	  0, 0, "payload on a message that takes none" },
	{ "old 40-byte hello", MSG(.type = SYNCMIRROR_WIRE_HELLO,
				   .payload_len = 40, .payload_csum = 1),
	  0, 0, "hello payload has the wrong size" },
	{ "valid discard", MSG(.type = SYNCMIRROR_WIRE_DISCARD, .seq = 1,
			       .sector = 8, .size = 1 << 20), 0, 0, NULL },
	{ "valid error text", MSG(.type = SYNCMIRROR_WIRE_ERROR, .status = 1,
				  .payload_len = 256, .payload_csum = 1),
	  0, 0, NULL },
	{ "bad magic", MSG(.type = SYNCMIRROR_WIRE_PING), 0 + 1, 'X',
	  "bad magic" },
	{ "flipped bit", MSG(.type = SYNCMIRROR_WIRE_PING), 15, 0x80,
	  "header checksum mismatch" },
	{ "type zero", MSG(.type = SYNCMIRROR_WIRE_UNSPEC), 0, 0,
	  "unknown message type" },
	{ "type from the future", MSG(.type = SYNCMIRROR_WIRE_TYPE_MAX + 1),
	  0, 0, "unknown message type" },
	{ "unknown flag", MSG(.type = SYNCMIRROR_WIRE_WRITE, .flags = 0x10,
			      .size = 512, .payload_len = 512,
			      .payload_csum = 1),
	  0, 0, "unknown flags" },
	{ "payload above 1 MiB", MSG(.type = SYNCMIRROR_WIRE_WRITE,
				     .size = (1 << 20) + 512,
				     .payload_len = (1 << 20) + 512,
				     .payload_csum = 1),
	  0, 0, "payload too large" },
	{ "checksum without payload", MSG(.type = SYNCMIRROR_WIRE_PING,
					  .payload_csum = 3),
	  0, 0, "checksum on an empty payload" },
	{ "short hello", MSG(.type = SYNCMIRROR_WIRE_HELLO, .payload_len = 36,
			     .payload_csum = 1),
	  0, 0, "hello payload has the wrong size" },
	{ "write size not its payload", MSG(.type = SYNCMIRROR_WIRE_WRITE,
					    .size = 4096, .payload_len = 512,
					    .payload_csum = 1),
	  0, 0, "write size differs from its payload" },
	{ "unaligned write", MSG(.type = SYNCMIRROR_WIRE_WRITE, .size = 100,
				 .payload_len = 100, .payload_csum = 1),
	  0, 0, "request size is not a multiple of 512" },
	{ "empty discard", MSG(.type = SYNCMIRROR_WIRE_DISCARD), 0, 0,
	  "request size is not a multiple of 512" },
	{ "error text too long", MSG(.type = SYNCMIRROR_WIRE_ERROR,
				     .payload_len = 257, .payload_csum = 1),
	  0, 0, "error text too long" },
	{ "payload on a ping", MSG(.type = SYNCMIRROR_WIRE_PING,
				   .payload_len = 8, .payload_csum = 1),
	  0, 0, "payload on a message that takes none" },
	{ "FUA on a flush", MSG(.type = SYNCMIRROR_WIRE_FLUSH,
				.flags = SYNCMIRROR_WIRE_F_FUA),
	  0, 0, "flags on a message that takes none" },
	{ "resync write", MSG(.type = SYNCMIRROR_WIRE_WRITE,
			      .flags = SYNCMIRROR_WIRE_F_RESYNC, .size = 65536,
			      .payload_len = 65536, .payload_csum = 1),
	  0, 0, NULL },
	{ "resync write with FUA", MSG(.type = SYNCMIRROR_WIRE_WRITE,
				       .flags = SYNCMIRROR_WIRE_F_RESYNC |
						SYNCMIRROR_WIRE_F_FUA,
				       .size = 512, .payload_len = 512,
				       .payload_csum = 1), 0, 0, NULL },
	{ "write with the last flag", MSG(.type = SYNCMIRROR_WIRE_WRITE,
					  .flags = SYNCMIRROR_WIRE_F_LAST,
					  .size = 512, .payload_len = 512,
					  .payload_csum = 1),
	  0, 0, "write with the bitmap's last flag" },
	{ "resync discard", MSG(.type = SYNCMIRROR_WIRE_DISCARD,
				.flags = SYNCMIRROR_WIRE_F_RESYNC,
				.size = 512),
	  0, 0, "flags on a message that takes none" },
	{ "last flag on a flush", MSG(.type = SYNCMIRROR_WIRE_FLUSH,
				      .flags = SYNCMIRROR_WIRE_F_LAST),
	  0, 0, "flags on a message that takes none" },
	{ "bitmap part", MSG(.type = SYNCMIRROR_WIRE_BITMAP, .seq = 1,
			     .payload_len = 4096, .payload_csum = 1),
	  0, 0, NULL },
	{ "last bitmap part", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
				  .flags = SYNCMIRROR_WIRE_F_LAST,
				  .payload_len = 8, .payload_csum = 1),
	  0, 0, NULL },
	{ "empty last bitmap part", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
					.flags = SYNCMIRROR_WIRE_F_LAST),
	  0, 0, NULL },
	{ "bitmap of 1 MiB", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
				 .payload_len = 1 << 20, .payload_csum = 1),
	  0, 0, NULL },
	{ "bitmap of half a word", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
				       .payload_len = 12, .payload_csum = 1),
	  0, 0, "bitmap payload is not whole 64-bit words" },
	{ "bitmap of 4 bytes", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
				   .payload_len = 4, .payload_csum = 1),
	  0, 0, "bitmap payload is not whole 64-bit words" },
	{ "bitmap with FUA", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
				 .flags = SYNCMIRROR_WIRE_F_FUA,
				 .payload_len = 8, .payload_csum = 1),
	  0, 0, "bitmap with flags it does not take" },
	{ "bitmap with the resync flag", MSG(.type = SYNCMIRROR_WIRE_BITMAP,
					     .flags = SYNCMIRROR_WIRE_F_RESYNC |
						      SYNCMIRROR_WIRE_F_LAST,
					     .payload_len = 8,
					     .payload_csum = 1),
	  0, 0, "bitmap with flags it does not take" },
	{ "resync done", MSG(.type = SYNCMIRROR_WIRE_RESYNC_DONE,
			     .payload_len = 16, .payload_csum = 1),
	  0, 0, NULL },
	{ "resync done, short", MSG(.type = SYNCMIRROR_WIRE_RESYNC_DONE,
				    .payload_len = 8, .payload_csum = 1),
	  0, 0, "resync-done payload has the wrong size" },
	{ "resync done, long", MSG(.type = SYNCMIRROR_WIRE_RESYNC_DONE,
				   .payload_len = 24, .payload_csum = 1),
	  0, 0, "resync-done payload has the wrong size" },
	{ "resync done, empty", MSG(.type = SYNCMIRROR_WIRE_RESYNC_DONE),
	  0, 0, "resync-done payload has the wrong size" },
	{ "resync done with a flag", MSG(.type = SYNCMIRROR_WIRE_RESYNC_DONE,
					 .flags = SYNCMIRROR_WIRE_F_LAST,
					 .payload_len = 16,
					 .payload_csum = 1),
	  0, 0, "flags on a message that takes none" },
	{ "verify 1 MiB", MSG(.type = SYNCMIRROR_WIRE_VERIFY, .seq = 4,
			      .sector = 2048, .size = 1 << 20), 0, 0, NULL },
	{ "verify one sector", MSG(.type = SYNCMIRROR_WIRE_VERIFY,
				   .size = 512), 0, 0, NULL },
	{ "verify nothing", MSG(.type = SYNCMIRROR_WIRE_VERIFY),
	  0, 0, "verify or read size is not a multiple of 512 up to 1 MiB" },
	{ "verify unaligned", MSG(.type = SYNCMIRROR_WIRE_VERIFY,
				  .size = 4000),
	  0, 0, "verify or read size is not a multiple of 512 up to 1 MiB" },
	{ "verify above 1 MiB", MSG(.type = SYNCMIRROR_WIRE_VERIFY,
				    .size = (1 << 20) + 512),
	  0, 0, "verify or read size is not a multiple of 512 up to 1 MiB" },
	{ "verify with a payload", MSG(.type = SYNCMIRROR_WIRE_VERIFY,
				       .size = 4096, .payload_len = 4096,
				       .payload_csum = 1),
	  0, 0, "payload on a message that takes none" },
	{ "read 64 KiB", MSG(.type = SYNCMIRROR_WIRE_READ, .seq = 5,
			     .sector = 128, .size = 65536), 0, 0, NULL },
	{ "read nothing", MSG(.type = SYNCMIRROR_WIRE_READ),
	  0, 0, "verify or read size is not a multiple of 512 up to 1 MiB" },
	{ "read with a payload", MSG(.type = SYNCMIRROR_WIRE_READ,
				     .size = 4096, .payload_len = 4096,
				     .payload_csum = 1),
	  0, 0, "payload on a message that takes none" },
	{ "ack carrying read data", MSG(.type = SYNCMIRROR_WIRE_ACK, .seq = 5,
					.size = 4096, .payload_len = 4096,
					.payload_csum = 1), 0, 0, NULL },
	{ "ack data of another size", MSG(.type = SYNCMIRROR_WIRE_ACK,
					  .seq = 5, .size = 4096,
					  .payload_len = 512,
					  .payload_csum = 1),
	  0, 0, "acknowledgment payload differs from its size" },
	{ "verify with a flag", MSG(.type = SYNCMIRROR_WIRE_VERIFY,
				    .size = 4096,
				    .flags = SYNCMIRROR_WIRE_F_RESYNC),
	  0, 0, "flags on a message that takes none" },
};

static void header_case_to_desc(const struct header_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(header, header_cases, header_case_to_desc);

static void syncmirror_wire_test_header(struct kunit *test)
{
	const struct header_case *c = test->param_value;
	struct syncmirror_wire_header header;
	struct syncmirror_msg msg;
	const char *error = NULL;
	int r;

	syncmirror_wire_encode_header(&c->msg, &header);
	if (c->offset)
		((u8 *)&header)[c->offset] = c->value;

	r = syncmirror_wire_decode_header(&header, &msg, &error);
	if (!c->error) {
		KUNIT_EXPECT_EQ(test, r, 0);
		KUNIT_EXPECT_NULL(test, error);
	} else {
		KUNIT_EXPECT_EQ(test, r, -EBADMSG);
		KUNIT_ASSERT_NOT_NULL(test, error);
		KUNIT_EXPECT_STREQ(test, error, c->error);
	}
}

/* A checksummed header with a non-zero reserved field is still refused. */
static void syncmirror_wire_test_reserved(struct kunit *test)
{
	struct syncmirror_wire_header header;
	struct syncmirror_msg msg = { .type = SYNCMIRROR_WIRE_PING };
	const char *error = NULL;
	u32 csum;

	syncmirror_wire_encode_header(&msg, &header);
	header.reserved = cpu_to_be32(1);
	header.header_csum = 0;
	csum = syncmirror_wire_crc32c(&header, sizeof(header));
	header.header_csum = cpu_to_be32(csum);

	KUNIT_EXPECT_EQ(test, syncmirror_wire_decode_header(&header, &msg,
							    &error), -EBADMSG);
	KUNIT_EXPECT_STREQ(test, error, "reserved field not zero");
}

static const struct syncmirror_hello local_hello = {
	.version_min = 2,
	.version_max = 2,
	.volume_uuid = UUID_INIT(0x0b6f5c1a, 0x7e0d, 0x4c55, 0x9a, 0x3e, 0x5b,
				 0x1f, 0x0c, 0x2d, 0x3e, 0x4f),
	.data_sectors = 2095104,
	.node_id = 0,
	.max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD,
	.role = SYNCMIRROR_ROLE_SECONDARY,
	.current_uuid = 0x1122334455667788ULL,
	.region_shift = 7,
};

/*
 * local_hello as a crashed primary with 300 regions for its peer since
 * generation 0x0101..., two earlier generations, promoted at
 * 1764590000123456789 ns, policy discard-least-changes; encoded outside
 * the kernel (Python struct.pack, big-endian).
 */
static const u8 primary_hello_bytes[128] = {
	0x00, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	0x0b, 0x6f, 0x5c, 0x1a, 0x7e, 0x0d, 0x4c, 0x55,
	0x9a, 0x3e, 0x5b, 0x1f, 0x0c, 0x2d, 0x3e, 0x4f,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0xf8, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04,
	0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x2c,
	0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00,
	/* version 3 */
	0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x18, 0x7d, 0x15, 0x41, 0x83, 0x90, 0xad, 0x15,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
};

static void syncmirror_wire_test_golden_hello(struct kunit *test)
{
	struct syncmirror_hello hello = local_hello;
	struct syncmirror_wire_hello wire;

	memset(&wire, 0xa5, sizeof(wire));
	hello.role = SYNCMIRROR_ROLE_PRIMARY;
	hello.flags = SYNCMIRROR_WIRE_HELLO_F_CRASHED;
	hello.bitmap_uuid = 0x0101010101010101ULL;
	hello.dirty_regions = 300;
	hello.history_uuid[0] = 0x0202020202020202ULL;
	hello.history_uuid[1] = 0x0303030303030303ULL;
	hello.promote_time = 1764590000123456789ULL;
	hello.sb_policy = SYNCMIRROR_SB_POLICY_LEAST_CHANGES;
	syncmirror_wire_encode_hello(&hello, &wire);
	KUNIT_EXPECT_EQ(test, sizeof(wire), sizeof(primary_hello_bytes));
	KUNIT_EXPECT_EQ(test, memcmp(&wire, primary_hello_bytes,
				     sizeof(primary_hello_bytes)), 0);
}

#define V2_SIZE	SYNCMIRROR_WIRE_HELLO_V2_SIZE

static void syncmirror_wire_test_hello_round_trip(struct kunit *test)
{
	struct syncmirror_hello in = local_hello, out;
	struct syncmirror_wire_hello wire;

	in.features = 0x80000001;
	in.node_id = SYNCMIRROR_MAX_NODE_ID;
	in.flags = SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT |
		   SYNCMIRROR_WIRE_HELLO_F_DISKLESS;
	in.current_uuid = 0xfedcba9876543210ULL;
	in.bitmap_uuid = 0x8000000000000001ULL;
	in.dirty_regions = 0x123456789ULL;
	in.region_shift = 11;
	in.version_max = 3;
	in.history_uuid[0] = 0x1111111111111111ULL;
	in.history_uuid[3] = 0x4444444444444445ULL;
	in.promote_time = 42;
	in.sb_policy = SYNCMIRROR_SB_POLICY_YOUNGER_PRIMARY;
	syncmirror_wire_encode_hello(&in, &wire);
	KUNIT_EXPECT_EQ(test, be64_to_cpu(wire.data_sectors), 2095104ULL);
	KUNIT_EXPECT_EQ(test, wire.reserved, 0U);
	KUNIT_EXPECT_EQ(test, wire.reserved3, 0U);
	memset(&out, 0xa5, sizeof(out));
	KUNIT_EXPECT_EQ(test, syncmirror_wire_decode_hello(&wire, sizeof(wire),
							   &out), 0);
	KUNIT_EXPECT_EQ(test, out.history_uuid[0], in.history_uuid[0]);
	KUNIT_EXPECT_EQ(test, out.history_uuid[1], 0ULL);
	KUNIT_EXPECT_EQ(test, out.history_uuid[3], in.history_uuid[3]);
	KUNIT_EXPECT_EQ(test, out.promote_time, 42ULL);
	KUNIT_EXPECT_EQ(test, out.sb_policy, in.sb_policy);
	/* A version 2 hello is 80 bytes: nothing of version 3 is read. */
	memset(&out, 0xa5, sizeof(out));
	KUNIT_EXPECT_EQ(test, syncmirror_wire_decode_hello(&wire, V2_SIZE, &out),
			0);
	KUNIT_EXPECT_EQ(test, out.history_uuid[0], 0ULL);
	KUNIT_EXPECT_EQ(test, out.promote_time, 0ULL);
	KUNIT_EXPECT_EQ(test, out.sb_policy, 0U);
	KUNIT_EXPECT_EQ(test, out.current_uuid, in.current_uuid);
	KUNIT_EXPECT_EQ(test, syncmirror_wire_decode_hello(&wire, 88, &out),
			-EBADMSG);
	/* Which size suits the version both speak. */
	KUNIT_EXPECT_TRUE(test, syncmirror_wire_hello_size_ok(3, 128));
	KUNIT_EXPECT_FALSE(test, syncmirror_wire_hello_size_ok(3, V2_SIZE));
	KUNIT_EXPECT_TRUE(test, syncmirror_wire_hello_size_ok(2, V2_SIZE));
	KUNIT_EXPECT_FALSE(test, syncmirror_wire_hello_size_ok(2, 128));
	KUNIT_EXPECT_EQ(test, syncmirror_wire_decode_hello(&wire, sizeof(wire),
							   &out), 0);
	KUNIT_EXPECT_EQ(test, out.version_min, 2);
	KUNIT_EXPECT_EQ(test, out.version_max, 3);
	KUNIT_EXPECT_EQ(test, out.features, in.features);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&out.volume_uuid,
					   &in.volume_uuid));
	KUNIT_EXPECT_EQ(test, out.data_sectors, in.data_sectors);
	KUNIT_EXPECT_EQ(test, out.node_id, in.node_id);
	KUNIT_EXPECT_EQ(test, out.max_payload, in.max_payload);
	KUNIT_EXPECT_EQ(test, out.role, in.role);
	KUNIT_EXPECT_EQ(test, out.flags, in.flags);
	KUNIT_EXPECT_EQ(test, out.current_uuid, in.current_uuid);
	KUNIT_EXPECT_EQ(test, out.bitmap_uuid, in.bitmap_uuid);
	KUNIT_EXPECT_EQ(test, out.dirty_regions, in.dirty_regions);
	KUNIT_EXPECT_EQ(test, out.region_shift, in.region_shift);
}

struct hello_case {
	const char *name;
	void (*change)(struct syncmirror_hello *remote);
	void (*change_local)(struct syncmirror_hello *local);
	enum syncmirror_wire_error error;
	u16 version;
};

static void peer_only(struct syncmirror_hello *r)
{
}

static void peer_newer_range(struct syncmirror_hello *r)
{
	r->version_max = 3;
}

static void peer_too_new(struct syncmirror_hello *r)
{
	r->version_min = 3;
	r->version_max = 4;
}

static void peer_version_1(struct syncmirror_hello *r)
{
	r->version_min = 1;
	r->version_max = 1;
}

static void peer_versions_1_to_2(struct syncmirror_hello *r)
{
	r->version_min = 1;
}

static void peer_version_zero(struct syncmirror_hello *r)
{
	r->version_min = 0;
	r->version_max = 0;
}

static void peer_other_volume(struct syncmirror_hello *r)
{
	r->volume_uuid.b[15] ^= 1;
}

static void peer_other_size(struct syncmirror_hello *r)
{
	r->data_sectors -= 8;
}

static void peer_same_node(struct syncmirror_hello *r)
{
	r->node_id = local_hello.node_id;
}

static void peer_tiny_payload(struct syncmirror_hello *r)
{
	r->max_payload = 512;
}

static void peer_half_payload(struct syncmirror_hello *r)
{
	r->max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD / 2;
}

static void peer_other_volume_and_size(struct syncmirror_hello *r)
{
	r->volume_uuid.b[0] ^= 1;
	r->data_sectors = 1;
}

static void be_primary(struct syncmirror_hello *h)
{
	h->role = SYNCMIRROR_ROLE_PRIMARY;
}

static void peer_role_unknown(struct syncmirror_hello *r)
{
	r->role = 3;
}

static void peer_other_regions(struct syncmirror_hello *r)
{
	r->region_shift = 8;
}

static void peer_other_regions_primary(struct syncmirror_hello *r)
{
	peer_other_regions(r);
	be_primary(r);
}

static void peer_other_regions_and_size(struct syncmirror_hello *r)
{
	peer_other_regions(r);
	peer_other_size(r);
}

/* The data may differ: that is the resync decision's business. */
static void peer_other_generation(struct syncmirror_hello *r)
{
	r->current_uuid = 0x99;
	r->bitmap_uuid = 0x98;
	r->dirty_regions = 7;
	r->flags = SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT;
}

/* No honest peer sends it: a consistent copy always has a generation. */
static void peer_no_generation(struct syncmirror_hello *r)
{
	r->current_uuid = 0;
}

/* A copy never synced has none, and says it is inconsistent. */
static void peer_never_synced(struct syncmirror_hello *r)
{
	r->current_uuid = 0;
	r->flags = SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT;
}

/* Found by fuzzing: refused before the resync decision takes it. */
static void peer_no_generation_primary(struct syncmirror_hello *r)
{
	peer_no_generation(r);
	be_primary(r);
}

/* Flags no version defines: bit 0 (version 1's, unused) and bit 5. */
static void peer_flag_bit_0(struct syncmirror_hello *r)
{
	r->flags = 1U << 0;
}

static void peer_flag_bit_5(struct syncmirror_hello *r)
{
	r->flags = 1U << 5;
}

/* A detached disk is sent with INCONSISTENT, always. */
static void peer_diskless_consistent(struct syncmirror_hello *r)
{
	r->flags = SYNCMIRROR_WIRE_HELLO_F_DISKLESS;
}

static void peer_diskless(struct syncmirror_hello *r)
{
	r->flags = SYNCMIRROR_WIRE_HELLO_F_DISKLESS |
		   SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT;
}

/* 2095104 sectors in regions of 128: 16368 regions. */
static void peer_every_region_dirty(struct syncmirror_hello *r)
{
	r->dirty_regions = 16368;
}

static void peer_more_dirty_than_regions(struct syncmirror_hello *r)
{
	r->dirty_regions = 16369;
}

static const struct hello_case hello_cases[] = {
	{ "same volume, other node", peer_only, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "peer speaks 2..3", peer_newer_range, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "peer speaks 1..2", peer_versions_1_to_2, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "peer speaks only 3..4", peer_too_new, NULL,
	  SYNCMIRROR_WIRE_ERR_VERSION },
	{ "peer speaks only version 1", peer_version_1, NULL,
	  SYNCMIRROR_WIRE_ERR_VERSION },
	{ "peer announces version 0", peer_version_zero, NULL,
	  SYNCMIRROR_WIRE_ERR_VERSION },
	{ "another volume", peer_other_volume, NULL,
	  SYNCMIRROR_WIRE_ERR_UUID },
	{ "another size", peer_other_size, NULL, SYNCMIRROR_WIRE_ERR_SIZE },
	{ "same node id", peer_same_node, NULL, SYNCMIRROR_WIRE_ERR_NODE_ID },
	{ "max payload below 4 KiB", peer_tiny_payload, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "max payload below 1 MiB", peer_half_payload, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "volume checked before size", peer_other_volume_and_size, NULL,
	  SYNCMIRROR_WIRE_ERR_UUID },
	{ "peer primary, we secondary", be_primary, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "we primary, peer secondary", peer_only, be_primary,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "peer role unknown", peer_role_unknown, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "both primary", be_primary, be_primary,
	  SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY },
	{ "other region size", peer_other_regions, NULL,
	  SYNCMIRROR_WIRE_ERR_GEOMETRY },
	{ "both primary checked before region size",
	  peer_other_regions_primary, be_primary,
	  SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY },
	{ "size checked before region size", peer_other_regions_and_size,
	  NULL, SYNCMIRROR_WIRE_ERR_SIZE },
	{ "other generation, inconsistent, bits", peer_other_generation,
	  NULL, SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "consistent without a generation", peer_no_generation, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "never synced, no generation", peer_never_synced, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "no generation checked before both primary",
	  peer_no_generation_primary, be_primary,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "hello flag bit 0", peer_flag_bit_0, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "hello flag bit 5", peer_flag_bit_5, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "diskless but consistent", peer_diskless_consistent, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "diskless and inconsistent", peer_diskless, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "every region dirty", peer_every_region_dirty, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 2 },
	{ "more dirty regions than the volume has",
	  peer_more_dirty_than_regions, NULL, SYNCMIRROR_WIRE_ERR_PROTOCOL },
};

static void hello_case_to_desc(const struct hello_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hello, hello_cases, hello_case_to_desc);

static void syncmirror_wire_test_check_hello(struct kunit *test)
{
	const struct hello_case *c = test->param_value;
	struct syncmirror_hello remote = local_hello;
	struct syncmirror_hello local = local_hello;
	u16 version = 0;

	remote.node_id = 1;
	c->change(&remote);
	if (c->change_local)
		c->change_local(&local);
	KUNIT_EXPECT_EQ(test, syncmirror_wire_check_hello(&local, &remote,
							  &version),
			c->error);
	if (c->error == SYNCMIRROR_WIRE_ERR_NONE)
		KUNIT_EXPECT_EQ(test, version, c->version);
}

/*
 * The resync decision.  Each case gives what the two hellos say about
 * the data; the test also swaps them, as the peer sees them, and expects
 * the mirror-image verdict (or the same refusal): both ends must agree.
 */
struct side {
	u32 node_id;
	bool primary;
	bool inconsistent;
	bool crashed;
	bool diskless;
	bool v2;		/* speaks only version 2: no v3 fields */
	bool discard;		/* smctl resolve --discard-local */
	u32 policy;		/* after-split-brain */
	u64 promote_time;
	u64 current_uuid;
	u64 bitmap_uuid;
	u64 dirty_regions;
	u64 history[SYNCMIRROR_HISTORY_UUIDS];
};

struct verdict_case {
	const char *name;
	struct side local, remote;
	enum syncmirror_wire_error error;
	enum syncmirror_sync_verdict verdict;	/* with ERR_NONE */
	u32 sb;			/* split-brain decision, this node's side */
	bool full;		/* split-brain the bitmaps do not cover */
};

/* Data generations: A the last shared one, B and C written alone since. */
#define GEN_A	0xa1a1a1a1a1a1a1a1ULL
#define GEN_B	0xb2b2b2b2b2b2b2b2ULL
#define GEN_C	0xc3c3c3c3c3c3c3c3ULL
#define GEN_X	0x5858585858585858ULL	/* from another volume's past */

#define LOCAL(...)	.local = { .node_id = 0, __VA_ARGS__ }
#define REMOTE(...)	.remote = { .node_id = 1, __VA_ARGS__ }
#define NONE(v)		.error = SYNCMIRROR_WIRE_ERR_NONE, \
			.verdict = SYNCMIRROR_SYNC_ ## v
#define REFUSE(e)	.error = SYNCMIRROR_WIRE_ERR_ ## e
#define SB(d)		.sb = SYNCMIRROR_SB_DECISION_ ## d
#define POLICY(p)	.policy = SYNCMIRROR_SB_POLICY_ ## p
#define SEC		1000000000ULL
#define T0		(1764590000ULL * SEC)
/* Parted at A: B written here, C there. */
#define SPLIT_HERE	.current_uuid = GEN_B, .bitmap_uuid = GEN_A
#define SPLIT_THERE	.current_uuid = GEN_C, .bitmap_uuid = GEN_A

static const struct verdict_case verdict_cases[] = {
	/* One generation on both sides. */
	{ "in sync", LOCAL(.current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A), NONE(NO) },
	{ "in sync, we primary", LOCAL(.primary = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A), NONE(NO) },
	{ "in sync, peer crashed as primary",
	  LOCAL(.current_uuid = GEN_A),
	  REMOTE(.crashed = true, .current_uuid = GEN_A), NONE(NO) },
	{ "same generation, bits here",
	  LOCAL(.current_uuid = GEN_A, .dirty_regions = 5),
	  REMOTE(.current_uuid = GEN_A), NONE(BE_SOURCE) },
	{ "same generation, bits there",
	  LOCAL(.current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A, .dirty_regions = 1), NONE(BE_TARGET) },
	{ "same generation, we primary without bits, peer with",
	  LOCAL(.primary = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A, .dirty_regions = 9),
	  NONE(BE_SOURCE) },
	{ "same generation, peer primary without bits, we with",
	  LOCAL(.current_uuid = GEN_A, .dirty_regions = 9),
	  REMOTE(.primary = true, .current_uuid = GEN_A), NONE(BE_TARGET) },
	{ "same generation, bits on both, we crashed",
	  LOCAL(.crashed = true, .current_uuid = GEN_A, .dirty_regions = 2),
	  REMOTE(.current_uuid = GEN_A, .dirty_regions = 3),
	  NONE(BE_SOURCE) },
	{ "same generation, bits on both, peer crashed",
	  LOCAL(.current_uuid = GEN_A, .dirty_regions = 2),
	  REMOTE(.crashed = true, .current_uuid = GEN_A, .dirty_regions = 3),
	  NONE(BE_TARGET) },
	{ "same generation, bits on both, lower node id",
	  LOCAL(.current_uuid = GEN_A, .dirty_regions = 2),
	  REMOTE(.current_uuid = GEN_A, .dirty_regions = 3),
	  NONE(BE_SOURCE) },
	{ "same generation, bits on both, both crashed, lower node id",
	  LOCAL(.crashed = true, .current_uuid = GEN_A, .dirty_regions = 2),
	  REMOTE(.crashed = true, .current_uuid = GEN_A, .dirty_regions = 3),
	  NONE(BE_SOURCE) },

	/* One copy not usable. */
	{ "we never synced", LOCAL(.inconsistent = true),
	  REMOTE(.current_uuid = GEN_A), NONE(FULL_TARGET) },
	{ "peer never synced", LOCAL(.current_uuid = GEN_B),
	  REMOTE(.inconsistent = true), NONE(FULL_SOURCE) },
	{ "our resync interrupted, source unchanged",
	  LOCAL(.inconsistent = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A, .dirty_regions = 40),
	  NONE(BE_TARGET) },
	{ "our resync interrupted, source wrote on",
	  LOCAL(.inconsistent = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		 .dirty_regions = 40),
	  NONE(BE_TARGET) },
	{ "peer's resync interrupted, we wrote on",
	  LOCAL(.primary = true, .current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		.dirty_regions = 40),
	  REMOTE(.inconsistent = true, .current_uuid = GEN_A),
	  NONE(BE_SOURCE) },
	{ "inconsistent with an unrelated generation",
	  LOCAL(.inconsistent = true, .current_uuid = GEN_X),
	  REMOTE(.current_uuid = GEN_B, .bitmap_uuid = GEN_A),
	  NONE(FULL_TARGET) },
	{ "both inconsistent",
	  LOCAL(.inconsistent = true, .current_uuid = GEN_A),
	  REMOTE(.inconsistent = true, .current_uuid = GEN_A),
	  REFUSE(NO_SOURCE) },
	{ "both never synced", LOCAL(.inconsistent = true),
	  REMOTE(.inconsistent = true), REFUSE(NO_SOURCE) },
	{ "inconsistent copy is primary",
	  LOCAL(.primary = true, .inconsistent = true),
	  REMOTE(.current_uuid = GEN_A), REFUSE(TARGET_PRIMARY) },

	/* Generations moved apart. */
	{ "peer wrote without us",
	  LOCAL(.current_uuid = GEN_A),
	  REMOTE(.primary = true, .current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		 .dirty_regions = 12),
	  NONE(BE_TARGET) },
	{ "we wrote without the peer",
	  LOCAL(.current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		.dirty_regions = 12),
	  REMOTE(.current_uuid = GEN_A), NONE(BE_SOURCE) },
	{ "we wrote without the peer, then demoted, it has bits",
	  LOCAL(.current_uuid = GEN_B, .bitmap_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A, .dirty_regions = 3),
	  NONE(BE_SOURCE) },
	{ "we wrote without the peer, which is primary now",
	  LOCAL(.current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		.dirty_regions = 12),
	  REMOTE(.primary = true, .current_uuid = GEN_A),
	  REFUSE(TARGET_PRIMARY) },
	{ "peer wrote without us, we are primary",
	  LOCAL(.primary = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_B, .bitmap_uuid = GEN_A),
	  REFUSE(TARGET_PRIMARY) },
	{ "both wrote without the other (7d)",
	  LOCAL(.current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		.dirty_regions = 1),
	  REMOTE(.current_uuid = GEN_C, .bitmap_uuid = GEN_A,
		 .dirty_regions = 2),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },
	{ "both wrote without the other, one primary (7d)",
	  LOCAL(.primary = true, .current_uuid = GEN_B, .bitmap_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_C, .bitmap_uuid = GEN_A),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },
	{ "promoted alone, never wrote; old primary crashed with bits",
	  LOCAL(.primary = true, .current_uuid = GEN_B, .bitmap_uuid = GEN_A,
		.history = { GEN_A }),
	  REMOTE(.crashed = true, .current_uuid = GEN_A, .dirty_regions = 7),
	  NONE(BE_SOURCE) },

	/* Split-brain resolved by hand (7a, 7b). */
	{ "split-brain, we discard ours (7a)",
	  LOCAL(.discard = true, SPLIT_HERE, .dirty_regions = 4),
	  REMOTE(.primary = true, SPLIT_THERE, .dirty_regions = 9),
	  NONE(BE_TARGET), SB(MANUAL_LOCAL) },
	{ "split-brain, the peer discards its (7a)",
	  LOCAL(SPLIT_HERE, .dirty_regions = 4),
	  REMOTE(.discard = true, SPLIT_THERE, .dirty_regions = 9),
	  NONE(BE_SOURCE), SB(MANUAL_PEER) },
	{ "split-brain, we discard ours but are primary (7a)",
	  LOCAL(.primary = true, .discard = true, SPLIT_HERE),
	  REMOTE(SPLIT_THERE), REFUSE(TARGET_PRIMARY), SB(REFUSED) },
	{ "split-brain, both discard their own (7b)",
	  LOCAL(.discard = true, SPLIT_HERE, .dirty_regions = 1),
	  REMOTE(.discard = true, SPLIT_THERE, .dirty_regions = 1),
	  REFUSE(RESOLVE_CONFLICT), SB(REFUSED) },
	{ "split-brain, discard wins over the policy (7a before 7c)",
	  LOCAL(POLICY(LEAST_CHANGES), .discard = true, SPLIT_HERE,
		.dirty_regions = 100),
	  REMOTE(POLICY(LEAST_CHANGES), SPLIT_THERE, .dirty_regions = 1),
	  NONE(BE_TARGET), SB(MANUAL_LOCAL) },
	{ "split-brain, discard flag from a version 2 peer's kernel ignored",
	  LOCAL(SPLIT_HERE, .dirty_regions = 1),
	  REMOTE(.v2 = true, .discard = true, SPLIT_THERE, .dirty_regions = 1),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },

	/* Automatic policies (7c) where they apply and where they must not. */
	{ "discard-zero-changes: we wrote nothing",
	  LOCAL(POLICY(ZERO_CHANGES), SPLIT_HERE),
	  REMOTE(POLICY(ZERO_CHANGES), .primary = true, SPLIT_THERE,
		 .dirty_regions = 12),
	  NONE(BE_TARGET), SB(AUTO_LOCAL) },
	{ "discard-zero-changes: neither wrote, higher node id gives way",
	  LOCAL(POLICY(ZERO_CHANGES), SPLIT_HERE),
	  REMOTE(POLICY(ZERO_CHANGES), SPLIT_THERE),
	  NONE(BE_SOURCE), SB(AUTO_PEER) },
	{ "discard-zero-changes: both wrote",
	  LOCAL(POLICY(ZERO_CHANGES), SPLIT_HERE, .dirty_regions = 1),
	  REMOTE(POLICY(ZERO_CHANGES), SPLIT_THERE, .dirty_regions = 12),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },
	{ "discard-zero-changes: the victim is primary",
	  LOCAL(POLICY(ZERO_CHANGES), .primary = true, SPLIT_HERE),
	  REMOTE(POLICY(ZERO_CHANGES), SPLIT_THERE, .dirty_regions = 12),
	  REFUSE(TARGET_PRIMARY), SB(REFUSED) },
	{ "discard-least-changes: the peer changed less",
	  LOCAL(POLICY(LEAST_CHANGES), SPLIT_HERE, .dirty_regions = 100),
	  REMOTE(POLICY(LEAST_CHANGES), SPLIT_THERE, .dirty_regions = 10),
	  NONE(BE_SOURCE), SB(AUTO_PEER) },
	{ "discard-least-changes: as many changes",
	  LOCAL(POLICY(LEAST_CHANGES), SPLIT_HERE, .dirty_regions = 10),
	  REMOTE(POLICY(LEAST_CHANGES), SPLIT_THERE, .dirty_regions = 10),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },
	{ "discard-least-changes: the victim is primary",
	  LOCAL(POLICY(LEAST_CHANGES), SPLIT_HERE, .dirty_regions = 100),
	  REMOTE(POLICY(LEAST_CHANGES), .primary = true, SPLIT_THERE,
		 .dirty_regions = 10),
	  REFUSE(TARGET_PRIMARY), SB(REFUSED) },
	{ "discard-younger-primary: the peer was promoted 30 s later",
	  LOCAL(POLICY(YOUNGER_PRIMARY), .promote_time = T0, SPLIT_HERE,
		.dirty_regions = 1),
	  REMOTE(POLICY(YOUNGER_PRIMARY), .promote_time = T0 + 30 * SEC,
		 SPLIT_THERE, .dirty_regions = 50),
	  NONE(BE_SOURCE), SB(AUTO_PEER) },
	{ "discard-younger-primary: promotions 2 s apart",
	  LOCAL(POLICY(YOUNGER_PRIMARY), .promote_time = T0, SPLIT_HERE,
		.dirty_regions = 1),
	  REMOTE(POLICY(YOUNGER_PRIMARY), .promote_time = T0 + 2 * SEC,
		 SPLIT_THERE, .dirty_regions = 50),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },
	{ "discard-younger-primary: a promotion time unknown",
	  LOCAL(POLICY(YOUNGER_PRIMARY), SPLIT_HERE, .dirty_regions = 1),
	  REMOTE(POLICY(YOUNGER_PRIMARY), .promote_time = T0 + 30 * SEC,
		 SPLIT_THERE, .dirty_regions = 50),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED) },

	/* Policies must agree (row P). */
	{ "policies differ",
	  LOCAL(POLICY(ZERO_CHANGES), .current_uuid = GEN_A),
	  REMOTE(POLICY(LEAST_CHANGES), .current_uuid = GEN_A),
	  REFUSE(POLICY_MISMATCH) },
	{ "a policy, and a version 2 peer that has none",
	  LOCAL(POLICY(ZERO_CHANGES), .current_uuid = GEN_A),
	  REMOTE(.v2 = true, .current_uuid = GEN_A), REFUSE(POLICY_MISMATCH) },
	{ "version 2 peer, no policy, in sync",
	  LOCAL(.current_uuid = GEN_A, .history = { GEN_X }),
	  REMOTE(.v2 = true, .current_uuid = GEN_A), NONE(NO) },

	/* Histories (H1 to H3). */
	{ "the peer is an older ancestor (H1)",
	  LOCAL(.current_uuid = GEN_C, .history = { GEN_B, GEN_A }),
	  REMOTE(.current_uuid = GEN_A), NONE(FULL_SOURCE) },
	{ "we are an older ancestor (H2)",
	  LOCAL(.current_uuid = GEN_A, .history = { GEN_X }),
	  REMOTE(.primary = true, .current_uuid = GEN_C,
		 .history = { GEN_B, GEN_A }),
	  NONE(FULL_TARGET) },
	{ "older ancestor, but primary (H1)",
	  LOCAL(.current_uuid = GEN_C, .history = { GEN_B, GEN_A }),
	  REMOTE(.primary = true, .current_uuid = GEN_A),
	  REFUSE(TARGET_PRIMARY) },
	{ "version 2 peer: history not consulted",
	  LOCAL(.current_uuid = GEN_C, .history = { GEN_B, GEN_A }),
	  REMOTE(.v2 = true, .current_uuid = GEN_A), REFUSE(UNRELATED) },
	{ "parted before the bitmaps begin (H3)",
	  LOCAL(.current_uuid = GEN_B, .history = { GEN_A }),
	  REMOTE(.current_uuid = GEN_C, .history = { GEN_X, GEN_A }),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED), .full = true },
	{ "parted before the bitmaps begin, a policy (H3: never automatic)",
	  LOCAL(POLICY(ZERO_CHANGES), .current_uuid = GEN_B,
		.history = { GEN_A }),
	  REMOTE(POLICY(ZERO_CHANGES), .current_uuid = GEN_C,
		 .dirty_regions = 5, .history = { GEN_A }),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED), .full = true },
	{ "parted before the bitmaps begin, we discard ours (H3)",
	  LOCAL(.discard = true, .current_uuid = GEN_B, .history = { GEN_A }),
	  REMOTE(.current_uuid = GEN_C, .bitmap_uuid = GEN_X,
		 .history = { GEN_A }),
	  NONE(FULL_TARGET), SB(MANUAL_LOCAL), .full = true },
	/* Found by fuzzing: both were sync source, or both target. */
	{ "each moved on from the other's generation (5 and 6: H3)",
	  LOCAL(.current_uuid = GEN_A, .bitmap_uuid = GEN_X),
	  REMOTE(.current_uuid = GEN_X, .bitmap_uuid = GEN_A),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED), .full = true },
	{ "each an ancestor of the other (H1 and H2: H3)",
	  LOCAL(.current_uuid = GEN_A, .history = { GEN_X }),
	  REMOTE(.current_uuid = GEN_X, .history = { GEN_A }),
	  REFUSE(SPLIT_BRAIN), SB(REFUSED), .full = true },
	{ "each an ancestor of the other, we discard ours (H3)",
	  LOCAL(.discard = true, .current_uuid = GEN_A,
		.history = { GEN_X }),
	  REMOTE(.current_uuid = GEN_X, .history = { GEN_A }),
	  NONE(FULL_TARGET), SB(MANUAL_LOCAL), .full = true },
	{ "unrelated data", LOCAL(.current_uuid = GEN_B),
	  REMOTE(.current_uuid = GEN_C), REFUSE(UNRELATED) },
	{ "unrelated histories",
	  LOCAL(.current_uuid = GEN_B, .bitmap_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_C, .bitmap_uuid = GEN_X),
	  REFUSE(UNRELATED) },
	{ "unrelated, peer primary",
	  LOCAL(.current_uuid = GEN_B),
	  REMOTE(.primary = true, .current_uuid = GEN_X), REFUSE(UNRELATED) },
	/* A diskless node uses its peer's copy: nothing moves. */
	{ "diskless primary, consistent peer",
	  LOCAL(.primary = true, .diskless = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_A), NONE(NO) },
	{ "diskless, peer inconsistent",
	  LOCAL(.diskless = true, .current_uuid = GEN_A),
	  REMOTE(.inconsistent = true), REFUSE(NO_SOURCE) },
	{ "diskless with writes the peer lacks",
	  LOCAL(.primary = true, .diskless = true, .current_uuid = GEN_B,
		.bitmap_uuid = GEN_A, .dirty_regions = 3),
	  REMOTE(.current_uuid = GEN_A), REFUSE(STALE_PEER) },
	{ "diskless, peer of another generation",
	  LOCAL(.diskless = true, .current_uuid = GEN_A),
	  REMOTE(.current_uuid = GEN_B, .bitmap_uuid = GEN_A),
	  REFUSE(STALE_PEER) },
	{ "both diskless (row 0)",
	  LOCAL(.primary = true, .diskless = true, .current_uuid = GEN_A),
	  REMOTE(.diskless = true, .current_uuid = GEN_A),
	  REFUSE(BOTH_DISKLESS) },
};

static void verdict_case_to_desc(const struct verdict_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(verdict, verdict_cases, verdict_case_to_desc);

static void hello_of(const struct side *side, struct syncmirror_hello *hello)
{
	*hello = local_hello;
	hello->version_max = side->v2 ? 2 : 3;
	hello->node_id = side->node_id;
	hello->role = side->primary ? SYNCMIRROR_ROLE_PRIMARY :
				      SYNCMIRROR_ROLE_SECONDARY;
	hello->flags = (side->inconsistent ?
			SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT : 0) |
		       (side->crashed ? SYNCMIRROR_WIRE_HELLO_F_CRASHED : 0) |
		       (side->diskless ? SYNCMIRROR_WIRE_HELLO_F_DISKLESS |
			SYNCMIRROR_WIRE_HELLO_F_INCONSISTENT : 0);
	hello->current_uuid = side->current_uuid;
	hello->bitmap_uuid = side->bitmap_uuid;
	hello->dirty_regions = side->dirty_regions;
	hello->flags |= side->discard ? SYNCMIRROR_WIRE_HELLO_F_DISCARD_LOCAL : 0;
	if (side->v2)
		return;
	memcpy(hello->history_uuid, side->history, sizeof(side->history));
	hello->promote_time = side->promote_time;
	hello->sb_policy = side->policy;
}

static u32 mirror_sb(u32 d)
{
	switch (d) {
	case SYNCMIRROR_SB_DECISION_MANUAL_LOCAL:
		return SYNCMIRROR_SB_DECISION_MANUAL_PEER;
	case SYNCMIRROR_SB_DECISION_MANUAL_PEER:
		return SYNCMIRROR_SB_DECISION_MANUAL_LOCAL;
	case SYNCMIRROR_SB_DECISION_AUTO_LOCAL:
		return SYNCMIRROR_SB_DECISION_AUTO_PEER;
	case SYNCMIRROR_SB_DECISION_AUTO_PEER:
		return SYNCMIRROR_SB_DECISION_AUTO_LOCAL;
	default:
		return d;
	}
}

static enum syncmirror_sync_verdict mirror(enum syncmirror_sync_verdict v)
{
	switch (v) {
	case SYNCMIRROR_SYNC_BE_SOURCE:
		return SYNCMIRROR_SYNC_BE_TARGET;
	case SYNCMIRROR_SYNC_BE_TARGET:
		return SYNCMIRROR_SYNC_BE_SOURCE;
	case SYNCMIRROR_SYNC_FULL_SOURCE:
		return SYNCMIRROR_SYNC_FULL_TARGET;
	case SYNCMIRROR_SYNC_FULL_TARGET:
		return SYNCMIRROR_SYNC_FULL_SOURCE;
	default:
		return v;
	}
}

static void syncmirror_wire_test_sync_verdict(struct kunit *test)
{
	const struct verdict_case *c = test->param_value;
	struct syncmirror_hello local, remote;
	struct syncmirror_sync_decision d;
	u16 version;

	hello_of(&c->local, &local);
	hello_of(&c->remote, &remote);
	/* Every case is a pair of nodes that may talk at all. */
	KUNIT_ASSERT_EQ(test, syncmirror_wire_check_hello(&local, &remote,
							  &version),
			SYNCMIRROR_WIRE_ERR_NONE);

	memset(&d, 0x5a, sizeof(d));
	KUNIT_EXPECT_EQ(test, syncmirror_wire_sync_verdict(&local, &remote, &d),
			c->error);
	if (c->error == SYNCMIRROR_WIRE_ERR_NONE)
		KUNIT_EXPECT_EQ(test, d.verdict, c->verdict);
	KUNIT_EXPECT_EQ(test, d.split_brain, c->sb);
	if (c->sb) {
		KUNIT_EXPECT_EQ(test, d.full, c->full);
		KUNIT_EXPECT_EQ(test, d.common_uuid, GEN_A);
		KUNIT_EXPECT_NOT_NULL(test, d.reason);
	}

	/* What the peer decides from the same two hellos. */
	memset(&d, 0x5a, sizeof(d));
	KUNIT_EXPECT_EQ_MSG(test, syncmirror_wire_sync_verdict(&remote, &local,
							       &d),
			    c->error, "seen from the peer");
	if (c->error == SYNCMIRROR_WIRE_ERR_NONE)
		KUNIT_EXPECT_EQ_MSG(test, d.verdict, mirror(c->verdict),
				    "seen from the peer");
	KUNIT_EXPECT_EQ_MSG(test, d.split_brain, mirror_sb(c->sb),
			    "seen from the peer");
	if (c->sb)
		KUNIT_EXPECT_EQ_MSG(test, d.full, c->full, "seen from the peer");
}

static struct kunit_case syncmirror_wire_test_cases[] = {
	KUNIT_CASE(syncmirror_wire_test_crc32c),
	KUNIT_CASE(syncmirror_wire_test_golden_header),
	KUNIT_CASE(syncmirror_wire_test_header_round_trip),
	KUNIT_CASE_PARAM(syncmirror_wire_test_header, header_gen_params),
	KUNIT_CASE(syncmirror_wire_test_reserved),
	KUNIT_CASE(syncmirror_wire_test_hello_round_trip),
	KUNIT_CASE(syncmirror_wire_test_golden_hello),
	KUNIT_CASE_PARAM(syncmirror_wire_test_check_hello, hello_gen_params),
	KUNIT_CASE_PARAM(syncmirror_wire_test_sync_verdict,
			 verdict_gen_params),
	{}
};

static struct kunit_suite syncmirror_wire_test_suite = {
	.name = "syncmirror_protocol",
	.test_cases = syncmirror_wire_test_cases,
};

kunit_test_suite(syncmirror_wire_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
