/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sm-diskcache: an NBD server for the VM tests whose disk loses its
 * volatile write cache at a power cut (Documentation/testing.rst, "Disks
 * with a volatile cache").
 *
 *   diskcache.c        options, the listening socket, signals, the log
 *   diskcache-nbd.c    the NBD protocol: handshake and requests
 *   diskcache-disk.c   the disk: image file, unflushed writes, the cut and
 *                      its trigger
 */
#ifndef SM_DISKCACHE_H
#define SM_DISKCACHE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#define PROG	"sm-diskcache"

/* The largest READ or WRITE payload we take, and advertise. */
#define NBD_MAX_PAYLOAD		(32U << 20)

/*
 * Old and new content of a range, kept in chunks so that all-zero parts
 * (sparse images, TRIM, WRITE_ZEROES) cost no memory.  A NULL chunk
 * reads as zeros; a NULL chunk array means the whole range is zeros.
 */
#define EXTENT_CHUNK		(64U << 10)

struct extent {
	uint64_t length;
	unsigned char **chunks;
};

/*
 * One write the disk has acknowledged but not yet made durable, or a
 * durable (FUA) write that came after such a one.  Kept in arrival order.
 */
struct disk_write {
	TAILQ_ENTRY(disk_write) entry;
	uint64_t offset;
	bool durable;
	bool keep;		/* decided at the cut */
	struct extent old;	/* the range before this write */
	struct extent new;	/* the range after it */
	uint64_t bytes;		/* memory this record holds */
};

TAILQ_HEAD(disk_write_list, disk_write);

enum cut_mode {
	CUT_ALL,
	CUT_RANDOM,
};

struct disk_stats {
	uint64_t writes;	/* WRITE, TRIM and WRITE_ZEROES */
	uint64_t flushes;
	uint64_t fua;
	uint64_t destaged;	/* unflushed writes the cap made durable */
	uint64_t unflushed;	/* in the list now, not durable */
	uint64_t unflushed_bytes;
};

/*
 * The cut trigger: the count-th write (WRITE, TRIM, WRITE_ZEROES) that
 * reaches the image and overlaps [offset, offset + length) after arming
 * fires it.  That write is durable, as if it had reached the medium, and
 * is left unanswered; nothing more is served until a signal.
 */
struct disk_trigger {
	bool armed;
	bool fired;
	uint64_t offset;
	uint64_t length;
	uint64_t count;
	uint64_t matched;	/* matching writes seen since arming */
	/* Once fired, the write that fired it. */
	uint64_t write_offset;
	uint64_t write_length;
	bool write_fua;
	uint64_t unflushed;	/* unflushed writes before it */
};

struct disk {
	int fd;
	const char *path;
	uint64_t size;
	struct disk_write_list list;
	uint64_t list_bytes;	/* memory the list holds */
	uint64_t max_bytes;	/* --max-cache */
	struct disk_stats stats;
	struct disk_trigger trigger;
};

/* What a cut did, for the report line. */
struct cut_result {
	uint64_t lost, lost_bytes;
	uint64_t kept, kept_bytes;
};

/* diskcache.c */
void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int wait_fd(int fd, short events);

/* diskcache-nbd.c */
void nbd_serve(int sk, struct disk *disk);

/* diskcache-disk.c */
int disk_open(struct disk *disk, const char *path, uint64_t max_bytes);
void disk_close(struct disk *disk);
int disk_read(struct disk *disk, uint64_t offset, void *buf, uint32_t length);
int disk_write(struct disk *disk, uint64_t offset, const void *data,
	       uint64_t length, bool fua);
int disk_zero(struct disk *disk, uint64_t offset, uint64_t length,
	      bool punch, bool fua);
void disk_flush(struct disk *disk);
int disk_cut(struct disk *disk, enum cut_mode mode, uint64_t seed,
	     struct cut_result *result);
void disk_arm(struct disk *disk, uint64_t offset, uint64_t length,
	      uint64_t count);
void disk_disarm(struct disk *disk);

#endif /* SM_DISKCACHE_H */
