// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Heartbeat protocol v1: the messages members of a cluster exchange over
 * their heartbeat links, and the checks a receiver makes before it
 * believes one.  A heartbeat carries leases and the facts promotions are
 * decided on, so a receiver takes nothing it cannot verify in full: a
 * message that fails any check closes the link (the sender reconnects),
 * never half-applies.  Tested by tests/tools/hbproto_test.sh.
 */
#include <endian.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "crc32c.h"
#include "hbproto.h"

/* Record offsets. */
#define REC_UUID		0
#define REC_TERM		16
#define REC_PRIMARY		24
#define REC_ROLE		28
#define REC_CURRENT_UUID	32
#define REC_PRIMARY_GEN		40
#define REC_FLAGS		48
#define REC_PEER		52
#define REC_LOST_MS		56
#define REC_RESERVED		60

static void put16(uint8_t *p, uint16_t v)
{
	v = htobe16(v);
	memcpy(p, &v, 2);
}

static void put32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

static uint16_t get16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return be16toh(v);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

uint32_t sm_hb_crc32c(const void *data, size_t len)
{
	return ~crc32c_update(~0U, data, len);
}

static uint32_t header_csum(const uint8_t *header)
{
	uint8_t copy[SM_HB_HEADER_SIZE];

	memcpy(copy, header, SM_HB_HEADER_SIZE);
	memset(copy + SM_HB_OFF_HEADER_CSUM, 0, 4);
	return sm_hb_crc32c(copy, SM_HB_HEADER_SIZE);
}

size_t sm_hb_message_size(uint16_t type, uint32_t count)
{
	switch (type) {
	case SM_HB_HEARTBEAT:
		if (count > SM_HB_MAX_RECORDS)
			return 0;
		return SM_HB_HEADER_SIZE + SM_HB_COUNT_SIZE +
		       (size_t)count * SM_HB_RECORD_SIZE;
	case SM_HB_PROMOTE_REQUEST:
		return count == 1 ? SM_HB_HEADER_SIZE + SM_HB_RECORD_SIZE : 0;
	case SM_HB_PROMOTE_REPLY:
		return count == 1 ? SM_HB_HEADER_SIZE + SM_HB_RECORD_SIZE +
				    SM_HB_RESULT_SIZE : 0;
	}
	return 0;
}

void sm_hb_record_encode(const struct sm_hb_record *r, void *out)
{
	uint8_t *p = out;

	memcpy(p + REC_UUID, r->volume_uuid, 16);
	put64(p + REC_TERM, r->term);
	put32(p + REC_PRIMARY, r->primary);
	put32(p + REC_ROLE, r->role);
	put64(p + REC_CURRENT_UUID, r->current_uuid);
	put64(p + REC_PRIMARY_GEN, r->primary_gen);
	put32(p + REC_FLAGS, r->flags);
	put32(p + REC_PEER, r->peer);
	put32(p + REC_LOST_MS, r->lost_ms);
	put32(p + REC_RESERVED, 0);
}

void sm_hb_record_decode(const void *in, struct sm_hb_record *r)
{
	const uint8_t *p = in;

	memcpy(r->volume_uuid, p + REC_UUID, 16);
	r->term = get64(p + REC_TERM);
	r->primary = get32(p + REC_PRIMARY);
	r->role = get32(p + REC_ROLE);
	r->current_uuid = get64(p + REC_CURRENT_UUID);
	r->primary_gen = get64(p + REC_PRIMARY_GEN);
	r->flags = get32(p + REC_FLAGS);
	r->peer = get32(p + REC_PEER);
	r->lost_ms = get32(p + REC_LOST_MS);
}

void sm_hb_seal(void *message, size_t len)
{
	uint8_t *p = message;
	size_t payload = len - SM_HB_HEADER_SIZE;

	put32(p + SM_HB_OFF_PAYLOAD_CSUM,
	      sm_hb_crc32c(p + SM_HB_HEADER_SIZE, payload));
	put32(p + SM_HB_OFF_HEADER_CSUM, header_csum(p));
}

