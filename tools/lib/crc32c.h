/* SPDX-License-Identifier: LGPL-2.1-or-later */
#ifndef SYNCMIRROR_CRC32C_H
#define SYNCMIRROR_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Continue a CRC-32C (Castagnoli); start with ~0 and finish with ~crc. */
uint32_t crc32c_update(uint32_t crc, const void *data, size_t len);

#endif
