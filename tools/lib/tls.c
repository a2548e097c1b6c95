// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TLS 1.3 handshake of a peer link, ending with kernel TLS on the socket.
 *
 * OpenSSL (Debian's libssl, built with KTLS) does the handshake and, with
 * SSL_OP_ENABLE_KTLS, installs the traffic keys with setsockopt(SOL_TLS)
 * as soon as the application keys exist.  Where it does not (OpenSSL 3.0
 * installs TLS 1.3 keys for sending only), we install them: the
 * application traffic secrets come from OpenSSL's key log callback, and
 * key and IV from them as RFC 8446, section 7.3 says.  No record has been
 * read or sent under those keys yet, so both sequence numbers are 0.  A
 * socket without kernel TLS both ways is refused: no silent fallback to
 * TLS in userspace, which the kernel could not use.
 *
 * Three rules keep the socket clean for the kernel, which takes
 * application data records only (anything else ends its link):
 *   - no session tickets (SSL_CTX_set_num_tickets(0)): a server would
 *     send them after the handshake, as handshake records;
 *   - only the ciphers kernel TLS has (AES-GCM, ChaCha20-Poly1305);
 *   - the client waits for the server's first record before it hands the
 *     socket over: in TLS 1.3 the server checks the client's certificate
 *     after the client's handshake is done, and refuses it with an alert.
 *     The first record is either the server kernel's hello (application
 *     data, left in place with MSG_PEEK) or that alert, which we read and
 *     report.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <linux/tls.h>
#include <openssl/err.h>
#include <openssl/kdf.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "tls.h"
#include "superblock.h"

#ifndef SOL_TLS
#define SOL_TLS 282
#endif
#ifndef TCP_ULP
#define TCP_ULP 31
#endif

#define TLS_RECORD_ALERT	21
#define TLS_RECORD_DATA		23

/* Both hash SHA-256, so either can be negotiated with our PSK. */
#define SM_TLS_CIPHERSUITES	"TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256"
static const unsigned char psk_cipher_id[2] = { 0x13, 0x01 };

static void set_error(struct sm_tls *tls, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char reason[200] = "";

	if (e)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	snprintf(tls->error, sizeof(tls->error), "%s%s%s", what,
		 reason[0] ? ": " : "", reason[0] ? strstr(reason, "::") ?
		 strstr(reason, "::") + 2 : reason : "");
	tls->phase = SM_TLS_PHASE_DONE;
}

int sm_tls_derive_psk(const struct sm_secret *secret,
		      const uint8_t dialer_challenge[SM_AUTH_CHALLENGE_SIZE],
		      const uint8_t listener_challenge[SM_AUTH_CHALLENGE_SIZE],
		      const uint8_t volume_uuid[16],
		      uint8_t psk[SM_TLS_PSK_SIZE])
{
	uint8_t salt[2 * SM_AUTH_CHALLENGE_SIZE];
	uint8_t info[sizeof(SM_TLS_PSK_LABEL) - 1 + 16];
	size_t len = SM_TLS_PSK_SIZE;
	EVP_PKEY_CTX *kdf;
	int ok;

	memcpy(salt, dialer_challenge, SM_AUTH_CHALLENGE_SIZE);
	memcpy(salt + SM_AUTH_CHALLENGE_SIZE, listener_challenge,
	       SM_AUTH_CHALLENGE_SIZE);
	memcpy(info, SM_TLS_PSK_LABEL, sizeof(SM_TLS_PSK_LABEL) - 1);
	memcpy(info + sizeof(SM_TLS_PSK_LABEL) - 1, volume_uuid, 16);

	kdf = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	ok = kdf && EVP_PKEY_derive_init(kdf) > 0 &&
	     EVP_PKEY_CTX_set_hkdf_md(kdf, EVP_sha256()) > 0 &&
	     EVP_PKEY_CTX_set1_hkdf_salt(kdf, salt, sizeof(salt)) > 0 &&
	     EVP_PKEY_CTX_set1_hkdf_key(kdf, secret->bytes, secret->len) > 0 &&
	     EVP_PKEY_CTX_add1_hkdf_info(kdf, info, sizeof(info)) > 0 &&
	     EVP_PKEY_derive(kdf, psk, &len) > 0 && len == SM_TLS_PSK_SIZE;
	EVP_PKEY_CTX_free(kdf);
	return ok ? 0 : -1;
}

