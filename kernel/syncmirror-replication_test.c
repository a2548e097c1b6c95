// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for how a primary's write completes once its two halves
 * ended (syncmirror_write_completion()): done only when a good disk has
 * it, failed when none has (nor, for a flush, every write it vouches
 * for), and never done before the bitmap on disk records what the peer
 * lacks.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "syncmirror-replication.h"

struct completion_case {
	const char *name;
	bool flush;
	enum syncmirror_local_result local;
	bool peer_ok;
	enum syncmirror_completion want;
	bool lost;
};

static const struct completion_case completion_cases[] = {
	/* Both copies: done. */
	{ "write, both done", false, SYNCMIRROR_LOCAL_OK, true,
	  SYNCMIRROR_COMPLETE },
	{ "flush, both done", true, SYNCMIRROR_LOCAL_OK, true,
	  SYNCMIRROR_COMPLETE },

	/* The peer lacks it: the bitmap must say so first. */
	{ "write, peer failed", false, SYNCMIRROR_LOCAL_OK, false,
	  SYNCMIRROR_WAIT_BITMAP },
	{ "flush, peer failed", true, SYNCMIRROR_LOCAL_OK, false,
	  SYNCMIRROR_WAIT_UNFLUSHED },

	/* The disk was detached before: the peer's copy is the only one. */
	{ "write, diskless, peer done", false, SYNCMIRROR_LOCAL_NONE, true,
	  SYNCMIRROR_COMPLETE },
	{ "write, diskless, peer failed", false, SYNCMIRROR_LOCAL_NONE, false,
	  SYNCMIRROR_COMPLETE_EIO },
	{ "flush, diskless, peer done", true, SYNCMIRROR_LOCAL_NONE, true,
	  SYNCMIRROR_COMPLETE },
	{ "flush, diskless, peer failed", true, SYNCMIRROR_LOCAL_NONE, false,
	  SYNCMIRROR_COMPLETE_EIO },

	/* This failure detaches the disk: the same. */
	{ "write, detached, peer done", false, SYNCMIRROR_LOCAL_DETACHED,
	  true, SYNCMIRROR_COMPLETE },
	{ "write, detached, peer failed", false, SYNCMIRROR_LOCAL_DETACHED,
	  false, SYNCMIRROR_COMPLETE_EIO },
	{ "flush, detached, peer done", true, SYNCMIRROR_LOCAL_DETACHED, true,
	  SYNCMIRROR_COMPLETE },
	{ "flush, detached, peer failed", true, SYNCMIRROR_LOCAL_DETACHED,
	  false, SYNCMIRROR_COMPLETE_EIO },

	/* io_error_pass: the local error, after the bitmap says "differs". */
	{ "write, local error, peer done", false, SYNCMIRROR_LOCAL_FAILED,
	  true, SYNCMIRROR_MARK_PEER_LACKS },
	{ "write, local error, peer failed", false, SYNCMIRROR_LOCAL_FAILED,
	  false, SYNCMIRROR_WAIT_BITMAP },
	{ "flush, local error, peer done", true, SYNCMIRROR_LOCAL_FAILED, true,
	  SYNCMIRROR_COMPLETE },
	{ "flush, local error, peer failed", true, SYNCMIRROR_LOCAL_FAILED,
	  false, SYNCMIRROR_WAIT_UNFLUSHED },

	/*
	 * The disk is detached and the bitmap names regions only it had
	 * current: a flush would vouch for writes that are lost, a write
	 * into those regions lands on a stale copy.  EIO, whatever the peer
	 * did.
	 */
	{ "flush, detached, peer done, data lost", true,
	  SYNCMIRROR_LOCAL_DETACHED, true, SYNCMIRROR_COMPLETE_EIO, true },
	{ "flush, diskless, peer done, data lost", true, SYNCMIRROR_LOCAL_NONE,
	  true, SYNCMIRROR_COMPLETE_EIO, true },
	{ "write, detached, peer done, data lost", false,
	  SYNCMIRROR_LOCAL_DETACHED, true, SYNCMIRROR_COMPLETE_EIO, true },
	{ "write, diskless, peer done, data lost", false, SYNCMIRROR_LOCAL_NONE,
	  true, SYNCMIRROR_COMPLETE_EIO, true },
	{ "flush, diskless, peer failed, data lost", true,
	  SYNCMIRROR_LOCAL_NONE, false, SYNCMIRROR_COMPLETE_EIO, true },
	/* Done on a disk detached meanwhile (by another write). */
	{ "flush, done, detached since, data lost", true, SYNCMIRROR_LOCAL_OK,
	  true, SYNCMIRROR_COMPLETE_EIO, true },
	{ "write, done, detached since, data lost", false, SYNCMIRROR_LOCAL_OK,
	  true, SYNCMIRROR_COMPLETE_EIO, true },
	/* Not the peer's either: the bitmap waits fail it on a lost disk. */
	{ "write, done, detached since, peer failed", false,
	  SYNCMIRROR_LOCAL_OK, false, SYNCMIRROR_WAIT_BITMAP, true },
};

static void completion_case_desc(const struct completion_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(completion, completion_cases, completion_case_desc);

static void syncmirror_replication_test_completion(struct kunit *test)
{
	const struct completion_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, syncmirror_write_completion(c->flush, c->local,
							  c->peer_ok, c->lost),
			c->want);
}

static struct kunit_case syncmirror_replication_test_cases[] = {
	KUNIT_CASE_PARAM(syncmirror_replication_test_completion,
			 completion_gen_params),
	{}
};

static struct kunit_suite syncmirror_replication_test_suite = {
	.name = "syncmirror_replication",
	.test_cases = syncmirror_replication_test_cases,
};

kunit_test_suite(syncmirror_replication_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