size_t sm_hb_encode(struct sm_hb_seq *seq, uint32_t sender, uint16_t type,
		    const struct sm_hb_record *records, uint32_t count,
		    uint32_t result, void *out, size_t size)
{
	size_t len = sm_hb_message_size(type, count);
	uint8_t *p = out, *payload = p + SM_HB_HEADER_SIZE;
	uint32_t i;

	if (!len || len > size)
		return 0;
	memset(p, 0, len);
	put32(p + SM_HB_OFF_MAGIC, SM_HB_MAGIC);
	put16(p + SM_HB_OFF_VERSION, SM_HB_VERSION);
	put16(p + SM_HB_OFF_TYPE, type);
	put32(p + SM_HB_OFF_SENDER, sender);
	put32(p + SM_HB_OFF_PAYLOAD_LEN, len - SM_HB_HEADER_SIZE);
	put64(p + SM_HB_OFF_SEQ, ++seq->sent);
	put64(p + SM_HB_OFF_ECHO_SEQ, seq->received);
	if (type == SM_HB_HEARTBEAT) {
		put32(payload, count);
		payload += SM_HB_COUNT_SIZE;
	}
	for (i = 0; i < count; i++)
		sm_hb_record_encode(&records[i],
				    payload + i * SM_HB_RECORD_SIZE);
	if (type == SM_HB_PROMOTE_REPLY)
		put32(payload + SM_HB_RECORD_SIZE, result);
	sm_hb_seal(p, len);
	return len;
}

