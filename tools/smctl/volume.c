// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl status / primary / secondary / events: a volume's state and role,
 * through the syncmirror generic netlink family.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <linux/syncmirror.h>
#include <netlink/genl/ctrl.h>

#include "../lib/genl.h"
#include "../lib/names.h"
#include "../lib/superblock.h"
#include "smctl.h"

/* Print one volume (a GET_VOLUME reply or an EVENT), text or JSON. */
static int print_volume(struct nl_msg *msg, void *arg)
{
	struct nlattr *attrs[SYNCMIRROR_ATTR_MAX + 1];
	int *count = arg;
	char uuid[37] = "", when[32] = "";
	const char *name;
	uint32_t role, node_id, open_count, event = 0, conn = 0, peer = 0;
	const char *reason = "";
	char peer_json[160] = "", peer_text[160] = "", since[32];
	char disk_json[160] = "", disk_text[160] = "";
	time_t since_time;
	uint64_t sectors, replicated = 0, local_only = 0;
	uint32_t diverged = 0;
	time_t now;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, attrs, SYNCMIRROR_ATTR_MAX, NULL) ||
	    !attrs[SYNCMIRROR_ATTR_VOLUME_NAME] || !attrs[SYNCMIRROR_ATTR_ROLE])
		return NL_SKIP;

	name = nla_get_string(attrs[SYNCMIRROR_ATTR_VOLUME_NAME]);
	role = nla_get_u32(attrs[SYNCMIRROR_ATTR_ROLE]);
	node_id = attrs[SYNCMIRROR_ATTR_NODE_ID] ?
		  nla_get_u32(attrs[SYNCMIRROR_ATTR_NODE_ID]) : 0;
	sectors = attrs[SYNCMIRROR_ATTR_DATA_SECTORS] ?
		  nla_get_u64(attrs[SYNCMIRROR_ATTR_DATA_SECTORS]) : 0;
	open_count = attrs[SYNCMIRROR_ATTR_OPEN_COUNT] ?
		     nla_get_u32(attrs[SYNCMIRROR_ATTR_OPEN_COUNT]) : 0;
	if (attrs[SYNCMIRROR_ATTR_VOLUME_UUID] &&
	    nla_len(attrs[SYNCMIRROR_ATTR_VOLUME_UUID]) == 16)
		sm_uuid_format(nla_data(attrs[SYNCMIRROR_ATTR_VOLUME_UUID]),
			       uuid);
	if (attrs[SYNCMIRROR_ATTR_CONN_STATE])
		conn = nla_get_u32(attrs[SYNCMIRROR_ATTR_CONN_STATE]);
	if (attrs[SYNCMIRROR_ATTR_CONN_REASON])
		reason = nla_get_string(attrs[SYNCMIRROR_ATTR_CONN_REASON]);
	if (attrs[SYNCMIRROR_ATTR_CONN_SINCE]) {
		since_time = nla_get_u64(attrs[SYNCMIRROR_ATTR_CONN_SINCE]);
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime(&since_time));
		snprintf(peer_json, sizeof(peer_json), ",\"since\":\"%s\"",
			 since);
		snprintf(peer_text, sizeof(peer_text), " since %s", since);
	}
	if (attrs[SYNCMIRROR_ATTR_PEER_NODE_ID]) {
		peer = nla_get_u32(attrs[SYNCMIRROR_ATTR_PEER_NODE_ID]);
		snprintf(peer_json + strlen(peer_json),
			 sizeof(peer_json) - strlen(peer_json),
			 ",\"peer_node_id\":%u", peer);
		snprintf(peer_text + strlen(peer_text),
			 sizeof(peer_text) - strlen(peer_text),
			 ", peer node-id %u", peer);
	}
	if (attrs[SYNCMIRROR_ATTR_PEER_ROLE]) {
		uint32_t peer_role = nla_get_u32(attrs[SYNCMIRROR_ATTR_PEER_ROLE]);

		snprintf(peer_json + strlen(peer_json),
			 sizeof(peer_json) - strlen(peer_json),
			 ",\"peer_role\":\"%s\"", sm_role_name(peer_role));
		snprintf(peer_text + strlen(peer_text),
			 sizeof(peer_text) - strlen(peer_text),
			 " (%s)", sm_role_name(peer_role));
	}
	if (attrs[SYNCMIRROR_ATTR_PING_TIMEOUT_MS])
		snprintf(peer_json + strlen(peer_json),
			 sizeof(peer_json) - strlen(peer_json),
			 ",\"ping_timeout_ms\":%u",
			 nla_get_u32(attrs[SYNCMIRROR_ATTR_PING_TIMEOUT_MS]));
	if (attrs[SYNCMIRROR_ATTR_DIVERGED])
		diverged = nla_get_u8(attrs[SYNCMIRROR_ATTR_DIVERGED]);
	if (attrs[SYNCMIRROR_ATTR_REPLICATED_WRITES])
		replicated = nla_get_u64(attrs[SYNCMIRROR_ATTR_REPLICATED_WRITES]);
	if (attrs[SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES])
		local_only = nla_get_u64(attrs[SYNCMIRROR_ATTR_LOCAL_ONLY_WRITES]);
	snprintf(disk_json, sizeof(disk_json),
		 "\"copies\":\"%s\"", diverged ? "diverged" : "consistent");
	snprintf(disk_text, sizeof(disk_text), "copies %s",
		 diverged ? "diverged" : "consistent");
	if (diverged && attrs[SYNCMIRROR_ATTR_DIVERGED_SINCE]) {
		since_time = nla_get_u64(attrs[SYNCMIRROR_ATTR_DIVERGED_SINCE]);
		strftime(since, sizeof(since), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime(&since_time));
		snprintf(disk_json + strlen(disk_json),
			 sizeof(disk_json) - strlen(disk_json),
			 ",\"diverged_since\":\"%s\"", since);
		snprintf(disk_text + strlen(disk_text),
			 sizeof(disk_text) - strlen(disk_text),
			 " since %s (a resync is needed)", since);
	}
	if (attrs[SYNCMIRROR_ATTR_EVENT]) {
		event = nla_get_u32(attrs[SYNCMIRROR_ATTR_EVENT]);
		now = time(NULL);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
			 gmtime(&now));
	}

	if (json_output) {
		printf("%s{", (count && (*count)++) ? "," : "");
		if (event)
			printf("\"time\":\"%s\",\"event\":\"%s\",", when,
			       sm_event_name(event));
		printf("\"name\":\"%s\",\"role\":\"%s\",\"node_id\":%u,"
		       "\"volume_uuid\":\"%s\",\"data_sectors\":%" PRIu64 ","
		       "\"open_count\":%u,%s,\"replicated_writes\":%" PRIu64
		       ",\"local_only_writes\":%" PRIu64 ","
		       "\"peer\":{\"state\":\"%s\","
		       "\"reason\":\"%s\"%s}}",
		       name, sm_role_name(role), node_id, uuid, sectors,
		       open_count, disk_json, replicated, local_only,
		       sm_conn_state_name(conn), reason, peer_json);
		if (event)
			printf("\n");
	} else if (event) {
		printf("%s %s: %s, role %s, %s, peer %s (%s)%s\n", when, name,
		       sm_event_name(event), sm_role_name(role), disk_text,
		       sm_conn_state_name(conn), reason, peer_text);
	} else {
		printf("%s: role %s node-id %u uuid %s size %" PRIu64
		       " sectors open %u\n    %s; writes replicated %" PRIu64
		       ", local only %" PRIu64 "\n    peer %s (%s)%s\n", name,
		       sm_role_name(role), node_id, uuid, sectors, open_count,
		       disk_text, replicated, local_only,
		       sm_conn_state_name(conn), reason, peer_text);
	}
	fflush(stdout);
	return NL_OK;
}

