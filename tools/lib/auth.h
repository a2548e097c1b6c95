/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Peer authentication, protocol version 1 (Documentation/syncmirror-
 * protocol.rst, section Authentication): a challenge-response over the
 * fresh TCP connection, before it is handed to the kernel.  Both sides
 * prove they hold the volume's secret; the secret never crosses the wire.
 *
 * The exchange is a small state machine driven by sm_auth_step() on a
 * non-blocking socket, so that syncmirrord can run many of them from one
 * poll() loop; sm_auth_run() drives one to the end on its own.
 */
#ifndef SYNCMIRROR_AUTH_H
#define SYNCMIRROR_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define SM_AUTH_MAGIC		"SMA1"
#define SM_AUTH_VERSION		1
#define SM_AUTH_LABEL		"syncmirror-auth-v1"
#define SM_AUTH_LABEL_MAX	32	/* longest HMAC label a caller may pass */
/* The same exchange on heartbeat links (syncmirror-failover.rst). */
#define SM_HB_AUTH_MAGIC	"SMH1"		/* 0x534d4831 */
#define SM_HB_AUTH_LABEL	"syncmirror-hb-v1"
#define SM_AUTH_CHALLENGE_SIZE	32
#define SM_AUTH_ANSWER_SIZE	32	/* HMAC-SHA256 */
#define SM_AUTH_HELLO_SIZE	60
#define SM_AUTH_VERDICT_ACCEPTED 1
#define SM_AUTH_VERDICT_REJECTED 0
#define SM_AUTH_TIMEOUT_MS	10000	/* whole exchange, per connection */
#define SM_AUTH_ANY_PEER	UINT32_MAX	/* expected_peer: any node but us */

/* Offsets in the hello message; all integers big-endian. */
#define SM_AUTH_HELLO_MAGIC	0	/* 4 bytes "SMA1" */
#define SM_AUTH_HELLO_VERSION	4	/* u16 */
#define SM_AUTH_HELLO_RESERVED	6	/* u16, 0 */
#define SM_AUTH_HELLO_NODE_ID	8	/* u32 */
#define SM_AUTH_HELLO_UUID	12	/* 16 bytes */
#define SM_AUTH_HELLO_CHALLENGE	28	/* 32 bytes */

enum sm_auth_result {
	SM_AUTH_WANT_READ,	/* poll for POLLIN, then step again */
	SM_AUTH_WANT_WRITE,	/* poll for POLLOUT, then step again */
	SM_AUTH_ACCEPTED,	/* both sides accepted: hand the socket over */
	SM_AUTH_FAILED,		/* see messages[]; close the socket */
};

enum sm_auth_phase {
	SM_AUTH_PHASE_HELLO,
	SM_AUTH_PHASE_ANSWER,
	SM_AUTH_PHASE_VERDICT,
	SM_AUTH_PHASE_DONE,
};

struct sm_auth {
	/* What we are; set by sm_auth_init(). */
	char magic[4];			/* SM_AUTH_MAGIC or SM_HB_AUTH_MAGIC */
	const char *label;		/* the HMAC label, static */
	const struct sm_secret *secret;
	uint8_t volume_uuid[16];
	uint32_t node_id;
	uint32_t expected_peer;

	enum sm_auth_phase phase;
	uint8_t out[SM_AUTH_HELLO_SIZE];
	size_t out_len, out_done;
	uint8_t in[SM_AUTH_HELLO_SIZE];
	size_t in_len, in_done;

	uint8_t own_challenge[SM_AUTH_CHALLENGE_SIZE];
	uint8_t peer_challenge[SM_AUTH_CHALLENGE_SIZE];
	bool peer_said_hello;	/* peer_node_id is what it claimed */
	uint32_t peer_node_id;
	bool we_accept;		/* the peer's answer was right */

	/*
	 * Why it failed, up to two lines (our check and the peer's verdict
	 * can both fail), each to be prefixed with the peer's description
	 * (sm_auth_describe_peer()) when logged.
	 */
	char messages[2][160];
	int message_count;
};

/*
 * Start an exchange: the link's @magic (4 bytes) and HMAC @label
 * (SM_AUTH_MAGIC and SM_AUTH_LABEL for peer links, SM_HB_AUTH_* for
 * heartbeat links, so that answers of one are worthless on the other;
 * @label must outlive @auth), the secret (which must outlive @auth), our volume
 * UUID and node id (as the kernel has them) and the peer's node id from
 * the configuration.  Draws our challenge with RAND_bytes.  Returns 0, or
 * -1 if no randomness was available (message in messages[0]).
 */
int sm_auth_init(struct sm_auth *auth, const char *magic, const char *label,
		 const struct sm_secret *secret,
		 const uint8_t volume_uuid[16], uint32_t node_id,
		 uint32_t expected_peer);

/* Do all the I/O that @fd allows now (it should be non-blocking). */
enum sm_auth_result sm_auth_step(struct sm_auth *auth, int fd);

/* Drive the exchange to its end with poll(), at most @timeout_ms. */
enum sm_auth_result sm_auth_run(struct sm_auth *auth, int fd, int timeout_ms);

/* Record a failure from outside (e.g. the caller's timeout). */
void sm_auth_fail(struct sm_auth *auth, const char *message);

/* "peer node 1 (10.0.0.2:40123)", or "peer 10.0.0.2:40123" before hello. */
void sm_auth_describe_peer(const struct sm_auth *auth, const char *address,
			   char *out, size_t size);

/*
 * The answer @node_id gives: HMAC-SHA256(secret, @label ||
 * challenge of the other side || challenge of @node_id || @node_id as
 * BE32 || volume uuid).  Exposed for the known-answer test.
 */
int sm_auth_answer(const char *label, const struct sm_secret *secret,
		   const uint8_t other_challenge[SM_AUTH_CHALLENGE_SIZE],
		   const uint8_t own_challenge[SM_AUTH_CHALLENGE_SIZE],
		   uint32_t node_id, const uint8_t volume_uuid[16],
		   uint8_t answer[SM_AUTH_ANSWER_SIZE]);

/* Wipe the challenges and buffers. */
void sm_auth_clear(struct sm_auth *auth);

#endif
