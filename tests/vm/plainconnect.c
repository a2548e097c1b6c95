// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-plainconnect - hand the kernel a plain TCP socket the way a caller
 * that knows nothing of TLS would (CONNECT with VOLUME_NAME and SOCKET_FD
 * only), for the VM scenarios:
 *
 *   sm-plainconnect VOLUME HOST PORT [--none] [--also VOLUME2]
 *
 * Dials HOST:PORT, then asks the kernel to take the socket (with
 * TRANSPORT_SECURITY NONE when --none).  With --also, then hands the same
 * socket to VOLUME2 as well, which must be refused.  Exit 0 when every
 * request went as said, 1 with the kernel's reason otherwise.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <sys/socket.h>

#include "../../tools/lib/genl.h"

static int hand_over(struct sm_genl *g, const char *volume, int fd,
		     bool none)
{
	struct nl_msg *msg;
	int r;

	msg = sm_genl_request(g, SYNCMIRROR_CMD_CONNECT, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_SOCKET_FD, fd) ||
	    (none && nla_put_u32(msg, SYNCMIRROR_ATTR_TRANSPORT_SECURITY,
				 SYNCMIRROR_SECURITY_NONE))) {
		fprintf(stderr, "sm-plainconnect: cannot build the request\n");
		return -ENOMEM;
	}
	r = sm_genl_transact(g, msg, NULL, NULL);
	if (r)
		fprintf(stderr, "sm-plainconnect: %s: %s\n", volume,
			g->message[0] ? g->message : strerror(-r));
	return r;
}

int main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	const char *also = NULL;
	bool none = false;
	struct sm_genl g;
	int fd, r, i;

	for (i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "--none"))
			none = true;
		else if (!strcmp(argv[i], "--also") && i + 1 < argc)
			also = argv[++i];
		else
			argc = 0;
	}
	if (argc < 4) {
		fprintf(stderr, "usage: sm-plainconnect VOLUME HOST PORT [--none] [--also VOLUME2]\n");
		return 2;
	}
	r = getaddrinfo(argv[2], argv[3], &hints, &ai);
	if (r) {
		fprintf(stderr, "sm-plainconnect: %s: %s\n", argv[2],
			gai_strerror(r));
		return 1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		fprintf(stderr, "sm-plainconnect: connect: %s\n", strerror(errno));
		return 1;
	}
	freeaddrinfo(ai);
	if (sm_genl_open(&g, "sm-plainconnect"))
		return 1;
	r = hand_over(&g, argv[1], fd, none);
	if (!r && also) {
		/* The second must be refused: the socket is taken. */
		r = hand_over(&g, also, fd, none) ? 0 : -EEXIST;
		if (r)
			fprintf(stderr, "sm-plainconnect: %s took the socket of %s\n",
				also, argv[1]);
	}
	sm_genl_close(&g);
	close(fd);
	return r ? 1 : 0;
}
