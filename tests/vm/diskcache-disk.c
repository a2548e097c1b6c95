// SPDX-License-Identifier: GPL-2.0-only
/*
 * The disk sm-diskcache models: an image file behind a volatile write
 * cache.
 *
 * Every write goes straight to the image, so reads are plain preads.  A
 * write the disk has not made durable is also recorded, with the range's
 * content before and after it, in a list kept in arrival order.  FLUSH
 * makes everything before it durable and empties the list.  A FUA write
 * is durable by itself, but it is recorded too while the list holds
 * unflushed writes, marked durable, so that a cut can replay it in its
 * place.  At a power cut the image is rebuilt as
 *
 *   flushed base + the unflushed writes that survive + every durable
 *   write, applied in arrival order
 *
 * where the flushed base is what undoing the whole list, newest first,
 * leaves.  Which unflushed writes survive is the cut's choice: none, or
 * each with probability 1/2.
 *
 * The list's memory is capped.  Past the cap the oldest records destage
 * (become durable and leave the list), as a real cache writes back.
 * Durable records at the head of the list need no replay and leave it too,
 * so the list is empty or starts with an unflushed write.
 *
 * The cut trigger marks the write that fires it durable, like a FUA
 * write: the cut is meant to come as that write reaches the medium, so it
 * survives while the unflushed writes before it are the cut's to choose.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "diskcache.h"

static const unsigned char zeros[EXTENT_CHUNK];

static int pread_full(int fd, void *buf, size_t length, uint64_t offset)
{
	while (length) {
		ssize_t n = pread(fd, buf, length, offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* the image shrank under us */
		buf = (char *)buf + n;
		length -= n;
		offset += n;
	}
	return 0;
}

