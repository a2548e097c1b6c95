/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Table-line parsing for the syncmirror device-mapper target.
 *
 * Parsing is kept apart from the constructor so that the grammar can grow
 * (and be tested by KUnit) without opening devices or touching dm tables.
 */
#ifndef SYNCMIRROR_TABLE_H
#define SYNCMIRROR_TABLE_H

#include <linux/types.h>
#include <linux/syncmirror.h>

/**
 * struct syncmirror_table - what a table line asks for
 * @meta_dev_path: the metadata device, or NULL for internal metadata
 * @data_dev_path: the data device
 * @discard_passdown: pass discards down to the data device
 * @io_error_pass: report a local write error instead of detaching
 *
 * The paths point into the argv handed to the parser, so they are only
 * valid while that argv is (in the constructor).
 */
struct syncmirror_table {
	const char *meta_dev_path;
	const char *data_dev_path;
	bool discard_passdown;
	bool io_error_pass;
};

int syncmirror_table_parse(unsigned int argc, char **argv,
			   struct syncmirror_table *table, char **error);

#endif /* SYNCMIRROR_TABLE_H */
