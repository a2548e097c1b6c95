// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl create-md / dump-md: write and show a volume's superblock.
 *
 * Where the superblock lives (Documentation/syncmirror.rst): with external
 * metadata at byte 0 of the metadata device, which is all metadata area;
 * with internal metadata in the last 4096 bytes of the data device, whose
 * tail (--md-size, rounded so the data ends on a 4 KiB boundary) is the
 * metadata area.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/fs.h>
#include <linux/syncmirror.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "../lib/superblock.h"
#include "smctl.h"

#define DEFAULT_MD_SIZE (1024 * 1024)

struct md_location {
	const char *data_path;
	const char *meta_path;		/* NULL: internal */
	int fd;				/* where the superblock is */
	uint64_t dev_bytes;		/* size of that device */
	uint64_t sb_offset;
};

static int device_bytes(int fd, const char *path, uint64_t *bytes)
{
	struct stat st;

	if (fstat(fd, &st)) {
		fprintf(stderr, "smctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(st.st_mode)) {
		*bytes = st.st_size;
		return 0;
	}
	if (!S_ISBLK(st.st_mode)) {
		fprintf(stderr, "smctl: %s: not a block device\n", path);
		return -1;
	}
	if (ioctl(fd, BLKGETSIZE64, bytes)) {
		fprintf(stderr, "smctl: %s: cannot get its size: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int open_device(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "smctl: %s: %s%s\n", path, strerror(errno),
			errno == EBUSY ? " (in use, e.g. by a mapped volume)" : "");
	return fd;
}

/* Open the device holding the superblock and find the superblock on it. */
static int locate(struct md_location *loc, int flags)
{
	const char *path = loc->meta_path ? loc->meta_path : loc->data_path;

	loc->fd = open_device(path, flags);
	if (loc->fd < 0)
		return -1;
	if (device_bytes(loc->fd, path, &loc->dev_bytes))
		return -1;
	if (loc->dev_bytes < 2 * SYNCMIRROR_SB_SIZE) {
		fprintf(stderr, "smctl: %s: too small for syncmirror metadata (%" PRIu64 " bytes)\n",
			path, loc->dev_bytes);
		return -1;
	}
	loc->sb_offset = loc->meta_path ? 0 :
		(loc->dev_bytes & ~(uint64_t)511) - SYNCMIRROR_SB_SIZE;
	return 0;
}

static int read_block(const struct md_location *loc, void *block)
{
	const char *path = loc->meta_path ? loc->meta_path : loc->data_path;
	ssize_t n = pread(loc->fd, block, SYNCMIRROR_SB_SIZE, loc->sb_offset);

	if (n != SYNCMIRROR_SB_SIZE) {
		fprintf(stderr, "smctl: %s: cannot read the superblock: %s\n",
			path, n < 0 ? strerror(errno) : "short read");
		return -1;
	}
	return 0;
}

/* Open @loc (located already: paths set) and decode its superblock. */
static int read_superblock(struct md_location *loc, struct sm_superblock *sb)
{
	const char *problem;
	void *block = NULL;
	int ret = -1;

	if (locate(loc, O_RDONLY))
		return -1;
	if (posix_memalign(&block, 4096, SYNCMIRROR_SB_SIZE)) {
		fprintf(stderr, "smctl: out of memory\n");
		return -1;
	}
	if (read_block(loc, block))
		goto out;
	problem = sm_sb_decode(block, sb);
	if (problem) {
		fprintf(stderr, "smctl: %s: no valid syncmirror superblock: %s\n",
			loc->meta_path ? loc->meta_path : loc->data_path,
			problem);
		goto out;
	}
	ret = 0;
out:
	free(block);
	return ret;
}

int smctl_read_superblock(const char *data, const char *meta,
			  struct sm_superblock *sb)
{
	struct md_location loc = { .data_path = data, .meta_path = meta,
				   .fd = -1 };
	int ret = read_superblock(&loc, sb);

	if (loc.fd >= 0)
		close(loc.fd);
	return ret;
}

static void print_table_line(const struct sm_superblock *sb,
			     const struct md_location *loc)
{
	printf("table: 0 %" PRIu64 " %s %s %s\n", sb->data_sectors,
	       SYNCMIRROR_TARGET_NAME,
	       loc->meta_path ? loc->meta_path : SYNCMIRROR_META_INTERNAL,
	       loc->data_path);
}

static void create_md_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl create-md --data DEV [--meta DEV|internal] --node-id N\n"
		"                       [--uuid UUID] [--md-size BYTES] [--force]\n\n"
		"Writes a new, empty syncmirror superblock (format version 1).\n"
		"  --data DEV      the data device of the volume\n"
		"  --meta DEV      external metadata device (default: internal,\n"
		"                  at the end of the data device)\n"
		"  --node-id N     this node's id in the volume, 0..%d\n"
		"  --uuid UUID     volume UUID; give every node of the volume the\n"
		"                  same one (default: a new random UUID)\n"
		"  --md-size BYTES internal metadata area (default %d)\n"
		"  --force         overwrite an existing syncmirror superblock\n",
		SYNCMIRROR_MAX_NODE_ID, DEFAULT_MD_SIZE);
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return (errno || end == text || *end || text[0] == '-') ? -1 : 0;
}

