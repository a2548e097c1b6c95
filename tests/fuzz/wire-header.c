// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the wire header decoder (syncmirror_wire_decode_header(),
 * kernel/syncmirror-protocol.c).  A header it accepts must satisfy every
 * rule of the check table in Documentation/syncmirror-protocol.rst, read
 * here independently of the decoder, and encode back to the same 48
 * bytes.
 */
#include "syncmirror-protocol.h"
#include "fuzz.h"

#define MAX_PAYLOAD	SYNCMIRROR_WIRE_MAX_PAYLOAD

static void seal(struct syncmirror_wire_header *header)
{
	header->header_csum = 0;
	header->header_csum = cpu_to_be32(syncmirror_wire_crc32c(header,
							sizeof(*header)));
}

static bool request_size_ok(u32 size)
{
	return size && !(size % SECTOR_SIZE);
}

/* What the type allows, from the protocol document's table. */
static void check_type(const struct syncmirror_msg *msg)
{
	switch (msg->type) {
	case SYNCMIRROR_WIRE_HELLO:
		fuzz_check(msg->payload_len == 80 || msg->payload_len == 128,
			   "hello of %u bytes accepted", msg->payload_len);
		break;
	case SYNCMIRROR_WIRE_WRITE:
		fuzz_check(msg->size == msg->payload_len &&
			   request_size_ok(msg->size),
			   "write of %u bytes with %u of payload accepted",
			   msg->size, msg->payload_len);
		fuzz_check(!(msg->flags & SYNCMIRROR_WIRE_F_LAST),
			   "write with LAST accepted");
		break;
	case SYNCMIRROR_WIRE_DISCARD:
	case SYNCMIRROR_WIRE_WRITE_ZEROES:
		fuzz_check(request_size_ok(msg->size),
			   "request of %u bytes accepted", msg->size);
		break;
	case SYNCMIRROR_WIRE_FLUSH:
		fuzz_check(!msg->size, "flush with a size accepted");
		break;
	case SYNCMIRROR_WIRE_VERIFY:
	case SYNCMIRROR_WIRE_READ:
		fuzz_check(request_size_ok(msg->size) &&
			   msg->size <= MAX_PAYLOAD,
			   "verify or read of %u bytes accepted", msg->size);
		break;
	case SYNCMIRROR_WIRE_ACK:
		fuzz_check(!msg->payload_len ||
			   msg->payload_len == msg->size,
			   "ack with %u bytes of payload for %u accepted",
			   msg->payload_len, msg->size);
		break;
	case SYNCMIRROR_WIRE_ERROR:
		fuzz_check(msg->payload_len <= SYNCMIRROR_WIRE_MAX_ERROR_TEXT,
			   "error text of %u bytes accepted", msg->payload_len);
		break;
	case SYNCMIRROR_WIRE_BITMAP:
		fuzz_check(!(msg->payload_len % 8),
			   "bitmap of %u bytes accepted", msg->payload_len);
		break;
	case SYNCMIRROR_WIRE_RESYNC_DONE:
		fuzz_check(msg->payload_len == 16,
			   "resync-done of %u bytes accepted",
			   msg->payload_len);
		break;
	}
}

static bool takes_payload(u16 type)
{
	return type == SYNCMIRROR_WIRE_HELLO || type == SYNCMIRROR_WIRE_WRITE ||
	       type == SYNCMIRROR_WIRE_RESYNC_DONE ||
	       type == SYNCMIRROR_WIRE_ACK || type == SYNCMIRROR_WIRE_ERROR ||
	       type == SYNCMIRROR_WIRE_BITMAP;
}

static void check_accepted(const struct syncmirror_msg *msg)
{
	u16 flags_allowed = 0;

	fuzz_check(msg->type >= 1 && msg->type <= 15,
		   "message type %u accepted", msg->type);
	fuzz_check(msg->payload_len <= MAX_PAYLOAD,
		   "payload of %u bytes accepted", msg->payload_len);
	fuzz_check(msg->payload_len || !msg->payload_csum,
		   "checksum on an empty payload accepted");
	fuzz_check(takes_payload(msg->type) || !msg->payload_len,
		   "payload on type %u accepted", msg->type);
	if (msg->type == SYNCMIRROR_WIRE_WRITE)
		flags_allowed = SYNCMIRROR_WIRE_F_FUA |
				SYNCMIRROR_WIRE_F_PREFLUSH |
				SYNCMIRROR_WIRE_F_RESYNC;
	else if (msg->type == SYNCMIRROR_WIRE_BITMAP)
		flags_allowed = SYNCMIRROR_WIRE_F_LAST;
	fuzz_check(!(msg->flags & ~flags_allowed),
		   "flags 0x%x on type %u accepted", msg->flags, msg->type);
	check_type(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct syncmirror_wire_header header, again;
	struct syncmirror_msg msg;
	const char *error = NULL;
	u8 control = fuzz_u8(&in);

	fuzz_take(&in, &header, sizeof(header));
	if (control & FUZZ_FIX_CSUM)
		seal(&header);
	if (syncmirror_wire_decode_header(&header, &msg, &error)) {
		fuzz_check(error && *error, "header refused without a reason");
		return 0;
	}
	fuzz_check(!error, "header accepted with the reason \"%s\"", error);
	check_accepted(&msg);
	syncmirror_wire_encode_header(&msg, &again);
	fuzz_check(!memcmp(&header, &again, sizeof(header)),
		   "decoding then encoding changed the header");
	return 0;
}
