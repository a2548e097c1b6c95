// SPDX-License-Identifier: GPL-2.0-only
/*
 * Table-line parser for the syncmirror target.
 *
 * Turns the constructor's argv into a struct syncmirror_table, or into a
 * short error string suitable for ti->error.  It opens nothing and allocates
 * nothing, so every malformed line can be tested without a device.
 */

#include <linux/device-mapper.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "syncmirror-table.h"

static int parse_feature_args(struct dm_arg_set *as,
			      struct syncmirror_table *table, char **error)
{
	static const struct dm_arg feature_count = {
		.min = 0,
		.max = 2,
		.error = "Invalid number of feature arguments",
	};
	bool seen_discard = false, seen_io_error = false;
	unsigned int argc;
	const char *name;
	int r;

	/* The feature group is optional as a whole. */
	if (!as->argc)
		return 0;

	r = dm_read_arg_group(&feature_count, as, &argc, error);
	if (r)
		return r;

	while (argc--) {
		name = dm_shift_arg(as);

		if (!strcasecmp(name, SYNCMIRROR_FEATURE_NO_DISCARD_PASSDOWN)) {
			if (seen_discard)
				goto twice;
			seen_discard = true;
			table->discard_passdown = false;
		} else if (!strcasecmp(name, SYNCMIRROR_FEATURE_IO_ERROR_PASS)) {
			if (seen_io_error)
				goto twice;
			seen_io_error = true;
			table->io_error_pass = true;
		} else {
			*error = "Unknown feature argument";
			return -EINVAL;
		}
	}

	return 0;
twice:
	*error = "Feature argument given twice";
	return -EINVAL;
}

/*
 * Table line:
 *
 *   <meta dev|internal> <data dev> [<#feature args> [<feature arg>]*]
 *
 * <meta dev>: the device holding the superblock and metadata area, or the
 *             word "internal" for metadata at the end of <data dev>.
 * <data dev>: the local device that holds the data.
 *
 * Optional feature arguments:
 *   no_discard_passdown: do not advertise or pass down discards.
 *
 * On failure *error points to a static message and nothing in @table may be
 * used.
 */
int syncmirror_table_parse(unsigned int argc, char **argv,
			   struct syncmirror_table *table, char **error)
{
	struct dm_arg_set as = { .argc = argc, .argv = argv };
	int r;

	memset(table, 0, sizeof(*table));
	table->discard_passdown = true;

	if (as.argc < 2) {
		*error = as.argc ? "Missing data device argument" :
				   "Missing metadata device argument";
		return -EINVAL;
	}
	table->meta_dev_path = dm_shift_arg(&as);
	if (!strcmp(table->meta_dev_path, SYNCMIRROR_META_INTERNAL))
		table->meta_dev_path = NULL;
	table->data_dev_path = dm_shift_arg(&as);

	r = parse_feature_args(&as, table, error);
	if (r)
		return r;

	if (as.argc) {
		*error = "Unexpected arguments after the feature arguments";
		return -EINVAL;
	}

	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(syncmirror_table_parse);
