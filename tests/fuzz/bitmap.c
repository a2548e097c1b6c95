// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: dirty bitmap blocks as the kernel loads them
 * (syncmirror_bitmap_decode_block(), kernel/syncmirror-bitmap.c), checked
 * against the tools' reading (sm_bm_valid(), tools/lib/superblock.c), and
 * a peer's bitmap words merged in (syncmirror_bitmap_merge_words(), with
 * the receiver's bounds check).
 *
 * Properties: the kernel and the tools agree on which blocks are valid,
 * and the kernel takes the tools' empty blocks; a valid block is read bit
 * for bit, a damaged one as all ones over its regions; no bit past the
 * last region is ever set; the weight is the number of bits set; a merge
 * only adds the peer's bits; an encoded block decodes to the same bits.
 *
 * Input: control byte (FUZZ_FIX_CSUM; FUZZ_BM_FIX_HEADER: right magic,
 * index and peer slot; FUZZ_BM_MERGE), the number of regions (le24, at
 * most three blocks' worth), the block's index, the peer slot, the first
 * word and the number of words to merge, the words, then the block.
 */
#include "syncmirror-bitmap.h"
#include "syncmirror-metadata.h"
#include "superblock.h"
#include "fuzz.h"

#define BLOCK		SYNCMIRROR_MD_BLOCK_SIZE
#define BITS		SYNCMIRROR_BM_BITS_PER_BLOCK
#define MAX_BLOCKS	3
#define MAX_WORDS	(MAX_BLOCKS * BITS / 64)

/* Word @word of the bits in @block, as in memory. */
static unsigned long block_word(const u8 *block, u64 word)
{
	__le64 value;

	memcpy(&value, block + sizeof(struct syncmirror_bm_header) + word * 8,
	       sizeof(value));
	return le64_to_cpu(value);
}

/* The bits of regions from @first in the word at bit @first. */
static unsigned long regions_mask(const struct syncmirror_bitmap *bm,
				  u64 first)
{
	if (first >= bm->regions)
		return 0;
	if (bm->regions - first >= 64)
		return ~0UL;
	return BITMAP_LAST_WORD_MASK(bm->regions - first);
}

/* Nothing set past the regions; the weight counts what is set. */
static void check_bits(const struct syncmirror_bitmap *bm)
{
	u64 i, weight = 0;

	for (i = 0; i < bm->blocks * BITS / 64; i++) {
		fuzz_check(!(bm->bits[i] & ~regions_mask(bm, i * 64)),
			   "bits set past %llu regions in word %llu",
			   (unsigned long long)bm->regions,
			   (unsigned long long)i);
		weight += hweight64(bm->bits[i]);
	}
	fuzz_check(weight == bm->weight, "weight %llu, %llu bits set",
		   (unsigned long long)bm->weight,
		   (unsigned long long)weight);
}

/* Block @index of @bm against the block it was read from. */
static void check_block(struct syncmirror_bitmap *bm, u64 index,
			const u8 *block, bool valid)
{
	u64 first = index * BITS / 64, w;

	for (w = 0; w < BITS / 64; w++) {
		unsigned long mask = regions_mask(bm, (first + w) * 64);

		fuzz_check(bm->bits[first + w] ==
			   ((valid ? block_word(block, w) : ~0UL) & mask),
			   "word %llu of a %s block read wrong",
			   (unsigned long long)(first + w),
			   valid ? "valid" : "damaged");
	}
}

static void check_encoded(struct syncmirror_bitmap *bm, u64 index, u32 slot)
{
	static u8 block[BLOCK];
	struct syncmirror_bitmap again;

	syncmirror_bitmap_encode_block(bm, index, slot, block);
	fuzz_check(sm_bm_valid(block, index, slot),
		   "the tools refuse a block the kernel encoded");
	fuzz_check(!syncmirror_bitmap_init(&again, bm->regions,
					   bm->region_shift), "no memory");
	fuzz_check(syncmirror_bitmap_decode_block(&again, index, slot, block),
		   "the kernel refuses a block it encoded");
	check_block(&again, index, block, true);
	check_bits(&again);
	syncmirror_bitmap_exit(&again);
}

/* The peer's words, if the receiver would take them. */
static void merge(struct syncmirror_bitmap *bm, u64 first, u32 count,
		  const __le64 *words)
{
	static unsigned long before[MAX_WORDS];
	u64 total = syncmirror_bitmap_words(bm), i;

	if (first > total || count > total - first)
		return;
	memcpy(before, bm->bits, total * sizeof(long));
	syncmirror_bitmap_merge_words(bm, first, words, count);
	check_bits(bm);
	for (i = 0; i < total; i++) {
		unsigned long peer = 0;

		if (i >= first && i < first + count)
			peer = le64_to_cpu(words[i - first]);
		fuzz_check(!(before[i] & ~bm->bits[i]),
			   "a merge cleared bits of word %llu",
			   (unsigned long long)i);
		fuzz_check(!(bm->bits[i] & ~(before[i] | peer)),
			   "a merge set bits the peer did not send");
	}
}

static void fix_block(u8 *block, u8 control, u64 index, u32 slot)
{
	struct syncmirror_bm_header *h = (void *)block;

	if (control & FUZZ_BM_FIX_HEADER) {
		h->magic = cpu_to_le32(SYNCMIRROR_BM_MAGIC);
		h->index = cpu_to_le32(index);
		h->peer_slot = cpu_to_le32(slot);
	}
	if (control & FUZZ_FIX_CSUM)
		h->csum = cpu_to_le32(syncmirror_md_block_checksum(block,
					offsetof(struct syncmirror_bm_header,
						 csum)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static u8 block[BLOCK], empty[BLOCK];
	static __le64 words[256];
	struct fuzz_input in = { data, size };
	u8 control = fuzz_u8(&in);
	u64 regions = 1 + fuzz_le(&in, 3) % (MAX_BLOCKS * BITS);
	u8 index_byte = fuzz_u8(&in);
	u32 slot = fuzz_u8(&in) % SYNCMIRROR_MAX_PEER_SLOTS;
	u64 first = fuzz_le(&in, 2);
	u32 count = fuzz_u8(&in);
	struct syncmirror_bitmap bm;
	u64 index, i;
	bool valid;

	fuzz_take(&in, words, count * sizeof(words[0]));
	fuzz_take(&in, block, BLOCK);
	fuzz_check(!syncmirror_bitmap_init(&bm, regions, 7), "no memory");
	index = index_byte % bm.blocks;
	fix_block(block, control, index, slot);

	for (i = 0; i < bm.blocks; i++) {
		if (i == index)
			continue;
		sm_bm_encode_empty(empty, i, slot);
		fuzz_check(syncmirror_bitmap_decode_block(&bm, i, slot, empty),
			   "the kernel refuses an empty block of the tools");
	}
	valid = syncmirror_bitmap_decode_block(&bm, index, slot, block);
	fuzz_check(valid == sm_bm_valid(block, index, slot),
		   "the kernel reads a block as %s, the tools as %s",
		   valid ? "valid" : "damaged", valid ? "damaged" : "valid");
	check_block(&bm, index, block, valid);
	check_bits(&bm);
	fuzz_check(syncmirror_bitmap_next_set(&bm, 0) ==
		   find_next_bit(bm.bits, bm.regions, 0),
		   "the first set region is not found");
	check_encoded(&bm, index, slot);
	if (control & FUZZ_BM_MERGE)
		merge(&bm, first, count, words);
	syncmirror_bitmap_exit(&bm);
	return 0;
}
