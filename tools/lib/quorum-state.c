// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Quorum state files: a voter's term, primary and primary generation per
 * volume.  A voter that forgot a term could grant it twice, so the file
 * is replaced atomically (temporary file, fsync, rename, fsync of the
 * directory) and any file that is not exactly a sound one is refused:
 * the voter then votes for nothing on that volume until the operator
 * removes it, which costs availability and never safety.
 * Tested by tests/tools/quorum_state_test.sh.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "crc32c.h"
#include "quorum-state.h"
#include "superblock.h"

#define OFF_MAGIC	0
#define OFF_VERSION	4
#define OFF_TERM	8
#define OFF_PRIMARY	16
#define OFF_RESERVED	20
#define OFF_PRIMARY_GEN	24
#define OFF_CSUM	32
#define OFF_PADDING	36

static void put32(uint8_t *p, uint32_t v)
{
	v = htole32(v);
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htole64(v);
	memcpy(p, &v, 8);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return le32toh(v);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return le64toh(v);
}

static uint32_t state_csum(const uint8_t *buf)
{
	uint8_t copy[SM_QSTATE_SIZE];

	memcpy(copy, buf, SM_QSTATE_SIZE);
	memset(copy + OFF_CSUM, 0, 4);
	return ~crc32c_update(~0U, copy, SM_QSTATE_SIZE);
}

void sm_qstate_init(struct sm_qstate *state)
{
	state->term = 0;
	state->primary = SM_QSTATE_NO_PRIMARY;
	state->primary_gen = 0;
}

void sm_qstate_encode(const struct sm_qstate *state,
		      uint8_t out[SM_QSTATE_SIZE])
{
	memset(out, 0, SM_QSTATE_SIZE);
	memcpy(out + OFF_MAGIC, SM_QSTATE_MAGIC, 4);
	put32(out + OFF_VERSION, SM_QSTATE_VERSION);
	put64(out + OFF_TERM, state->term);
	put32(out + OFF_PRIMARY, state->primary);
	put64(out + OFF_PRIMARY_GEN, state->primary_gen);
	put32(out + OFF_CSUM, state_csum(out));
}

const char *sm_qstate_decode(const void *buf, size_t len,
			     struct sm_qstate *state)
{
	const uint8_t *p = buf;
	uint32_t primary;

	sm_qstate_init(state);
	if (len != SM_QSTATE_SIZE)
		return "wrong size";
	if (memcmp(p + OFF_MAGIC, SM_QSTATE_MAGIC, 4))
		return "bad magic";
	if (get32(p + OFF_VERSION) != SM_QSTATE_VERSION)
		return "unknown version";
	if (get32(p + OFF_CSUM) != state_csum(p))
		return "checksum mismatch";
	if (get32(p + OFF_RESERVED) || get32(p + OFF_PADDING))
		return "reserved field not zero";
	primary = get32(p + OFF_PRIMARY);
	if (primary != SM_QSTATE_NO_PRIMARY && primary > 31)
		return "primary is not a member id";
	/* A recorded primary always comes with its term, never with term 0. */
	if (!get64(p + OFF_TERM) && primary != SM_QSTATE_NO_PRIMARY)
		return "a primary without a term";
	state->term = get64(p + OFF_TERM);
	state->primary = primary;
	state->primary_gen = get64(p + OFF_PRIMARY_GEN);
	return NULL;
}

int sm_qstate_path(const char *state_dir, const uint8_t uuid[16], char *out,
		   size_t size)
{
	char text[37];

	sm_uuid_format(uuid, text);
	return (size_t)snprintf(out, size, "%s/%s/%s", state_dir,
				SM_QSTATE_SUBDIR, text) < size ? 0 : -1;
}

