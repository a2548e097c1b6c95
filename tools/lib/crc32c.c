// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), table driven.
 * The same checksum the kernel's crc32c() computes; used for superblocks.
 */
#include "crc32c.h"

static uint32_t table[256];

static void init_table(void)
{
	uint32_t crc;
	int i, bit;

	for (i = 0; i < 256; i++) {
		crc = i;
		for (bit = 0; bit < 8; bit++)
			crc = (crc >> 1) ^ ((crc & 1) ? 0x82f63b78 : 0);
		table[i] = crc;
	}
}

uint32_t crc32c_update(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (!table[1])
		init_table();
	while (len--)
		crc = (crc >> 8) ^ table[(crc ^ *p++) & 0xff];
	return crc;
}
