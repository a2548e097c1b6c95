// SPDX-License-Identifier: GPL-2.0-only
/*
 * hbproto_test - the heartbeat protocol (tools/lib/hbproto.c) and the
 * heartbeat links' authentication (tools/lib/hb-auth.h), run by
 * tests/tools/hbproto_test.sh.
 *
 *   hbproto_test
 *	Encoding (byte by byte against the design's tables), decoding, and
 *	each receiver check refusing the one defect it is for while the
 *	unchanged message passes; then SMH1 authentication between two
 *	members, and its refusal by and of a peer-link (SMA1) endpoint.
 *   hbproto_test answer SECRET OTHER_CHALLENGE OWN_CHALLENGE ID UUID
 *	The HMAC answer in hex, for the known-answer test against openssl.
 */
#include <endian.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/auth.h"
#include "../lib/hbproto.h"
#include "../lib/superblock.h"
#include "check.h"

static const uint8_t uuid_a[16] = { 0x7c, 0x1d, 0x2e, 0x3f, 0x4a, 0x5b,
				    0x4c, 0x6d, 0x8e, 0x7f, 0x80, 0x91,
				    0xa2, 0xb3, 0xc4, 0xd5 };

static uint32_t be32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return be32toh(v);
}

static uint64_t be64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static void set32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, 4);
}

static void sample_record(struct sm_hb_record *r, uint8_t tag)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->volume_uuid, uuid_a, 16);
	r->volume_uuid[15] = tag;
	r->term = 0x0102030405060708ULL;
	r->primary = 1;
	r->role = SM_HB_ROLE_PRIMARY;
	r->current_uuid = 0x1112131415161718ULL;
	r->primary_gen = 0x2122232425262728ULL;
	r->flags = SM_HB_F_SEES_PEER | SM_HB_F_QUORUM | SM_HB_F_GEN_PENDING;
	r->peer = 0;
	r->lost_ms = 0x31323334;
}

static void test_crc(void)
{
	check_u64(sm_hb_crc32c("123456789", 9), 0xe3069283,
		  "CRC-32C check value of \"123456789\"");
}

