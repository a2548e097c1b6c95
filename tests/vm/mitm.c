// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-mitm - a man in the middle of one TCP connection, for the VM
 * scenarios: relays it both ways and changes one byte on the way.
 *
 *   sm-mitm LISTEN_PORT HOST PORT [--flip-at N]
 *
 * Accepts one connection on LISTEN_PORT, connects to HOST:PORT, and copies
 * bytes between the two until either side closes.  With --flip-at N, byte
 * N (counted from 0) of the stream from the dialer to HOST has its lowest
 * bit flipped.  Says on stderr when it flipped and how many bytes went
 * each way.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>

static int dial(const char *host, const char *port)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	int fd, r;

	r = getaddrinfo(host, port, &hints, &ai);
	if (r) {
		fprintf(stderr, "sm-mitm: %s: %s\n", host, gai_strerror(r));
		return -1;
	}
	fd = socket(ai->ai_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		fprintf(stderr, "sm-mitm: connect to %s:%s: %s\n", host, port,
			strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	return fd;
}

static int accept_one(const char *port)
{
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(atoi(port)),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	int fd, conn, one = 1;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		fprintf(stderr, "sm-mitm: listen on %s: %s\n", port,
			strerror(errno));
		return -1;
	}
	conn = accept(fd, NULL, NULL);
	close(fd);
	return conn;
}

int main(int argc, char **argv)
{
	long long flip_at = -1, forward = 0, backward = 0;
	struct pollfd pfd[2];
	char buf[65536];
	int client, server;

	if (argc != 4 && !(argc == 6 && !strcmp(argv[4], "--flip-at"))) {
		fprintf(stderr, "usage: sm-mitm LISTEN_PORT HOST PORT [--flip-at N]\n");
		return 2;
	}
	if (argc == 6)
		flip_at = atoll(argv[5]);
	client = accept_one(argv[1]);
	if (client < 0)
		return 1;
	server = dial(argv[2], argv[3]);
	if (server < 0)
		return 1;
	pfd[0] = (struct pollfd){ .fd = client, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = server, .events = POLLIN };
	for (;;) {
		ssize_t n;
		int i;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			break;
		for (i = 0; i < 2; i++) {
			if (!pfd[i].revents)
				continue;
			n = read(pfd[i].fd, buf, sizeof(buf));
			if (n <= 0)
				goto out;
			if (!i && flip_at >= forward && flip_at < forward + n) {
				buf[flip_at - forward] ^= 1;
				fprintf(stderr, "sm-mitm: flipped byte %lld\n",
					flip_at);
			}
			if (write(pfd[!i].fd, buf, n) != n)
				goto out;
			if (i)
				backward += n;
			else
				forward += n;
		}
	}
out:
	fprintf(stderr, "sm-mitm: closed after %lld bytes forward, %lld back\n",
		forward, backward);
	return 0;
}