enum sm_qstate_result sm_qstate_load(const char *state_dir,
				     const uint8_t uuid[16],
				     struct sm_qstate *state, char *why,
				     size_t why_size)
{
	uint8_t buf[SM_QSTATE_SIZE + 1];
	char path[4096];
	const char *problem;
	ssize_t n;
	int fd;

	sm_qstate_init(state);
	if (sm_qstate_path(state_dir, uuid, path, sizeof(path))) {
		snprintf(why, why_size, "%s: path too long", state_dir);
		return SM_QSTATE_ERROR;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENOENT)
		return SM_QSTATE_NEW;
	if (fd < 0) {
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		return SM_QSTATE_ERROR;
	}
	/* One byte more than a state file: a longer file is damaged too. */
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		snprintf(why, why_size, "%s: %s", path, strerror(errno));
		close(fd);
		return SM_QSTATE_ERROR;
	}
	close(fd);
	problem = sm_qstate_decode(buf, n, state);
	if (problem) {
		snprintf(why, why_size, "%s: %s", path, problem);
		return SM_QSTATE_DAMAGED;
	}
	return SM_QSTATE_LOADED;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

	if (fd < 0)
		return -errno;
	if (fsync(fd))
		r = -errno;
	close(fd);
	return r;
}

/* Create @dir if it is missing, and make its entry in @parent durable. */
static int make_one_dir(const char *dir, const char *parent, mode_t mode,
			char *why, size_t why_size)
{
	int r;

	if (!mkdir(dir, mode)) {
		r = fsync_dir(parent);
		if (r)
			snprintf(why, why_size, "%s: fsync: %s", parent,
				 strerror(-r));
		return r;
	}
	if (errno == EEXIST)
		return 0;
	r = -errno;
	snprintf(why, why_size, "cannot create %s: %s", dir, strerror(errno));
	return r;
}

/* <state_dir>/quorum, and the state directory, created when missing. */
static int make_dir(const char *state_dir, char *dir, size_t size, char *why,
		    size_t why_size)
{
	char parent[4096];
	const char *slash = strrchr(state_dir, '/');
	int r;

	if ((size_t)snprintf(dir, size, "%s/%s", state_dir,
			     SM_QSTATE_SUBDIR) >= size) {
		snprintf(why, why_size, "%s: path too long", state_dir);
		return -ENAMETOOLONG;
	}
	/* The state directory's parent must exist: no mkdir -p of /var. */
	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == state_dir)
		snprintf(parent, sizeof(parent), "/");
	else
		snprintf(parent, sizeof(parent), "%.*s",
			 (int)(slash - state_dir), state_dir);
	r = make_one_dir(state_dir, parent, 0755, why, why_size);
	return r ? r : make_one_dir(dir, state_dir, 0700, why, why_size);
}

static int write_all(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

int sm_qstate_store(const char *state_dir, const uint8_t uuid[16],
		    const struct sm_qstate *state, char *why,
		    size_t why_size)
{
	char dir[4096], path[4096], tmp[4096 + sizeof(SM_QSTATE_TMP_SUFFIX)];
	uint8_t buf[SM_QSTATE_SIZE];
	int fd, r;

	r = make_dir(state_dir, dir, sizeof(dir), why, why_size);
	if (r)
		return r;
	if (sm_qstate_path(state_dir, uuid, path, sizeof(path))) {
		snprintf(why, why_size, "%s: path too long", state_dir);
		return -ENAMETOOLONG;
	}
	snprintf(tmp, sizeof(tmp), "%s%s", path, SM_QSTATE_TMP_SUFFIX);
	sm_qstate_encode(state, buf);

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		  0600);
	if (fd < 0) {
		r = -errno;
		snprintf(why, why_size, "%s: %s", tmp, strerror(errno));
		return r;
	}
	r = write_all(fd, buf, sizeof(buf));
	if (!r && fsync(fd))
		r = -errno;
	if (close(fd) && !r)
		r = -errno;
	if (r) {
		snprintf(why, why_size, "%s: %s", tmp, strerror(-r));
		unlink(tmp);
		return r;
	}
	if (rename(tmp, path)) {
		r = -errno;
		snprintf(why, why_size, "rename %s to %s: %s", tmp, path,
			 strerror(errno));
		unlink(tmp);
		return r;
	}
	r = fsync_dir(dir);
	if (r) {
		snprintf(why, why_size, "%s: fsync: %s", dir, strerror(-r));
		return r;
	}
	return 0;
}