static void test_encoding(void)
{
	struct sm_hb_seq seq = { .sent = 6, .received = 41 };
	struct sm_hb_record records[3], back;
	uint8_t msg[SM_HB_MESSAGE_MAX], copy[SM_HB_HEADER_SIZE];
	const uint8_t *r;
	size_t len;
	int i;

	for (i = 0; i < 3; i++)
		sample_record(&records[i], i);
	len = sm_hb_encode(&seq, 5, SM_HB_HEARTBEAT, records, 3, 0, msg,
			   sizeof(msg));
	check_u64(len, 40 + 8 + 3 * 64, "heartbeat of 3 records: length");
	check(!memcmp(msg, "SMHB", 4), "magic bytes are \"SMHB\"");
	check_u64(msg[4] << 8 | msg[5], 1, "version at offset 4, big-endian");
	check_u64(msg[6] << 8 | msg[7], SM_HB_HEARTBEAT, "type at offset 6");
	check_u64(be32_at(msg + 8), 5, "sender at offset 8");
	check_u64(be32_at(msg + 12), 8 + 3 * 64, "payload_len at offset 12");
	check_u64(be64_at(msg + 16), 7, "seq at offset 16 is the last sent + 1");
	check_u64(seq.sent, 7, "the connection's sent seq advanced");
	check_u64(be64_at(msg + 24), 41, "echo_seq at offset 24 is the last received");
	check_u64(be32_at(msg + 32), sm_hb_crc32c(msg + 40, 8 + 3 * 64),
		  "payload_csum is the CRC-32C of the payload");
	memcpy(copy, msg, 40);
	memset(copy + 36, 0, 4);
	check_u64(be32_at(msg + 36), sm_hb_crc32c(copy, 40),
		  "header_csum is the CRC-32C of the header with it zeroed");
	check_u64(be32_at(msg + 40), 3, "heartbeat count");
	check_u64(be32_at(msg + 44), 0, "heartbeat reserved");

	r = msg + 48 + 64;	/* the second record */
	check(!memcmp(r, records[1].volume_uuid, 16), "record: uuid at 0");
	check_u64(be64_at(r + 16), records[1].term, "record: term at 16");
	check_u64(be32_at(r + 24), 1, "record: primary at 24");
	check_u64(be32_at(r + 28), SM_HB_ROLE_PRIMARY, "record: role at 28");
	check_u64(be64_at(r + 32), records[1].current_uuid,
		  "record: current_uuid at 32");
	check_u64(be64_at(r + 40), records[1].primary_gen,
		  "record: primary_gen at 40");
	check_u64(be32_at(r + 48), 0x15, "record: flags at 48 (SEES_PEER|QUORUM|GEN_PENDING)");
	check_u64(be32_at(r + 52), 0, "record: peer at 52");
	check_u64(be32_at(r + 56), 0x31323334, "record: lost_ms at 56");
	check_u64(be32_at(r + 60), 0, "record: reserved at 60");

	sm_hb_record_decode(r, &back);
	check(!memcmp(&back, &records[1], sizeof(back)),
	      "record decodes to what was encoded");

	check_u64(sm_hb_message_size(SM_HB_PROMOTE_REQUEST, 1), 40 + 64,
		  "promote request size");
	check_u64(sm_hb_message_size(SM_HB_PROMOTE_REPLY, 1), 40 + 64 + 8,
		  "promote reply size");
	check_u64(sm_hb_message_size(SM_HB_PROMOTE_REQUEST, 2), 0,
		  "a promote request carries exactly one record");
	check_u64(SM_HB_MAX_RECORDS, 1023, "at most 1023 records fit 65536 bytes");
	check_u64(sm_hb_message_size(SM_HB_HEARTBEAT, 1024), 0,
		  "1024 records do not fit a heartbeat");
	check_u64(sm_hb_encode(&seq, 5, SM_HB_HEARTBEAT, records, 3, 0, msg,
			       40 + 8 + 3 * 64 - 1), 0,
		  "encode refuses a buffer one byte short");

	len = sm_hb_encode(&seq, 5, SM_HB_PROMOTE_REPLY, records, 1,
			   SM_HB_DENY_OUTDATED, msg, sizeof(msg));
	check_u64(be32_at(msg + 40 + 64), SM_HB_DENY_OUTDATED,
		  "reply result after the record");
	check_u64(be32_at(msg + 40 + 68), 0, "reply reserved");
}

/* A valid message of @type to mutate; its connection state in @seq. */
static size_t base(uint8_t *msg, uint16_t type, uint32_t count)
{
	struct sm_hb_record records[4];
	struct sm_hb_seq seq = { .sent = 0, .received = 2 };
	uint32_t i;

	for (i = 0; i < count; i++)
		sample_record(&records[i], i);
	return sm_hb_encode(&seq, 1, type, records, count,
			    SM_HB_DENY_STALE_TERM, msg, SM_HB_MESSAGE_MAX);
}

/*
 * Run a message through every check a receiver makes, as member 1's link
 * with @sent our last seq.  Returns the first error.
 */
static enum sm_hb_error receive(const uint8_t *msg, uint64_t sent,
				uint32_t max_records, char *why, size_t size)
{
	struct sm_hb_seq seq = { .sent = sent, .received = 0 };
	struct sm_hb_record records[8];
	struct sm_hb_header h;
	uint32_t count, result;
	enum sm_hb_error e;

	e = sm_hb_decode_header(msg, &h, why, size);
	if (!e)
		e = sm_hb_check_sequence(&seq, 1, &h, why, size);
	if (!e)
		e = sm_hb_decode_payload(&h, msg + SM_HB_HEADER_SIZE, records,
					 max_records, &count, &result, why,
					 size);
	return e;
}

static void expect(const char *what, const uint8_t *msg, uint64_t sent,
		   enum sm_hb_error want, const char *want_text)
{
	char why[160] = "";
	enum sm_hb_error e = receive(msg, sent, 8, why, sizeof(why));

	check(e == want && (!want_text || strstr(why, want_text)),
	      "%s: error %d (want %d): \"%s\"", what, e, want, why);
}

