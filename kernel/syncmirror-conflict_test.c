// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for conflict detection: overlapping writes are never in
 * flight together, waiting writes start in arrival order, an overlapping
 * write never overtakes one that waits, and writes that touch nothing in
 * flight go at once.
 */

#include <kunit/test.h>

#include "syncmirror-conflict.h"

static void range_init(struct syncmirror_range *r, sector_t first,
		       sector_t last)
{
	memset(r, 0, sizeof(*r));
	r->first = first;
	r->last = last;
	INIT_LIST_HEAD(&r->deferred);
}

/* The ranges syncmirror_conflicts_collect() hands out, in order. */
static int collect(struct syncmirror_conflicts *c,
		   struct syncmirror_range **out, int max)
{
	struct syncmirror_range *r, *next;
	LIST_HEAD(ready);
	int n = 0;

	syncmirror_conflicts_collect(c, &ready);
	list_for_each_entry_safe(r, next, &ready, deferred) {
		list_del_init(&r->deferred);
		if (n < max)
			out[n] = r;
		n++;
	}
	return n;
}

static void syncmirror_conflict_test_disjoint(struct kunit *test)
{
	struct syncmirror_conflicts c;
	struct syncmirror_range a, b;

	syncmirror_conflicts_init(&c);
	range_init(&a, 0, 7);
	range_init(&b, 8, 15);
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_admit(&c, &a));
	/* Adjacent is not overlapping. */
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_admit(&c, &b));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &a));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &b));
}

static void syncmirror_conflict_test_overlap_waits(struct kunit *test)
{
	struct syncmirror_range a, b, *out[2];
	struct syncmirror_conflicts c;

	syncmirror_conflicts_init(&c);
	range_init(&a, 0, 7);
	range_init(&b, 7, 7);	/* one shared sector */
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_admit(&c, &a));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &b));
	/* Nothing may start while a is in flight. */
	KUNIT_EXPECT_EQ(test, collect(&c, out, 2), 0);
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_release(&c, &a));
	KUNIT_ASSERT_EQ(test, collect(&c, out, 2), 1);
	KUNIT_EXPECT_PTR_EQ(test, out[0], &b);
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &b));
}

/*
 * While anything waits, new writes queue, but the scan lets through those
 * that overlap nothing.
 */
static void syncmirror_conflict_test_queue_behind(struct kunit *test)
{
	struct syncmirror_range a, b, d, *out[3];
	struct syncmirror_conflicts c;

	syncmirror_conflicts_init(&c);
	range_init(&a, 0, 7);
	range_init(&b, 4, 11);
	range_init(&d, 100, 107);
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_admit(&c, &a));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &b));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &d));
	KUNIT_ASSERT_EQ(test, collect(&c, out, 3), 1);
	KUNIT_EXPECT_PTR_EQ(test, out[0], &d);
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_release(&c, &a));
	KUNIT_ASSERT_EQ(test, collect(&c, out, 3), 1);
	KUNIT_EXPECT_PTR_EQ(test, out[0], &b);
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &b));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &d));
}

/*
 * a in flight; b waits for a; e overlaps b but not a: e must not start
 * before b, or the disks could see e then b on one side and b then e on
 * the other.
 */
static void syncmirror_conflict_test_no_overtaking(struct kunit *test)
{
	struct syncmirror_range a, b, e, *out[3];
	struct syncmirror_conflicts c;

	syncmirror_conflicts_init(&c);
	range_init(&a, 0, 7);
	range_init(&b, 4, 15);
	range_init(&e, 12, 19);
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_admit(&c, &a));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &b));
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &e));
	KUNIT_EXPECT_EQ(test, collect(&c, out, 3), 0);

	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_release(&c, &a));
	KUNIT_ASSERT_EQ(test, collect(&c, out, 3), 1);
	KUNIT_EXPECT_PTR_EQ(test, out[0], &b);

	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_release(&c, &b));
	KUNIT_ASSERT_EQ(test, collect(&c, out, 3), 1);
	KUNIT_EXPECT_PTR_EQ(test, out[0], &e);
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &e));
}

/* Several waiters behind one big write start together, oldest first. */
static void syncmirror_conflict_test_release_many(struct kunit *test)
{
	struct syncmirror_range big, w[4], *out[4];
	struct syncmirror_conflicts c;
	int i;

	syncmirror_conflicts_init(&c);
	range_init(&big, 0, 2047);
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_admit(&c, &big));
	for (i = 0; i < 4; i++) {
		range_init(&w[i], i * 512, i * 512 + 7);
		KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &w[i]));
	}
	KUNIT_EXPECT_TRUE(test, syncmirror_conflicts_release(&c, &big));
	KUNIT_ASSERT_EQ(test, collect(&c, out, 4), 4);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_PTR_EQ(test, out[i], &w[i]);
	/* Now in flight: a write over all of them waits. */
	range_init(&big, 0, 2047);
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_admit(&c, &big));
	for (i = 0; i < 4; i++)
		syncmirror_conflicts_release(&c, &w[i]);
	KUNIT_ASSERT_EQ(test, collect(&c, out, 4), 1);
	KUNIT_EXPECT_PTR_EQ(test, out[0], &big);
	KUNIT_EXPECT_FALSE(test, syncmirror_conflicts_release(&c, &big));
}

static struct kunit_case syncmirror_conflict_test_cases[] = {
	KUNIT_CASE(syncmirror_conflict_test_disjoint),
	KUNIT_CASE(syncmirror_conflict_test_overlap_waits),
	KUNIT_CASE(syncmirror_conflict_test_queue_behind),
	KUNIT_CASE(syncmirror_conflict_test_no_overtaking),
	KUNIT_CASE(syncmirror_conflict_test_release_many),
	{}
};

static struct kunit_suite syncmirror_conflict_test_suite = {
	.name = "syncmirror_conflict",
	.test_cases = syncmirror_conflict_test_cases,
};

kunit_test_suite(syncmirror_conflict_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
