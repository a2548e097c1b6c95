// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the quorum fence's decisions: a new bio goes on, waits
 * or fails by fence state and policy (syncmirror_quorum_bio_verdict()),
 * and a write the peer lacks completes only under a valid lease for a
 * recorded generation, or unfenced (syncmirror_quorum_write_verdict()).
 */

#include <kunit/test.h>
#include <linux/string.h>
#include <linux/syncmirror.h>

#include "syncmirror-quorum.h"

#define NONE	SYNCMIRROR_QUORUM_NONE
#define HAVE	SYNCMIRROR_QUORUM_HAVE
#define LOST	SYNCMIRROR_QUORUM_LOST
#define FAILING	SYNCMIRROR_QUORUM_FAILING
#define SUSPEND	SYNCMIRROR_QUORUM_POLICY_SUSPEND
#define ERROR	SYNCMIRROR_QUORUM_POLICY_ERROR
#define GO	SYNCMIRROR_QUORUM_GO
#define HOLD	SYNCMIRROR_QUORUM_HOLD
#define FAIL	SYNCMIRROR_QUORUM_FAIL
#define AGAIN	SYNCMIRROR_QUORUM_AGAIN

struct bio_case {
	const char *name;
	int state;
	u32 policy;
	bool suspending;
	enum syncmirror_quorum_verdict want;
};

static const struct bio_case bio_cases[] = {
	{ "unfenced", NONE, SUSPEND, false, GO },
	{ "unfenced, suspending", NONE, SUSPEND, true, GO },
	{ "valid lease", HAVE, SUSPEND, false, GO },
	{ "valid lease, policy error", HAVE, ERROR, false, GO },
	{ "valid lease, dm suspending", HAVE, SUSPEND, true, GO },
	/* Reads too: the copy may be older than a new primary's. */
	{ "lost, policy suspend", LOST, SUSPEND, false, HOLD },
	{ "lost, policy error", LOST, ERROR, false, FAIL },
	{ "lost, suspend, dm suspending", LOST, SUSPEND, true, FAIL },
	{ "failing held I/O", FAILING, SUSPEND, false, FAIL },
	{ "failing held I/O, policy error", FAILING, ERROR, false, FAIL },
};

static void bio_case_desc(const struct bio_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bio, bio_cases, bio_case_desc);

static void syncmirror_quorum_test_bio(struct kunit *test)
{
	const struct bio_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, syncmirror_quorum_bio_verdict(c->state, c->policy,
							    c->suspending),
			c->want);
}

struct write_case {
	const char *name;
	struct syncmirror_quorum_facts facts;
	enum syncmirror_quorum_verdict want;
};

/* A write the peer lacks, in a recorded generation, unless a case says. */
#define F(...) { .generation_started = true, __VA_ARGS__ }

static const struct write_case write_cases[] = {
	/* Unfenced: the bitmap on disk is enough. */
	{ "unfenced", F(.state = NONE), GO },
	{ "unfenced, generation pending",
	  F(.state = NONE, .gen_pending = true), HOLD },
	{ "unfenced, policy error, generation pending",
	  F(.state = NONE, .policy = ERROR, .gen_pending = true), HOLD },
	{ "unfenced, dm suspending", F(.state = NONE, .suspending = true),
	  FAIL },
	/* Fenced: only a valid lease for this generation lets it complete. */
	{ "valid lease", F(.state = HAVE, .policy = SUSPEND,
			   .lease_valid = true, .lease_running = true), GO },
	{ "valid lease, policy error",
	  F(.state = HAVE, .policy = ERROR, .lease_valid = true,
	    .lease_running = true), GO },
	{ "lease for an older generation, suspend",
	  F(.state = HAVE, .policy = SUSPEND, .lease_running = true), HOLD },
	/* A lease that only lacks the new generation holds, even under error. */
	{ "lease running, generation pending, error",
	  F(.state = HAVE, .policy = ERROR, .gen_pending = true,
	    .lease_running = true), HOLD },
	{ "lease expired, suspend",
	  F(.state = HAVE, .policy = SUSPEND), HOLD },
	{ "lease expired, error", F(.state = HAVE, .policy = ERROR), FAIL },
	{ "lost, suspend", F(.state = LOST, .policy = SUSPEND), HOLD },
	{ "lost, error", F(.state = LOST, .policy = ERROR), FAIL },
	{ "lost, error, generation pending",
	  F(.state = LOST, .policy = ERROR, .gen_pending = true), FAIL },
	/* Whatever the lease: these fail. */
	{ "failing held I/O", F(.state = FAILING, .policy = SUSPEND), FAIL },
	{ "dm suspending, valid lease",
	  F(.state = HAVE, .policy = SUSPEND, .suspending = true,
	    .lease_valid = true, .lease_running = true), FAIL },
	{ "disk detached, unfenced", F(.state = NONE, .diskless = true), FAIL },
	{ "disk detached, valid lease",
	  F(.state = HAVE, .diskless = true, .lease_valid = true,
	    .lease_running = true), FAIL },
	/* Its generation was reverted since its bits went to disk. */
	{ "generation reverted",
	  { .state = HAVE, .lease_valid = true, .lease_running = true }, AGAIN },
	{ "generation reverted, unfenced", { .state = NONE }, AGAIN },
	{ "generation reverted, disk detached",
	  { .state = NONE, .diskless = true }, FAIL },
};

static void write_case_desc(const struct write_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(write, write_cases, write_case_desc);

static void syncmirror_quorum_test_write(struct kunit *test)
{
	const struct write_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, syncmirror_quorum_write_verdict(&c->facts),
			c->want);
}

static struct kunit_case syncmirror_quorum_test_cases[] = {
	KUNIT_CASE_PARAM(syncmirror_quorum_test_bio, bio_gen_params),
	KUNIT_CASE_PARAM(syncmirror_quorum_test_write, write_gen_params),
	{}
};

static struct kunit_suite syncmirror_quorum_test_suite = {
	.name = "syncmirror_quorum",
	.test_cases = syncmirror_quorum_test_cases,
};

kunit_test_suite(syncmirror_quorum_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
