// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-wirepeer - a scripted, misbehaving peer for the VM scenarios.
 *
 *   sm-wirepeer HOST:PORT --uuid UUID --sectors N --node-id N
 *               [--version MIN:MAX] [--role primary|secondary]
 *               [--generation HEX]
 *               [--bad magic|header-csum|payload-csum|write]
 *               [--drain BYTES_PER_SECOND]
 *
 * Connects to a node whose kernel listens for a peer (smctl connect
 * --listen), sends a hello (or a damaged one), and prints what the kernel
 * answered: "HELLO <min>-<max>" and/or "ERROR <code>", one line per
 * message, until the kernel closes the connection.  With --bad write it
 * sends a valid hello, then a WRITE of a sector beyond the volume's end.
 * With --drain it plays a secondary behind a slow network, forever: a
 * small receive buffer, read a few bytes at a time, BYTES_PER_SECOND in
 * all; every request is acknowledged once all of it arrived, pings are
 * answered and its own PING goes out every half second, so the link never
 * looks idle.  It prints "ACKED <n>" and "CLOSED" when the kernel closes
 * the connection.  Independent of the module's own encoder on purpose: it
 * builds the bytes by hand from Documentation/syncmirror-protocol.rst.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "../../tools/lib/crc32c.h"

static void put16(uint8_t *p, uint16_t v) { v = htobe16(v); memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { v = htobe32(v); memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { v = htobe64(v); memcpy(p, &v, 8); }
static uint16_t get16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return be16toh(v); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return be32toh(v); }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return be64toh(v); }

static uint32_t crc(const void *p, size_t n)
{
	return ~crc32c_update(~0U, p, n);
}

static void header(uint8_t *h, uint16_t type, uint64_t seq, uint64_t sector,
		   uint32_t size, const void *payload, uint32_t len)
{
	memset(h, 0, 48);
	put32(h, 0x534d5031);
	put16(h + 4, type);
	put64(h + 8, seq);
	put64(h + 16, sector);
	put32(h + 24, size);
	put32(h + 32, len);
	put32(h + 36, len ? crc(payload, len) : 0);
	put32(h + 44, crc(h, 48));
}

static int parse_uuid(const char *text, uint8_t *out)
{
	int i, n = 0;

	for (i = 0; text[i] && n < 32; i++) {
		unsigned int v;

		if (text[i] == '-')
			continue;
		if (sscanf(text + i, "%1x", &v) != 1)
			return -1;
		out[n / 2] = (out[n / 2] << 4) | v;
		n++;
	}
	return n == 32 ? 0 : -1;
}

/* Receive buffer of a --drain peer: the sender's window stays small. */
#define DRAIN_RCVBUF	4096
/* Bytes per read of a --drain peer. */
#define DRAIN_READ	64

static int dial(const char *endpoint, int rcvbuf)
{
	char host[256];
	const char *colon = strrchr(endpoint, ':');
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai;
	struct timeval tv = { .tv_sec = 15 };
	int fd, tries;

	if (!colon || (size_t)(colon - endpoint) >= sizeof(host))
		return -1;
	memcpy(host, endpoint, colon - endpoint);
	host[colon - endpoint] = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &ai))
		return -1;
	for (tries = 0; tries < 30; tries++) {
		fd = socket(ai->ai_family, SOCK_STREAM, 0);
		/* Before connect: the window scale is chosen from it. */
		if (fd >= 0 && rcvbuf)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf,
				   sizeof(rcvbuf));
		if (fd >= 0 && !connect(fd, ai->ai_addr, ai->ai_addrlen))
			break;
		close(fd);
		fd = -1;
		sleep(1);
	}
	freeaddrinfo(ai);
	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int read_all(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t r = read(fd, (char *)buf + done, len - done);

		if (r <= 0)
			return -1;
		done += r;
	}
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_plain(int fd, uint16_t type, uint64_t seq)
{
	uint8_t h[48];

	header(h, type, seq, 0, 0, NULL, 0);
	return write(fd, h, sizeof(h)) == sizeof(h) ? 0 : -1;
}

/*
 * --drain: read at most @rate bytes a second, DRAIN_READ at a time, and
 * answer what arrived in full.  Returns when the kernel closes the link.
 */
static int drain(int fd, unsigned long rate)
{
	unsigned long budget = 0, acked = 0;
	uint64_t next_tick = now_ms(), next_ping = now_ms(), ping_seq = 0;
	uint8_t h[48];
	size_t have = 0;	/* bytes of the current header, then payload */
	uint32_t payload = 0;
	int in_payload = 0;

	for (;;) {
		uint8_t buf[DRAIN_READ];
		size_t want;
		ssize_t r;

		if (now_ms() >= next_ping) {
			if (send_plain(fd, 7, ++ping_seq))
				break;
			next_ping += 500;
		}
		if (now_ms() >= next_tick) {
			budget = rate / 10;
			next_tick += 100;
		}
		if (!budget) {
			poll(NULL, 0, 10);
			continue;
		}
		if (in_payload)
			want = payload - have;
		else
			want = sizeof(h) - have;
		if (want > sizeof(buf))
			want = sizeof(buf);
		if (want > budget)
			want = budget;
		if (want) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			if (poll(&p, 1, 10) <= 0)
				continue;
			r = read(fd, in_payload ? buf : h + have, want);
			if (r <= 0)
				break;
			budget -= r;
			have += r;
		}
		if (!in_payload && have == sizeof(h)) {
			payload = get32(h + 32);
			have = 0;
			in_payload = 1;
		}
		if (!in_payload || have < payload)
			continue;
		/* A whole message: answer it. */
		switch (get16(h + 4)) {
		case 2: case 3: case 4: case 5: case 14:
			header(h, 6, get64(h + 8), 0, 0, NULL, 0);
			if (write(fd, h, sizeof(h)) != sizeof(h))
				goto out;
			acked++;
			break;
		case 7:
			if (send_plain(fd, 8, get64(h + 8)))
				goto out;
			break;
		}
		have = 0;
		in_payload = 0;
	}
