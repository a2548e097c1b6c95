/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The heartbeat protocol between the members of a cluster, version 1
 * (Documentation/syncmirror-failover.rst, "Heartbeat link"): encoding,
 * decoding and every check a receiver makes.  No I/O here; the links are
 * tools/syncmirrord/heartbeat.c.
 *
 * A message is a 40-byte header and payload_len bytes of payload, all
 * integers big-endian, checksums CRC-32C as in the wire protocol.  Any
 * failed check closes the link; the check's text says why, to be logged.
 */
#ifndef SYNCMIRROR_HBPROTO_H
#define SYNCMIRROR_HBPROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SM_HB_MAGIC		0x534d4842	/* "SMHB" */
#define SM_HB_VERSION		1
#define SM_HB_HEADER_SIZE	40
#define SM_HB_RECORD_SIZE	64
#define SM_HB_PAYLOAD_MAX	65536
#define SM_HB_COUNT_SIZE	8	/* HEARTBEAT: count u32, reserved u32 */
#define SM_HB_RESULT_SIZE	8	/* PROMOTE_REPLY: result u32, reserved u32 */
#define SM_HB_MAX_RECORDS	((SM_HB_PAYLOAD_MAX - SM_HB_COUNT_SIZE) / \
				 SM_HB_RECORD_SIZE)
#define SM_HB_MESSAGE_MAX	(SM_HB_HEADER_SIZE + SM_HB_PAYLOAD_MAX)
#define SM_HB_NO_MEMBER		0xffffffffU

/* Header offsets. */
#define SM_HB_OFF_MAGIC		0
#define SM_HB_OFF_VERSION	4	/* u16 */
#define SM_HB_OFF_TYPE		6	/* u16 */
#define SM_HB_OFF_SENDER	8
#define SM_HB_OFF_PAYLOAD_LEN	12
#define SM_HB_OFF_SEQ		16	/* u64 */
#define SM_HB_OFF_ECHO_SEQ	24	/* u64 */
#define SM_HB_OFF_PAYLOAD_CSUM	32
#define SM_HB_OFF_HEADER_CSUM	36

enum sm_hb_type {
	SM_HB_HEARTBEAT = 1,		/* count, reserved, count records */
	SM_HB_PROMOTE_REQUEST = 2,	/* one record: grant me term/primary_gen */
	SM_HB_PROMOTE_REPLY = 3,	/* one record, result, reserved */
};

/* Volume record: the sender's view of one volume. */
#define SM_HB_ROLE_NONE		0	/* witness, or volume not loaded */
#define SM_HB_ROLE_SECONDARY	1
#define SM_HB_ROLE_PRIMARY	2

#define SM_HB_F_SEES_PEER	(1U << 0)	/* hears the volume's other data node */
#define SM_HB_F_UP_TO_DATE	(1U << 1)	/* disk up-to-date, no resync into it */
#define SM_HB_F_QUORUM		(1U << 2)	/* primary holding quorum */
#define SM_HB_F_GRANT		(1U << 3)	/* a lease for the recipient */
#define SM_HB_F_GEN_PENDING	(1U << 4)	/* kernel waits for current_uuid to be recorded */
#define SM_HB_F_KNOWN		0x1fU

struct sm_hb_record {
	uint8_t volume_uuid[16];
	uint64_t term;		/* highest term the sender recorded */
	uint32_t primary;	/* that term's primary; SM_HB_NO_MEMBER none */
	uint32_t role;		/* SM_HB_ROLE_* */
	uint64_t current_uuid;	/* the sender's data generation, 0 on a witness */
	uint64_t primary_gen;	/* the sender's recorded primary generation */
	uint32_t flags;		/* SM_HB_F_* */
	uint32_t peer;		/* the volume's other data node, to the sender */
	uint32_t lost_ms;	/* since the sender last heard peer; 0 hearing it */
};

/* PROMOTE_REPLY results. */
enum sm_hb_result {
	SM_HB_GRANTED = 0,
	SM_HB_DENY_PRIMARY_ALIVE = 1,	/* the voter hears the primary, it says primary */
	SM_HB_DENY_OUTDATED = 2,	/* lineage is not the recorded primary_gen */
	SM_HB_DENY_STALE_TERM = 3,	/* the voter has that term or a higher one */
	SM_HB_DENY_DAMAGED = 4,		/* the voter's state file is damaged */
	SM_HB_DENY_NOT_MEMBER = 5,	/* the sender is not a member of the volume */
	SM_HB_DENY_STORAGE = 6,		/* the voter could not persist the term */
	SM_HB_RESULT_MAX = SM_HB_DENY_STORAGE,
};

