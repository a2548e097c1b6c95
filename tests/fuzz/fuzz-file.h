/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The fuzzer's input as a file, for parsers that read files: written to
 * @name in a directory of this process's own, removed at exit.
 */
#ifndef FUZZ_FILE_H
#define FUZZ_FILE_H

#include <stddef.h>
#include <stdint.h>

const char *fuzz_file(const char *name, const uint8_t *data, size_t size);

#endif
