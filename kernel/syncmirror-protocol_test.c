// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the wire protocol: the header layout is the documented
 * one byte for byte, every malformed header a peer could send is refused
 * with its own reason, and the hello check decides every row of the table
 * in Documentation/syncmirror-protocol.rst.
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
	{ "valid hello", MSG(.type = SYNCMIRROR_WIRE_HELLO, .payload_len = 48,
			     .payload_csum = 1), 0, 0, NULL },
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
	{ "unknown flag", MSG(.type = SYNCMIRROR_WIRE_WRITE, .flags = 4,
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
	.version_min = 1,
	.version_max = 1,
	.volume_uuid = UUID_INIT(0x0b6f5c1a, 0x7e0d, 0x4c55, 0x9a, 0x3e, 0x5b,
				 0x1f, 0x0c, 0x2d, 0x3e, 0x4f),
	.data_sectors = 2095104,
	.node_id = 0,
	.max_payload = SYNCMIRROR_WIRE_MAX_PAYLOAD,
	.role = SYNCMIRROR_ROLE_SECONDARY,
};

/* local_hello as a diverged primary, encoded outside the kernel. */
static const u8 primary_hello_bytes[48] = {
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x0b, 0x6f, 0x5c, 0x1a, 0x7e, 0x0d, 0x4c, 0x55,
	0x9a, 0x3e, 0x5b, 0x1f, 0x0c, 0x2d, 0x3e, 0x4f,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x1f, 0xf8, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,
};

static void syncmirror_wire_test_golden_hello(struct kunit *test)
{
	struct syncmirror_hello hello = local_hello;
	struct syncmirror_wire_hello wire;

	hello.role = SYNCMIRROR_ROLE_PRIMARY;
	hello.flags = SYNCMIRROR_WIRE_HELLO_F_DIVERGED;
	syncmirror_wire_encode_hello(&hello, &wire);
	KUNIT_EXPECT_EQ(test, memcmp(&wire, primary_hello_bytes,
				     sizeof(primary_hello_bytes)), 0);
}

static void syncmirror_wire_test_hello_round_trip(struct kunit *test)
{
	struct syncmirror_wire_hello wire;
	struct syncmirror_hello hello;

	syncmirror_wire_encode_hello(&local_hello, &wire);
	KUNIT_EXPECT_EQ(test, be64_to_cpu(wire.data_sectors), 2095104ULL);
	syncmirror_wire_decode_hello(&wire, &hello);
	KUNIT_EXPECT_EQ(test, hello.version_min, local_hello.version_min);
	KUNIT_EXPECT_EQ(test, hello.version_max, local_hello.version_max);
	KUNIT_EXPECT_EQ(test, hello.features, local_hello.features);
	KUNIT_EXPECT_TRUE(test, uuid_equal(&hello.volume_uuid,
					   &local_hello.volume_uuid));
	KUNIT_EXPECT_EQ(test, hello.data_sectors, local_hello.data_sectors);
	KUNIT_EXPECT_EQ(test, hello.node_id, local_hello.node_id);
	KUNIT_EXPECT_EQ(test, hello.max_payload, local_hello.max_payload);
	KUNIT_EXPECT_EQ(test, hello.role, local_hello.role);
	KUNIT_EXPECT_EQ(test, hello.flags, local_hello.flags);
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
	r->version_min = 2;
	r->version_max = 3;
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

static void be_diverged(struct syncmirror_hello *h)
{
	h->flags = SYNCMIRROR_WIRE_HELLO_F_DIVERGED;
}

static void be_diverged_primary(struct syncmirror_hello *h)
{
	be_primary(h);
	be_diverged(h);
}

static void peer_role_unknown(struct syncmirror_hello *r)
{
	r->role = 3;
}

static void peer_other_size_diverged(struct syncmirror_hello *r)
{
	peer_other_size(r);
	be_diverged(r);
}

static const struct hello_case hello_cases[] = {
	{ "same volume, other node", peer_only, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 1 },
	{ "peer speaks 1..3", peer_newer_range, NULL,
	  SYNCMIRROR_WIRE_ERR_NONE, 1 },
	{ "peer speaks only 2..3", peer_too_new, NULL,
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
	  SYNCMIRROR_WIRE_ERR_NONE, 1 },
	{ "we primary, peer secondary", peer_only, be_primary,
	  SYNCMIRROR_WIRE_ERR_NONE, 1 },
	{ "peer role unknown", peer_role_unknown, NULL,
	  SYNCMIRROR_WIRE_ERR_PROTOCOL },
	{ "both primary", be_primary, be_primary,
	  SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY },
	{ "peer diverged", be_diverged, NULL,
	  SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED },
	{ "we diverged", peer_only, be_diverged_primary,
	  SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED },
	{ "both primary checked before divergence", be_diverged_primary,
	  be_primary, SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY },
	{ "size checked before divergence", peer_other_size_diverged, NULL,
	  SYNCMIRROR_WIRE_ERR_SIZE },
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

static struct kunit_case syncmirror_wire_test_cases[] = {
	KUNIT_CASE(syncmirror_wire_test_crc32c),
	KUNIT_CASE(syncmirror_wire_test_golden_header),
	KUNIT_CASE(syncmirror_wire_test_header_round_trip),
	KUNIT_CASE_PARAM(syncmirror_wire_test_header, header_gen_params),
	KUNIT_CASE(syncmirror_wire_test_reserved),
	KUNIT_CASE(syncmirror_wire_test_hello_round_trip),
	KUNIT_CASE(syncmirror_wire_test_golden_hello),
	KUNIT_CASE_PARAM(syncmirror_wire_test_check_hello, hello_gen_params),
	{}
};

static struct kunit_suite syncmirror_wire_test_suite = {
	.name = "syncmirror_protocol",
	.test_cases = syncmirror_wire_test_cases,
};

kunit_test_suite(syncmirror_wire_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
