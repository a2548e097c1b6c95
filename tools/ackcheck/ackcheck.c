// SPDX-License-Identifier: GPL-2.0-only
/*
 * ackcheck - prove that no acknowledged write is lost.
 *
 *   ackcheck write  --device DEV --blocks N [--first BLOCK] [--qd 32]
 *                   [--writer ID] [--ops COUNT] [--seed S]
 *   ackcheck verify --device DEV --log FILE [--writer ID]
 *
 * "write" writes blocks --first .. --first + N - 1 (two writers on one
 * device keep to their own ranges), keeping up to --qd O_DIRECT|O_DSYNC writes of 4 KiB blocks (each
 * durable when it completes: FUA, or a flush after it) in flight with
 * io_uring, never two to the same block, each block stamped with
 * {magic, block number, generation, writer id, CRC-32C}.  For every write
 * it prints "ISSUE <block> <gen>" before submitting and "ACK <block> <gen>"
 * after it completed, one write(2) per line on stdout, so whatever keeps
 * that stream (a file on another host) knows what was acknowledged even if
 * this machine loses power a moment later.
 *
 * "verify" reads the device back and fails when a block holds a bad
 * checksum although a write to it was acknowledged, a generation older
 * than the last one acknowledged for it, or one never issued for it.
 *
 * Exit status: 0 pass, 1 fail (the reasons are printed), 2 usage.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "../lib/crc32c.h"

#define STAMP_BLOCK	4096
#define STAMP_MAGIC	0x4b434b41	/* "AKCK" on disk */
#define MAX_QD		256

/* The first bytes of every block ackcheck writes; all little-endian. */
struct stamp {
	uint32_t magic;
	uint32_t crc;		/* CRC-32C of the block with this field 0 */
	uint64_t block;
	uint64_t gen;
	uint32_t writer;
	uint32_t pad;
};

static uint32_t block_crc(const uint8_t *buf)
{
	static const uint8_t zero[4];
	uint32_t crc = crc32c_update(~0U, buf, 4);

	crc = crc32c_update(crc, zero, 4);
	return ~crc32c_update(crc, buf + 8, STAMP_BLOCK - 8);
}

static void fill_block(uint8_t *buf, uint64_t block, uint64_t gen,
		       uint32_t writer)
{
	struct stamp *s = (struct stamp *)buf;
	uint64_t x = block * 0x9e3779b97f4a7c15ULL ^ gen;
	size_t i;

	/* Contents that differ per block and generation. */
	for (i = sizeof(*s); i < STAMP_BLOCK; i += 8) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(buf + i, &x, 8);
	}
	s->magic = htole32(STAMP_MAGIC);
	s->crc = 0;
	s->block = htole64(block);
	s->gen = htole64(gen);
	s->writer = htole32(writer);
	s->pad = 0;
	s->crc = htole32(block_crc(buf));
}

/* One line per write(2): the stream must not hold back an ISSUE line. */
static void emit(const char *what, uint64_t block, uint64_t gen)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%s %" PRIu64 " %" PRIu64 "\n",
			 what, block, gen);

	if (write(STDOUT_FILENO, line, n) != n) {
		perror("ackcheck: log");
		exit(1);
	}
}

