// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl connect / disconnect: make the TCP connection to a volume's peer
 * and hand it to the kernel, which then speaks the wire protocol on it.
 *
 * This is the manual path (like drbdsetup connect).  With --secret FILE
 * it does what syncmirrord does: the challenge-response (lib/auth.c) and
 * the TLS 1.3 handshake with a key derived from the secret (lib/tls.c),
 * which leaves kernel TLS on the socket; the dialing side is the TLS
 * client.  With --transport-security none it proves nothing and the
 * link is in clear: the kernel takes such a socket only when told so.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "../lib/auth.h"
#include "../lib/genl.h"
#include "../lib/names.h"
#include "../lib/tls.h"
#include "smctl.h"

static int split_endpoint(const char *text, char *host, size_t size,
			  const char **port)
{
	const char *colon = strrchr(text, ':');

	if (!colon || colon == text || !colon[1] ||
	    (size_t)(colon - text) >= size)
		return -1;
	memcpy(host, text, colon - text);
	host[colon - text] = '\0';
	*port = colon + 1;
	return 0;
}

static int resolve(const char *endpoint, int passive, struct addrinfo **ai)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = passive ? AI_PASSIVE : 0,
	};
	const char *port;
	char host[256];
	int r;

	if (split_endpoint(endpoint, host, sizeof(host), &port)) {
		fprintf(stderr, "smctl: \"%s\" is not HOST:PORT\n", endpoint);
		return -1;
	}
	r = getaddrinfo(host, port, &hints, ai);
	if (r) {
		fprintf(stderr, "smctl: %s: %s\n", endpoint, gai_strerror(r));
		return -1;
	}
	return 0;
}

/* Connect to @endpoint, retrying for @timeout seconds while it refuses. */
static int dial(const char *volume, const char *endpoint, int timeout)
{
	time_t deadline = time(NULL) + timeout;
	struct addrinfo *ai;
	int fd, err;

	if (resolve(endpoint, 0, &ai))
		return -1;
	for (;;) {
		fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		err = errno;
		close(fd);
		fd = -1;
		if (time(NULL) >= deadline || (err != ECONNREFUSED &&
					       err != EHOSTUNREACH &&
					       err != ETIMEDOUT)) {
			fprintf(stderr, "smctl: %s: peer %s: %s\n", volume,
				endpoint, strerror(err));
			break;
		}
		sleep(1);
	}
	freeaddrinfo(ai);
	return fd;
}

/* Wait up to @timeout seconds for the peer to connect to @endpoint. */
static int await(const char *volume, const char *endpoint, int timeout)
{
	struct addrinfo *ai;
	struct timeval tv = { .tv_sec = timeout };
	int one = 1, lfd, fd = -1;

	if (resolve(endpoint, 1, &ai))
		return -1;
	lfd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd >= 0 &&
	    (setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	     setsockopt(lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	     bind(lfd, ai->ai_addr, ai->ai_addrlen) || listen(lfd, 1))) {
		fprintf(stderr, "smctl: %s: cannot listen on %s: %s\n", volume,
			endpoint, strerror(errno));
		close(lfd);
		lfd = -1;
	}
	freeaddrinfo(ai);
	if (lfd < 0)
		return -1;
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		fprintf(stderr, "smctl: %s: no peer connected to %s: %s\n",
			volume, endpoint,
			errno == EAGAIN ? "timed out" : strerror(errno));
	close(lfd);
	return fd;
}

static void connect_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl connect VOLUME (--peer HOST:PORT | --listen ADDR:PORT)\n"
		"                     (--secret FILE | --transport-security none)\n"
		"                     [--timeout SECONDS] [--ping-timeout MS]\n"
		"                     [--after-split-brain POLICY]\n"
		"                     [--data-checksum auto|on|off]\n"
		"Connects to the peer (or waits for it) and hands the connection\n"
		"to the kernel.\n\n"
		"  --secret FILE  prove that both sides hold the volume's secret,\n"
		"        then TLS 1.3 with a key derived from it (what syncmirrord\n"
		"        does with transport-security psk)\n"
		"  --transport-security none  neither: the peer is NOT\n"
		"        authenticated and the link is NOT encrypted\n"
		"  --data-checksum  CRC-32C of the data on the link: auto (off\n"
		"        under TLS, whose records are authenticated), on or off\n"
		"  --after-split-brain POLICY  what a split-brain does: disconnect\n"
		"        (the kernel's default: refuse it, resolve it with smctl\n"
		"        resolve), discard-zero-changes, discard-least-changes or\n"
		"        discard-younger-primary.  The kernel refuses a link whose\n"
		"        two nodes have different policies.\n");
}

