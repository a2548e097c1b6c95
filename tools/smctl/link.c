// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl connect / disconnect: make the TCP connection to a volume's peer
 * and hand it to the kernel, which then speaks the wire protocol on it.
 *
 * This is the manual path (like drbdsetup connect); it does not prove
 * knowledge of the volume's secret.  syncmirrord authenticates the peer
 * first (tools/lib/auth.c) and then hands over the socket the same way.
 */
#include <errno.h>
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

#include "../lib/genl.h"
#include "../lib/names.h"
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
		"                     [--timeout SECONDS] [--ping-timeout MS]\n"
		"                     [--after-split-brain POLICY]\n"
		"Connects to the peer (or waits for it) and hands the connection\n"
		"to the kernel.  The peer is NOT authenticated by this command.\n\n"
		"  --after-split-brain POLICY  what a split-brain does: disconnect\n"
		"        (the kernel's default: refuse it, resolve it with smctl\n"
		"        resolve), discard-zero-changes, discard-least-changes or\n"
		"        discard-younger-primary.  The kernel refuses a link whose\n"
		"        two nodes have different policies.\n");
}

int cmd_connect(int argc, char **argv)
{
	const char *volume = NULL, *peer = NULL, *listen_on = NULL;
	struct sm_genl g;
	int timeout = 30, ping_timeout = 0, fd, r, i;
	bool has_policy = false;
	uint32_t policy = 0;
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

	if (sm_genl_open(&g, "smctl"))
		return 1;
	fd = peer ? dial(volume, peer, timeout) :
		    await(volume, listen_on, timeout);
	if (fd < 0) {
		sm_genl_close(&g);
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));

	msg = sm_genl_request(&g, SYNCMIRROR_CMD_CONNECT, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_SOCKET_FD, fd) ||
	    (ping_timeout &&
	     nla_put_u32(msg, SYNCMIRROR_ATTR_PING_TIMEOUT_MS, ping_timeout)) ||
	    (has_policy && nla_put_u32(msg, SYNCMIRROR_ATTR_SB_POLICY, policy))) {
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
