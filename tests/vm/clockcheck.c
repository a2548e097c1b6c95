// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-clock: how far this node's CLOCK_REALTIME is from another node's, with
 * a bound, so that event logs from several VMs can be put on one time line
 * (Documentation/testing.rst, "Failover scenarios").
 *
 *   sm-clock serve ADDR:PORT      answer probes (UDP) with our clock
 *   sm-clock offset ADDR:PORT [PROBES]
 *
 * offset prints "OFFSET_NS ERROR_NS": the server's clock minus ours is
 * within OFFSET_NS +- ERROR_NS.  Each probe is stamped t0 before it is sent
 * and t1 after the answer is back; the server read its clock in between,
 * so its time lies in [t0, t1] of ours; the probe with the shortest round
 * trip (of PROBES, 40 by default) gives the tightest bound.  Exit status:
 * 0, 1 no answer, 2 usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define PROBE_MAGIC	0x534d434cU	/* "SMCL" */

struct probe {
	uint32_t magic;
	uint32_t seq;
	int64_t server_ns;
};

static int64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int parse_address(const char *arg, struct sockaddr_in *sin)
{
	char host[64];
	const char *colon = strrchr(arg, ':');
	char *end;
	long port;

	if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(host))
		return -1;
	memcpy(host, arg, colon - arg);
	host[colon - arg] = '\0';
	port = strtol(colon + 1, &end, 10);
	if (*end || port <= 0 || port > 65535)
		return -1;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(port);
	return inet_pton(AF_INET, host, &sin->sin_addr) == 1 ? 0 : -1;
}

static int serve(const struct sockaddr_in *sin)
{
	struct sockaddr_in from;
	socklen_t len;
	struct probe p;
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (const struct sockaddr *)sin, sizeof(*sin))) {
		perror("sm-clock: serve");
		return 1;
	}
	for (;;) {
		len = sizeof(from);
		n = recvfrom(fd, &p, sizeof(p), 0, (struct sockaddr *)&from,
			     &len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("sm-clock: recvfrom");
			return 1;
		}
		if (n != sizeof(p) || p.magic != htonl(PROBE_MAGIC))
			continue;
		p.server_ns = realtime_ns();
		sendto(fd, &p, sizeof(p), 0, (struct sockaddr *)&from, len);
	}
}

static int offset(const struct sockaddr_in *sin, int probes)
{
	struct timeval tv = { .tv_sec = 0, .tv_usec = 500000 };
	int64_t t0, t1, best_rtt = -1, best_offset = 0;
	struct probe p, r;
	uint32_t seq;
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))) {
		perror("sm-clock: offset");
		return 1;
	}
	for (seq = 1; seq <= (uint32_t)probes; seq++) {
		p = (struct probe){ .magic = htonl(PROBE_MAGIC), .seq = seq };
		t0 = realtime_ns();
		if (send(fd, &p, sizeof(p), 0) != sizeof(p))
			continue;
		/* Skip late answers to earlier probes. */
		do {
			n = recv(fd, &r, sizeof(r), 0);
		} while (n == sizeof(r) && r.seq != seq);
		t1 = realtime_ns();
		if (n != sizeof(r) || r.magic != p.magic)
			continue;
		if (best_rtt < 0 || t1 - t0 < best_rtt) {
			best_rtt = t1 - t0;
			/* server - ours, to the middle of [t0, t1] */
			best_offset = r.server_ns - (t0 + (t1 - t0) / 2);
		}
		usleep(10000);
	}
	close(fd);
	if (best_rtt < 0) {
		fprintf(stderr, "sm-clock: no answer from the server\n");
		return 1;
	}
	printf("%" PRId64 " %" PRId64 "\n", best_offset, best_rtt / 2 + 1);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;
	int probes = 40;

	if (argc >= 3 && parse_address(argv[2], &sin) == 0) {
		if (!strcmp(argv[1], "serve") && argc == 3)
			return serve(&sin);
		if (!strcmp(argv[1], "offset") && argc <= 4) {
			if (argc == 4)
				probes = atoi(argv[3]);
			if (probes > 0)
				return offset(&sin, probes);
		}
	}
	fprintf(stderr, "usage: sm-clock serve ADDR:PORT\n"
		"       sm-clock offset ADDR:PORT [PROBES]\n");
	return 2;
}
