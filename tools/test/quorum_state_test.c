// SPDX-License-Identifier: GPL-2.0-only
/*
 * quorum_state_test - quorum state files (tools/lib/quorum-state.c), run
 * by tests/tools/quorum_state_test.sh in a temporary directory:
 *
 *  - the 40 bytes, field by field, and a round trip;
 *  - every kind of damage refused (size, magic, version, checksum,
 *    reserved and padding words, primary, primary without a term), so
 *    the voter does not vote;
 *  - a missing file is a new volume, a left-over temporary file is
 *    ignored;
 *  - the replacement is a rename: a reader holding the old file keeps the
 *    old state, no temporary file stays behind;
 *  - a writer killed with SIGKILL at random moments never leaves a file
 *    that does not load (the old state or the new one, nothing else);
 *  - a state directory that cannot hold the file is an error, not a
 *    silent success.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/quorum-state.h"
#include "check.h"

static const uint8_t uuid[16] = { 0x2f, 0x0c, 0x6a, 0x1e, 0x8d, 0x3b, 0x4c,
				  0x55, 0x9a, 0x61, 0x0b, 0x7e, 0x4d, 0x2c,
				  0x9f, 0x10 };
#define UUID_TEXT "2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10"

static char dir[64];
static char path[128];

static uint32_t le32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

/* Standard CRC-32C bit by bit: not the library's table. */
static uint32_t crc32c_bitwise(const uint8_t *p, size_t len)
{
	uint32_t crc = ~0U;
	int bit;

	while (len--) {
		crc ^= *p++;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ (crc & 1 ? 0x82f63b78 : 0);
	}
	return ~crc;
}

static void write_file(const char *file, const void *buf, size_t len)
{
	int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	if (fd < 0 || write(fd, buf, len) != (ssize_t)len || close(fd)) {
		perror(file);
		exit(2);
	}
}

