// SPDX-License-Identifier: GPL-2.0-only
/*
 * crc32c_update() (tools/lib/crc32c.h) for the fuzz targets, with the
 * CPU's CRC-32C instruction when it has one.  The metadata targets
 * checksum whole 4096-byte blocks several times per input, and the table
 * loop of tools/lib/crc32c.c, which is the fallback here, took most of
 * their time.  The checksum is not what is fuzzed; both give the same
 * values (checked against the standard check value at the first call).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define crc32c_update crc32c_table
#include "../../tools/lib/crc32c.c"
#undef crc32c_update

__attribute__((target("sse4.2")))
static uint32_t crc32c_sse42(uint32_t crc, const uint8_t *p, size_t len)
{
	uint64_t c = crc, word;

	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&word, p, sizeof(word));
		c = __builtin_ia32_crc32di(c, word);
	}
	while (len--)
		c = __builtin_ia32_crc32qi(c, *p++);
	return c;
}

static uint32_t (*choose(void))(uint32_t, const uint8_t *, size_t)
{
	uint32_t (*fn)(uint32_t, const uint8_t *, size_t) =
		(uint32_t (*)(uint32_t, const uint8_t *, size_t))crc32c_table;

	if (__builtin_cpu_supports("sse4.2"))
		fn = crc32c_sse42;
	if (~fn(~0U, (const uint8_t *)"123456789", 9) != 0xe3069283U) {
		fprintf(stderr, "crc32c-fast: wrong CRC-32C check value\n");
		abort();
	}
	return fn;
}

uint32_t crc32c_update(uint32_t crc, const void *data, size_t len)
{
	static uint32_t (*fn)(uint32_t, const uint8_t *, size_t);

	if (!fn)
		fn = choose();
	return fn(crc, data, len);
}