static void test_checks(void)
{
	uint8_t msg[SM_HB_MESSAGE_MAX];
	struct sm_hb_record records[8], rec;
	struct sm_hb_header h;
	struct sm_hb_seq seq;
	uint32_t count, result;
	size_t len;
	char why[160];

	len = base(msg, SM_HB_HEARTBEAT, 3);
	expect("a valid heartbeat passes", msg, 2, SM_HB_OK, NULL);
	base(msg, SM_HB_PROMOTE_REQUEST, 1);
	expect("a valid promote request passes", msg, 2, SM_HB_OK, NULL);
	base(msg, SM_HB_PROMOTE_REPLY, 1);
	expect("a valid promote reply passes", msg, 2, SM_HB_OK, NULL);

	len = base(msg, SM_HB_HEARTBEAT, 3);
	msg[0] = 'X';
	sm_hb_seal(msg, len);
	expect("bad magic", msg, 2, SM_HB_ERR_MAGIC, "bad magic");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	msg[5] = 2;
	sm_hb_seal(msg, len);
	expect("version 2", msg, 2, SM_HB_ERR_VERSION,
	       "speaks heartbeat version 2");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	msg[20] ^= 1;		/* seq, not resealed */
	expect("header bit flip", msg, 2, SM_HB_ERR_HEADER_CSUM,
	       "header checksum mismatch");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	msg[7] = 0;
	sm_hb_seal(msg, len);
	expect("type 0", msg, 2, SM_HB_ERR_TYPE, "unknown message type 0");
	msg[7] = 4;
	sm_hb_seal(msg, len);
	expect("type 4", msg, 2, SM_HB_ERR_TYPE, "unknown message type 4");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 12, 70000);
	sm_hb_seal(msg, len);
	expect("payload over 65536 bytes", msg, 2,
	       SM_HB_ERR_PAYLOAD_TOO_LARGE, "larger than 65536");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 12, 8 + 2 * 64 + 1);
	sm_hb_seal(msg, len);
	expect("heartbeat payload not 8 + 64n", msg, 2,
	       SM_HB_ERR_PAYLOAD_SIZE, "wrong size");

	len = base(msg, SM_HB_PROMOTE_REQUEST, 1);
	set32(msg + 12, 72);
	sm_hb_seal(msg, len);
	expect("promote request of 72 bytes", msg, 2, SM_HB_ERR_PAYLOAD_SIZE,
	       "promote request payload has the wrong size");

	len = base(msg, SM_HB_PROMOTE_REPLY, 1);
	set32(msg + 12, 64);
	sm_hb_seal(msg, len);
	expect("promote reply of 64 bytes", msg, 2, SM_HB_ERR_PAYLOAD_SIZE,
	       "promote reply payload has the wrong size");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 8, 2);
	sm_hb_seal(msg, len);
	expect("another member's id on member 1's link", msg, 2,
	       SM_HB_ERR_SENDER, "from member 2 on member 1's link");

	/* Sequence: 1, 2, then a gap, then a replay. */
	memset(&seq, 0, sizeof(seq));
	seq.sent = 10;
	{
		struct sm_hb_seq out = { 0 };
		uint8_t m1[200], m2[200], m3[200];

		sample_record(&rec, 0);
		sm_hb_encode(&out, 1, SM_HB_PROMOTE_REQUEST, &rec, 1, 0, m1,
			     sizeof(m1));
		sm_hb_encode(&out, 1, SM_HB_PROMOTE_REQUEST, &rec, 1, 0, m2,
			     sizeof(m2));
		out.sent++;	/* seq 3 is lost */
		sm_hb_encode(&out, 1, SM_HB_PROMOTE_REQUEST, &rec, 1, 0, m3,
			     sizeof(m3));
		sm_hb_decode_header(m1, &h, why, sizeof(why));
		check(sm_hb_check_sequence(&seq, 1, &h, why, sizeof(why)) ==
		      SM_HB_OK, "seq 1 is accepted first: \"%s\"", why);
		sm_hb_decode_header(m2, &h, why, sizeof(why));
		check_u64(sm_hb_check_sequence(&seq, 1, &h, why, sizeof(why)),
			  SM_HB_OK, "seq 2 follows");
		check_u64(seq.received, 2, "received seq is 2");
		sm_hb_decode_header(m1, &h, why, sizeof(why));
		check(sm_hb_check_sequence(&seq, 1, &h, why, sizeof(why)) ==
		      SM_HB_ERR_SEQ, "a replayed seq 1 is refused: %s", why);
		sm_hb_decode_header(m3, &h, why, sizeof(why));
		check(sm_hb_check_sequence(&seq, 1, &h, why, sizeof(why)) ==
		      SM_HB_ERR_SEQ && strstr(why, "seq 4 out of sequence (expected 3)"),
		      "seq 4 after 2 is refused: %s", why);
	}

	/* echo_seq: base() echoes 2; we sent 2 (fine) or 1 (too high). */
	base(msg, SM_HB_HEARTBEAT, 3);
	expect("echo_seq equal to our last seq passes", msg, 2, SM_HB_OK,
	       NULL);
	expect("echo_seq above our last seq", msg, 1, SM_HB_ERR_ECHO_SEQ,
	       "echo_seq 2 above the last seq we sent (1)");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	msg[100] ^= 0x40;	/* payload, not resealed */
	expect("payload bit flip", msg, 2, SM_HB_ERR_PAYLOAD_CSUM,
	       "payload checksum mismatch");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 44, 1);
	sm_hb_seal(msg, len);
	expect("heartbeat reserved word", msg, 2, SM_HB_ERR_RESERVED,
	       "heartbeat: reserved field not zero");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 40, 2);
	sm_hb_seal(msg, len);
	expect("count 2 with 3 records", msg, 2, SM_HB_ERR_COUNT,
	       "count 2 does not match");

	base(msg, SM_HB_HEARTBEAT, 3);
	{
		char text[160] = "";

		check(receive(msg, 2, 2, text, sizeof(text)) ==
		      SM_HB_ERR_COUNT && strstr(text, "more than the 2"),
		      "more records than the receiver takes: \"%s\"", text);
	}

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 48 + 64 + 28, 3);
	sm_hb_seal(msg, len);
	expect("role 3", msg, 2, SM_HB_ERR_ROLE, "record 1: unknown role 3");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 48 + 2 * 64 + 48, 1U << 5);
	sm_hb_seal(msg, len);
	expect("flag bit 5", msg, 2, SM_HB_ERR_FLAGS,
	       "record 2: unknown flags 0x20");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	set32(msg + 48 + 60, 7);
	sm_hb_seal(msg, len);
	expect("record reserved word", msg, 2, SM_HB_ERR_RESERVED,
	       "record 0: reserved field not zero");

	len = base(msg, SM_HB_HEARTBEAT, 3);
	msg[48 + 2 * 64 + 15] = 0;	/* record 2 gets record 0's uuid */
	sm_hb_seal(msg, len);
	expect("one volume twice", msg, 2, SM_HB_ERR_DUPLICATE,
	       "records 0 and 2 are of the same volume");

	len = base(msg, SM_HB_PROMOTE_REPLY, 1);
	set32(msg + 40 + 64, 7);
	sm_hb_seal(msg, len);
	expect("reply result 7", msg, 2, SM_HB_ERR_RESULT,
	       "unknown result 7");
	set32(msg + 40 + 64, SM_HB_DENY_STORAGE);
	sm_hb_seal(msg, len);
	expect("reply result 6 (the highest code) passes", msg, 2, SM_HB_OK,
	       NULL);

	len = base(msg, SM_HB_PROMOTE_REPLY, 1);
	set32(msg + 40 + 68, 1);
	sm_hb_seal(msg, len);
	expect("reply reserved word", msg, 2, SM_HB_ERR_RESERVED,
	       "promote reply: reserved field not zero");

	/* Decoding gives back the records and the result. */
	len = base(msg, SM_HB_PROMOTE_REPLY, 1);
	sm_hb_decode_header(msg, &h, why, sizeof(why));
	sm_hb_decode_payload(&h, msg + 40, records, 8, &count, &result, why,
			     sizeof(why));
	sample_record(&rec, 0);
	check(count == 1 && result == SM_HB_DENY_STALE_TERM &&
	      !memcmp(&records[0], &rec, sizeof(rec)),
	      "a reply decodes to its record and result");
}