static size_t read_file(const char *file, void *buf, size_t size)
{
	int fd = open(file, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = read(fd, buf, size);
	close(fd);
	return n < 0 ? 0 : n;
}

static void test_format(void)
{
	struct sm_qstate s = { .term = 0x0102030405060708ULL, .primary = 3,
			       .primary_gen = 0x1112131415161718ULL }, back;
	uint8_t buf[SM_QSTATE_SIZE], copy[SM_QSTATE_SIZE];
	uint32_t crc;

	sm_qstate_encode(&s, buf);
	check(!memcmp(buf, "SMQ1", 4), "magic bytes \"SMQ1\" at 0");
	check_u64(le32_at(buf + 4), 1, "version 1 at 4, little-endian");
	check_u64(le64_at(buf + 8), s.term, "term at 8");
	check_u64(le32_at(buf + 16), 3, "primary at 16");
	check_u64(le32_at(buf + 20), 0, "reserved at 20");
	check_u64(le64_at(buf + 24), s.primary_gen, "primary_gen at 24");
	check_u64(le32_at(buf + 36), 0, "padding at 36");
	memcpy(copy, buf, sizeof(copy));
	memset(copy + 32, 0, 4);
	crc = crc32c_bitwise(copy, sizeof(copy));
	check_u64(le32_at(buf + 32), crc,
		  "crc32c at 32 covers the 40 bytes with itself zeroed");
	check(sm_qstate_decode(buf, sizeof(buf), &back) == NULL &&
	      back.term == s.term && back.primary == 3 &&
	      back.primary_gen == s.primary_gen, "decodes to what was encoded");
}

static void damaged(const char *what, void (*mutate)(uint8_t *), size_t len,
		    const char *want)
{
	struct sm_qstate s = { .term = 7, .primary = 1, .primary_gen = 0x99 };
	uint8_t buf[SM_QSTATE_SIZE + 8] = { 0 };
	char why[4200];
	enum sm_qstate_result r;

	sm_qstate_encode(&s, buf);
	if (mutate)
		mutate(buf);
	write_file(path, buf, len);
	r = sm_qstate_load(dir, uuid, &s, why, sizeof(why));
	check(r == SM_QSTATE_DAMAGED && strstr(why, want) &&
	      strstr(why, UUID_TEXT) && s.term == 0 &&
	      s.primary == SM_QSTATE_NO_PRIMARY,
	      "%s: refused (\"%s\"), empty state", what, why);
}

static void flip_magic(uint8_t *b) { b[0] = 'X'; }
static void set_version_2(uint8_t *b) { b[4] = 2; }
static void flip_term(uint8_t *b) { b[9] ^= 1; }
static void flip_csum(uint8_t *b) { b[33] ^= 0x80; }

/* Set a field and fix the checksum: only the field is wrong. */
static void reseal(uint8_t *b)
{
	uint8_t copy[SM_QSTATE_SIZE];
	uint32_t crc;

	memcpy(copy, b, sizeof(copy));
	memset(copy + 32, 0, 4);
	crc = htole32(crc32c_bitwise(copy, sizeof(copy)));
	memcpy(b + 32, &crc, 4);
}

static void set_reserved(uint8_t *b) { b[20] = 1; reseal(b); }
static void set_padding(uint8_t *b) { b[39] = 1; reseal(b); }
static void set_primary_32(uint8_t *b) { b[16] = 32; reseal(b); }
static void set_term_0(uint8_t *b) { memset(b + 8, 0, 8); reseal(b); }

static void test_damage(void)
{
	struct sm_qstate s;
	char why[4200];
	uint8_t zero[SM_QSTATE_SIZE] = { 0 };

	damaged("truncated to 39 bytes", NULL, 39, "wrong size");
	damaged("41 bytes", NULL, 41, "wrong size");
	damaged("empty file", NULL, 0, "wrong size");
	damaged("bad magic", flip_magic, 40, "bad magic");
	damaged("version 2", set_version_2, 40, "unknown version");
	damaged("a bit of the term flipped", flip_term, 40, "checksum mismatch");
	damaged("a bit of the checksum flipped", flip_csum, 40,
		"checksum mismatch");
	damaged("reserved word set (checksum right)", set_reserved, 40,
		"reserved field not zero");
	damaged("padding set (checksum right)", set_padding, 40,
		"reserved field not zero");
	damaged("primary 32 (checksum right)", set_primary_32, 40,
		"primary is not a member id");
	damaged("a primary in term 0 (checksum right)", set_term_0, 40,
		"a primary without a term");
	write_file(path, zero, sizeof(zero));
	check(sm_qstate_load(dir, uuid, &s, why, sizeof(why)) ==
	      SM_QSTATE_DAMAGED, "40 zero bytes (a file never written through): refused");

	unlink(path);
	check(sm_qstate_load(dir, uuid, &s, why, sizeof(why)) == SM_QSTATE_NEW &&
	      s.term == 0 && s.primary == SM_QSTATE_NO_PRIMARY &&
	      s.primary_gen == 0, "no file: a new volume, nothing recorded");
	mkdir(path, 0700);
	check(sm_qstate_load(dir, uuid, &s, why, sizeof(why)) ==
	      SM_QSTATE_ERROR, "a directory where the file should be: cannot vote (\"%s\")",
	      why);
	rmdir(path);
}

static void test_replace(void)
{
	struct sm_qstate one = { .term = 1, .primary = 0, .primary_gen = 0xa },
			 two = { .term = 2, .primary = 1, .primary_gen = 0xb },
			 got;
	char why[4200], tmp[160];
	uint8_t buf[64];
	struct stat st;
	int old_fd;

	check(sm_qstate_store(dir, uuid, &one, why, sizeof(why)) == 0,
	      "store into a state directory without quorum/ (created)");
	snprintf(tmp, sizeof(tmp), "%s/quorum", dir);
	check(!stat(tmp, &st) && S_ISDIR(st.st_mode) &&
	      (st.st_mode & 0777) == 0700, "quorum/ is created with mode 0700");
	check(sm_qstate_load(dir, uuid, &got, why, sizeof(why)) ==
	      SM_QSTATE_LOADED && got.term == 1 && got.primary == 0 &&
	      got.primary_gen == 0xa, "reads back what was stored");
	check(!stat(path, &st) && (st.st_mode & 0777) == 0600,
	      "the state file is mode 0600");

	old_fd = open(path, O_RDONLY);
	check(sm_qstate_store(dir, uuid, &two, why, sizeof(why)) == 0,
	      "replace term 1 by term 2");
	check(read_file(path, buf, sizeof(buf)) == 40 &&
	      le64_at(buf + 8) == 2, "the file now says term 2");
	check(old_fd >= 0 && pread(old_fd, buf, sizeof(buf), 0) == 40 &&
	      le64_at(buf + 8) == 1,
	      "a reader of the old file still sees term 1: replaced by rename, not rewritten in place");
	close(old_fd);
	snprintf(tmp, sizeof(tmp), "%s%s", path, SM_QSTATE_TMP_SUFFIX);
	check(access(tmp, F_OK) && errno == ENOENT,
	      "no temporary file left behind");

	/* A crash between writing the temporary file and the rename. */
	write_file(tmp, "garbage", 7);
	check(sm_qstate_load(dir, uuid, &got, why, sizeof(why)) ==
	      SM_QSTATE_LOADED && got.term == 2,
	      "a left-over temporary file is ignored by the reader");
	check(sm_qstate_store(dir, uuid, &one, why, sizeof(why)) == 0 &&
	      access(tmp, F_OK),
	      "and replaced by the next store");
}

/* A writer killed at random moments: the file always loads. */
static void test_kill(void)
{
	int rounds = 200, bad = 0, round, status;
	long long last_term = 0;
	struct sm_qstate s;
	char why[4200];
	pid_t child;

	srand(time(NULL));
	/* A writer killed before its first rename leaves the one before. */
	s = (struct sm_qstate){ .term = 1, .primary = 1, .primary_gen = 3 };
	if (sm_qstate_store(dir, uuid, &s, why, sizeof(why)))
		exit(2);
	for (round = 0; round < rounds; round++) {
		child = fork();
		if (child < 0)
			exit(2);
		if (!child) {
			struct sm_qstate w = { .primary = 1 };

			/* Rounds apart: a fast writer stores thousands. */
			for (w.term = (uint64_t)(round + 1) << 32;; w.term++) {
				w.primary_gen = w.term * 3;
				sm_qstate_store(dir, uuid, &w, why,
						sizeof(why));
			}
		}
		usleep(rand() % 3000);
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
		if (sm_qstate_load(dir, uuid, &s, why, sizeof(why)) !=
		    SM_QSTATE_LOADED || s.primary_gen != s.term * 3 ||
		    (long long)s.term < last_term) {
			bad++;
			printf("    round %d: %s (term %" PRIu64 ")\n", round,
			       why, s.term);
		}
		last_term = s.term;
	}
	check(!bad, "%d writers killed with SIGKILL mid-write: every time a sound state, never older (%d bad)",
	      rounds, bad);
}

static void test_unwritable(void)
{
	struct sm_qstate s = { .term = 1, .primary = 0, .primary_gen = 1 };
	char why[4200], file_dir[96], sub[128];
	int r;

	snprintf(file_dir, sizeof(file_dir), "%s/not-a-dir", dir);
	write_file(file_dir, "x", 1);
	r = sm_qstate_store(file_dir, uuid, &s, why, sizeof(why));
	check(r == -ENOTDIR && strstr(why, "not-a-dir"),
	      "a state directory that is a file: -ENOTDIR (\"%s\")", why);
	snprintf(file_dir, sizeof(file_dir), "%s/other", dir);
	mkdir(file_dir, 0700);
	snprintf(sub, sizeof(sub), "%s/quorum", file_dir);
	write_file(sub, "x", 1);
	r = sm_qstate_store(file_dir, uuid, &s, why, sizeof(why));
	check(r < 0, "quorum/ is a file: the store fails (%d: \"%s\")", r,
	      why);
}

int main(void)
{
	char cmd[128];

	snprintf(dir, sizeof(dir), "/tmp/quorum_state_test.XXXXXX");
	if (!mkdtemp(dir))
		return 2;
	snprintf(path, sizeof(path), "%s/quorum/%s", dir, UUID_TEXT);
	test_format();
	test_replace();
	test_damage();
	test_kill();
	test_unwritable();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd))
		fprintf(stderr, "quorum_state_test: could not remove %s\n", dir);
	return check_summary();
}