int smctl_report(const char *volume, struct sm_genl *g)
{
	const char *why = g->message[0] ? g->message : strerror(-g->error);

	if (g->error == -EPERM)
		why = "permission denied (CAP_NET_ADMIN is needed)";
	fprintf(stderr, "smctl: %s: %s\n", volume ? volume : "status", why);
	return 1;
}

int cmd_status(int argc, char **argv)
{
	const char *volume = argc > 1 ? argv[1] : NULL;
	struct sm_genl g;
	struct nl_msg *msg;
	int count = 0, r;

	if (argc > 2 || (volume && !strcmp(volume, "--help"))) {
		fprintf(volume ? stdout : stderr,
			"Usage: smctl [-j] status [VOLUME]\n");
		return volume && argc == 2 ? 0 : 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_GET_VOLUME,
			      volume ? 0 : NLM_F_DUMP);
	if (!msg || (volume && nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME,
					      volume))) {
		fprintf(stderr, "smctl: out of memory\n");
		sm_genl_close(&g);
		return 1;
	}
	if (json_output)
		printf("[");
	r = sm_genl_transact(&g, msg, print_volume, &count);
	if (json_output)
		printf("]\n");
	if (r)
		r = smctl_report(volume, &g);
	sm_genl_close(&g);
	return r;
}

/*
 * Send @cmd for @volume (with one u32 attribute unless @attr is 0) on the
 * open @g, and report a failure.  Returns the exit status.
 */
int smctl_volume_request(struct sm_genl *g, const char *volume, int cmd,
			 int attr, uint32_t value)
{
	struct nl_msg *msg = sm_genl_request(g, cmd, 0);

	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    (attr && nla_put_u32(msg, attr, value))) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		return 1;
	}
	return sm_genl_transact(g, msg, NULL, NULL) ? smctl_report(volume, g) : 0;
}

static int set_role(int argc, char **argv, uint32_t role)
{
	struct sm_genl g;
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		fprintf(argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr,
			"Usage: smctl %s VOLUME\n", argv[0]);
		return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	r = smctl_volume_request(&g, argv[1], SYNCMIRROR_CMD_SET_ROLE,
				 SYNCMIRROR_ATTR_ROLE, role);
	sm_genl_close(&g);
	return r;
}

int cmd_primary(int argc, char **argv)
{
	return set_role(argc, argv, SYNCMIRROR_ROLE_PRIMARY);
}

int cmd_secondary(int argc, char **argv)
{
	return set_role(argc, argv, SYNCMIRROR_ROLE_SECONDARY);
}

static int ignore_seq(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

/* Follow the events group until interrupted; one line (or object) each. */
int cmd_events(int argc, char **argv)
{
	struct sm_genl g;
	int group, r;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "Usage: smctl [-j] events\n");
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	group = genl_ctrl_resolve_grp(g.sock, SYNCMIRROR_GENL_NAME,
				      SYNCMIRROR_GENL_MCAST_EVENTS);
	if (group < 0 || nl_socket_add_membership(g.sock, group)) {
		fprintf(stderr, "smctl: events: cannot join the events group\n");
		sm_genl_close(&g);
		return 1;
	}
	nl_socket_disable_seq_check(g.sock);
	nl_socket_modify_cb(g.sock, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, ignore_seq,
			    NULL);
	nl_socket_modify_cb(g.sock, NL_CB_VALID, NL_CB_CUSTOM, print_volume,
			    NULL);
	do {
		r = nl_recvmsgs_default(g.sock);
	} while (r >= 0 || r == -NLE_INTR);
	fprintf(stderr, "smctl: events: %s\n", nl_geterror(r));
	sm_genl_close(&g);
	return 1;
}
