// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: an activity-log ring block, decoded by the kernel
 * (syncmirror_al_decode(), kernel/syncmirror-activity-log.c) and by the
 * tools (sm_al_decode(), tools/lib/superblock.c).
 *
 * Properties: both accept the same blocks, with the same transaction; an
 * accepted one has a seq and at most as many extents as allowed; and the
 * set it names, taken into an activity log (as writes to each extent),
 * is encoded as the next transaction, which decodes to the same set.
 *
 * Input: control byte (FUZZ_FIX_CSUM; FUZZ_AL_RAW_MAX: the maximum as
 * given, not one a superblock allows), the maximum number of extents
 * (le16), the extent shift, the ring block the transaction was read
 * from, then the block (zero-padded to 4096 bytes).
 */
#include "syncmirror-activity-log.h"
#include "syncmirror-metadata.h"
#include "superblock.h"
#include "fuzz.h"

#define BLOCK		SYNCMIRROR_MD_BLOCK_SIZE
#define RING_BLOCKS	64

static u32 al_checksum(const void *block)
{
	return syncmirror_md_block_checksum(block,
			offsetof(struct syncmirror_al_header, csum));
}

static int by_number(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* @extents sorted without repeats; returns how many are left. */
static u32 distinct(u32 *extents, u32 count)
{
	u32 i, n = 0;

	qsort(extents, count, sizeof(*extents), by_number);
	for (i = 0; i < count; i++)
		if (!n || extents[i] != extents[n - 1])
			extents[n++] = extents[i];
	return n;
}

/*
 * The transaction's set in an activity log, then its next transaction.
 * Extent UINT32_MAX is left out: the log's loops over a write's extents end
 * below it, and a volume with that many extents never loads (its
 * per-extent array would not be allocated).
 */
static void check_round_trip(u32 max, u32 shift, u32 ring_block, u64 seq,
			     u32 *extents, u32 count)
{
	static u8 block[BLOCK];
	static u32 again[SYNCMIRROR_AL_MAX_EXTENTS];
	struct syncmirror_al al;
	u32 i, n, where, count2;
	u64 seq2;

	n = distinct(extents, count);
	if (n && extents[n - 1] == UINT32_MAX)
		n--;
	fuzz_check(!syncmirror_al_init(&al, max, shift, RING_BLOCKS),
		   "no memory");
	syncmirror_al_loaded(&al, seq, ring_block);
	for (i = 0; i < n; i++) {
		sector_t sector = (sector_t)extents[i] << shift;

		fuzz_check(!syncmirror_al_begin(&al, sector, sector),
			   "extent %u of %u did not fit the log", i, n);
	}
	fuzz_check(syncmirror_al_needs_commit(&al) == !!n,
		   "a changed set does not need a commit");
	seq2 = syncmirror_al_encode(&al, block, &where);
	fuzz_check(seq2 == seq + 1 && where == (ring_block + 1) % RING_BLOCKS,
		   "transaction %llu in block %u follows %llu in block %u",
		   (unsigned long long)seq2, where, (unsigned long long)seq,
		   ring_block);
	fuzz_check(!syncmirror_al_decode(block, max, &seq2, &count2, again) &&
		   count2 == n,
		   "the next transaction does not decode to its %u extents", n);
	count2 = distinct(again, count2);
	fuzz_check(count2 == n && !memcmp(again, extents, n * sizeof(u32)),
		   "the next transaction names another set");
	syncmirror_al_committed(&al, seq2);
	for (i = 0; i < n; i++) {
		sector_t sector = (sector_t)extents[i] << shift;

		fuzz_check(syncmirror_al_begin_fast(&al, sector, sector),
			   "a committed extent needs a commit");
		syncmirror_al_end(&al, sector, sector);
		syncmirror_al_end(&al, sector, sector);
	}
	syncmirror_al_exit(&al);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 block[BLOCK];
	static u32 extents[SYNCMIRROR_AL_MAX_EXTENTS];
	struct syncmirror_al_header *h = (void *)block;
	struct fuzz_input in = { data, size };
	u8 control = fuzz_u8(&in);
	u32 max = fuzz_le(&in, 2), shift = 11 + fuzz_u8(&in) % 16;
	u32 ring_block = fuzz_u8(&in) % RING_BLOCKS, count, tools_count;
	const char *tools_why;
	uint64_t tools_seq;
	u64 seq;
	int r;

	if (!(control & FUZZ_AL_RAW_MAX))
		max = 2 + max % (SYNCMIRROR_AL_MAX_EXTENTS - 1);
	fuzz_take(&in, block, BLOCK);
	if (control & FUZZ_FIX_CSUM)
		h->csum = cpu_to_le32(al_checksum(block));

	r = syncmirror_al_decode(block, max, &seq, &count, extents);
	tools_why = sm_al_decode(block, max, &tools_seq, &tools_count);
	fuzz_check(!r == !tools_why,
		   "the kernel %s a transaction the tools %s (%s)",
		   r ? "refuses" : "accepts", tools_why ? "refuse" : "accept",
		   tools_why ? tools_why : "");
	if (r)
		return 0;
	fuzz_check(seq == tools_seq && count == tools_count,
		   "the kernel and the tools read other transactions");
	fuzz_check(seq && count <= max && count <= SYNCMIRROR_AL_MAX_EXTENTS,
		   "transaction %llu of %u extents (at most %u) accepted",
		   (unsigned long long)seq, count, max);
	/*
	 * Near the end of the seq space the next transactions cannot be
	 * newer: a ring gets there only written by hand, 2^63 transactions
	 * being out of reach (see Documentation/testing.rst, "Fuzzing").
	 */
	if (max <= SYNCMIRROR_AL_MAX_EXTENTS && seq < 1ULL << 63)
		check_round_trip(max, shift, ring_block, seq, extents, count);
	return 0;
}