static int open_device(const char *path, int flags, uint64_t *blocks)
{
	struct stat st;
	uint64_t bytes;
	int fd = open(path, flags | O_DIRECT);

	if (fd < 0) {
		fprintf(stderr, "ackcheck: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st)) {
		fprintf(stderr, "ackcheck: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	bytes = S_ISREG(st.st_mode) ? (uint64_t)st.st_size :
		(uint64_t)lseek(fd, 0, SEEK_END);
	*blocks = bytes / STAMP_BLOCK;
	return fd;
}

struct slot {
	uint8_t *buf;
	uint64_t block;
	uint64_t gen;
	int busy;
};

static int cmd_write(const char *dev, uint64_t first, uint64_t nblocks,
		     unsigned int qd, uint32_t writer, uint64_t ops,
		     uint64_t seed)
{
	struct slot slots[MAX_QD];
	struct io_uring ring;
	struct io_uring_cqe *cqe;
	uint8_t *in_flight;
	uint64_t dev_blocks, gen = 0, done = 0, issued = 0;
	unsigned int i, busy = 0;
	struct timespec now;
	int fd, r;

	/* O_DSYNC: a completed write is on stable storage, not in a cache. */
	fd = open_device(dev, O_WRONLY | O_DSYNC, &dev_blocks);
	if (fd < 0)
		return 1;
	if (!nblocks || first > dev_blocks || nblocks > dev_blocks - first) {
		fprintf(stderr, "ackcheck: %s: --first %" PRIu64 " --blocks %" PRIu64 " but the device holds %" PRIu64 " blocks of 4 KiB\n",
			dev, first, nblocks, dev_blocks);
		return 1;
	}
	r = io_uring_queue_init(qd, &ring, 0);
	if (r) {
		fprintf(stderr, "ackcheck: io_uring: %s\n", strerror(-r));
		return 1;
	}
	in_flight = calloc(nblocks, 1);
	if (!in_flight)
		return 1;
	for (i = 0; i < qd; i++) {
		if (posix_memalign((void **)&slots[i].buf, STAMP_BLOCK, STAMP_BLOCK))
			return 1;
		slots[i].busy = 0;
	}
	/*
	 * Generations start from the wall clock in nanoseconds, so a later run
	 * (even one second later, even after a reboot) only uses larger ones.
	 */
	clock_gettime(CLOCK_REALTIME, &now);
	gen = (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec;
	srandom(seed);

	while (done < ops || busy) {
		struct io_uring_sqe *sqe;

		for (i = 0; i < qd && issued < ops; i++) {
			struct slot *s = &slots[i];
			uint64_t block;

			if (s->busy)
				continue;
			do {
				block = (((uint64_t)random() << 31) ^ random()) % nblocks;
			} while (in_flight[block]);
			s->block = first + block;
			s->gen = ++gen;
			s->busy = 1;
			in_flight[block] = 1;	/* relative to --first */
			fill_block(s->buf, s->block, s->gen, writer);
			emit("ISSUE", s->block, s->gen);
			sqe = io_uring_get_sqe(&ring);
			io_uring_prep_write(sqe, fd, s->buf, STAMP_BLOCK,
					    s->block * STAMP_BLOCK);
			io_uring_sqe_set_data(sqe, s);
			busy++;
			issued++;
		}
		io_uring_submit(&ring);
		r = io_uring_wait_cqe(&ring, &cqe);
		if (r) {
			fprintf(stderr, "ackcheck: io_uring wait: %s\n", strerror(-r));
			return 1;
		}
		do {
			struct slot *s = io_uring_cqe_get_data(cqe);

			if (cqe->res != STAMP_BLOCK) {
				fprintf(stderr, "ackcheck: write of block %" PRIu64 " gen %" PRIu64 " failed: %s\n",
					s->block, s->gen,
					cqe->res < 0 ? strerror(-cqe->res) : "short write");
				return 1;
			}
			emit("ACK", s->block, s->gen);
			in_flight[s->block - first] = 0;
			s->busy = 0;
			busy--;
			done++;
			io_uring_cqe_seen(&ring, cqe);
		} while (io_uring_peek_cqe(&ring, &cqe) == 0);
	}
	io_uring_queue_exit(&ring);
	close(fd);
	return 0;
}

struct block_log {
	uint64_t last_ack;	/* 0: none */
	uint64_t *issued;	/* generations issued, in order */
	size_t n_issued;
};

static int was_issued(const struct block_log *b, uint64_t gen)
{
	size_t i;

	for (i = 0; i < b->n_issued; i++)
		if (b->issued[i] == gen)
			return 1;
	return 0;
}

static int cmd_verify(const char *dev, const char *log_path, uint32_t writer)
{
	struct block_log *log;
	uint64_t dev_blocks, block, gen, checked = 0, acked = 0;
	unsigned int failures = 0;
	char what[16], line[128];
	uint8_t *buf;
	FILE *f;
	int fd;

	fd = open_device(dev, O_RDONLY, &dev_blocks);
	if (fd < 0)
		return 1;
	f = fopen(log_path, "r");
	if (!f) {
		fprintf(stderr, "ackcheck: %s: %s\n", log_path, strerror(errno));
		return 1;
	}
	log = calloc(dev_blocks, sizeof(*log));
	if (!log || posix_memalign((void **)&buf, STAMP_BLOCK, STAMP_BLOCK))
		return 1;

	/*
	 * One entry per complete line; a torn last line (the writer died in
	 * the middle of writing it) has no newline and is not an entry.
	 */
	while (fgets(line, sizeof(line), f)) {
		struct block_log *b;

		if (!strchr(line, '\n')) {
			if (!feof(f)) {
				fprintf(stderr, "ackcheck: %s: line too long: \"%.40s...\"\n",
					log_path, line);
				return 1;
			}
			break;
		}
		if (sscanf(line, "%15s %" SCNu64 " %" SCNu64, what, &block,
			   &gen) != 3) {
			fprintf(stderr, "ackcheck: %s: cannot parse \"%.40s\"\n",
				log_path, line);
			return 1;
		}

		if (block >= dev_blocks) {
			fprintf(stderr, "ackcheck: %s: block %" PRIu64 " is beyond the device\n",
				log_path, block);
			return 1;
		}
		b = &log[block];
		if (!strcmp(what, "ISSUE")) {
			uint64_t *n = realloc(b->issued,
					      (b->n_issued + 1) * sizeof(*n));
			if (!n)
				return 1;
			b->issued = n;
			b->issued[b->n_issued++] = gen;
		} else if (!strcmp(what, "ACK")) {
			if (!was_issued(b, gen)) {
				fprintf(stderr, "ackcheck: %s: ACK %" PRIu64 " %" PRIu64 " without ISSUE\n",
					log_path, block, gen);
				return 1;
			}
			if (gen > b->last_ack)
				b->last_ack = gen;
			acked++;
		}
	}
	fclose(f);

	for (block = 0; block < dev_blocks; block++) {
		const struct block_log *b = &log[block];
		const struct stamp *s = (const struct stamp *)buf;
		const char *problem = NULL;
		uint64_t found;

		if (!b->n_issued)
			continue;
		if (pread(fd, buf, STAMP_BLOCK, block * STAMP_BLOCK) != STAMP_BLOCK) {
			fprintf(stderr, "ackcheck: %s: cannot read block %" PRIu64 ": %s\n",
				dev, block, strerror(errno));
			return 1;
		}
		checked++;
		found = le64toh(s->gen);
		if (le32toh(s->magic) != STAMP_MAGIC ||
		    le32toh(s->crc) != block_crc(buf) ||
		    le64toh(s->block) != block || le32toh(s->writer) != writer) {
			if (b->last_ack)
				problem = "no valid stamp, but a write was acknowledged";
		} else if (found < b->last_ack) {
			problem = "older than its last acknowledged write";
		} else if (!was_issued(b, found)) {
			problem = "a generation never issued for it";
		}
		if (problem) {
			failures++;
			if (failures <= 20)
				printf("FAIL block %" PRIu64 ": holds gen %" PRIu64 ", last ACK %" PRIu64 ": %s\n",
				       block, found, b->last_ack, problem);
		}
	}
	printf("ackcheck: %" PRIu64 " blocks checked, %" PRIu64 " acknowledged writes, %u failures\n",
	       checked, acked, failures);
	return failures ? 1 : 0;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: ackcheck write --device DEV --blocks N [--first BLOCK] [--qd 32]\n"
		"                      [--writer ID] [--ops COUNT] [--seed S]\n"
		"       ackcheck verify --device DEV --log FILE [--writer ID]\n"
		"Exit status: 0 pass, 1 fail, 2 usage.\n");
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "blocks", required_argument, NULL, 'b' },
		{ "first", required_argument, NULL, 'f' },
		{ "qd", required_argument, NULL, 'q' },
		{ "writer", required_argument, NULL, 'w' },
		{ "ops", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "log", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	const char *dev = NULL, *log_path = NULL, *cmd;
	uint64_t blocks = 0, first = 0, ops = UINT64_MAX, seed = 0;
	unsigned long qd = 32, writer = 1;
	int opt;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
		usage(stdout);
		return 0;
	}
	optind = 2;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 'b': blocks = strtoull(optarg, NULL, 0); break;
		case 'f': first = strtoull(optarg, NULL, 0); break;
		case 'q': qd = strtoul(optarg, NULL, 0); break;
		case 'w': writer = strtoul(optarg, NULL, 0); break;
		case 'o': ops = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'l': log_path = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!dev || optind != argc || !qd || qd > MAX_QD) {
		usage(stderr);
		return 2;
	}
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = getpid();
	if (!strcmp(cmd, "write")) {
		if (!blocks) {
			usage(stderr);
			return 2;
		}
		if (blocks < qd)
			qd = blocks;
		return cmd_write(dev, first, blocks, qd, writer, ops, seed);
	}
	if (!strcmp(cmd, "verify")) {
		if (!log_path) {
			usage(stderr);
			return 2;
		}
		return cmd_verify(dev, log_path, writer);
	}
	fprintf(stderr, "ackcheck: Command \"%s\" not found, try \"ackcheck --help\".\n", cmd);
	return 2;
}
