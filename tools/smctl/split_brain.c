// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl resolve, and the generation and split-brain part of smctl status
 * and smctl events.
 *
 * A split-brain the kernel refused stays refused at every reconnection
 * until an operator picks the copy to throw away: "smctl resolve VOLUME
 * --discard-local" on that node (SYNCMIRROR_CMD_RESOLVE) makes its next
 * hello say DISCARD_LOCAL, and the peer resyncs it from the two bitmaps.
 * What the kernel decided, and from what, is shown by status (the
 * "generations:" and "split-brain:" lines, and their JSON keys) so that
 * the operator can see which copy changed what before choosing.  See
 * Documentation/syncmirror-failover.rst, "Split-brain handling".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/syncmirror.h>

#include "../lib/genl.h"
#include "../lib/names.h"
#include "smctl.h"

static uint64_t get_u64(struct nlattr **a, int type)
{
	return a[type] ? nla_get_u64(a[type]) : 0;
}

static uint32_t get_u32(struct nlattr **a, int type)
{
	return a[type] ? nla_get_u32(a[type]) : 0;
}

static bool get_flag_u8(struct nlattr **a, int type)
{
	return a[type] && nla_get_u8(a[type]);
}

void smctl_sb_parse(struct nlattr **a, struct smctl_split_brain *sb)
{
	struct nlattr *history = a[SYNCMIRROR_ATTR_HISTORY_UUIDS];
	unsigned int i;

	memset(sb, 0, sizeof(*sb));
	sb->region_size = get_u32(a, SYNCMIRROR_ATTR_REGION_SIZE);
	/* Host-order u64s, newest first; take whole entries only. */
	if (history) {
		sb->history_count = nla_len(history) / sizeof(uint64_t);
		if (sb->history_count > SYNCMIRROR_HISTORY_UUIDS)
			sb->history_count = SYNCMIRROR_HISTORY_UUIDS;
		for (i = 0; i < sb->history_count; i++)
			memcpy(&sb->history[i],
			       (const char *)nla_data(history) +
			       i * sizeof(uint64_t), sizeof(uint64_t));
	}
	sb->promote_time = get_u64(a, SYNCMIRROR_ATTR_PROMOTE_TIME);
	sb->policy = get_u32(a, SYNCMIRROR_ATTR_SB_POLICY);
	sb->resolve_pending = get_flag_u8(a, SYNCMIRROR_ATTR_RESOLVE_PENDING);
	sb->has_peer_current = a[SYNCMIRROR_ATTR_PEER_CURRENT_UUID];
	sb->peer_current = get_u64(a, SYNCMIRROR_ATTR_PEER_CURRENT_UUID);
	sb->has_peer_bitmap = a[SYNCMIRROR_ATTR_PEER_BITMAP_UUID];
	sb->peer_bitmap = get_u64(a, SYNCMIRROR_ATTR_PEER_BITMAP_UUID);
	sb->has_peer_dirty = a[SYNCMIRROR_ATTR_PEER_CHANGES];
	sb->peer_dirty = get_u64(a, SYNCMIRROR_ATTR_PEER_CHANGES);

	sb->decision = get_u32(a, SYNCMIRROR_ATTR_SB_DECISION);
	sb->time = get_u64(a, SYNCMIRROR_ATTR_SB_TIME);
	sb->peer_node = get_u32(a, SYNCMIRROR_ATTR_SB_PEER_NODE_ID);
	sb->local_changes = get_u64(a, SYNCMIRROR_ATTR_SB_LOCAL_CHANGES);
	sb->peer_changes = get_u64(a, SYNCMIRROR_ATTR_SB_PEER_CHANGES);
	sb->common_uuid = get_u64(a, SYNCMIRROR_ATTR_SB_COMMON_UUID);
	sb->full = get_flag_u8(a, SYNCMIRROR_ATTR_SB_FULL);
	if (a[SYNCMIRROR_ATTR_SB_REASON])
		snprintf(sb->reason, sizeof(sb->reason), "%.*s",
			 nla_len(a[SYNCMIRROR_ATTR_SB_REASON]),
			 (const char *)nla_data(a[SYNCMIRROR_ATTR_SB_REASON]));
}

/* "2026-11-24T04:02:37Z" (UTC, as the rest of status), "unknown" for 0. */
static void format_time(uint64_t seconds, char *out, size_t size)
{
	time_t t = seconds;

	if (!seconds) {
		snprintf(out, size, "unknown");
		return;
	}
	strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
}