struct sm_hb_header {
	uint16_t version;
	uint16_t type;
	uint32_t sender;
	uint32_t payload_len;
	uint64_t seq;
	uint64_t echo_seq;
	uint32_t payload_csum;
};

/* What a receiver found wrong; each closes the link. */
enum sm_hb_error {
	SM_HB_OK,
	SM_HB_ERR_MAGIC,
	SM_HB_ERR_VERSION,
	SM_HB_ERR_HEADER_CSUM,
	SM_HB_ERR_TYPE,
	SM_HB_ERR_PAYLOAD_TOO_LARGE,
	SM_HB_ERR_PAYLOAD_SIZE,		/* wrong size for the type */
	SM_HB_ERR_SENDER,		/* not the authenticated member */
	SM_HB_ERR_SEQ,
	SM_HB_ERR_ECHO_SEQ,
	SM_HB_ERR_PAYLOAD_CSUM,
	SM_HB_ERR_RESERVED,
	SM_HB_ERR_COUNT,		/* HEARTBEAT count and payload_len disagree */
	SM_HB_ERR_ROLE,
	SM_HB_ERR_FLAGS,
	SM_HB_ERR_RESULT,
	SM_HB_ERR_DUPLICATE,		/* one volume twice in a heartbeat */
};

/* Sequence numbers of one connection; both start at 0 on a new one. */
struct sm_hb_seq {
	uint64_t sent;		/* seq of the last message sent */
	uint64_t received;	/* seq of the last message received */
};

/* Standard CRC-32C of @len bytes (initial value and final xor ~0). */
uint32_t sm_hb_crc32c(const void *data, size_t len);

/* The size of a message of @type carrying @count records. */
size_t sm_hb_message_size(uint16_t type, uint32_t count);

/*
 * Encode a whole message into @out: HEARTBEAT with @count records,
 * PROMOTE_REQUEST with one, PROMOTE_REPLY with one and @result.  Takes the
 * next seq from @seq and echoes @seq->received.  Returns the message's
 * length, or 0 when @count does not fit the type or @size is too small.
 */
size_t sm_hb_encode(struct sm_hb_seq *seq, uint32_t sender, uint16_t type,
		    const struct sm_hb_record *records, uint32_t count,
		    uint32_t result, void *out, size_t size);

/* Recompute both checksums of an encoded message (for tests and tools). */
void sm_hb_seal(void *message, size_t len);

void sm_hb_record_encode(const struct sm_hb_record *record, void *out);
void sm_hb_record_decode(const void *in, struct sm_hb_record *record);

/*
 * Checks on the 40 header bytes, in this order: magic, version, header
 * checksum, type, payload too large, payload size for the type (every
 * type has a payload, so payload_csum is never the empty one).  Fills @h (even on a version mismatch, so that the
 * caller can log "member <n> speaks heartbeat version <v>").
 */
enum sm_hb_error sm_hb_decode_header(const void *buf, struct sm_hb_header *h,
				     char *why, size_t why_size);

/*
 * Checks of the message against its connection: @h->sender is @member,
 * seq is the last received plus 1, echo_seq at most the last sent.  On
 * success the message's seq becomes @seq->received.
 */
enum sm_hb_error sm_hb_check_sequence(struct sm_hb_seq *seq, uint32_t member,
				      const struct sm_hb_header *h, char *why,
				      size_t why_size);

/*
 * Checks on the payload, in this order: payload checksum, reserved words,
 * HEARTBEAT count, then per record: role, flags, reserved; a volume at
 * most once per heartbeat; PROMOTE_REPLY result.  Fills up to
 * @max_records records, their number in @count and the reply's @result.
 */
enum sm_hb_error sm_hb_decode_payload(const struct sm_hb_header *h,
				      const void *payload,
				      struct sm_hb_record *records,
				      uint32_t max_records, uint32_t *count,
				      uint32_t *result, char *why,
				      size_t why_size);

const char *sm_hb_type_name(uint16_t type);
/* "granted", "the primary is alive", ... for logs. */
const char *sm_hb_result_text(uint32_t result);

#endif
