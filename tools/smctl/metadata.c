// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl create-md / dump-md: write and show a volume's metadata (format
 * version 2: two superblock slots, the activity-log ring and the dirty
 * bitmap, include/uapi/linux/syncmirror.h).
 *
 * Where it lives: with external metadata from byte 0 of the metadata
 * device (slot 0, slot 1, the ring, then the bitmaps); with internal
 * metadata in the tail of the data device, data ending on a 4 KiB
 * boundary: the bitmaps from the end of the data, then the ring, slot 1
 * and slot 0 in the last 4096 bytes (where version 1 kept its superblock).
 */
#include <endian.h>
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

#define BLOCK			SYNCMIRROR_MD_BLOCK_SIZE
#define MD_SIZE_GRANULE		(1024 * 1024)	/* default internal area */
#define IO_BLOCKS		256		/* blocks per read or write */
/* A write of up to 1 MiB spans two extents at most (the kernel's limit). */
#define MIN_AL_EXTENT_SIZE	(1 << 20)
#define MAX_REGION_SIZE		(1ULL << 20)	/* one resync request */
#define MAX_AL_EXTENT_SIZE	(1ULL << 32)

struct md_location {
	const char *data_path;
	const char *meta_path;		/* NULL: internal */
	int fd;				/* the device holding the metadata */
	uint64_t dev_bytes;		/* size of that device */
	uint64_t dev_end;		/* ... in whole sectors */
	uint64_t slot_offset[2];
};

static const char *md_path(const struct md_location *loc)
{
	return loc->meta_path ? loc->meta_path : loc->data_path;
}

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

	if (fd < 0) {
		fprintf(stderr, "smctl: %s: %s%s\n", path, strerror(errno),
			errno == EBUSY ? " (in use, e.g. by a mapped volume)" : "");
		return fd;
	}
	/*
	 * The kernel writes metadata with bios, past this device's page
	 * cache: drop what it holds so the reads see the disk.
	 */
	posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	return fd;
}

/* Open the device holding the metadata and find the two slots on it. */
static int locate(struct md_location *loc, int flags)
{
	loc->fd = open_device(md_path(loc), flags);
	if (loc->fd < 0)
		return -1;
	if (device_bytes(loc->fd, md_path(loc), &loc->dev_bytes))
		return -1;
	if (loc->dev_bytes < 3 * BLOCK) {
		fprintf(stderr, "smctl: %s: too small for syncmirror metadata (%" PRIu64 " bytes)\n",
			md_path(loc), loc->dev_bytes);
		return -1;
	}
	loc->dev_end = loc->dev_bytes & ~(uint64_t)511;
	sm_md_slot_offsets(!loc->meta_path, 0, loc->dev_end, loc->slot_offset);
	return 0;
}

static int read_at(const struct md_location *loc, void *buf, size_t len,
		   uint64_t offset, const char *what)
{
	ssize_t n = pread(loc->fd, buf, len, offset);

	if (n != (ssize_t)len) {
		fprintf(stderr, "smctl: %s: cannot read the %s at offset %" PRIu64 ": %s\n",
			md_path(loc), what, offset,
			n < 0 ? strerror(errno) : "short read");
		return -1;
	}
	return 0;
}