static void print_json_string(const char *text)
{
	const char *c;

	putchar('"');
	for (c = text; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		else if ((unsigned char)*c < 0x20)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

void smctl_sb_print_json(const struct smctl_split_brain *sb)
{
	unsigned int i;

	printf(",\"history_uuids\":[");
	for (i = 0; i < sb->history_count; i++)
		printf("%s\"%016" PRIx64 "\"", i ? "," : "", sb->history[i]);
	printf("],\"promote_time\":%" PRIu64 ",\"after_split_brain\":\"%s\","
	       "\"resolve_pending\":%s", sb->promote_time,
	       sm_sb_policy_name(sb->policy),
	       sb->resolve_pending ? "true" : "false");
	if (sb->has_peer_current)
		printf(",\"peer_current_uuid\":\"%016" PRIx64 "\"",
		       sb->peer_current);
	if (sb->has_peer_bitmap)
		printf(",\"peer_bitmap_uuid\":\"%016" PRIx64 "\"",
		       sb->peer_bitmap);
	if (sb->has_peer_dirty)
		printf(",\"peer_out_of_sync_bytes\":%" PRIu64,
		       sb->peer_dirty * sb->region_size);
	if (sb->decision == SYNCMIRROR_SB_DECISION_NONE)
		return;
	printf(",\"split_brain\":{\"decision\":\"%s\",\"victim\":\"%s\","
	       "\"time\":%" PRIu64 ",\"peer_node\":%u,"
	       "\"local_changes_bytes\":%" PRIu64
	       ",\"peer_changes_bytes\":%" PRIu64 ",\"common_uuid\":\"%016"
	       PRIx64 "\",\"full\":%s,\"reason\":",
	       sm_sb_decision_name(sb->decision),
	       sm_sb_victim_name(sb->decision), sb->time, sb->peer_node,
	       sb->local_changes * sb->region_size,
	       sb->peer_changes * sb->region_size, sb->common_uuid,
	       sb->full ? "true" : "false");
	print_json_string(sb->reason);
	printf("}");
}

/*
 * "refused at <time>, peer node 1, since generation <hex>, 1.2 MiB changed
 * here, 64.0 KiB on the peer[, full sync]: <reason> (after-split-brain
 * disconnect)[; this copy will be discarded at the next link]"
 */
static void format_split_brain(const struct smctl_split_brain *sb, char *out,
			       size_t size)
{
	char when[32], local[32], peer[32], victim[32] = "";
	size_t n;

	if (sb->decision == SYNCMIRROR_SB_DECISION_NONE) {
		snprintf(out, size, "none (after-split-brain %s)",
			 sm_sb_policy_name(sb->policy));
	} else {
		format_time(sb->time, when, sizeof(when));
		smctl_format_bytes(sb->local_changes * sb->region_size, local,
				   sizeof(local));
		smctl_format_bytes(sb->peer_changes * sb->region_size, peer,
				   sizeof(peer));
		if (sm_sb_victim_name(sb->decision)[0])
			snprintf(victim, sizeof(victim), " (victim %s)",
				 sm_sb_victim_name(sb->decision));
		snprintf(out, size, "%s%s at %s, peer node %u, since generation %016"
			 PRIx64 ", %s changed here, %s on the peer%s: %s (after-split-brain %s)",
			 sm_sb_decision_name(sb->decision), victim, when,
			 sb->peer_node, sb->common_uuid, local, peer,
			 sb->full ? ", full sync" : "",
			 sb->reason[0] ? sb->reason : "no reason given",
			 sm_sb_policy_name(sb->policy));
	}
	n = strlen(out);
	if (sb->resolve_pending && n < size)
		snprintf(out + n, size - n,
			 "; this copy will be discarded at the next link");
}

/* "history <hex> <hex> <hex> <hex>; promoted <time>[; peer current ...]" */
static void format_generations(const struct smctl_split_brain *sb, char *out,
			       size_t size)
{
	char when[32], oos[32];
	unsigned int i;
	size_t n;

	snprintf(out, size, "history");
	for (i = 0; i < sb->history_count; i++) {
		n = strlen(out);
		snprintf(out + n, size - n, " %016" PRIx64, sb->history[i]);
	}
	if (!sb->history_count) {
		n = strlen(out);
		snprintf(out + n, size - n, " unknown");
	}
	format_time(sb->promote_time / 1000000000, when, sizeof(when));
	n = strlen(out);
	snprintf(out + n, size - n, "; promoted %s", when);
	if (!sb->has_peer_current && !sb->has_peer_bitmap && !sb->has_peer_dirty)
		return;
	n = strlen(out);
	snprintf(out + n, size - n, "; peer");
	if (sb->has_peer_current) {
		n = strlen(out);
		snprintf(out + n, size - n, " current %016" PRIx64,
			 sb->peer_current);
	}
	if (sb->has_peer_bitmap) {
		n = strlen(out);
		snprintf(out + n, size - n, "%s bitmap %016" PRIx64,
			 sb->has_peer_current ? "," : "", sb->peer_bitmap);
	}
	if (sb->has_peer_dirty) {
		smctl_format_bytes(sb->peer_dirty * sb->region_size, oos,
				   sizeof(oos));
		n = strlen(out);
		snprintf(out + n, size - n, "%s %s out of sync",
			 sb->has_peer_current || sb->has_peer_bitmap ? "," : "",
			 oos);
	}
}

void smctl_sb_print_text(const struct smctl_split_brain *sb)
{
	char line[512];

	format_generations(sb, line, sizeof(line));
	printf("    generations: %s\n", line);
	format_split_brain(sb, line, sizeof(line));
	printf("    split-brain: %s\n", line);
}

void smctl_sb_print_event(uint32_t event, const struct smctl_split_brain *sb)
{
	char line[512];

	if (event == SYNCMIRROR_EVENT_SPLIT_BRAIN) {
		format_split_brain(sb, line, sizeof(line));
		printf(", split-brain %s", line);
	} else if (event == SYNCMIRROR_EVENT_DISK && sb->resolve_pending) {
		printf(", this copy will be discarded at the next link");
	}
}

static int parse_split_brain(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];

	if (!genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL))
		smctl_sb_parse(attrs, arg);
	return NL_OK;
}

