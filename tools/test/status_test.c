// SPDX-License-Identifier: GPL-2.0-only
/*
 * status_test - feed hand-made GET_VOLUME replies and events to smctl's
 * printer (smctl_print_volume) for tests/tools/status_test.sh, so that
 * the status and events output can be checked without the kernel module.
 *
 *   status_test [-j] SCENARIO
 *
 * SCENARIO is one of:
 *   plain      connected, no split-brain ever, no v3 hello attributes
 *   old        a kernel without any of the split-brain attributes
 *   refused    a refused split-brain, resolve pending, the peer's hello
 *   auto       resolved-auto with the peer as victim, full sync
 *   event      the SPLIT_BRAIN event of "refused"
 *   disk-event a DISK event with resolve pending
 *
 * Built into build/tools/test/, which does not go into VM images.
 */
#include <stdio.h>
#include <string.h>
#include <linux/syncmirror.h>
#include <netlink/genl/genl.h>

#include "../smctl/smctl.h"

bool json_output;

#define REGION	65536

static struct nl_msg *base_volume(void)
{
	static const uint8_t uuid[16] = {
		0x5b, 0x2c, 0x4d, 0x6e, 0x1f, 0x20, 0x4a, 0x3b,
		0x9c, 0x4d, 0x5e, 0x6f, 0x70, 0x81, 0x92, 0x03 };
	struct nl_msg *msg = nlmsg_alloc();

	genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, 0x20, 0, 0,
		    SYNCMIRROR_CMD_GET_VOLUME, SYNCMIRROR_GENL_VERSION);
	nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, "vol0");
	nla_put_u32(msg, SYNCMIRROR_ATTR_ROLE, SYNCMIRROR_ROLE_SECONDARY);
	nla_put(msg, SYNCMIRROR_ATTR_VOLUME_UUID, sizeof(uuid), uuid);
	nla_put_u32(msg, SYNCMIRROR_ATTR_NODE_ID, 0);
	nla_put_u64(msg, SYNCMIRROR_ATTR_DATA_SECTORS, 2095104);
	nla_put_u32(msg, SYNCMIRROR_ATTR_OPEN_COUNT, 0);
	nla_put_u8(msg, SYNCMIRROR_ATTR_DIVERGED, 0);
	nla_put_u64(msg, SYNCMIRROR_ATTR_REPLICATED_WRITES, 1032);
	nla_put_u64(msg, SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES, 0);
	nla_put_u32(msg, SYNCMIRROR_ATTR_CONN_STATE, SYNCMIRROR_CONN_CONNECTED);
	nla_put_string(msg, SYNCMIRROR_ATTR_CONN_REASON, "hello agreed");
	nla_put_u64(msg, SYNCMIRROR_ATTR_CONN_SINCE, 1795495512);
	nla_put_u32(msg, SYNCMIRROR_ATTR_PING_TIMEOUT_MS, 5000);
	nla_put_u32(msg, SYNCMIRROR_ATTR_PEER_NODE_ID, 1);
	nla_put_u32(msg, SYNCMIRROR_ATTR_PEER_ROLE, SYNCMIRROR_ROLE_SECONDARY);
	nla_put_u32(msg, SYNCMIRROR_ATTR_DISK_STATE, SYNCMIRROR_DISK_UP_TO_DATE);
	nla_put_u32(msg, SYNCMIRROR_ATTR_PEER_DISK_STATE,
		    SYNCMIRROR_DISK_UP_TO_DATE);
	nla_put_u32(msg, SYNCMIRROR_ATTR_REGION_SIZE, REGION);
	nla_put_u64(msg, SYNCMIRROR_ATTR_OUT_OF_SYNC_BYTES, 0);
	nla_put_u64(msg, SYNCMIRROR_ATTR_AL_CAPACITY_BYTES, 127ULL << 22);
	nla_put_u64(msg, SYNCMIRROR_ATTR_CURRENT_UUID, 0x5e4f2d3c1e9b0a6bULL);
	nla_put_u64(msg, SYNCMIRROR_ATTR_BITMAP_UUID, 0);
	nla_put_u32(msg, SYNCMIRROR_ATTR_SYNC_STATE, SYNCMIRROR_SYNC_NONE);
	nla_put_u8(msg, SYNCMIRROR_ATTR_SYNC_PAUSED, 0);
	nla_put_u64(msg, SYNCMIRROR_ATTR_SYNC_MIN_RATE, 4 << 20);
	nla_put_u32(msg, SYNCMIRROR_ATTR_VERIFY_STATE, 0);
	return msg;
}