/* ---- authentication ---- */

static void write_secret(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path);
		exit(2);
	}
}

static void load_secret(const char *path, struct sm_secret *secret)
{
	char error[512];

	if (sm_secret_load(path, secret, error, sizeof(error))) {
		fprintf(stderr, "hbproto_test: %s\n", error);
		exit(2);
	}
}

/*
 * Member 0 (heartbeat auth) against member 1 in a child, which uses the
 * heartbeat auth too, or the peer links' (@child_peer_link).  Returns our
 * result; *@child_ok is the child's; @message our first message.
 */
static enum sm_auth_result pair(const struct sm_secret *secret,
				bool child_peer_link, bool *child_ok,
				char *message, size_t size)
{
	enum sm_auth_result result;
	struct sm_auth auth;
	int fds[2], status;
	pid_t child;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds))
		exit(2);
	child = fork();
	if (child < 0)
		exit(2);
	if (!child) {
		close(fds[0]);
		if (child_peer_link)
			sm_auth_init(&auth, SM_AUTH_MAGIC, SM_AUTH_LABEL,
				     secret, uuid_a, 1, 0);
		else
			sm_auth_init(&auth, SM_HB_AUTH_MAGIC, SM_HB_AUTH_LABEL,
				     secret, uuid_a, 1, 0);
		result = sm_auth_run(&auth, fds[1], 3000);
		_exit(result == SM_AUTH_ACCEPTED ? 0 : 1);
	}
	close(fds[1]);
	sm_auth_init(&auth, SM_HB_AUTH_MAGIC, SM_HB_AUTH_LABEL, secret, uuid_a,
		     0, 1);
	result = sm_auth_run(&auth, fds[0], 3000);
	snprintf(message, size, "%s",
		 auth.message_count ? auth.messages[0] : "");
	close(fds[0]);
	waitpid(child, &status, 0);
	*child_ok = WIFEXITED(status) && !WEXITSTATUS(status);
	sm_auth_clear(&auth);
	return result;
}