int cmd_create_md(int argc, char **argv)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "meta", required_argument, NULL, 'm' },
		{ "node-id", required_argument, NULL, 'n' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "md-size", required_argument, NULL, 's' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct md_location loc = { .fd = -1 };
	struct sm_superblock sb = { 0 }, old;
	uint64_t node_id = UINT64_MAX, md_reserve = DEFAULT_MD_SIZE, data_bytes;
	const char *uuid_text = NULL;
	bool force = false;
	char uuid[37];
	void *block = NULL;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'd': loc.data_path = optarg; break;
		case 'm':
			loc.meta_path = strcmp(optarg, SYNCMIRROR_META_INTERNAL) ?
					optarg : NULL;
			break;
		case 'n':
			if (parse_u64(optarg, &node_id) ||
			    node_id > SYNCMIRROR_MAX_NODE_ID) {
				fprintf(stderr, "smctl: create-md: node id \"%s\" is not in 0..%d\n",
					optarg, SYNCMIRROR_MAX_NODE_ID);
				return 2;
			}
			break;
		case 'u': uuid_text = optarg; break;
		case 's':
			if (parse_u64(optarg, &md_reserve)) {
				fprintf(stderr, "smctl: create-md: metadata size \"%s\" is not a number of bytes\n",
					optarg);
				return 2;
			}
			if (md_reserve < SYNCMIRROR_SB_SIZE) {
				fprintf(stderr, "smctl: create-md: metadata size \"%s\" is below %d bytes\n",
					optarg, SYNCMIRROR_SB_SIZE);
				return 2;
			}
			break;
		case 'f': force = true; break;
		case 'h': create_md_usage(stdout); return 0;
		default: create_md_usage(stderr); return 2;
		}
	}
	if (optind != argc || !loc.data_path || node_id == UINT64_MAX) {
		fprintf(stderr, "smctl: create-md: --data and --node-id are required\n");
		create_md_usage(stderr);
		return 2;
	}

	if (uuid_text) {
		if (sm_uuid_parse(uuid_text, sb.volume_uuid)) {
			fprintf(stderr, "smctl: create-md: \"%s\" is not a UUID\n",
				uuid_text);
			return 2;
		}
	} else {
		if (getrandom(sb.volume_uuid, sizeof(sb.volume_uuid), 0) !=
		    sizeof(sb.volume_uuid)) {
			perror("smctl: create-md: getrandom");
			return 1;
		}
		sb.volume_uuid[6] = (sb.volume_uuid[6] & 0x0f) | 0x40;
		sb.volume_uuid[8] = (sb.volume_uuid[8] & 0x3f) | 0x80;
	}

	/* O_EXCL on a block device: refuse one that a volume has open. */
	if (locate(&loc, O_RDWR | O_EXCL))
		goto out;

	if (loc.meta_path) {
		int data_fd = open_device(loc.data_path, O_RDONLY | O_EXCL);

		if (data_fd < 0)
			goto out;
		ret = device_bytes(data_fd, loc.data_path, &data_bytes);
		close(data_fd);
		if (ret)
			goto out;
		ret = 1;
		data_bytes &= ~(uint64_t)4095;
		if (!data_bytes) {
			fprintf(stderr, "smctl: %s: too small to hold data (under 4096 bytes)\n",
				loc.data_path);
			goto out;
		}
		sb.md_offset = 0;
		sb.md_size = loc.dev_bytes & ~(uint64_t)4095;
	} else {
		if (md_reserve > loc.dev_bytes ||
		    loc.dev_bytes - md_reserve < SYNCMIRROR_SB_SIZE) {
			fprintf(stderr, "smctl: %s: %" PRIu64 " bytes leave no room for data after %" PRIu64 " bytes of metadata\n",
				loc.data_path, loc.dev_bytes, md_reserve);
			goto out;
		}
		data_bytes = (loc.dev_bytes - md_reserve) & ~(uint64_t)4095;
		sb.md_offset = data_bytes;
		sb.md_size = (loc.dev_bytes & ~(uint64_t)511) - data_bytes;
	}
	sb.data_sectors = data_bytes >> 9;
	sb.node_id = node_id;
	sb.internal = !loc.meta_path;
	sb.create_time = time(NULL);

	if (posix_memalign(&block, 4096, SYNCMIRROR_SB_SIZE)) {
		fprintf(stderr, "smctl: create-md: out of memory\n");
		goto out;
	}
	if (read_block(&loc, block))
		goto out;
	if (!sm_sb_decode(block, &old) && !force) {
		sm_uuid_format(old.volume_uuid, uuid);
		fprintf(stderr, "smctl: %s: already holds syncmirror metadata (volume %s, node %u); --force overwrites it\n",
			loc.meta_path ? loc.meta_path : loc.data_path, uuid,
			old.node_id);
		goto out;
	}

	sm_sb_encode(&sb, block);
	if (pwrite(loc.fd, block, SYNCMIRROR_SB_SIZE, loc.sb_offset) !=
	    SYNCMIRROR_SB_SIZE || fsync(loc.fd)) {
		fprintf(stderr, "smctl: %s: cannot write the superblock: %s\n",
			loc.meta_path ? loc.meta_path : loc.data_path,
			strerror(errno));
		goto out;
	}

	sm_uuid_format(sb.volume_uuid, uuid);
	printf("smctl: wrote syncmirror metadata v%d for %s: volume %s, node %u, %" PRIu64 " data sectors, %s metadata\n",
	       SYNCMIRROR_SB_VERSION, loc.data_path, uuid, sb.node_id,
	       sb.data_sectors, sb.internal ? "internal" : "external");
	print_table_line(&sb, &loc);
	ret = 0;