/* OpenSSL tells the traffic secrets as NSS key log lines. */
static void key_log(const SSL *ssl, const char *line)
{
	struct sm_tls *tls = SSL_get_app_data(ssl);
	static const char client[] = "CLIENT_TRAFFIC_SECRET_0 ";
	static const char server[] = "SERVER_TRAFFIC_SECRET_0 ";
	uint8_t *out;
	const char *hex;
	size_t i, n;

	if (!strncmp(line, client, sizeof(client) - 1))
		out = tls->client_secret;
	else if (!strncmp(line, server, sizeof(server) - 1))
		out = tls->server_secret;
	else
		return;
	hex = strchr(line + sizeof(client) - 1, ' ');
	if (!hex)
		return;
	hex++;
	n = strlen(hex) / 2;
	if (n != SM_TLS_SECRET_SIZE)
		return;
	for (i = 0; i < n; i++)
		if (sscanf(hex + 2 * i, "%2hhx", &out[i]) != 1)
			return;
	if (out == tls->client_secret)
		tls->have_client_secret = true;
	else
		tls->have_server_secret = true;
}

/* HKDF-Expand-Label(@secret, "tls13 " @label, "", @len), SHA-256. */
static int expand_label(const uint8_t *secret, const char *label,
			uint8_t *out, size_t len)
{
	uint8_t info[2 + 1 + 6 + 16 + 1];
	size_t label_len = strlen(label), info_len, out_len = len;
	EVP_PKEY_CTX *kdf;
	int ok;

	info[0] = len >> 8;
	info[1] = len & 0xff;
	info[2] = 6 + label_len;
	memcpy(info + 3, "tls13 ", 6);
	memcpy(info + 9, label, label_len);
	info[9 + label_len] = 0;
	info_len = 10 + label_len;

	kdf = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	ok = kdf && EVP_PKEY_derive_init(kdf) > 0 &&
	     EVP_PKEY_CTX_set_hkdf_mode(kdf,
					EVP_PKEY_HKDEF_MODE_EXPAND_ONLY) > 0 &&
	     EVP_PKEY_CTX_set_hkdf_md(kdf, EVP_sha256()) > 0 &&
	     EVP_PKEY_CTX_set1_hkdf_key(kdf, secret, SM_TLS_SECRET_SIZE) > 0 &&
	     EVP_PKEY_CTX_add1_hkdf_info(kdf, info, info_len) > 0 &&
	     EVP_PKEY_derive(kdf, out, &out_len) > 0 && out_len == len;
	EVP_PKEY_CTX_free(kdf);
	return ok ? 0 : -1;
}

/*
 * Install one direction of kernel TLS from its traffic secret, sequence
 * number 0.  Returns 0 or -1 with errno.
 */
static int install_direction(struct sm_tls *tls, bool send)
{
	union {
		struct tls12_crypto_info_aes_gcm_128 gcm;
		struct tls12_crypto_info_chacha20_poly1305 chacha;
	} info;
	const uint8_t *secret = send == tls->server ? tls->server_secret :
				tls->client_secret;
	const SSL_CIPHER *cipher = SSL_get_current_cipher(tls->ssl);
	uint8_t key[32], iv[12];
	size_t key_len, size;
	int r = -1;

	memset(&info, 0, sizeof(info));
	if (!cipher) {
		errno = EINVAL;
		return -1;
	}
	switch (SSL_CIPHER_get_id(cipher) & 0xffff) {
	case 0x1301:		/* TLS_AES_128_GCM_SHA256 */
		key_len = 16;
		if (expand_label(secret, "key", key, key_len) ||
		    expand_label(secret, "iv", iv, sizeof(iv)))
			goto out;
		info.gcm.info.version = TLS_1_3_VERSION;
		info.gcm.info.cipher_type = TLS_CIPHER_AES_GCM_128;
		memcpy(info.gcm.key, key, key_len);
		memcpy(info.gcm.salt, iv, TLS_CIPHER_AES_GCM_128_SALT_SIZE);
		memcpy(info.gcm.iv, iv + TLS_CIPHER_AES_GCM_128_SALT_SIZE,
		       TLS_CIPHER_AES_GCM_128_IV_SIZE);
		size = sizeof(info.gcm);
		break;
	case 0x1303:		/* TLS_CHACHA20_POLY1305_SHA256 */
		key_len = 32;
		if (expand_label(secret, "key", key, key_len) ||
		    expand_label(secret, "iv", iv, sizeof(iv)))
			goto out;
		info.chacha.info.version = TLS_1_3_VERSION;
		info.chacha.info.cipher_type = TLS_CIPHER_CHACHA20_POLY1305;
		memcpy(info.chacha.key, key, key_len);
		memcpy(info.chacha.iv, iv, sizeof(iv));
		size = sizeof(info.chacha);
		break;
	default:
		errno = EPROTONOSUPPORT;
		return -1;
	}
	r = setsockopt(tls->fd, SOL_TLS, send ? TLS_TX : TLS_RX, &info, size);
out:
	explicit_bzero(key, sizeof(key));
	explicit_bzero(iv, sizeof(iv));
	explicit_bzero(&info, sizeof(info));
	return r;
}

