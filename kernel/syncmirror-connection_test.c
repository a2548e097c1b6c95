// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for a request's deadline on the peer link
 * (syncmirror_request_deadline()): it counts from when the request was
 * queued, whether or not it is all on the wire yet, so that a peer taking
 * it a few bytes at a time cannot hold it without end; and it survives
 * jiffies wrapping.
 */

#include <kunit/test.h>
#include <linux/kernel.h>

#include "syncmirror-connection.h"

#define LIMIT	2000UL	/* jiffies */

static enum syncmirror_deadline deadline(unsigned long queued_at,
					 bool all_sent, unsigned long now)
{
	return syncmirror_request_deadline(queued_at, all_sent, now, LIMIT);
}

/* Up to the deadline itself nothing is wrong, sent or not. */
static void syncmirror_connection_test_deadline_met(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, deadline(1000, false, 1000),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(1000, false, 1000 + LIMIT),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(1000, true, 1000 + LIMIT),
			SYNCMIRROR_DEADLINE_MET);
}

/*
 * Past it, a request still being sent (each send made some progress, or
 * it never left the queue) is as late as one the peer does not answer.
 */
static void syncmirror_connection_test_deadline_passed(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, deadline(1000, false, 1001 + LIMIT),
			SYNCMIRROR_DEADLINE_UNSENT);
	KUNIT_EXPECT_EQ(test, deadline(1000, true, 1001 + LIMIT),
			SYNCMIRROR_DEADLINE_UNACKED);
	/* Far past: a peer that drains forever. */
	KUNIT_EXPECT_EQ(test, deadline(1000, false, 1000 + 1000 * LIMIT),
			SYNCMIRROR_DEADLINE_UNSENT);
}

/*
 * All sent just now, long after it was queued: the time on the wire does
 * not start a new count.
 */
static void syncmirror_connection_test_deadline_queued(struct kunit *test)
{
	unsigned long queued = 5000, sent = queued + LIMIT - 1;

	KUNIT_EXPECT_EQ(test, deadline(queued, true, sent),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(queued, true, sent + 2),
			SYNCMIRROR_DEADLINE_UNACKED);
}

static void syncmirror_connection_test_deadline_wraps(struct kunit *test)
{
	unsigned long queued = ULONG_MAX - 10;

	KUNIT_EXPECT_EQ(test, deadline(queued, false, 5),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(queued, false, queued + LIMIT),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(queued, false, queued + LIMIT + 1),
			SYNCMIRROR_DEADLINE_UNSENT);
	KUNIT_EXPECT_EQ(test, deadline(queued, true, queued + LIMIT + 1),
			SYNCMIRROR_DEADLINE_UNACKED);
}

static struct kunit_case syncmirror_connection_test_cases[] = {
	KUNIT_CASE(syncmirror_connection_test_deadline_met),
	KUNIT_CASE(syncmirror_connection_test_deadline_passed),
	KUNIT_CASE(syncmirror_connection_test_deadline_queued),
	KUNIT_CASE(syncmirror_connection_test_deadline_wraps),
	{}
};

static struct kunit_suite syncmirror_connection_test_suite = {
	.name = "syncmirror_connection",
	.test_cases = syncmirror_connection_test_cases,
};

kunit_test_suite(syncmirror_connection_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