out:
	printf("ACKED %lu\nCLOSED\n", acked);
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t uuid[16] = { 0 }, hello[80], h[48], payload[4096];
	unsigned long long generation, given = 0;
	unsigned int vmin = 2, vmax = 2, node_id = 1, role = 1;
	unsigned long long sectors = 0;
	unsigned long drain_rate = 0;
	const char *endpoint = NULL, *bad = "";
	int fd, i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--uuid") && i + 1 < argc) {
			if (parse_uuid(argv[++i], uuid))
				return 2;
		} else if (!strcmp(argv[i], "--sectors") && i + 1 < argc) {
			sectors = strtoull(argv[++i], NULL, 0);
		} else if (!strcmp(argv[i], "--node-id") && i + 1 < argc) {
			node_id = atoi(argv[++i]);
		} else if (!strcmp(argv[i], "--version") && i + 1 < argc) {
			if (sscanf(argv[++i], "%u:%u", &vmin, &vmax) != 2)
				return 2;
		} else if (!strcmp(argv[i], "--role") && i + 1 < argc) {
			role = strcmp(argv[++i], "primary") ? 1 : 2;
		} else if (!strcmp(argv[i], "--generation") && i + 1 < argc) {
			given = strtoull(argv[++i], NULL, 16);
		} else if (!strcmp(argv[i], "--bad") && i + 1 < argc) {
			bad = argv[++i];
		} else if (!strcmp(argv[i], "--drain") && i + 1 < argc) {
			drain_rate = strtoul(argv[++i], NULL, 0);
		} else if (argv[i][0] != '-' && !endpoint) {
			endpoint = argv[i];
		} else {
			fprintf(stderr, "usage: sm-wirepeer HOST:PORT --uuid U --sectors N --node-id N [--version MIN:MAX] [--role R] [--generation HEX] [--bad magic|header-csum|payload-csum|write] [--drain BYTES_PER_SECOND]\n");
			return 2;
		}
	}
	if (!endpoint || !sectors)
		return 2;
	fd = dial(endpoint, drain_rate ? DRAIN_RCVBUF : 0);
	if (fd < 0) {
		fprintf(stderr, "sm-wirepeer: cannot connect to %s\n", endpoint);
		return 1;
	}

	memset(hello, 0, sizeof(hello));
	put16(hello, vmin);
	put16(hello + 2, vmax);
	memcpy(hello + 8, uuid, 16);
	put64(hello + 24, sectors);
	put32(hello + 32, node_id);
	put32(hello + 36, 1 << 20);
	put32(hello + 40, role);
	/*
	 * Version 2: the data generation smctl create-md --clean gives a
	 * volume (its UUID's first 8 bytes, little-endian, | 1), no bitmap,
	 * 64 KiB regions: a peer the kernel finds in sync.  --generation
	 * names another (the node's after a promotion without its peer).
	 */
	generation = 1;
	for (i = 0; i < 8; i++)
		generation |= (unsigned long long)uuid[i] << (8 * i);
	if (given)
		generation = given;
	put64(hello + 48, generation);
	put32(hello + 72, 7);
	header(h, 1, 0, 0, 0, hello, sizeof(hello));
	if (!strcmp(bad, "magic"))
		h[0] = 'X';
	else if (!strcmp(bad, "header-csum"))
		h[20] ^= 0x40;
	else if (!strcmp(bad, "payload-csum"))
		hello[30] ^= 1;
	if (write(fd, h, 48) != 48 ||
	    write(fd, hello, sizeof(hello)) != sizeof(hello))
		return 1;
	if (!strcmp(bad, "write")) {
		memset(payload, 0xab, sizeof(payload));
		header(h, 2, 1, sectors, sizeof(payload), payload,
		       sizeof(payload));
		if (write(fd, h, 48) != 48 ||
		    write(fd, payload, sizeof(payload)) != sizeof(payload))
			return 1;
	}

	if (drain_rate) {
		/* A write after the kernel closed fails, and says CLOSED. */
		signal(SIGPIPE, SIG_IGN);
		/* Its hello first, as it comes, then slowly. */
		if (read_all(fd, h, 48) || get32(h + 32) > sizeof(payload) ||
		    read_all(fd, payload, get32(h + 32)))
			return 1;
		if (get16(h + 4) == 1)
			printf("HELLO %u-%u\n", get16(payload), get16(payload + 2));
		fflush(stdout);
		return drain(fd, drain_rate);
	}

	/* Print what comes back until the kernel closes the connection. */
	while (!read_all(fd, h, 48)) {
		uint16_t type = get16(h + 4);
		uint32_t len = get32(h + 32);

		if (len > sizeof(payload) || read_all(fd, payload, len))
			break;
		if (type == 1 && len >= 4)
			printf("HELLO %u-%u\n", get16(payload), get16(payload + 2));
		else if (type == 10)
			printf("ERROR %u\n", get32(h + 28));
		else
			printf("TYPE %u\n", type);
		fflush(stdout);
	}
	close(fd);
	return 0;
}