static SSL_SESSION *psk_session(SSL *ssl, struct sm_tls *tls)
{
	const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, psk_cipher_id);
	SSL_SESSION *session = SSL_SESSION_new();

	if (!session || !cipher ||
	    !SSL_SESSION_set1_id_context(session,
					 (const unsigned char *)SM_TLS_PSK_IDENTITY,
					 sizeof(SM_TLS_PSK_IDENTITY) - 1) ||
	    !SSL_SESSION_set1_master_key(session, tls->psk, SM_TLS_PSK_SIZE) ||
	    !SSL_SESSION_set_cipher(session, cipher) ||
	    !SSL_SESSION_set_protocol_version(session, TLS1_3_VERSION)) {
		SSL_SESSION_free(session);
		return NULL;
	}
	return session;
}

/* Client: offer our PSK under the one identity there is. */
static int use_psk(SSL *ssl, const EVP_MD *md, const unsigned char **id,
		   size_t *id_len, SSL_SESSION **session)
{
	struct sm_tls *tls = SSL_get_app_data(ssl);

	*session = NULL;
	if (md && md != EVP_sha256())
		return 1;	/* a retry for another hash: no PSK fits */
	*session = psk_session(ssl, tls);
	if (!*session)
		return 0;
	*id = (const unsigned char *)SM_TLS_PSK_IDENTITY;
	*id_len = sizeof(SM_TLS_PSK_IDENTITY) - 1;
	return 1;
}

/* Server: the PSK for that identity; a wrong key fails the binder check. */
static int find_psk(SSL *ssl, const unsigned char *id, size_t id_len,
		    SSL_SESSION **session)
{
	struct sm_tls *tls = SSL_get_app_data(ssl);

	*session = NULL;
	if (id_len != sizeof(SM_TLS_PSK_IDENTITY) - 1 ||
	    memcmp(id, SM_TLS_PSK_IDENTITY, id_len))
		return 1;	/* unknown identity: the handshake fails */
	*session = psk_session(ssl, tls);
	return *session ? 1 : 0;
}

/*
 * OpenSSL says "system lib" for a file it cannot open: say which, why.
 * And only root may have written it; a @private one (the key) nobody
 * else may read either.
 */
static int readable(struct sm_tls *tls, const char *key, const char *path,
		    bool private)
{
	char error[SM_CONFIG_PATH_MAX + 200];
	FILE *file = fopen(path, "re");
	struct stat st;
	int r = 0;

	if (!file || fstat(fileno(file), &st)) {
		snprintf(error, sizeof(error), "%s", strerror(errno));
		r = -1;
	} else if (private && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		snprintf(error, sizeof(error),
			 "accessible by group or others (mode %04o); chmod 600 it",
			 (unsigned int)(st.st_mode & 07777));
		r = -1;
	} else if (sm_path_trusted(path, &st, error, sizeof(error))) {
		/* It names the path already. */
		snprintf(tls->error, sizeof(tls->error), "%s %.*s", key,
			 (int)sizeof(tls->error) - 32, error);
		r = -2;
	}
	if (file)
		fclose(file);
	if (!r)
		return 0;
	if (r == -1)
		snprintf(tls->error, sizeof(tls->error), "%s %.*s: %.*s", key,
			 (int)sizeof(tls->error) / 2, path,
			 (int)sizeof(tls->error) / 4, error);
	tls->phase = SM_TLS_PHASE_DONE;
	return -1;
}