static void put_generations(struct nl_msg *msg, uint64_t promote_ns)
{
	uint64_t history[SYNCMIRROR_HISTORY_UUIDS] = {
		0x3a1b2c3d4e5f6071ULL, 0x1122334455667789ULL, 0, 0 };

	nla_put(msg, SYNCMIRROR_ATTR_HISTORY_UUIDS, sizeof(history), history);
	nla_put_u64(msg, SYNCMIRROR_ATTR_PROMOTE_TIME, promote_ns);
}

static void put_split_brain(struct nl_msg *msg, uint32_t decision, bool full,
			    const char *reason)
{
	nla_put_u32(msg, SYNCMIRROR_ATTR_SB_DECISION, decision);
	nla_put_u64(msg, SYNCMIRROR_ATTR_SB_TIME, 1795496400);
	nla_put_u32(msg, SYNCMIRROR_ATTR_SB_PEER_NODE_ID, 1);
	nla_put_u64(msg, SYNCMIRROR_ATTR_SB_LOCAL_CHANGES, 20);
	nla_put_u64(msg, SYNCMIRROR_ATTR_SB_PEER_CHANGES, 3);
	nla_put_u64(msg, SYNCMIRROR_ATTR_SB_COMMON_UUID, 0x3a1b2c3d4e5f6071ULL);
	nla_put_u8(msg, SYNCMIRROR_ATTR_SB_FULL, full);
	nla_put_string(msg, SYNCMIRROR_ATTR_SB_REASON, reason);
}

static struct nl_msg *scenario(const char *name)
{
	struct nl_msg *msg = base_volume();

	if (!strcmp(name, "old"))
		return msg;
	if (!strcmp(name, "plain")) {
		put_generations(msg, 0);
		nla_put_u32(msg, SYNCMIRROR_ATTR_SB_POLICY,
			    SYNCMIRROR_SB_POLICY_DISCONNECT);
		nla_put_u8(msg, SYNCMIRROR_ATTR_RESOLVE_PENDING, 0);
		nla_put_u32(msg, SYNCMIRROR_ATTR_SB_DECISION,
			    SYNCMIRROR_SB_DECISION_NONE);
		return msg;
	}
	if (!strcmp(name, "refused") || !strcmp(name, "event") ||
	    !strcmp(name, "disk-event")) {
		if (!strcmp(name, "event"))
			nla_put_u32(msg, SYNCMIRROR_ATTR_EVENT,
				    SYNCMIRROR_EVENT_SPLIT_BRAIN);
		if (!strcmp(name, "disk-event"))
			nla_put_u32(msg, SYNCMIRROR_ATTR_EVENT,
				    SYNCMIRROR_EVENT_DISK);
		put_generations(msg, 1795495000123456789ULL);
		nla_put_u32(msg, SYNCMIRROR_ATTR_SB_POLICY,
			    SYNCMIRROR_SB_POLICY_DISCONNECT);
		nla_put_u8(msg, SYNCMIRROR_ATTR_RESOLVE_PENDING, 1);
		put_split_brain(msg, SYNCMIRROR_SB_DECISION_REFUSED, false,
				"split-brain: both copies have \"writes\" the other lacks");
		nla_put_u64(msg, SYNCMIRROR_ATTR_PEER_CURRENT_UUID,
			    0x77aa55cc33ee1101ULL);
		nla_put_u64(msg, SYNCMIRROR_ATTR_PEER_BITMAP_UUID,
			    0x3a1b2c3d4e5f6071ULL);
		nla_put_u64(msg, SYNCMIRROR_ATTR_PEER_CHANGES, 3);
		return msg;
	}
	if (!strcmp(name, "auto")) {
		put_generations(msg, 1795495000123456789ULL);
		nla_put_u32(msg, SYNCMIRROR_ATTR_SB_POLICY,
			    SYNCMIRROR_SB_POLICY_LEAST_CHANGES);
		nla_put_u8(msg, SYNCMIRROR_ATTR_RESOLVE_PENDING, 0);
		put_split_brain(msg, SYNCMIRROR_SB_DECISION_AUTO_PEER, true,
				"the peer changed less");
		return msg;
	}
	nlmsg_free(msg);
	return NULL;
}

int main(int argc, char **argv)
{
	struct nl_msg *msg;
	int count = 0;

	if (argc == 3 && !strcmp(argv[1], "-j")) {
		json_output = true;
		argv++, argc--;
	}
	if (argc != 2 || !(msg = scenario(argv[1]))) {
		fprintf(stderr, "Usage: status_test [-j] plain|old|refused|auto|event|disk-event\n");
		return 2;
	}
	/* A reply gets the status framing; an event is one line as is. */
	if (json_output && !strstr(argv[1], "event"))
		printf("[");
	smctl_print_volume(msg, strstr(argv[1], "event") ? NULL : &count);
	if (json_output && !strstr(argv[1], "event"))
		printf("]\n");
	nlmsg_free(msg);
	return 0;
}