static int write_at(const struct md_location *loc, const void *buf,
		    size_t len, uint64_t offset, const char *what)
{
	ssize_t n = pwrite(loc->fd, buf, len, offset);

	if (n != (ssize_t)len) {
		fprintf(stderr, "smctl: %s: cannot write the %s at offset %" PRIu64 ": %s\n",
			md_path(loc), what, offset,
			n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}

static void *alloc_blocks(size_t count)
{
	void *buf = NULL;

	if (posix_memalign(&buf, BLOCK, count * BLOCK)) {
		fprintf(stderr, "smctl: out of memory\n");
		return NULL;
	}
	return buf;
}

/* Both slots as read, and which one is the superblock. */
struct slots {
	uint8_t *block;			/* 2 blocks: slot 0, slot 1 */
	const char *problem[2];		/* NULL: valid */
	int used;			/* -1: neither is valid */
};

static int read_slots(struct md_location *loc, struct slots *s,
		      struct sm_superblock *sb, const char **why)
{
	s->block = alloc_blocks(2);
	if (!s->block)
		return -1;
	if (read_at(loc, s->block, BLOCK, loc->slot_offset[0],
		    "superblock (slot 0)") ||
	    read_at(loc, s->block + BLOCK, BLOCK, loc->slot_offset[1],
		    "superblock (slot 1)"))
		return -1;
	s->used = sm_sb_choose(s->block, s->block + BLOCK, sb, s->problem,
			       why);
	return 0;
}

/* Open @loc (paths set) and decode its superblock from the best slot. */
static int read_superblock(struct md_location *loc, struct sm_superblock *sb,
			   struct slots *s)
{
	const char *why;

	if (locate(loc, O_RDONLY) || read_slots(loc, s, sb, &why))
		return -1;
	if (s->used < 0) {
		if (!strcmp(why, SM_SB_VERSION_1_MESSAGE))
			fprintf(stderr, "smctl: %s: %s\n", md_path(loc), why);
		else
			fprintf(stderr, "smctl: %s: no valid syncmirror superblock: %s\n",
				md_path(loc), why);
		return -1;
	}
	return 0;
}

int smctl_read_superblock(const char *data, const char *meta,
			  struct sm_superblock *sb)
{
	struct md_location loc = { .data_path = data, .meta_path = meta,
				   .fd = -1 };
	struct slots slots = { 0 };
	int ret = read_superblock(&loc, sb, &slots);

	free(slots.block);
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
		"                       [--uuid UUID] [--md-size BYTES] [--clean]\n"
		"                       [--region-size BYTES] [--al-extents N]\n"
		"                       [--al-extent-size BYTES] [--force]\n\n"
		"Writes new, empty syncmirror metadata (format version %d): two\n"
		"superblock slots, the activity log and a clean dirty bitmap.\n"
		"  --data DEV      the data device of the volume\n"
		"  --meta DEV      external metadata device (default: internal,\n"
		"                  at the end of the data device)\n"
		"  --node-id N     this node's id in the volume, 0..%d\n"
		"  --uuid UUID     volume UUID; give every node of the volume the\n"
		"                  same one (default: a new random UUID)\n"
		"  --md-size BYTES internal metadata area (default: what the bitmap\n"
		"                  and activity log need, in whole MiB)\n"
		"  --clean         the data devices of all nodes are identical\n"
		"                  already (e.g. blank): skip the initial full sync.\n"
		"                  Without it the copy is inconsistent until the\n"
		"                  first \"smctl primary VOL --force\" picks the source\n"
		"  --region-size BYTES  data per dirty-bitmap bit, a power of two\n"
		"                  from 4096 to 1 MiB (default %d)\n"
		"  --al-extents N  activity-log extents active at once, 2..%zu\n"
		"                  (default %d)\n"
		"  --al-extent-size BYTES  a power of two from 1 MiB, at least the\n"
		"                  region size (default %d)\n"
		"  --force         overwrite existing syncmirror metadata (also\n"
		"                  version 1: the data is kept, the peer then\n"
		"                  needs a full sync)\n",
		SYNCMIRROR_SB_VERSION, SYNCMIRROR_MAX_NODE_ID,
		512 << SYNCMIRROR_REGION_SHIFT_DEFAULT,
		SYNCMIRROR_AL_MAX_EXTENTS, SYNCMIRROR_AL_EXTENTS_DEFAULT,
		512 << SYNCMIRROR_AL_EXTENT_SHIFT_DEFAULT);
}

static int parse_u64(const char *text, uint64_t *value)
{
	char *end;

	errno = 0;
	*value = strtoull(text, &end, 0);
	return (errno || end == text || *end || text[0] == '-') ? -1 : 0;
}

/* log2 of @bytes in sectors, or -1 unless a power of two in [min, max]. */
static int sector_shift(uint64_t bytes, uint64_t min, uint64_t max)
{
	int shift = 0;

	if (bytes < min || bytes > max || (bytes & (bytes - 1)))
		return -1;
	while ((512ULL << shift) < bytes)
		shift++;
	return shift;
}

/* The metadata area that internal metadata of @md bytes leaves. */
static bool internal_fits(struct sm_superblock *sb, uint64_t dev_end,
			  uint64_t md)
{
	uint64_t data_bytes;

	if (md >= dev_end || dev_end - md < BLOCK)
		return false;
	data_bytes = (dev_end - md) & ~(uint64_t)(BLOCK - 1);
	sb->data_sectors = data_bytes >> 9;
	sb->md_offset = data_bytes;
	sb->md_size = dev_end - data_bytes;
	sb->bitmap_blocks = sm_md_bitmap_blocks(sb->data_sectors,
						sb->region_shift);
	return !sm_md_layout(sb, dev_end);
}

/* The least --md-size that fits (dev_end's whole size if none does). */
static uint64_t internal_minimum(struct sm_superblock sb, uint64_t dev_end)
{
	uint64_t md = 2 * BLOCK + (uint64_t)sb.al_blocks * BLOCK +
		      sb.peer_slots * BLOCK *
		      sm_md_bitmap_blocks(dev_end >> 9, sb.region_shift);

	while (md > BLOCK && internal_fits(&sb, dev_end, md - BLOCK))
		md -= BLOCK;
	return md;
}

/* Data and metadata area of internal metadata; -1 with the reason said. */
static int internal_geometry(const struct md_location *loc,
			     struct sm_superblock *sb, uint64_t md_reserve)
{
	uint64_t minimum = internal_minimum(*sb, loc->dev_end);

	if (!md_reserve)
		md_reserve = (minimum + MD_SIZE_GRANULE - 1) /
			     MD_SIZE_GRANULE * MD_SIZE_GRANULE;
	if (md_reserve > loc->dev_bytes ||
	    loc->dev_end - md_reserve < BLOCK || loc->dev_end < md_reserve) {
		fprintf(stderr, "smctl: %s: %" PRIu64 " bytes leave no room for data after %" PRIu64 " bytes of metadata\n",
			loc->data_path, loc->dev_bytes, md_reserve);
		return -1;
	}
	if (!internal_fits(sb, loc->dev_end, md_reserve)) {
		fprintf(stderr, "smctl: %s: a metadata area of %" PRIu64 " bytes is too small for the bitmap and activity log of %" PRIu64 " data sectors: at least %" PRIu64 " bytes are needed (--md-size %" PRIu64 ")\n",
			loc->data_path, md_reserve, sb->data_sectors, minimum,
			minimum);
		return -1;
	}
	return 0;
}

static int external_geometry(const struct md_location *loc,
			     struct sm_superblock *sb)
{
	uint64_t data_bytes, need;
	int data_fd, ret;

	data_fd = open_device(loc->data_path, O_RDONLY | O_EXCL);
	if (data_fd < 0)
		return -1;
	ret = device_bytes(data_fd, loc->data_path, &data_bytes);
	close(data_fd);
	if (ret)
		return -1;
	data_bytes &= ~(uint64_t)(BLOCK - 1);
	if (!data_bytes) {
		fprintf(stderr, "smctl: %s: too small to hold data (under 4096 bytes)\n",
			loc->data_path);
		return -1;
	}
	sb->data_sectors = data_bytes >> 9;
	sb->md_offset = 0;
	sb->md_size = loc->dev_bytes & ~(uint64_t)(BLOCK - 1);
	sb->bitmap_blocks = sm_md_bitmap_blocks(sb->data_sectors,
						sb->region_shift);
	if (sm_md_layout(sb, loc->dev_end)) {
		need = 2 * BLOCK + (uint64_t)sb->al_blocks * BLOCK +
		       sb->peer_slots * sb->bitmap_blocks * BLOCK;
		fprintf(stderr, "smctl: %s: %" PRIu64 " bytes are too small for the metadata of %" PRIu64 " data sectors: at least %" PRIu64 " bytes are needed\n",
			loc->meta_path, sb->md_size, sb->data_sectors, need);
		return -1;
	}
	return 0;
}

/* Refuse to overwrite metadata (any version) unless forced. */
static int check_overwrite(struct md_location *loc, bool force)
{
	const struct syncmirror_sb *old;
	struct slots s = { 0 };
	struct sm_superblock sb;
	const char *why;
	char uuid[37];
	int i, ret = -1;

	if (read_slots(loc, &s, &sb, &why))
		goto out;
	ret = 0;
	for (i = 0; i < 2 && !force; i++) {
		old = (const struct syncmirror_sb *)(s.block + i * BLOCK);
		if (le32toh(old->magic) != SYNCMIRROR_SB_MAGIC ||
		    le32toh(old->csum) != sm_md_checksum(old))
			continue;
		sm_uuid_format(old->volume_uuid, uuid);
		fprintf(stderr, "smctl: %s: already holds syncmirror metadata%s (volume %s, node %u); --force overwrites it\n",
			md_path(loc),
			le32toh(old->version) == SYNCMIRROR_SB_VERSION_1 ?
			" version 1" : "", uuid, le32toh(old->node_id));
		ret = -1;
		break;
	}
out:
	free(s.block);
	return ret;
}

/* The ring zeroed, every bitmap block valid and clean, slot 1 zeroed, slot 0. */
static int write_metadata(const struct md_location *loc,
			  const struct sm_superblock *sb)
{
	uint64_t done, count, i, total = sb->peer_slots * sb->bitmap_blocks;
	uint8_t *buf = alloc_blocks(IO_BLOCKS);
	int ret = -1;

	if (!buf)
		return -1;
	memset(buf, 0, IO_BLOCKS * BLOCK);
	for (done = 0; done < sb->al_blocks; done += count) {
		count = sb->al_blocks - done;
		if (count > IO_BLOCKS)
			count = IO_BLOCKS;
		if (write_at(loc, buf, count * BLOCK,
			     sb->al_offset + done * BLOCK, "activity log"))
			goto out;
	}
	for (done = 0; done < total; done += count) {
		count = total - done;
		if (count > IO_BLOCKS)
			count = IO_BLOCKS;
		for (i = 0; i < count; i++)
			sm_bm_encode_empty(buf + i * BLOCK,
					   (done + i) % sb->bitmap_blocks,
					   (done + i) / sb->bitmap_blocks);
		if (write_at(loc, buf, count * BLOCK,
			     sb->bitmap_offset + done * BLOCK, "bitmap"))
			goto out;
	}
	memset(buf, 0, BLOCK);
	if (write_at(loc, buf, BLOCK, loc->slot_offset[1],
		     "superblock (slot 1)"))
		goto out;
	sm_sb_encode(sb, buf);
	if (write_at(loc, buf, BLOCK, loc->slot_offset[0],
		     "superblock (slot 0)"))
		goto out;
	if (fsync(loc->fd)) {
		fprintf(stderr, "smctl: %s: cannot write the metadata: %s\n",
			md_path(loc), strerror(errno));
		goto out;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

static int new_volume_uuid(const char *text, uint8_t uuid[16])
{
	if (text) {
		if (sm_uuid_parse(text, uuid)) {
			fprintf(stderr, "smctl: create-md: \"%s\" is not a UUID\n",
				text);
			return 2;
		}
		return 0;
	}
	if (getrandom(uuid, 16, 0) != 16) {
		perror("smctl: create-md: getrandom");
		return 1;
	}
	uuid[6] = (uuid[6] & 0x0f) | 0x40;
	uuid[8] = (uuid[8] & 0x3f) | 0x80;
	return 0;
}

int cmd_create_md(int argc, char **argv)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "meta", required_argument, NULL, 'm' },
		{ "node-id", required_argument, NULL, 'n' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "md-size", required_argument, NULL, 's' },
		{ "region-size", required_argument, NULL, 'r' },
		{ "al-extents", required_argument, NULL, 'e' },
		{ "al-extent-size", required_argument, NULL, 'x' },
		{ "clean", no_argument, NULL, 'c' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct md_location loc = { .fd = -1 };
	struct sm_superblock sb = {
		.region_shift = SYNCMIRROR_REGION_SHIFT_DEFAULT,
		.al_extent_shift = SYNCMIRROR_AL_EXTENT_SHIFT_DEFAULT,
		.al_blocks = SYNCMIRROR_AL_BLOCKS_DEFAULT,
		.al_extents = SYNCMIRROR_AL_EXTENTS_DEFAULT,
		.peer_slots = 1,
		.seq = 1,
	};
	uint64_t node_id = UINT64_MAX, md_reserve = 0, value;
	uint64_t region_size = 0, extent_size = 0;
	const char *uuid_text = NULL;
	bool force = false, clean = false;
	char uuid[37];
	int opt, i, ret = 1;

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
			if (md_reserve < BLOCK) {
				fprintf(stderr, "smctl: create-md: metadata size \"%s\" is below %d bytes\n",
					optarg, BLOCK);
				return 2;
			}
			break;
		case 'r':
			if (parse_u64(optarg, &region_size) ||
			    sector_shift(region_size, BLOCK,
					 MAX_REGION_SIZE) < 0) {
				fprintf(stderr, "smctl: create-md: region size \"%s\" is not a power of two from %d to %llu bytes\n",
					optarg, BLOCK, MAX_REGION_SIZE);
				return 2;
			}
			break;
		case 'e':
			if (parse_u64(optarg, &value) || value < 2 ||
			    value > SYNCMIRROR_AL_MAX_EXTENTS) {
				fprintf(stderr, "smctl: create-md: activity-log extents \"%s\" is not in 2..%zu\n",
					optarg, SYNCMIRROR_AL_MAX_EXTENTS);
				return 2;
			}
			sb.al_extents = value;
			break;
		case 'x':
			if (parse_u64(optarg, &extent_size) ||
			    sector_shift(extent_size, MIN_AL_EXTENT_SIZE,
					 MAX_AL_EXTENT_SIZE) < 0) {
				fprintf(stderr, "smctl: create-md: activity-log extent size \"%s\" is not a power of two from %d to %llu bytes\n",
					optarg, MIN_AL_EXTENT_SIZE, MAX_AL_EXTENT_SIZE);
				return 2;
			}
			break;
		case 'c': clean = true; break;
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
	if (region_size)
		sb.region_shift = sector_shift(region_size, BLOCK,
					       MAX_REGION_SIZE);
	if (extent_size)
		sb.al_extent_shift = sector_shift(extent_size,
						  MIN_AL_EXTENT_SIZE,
						  MAX_AL_EXTENT_SIZE);
	if (sb.al_extent_shift < sb.region_shift) {
		fprintf(stderr, "smctl: create-md: the activity-log extent size (%llu bytes) is smaller than the region size (%llu bytes)\n",
			512ULL << sb.al_extent_shift, 512ULL << sb.region_shift);
		return 2;
	}
	ret = new_volume_uuid(uuid_text, sb.volume_uuid);
	if (ret)
		return ret;
	ret = 1;

	/* O_EXCL on a block device: refuse one that a volume has open. */
	if (locate(&loc, O_RDWR | O_EXCL))
		goto out;
	sb.internal = !loc.meta_path;
	if (loc.meta_path ? external_geometry(&loc, &sb) :
			    internal_geometry(&loc, &sb, md_reserve))
		goto out;
	if (check_overwrite(&loc, force))
		goto out;

	sb.node_id = node_id;
	sb.create_time = time(NULL);
	for (i = 0; i < SYNCMIRROR_MAX_PEER_SLOTS; i++)
		sb.peer[i].node_id = SYNCMIRROR_NO_NODE;
	/*
	 * Clean: the same generation on every node created with this UUID,
	 * so that they connect as in sync.  Otherwise none, and inconsistent
	 * until a forced promotion picks the source.
	 */
	if (clean) {
		uint64_t first;

		memcpy(&first, sb.volume_uuid, sizeof(first));
		sb.current_uuid = le64toh(first) | 1;
	} else {
		sb.inconsistent = true;
	}
	if (write_metadata(&loc, &sb))
		goto out;

	sm_uuid_format(sb.volume_uuid, uuid);
	printf("smctl: wrote syncmirror metadata v%d for %s: volume %s, node %u, %" PRIu64 " data sectors, %s metadata, %s\n",
	       SYNCMIRROR_SB_VERSION, loc.data_path, uuid, sb.node_id,
	       sb.data_sectors, sb.internal ? "internal" : "external",
	       clean ? "clean (no initial sync)" :
	       "inconsistent until the first \"smctl primary VOL --force\"");
	print_table_line(&sb, &loc);
	ret = 0;
out:
	if (loc.fd >= 0)
		close(loc.fd);
	return ret;
}

/* The activity-log ring as the kernel would recover it. */
struct al_scan {
	uint32_t empty, damaged, valid;
	bool have_newest;
	uint64_t newest_seq;
	uint32_t newest_block, count;
	uint32_t extent[SYNCMIRROR_AL_MAX_EXTENTS];
};

static int scan_al(const struct md_location *loc,
		   const struct sm_superblock *sb, struct al_scan *al)
{
	const struct syncmirror_al_header *h;
	uint64_t done, count, seq;
	uint32_t i, j, n;
	uint8_t *buf = alloc_blocks(IO_BLOCKS);
	int ret = -1;

	memset(al, 0, sizeof(*al));
	if (!buf)
		return -1;
	for (done = 0; done < sb->al_blocks; done += count) {
		count = sb->al_blocks - done;
		if (count > IO_BLOCKS)
			count = IO_BLOCKS;
		if (read_at(loc, buf, count * BLOCK,
			    sb->al_offset + done * BLOCK, "activity log"))
			goto out;
		for (i = 0; i < count; i++) {
			h = (const void *)(buf + i * BLOCK);
			if (sm_md_block_empty(h)) {
				al->empty++;
				continue;
			}
			if (sm_al_decode(h, sb->al_extents, &seq, &n)) {
				al->damaged++;
				continue;
			}
			al->valid++;
			if (al->have_newest && seq <= al->newest_seq)
				continue;
			al->have_newest = true;
			al->newest_seq = seq;
			al->newest_block = done + i;
			al->count = n;
			for (j = 0; j < n; j++)
				al->extent[j] = le32toh(((const __le32 *)(h + 1))[j]);
		}
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

struct bitmap_scan {
	uint64_t bits_set;
	uint64_t damaged;
};

/* Bits set in one peer slot's bitmap; a damaged block counts as all ones. */
static int scan_bitmap(const struct md_location *loc,
		       const struct sm_superblock *sb, uint32_t slot,
		       struct bitmap_scan *bm)
{
	uint64_t regions = (sb->data_sectors + (1ULL << sb->region_shift) - 1) >>
			   sb->region_shift;
	uint64_t first = sb->bitmap_offset + slot * sb->bitmap_blocks * BLOCK;
	uint64_t done, count, bits, b;
	uint8_t *buf = alloc_blocks(IO_BLOCKS), *block;
	int ret = -1;
	uint64_t i;

	memset(bm, 0, sizeof(*bm));
	if (!buf)
		return -1;
	for (done = 0; done < sb->bitmap_blocks; done += count) {
		count = sb->bitmap_blocks - done;
		if (count > IO_BLOCKS)
			count = IO_BLOCKS;
		if (read_at(loc, buf, count * BLOCK, first + done * BLOCK,
			    "bitmap"))
			goto out;
		for (i = 0; i < count; i++) {
			block = buf + i * BLOCK;
			bits = regions - (done + i) * SYNCMIRROR_BM_BITS_PER_BLOCK;
			if (bits > SYNCMIRROR_BM_BITS_PER_BLOCK)
				bits = SYNCMIRROR_BM_BITS_PER_BLOCK;
			if (!sm_bm_valid(block, done + i, slot)) {
				bm->damaged++;
				bm->bits_set += bits;
				continue;
			}
			block += sizeof(struct syncmirror_bm_header);
			for (b = 0; b < bits; b++)
				bm->bits_set += (block[b / 8] >> (b % 8)) & 1;
		}
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

static const char *slot_state(const struct slots *s, int slot)
{
	const uint8_t *block = s->block + slot * BLOCK;

	if (!s->problem[slot])
		return "valid";
	return sm_md_block_empty(block) ? "empty" : "damaged";
}

static void format_uuid64(uint64_t value, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, value);
}

static void dump_json(const struct sm_superblock *sb,
		      const struct md_location *loc, const struct slots *s,
		      const struct al_scan *al,
		      const struct bitmap_scan *bm, const char *uuid,
		      const char *created)
{
	uint64_t region = 512ULL << sb->region_shift;
	uint64_t extent = 512ULL << sb->al_extent_shift;
	uint64_t bits = 0, damaged = 0;
	int other = !s->used, i;
	char hex[17];
	uint32_t j;

	printf("{\"version\":%d,\"volume_uuid\":\"%s\",\"node_id\":%u,"
	       "\"data_sectors\":%" PRIu64 ",\"metadata\":\"%s\","
	       "\"md_offset\":%" PRIu64 ",\"md_size\":%" PRIu64 ","
	       "\"created\":\"%s\",\"primary\":%s,\"inconsistent\":%s,",
	       SYNCMIRROR_SB_VERSION, uuid, sb->node_id, sb->data_sectors,
	       sb->internal ? "internal" : "external", sb->md_offset,
	       sb->md_size, created, sb->primary ? "true" : "false",
	       sb->inconsistent ? "true" : "false");
	printf("\"seq\":%" PRIu64 ",\"slot\":%d,\"slot_offsets\":[%" PRIu64
	       ",%" PRIu64 "],\"other_slot\":\"%s\"", sb->seq, s->used,
	       loc->slot_offset[0], loc->slot_offset[1],
	       slot_state(s, other));
	if (!strcmp(slot_state(s, other), "damaged"))
		printf(",\"other_slot_problem\":\"%s\"", s->problem[other]);
	format_uuid64(sb->current_uuid, hex);
	printf(",\"current_uuid\":\"%s\",\"history_uuids\":[", hex);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++) {
		format_uuid64(sb->history_uuid[i], hex);
		printf("%s\"%s\"", i ? "," : "", hex);
	}
	printf("],\"region_shift\":%u,\"region_size\":%" PRIu64 ","
	       "\"al\":{\"offset\":%" PRIu64 ",\"blocks\":%u,\"extents\":%u,"
	       "\"extent_shift\":%u,\"extent_size\":%" PRIu64 ","
	       "\"capacity_bytes\":%" PRIu64 ",\"valid_blocks\":%u,"
	       "\"empty_blocks\":%u,\"damaged_blocks\":%u,\"newest\":",
	       sb->region_shift, region, sb->al_offset, sb->al_blocks,
	       sb->al_extents, sb->al_extent_shift, extent,
	       extent * sb->al_extents, al->valid, al->empty, al->damaged);
	if (al->have_newest) {
		printf("{\"block\":%u,\"seq\":%" PRIu64 ",\"count\":%u,\"extents\":[",
		       al->newest_block, al->newest_seq, al->count);
		for (j = 0; j < al->count; j++)
			printf("%s%u", j ? "," : "", al->extent[j]);
		printf("]}");
	} else {
		printf("null");
	}
	printf("},\"peers\":[");
	for (i = 0; i < (int)sb->peer_slots; i++) {
		format_uuid64(sb->peer[i].bitmap_uuid, hex);
		printf("%s{\"slot\":%d,\"node_id\":", i ? "," : "", i);
		if (sb->peer[i].node_id == SYNCMIRROR_NO_NODE)
			printf("null");
		else
			printf("%u", sb->peer[i].node_id);
		printf(",\"full_sync\":%s,\"bitmap_uuid\":\"%s\","
		       "\"bits_set\":%" PRIu64 ",\"out_of_sync_bytes\":%" PRIu64
		       ",\"damaged_blocks\":%" PRIu64 "}",
		       sb->peer[i].flags & SYNCMIRROR_PEER_F_FULL_SYNC ?
		       "true" : "false", hex, bm[i].bits_set,
		       bm[i].bits_set * region, bm[i].damaged);
		bits += bm[i].bits_set;
		damaged += bm[i].damaged;
	}
	printf("],\"bitmap\":{\"offset\":%" PRIu64 ",\"blocks\":%" PRIu64
	       ",\"peer_slots\":%u,\"bits_set\":%" PRIu64
	       ",\"out_of_sync_bytes\":%" PRIu64 ",\"damaged_blocks\":%" PRIu64
	       "}}\n", sb->bitmap_offset, sb->bitmap_blocks, sb->peer_slots,
	       bits, bits * region, damaged);
}

static void dump_text(const struct sm_superblock *sb,
		      const struct md_location *loc, const struct slots *s,
		      const struct al_scan *al,
		      const struct bitmap_scan *bm, const char *uuid,
		      const char *created)
{
	uint64_t region = 512ULL << sb->region_shift;
	uint64_t extent = 512ULL << sb->al_extent_shift;
	int other = !s->used, i;
	char hex[17];
	uint32_t j;

	printf("version      %d\n"
	       "volume-uuid  %s\n"
	       "node-id      %u\n"
	       "data-size    %" PRIu64 " sectors\n"
	       "metadata     %s, %" PRIu64 " bytes at offset %" PRIu64 "\n"
	       "created      %s\n"
	       "state        %s, %s\n",
	       SYNCMIRROR_SB_VERSION, uuid, sb->node_id, sb->data_sectors,
	       sb->internal ? "internal" : "external", sb->md_size,
	       sb->md_offset, created,
	       sb->primary ? "primary (not shut down cleanly)" : "clean",
	       sb->inconsistent ?
	       "inconsistent (no usable copy until a sync or a forced promotion)" :
	       "consistent");
	printf("superblock   slot %d at offset %" PRIu64 ", seq %" PRIu64
	       "; slot %d at offset %" PRIu64 ": ", s->used,
	       loc->slot_offset[s->used], sb->seq, other,
	       loc->slot_offset[other]);
	if (!s->problem[other])
		printf("older copy, seq %" PRIu64 "\n",
		       le64toh(((const struct syncmirror_sb *)
				(s->block + other * BLOCK))->seq));
	else if (sm_md_block_empty(s->block + other * BLOCK))
		printf("empty\n");
	else
		printf("damaged (%s)\n", s->problem[other]);
	format_uuid64(sb->current_uuid, hex);
	printf("generation   current %s, history", hex);
	for (i = 0; i < SYNCMIRROR_HISTORY_UUIDS; i++) {
		format_uuid64(sb->history_uuid[i], hex);
		printf(" %s", hex);
	}
	printf("\nregion-size  %" PRIu64 " bytes (region-shift %u)\n"
	       "activity-log %u blocks at offset %" PRIu64 ", %u extents of %"
	       PRIu64 " bytes (%" PRIu64 " bytes)\n",
	       region, sb->region_shift, sb->al_blocks, sb->al_offset,
	       sb->al_extents, extent, extent * sb->al_extents);
	if (al->have_newest) {
		printf("al-newest    seq %" PRIu64 " in block %u, %u extents:",
		       al->newest_seq, al->newest_block, al->count);
		for (j = 0; j < al->count; j++)
			printf(" %u", al->extent[j]);
		printf("\n");
	} else {
		printf("al-newest    none (no transaction written)\n");
	}
	printf("al-blocks    %u valid, %u empty, %u damaged\n"
	       "bitmap       %" PRIu64 " blocks per peer slot at offset %" PRIu64
	       ", %u peer slots\n",
	       al->valid, al->empty, al->damaged, sb->bitmap_blocks,
	       sb->bitmap_offset, sb->peer_slots);
	for (i = 0; i < (int)sb->peer_slots; i++) {
		format_uuid64(sb->peer[i].bitmap_uuid, hex);
		if (sb->peer[i].node_id == SYNCMIRROR_NO_NODE)
			printf("peer-slot %d  free", i);
		else
			printf("peer-slot %d  node %u", i, sb->peer[i].node_id);
		printf(", bitmap-uuid %s%s; %" PRIu64 " bits set (%" PRIu64
		       " bytes out of sync), %" PRIu64 " damaged blocks\n", hex,
		       sb->peer[i].flags & SYNCMIRROR_PEER_F_FULL_SYNC ?
		       ", full sync needed" : "", bm[i].bits_set,
		       bm[i].bits_set * region, bm[i].damaged);
	}
	print_table_line(sb, loc);
}

static void dump_md_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl [-j] dump-md --data DEV [--meta DEV|internal]\n\n"
		"Shows the superblock (the valid slot with the highest seq), the\n"
		"newest activity-log transaction and the bits set in the dirty\n"
		"bitmap (a damaged bitmap block counts as all ones).\n");
}

int cmd_dump_md(int argc, char **argv)
{
	static const struct option options[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "meta", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct bitmap_scan bm[SYNCMIRROR_MAX_PEER_SLOTS] = { 0 };
	struct md_location loc = { .fd = -1 };
	struct slots slots = { 0 };
	struct al_scan *al = NULL;
	struct sm_superblock sb;
	char uuid[37], created[32];
	struct tm tm;
	uint32_t i;
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
			dump_md_usage(stdout);
			return 0;
		default:
			dump_md_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || !loc.data_path) {
		dump_md_usage(stderr);
		return 2;
	}

	if (read_superblock(&loc, &sb, &slots))
		goto out;
	al = malloc(sizeof(*al));
	if (!al) {
		fprintf(stderr, "smctl: out of memory\n");
		goto out;
	}
	if (scan_al(&loc, &sb, al))
		goto out;
	for (i = 0; i < sb.peer_slots; i++)
		if (scan_bitmap(&loc, &sb, i, &bm[i]))
			goto out;

	sm_uuid_format(sb.volume_uuid, uuid);
	t = sb.create_time;
	gmtime_r(&t, &tm);
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (json_output)
		dump_json(&sb, &loc, &slots, al, bm, uuid, created);
	else
		dump_text(&sb, &loc, &slots, al, bm, uuid, created);
	ret = 0;
out:
	free(al);
	free(slots.block);
	if (loc.fd >= 0)
		close(loc.fd);
	return ret;
}