static int setup_x509(struct sm_tls *tls, const struct sm_config *cfg)
{
	SSL_CTX *ctx = tls->ctx;
	char what[2 * SM_CONFIG_PATH_MAX + 64];

	if (readable(tls, "tls-ca-file", cfg->tls_ca_file, false) ||
	    readable(tls, "tls-cert-file", cfg->tls_cert_file, false) ||
	    readable(tls, "tls-key-file", cfg->tls_key_file, true))
		return -1;

	if (!SSL_CTX_load_verify_locations(ctx, cfg->tls_ca_file, NULL)) {
		snprintf(what, sizeof(what), "cannot load the CA file %s",
			 cfg->tls_ca_file);
		goto fail;
	}
	if (SSL_CTX_use_certificate_chain_file(ctx, cfg->tls_cert_file) != 1) {
		snprintf(what, sizeof(what), "cannot load the certificate %s",
			 cfg->tls_cert_file);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, cfg->tls_key_file,
					SSL_FILETYPE_PEM) != 1 ||
	    !SSL_CTX_check_private_key(ctx)) {
		snprintf(what, sizeof(what), "cannot use the key %s with %s",
			 cfg->tls_key_file, cfg->tls_cert_file);
		goto fail;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER |
			   SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	return 0;
fail:
	set_error(tls, what);
	return -1;
}

int sm_tls_start(struct sm_tls *tls, const struct sm_config *cfg,
		 const uint8_t *psk, bool server, int fd)
{
	memset(tls, 0, sizeof(*tls));
	tls->fd = fd;
	tls->server = server;
	tls->ctx = SSL_CTX_new(server ? TLS_server_method() :
			       TLS_client_method());
	if (!tls->ctx) {
		set_error(tls, "cannot set up TLS");
		return -1;
	}
	SSL_CTX_set_min_proto_version(tls->ctx, TLS1_3_VERSION);
	SSL_CTX_set_max_proto_version(tls->ctx, TLS1_3_VERSION);
	SSL_CTX_set_options(tls->ctx, SSL_OP_ENABLE_KTLS | SSL_OP_NO_TICKET);
	SSL_CTX_set_num_tickets(tls->ctx, 0);
	SSL_CTX_set_session_cache_mode(tls->ctx, SSL_SESS_CACHE_OFF);
	/* OpenSSL wants one where a PSK "resumes" under SSL_VERIFY_PEER. */
	SSL_CTX_set_session_id_context(tls->ctx,
				       (const unsigned char *)SM_TLS_PSK_IDENTITY,
				       sizeof(SM_TLS_PSK_IDENTITY) - 1);
	SSL_CTX_set_keylog_callback(tls->ctx, key_log);
	if (!SSL_CTX_set_ciphersuites(tls->ctx, SM_TLS_CIPHERSUITES)) {
		set_error(tls, "cannot set the TLS ciphers");
		return -1;
	}
	if (psk) {
		memcpy(tls->psk, psk, SM_TLS_PSK_SIZE);
		tls->have_psk = true;
		/*
		 * Only the PSK authenticates: a server that ignores it and
		 * shows a certificate instead must fail (no CA is trusted),
		 * and the session must be the PSK's (checked at the end, on
		 * both sides; our server has no certificate to fall back on).
		 */
		if (!server)
			SSL_CTX_set_verify(tls->ctx, SSL_VERIFY_PEER, NULL);
		if (server)
			SSL_CTX_set_psk_find_session_callback(tls->ctx,
							      find_psk);
		else
			SSL_CTX_set_psk_use_session_callback(tls->ctx, use_psk);
	} else if (setup_x509(tls, cfg)) {
		return -1;
	}
	tls->ssl = SSL_new(tls->ctx);
	if (!tls->ssl || !SSL_set_fd(tls->ssl, fd) ||
	    !SSL_set_app_data(tls->ssl, tls)) {
		set_error(tls, "cannot set up TLS");
		return -1;
	}
	if (!psk && !SSL_set1_host(tls->ssl, cfg->tls_peer_name)) {
		set_error(tls, "cannot set the expected peer name");
		return -1;
	}
	if (server)
		SSL_set_accept_state(tls->ssl);
	else
		SSL_set_connect_state(tls->ssl);
	tls->phase = SM_TLS_PHASE_HANDSHAKE;
	return 0;
}