static int pwrite_full(int fd, const void *buf, size_t length,
		       uint64_t offset)
{
	while (length) {
		ssize_t n = pwrite(fd, buf, length, offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf = (const char *)buf + n;
		length -= n;
		offset += n;
	}
	return 0;
}

static bool all_zero(const unsigned char *p, size_t length)
{
	return !length || (!p[0] && !memcmp(p, p + 1, length - 1));
}

static uint64_t chunk_count(uint64_t length)
{
	return (length + EXTENT_CHUNK - 1) / EXTENT_CHUNK;
}

static size_t chunk_length(const struct extent *ext, uint64_t index)
{
	uint64_t left = ext->length - index * EXTENT_CHUNK;

	return left < EXTENT_CHUNK ? left : EXTENT_CHUNK;
}

static void extent_free(struct extent *ext)
{
	uint64_t i;

	if (ext->chunks) {
		for (i = 0; i < chunk_count(ext->length); i++)
			free(ext->chunks[i]);
		free(ext->chunks);
	}
	ext->chunks = NULL;
}

/*
 * Keep chunk @index, unless it is all zeros.  *bytes counts the memory
 * taken; -E2BIG once it passes @limit.
 */
static int extent_set_chunk(struct extent *ext, uint64_t index,
			    const unsigned char *data, uint64_t *bytes,
			    uint64_t limit)
{
	size_t length = chunk_length(ext, index);
	uint64_t count = chunk_count(ext->length);

	if (all_zero(data, length))
		return 0;
	if (!ext->chunks) {
		ext->chunks = calloc(count, sizeof(*ext->chunks));
		if (!ext->chunks)
			return -ENOMEM;
		*bytes += count * sizeof(*ext->chunks);
	}
	*bytes += length;
	if (*bytes > limit)
		return -E2BIG;
	ext->chunks[index] = malloc(length);
	if (!ext->chunks[index])
		return -ENOMEM;
	memcpy(ext->chunks[index], data, length);
	return 0;
}

static int extent_from_buffer(struct extent *ext, const void *data,
			      uint64_t length, uint64_t *bytes, uint64_t limit)
{
	uint64_t i;
	int ret;

	ext->length = length;
	for (i = 0; i < chunk_count(length); i++) {
		ret = extent_set_chunk(ext, i, (const unsigned char *)data +
				       i * EXTENT_CHUNK, bytes, limit);
		if (ret)
			return ret;
	}
	return 0;
}

static int extent_from_file(struct extent *ext, int fd, uint64_t offset,
			    uint64_t length, uint64_t *bytes, uint64_t limit)
{
	static unsigned char buf[EXTENT_CHUNK];
	uint64_t i;
	int ret;

	ext->length = length;
	for (i = 0; i < chunk_count(length); i++) {
		ret = pread_full(fd, buf, chunk_length(ext, i),
				 offset + i * EXTENT_CHUNK);
		if (!ret)
			ret = extent_set_chunk(ext, i, buf, bytes, limit);
		if (ret)
			return ret;
	}
	return 0;
}

static int extent_to_file(const struct extent *ext, int fd, uint64_t offset)
{
	uint64_t i;
	int ret;

	for (i = 0; i < chunk_count(ext->length); i++) {
		const unsigned char *data = zeros;

		if (ext->chunks && ext->chunks[i])
			data = ext->chunks[i];
		ret = pwrite_full(fd, data, chunk_length(ext, i),
				  offset + i * EXTENT_CHUNK);
		if (ret)
			return ret;
	}
	return 0;
}

static void record_free(struct disk_write *w)
{
	if (!w)
		return;
	extent_free(&w->old);
	extent_free(&w->new);
	free(w);
}

static void drop_head(struct disk *disk, bool destage)
{
	struct disk_write *w = TAILQ_FIRST(&disk->list);

	TAILQ_REMOVE(&disk->list, w, entry);
	disk->list_bytes -= w->bytes;
	if (!w->durable) {
		disk->stats.unflushed--;
		disk->stats.unflushed_bytes -= w->old.length;
		if (destage)
			disk->stats.destaged++;
	}
	record_free(w);
}

static void destage_all(struct disk *disk)
{
	while (!TAILQ_EMPTY(&disk->list))
		drop_head(disk, true);
}

/*
 * A write the cache cannot hold (larger than the cap, or no memory): the
 * cache destages everything and the write goes through, durable.
 */
static void write_through(struct disk *disk, bool durable)
{
	destage_all(disk);
	if (!durable)
		disk->stats.destaged++;
}

/*
 * Destage past the cap, then drop durable records from the head: with
 * no unflushed write before them they need no replay.
 */
static void trim_list(struct disk *disk)
{
	struct disk_write *head;

	while ((head = TAILQ_FIRST(&disk->list)) &&
	       (disk->list_bytes > disk->max_bytes || head->durable))
		drop_head(disk, true);
}

/*
 * Start recording a write: the range's old content.  *wp stays NULL when
 * there is nothing to record (a durable write, FUA or the trigger's, with
 * no unflushed write before it) or when the record cannot be kept (larger
 * than the cap, or out of memory): then the cache destages everything and
 * the write is durable.
 */
static int record_start(struct disk *disk, uint64_t offset, uint64_t length,
			bool durable, struct disk_write **wp)
{
	struct disk_write *w;
	int ret;

	*wp = NULL;
	if (durable && TAILQ_EMPTY(&disk->list))
		return 0;
	w = calloc(1, sizeof(*w));
	if (!w) {
		write_through(disk, durable);
		return 0;
	}
	w->offset = offset;
	w->durable = durable;
	w->bytes = sizeof(*w);
	ret = extent_from_file(&w->old, disk->fd, offset, length, &w->bytes,
			       disk->max_bytes);
	if (ret == -E2BIG || ret == -ENOMEM) {
		record_free(w);
		write_through(disk, durable);
		return 0;
	}
	if (ret) {
		record_free(w);
		report("image %s: cannot read %llu bytes at %llu: %s",
		       disk->path, (unsigned long long)length,
		       (unsigned long long)offset, strerror(-ret));
		return ret;
	}
	*wp = w;
	return 0;
}

/* Add a started record, with its new content (NULL: zeros), to the list. */
static void record_finish(struct disk *disk, struct disk_write *w,
			  const void *data)
{
	int ret = 0;

	if (!w)
		return;
	w->new.length = w->old.length;
	if (data)
		ret = extent_from_buffer(&w->new, data, w->new.length,
					 &w->bytes, disk->max_bytes);
	if (ret) {
		bool durable = w->durable;

		record_free(w);
		write_through(disk, durable);
		return;
	}
	TAILQ_INSERT_TAIL(&disk->list, w, entry);
	disk->list_bytes += w->bytes;
	if (!w->durable) {
		disk->stats.unflushed++;
		disk->stats.unflushed_bytes += w->old.length;
	}
	trim_list(disk);
}

static void count_write(struct disk *disk, bool fua)
{
	disk->stats.writes++;
	if (fua)
		disk->stats.fua++;
}

static int write_failed(struct disk *disk, const char *what, uint64_t offset,
			uint64_t length, int ret)
{
	report("image %s: %s of %llu bytes at %llu failed: %s", disk->path,
	       what, (unsigned long long)length, (unsigned long long)offset,
	       strerror(-ret));
	return ret;
}

int disk_read(struct disk *disk, uint64_t offset, void *buf, uint32_t length)
{
	int ret = pread_full(disk->fd, buf, length, offset);

	if (ret)
		report("image %s: cannot read %u bytes at %llu: %s",
		       disk->path, length, (unsigned long long)offset,
		       strerror(-ret));
	return ret;
}

static bool trigger_overlaps(const struct disk_trigger *trigger,
			     uint64_t offset, uint64_t length)
{
	return trigger->armed && length &&
	       offset < trigger->offset + trigger->length &&
	       trigger->offset < offset + length;
}

/* Whether a write of this range fires the trigger, once it is done. */
static bool trigger_fires(const struct disk *disk, uint64_t offset,
			  uint64_t length)
{
	const struct disk_trigger *trigger = &disk->trigger;

	return trigger_overlaps(trigger, offset, length) &&
	       trigger->matched + 1 == trigger->count;
}

/*
 * Count a write that reached the image.  Must be called after the write
 * is recorded, so that the unflushed writes before it are counted right.
 */
static void trigger_count(struct disk *disk, uint64_t offset,
			  uint64_t length, bool fua)
{
	struct disk_trigger *trigger = &disk->trigger;

	if (!trigger_overlaps(trigger, offset, length) ||
	    ++trigger->matched < trigger->count)
		return;
	trigger->armed = false;
	trigger->fired = true;
	trigger->write_offset = offset;
	trigger->write_length = length;
	trigger->write_fua = fua;
	trigger->unflushed = disk->stats.unflushed;
}

void disk_arm(struct disk *disk, uint64_t offset, uint64_t length,
	      uint64_t count)
{
	struct disk_trigger *trigger = &disk->trigger;

	trigger->armed = true;
	trigger->offset = offset;
	trigger->length = length;
	trigger->count = count;
	trigger->matched = 0;
}

void disk_disarm(struct disk *disk)
{
	disk->trigger.armed = false;
}

int disk_write(struct disk *disk, uint64_t offset, const void *data,
	       uint64_t length, bool fua)
{
	bool durable = fua || trigger_fires(disk, offset, length);
	struct disk_write *w;
	int ret;

	count_write(disk, fua);
	ret = record_start(disk, offset, length, durable, &w);
	if (ret)
		return ret;
	ret = pwrite_full(disk->fd, data, length, offset);
	if (ret) {
		record_free(w);
		return write_failed(disk, "write", offset, length, ret);
	}
	record_finish(disk, w, data);
	trigger_count(disk, offset, length, fua);
	return 0;
}

static int write_zeros(int fd, uint64_t offset, uint64_t length)
{
	int ret;

	while (length) {
		size_t n = length < sizeof(zeros) ? length : sizeof(zeros);

		ret = pwrite_full(fd, zeros, n, offset);
		if (ret)
			return ret;
		offset += n;
		length -= n;
	}
	return 0;
}

/* TRIM and WRITE_ZEROES: zeros, through a hole where allowed. */
int disk_zero(struct disk *disk, uint64_t offset, uint64_t length,
	      bool punch, bool fua)
{
	bool durable = fua || trigger_fires(disk, offset, length);
	struct disk_write *w;
	int ret;

	count_write(disk, fua);
	ret = record_start(disk, offset, length, durable, &w);
	if (ret)
		return ret;
	ret = -EOPNOTSUPP;
	if (punch && fallocate(disk->fd, FALLOC_FL_PUNCH_HOLE |
			       FALLOC_FL_KEEP_SIZE, offset, length) == 0)
		ret = 0;
	if (ret)
		ret = write_zeros(disk->fd, offset, length);
	if (ret) {
		record_free(w);
		return write_failed(disk, "zeroing", offset, length, ret);
	}
	record_finish(disk, w, NULL);
	trigger_count(disk, offset, length, fua);
	return 0;
}

/* Everything written so far is durable. */
void disk_flush(struct disk *disk)
{
	disk->stats.flushes++;
	while (!TAILQ_EMPTY(&disk->list))
		drop_head(disk, false);
}

/* splitmix64: a fixed, well-mixed sequence for each seed. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Decide which records survive; count the unflushed ones. */
static bool choose_survivors(struct disk *disk, enum cut_mode mode,
			     uint64_t seed, struct cut_result *result)
{
	struct disk_write *w;
	uint64_t state = seed;
	bool all_kept = true;

	memset(result, 0, sizeof(*result));
	TAILQ_FOREACH(w, &disk->list, entry) {
		if (w->durable) {
			w->keep = true;
			continue;
		}
		w->keep = mode == CUT_RANDOM && (next_random(&state) & 1);
		if (w->keep) {
			result->kept++;
			result->kept_bytes += w->old.length;
		} else {
			result->lost++;
			result->lost_bytes += w->old.length;
			all_kept = false;
		}
	}
	return all_kept;
}

/*
 * The power cut: rebuild the image as the disk holds it once its cache is
 * gone.  Undo every record newest first (leaving the flushed base), then
 * replay the survivors oldest first.  Returns 0 or -errno, after which the
 * image is in no defined state.
 */
int disk_cut(struct disk *disk, enum cut_mode mode, uint64_t seed,
	     struct cut_result *result)
{
	struct disk_write *w;
	int ret = 0;

	if (choose_survivors(disk, mode, seed, result))
		return 0;	/* the image already holds every record */
	TAILQ_FOREACH_REVERSE(w, &disk->list, disk_write_list, entry) {
		ret = extent_to_file(&w->old, disk->fd, w->offset);
		if (ret)
			return ret;
	}
	TAILQ_FOREACH(w, &disk->list, entry) {
		if (!w->keep)
			continue;
		ret = extent_to_file(&w->new, disk->fd, w->offset);
		if (ret)
			return ret;
	}
	return 0;
}

int disk_open(struct disk *disk, const char *path, uint64_t max_bytes)
{
	struct stat st;
	off_t size;

	memset(disk, 0, sizeof(*disk));
	TAILQ_INIT(&disk->list);
	disk->path = path;
	disk->max_bytes = max_bytes;
	disk->fd = open(path, O_RDWR | O_CLOEXEC);
	if (disk->fd < 0) {
		report("image %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(disk->fd, &st) ||
	    !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode))) {
		report("image %s: not a regular file or block device", path);
		goto out_close;
	}
	size = lseek(disk->fd, 0, SEEK_END);
	if (size <= 0) {
		report("image %s: %s", path,
		       size ? strerror(errno) : "empty, nothing to serve");
		goto out_close;
	}
	disk->size = size;
	return 0;

out_close:
	close(disk->fd);
	return -1;
}

void disk_close(struct disk *disk)
{
	while (!TAILQ_EMPTY(&disk->list))
		drop_head(disk, false);
	close(disk->fd);
}