struct volume_identity {
	bool has_uuid, has_node;
	uint8_t uuid[16];
	uint32_t node_id;
};

static int parse_identity(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];
	struct volume_identity *id = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL))
		return NL_OK;
	if (attrs[SYNCMIRROR_ATTR_VOLUME_UUID] &&
	    nla_len(attrs[SYNCMIRROR_ATTR_VOLUME_UUID]) == 16) {
		memcpy(id->uuid, nla_data(attrs[SYNCMIRROR_ATTR_VOLUME_UUID]), 16);
		id->has_uuid = true;
	}
	if (attrs[SYNCMIRROR_ATTR_NODE_ID]) {
		id->node_id = nla_get_u32(attrs[SYNCMIRROR_ATTR_NODE_ID]);
		id->has_node = true;
	}
	return NL_OK;
}

/*
 * The challenge-response and TLS on @fd, as syncmirrord does them; the
 * peer may be any node of the volume but this one.  Returns 0, or 1 with
 * the reason said.
 */
static int secure(struct sm_genl *g, const char *volume, const char *secret_file,
		  bool dialer, int fd, int timeout)
{
	struct volume_identity id = { 0 };
	char error[SM_CONFIG_PATH_MAX + 256];
	uint8_t psk[SM_TLS_PSK_SIZE];
	struct sm_secret secret;
	struct sm_auth auth;
	struct sm_tls tls;
	struct nl_msg *msg;
	int r = 1;

	msg = sm_genl_request(g, SYNCMIRROR_CMD_GET_VOLUME, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume)) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		return 1;
	}
	if (sm_genl_transact(g, msg, parse_identity, &id))
		return smctl_report(volume, g);
	if (!id.has_uuid || !id.has_node) {
		fprintf(stderr, "smctl: %s: the kernel did not report the volume's UUID and node id\n",
			volume);
		return 1;
	}
	if (sm_secret_load(secret_file, &secret, error, sizeof(error))) {
		fprintf(stderr, "smctl: %s\n", error);
		return 1;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	if (sm_auth_init(&auth, SM_AUTH_MAGIC, SM_AUTH_LABEL, &secret, id.uuid,
			 id.node_id, SM_AUTH_ANY_PEER)) {
		fprintf(stderr, "smctl: %s: %s\n", volume, auth.messages[0]);
		goto out;
	}
	if (sm_auth_run(&auth, fd, timeout * 1000) != SM_AUTH_ACCEPTED) {
		for (r = 0; r < auth.message_count; r++)
			fprintf(stderr, "smctl: %s: peer %s\n", volume,
				auth.messages[r]);
		r = 1;
		goto out;
	}
	if (sm_tls_derive_psk(&secret,
			      dialer ? auth.own_challenge : auth.peer_challenge,
			      dialer ? auth.peer_challenge : auth.own_challenge,
			      id.uuid, psk)) {
		fprintf(stderr, "smctl: %s: cannot derive the TLS key\n", volume);
		goto out;
	}
	if (sm_tls_start(&tls, NULL, psk, !dialer, fd) ||
	    sm_tls_run(&tls, timeout * 1000) != SM_AUTH_ACCEPTED)
		fprintf(stderr, "smctl: %s: peer node %u refused: %s\n", volume,
			auth.peer_node_id, tls.error);
	else
		r = 0;
	sm_tls_end(&tls);
	explicit_bzero(psk, sizeof(psk));
out:
	sm_auth_clear(&auth);
	sm_secret_clear(&secret);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return r;
}