/* Why the handshake failed, as precisely as OpenSSL says. */
static void handshake_failed(struct sm_tls *tls, int ret)
{
	long verify = SSL_get_verify_result(tls->ssl);
	int err = SSL_get_error(tls->ssl, ret);
	char what[200];

	if (tls->have_psk &&
	    (SSL_get0_peer_certificate(tls->ssl) ||
	     ERR_GET_REASON(ERR_peek_last_error()) ==
	     SSL_R_CERTIFICATE_VERIFY_FAILED)) {
		snprintf(what, sizeof(what),
			 "TLS handshake failed: the peer showed a certificate instead of using our PSK (it does not hold the secret?)");
		ERR_clear_error();
		snprintf(tls->error, sizeof(tls->error), "%s", what);
		tls->phase = SM_TLS_PHASE_DONE;
		return;
	}
	if (verify != X509_V_OK && !tls->have_psk) {
		snprintf(what, sizeof(what),
			 "TLS handshake failed: the peer's certificate: %s",
			 X509_verify_cert_error_string(verify));
		ERR_clear_error();
		snprintf(tls->error, sizeof(tls->error), "%s", what);
		tls->phase = SM_TLS_PHASE_DONE;
		return;
	}
	if (err == SSL_ERROR_SYSCALL && !ERR_peek_last_error()) {
		snprintf(tls->error, sizeof(tls->error),
			 "TLS handshake failed: %s",
			 errno && ret ? strerror(errno) :
			 "the peer closed the connection (is it set up for TLS?)");
		tls->phase = SM_TLS_PHASE_DONE;
		return;
	}
	set_error(tls, tls->have_psk ?
		  "TLS handshake failed (does the peer derive the same key, from the same secret?)" :
		  "TLS handshake failed");
}

/* Kernel TLS both ways: what OpenSSL installed, and the rest by us. */
static int install_ktls(struct sm_tls *tls)
{
	const SSL_CIPHER *cipher = SSL_get_current_cipher(tls->ssl);
	bool tx = BIO_get_ktls_send(SSL_get_wbio(tls->ssl));
	bool rx = BIO_get_ktls_recv(SSL_get_rbio(tls->ssl));
	const char *what = NULL;

	if ((!tx || !rx) &&
	    (!tls->have_client_secret || !tls->have_server_secret))
		what = "OpenSSL gave no traffic secrets";
	else if (!tx && !rx &&
		 setsockopt(tls->fd, SOL_TCP, TCP_ULP, "tls", sizeof("tls")) &&
		 errno != EEXIST)	/* OpenSSL tried, and set the ULP */
		what = "cannot set the tls ULP";
	else if (!tx && install_direction(tls, true))
		what = "cannot install the send keys";
	else if (!rx && install_direction(tls, false))
		what = "cannot install the receive keys";
	explicit_bzero(tls->client_secret, sizeof(tls->client_secret));
	explicit_bzero(tls->server_secret, sizeof(tls->server_secret));
	if (what) {
		snprintf(tls->error, sizeof(tls->error),
			 "kernel TLS: %s%s%s (is the tls module available?)",
			 what, errno ? ": " : "", errno ? strerror(errno) : "");
		tls->phase = SM_TLS_PHASE_DONE;
		return -1;
	}
	snprintf(tls->summary, sizeof(tls->summary), "%s, %s, %s",
		 SSL_get_version(tls->ssl),
		 cipher ? SSL_CIPHER_standard_name(cipher) : "?",
		 tls->have_psk ? "psk" : "x509");
	return 0;
}

/*
 * Client: the server's first record.  Application data (its kernel's
 * hello) stays for our kernel; an alert is the server's refusal.
 */
