// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: heartbeat messages as a receiver checks them
 * (sm_hb_decode_header(), sm_hb_decode_payload() and
 * sm_hb_check_sequence(), tools/lib/hbproto.c).
 *
 * Properties: a message that passes every check has a type, a size and
 * records the protocol allows (Documentation/syncmirror-failover.rst,
 * "Heartbeat link"), and encoding what was decoded (sm_hb_encode()) gives
 * the same bytes back; a refusal always says why.
 *
 * Input: control byte (FUZZ_FIX_CSUM: set both checksums), the most
 * records the receiver takes, then the message.
 */
#include <endian.h>
#include <stdbool.h>
#include <stdint.h>

#include "hbproto.h"
#include "fuzz.h"

static void check_records(const struct sm_hb_header *h,
			  const struct sm_hb_record *records, uint32_t count,
			  uint32_t max, uint32_t result)
{
	uint32_t i, j;

	fuzz_check(count <= max, "%u records, at most %u taken", count, max);
	fuzz_check(sm_hb_message_size(h->type, count) ==
		   SM_HB_HEADER_SIZE + h->payload_len,
		   "%u records in a %s of %u bytes", count,
		   sm_hb_type_name(h->type), h->payload_len);
	fuzz_check(h->type != SM_HB_PROMOTE_REPLY || result <= SM_HB_RESULT_MAX,
		   "result %u accepted", result);
	for (i = 0; i < count; i++) {
		fuzz_check(records[i].role <= SM_HB_ROLE_PRIMARY,
			   "role %u accepted", records[i].role);
		fuzz_check(!(records[i].flags & ~SM_HB_F_KNOWN),
			   "flags %#x accepted", records[i].flags);
		for (j = 0; j < i; j++)
			fuzz_check(memcmp(records[i].volume_uuid,
					  records[j].volume_uuid, 16),
				   "one volume twice in a message");
	}
}

static void check_round_trip(const uint8_t *message,
			     const struct sm_hb_header *h,
			     const struct sm_hb_record *records,
			     uint32_t count, uint32_t result)
{
	static uint8_t again[SM_HB_MESSAGE_MAX];
	struct sm_hb_seq seq = { h->seq - 1, h->echo_seq };
	size_t len;

	len = sm_hb_encode(&seq, h->sender, h->type, records, count, result,
			   again, sizeof(again));
	fuzz_check(len == SM_HB_HEADER_SIZE + h->payload_len &&
		   !memcmp(message, again, len),
		   "decoding then encoding changed the message");
	fuzz_check(seq.sent == h->seq, "the encoder took another seq");
}

/* The receiver's sequence checks, on a connection that expects it. */
static void check_sequence(const struct sm_hb_header *h)
{
	struct sm_hb_seq seq = { h->echo_seq, h->seq - 1 };
	char why[256] = "";

	fuzz_check(sm_hb_check_sequence(&seq, h->sender, h, why,
					sizeof(why)) == SM_HB_OK,
		   "the expected message refused: %s", why);
	fuzz_check(seq.received == h->seq, "seq not taken");
	fuzz_check(sm_hb_check_sequence(&seq, h->sender, h, why,
					sizeof(why)) == SM_HB_ERR_SEQ && *why,
		   "a replayed message accepted");
}

/* Both checksums right, for the payload the header announces. */
static void seal(uint8_t *message, size_t len)
{
	uint32_t payload_len;

	memcpy(&payload_len, message + SM_HB_OFF_PAYLOAD_LEN, 4);
	payload_len = be32toh(payload_len);
	if (payload_len > len - SM_HB_HEADER_SIZE)
		payload_len = 0;
	sm_hb_seal(message, SM_HB_HEADER_SIZE + payload_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t message[SM_HB_MESSAGE_MAX];
	static struct sm_hb_record records[SM_HB_MAX_RECORDS];
	struct fuzz_input in = { data, size };
	uint8_t control = fuzz_u8(&in);
	uint32_t max = fuzz_le(&in, 2) % (SM_HB_MAX_RECORDS + 2);
	size_t len = in.size < sizeof(message) ? in.size : sizeof(message);
	struct sm_hb_header h;
	uint32_t count, result;
	enum sm_hb_error error;
	char why[256] = "";

	if (len < SM_HB_HEADER_SIZE)
		return 0;
	fuzz_take(&in, message, len);
	if (control & FUZZ_FIX_CSUM)
		seal(message, len);
	error = sm_hb_decode_header(message, &h, why, sizeof(why));
	if (error) {
		fuzz_check(*why, "header refused without a reason");
		return 0;
	}
	fuzz_check(h.payload_len <= SM_HB_PAYLOAD_MAX,
		   "payload of %u bytes accepted", h.payload_len);
	if (SM_HB_HEADER_SIZE + h.payload_len > len)
		return 0;	/* the link would wait for the rest */
	if (max > SM_HB_MAX_RECORDS)
		max = SM_HB_MAX_RECORDS;
	error = sm_hb_decode_payload(&h, message + SM_HB_HEADER_SIZE, records,
				     max, &count, &result, why, sizeof(why));
	if (error) {
		fuzz_check(*why, "payload refused without a reason");
		return 0;
	}
	check_records(&h, records, count, max, result);
	check_round_trip(message, &h, records, count, result);
	check_sequence(&h);
	return 0;
}
