// SPDX-License-Identifier: GPL-2.0-only
/*
 * The fuzzer's input as a file (fuzz-file.h).  The directory is in
 * /dev/shm when there is one: a config parse per run should not wait for
 * a disk.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-file.h"
#include "fuzz.h"

static char dir[PATH_MAX];
static char path[PATH_MAX];

static void remove_dir(void)
{
	if (*path)
		unlink(path);
	rmdir(dir);
}

static void make_dir(void)
{
	const char *base = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";

	snprintf(dir, sizeof(dir), "%s/sm-fuzz-XXXXXX", base);
	fuzz_check(mkdtemp(dir), "cannot make a directory in %s", base);
	atexit(remove_dir);
}

const char *fuzz_file(const char *name, const uint8_t *data, size_t size)
{
	FILE *file;

	if (!*dir)
		make_dir();
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	file = fopen(path, "we");
	fuzz_check(file, "cannot write %s", path);
	fuzz_check((!size || fwrite(data, 1, size, file) == size) &&
		   !fclose(file),
		   "cannot write %s", path);
	return path;
}