int cmd_connect(int argc, char **argv)
{
	const char *volume = NULL, *peer = NULL, *listen_on = NULL;
	const char *secret_file = NULL;
	struct sm_genl g;
	int timeout = 30, ping_timeout = 0, fd, r, i;
	bool has_policy = false, insecure = false;
	uint32_t policy = 0, csum = SYNCMIRROR_DATA_CSUM_AUTO;
	struct nl_msg *msg;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--peer") && i + 1 < argc)
			peer = argv[++i];
		else if (!strcmp(argv[i], "--listen") && i + 1 < argc)
			listen_on = argv[++i];
		else if (!strcmp(argv[i], "--timeout") && i + 1 < argc)
			timeout = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--ping-timeout") && i + 1 < argc)
			ping_timeout = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--after-split-brain") &&
			 i + 1 < argc) {
			if (sm_sb_policy_parse(argv[++i], &policy)) {
				fprintf(stderr, "smctl: connect: \"%s\" is not %s\n",
					argv[i], sm_sb_policy_names());
				return 2;
			}
			has_policy = true;
		} else if (!strcmp(argv[i], "--secret") && i + 1 < argc) {
			secret_file = argv[++i];
		} else if (!strcmp(argv[i], "--transport-security") &&
			   i + 1 < argc) {
			if (strcmp(argv[++i], "none")) {
				fprintf(stderr, "smctl: connect: --transport-security takes none (for TLS, give --secret FILE)\n");
				return 2;
			}
			insecure = true;
		} else if (!strcmp(argv[i], "--data-checksum") && i + 1 < argc) {
			i++;
			if (!strcmp(argv[i], "auto"))
				csum = SYNCMIRROR_DATA_CSUM_AUTO;
			else if (!strcmp(argv[i], "on"))
				csum = SYNCMIRROR_DATA_CSUM_ON;
			else if (!strcmp(argv[i], "off"))
				csum = SYNCMIRROR_DATA_CSUM_OFF;
			else {
				fprintf(stderr, "smctl: connect: \"%s\" is not auto, on or off\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(argv[i], "--help")) {
			connect_usage(stdout);
			return 0;
		} else if (argv[i][0] != '-' && !volume)
			volume = argv[i];
		else {
			connect_usage(stderr);
			return 2;
		}
	}
	if (!volume || !!peer == !!listen_on || timeout <= 0) {
		connect_usage(stderr);
		return 2;
	}
	if (!secret_file == !insecure) {
		fprintf(stderr, "smctl: connect: give --secret FILE (authenticated, TLS) or --transport-security none (neither)\n");
		return 2;
	}

	if (sm_genl_open(&g, "smctl"))
		return 1;
	fd = peer ? dial(volume, peer, timeout) :
		    await(volume, listen_on, timeout);
	if (fd < 0) {
		sm_genl_close(&g);
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	if (secret_file && secure(&g, volume, secret_file, peer, fd, timeout)) {
		close(fd);
		sm_genl_close(&g);
		return 1;
	}

	msg = sm_genl_request(&g, SYNCMIRROR_CMD_CONNECT, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_SOCKET_FD, fd) ||
	    (ping_timeout &&
	     nla_put_u32(msg, SYNCMIRROR_ATTR_PING_TIMEOUT_MS, ping_timeout)) ||
	    (has_policy && nla_put_u32(msg, SYNCMIRROR_ATTR_SB_POLICY, policy)) ||
	    (insecure && nla_put_u32(msg, SYNCMIRROR_ATTR_TRANSPORT_SECURITY,
				     SYNCMIRROR_SECURITY_NONE)) ||
	    (csum != SYNCMIRROR_DATA_CSUM_AUTO &&
	     nla_put_u32(msg, SYNCMIRROR_ATTR_DATA_CSUM, csum))) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		r = 1;
	} else {
		r = sm_genl_transact(&g, msg, NULL, NULL) ?
		    smctl_report(volume, &g) : 0;
	}
	close(fd);
	sm_genl_close(&g);
	return r;
}

int cmd_disconnect(int argc, char **argv)
{
	struct sm_genl g;
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "Usage: smctl disconnect VOLUME\n");
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	r = smctl_volume_request(&g, argv[1], SYNCMIRROR_CMD_DISCONNECT, 0, 0);
	sm_genl_close(&g);
	return r;
}
