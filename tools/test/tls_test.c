// SPDX-License-Identifier: GPL-2.0-only
/*
 * Helper of tests/tools/tls_test.sh: the TLS 1.3 handshake of lib/tls.c
 * between two endpoints of a socketpair in one process.
 *
 *   tls_test derive SECRET_FILE
 *	the PSK of fixed challenges (dialer 0x01.., listener 0x02..) and
 *	volume UUID 0x03.., in hex
 *   tls_test psk SECRET_FILE_SERVER SECRET_FILE_CLIENT
 *   tls_test x509 CA CERT KEY PEER_NAME CA CERT KEY PEER_NAME
 *	(server's files first, then the client's)
 *   tls_test psk-client SECRET_FILE CA CERT KEY PEER_NAME
 *	a PSK client against a server with a certificate and no PSK (what
 *	an impostor on the path would run): the client must refuse
 *
 * The handshake runs to its end on both sides and prints one line per
 * side, "server: ..." and "client: ...", with the error lib/tls.c gives.
 * A socketpair cannot take kernel TLS, so a handshake that succeeded ends
 * in "kernel TLS: cannot set the tls ULP"; that is how the script tells
 * success from a refusal.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include "../lib/tls.h"

static int load(const char *path, struct sm_secret *secret)
{
	char error[SM_CONFIG_PATH_MAX + 256];

	if (sm_secret_load(path, secret, error, sizeof(error))) {
		fprintf(stderr, "tls_test: %s\n", error);
		return -1;
	}
	return 0;
}

static void fixed(uint8_t *dialer, uint8_t *listener, uint8_t *uuid)
{
	memset(dialer, 1, SM_AUTH_CHALLENGE_SIZE);
	memset(listener, 2, SM_AUTH_CHALLENGE_SIZE);
	memset(uuid, 3, 16);
}

static int psk_of(const char *path, uint8_t psk[SM_TLS_PSK_SIZE])
{
	uint8_t dialer[SM_AUTH_CHALLENGE_SIZE], listener[SM_AUTH_CHALLENGE_SIZE];
	uint8_t uuid[16];
	struct sm_secret secret;
	int r;

	if (load(path, &secret))
		return -1;
	fixed(dialer, listener, uuid);
	r = sm_tls_derive_psk(&secret, dialer, listener, uuid, psk);
	sm_secret_clear(&secret);
	return r;
}

static void x509_config(struct sm_config *cfg, char **argv)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->transport_security = SM_SECURITY_X509;
	snprintf(cfg->tls_ca_file, sizeof(cfg->tls_ca_file), "%s", argv[0]);
	snprintf(cfg->tls_cert_file, sizeof(cfg->tls_cert_file), "%s", argv[1]);
	snprintf(cfg->tls_key_file, sizeof(cfg->tls_key_file), "%s", argv[2]);
	snprintf(cfg->tls_peer_name, sizeof(cfg->tls_peer_name), "%s", argv[3]);
}

/* Step both sides until neither can go on; print how each ended. */
static int run(struct sm_tls *server, struct sm_tls *client)
{
	enum sm_auth_result s = SM_AUTH_WANT_READ, c = SM_AUTH_WANT_WRITE;
	int rounds;

	for (rounds = 0; rounds < 1000; rounds++) {
		if (c == SM_AUTH_WANT_READ || c == SM_AUTH_WANT_WRITE)
			c = sm_tls_step(client);
		if (s == SM_AUTH_WANT_READ || s == SM_AUTH_WANT_WRITE)
			s = sm_tls_step(server);
		if ((s == SM_AUTH_ACCEPTED || s == SM_AUTH_FAILED) &&
		    (c == SM_AUTH_ACCEPTED || c == SM_AUTH_FAILED))
			break;
		poll(NULL, 0, 1);
	}
	printf("server: %s\n", s == SM_AUTH_ACCEPTED ? "accepted" :
	       s == SM_AUTH_FAILED ? server->error : "stuck");
	printf("client: %s\n", c == SM_AUTH_ACCEPTED ? "accepted" :
	       c == SM_AUTH_FAILED ? client->error : "stuck");
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t psk_s[SM_TLS_PSK_SIZE], psk_c[SM_TLS_PSK_SIZE];
	struct sm_config cfg_s, cfg_c;
	struct sm_tls server, client;
	int sv[2], i, r;

	if (argc == 3 && !strcmp(argv[1], "derive")) {
		if (psk_of(argv[2], psk_s))
			return 1;
		for (i = 0; i < SM_TLS_PSK_SIZE; i++)
			printf("%02x", psk_s[i]);
		printf("\n");
		return 0;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv)) {
		perror("socketpair");
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "psk")) {
		if (psk_of(argv[2], psk_s) || psk_of(argv[3], psk_c))
			return 1;
		r = sm_tls_start(&server, NULL, psk_s, true, sv[0]);
		if (!r)
			r = sm_tls_start(&client, NULL, psk_c, false, sv[1]);
	} else if (argc == 10 && !strcmp(argv[1], "x509")) {
		x509_config(&cfg_s, argv + 2);
		x509_config(&cfg_c, argv + 6);
		r = sm_tls_start(&server, &cfg_s, NULL, true, sv[0]);
		if (r) {
			printf("server: %s\n", server.error);
			return 0;
		}
		r = sm_tls_start(&client, &cfg_c, NULL, false, sv[1]);
		if (r) {
			printf("client: %s\n", client.error);
			return 0;
		}
	} else if (argc == 7 && !strcmp(argv[1], "psk-client")) {
		if (psk_of(argv[2], psk_c))
			return 1;
		x509_config(&cfg_s, argv + 3);
		/* The impostor trusts anyone: no client certificate asked. */
		r = sm_tls_start(&server, &cfg_s, NULL, true, sv[0]);
		if (!r) {
			SSL_set_verify(server.ssl, SSL_VERIFY_NONE, NULL);
			r = sm_tls_start(&client, NULL, psk_c, false, sv[1]);
		}
	} else {
		fprintf(stderr, "usage: see tools/test/tls_test.c\n");
		return 2;
	}
	if (r) {
		fprintf(stderr, "tls_test: cannot start: %s%s\n", server.error,
			client.error);
		return 1;
	}
	run(&server, &client);
	sm_tls_end(&server);
	sm_tls_end(&client);
	return 0;
}
