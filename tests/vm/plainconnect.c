// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-plainconnect - hand the kernel a plain TCP socket the way a caller
 * that knows nothing of TLS would (CONNECT with VOLUME_NAME and SOCKET_FD
 * only), for the VM scenarios:
 *
 *   sm-plainconnect VOLUME HOST PORT
 *
 * Dials HOST:PORT, then asks the kernel to take the socket.  Exit 0 when
 * it did, 1 with the kernel's reason when it refused.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <sys/socket.h>

#include "../../tools/lib/genl.h"

int main(int argc, char **argv)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct nl_msg *msg;
	struct sm_genl g;
	int fd, r;

	if (argc != 4) {
		fprintf(stderr, "usage: sm-plainconnect VOLUME HOST PORT\n");
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
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_CONNECT, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, argv[1]) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_SOCKET_FD, fd)) {
		fprintf(stderr, "sm-plainconnect: cannot build the request\n");
		return 1;
	}
	r = sm_genl_transact(&g, msg, NULL, NULL);
	if (r)
		fprintf(stderr, "sm-plainconnect: %s: %s\n", argv[1],
			g.message[0] ? g.message : strerror(-r));
	sm_genl_close(&g);
	close(fd);
	return r ? 1 : 0;
}
