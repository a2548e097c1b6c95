// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the deadlines of the peer link
 * (syncmirror_request_deadline()): a message must be all on the wire a
 * limit after its send began, however steadily it makes progress, so
 * that a peer taking it a few bytes at a time cannot hold it (and what
 * waits behind it) without end; a request must then be acknowledged a
 * limit after it was all sent.  Both survive jiffies wrapping.
 */

#include <kunit/test.h>
#include <linux/kernel.h>

#include "syncmirror-connection.h"

#define LIMIT	2000UL	/* jiffies */

static enum syncmirror_deadline deadline(unsigned long since, bool all_sent,
					 unsigned long now)
{
	return syncmirror_request_deadline(since, all_sent, now, LIMIT);
}

/* Up to the deadline itself nothing is wrong, being sent or not. */
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
 * Past it, a message still being sent (each socket send made some
 * progress in time, the whole did not) is as late as a request the peer
 * does not answer.
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
 * A request all sent just before its send's deadline: the wait for its
 * ACK is counted from then, and is over a limit later.
 */
static void syncmirror_connection_test_deadline_phases(struct kunit *test)
{
	unsigned long began = 5000, sent = began + LIMIT - 1;

	KUNIT_EXPECT_EQ(test, deadline(began, false, sent),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(sent, true, began + LIMIT + 1),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(sent, true, sent + LIMIT),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(sent, true, sent + LIMIT + 1),
			SYNCMIRROR_DEADLINE_UNACKED);
}

static void syncmirror_connection_test_deadline_wraps(struct kunit *test)
{
	unsigned long began = ULONG_MAX - 10;

	KUNIT_EXPECT_EQ(test, deadline(began, false, 5),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(began, false, began + LIMIT),
			SYNCMIRROR_DEADLINE_MET);
	KUNIT_EXPECT_EQ(test, deadline(began, false, began + LIMIT + 1),
			SYNCMIRROR_DEADLINE_UNSENT);
	KUNIT_EXPECT_EQ(test, deadline(began, true, began + LIMIT + 1),
			SYNCMIRROR_DEADLINE_UNACKED);
}

static struct kunit_case syncmirror_connection_test_cases[] = {
	KUNIT_CASE(syncmirror_connection_test_deadline_met),
	KUNIT_CASE(syncmirror_connection_test_deadline_passed),
	KUNIT_CASE(syncmirror_connection_test_deadline_phases),
	KUNIT_CASE(syncmirror_connection_test_deadline_wraps),
	{}
};

static struct kunit_suite syncmirror_connection_test_suite = {
	.name = "syncmirror_connection",
	.test_cases = syncmirror_connection_test_cases,
};

kunit_test_suite(syncmirror_connection_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