static enum sm_hb_error fail(enum sm_hb_error error, char *why,
			     size_t why_size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static enum sm_hb_error fail(enum sm_hb_error error, char *why,
			     size_t why_size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return error;
}

/* Is @len a possible payload size of @type?  The header says no more. */
static bool payload_size_ok(uint16_t type, uint32_t len)
{
	switch (type) {
	case SM_HB_HEARTBEAT:
		return len >= SM_HB_COUNT_SIZE &&
		       !((len - SM_HB_COUNT_SIZE) % SM_HB_RECORD_SIZE);
	case SM_HB_PROMOTE_REQUEST:
		return len == SM_HB_RECORD_SIZE;
	case SM_HB_PROMOTE_REPLY:
		return len == SM_HB_RECORD_SIZE + SM_HB_RESULT_SIZE;
	}
	return false;
}

enum sm_hb_error sm_hb_decode_header(const void *buf, struct sm_hb_header *h,
				     char *why, size_t why_size)
{
	const uint8_t *p = buf;
	uint32_t magic = get32(p + SM_HB_OFF_MAGIC);

	h->version = get16(p + SM_HB_OFF_VERSION);
	h->type = get16(p + SM_HB_OFF_TYPE);
	h->sender = get32(p + SM_HB_OFF_SENDER);
	h->payload_len = get32(p + SM_HB_OFF_PAYLOAD_LEN);
	h->seq = get64(p + SM_HB_OFF_SEQ);
	h->echo_seq = get64(p + SM_HB_OFF_ECHO_SEQ);
	h->payload_csum = get32(p + SM_HB_OFF_PAYLOAD_CSUM);

	if (magic != SM_HB_MAGIC)
		return fail(SM_HB_ERR_MAGIC, why, why_size,
			    "bad magic 0x%08x", magic);
	if (h->version != SM_HB_VERSION)
		return fail(SM_HB_ERR_VERSION, why, why_size,
			    "speaks heartbeat version %u, we speak %d",
			    h->version, SM_HB_VERSION);
	if (get32(p + SM_HB_OFF_HEADER_CSUM) != header_csum(p))
		return fail(SM_HB_ERR_HEADER_CSUM, why, why_size,
			    "header checksum mismatch");
	if (h->type < SM_HB_HEARTBEAT || h->type > SM_HB_PROMOTE_REPLY)
		return fail(SM_HB_ERR_TYPE, why, why_size,
			    "unknown message type %u", h->type);
	if (h->payload_len > SM_HB_PAYLOAD_MAX)
		return fail(SM_HB_ERR_PAYLOAD_TOO_LARGE, why, why_size,
			    "payload of %u bytes is larger than %d",
			    h->payload_len, SM_HB_PAYLOAD_MAX);
	if (!payload_size_ok(h->type, h->payload_len))
		return fail(SM_HB_ERR_PAYLOAD_SIZE, why, why_size,
			    "%s payload has the wrong size (%u bytes)",
			    sm_hb_type_name(h->type), h->payload_len);
	return SM_HB_OK;
}

enum sm_hb_error sm_hb_check_sequence(struct sm_hb_seq *seq, uint32_t member,
				      const struct sm_hb_header *h, char *why,
				      size_t why_size)
{
	if (h->sender != member)
		return fail(SM_HB_ERR_SENDER, why, why_size,
			    "message from member %u on member %u's link",
			    h->sender, member);
	if (h->seq != seq->received + 1)
		return fail(SM_HB_ERR_SEQ, why, why_size,
			    "seq %" PRIu64 " out of sequence (expected %" PRIu64 ")",
			    h->seq, seq->received + 1);
	if (h->echo_seq > seq->sent)
		return fail(SM_HB_ERR_ECHO_SEQ, why, why_size,
			    "echo_seq %" PRIu64 " above the last seq we sent (%" PRIu64 ")",
			    h->echo_seq, seq->sent);
	seq->received = h->seq;
	return SM_HB_OK;
}

static enum sm_hb_error check_record(const uint8_t *p, uint32_t index,
				     char *why, size_t why_size)
{
	uint32_t role = get32(p + REC_ROLE), flags = get32(p + REC_FLAGS);

	if (role > SM_HB_ROLE_PRIMARY)
		return fail(SM_HB_ERR_ROLE, why, why_size,
			    "record %u: unknown role %u", index, role);
	if (flags & ~SM_HB_F_KNOWN)
		return fail(SM_HB_ERR_FLAGS, why, why_size,
			    "record %u: unknown flags 0x%x", index,
			    flags & ~SM_HB_F_KNOWN);
	if (get32(p + REC_RESERVED))
		return fail(SM_HB_ERR_RESERVED, why, why_size,
			    "record %u: reserved field not zero", index);
	return SM_HB_OK;
}

enum sm_hb_error sm_hb_decode_payload(const struct sm_hb_header *h,
				      const void *payload,
				      struct sm_hb_record *records,
				      uint32_t max_records, uint32_t *count,
				      uint32_t *result, char *why,
				      size_t why_size)
{
	const uint8_t *p = payload, *rec = p;
	enum sm_hb_error error;
	uint32_t n = 1, i, j;

	*count = 0;
	*result = 0;
	/* Every type has a payload (sm_hb_decode_header() checked its size). */
	if (sm_hb_crc32c(payload, h->payload_len) != h->payload_csum)
		return fail(SM_HB_ERR_PAYLOAD_CSUM, why, why_size,
			    "payload checksum mismatch");
	if (h->type == SM_HB_HEARTBEAT) {
		n = get32(p);
		if (get32(p + 4))
			return fail(SM_HB_ERR_RESERVED, why, why_size,
				    "heartbeat: reserved field not zero");
		if ((uint64_t)n * SM_HB_RECORD_SIZE + SM_HB_COUNT_SIZE !=
		    h->payload_len)
			return fail(SM_HB_ERR_COUNT, why, why_size,
				    "heartbeat: count %u does not match the payload of %u bytes",
				    n, h->payload_len);
		rec = p + SM_HB_COUNT_SIZE;
	}
	if (n > max_records)
		return fail(SM_HB_ERR_COUNT, why, why_size,
			    "%u records, more than the %u we take", n,
			    max_records);
	for (i = 0; i < n; i++) {
		error = check_record(rec + i * SM_HB_RECORD_SIZE, i, why,
				     why_size);
		if (error)
			return error;
		for (j = 0; j < i; j++)
			if (!memcmp(rec + i * SM_HB_RECORD_SIZE,
				    rec + j * SM_HB_RECORD_SIZE, 16))
				return fail(SM_HB_ERR_DUPLICATE, why, why_size,
					    "records %u and %u are of the same volume",
					    j, i);
	}
	if (h->type == SM_HB_PROMOTE_REPLY) {
		*result = get32(rec + SM_HB_RECORD_SIZE);
		if (get32(rec + SM_HB_RECORD_SIZE + 4))
			return fail(SM_HB_ERR_RESERVED, why, why_size,
				    "promote reply: reserved field not zero");
		if (*result > SM_HB_RESULT_MAX)
			return fail(SM_HB_ERR_RESULT, why, why_size,
				    "promote reply: unknown result %u",
				    *result);
	}
	for (i = 0; i < n; i++)
		sm_hb_record_decode(rec + i * SM_HB_RECORD_SIZE, &records[i]);
	*count = n;
	return SM_HB_OK;
}

const char *sm_hb_type_name(uint16_t type)
{
	switch (type) {
	case SM_HB_HEARTBEAT:
		return "heartbeat";
	case SM_HB_PROMOTE_REQUEST:
		return "promote request";
	case SM_HB_PROMOTE_REPLY:
		return "promote reply";
	}
	return "unknown";
}

const char *sm_hb_result_text(uint32_t result)
{
	switch (result) {
	case SM_HB_GRANTED:
		return "granted";
	case SM_HB_DENY_PRIMARY_ALIVE:
		return "the primary is alive";
	case SM_HB_DENY_OUTDATED:
		return "outdated: not the recorded primary generation";
	case SM_HB_DENY_STALE_TERM:
		return "stale term";
	case SM_HB_DENY_DAMAGED:
		return "the voter's quorum state is damaged";
	case SM_HB_DENY_NOT_MEMBER:
		return "not a member of the volume";
	case SM_HB_DENY_STORAGE:
		return "the voter could not persist the term";
	}
	return "unknown reason";
}
