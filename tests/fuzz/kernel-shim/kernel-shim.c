// SPDX-License-Identifier: GPL-2.0-only
/*
 * The kernel's lib/ bitmap functions the bitmap code calls, for the shim
 * (kernel-shim.h).  Built without fuzzer coverage: they loop over every
 * word of a bitmap block, and their comparisons would only slow the
 * fuzzers down.
 */
#include "kernel-shim.h"

void bitmap_set(unsigned long *map, unsigned long start, unsigned long len)
{
	unsigned long i = start, end = start + len;

	for (; i < end && i % BITS_PER_LONG; i++)
		__set_bit(i, map);
	for (; i + BITS_PER_LONG <= end; i += BITS_PER_LONG)
		map[BIT_WORD(i)] = ~0UL;
	for (; i < end; i++)
		__set_bit(i, map);
}

void bitmap_clear(unsigned long *map, unsigned long start, unsigned long len)
{
	unsigned long i = start, end = start + len;

	for (; i < end && i % BITS_PER_LONG; i++)
		__clear_bit(i, map);
	for (; i + BITS_PER_LONG <= end; i += BITS_PER_LONG)
		map[BIT_WORD(i)] = 0;
	for (; i < end; i++)
		__clear_bit(i, map);
}

unsigned long bitmap_weight(const unsigned long *map, unsigned long bits)
{
	unsigned long i, weight = 0;

	for (i = 0; i < bits / BITS_PER_LONG; i++)
		weight += hweight64(map[i]);
	if (bits % BITS_PER_LONG)
		weight += hweight64(map[i] & BITMAP_LAST_WORD_MASK(bits));
	return weight;
}

unsigned long find_next_bit(const unsigned long *map, unsigned long size,
			    unsigned long offset)
{
	unsigned long word;

	while (offset < size) {
		word = map[BIT_WORD(offset)] >> (offset % BITS_PER_LONG);
		if (word) {
			offset += __builtin_ctzl(word);
			return offset < size ? offset : size;
		}
		offset = (BIT_WORD(offset) + 1) * BITS_PER_LONG;
	}
	return size;
}
