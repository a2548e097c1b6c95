// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-quorum - drive the kernel's quorum fence by hand, for the VM
 * scenarios (what syncmirrord does from its heartbeats):
 *
 *   sm-quorum VOLUME lease MS GENERATION [suspend|error]
 *   sm-quorum VOLUME lost [suspend|error]
 *   sm-quorum VOLUME disable
 *   sm-quorum VOLUME fail-held
 *
 * "lease" arms the fence with a lease valid for MS milliseconds from now
 * for GENERATION (16 hex digits, as smctl status prints current_uuid);
 * "lost" arms it with no lease.  Exit 0, or 1 with the kernel's reason.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/syncmirror.h>

#include "../../tools/lib/genl.h"

static int usage(void)
{
	fprintf(stderr, "usage: sm-quorum VOLUME lease MS GENERATION [suspend|error]\n"
		"       sm-quorum VOLUME lost [suspend|error]\n"
		"       sm-quorum VOLUME disable | fail-held\n");
	return 2;
}

static uint32_t policy_of(const char *word)
{
	if (!word || !strcmp(word, "suspend"))
		return SYNCMIRROR_QUORUM_POLICY_SUSPEND;
	if (!strcmp(word, "error"))
		return SYNCMIRROR_QUORUM_POLICY_ERROR;
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t until = 0, gen = 0;
	uint32_t action, policy = 0;
	struct timespec now;
	struct nl_msg *msg;
	struct sm_genl g;
	int r;

	if (argc < 3)
		return usage();
	if (!strcmp(argv[2], "lease") && (argc == 5 || argc == 6)) {
		action = SYNCMIRROR_QUORUM_LEASE;
		clock_gettime(CLOCK_MONOTONIC, &now);
		until = (uint64_t)now.tv_sec * 1000000000ULL + now.tv_nsec +
			strtoull(argv[3], NULL, 10) * 1000000ULL;
		gen = strtoull(argv[4], NULL, 16);
		policy = policy_of(argc == 6 ? argv[5] : NULL);
	} else if (!strcmp(argv[2], "lost") && (argc == 3 || argc == 4)) {
		action = SYNCMIRROR_QUORUM_LEASE;
		policy = policy_of(argc == 4 ? argv[3] : NULL);
	} else if (!strcmp(argv[2], "disable") && argc == 3) {
		action = SYNCMIRROR_QUORUM_DISABLE;
	} else if (!strcmp(argv[2], "fail-held") && argc == 3) {
		action = SYNCMIRROR_QUORUM_FAIL_HELD;
	} else {
		return usage();
	}
	if (action == SYNCMIRROR_QUORUM_LEASE && !policy)
		return usage();

	if (sm_genl_open(&g, "sm-quorum"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_QUORUM, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, argv[1]) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_QUORUM_ACTION, action) ||
	    (policy && nla_put_u32(msg, SYNCMIRROR_ATTR_QUORUM_POLICY, policy)) ||
	    (action == SYNCMIRROR_QUORUM_LEASE &&
	     (nla_put_u64(msg, SYNCMIRROR_ATTR_QUORUM_UNTIL_NS, until) ||
	      nla_put_u64(msg, SYNCMIRROR_ATTR_QUORUM_GEN, gen)))) {
		fprintf(stderr, "sm-quorum: cannot build the request\n");
		return 1;
	}
	r = sm_genl_transact(&g, msg, NULL, NULL);
	if (r)
		fprintf(stderr, "sm-quorum: %s: %s\n", argv[1],
			g.message[0] ? g.message : strerror(-r));
	sm_genl_close(&g);
	return r ? 1 : 0;
}
