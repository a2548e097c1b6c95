// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Peer authentication v1: the challenge-response both nodes of a volume
 * run on a fresh TCP connection before it goes to the kernel.  Three
 * rounds, each side sending and receiving one fixed-size message per
 * round: hello (magic, version, node id, volume UUID, challenge), answer
 * (HMAC-SHA256 over both challenges, the sender's node id and the UUID),
 * verdict (one byte).  The format is in Documentation/syncmirror-
 * protocol.rst, section Authentication.
 *
 * The cryptography comes from OpenSSL's libcrypto rather than our own
 * code: HMAC-SHA256 and the random number generator are well reviewed
 * there, and CRYPTO_memcmp() compares answers in constant time, so the
 * time a check takes does not tell an attacker how many bytes were right.
 */
#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/socket.h>

#include "auth.h"
#include "superblock.h"

static void add_message(struct sm_auth *auth, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_message(struct sm_auth *auth, const char *fmt, ...)
{
	va_list ap;

	if (auth->message_count >= 2)
		return;
	va_start(ap, fmt);
	vsnprintf(auth->messages[auth->message_count++],
		  sizeof(auth->messages[0]), fmt, ap);
	va_end(ap);
}

void sm_auth_fail(struct sm_auth *auth, const char *message)
{
	add_message(auth, "%s", message);
	auth->phase = SM_AUTH_PHASE_DONE;
}

int sm_auth_answer(const char *label, const struct sm_secret *secret,
		   const uint8_t other_challenge[SM_AUTH_CHALLENGE_SIZE],
		   const uint8_t own_challenge[SM_AUTH_CHALLENGE_SIZE],
		   uint32_t node_id, const uint8_t volume_uuid[16],
		   uint8_t answer[SM_AUTH_ANSWER_SIZE])
{
	size_t label_len = strlen(label);
	uint8_t input[SM_AUTH_LABEL_MAX + 2 * SM_AUTH_CHALLENGE_SIZE + 4 + 16];
	unsigned int len = SM_AUTH_ANSWER_SIZE;
	uint32_t node_be = htobe32(node_id);
	uint8_t *p = input;

	if (label_len > SM_AUTH_LABEL_MAX)
		return -1;
	memcpy(p, label, label_len);
	p += label_len;
	memcpy(p, other_challenge, SM_AUTH_CHALLENGE_SIZE);
	p += SM_AUTH_CHALLENGE_SIZE;
	memcpy(p, own_challenge, SM_AUTH_CHALLENGE_SIZE);
	p += SM_AUTH_CHALLENGE_SIZE;
	memcpy(p, &node_be, 4);
	p += 4;
	memcpy(p, volume_uuid, 16);
	p += 16;

	if (!HMAC(EVP_sha256(), secret->bytes, secret->len, input,
		  p - input, answer, &len) || len != SM_AUTH_ANSWER_SIZE)
		return -1;
	return 0;
}

/* Set up the messages of @phase: what we send, how much we expect. */
static void start_phase(struct sm_auth *auth, enum sm_auth_phase phase,
			size_t out_len, size_t in_len)
{
	auth->phase = phase;
	auth->out_len = out_len;
	auth->out_done = 0;
	auth->in_len = in_len;
	auth->in_done = 0;
}

int sm_auth_init(struct sm_auth *auth, const char *magic, const char *label,
		 const struct sm_secret *secret,
		 const uint8_t volume_uuid[16], uint32_t node_id,
		 uint32_t expected_peer)
{
	uint16_t version = htobe16(SM_AUTH_VERSION);
	uint32_t node_be = htobe32(node_id);

	memset(auth, 0, sizeof(*auth));
	memcpy(auth->magic, magic, 4);
	auth->label = label;
	auth->secret = secret;
	memcpy(auth->volume_uuid, volume_uuid, 16);
	auth->node_id = node_id;
	auth->expected_peer = expected_peer;
	if (RAND_bytes(auth->own_challenge, SM_AUTH_CHALLENGE_SIZE) != 1) {
		sm_auth_fail(auth, "no random bytes for a challenge (RAND_bytes failed)");
		return -1;
	}
	memcpy(auth->out + SM_AUTH_HELLO_MAGIC, auth->magic, 4);
	memcpy(auth->out + SM_AUTH_HELLO_VERSION, &version, 2);
	memset(auth->out + SM_AUTH_HELLO_RESERVED, 0, 2);
	memcpy(auth->out + SM_AUTH_HELLO_NODE_ID, &node_be, 4);
	memcpy(auth->out + SM_AUTH_HELLO_UUID, volume_uuid, 16);
	memcpy(auth->out + SM_AUTH_HELLO_CHALLENGE, auth->own_challenge,
	       SM_AUTH_CHALLENGE_SIZE);
	start_phase(auth, SM_AUTH_PHASE_HELLO, SM_AUTH_HELLO_SIZE,
		    SM_AUTH_HELLO_SIZE);
	return 0;
}

/* The peer's hello has arrived: is it the peer we expect? */
static int check_hello(struct sm_auth *auth)
{
	const uint8_t *in = auth->in;
	char ours[37], theirs[37];
	uint16_t version, reserved;
	uint32_t node_id;

	if (memcmp(in + SM_AUTH_HELLO_MAGIC, auth->magic, 4)) {
		add_message(auth, "does not speak the syncmirror authentication protocol (bad magic)");
		return -1;
	}
	memcpy(&version, in + SM_AUTH_HELLO_VERSION, 2);
	version = be16toh(version);
	if (version != SM_AUTH_VERSION) {
		add_message(auth, "speaks auth version %u, we speak %d",
			    version, SM_AUTH_VERSION);
		return -1;
	}
	memcpy(&reserved, in + SM_AUTH_HELLO_RESERVED, 2);
	memcpy(&node_id, in + SM_AUTH_HELLO_NODE_ID, 4);
	auth->peer_node_id = be32toh(node_id);
	auth->peer_said_hello = true;
	if (reserved) {
		add_message(auth, "sent a malformed hello (reserved field not zero)");
		return -1;
	}
	if (memcmp(in + SM_AUTH_HELLO_UUID, auth->volume_uuid, 16)) {
		sm_uuid_format(in + SM_AUTH_HELLO_UUID, theirs);
		sm_uuid_format(auth->volume_uuid, ours);
		add_message(auth, "is of another volume (uuid %s, ours %s)",
			    theirs, ours);
		return -1;
	}
	if (auth->expected_peer == SM_AUTH_ANY_PEER ?
	    auth->peer_node_id == auth->node_id :
	    auth->peer_node_id != auth->expected_peer) {
		add_message(auth, "is not the configured peer (node %u)",
			    auth->expected_peer);
		return -1;
	}
	memcpy(auth->peer_challenge, in + SM_AUTH_HELLO_CHALLENGE,
	       SM_AUTH_CHALLENGE_SIZE);
	return 0;
}

/* Both messages of the current phase are through: act on what came in. */
static enum sm_auth_result finish_phase(struct sm_auth *auth)
{
	uint8_t expected[SM_AUTH_ANSWER_SIZE];

	switch (auth->phase) {
	case SM_AUTH_PHASE_HELLO:
		if (check_hello(auth))
			break;
		if (sm_auth_answer(auth->label, auth->secret, auth->peer_challenge,
				   auth->own_challenge, auth->node_id,
				   auth->volume_uuid, auth->out)) {
			add_message(auth, "cannot compute HMAC-SHA256 (libcrypto failed)");
			break;
		}
		start_phase(auth, SM_AUTH_PHASE_ANSWER, SM_AUTH_ANSWER_SIZE,
			    SM_AUTH_ANSWER_SIZE);
		return SM_AUTH_WANT_WRITE;
	case SM_AUTH_PHASE_ANSWER:
		/* The peer's answer, with the roles swapped. */
		if (sm_auth_answer(auth->label, auth->secret, auth->own_challenge,
				   auth->peer_challenge, auth->peer_node_id,
				   auth->volume_uuid, expected)) {
			add_message(auth, "cannot compute HMAC-SHA256 (libcrypto failed)");
			break;
		}
		auth->we_accept = !CRYPTO_memcmp(expected, auth->in,
						 SM_AUTH_ANSWER_SIZE);
		explicit_bzero(expected, sizeof(expected));
		if (!auth->we_accept)
			add_message(auth, "failed authentication: wrong secret");
		auth->out[0] = auth->we_accept ? SM_AUTH_VERDICT_ACCEPTED :
						 SM_AUTH_VERDICT_REJECTED;
		start_phase(auth, SM_AUTH_PHASE_VERDICT, 1, 1);
		return SM_AUTH_WANT_WRITE;
	case SM_AUTH_PHASE_VERDICT:
		auth->phase = SM_AUTH_PHASE_DONE;
		if (auth->in[0] == SM_AUTH_VERDICT_REJECTED)
			add_message(auth, "rejected our authentication: wrong secret?");
		else if (auth->in[0] != SM_AUTH_VERDICT_ACCEPTED)
			add_message(auth, "sent a malformed verdict (%u)",
				    auth->in[0]);
		else if (auth->we_accept)
			return SM_AUTH_ACCEPTED;
		return SM_AUTH_FAILED;
	case SM_AUTH_PHASE_DONE:
		break;
	}
	auth->phase = SM_AUTH_PHASE_DONE;
	return SM_AUTH_FAILED;
}

static const char *eof_message(enum sm_auth_phase phase)
{
	switch (phase) {
	case SM_AUTH_PHASE_HELLO:
		return "closed the connection before its hello";
	case SM_AUTH_PHASE_ANSWER:
		return "closed the connection after our hello (it refused us? see its log)";
	default:
		return "closed the connection before its verdict";
	}
}

enum sm_auth_result sm_auth_step(struct sm_auth *auth, int fd)
{
	enum sm_auth_result result;
	ssize_t n;

	for (;;) {
		if (auth->phase == SM_AUTH_PHASE_DONE)
			return SM_AUTH_FAILED;
		while (auth->out_done < auth->out_len) {
			n = send(fd, auth->out + auth->out_done,
				 auth->out_len - auth->out_done,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return SM_AUTH_WANT_WRITE;
			if (n < 0) {
				/* The peer closed first: say so, not EPIPE. */
				if (errno == EPIPE || errno == ECONNRESET)
					add_message(auth, "%s", eof_message(auth->phase));
				else
					add_message(auth, "connection failed during authentication: %s",
						    strerror(errno));
				auth->phase = SM_AUTH_PHASE_DONE;
				return SM_AUTH_FAILED;
			}
			auth->out_done += n;
		}
		/* Exactly what this phase needs: what follows is the kernel's. */
		while (auth->in_done < auth->in_len) {
			n = recv(fd, auth->in + auth->in_done,
				 auth->in_len - auth->in_done, MSG_DONTWAIT);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				return SM_AUTH_WANT_READ;
			if (n <= 0) {
				/* A reset is a close with our bytes unread. */
				if (n == 0 || errno == ECONNRESET)
					add_message(auth, "%s", eof_message(auth->phase));
				else
					add_message(auth, "connection failed during authentication: %s",
						    strerror(errno));
				auth->phase = SM_AUTH_PHASE_DONE;
				return SM_AUTH_FAILED;
			}
			auth->in_done += n;
		}
		result = finish_phase(auth);
		if (result == SM_AUTH_ACCEPTED || result == SM_AUTH_FAILED)
			return result;
	}
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

enum sm_auth_result sm_auth_run(struct sm_auth *auth, int fd, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	enum sm_auth_result result;
	struct pollfd pfd = { .fd = fd };
	long long left;
	int r;

	for (;;) {
		result = sm_auth_step(auth, fd);
		if (result == SM_AUTH_ACCEPTED || result == SM_AUTH_FAILED)
			return result;
		left = deadline - now_ms();
		pfd.events = result == SM_AUTH_WANT_READ ? POLLIN : POLLOUT;
		r = left > 0 ? poll(&pfd, 1, left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			add_message(auth, "%s during authentication",
				    r ? strerror(errno) : "timed out");
			auth->phase = SM_AUTH_PHASE_DONE;
			return SM_AUTH_FAILED;
		}
	}
}

void sm_auth_describe_peer(const struct sm_auth *auth, const char *address,
			   char *out, size_t size)
{
	if (auth->peer_said_hello)
		snprintf(out, size, "peer node %u (%s)", auth->peer_node_id,
			 address);
	else
		snprintf(out, size, "peer %s", address);
}

void sm_auth_clear(struct sm_auth *auth)
{
	explicit_bzero(auth, sizeof(*auth));
}