static enum sm_auth_result peer_first_record(struct sm_tls *tls)
{
	char control[CMSG_SPACE(sizeof(unsigned char))];
	unsigned char buf[2];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control,
		.msg_controllen = sizeof(control),
	};
	struct cmsghdr *cmsg;
	unsigned char type = TLS_RECORD_DATA;
	ssize_t n;

	n = recvmsg(tls->fd, &msg, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
		return SM_AUTH_WANT_READ;
	if (n <= 0) {
		snprintf(tls->error, sizeof(tls->error),
			 "the peer closed the link after the TLS handshake%s%s",
			 n ? ": " : "", n ? strerror(errno) : "");
		tls->phase = SM_TLS_PHASE_DONE;
		return SM_AUTH_FAILED;
	}
	for (cmsg = CMSG_FIRSTHDR(&msg); cmsg; cmsg = CMSG_NXTHDR(&msg, cmsg))
		if (cmsg->cmsg_level == SOL_TLS &&
		    cmsg->cmsg_type == TLS_GET_RECORD_TYPE)
			type = *CMSG_DATA(cmsg);
	if (type == TLS_RECORD_DATA) {
		tls->phase = SM_TLS_PHASE_DONE;
		return SM_AUTH_ACCEPTED;
	}
	if (type == TLS_RECORD_ALERT && n == 2)
		snprintf(tls->error, sizeof(tls->error),
			 "the peer refused the TLS session: alert \"%s\"",
			 SSL_alert_desc_string_long(buf[1]));
	else
		snprintf(tls->error, sizeof(tls->error),
			 "the peer sent a TLS record of type %u after the handshake",
			 type);
	tls->phase = SM_TLS_PHASE_DONE;
	return SM_AUTH_FAILED;
}

enum sm_auth_result sm_tls_step(struct sm_tls *tls)
{
	int r, err;

	if (tls->phase == SM_TLS_PHASE_HANDSHAKE) {
		ERR_clear_error();
		errno = 0;
		r = SSL_do_handshake(tls->ssl);
		if (r != 1) {
			err = SSL_get_error(tls->ssl, r);
			if (err == SSL_ERROR_WANT_READ)
				return SM_AUTH_WANT_READ;
			if (err == SSL_ERROR_WANT_WRITE)
				return SM_AUTH_WANT_WRITE;
			handshake_failed(tls, r);
			return SM_AUTH_FAILED;
		}
		if (tls->have_psk && !SSL_session_reused(tls->ssl)) {
			snprintf(tls->error, sizeof(tls->error),
				 "TLS handshake without our PSK: the peer does not hold the secret");
			tls->phase = SM_TLS_PHASE_DONE;
			return SM_AUTH_FAILED;
		}
		errno = 0;
		if (install_ktls(tls))
			return SM_AUTH_FAILED;
		if (tls->server) {
			tls->phase = SM_TLS_PHASE_DONE;
			return SM_AUTH_ACCEPTED;
		}
		tls->phase = SM_TLS_PHASE_PEER;
	}
	if (tls->phase == SM_TLS_PHASE_PEER)
		return peer_first_record(tls);
	return tls->error[0] ? SM_AUTH_FAILED : SM_AUTH_ACCEPTED;
}

enum sm_auth_result sm_tls_run(struct sm_tls *tls, int timeout_ms)
{
	struct timespec ts;
	enum sm_auth_result result;
	struct pollfd pfd = { .fd = tls->fd };
	long long deadline, left;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = ts.tv_sec * 1000LL + ts.tv_nsec / 1000000 + timeout_ms;
	for (;;) {
		result = sm_tls_step(tls);
		if (result == SM_AUTH_ACCEPTED || result == SM_AUTH_FAILED)
			return result;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		left = deadline - (ts.tv_sec * 1000LL + ts.tv_nsec / 1000000);
		pfd.events = result == SM_AUTH_WANT_READ ? POLLIN : POLLOUT;
		r = left > 0 ? poll(&pfd, 1, left) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(tls->error, sizeof(tls->error),
				 "%s during the TLS handshake",
				 r ? strerror(errno) : "timed out");
			tls->phase = SM_TLS_PHASE_DONE;
			return SM_AUTH_FAILED;
		}
	}
}

void sm_tls_end(struct sm_tls *tls)
{
	/* No SSL_shutdown(): the session goes on in the kernel. */
	SSL_free(tls->ssl);
	SSL_CTX_free(tls->ctx);
	tls->ssl = NULL;
	tls->ctx = NULL;
	explicit_bzero(tls, sizeof(*tls));
	tls->fd = -1;
}
