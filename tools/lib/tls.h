/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS 1.3 on a peer link (Documentation/syncmirror-protocol.rst, section
 * Transport security): the handshake runs here, in userspace, with
 * OpenSSL; OpenSSL then installs the session's keys in the kernel
 * (kernel TLS, TLS_TX and TLS_RX on the socket), and the socket goes to
 * the kernel, which encrypts and authenticates every byte it sends from
 * then on without knowing anything about the handshake.
 *
 * Two ways to authenticate, both mutual:
 *   psk   a key derived from the volume's secret and both sides' fresh
 *         challenges of the authentication exchange (lib/auth.c) that
 *         just ran on the same socket; nothing new to configure
 *   x509  certificates: our own (cert and key), a CA file both are
 *         checked against, and the name the peer's certificate must carry
 *
 * The dialer is the TLS client, the listener the TLS server.  Like
 * lib/auth.c, a state machine driven by sm_tls_step() on a non-blocking
 * socket; sm_tls_run() drives it alone.
 */
#ifndef SYNCMIRROR_TLS_H
#define SYNCMIRROR_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "config.h"

#define SM_TLS_PSK_SIZE		32
#define SM_TLS_PSK_LABEL	"syncmirror-tls-psk-v1"
#define SM_TLS_PSK_IDENTITY	"syncmirror-v1"
#define SM_TLS_SECRET_SIZE	32	/* SHA-256 traffic secrets */

struct ssl_ctx_st;
struct ssl_st;

enum sm_tls_phase {
	SM_TLS_PHASE_HANDSHAKE,
	SM_TLS_PHASE_PEER,	/* client: wait for the server's first record */
	SM_TLS_PHASE_DONE,
};

struct sm_tls {
	struct ssl_ctx_st *ctx;
	struct ssl_st *ssl;
	int fd;
	bool server;
	enum sm_tls_phase phase;
	uint8_t psk[SM_TLS_PSK_SIZE];
	bool have_psk;
	uint8_t client_secret[SM_TLS_SECRET_SIZE];
	uint8_t server_secret[SM_TLS_SECRET_SIZE];
	bool have_client_secret, have_server_secret;
	char error[512];	/* why it failed */
	char summary[96];	/* "TLS 1.3, TLS_AES_128_GCM_SHA256, psk" */
};

/*
 * The PSK of one connection: HKDF-SHA256 with the volume's secret as key
 * material, the dialer's then the listener's challenge as salt and
 * SM_TLS_PSK_LABEL || volume UUID as info.  Fresh for every connection.
 */
int sm_tls_derive_psk(const struct sm_secret *secret,
		      const uint8_t dialer_challenge[SM_AUTH_CHALLENGE_SIZE],
		      const uint8_t listener_challenge[SM_AUTH_CHALLENGE_SIZE],
		      const uint8_t volume_uuid[16],
		      uint8_t psk[SM_TLS_PSK_SIZE]);

/*
 * Start a handshake on @fd (non-blocking, connected): @psk for
 * SM_SECURITY_PSK (NULL otherwise), the files of @cfg for X509.  Returns
 * 0, or -1 with the reason in @tls->error.
 */
int sm_tls_start(struct sm_tls *tls, const struct sm_config *cfg,
		 const uint8_t *psk, bool server, int fd);

/*
 * Do what @fd allows now.  SM_AUTH_ACCEPTED once the handshake is done,
 * kernel TLS is on the socket both ways and (client) the server's first
 * record is there: the socket is the kernel's to take.
 */
enum sm_auth_result sm_tls_step(struct sm_tls *tls);

/* Drive it to the end with poll(), at most @timeout_ms. */
enum sm_auth_result sm_tls_run(struct sm_tls *tls, int timeout_ms);

/* Free OpenSSL's state; the socket stays open (and keeps kernel TLS). */
void sm_tls_end(struct sm_tls *tls);

#endif