/* After --discard-local: say what will be thrown away. */
static void report_discard(struct sm_genl *g, const char *volume)
{
	struct nl_msg *msg = sm_genl_request(g, SYNCMIRROR_CMD_GET_VOLUME, 0);
	struct smctl_split_brain sb;
	char changed[96] = "", bytes[32];

	memset(&sb, 0, sizeof(sb));
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume)) {
		nlmsg_free(msg);
	} else if (!sm_genl_transact(g, msg, parse_split_brain, &sb)) {
		smctl_format_bytes(sb.local_changes * sb.region_size, bytes,
				   sizeof(bytes));
		snprintf(changed, sizeof(changed), " (%s changed here%s)", bytes,
			 sb.full ? "; a full sync: every region comes from the peer" :
				   "");
	}
	/* Without the numbers the resolution still stands: say it anyway. */
	printf("%s: this copy will be discarded at the next link%s; run smctl resolve %s --cancel to undo\n",
	       volume, changed, volume);
}

/* The kernel's reason, or ours for the refusals the design names. */
static int report_refusal(struct sm_genl *g, const char *volume)
{
	const char *why = NULL;

	if (!g->message[0]) {
		if (g->error == -EINVAL)
			why = "no split-brain to resolve";
		else if (g->error == -EBUSY)
			why = "demote the copy to discard first";
		else if (g->error == -EOPNOTSUPP)
			why = "this kernel module cannot resolve a split-brain (too old)";
	}
	if (!why)
		return smctl_report(volume, g);
	fprintf(stderr, "smctl: %s: %s\n", volume, why);
	return 1;
}

static void resolve_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl resolve VOLUME --discard-local\n"
		"       smctl resolve VOLUME --cancel\n\n"
		"After a split-brain the kernel refused (smctl status shows\n"
		"\"split-brain: refused\"), run on the node whose changes are to\n"
		"go, while it is secondary and has no link:\n"
		"  --discard-local  at the next link this copy becomes the resync\n"
		"                   target: every region either node changed since\n"
		"                   the split is copied from the peer, and this\n"
		"                   node's writes since then are lost\n"
		"  --cancel         keep this copy's changes after all\n\n"
		"The choice lives in the kernel only: a reboot or removing the\n"
		"volume forgets it.  Needs CAP_NET_ADMIN.\n\n"
		"Exit status: 0 done, 1 refused (the message says why), 2 usage\n"
		"error.\n");
}

int cmd_resolve(int argc, char **argv)
{
	const char *volume = NULL;
	int action = -1, i, r;
	struct nl_msg *msg;
	struct sm_genl g;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			resolve_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--discard-local") && action < 0) {
			action = SYNCMIRROR_RESOLVE_DISCARD_LOCAL;
		} else if (!strcmp(argv[i], "--cancel") && action < 0) {
			action = SYNCMIRROR_RESOLVE_CANCEL;
		} else if (argv[i][0] != '-' && !volume) {
			volume = argv[i];
		} else {
			resolve_usage(stderr);
			return 2;
		}
	}
	if (!volume || action < 0) {
		if (volume)
			fprintf(stderr, "smctl: resolve: %s: say --discard-local or --cancel\n",
				volume);
		resolve_usage(stderr);
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_RESOLVE, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_RESOLVE_ACTION, action)) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		r = 1;
	} else if (sm_genl_transact(&g, msg, NULL, NULL)) {
		r = report_refusal(&g, volume);
	} else {
		if (action == SYNCMIRROR_RESOLVE_DISCARD_LOCAL)
			report_discard(&g, volume);
		else
			printf("%s: resolution cancelled\n", volume);
		r = 0;
	}
	sm_genl_close(&g);
	return r;
}