out:
	free(block);
	if (loc.fd >= 0)
		close(loc.fd);
	return ret;
}

int cmd_dump_md(int argc, char **argv)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "meta", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct md_location loc = { .fd = -1 };
	struct sm_superblock sb;
	char uuid[37], created[32];
	struct tm tm;
	time_t t;
	int opt, ret = 1;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'd': loc.data_path = optarg; break;
		case 'm':
			loc.meta_path = strcmp(optarg, SYNCMIRROR_META_INTERNAL) ?
					optarg : NULL;
			break;
		case 'h':
			printf("Usage: smctl [-j] dump-md --data DEV [--meta DEV|internal]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc || !loc.data_path) {
		fprintf(stderr, "Usage: smctl [-j] dump-md --data DEV [--meta DEV|internal]\n");
		return 2;
	}

	if (read_superblock(&loc, &sb))
		goto out;

	sm_uuid_format(sb.volume_uuid, uuid);
	t = sb.create_time;
	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (json_output) {
		printf("{\"version\":%d,\"volume_uuid\":\"%s\",\"node_id\":%u,"
		       "\"data_sectors\":%" PRIu64 ",\"metadata\":\"%s\","
		       "\"md_offset\":%" PRIu64 ",\"md_size\":%" PRIu64 ","
		       "\"created\":\"%s\",\"primary\":%s,\"diverged\":%s}\n",
		       SYNCMIRROR_SB_VERSION, uuid, sb.node_id, sb.data_sectors,
		       sb.internal ? "internal" : "external", sb.md_offset,
		       sb.md_size, created, sb.primary ? "true" : "false",
		       sb.diverged ? "true" : "false");
	} else {
		printf("version      %d\n"
		       "volume-uuid  %s\n"
		       "node-id      %u\n"
		       "data-size    %" PRIu64 " sectors\n"
		       "metadata     %s, %" PRIu64 " bytes at offset %" PRIu64 "\n"
		       "created      %s\n"
		       "state        %s%s\n",
		       SYNCMIRROR_SB_VERSION, uuid, sb.node_id, sb.data_sectors,
		       sb.internal ? "internal" : "external", sb.md_size,
		       sb.md_offset, created,
		       sb.primary ? "primary (not shut down cleanly)" : "clean",
		       sb.diverged ? ", diverged from the peer" : "");
		print_table_line(&sb, &loc);
	}
	ret = 0;
out:
	if (loc.fd >= 0)
		close(loc.fd);
	return ret;
}
