// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the syncmirror table-line parser: every line an operator
 * could type is either accepted with the meaning documented in
 * Documentation/syncmirror.rst or refused with a specific ti->error text.
 */

#include <kunit/test.h>
#include <linux/kernel.h>

#include "syncmirror-table.h"

struct table_case {
	const char *name;
	const char *line;
	/* NULL when the line is valid */
	const char *error;
	/* for valid lines: what the parser must have found */
	const char *meta_dev;
	bool discard_passdown;
	bool io_error_pass;
};

static const struct table_case table_cases[] = {
	{ "external metadata", "/dev/vdc /dev/vdb", NULL, "/dev/vdc", true },
	{ "internal metadata", "internal /dev/vdb", NULL, NULL, true },
	{ "empty feature group", "internal /dev/vdb 0", NULL, NULL, true },
	{ "no_discard_passdown", "/dev/vdc /dev/vdb 1 no_discard_passdown",
	  NULL, "/dev/vdc", false },
	{ "feature names ignore case", "internal 253:0 1 NO_DISCARD_PASSDOWN",
	  NULL, NULL, false },
	{ "io_error_pass", "internal /dev/vdb 1 io_error_pass",
	  NULL, NULL, true, true },
	{ "both features", "internal /dev/vdb 2 io_error_pass no_discard_passdown",
	  NULL, NULL, false, true },
	{ "empty line", "", "Missing metadata device argument" },
	{ "metadata device only", "internal",
	  "Missing data device argument" },
	{ "feature count is not a number", "internal /dev/vdb x",
	  "Invalid number of feature arguments" },
	{ "negative feature count", "internal /dev/vdb -1",
	  "Invalid number of feature arguments" },
	{ "feature given twice",
	  "internal /dev/vdb 2 no_discard_passdown no_discard_passdown",
	  "Feature argument given twice" },
	{ "too many features",
	  "internal /dev/vdb 3 no_discard_passdown io_error_pass io_error_pass",
	  "Invalid number of feature arguments" },
	{ "feature count larger than the arguments", "internal /dev/vdb 1",
	  "Invalid number of feature arguments" },
	{ "unknown feature", "internal /dev/vdb 1 hydrate",
	  "Unknown feature argument" },
	{ "trailing argument", "internal /dev/vdb 0 extra",
	  "Unexpected arguments after the feature arguments" },
	{ "trailing argument after a feature",
	  "internal /dev/vdb 1 no_discard_passdown extra",
	  "Unexpected arguments after the feature arguments" },
};

static void table_case_to_desc(const struct table_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(table, table_cases, table_case_to_desc);

/* A writable copy of @line owned by @test (6.1 has no kunit_kstrdup()). */
static char *copy_line(struct kunit *test, const char *line)
{
	size_t size = strlen(line) + 1;
	char *copy;

	copy = kunit_kmalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memcpy(copy, line, size);
	return copy;
}

/* Split @line on spaces into @argv the way dm_split_args() would. */
static unsigned int split_line(char *line, char **argv, unsigned int max)
{
	unsigned int argc = 0;
	char *word;

	while ((word = strsep(&line, " ")) && argc < max) {
		if (*word)
			argv[argc++] = word;
	}
	return argc;
}

static void syncmirror_table_test_parse(struct kunit *test)
{
	const struct table_case *c = test->param_value;
	struct syncmirror_table table;
	char *error = NULL;
	char *argv[8];
	unsigned int argc;
	char *line;
	int r;

	line = copy_line(test, c->line);
	argc = split_line(line, argv, ARRAY_SIZE(argv));

	r = syncmirror_table_parse(argc, argv, &table, &error);
	if (!c->error) {
		KUNIT_EXPECT_EQ(test, r, 0);
		KUNIT_EXPECT_NULL(test, error);
		KUNIT_EXPECT_STREQ(test, table.data_dev_path, argv[1]);
		if (c->meta_dev)
			KUNIT_EXPECT_STREQ(test, table.meta_dev_path,
					   c->meta_dev);
		else
			KUNIT_EXPECT_NULL(test, table.meta_dev_path);
		KUNIT_EXPECT_EQ(test, table.discard_passdown,
				c->discard_passdown);
		KUNIT_EXPECT_EQ(test, table.io_error_pass, c->io_error_pass);
	} else {
		KUNIT_EXPECT_EQ(test, r, -EINVAL);
		KUNIT_ASSERT_NOT_NULL(test, error);
		KUNIT_EXPECT_STREQ(test, error, c->error);
	}
}

/* The parser must not read past argc even when argv holds more. */
static void syncmirror_table_test_respects_argc(struct kunit *test)
{
	struct syncmirror_table table;
	char *error = NULL;
	char *argv[8];
	char *line;

	line = copy_line(test, "internal /dev/vdb 1 no_discard_passdown");
	KUNIT_ASSERT_EQ(test, split_line(line, argv, ARRAY_SIZE(argv)), 4U);

	KUNIT_EXPECT_EQ(test, syncmirror_table_parse(2, argv, &table, &error),
			0);
	KUNIT_EXPECT_TRUE(test, table.discard_passdown);

	KUNIT_EXPECT_EQ(test, syncmirror_table_parse(3, argv, &table, &error),
			-EINVAL);
	KUNIT_EXPECT_STREQ(test, error, "Invalid number of feature arguments");
}

static struct kunit_case syncmirror_table_test_cases[] = {
	KUNIT_CASE_PARAM(syncmirror_table_test_parse, table_gen_params),
	KUNIT_CASE(syncmirror_table_test_respects_argc),
	{}
};

static struct kunit_suite syncmirror_table_test_suite = {
	.name = "syncmirror_table",
	.test_cases = syncmirror_table_test_cases,
};

kunit_test_suite(syncmirror_table_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
MODULE_DESCRIPTION("KUnit tests for the syncmirror table-line parser");
MODULE_LICENSE("GPL");
