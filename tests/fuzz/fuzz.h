/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the fuzz targets share: taking values from the fuzzer's input, the
 * input formats the seed generator writes, and failing a property.  A
 * violated property prints what was violated and aborts, which libFuzzer
 * reports as a crash and saves the input of.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Input formats, first byte a control byte.  Checksums are what a fuzzer
 * cannot guess, so a control bit asks the target to set them right.
 *
 * wire-header   ctl, 48 header bytes
 * hello         ctl, 128 hello bytes, local node id, local role
 * sync-verdict  two FUZZ_SIDE_BYTES descriptions of a node (sync-verdict.c)
 * superblock    ctl, slot 0 (FUZZ_SB_BYTES), slot 1 (FUZZ_SB_BYTES)
 * activity-log  ctl, max extents (le16), extent shift, ring block, block
 * bitmap        ctl, regions (le24), index, peer slot, merge first word
 *		 (le16), merge word count, merge words (8 each), block
 * heartbeat     ctl, max records, message
 * volume-config, cluster-config: the file, as it is
 */
#define FUZZ_FIX_CSUM		(1U << 0)
#define FUZZ_FIX_CSUM_1		(1U << 1)	/* superblock: slot 1 */
#define FUZZ_SB_LAYOUT		(1U << 2)	/* superblock: create-md's */
#define FUZZ_SB_LAYOUT_1	(1U << 3)	/* offsets, slot 0 and 1 */
#define FUZZ_SB_BYTES		256		/* of each 4096-byte slot */
#define FUZZ_SIDE_BYTES		12
#define FUZZ_HELLO_V2_SIZE	(1U << 1)	/* hello: an 80-byte hello */
#define FUZZ_HELLO_SAME_UUID	(1U << 2)	/* hello: local takes the */
#define FUZZ_HELLO_SAME_SIZE	(1U << 3)	/* peer's volume, size, */
#define FUZZ_HELLO_SAME_REGIONS	(1U << 4)	/* region size */
#define FUZZ_HELLO_LOCAL_V2	(1U << 5)	/* hello: local speaks 2 */
#define FUZZ_BM_FIX_HEADER	(1U << 1)	/* bitmap: right magic, index */
#define FUZZ_BM_MERGE		(1U << 2)	/* bitmap: merge peer words */
#define FUZZ_AL_RAW_MAX		(1U << 1)	/* activity log: any maximum */

struct fuzz_input {
	const uint8_t *data;
	size_t size;
};

/* @len bytes of the input into @out, zeroes once it is used up. */
static inline void fuzz_take(struct fuzz_input *in, void *out, size_t len)
{
	size_t n = len < in->size ? len : in->size;

	if (n)
		memcpy(out, in->data, n);
	memset((uint8_t *)out + n, 0, len - n);
	in->data += n;
	in->size -= n;
}

/* A little-endian number of @bytes (at most 8) bytes. */
static inline uint64_t fuzz_le(struct fuzz_input *in, size_t bytes)
{
	uint8_t b[8];
	uint64_t value = 0;

	fuzz_take(in, b, bytes);
	while (bytes--)
		value = value << 8 | b[bytes];
	return value;
}

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	return fuzz_le(in, 1);
}

#define fuzz_fail(...) do {						\
	fprintf(stderr, "fuzz: property violated: ");			\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	abort();							\
} while (0)

#define fuzz_check(cond, ...) do {					\
	if (!(cond))							\
		fuzz_fail(__VA_ARGS__);					\
} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
