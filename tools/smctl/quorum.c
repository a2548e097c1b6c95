// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl quorum, and the quorum part of smctl status and smctl events.
 *
 * The kernel's quorum fence is armed and fed leases by syncmirrord; smctl
 * shows its state and offers the documented override: "smctl quorum
 * VOLUME off" stops enforcing it (writes then go on without quorum, which
 * makes a split-brain possible), "smctl quorum VOLUME fail-held" fails
 * the I/O it holds.  See Documentation/syncmirror-failover.rst.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/syncmirror.h>

#include "../lib/genl.h"
#include "smctl.h"

static const char *const state_names[] = {
	[SYNCMIRROR_QUORUM_NONE] = "none",
	[SYNCMIRROR_QUORUM_HAVE] = "have",
	[SYNCMIRROR_QUORUM_LOST] = "lost",
	[SYNCMIRROR_QUORUM_FAILING] = "failing",
};

static const char *state_name(uint32_t state)
{
	if (state < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[state];
	return "unknown";
}

static const char *policy_name(uint32_t policy)
{
	return policy == SYNCMIRROR_QUORUM_POLICY_ERROR ? "error" : "suspend";
}

void smctl_quorum_parse(struct nlattr **a, struct smctl_quorum *q)
{
	memset(q, 0, sizeof(*q));
	if (a[SYNCMIRROR_ATTR_QUORUM_STATE])
		q->state = nla_get_u32(a[SYNCMIRROR_ATTR_QUORUM_STATE]);
	if (a[SYNCMIRROR_ATTR_GEN_PENDING])
		q->gen_pending = nla_get_u8(a[SYNCMIRROR_ATTR_GEN_PENDING]);
	if (a[SYNCMIRROR_ATTR_QUORUM_POLICY])
		q->policy = nla_get_u32(a[SYNCMIRROR_ATTR_QUORUM_POLICY]);
	if (a[SYNCMIRROR_ATTR_QUORUM_REMAINING_MS])
		q->remaining_ms = nla_get_u32(a[SYNCMIRROR_ATTR_QUORUM_REMAINING_MS]);
	if (a[SYNCMIRROR_ATTR_QUORUM_GEN])
		q->gen = nla_get_u64(a[SYNCMIRROR_ATTR_QUORUM_GEN]);
	if (a[SYNCMIRROR_ATTR_QUORUM_TERM])
		q->term = nla_get_u64(a[SYNCMIRROR_ATTR_QUORUM_TERM]);
	if (a[SYNCMIRROR_ATTR_QUORUM_HELD])
		q->held = nla_get_u32(a[SYNCMIRROR_ATTR_QUORUM_HELD]);
	if (a[SYNCMIRROR_ATTR_QUORUM_SINCE])
		q->since = nla_get_u64(a[SYNCMIRROR_ATTR_QUORUM_SINCE]);
	if (a[SYNCMIRROR_ATTR_QUORUM_SINCE_NS])
		q->since_ns = nla_get_u64(a[SYNCMIRROR_ATTR_QUORUM_SINCE_NS]);
	if (a[SYNCMIRROR_ATTR_QUORUM_CHANGES])
		q->changes = nla_get_u64(a[SYNCMIRROR_ATTR_QUORUM_CHANGES]);
}

void smctl_quorum_print_json(const struct smctl_quorum *q)
{
	printf(",\"gen_pending\":%s,\"quorum\":{\"state\":\"%s\"",
	       q->gen_pending ? "true" : "false", state_name(q->state));
	if (q->state != SYNCMIRROR_QUORUM_NONE)
		printf(",\"policy\":\"%s\",\"remaining_ms\":%u,"
		       "\"generation\":\"%016" PRIx64 "\",\"term\":%" PRIu64
		       ",\"held\":%u,\"since\":%" PRIu64 ",\"since_ns\":%" PRIu64
		       ",\"changes\":%" PRIu64,
		       policy_name(q->policy), q->remaining_ms, q->gen, q->term,
		       q->held, q->since, q->since_ns, q->changes);
	printf("}");
}

void smctl_quorum_print_text(const struct smctl_quorum *q)
{
	if (q->state == SYNCMIRROR_QUORUM_NONE) {
		printf("    quorum: not enforced%s\n",
		       q->gen_pending ? "; generation pending" : "");
		return;
	}
	printf("    quorum: %s (%s), %u ms of lease left, generation %016"
	       PRIx64 ", term %" PRIu64 ", %u I/O held%s\n",
	       state_name(q->state), policy_name(q->policy), q->remaining_ms,
	       q->gen, q->term, q->held,
	       q->gen_pending ? "; generation pending" : "");
}

void smctl_quorum_print_event(uint32_t event, const struct smctl_quorum *q)
{
	if (event != SYNCMIRROR_EVENT_QUORUM)
		return;
	printf(", quorum %s", state_name(q->state));
	if (q->state != SYNCMIRROR_QUORUM_NONE)
		printf(" (%s), %u I/O held", policy_name(q->policy), q->held);
}

static void quorum_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl quorum VOLUME off\n"
		"       smctl quorum VOLUME fail-held\n\n"
		"The quorum fence is run by syncmirrord.  Overrides:\n"
		"  off        stop enforcing quorum: held I/O goes on, and writes\n"
		"             complete without quorum (a split-brain becomes\n"
		"             possible; the agent's audit log records who did it)\n"
		"  fail-held  fail every held and every later I/O with EIO until\n"
		"             the next lease (what a deposed primary does)\n\n"
		"Needs CAP_NET_ADMIN.  Exit status: 0 done, 1 refused, 2 usage.\n");
}

int cmd_quorum(int argc, char **argv)
{
	const char *volume = NULL;
	int action = -1, i, r;
	struct nl_msg *msg;
	struct sm_genl g;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			quorum_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "off") && volume && action < 0) {
			action = SYNCMIRROR_QUORUM_DISABLE;
		} else if (!strcmp(argv[i], "fail-held") && volume &&
			   action < 0) {
			action = SYNCMIRROR_QUORUM_FAIL_HELD;
		} else if (argv[i][0] != '-' && !volume) {
			volume = argv[i];
		} else {
			quorum_usage(stderr);
			return 2;
		}
	}
	if (!volume || action < 0) {
		quorum_usage(stderr);
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_QUORUM, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_QUORUM_ACTION, action)) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		r = 1;
	} else if (sm_genl_transact(&g, msg, NULL, NULL)) {
		r = smctl_report(volume, &g);
	} else {
		printf("%s: %s\n", volume, action == SYNCMIRROR_QUORUM_DISABLE ?
		       "quorum no longer enforced" : "held I/O failed");
		r = 0;
	}
	sm_genl_close(&g);
	return r;
}