static void test_auth(void)
{
	char dir[] = "/tmp/hbproto_test.XXXXXX", path[64], message[160];
	struct sm_secret secret;
	uint8_t other[32], own[32], hb_answer[32], peer_answer[32];
	bool child_ok;

	if (!mkdtemp(dir))
		exit(2);
	snprintf(path, sizeof(path), "%s/secret", dir);
	write_secret(path, "correct horse battery staple\n");
	chmod(path, 0600);
	load_secret(path, &secret);
	unlink(path);
	rmdir(dir);

	check(pair(&secret, false, &child_ok, message, sizeof(message)) ==
	      SM_AUTH_ACCEPTED && child_ok,
	      "two members with the cluster secret authenticate (SMH1)");
	check(pair(&secret, true, &child_ok, message, sizeof(message)) ==
	      SM_AUTH_FAILED && !child_ok &&
	      strstr(message, "(bad magic)"),
	      "a peer-link (SMA1) endpoint is refused by a heartbeat one, and refuses it: \"%s\"",
	      message);

	memset(other, 0x11, sizeof(other));
	memset(own, 0x22, sizeof(own));
	sm_auth_answer(SM_HB_AUTH_LABEL, &secret, other, own, 1, uuid_a,
		       hb_answer);
	sm_auth_answer(SM_AUTH_LABEL, &secret, other, own, 1, uuid_a,
		       peer_answer);
	check(memcmp(hb_answer, peer_answer, 32),
	      "the same challenges give different answers on the two kinds of link");
}

static int parse_hex(const char *text, uint8_t *out, size_t size)
{
	unsigned int byte;
	size_t i;

	if (strlen(text) != 2 * size)
		return -1;
	for (i = 0; i < size; i++) {
		if (sscanf(text + 2 * i, "%2x", &byte) != 1)
			return -1;
		out[i] = byte;
	}
	return 0;
}

static int cmd_answer(int argc, char **argv)
{
	uint8_t other[32], own[32], uuid[16], answer[32];
	struct sm_secret secret;
	int i;

	if (argc != 7 || parse_hex(argv[3], other, 32) ||
	    parse_hex(argv[4], own, 32) || sm_uuid_parse(argv[6], uuid)) {
		fprintf(stderr, "usage: hbproto_test answer SECRET OTHER OWN ID UUID\n");
		return 2;
	}
	load_secret(argv[2], &secret);
	if (sm_auth_answer(SM_HB_AUTH_LABEL, &secret, other, own, atoi(argv[5]), uuid,
			      answer))
		return 1;
	for (i = 0; i < 32; i++)
		printf("%02x", answer[i]);
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "answer"))
		return cmd_answer(argc, argv);
	test_crc();
	test_encoding();
	test_checks();
	test_auth();
	return check_summary();
}
