// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of the enums of include/uapi/linux/syncmirror.h (see names.h). */
#include <string.h>
#include <linux/syncmirror.h>

#include "names.h"

const char *sm_role_name(uint32_t role)
{
	switch (role) {
	case SYNCMIRROR_ROLE_PRIMARY: return "primary";
	case SYNCMIRROR_ROLE_SECONDARY: return "secondary";
	default: return "unknown";
	}
}

const char *sm_conn_state_name(uint32_t state)
{
	switch (state) {
	case SYNCMIRROR_CONN_NONE: return "none";
	case SYNCMIRROR_CONN_HANDSHAKE: return "handshake";
	case SYNCMIRROR_CONN_CONNECTED: return "connected";
	case SYNCMIRROR_CONN_REFUSED: return "refused";
	case SYNCMIRROR_CONN_LOST: return "lost";
	default: return "unknown";
	}
}

const char *sm_event_name(uint32_t event)
{
	switch (event) {
	case SYNCMIRROR_EVENT_VOLUME_UP: return "up";
	case SYNCMIRROR_EVENT_VOLUME_DOWN: return "down";
	case SYNCMIRROR_EVENT_ROLE: return "role";
	case SYNCMIRROR_EVENT_CONNECTION: return "connection";
	case SYNCMIRROR_EVENT_DISK: return "disk";
	case SYNCMIRROR_EVENT_RESYNC: return "resync";
	case SYNCMIRROR_EVENT_VERIFY: return "verify";
	case SYNCMIRROR_EVENT_SPLIT_BRAIN: return "split-brain";
	case SYNCMIRROR_EVENT_QUORUM: return "quorum";
	default: return "unknown";
	}
}

/* Admin commands as the audit trail names them (ACTOR_CMD). */
const char *sm_cmd_name(uint32_t cmd)
{
	switch (cmd) {
	case SYNCMIRROR_CMD_GET_VOLUME: return "get-volume";
	case SYNCMIRROR_CMD_SET_ROLE: return "set-role";
	case SYNCMIRROR_CMD_CONNECT: return "connect";
	case SYNCMIRROR_CMD_DISCONNECT: return "disconnect";
	case SYNCMIRROR_CMD_RESYNC: return "resync";
	case SYNCMIRROR_CMD_VERIFY: return "verify";
	case SYNCMIRROR_CMD_RESOLVE: return "resolve";
	default: return "unknown";
	}
}

const char *sm_disk_state_name(uint32_t state)
{
	switch (state) {
	case SYNCMIRROR_DISK_UP_TO_DATE: return "up-to-date";
	case SYNCMIRROR_DISK_INCONSISTENT: return "inconsistent";
	case SYNCMIRROR_DISK_OUTDATED: return "outdated";
	case SYNCMIRROR_DISK_DISKLESS: return "diskless";
	default: return "unknown";
	}
}

const char *sm_sync_state_name(uint32_t state)
{
	switch (state) {
	case SYNCMIRROR_SYNC_NONE: return "none";
	case SYNCMIRROR_SYNC_WAIT_BITMAP: return "wait-bitmap";
	case SYNCMIRROR_SYNC_SOURCE: return "source";
	case SYNCMIRROR_SYNC_TARGET: return "target";
	default: return "unknown";
	}
}

/* SYNCMIRROR_ATTR_VERIFY_STATE: 0 idle, 1 running. */
const char *sm_verify_state_name(uint32_t state)
{
	return state ? "running" : "idle";
}

const char *sm_resync_action_name(uint32_t action)
{
	switch (action) {
	case SYNCMIRROR_RESYNC_NONE: return "rate";
	case SYNCMIRROR_RESYNC_PAUSE: return "pause";
	case SYNCMIRROR_RESYNC_RESUME: return "resume";
	case SYNCMIRROR_RESYNC_START: return "start";
	default: return "unknown";
	}
}

const char *sm_verify_action_name(uint32_t action)
{
	switch (action) {
	case SYNCMIRROR_VERIFY_START: return "start";
	case SYNCMIRROR_VERIFY_STOP: return "stop";
	default: return "unknown";
	}
}

const char *sm_resolve_action_name(uint32_t action)
{
	switch (action) {
	case SYNCMIRROR_RESOLVE_DISCARD_LOCAL: return "discard-local";
	case SYNCMIRROR_RESOLVE_CANCEL: return "cancel";
	default: return "unknown";
	}
}

/* Indexed by enum syncmirror_sb_policy; the configuration's spelling. */
static const char *const sb_policies[__SYNCMIRROR_SB_POLICY_MAX] = {
	[SYNCMIRROR_SB_POLICY_DISCONNECT] = "disconnect",
	[SYNCMIRROR_SB_POLICY_ZERO_CHANGES] = "discard-zero-changes",
	[SYNCMIRROR_SB_POLICY_LEAST_CHANGES] = "discard-least-changes",
	[SYNCMIRROR_SB_POLICY_YOUNGER_PRIMARY] = "discard-younger-primary",
};

const char *sm_sb_policy_name(uint32_t policy)
{
	return policy < __SYNCMIRROR_SB_POLICY_MAX ? sb_policies[policy] :
						     "unknown";
}

int sm_sb_policy_parse(const char *name, uint32_t *policy)
{
	uint32_t i;

	for (i = 0; i < __SYNCMIRROR_SB_POLICY_MAX; i++) {
		if (!strcmp(name, sb_policies[i])) {
			*policy = i;
			return 0;
		}
	}
	return -1;
}

const char *sm_sb_policy_names(void)
{
	return "disconnect, discard-zero-changes, discard-least-changes or discard-younger-primary";
}

const char *sm_sb_decision_name(uint32_t decision)
{
	switch (decision) {
	case SYNCMIRROR_SB_DECISION_NONE: return "none";
	case SYNCMIRROR_SB_DECISION_REFUSED: return "refused";
	case SYNCMIRROR_SB_DECISION_MANUAL_LOCAL:
	case SYNCMIRROR_SB_DECISION_MANUAL_PEER: return "resolved-manual";
	case SYNCMIRROR_SB_DECISION_AUTO_LOCAL:
	case SYNCMIRROR_SB_DECISION_AUTO_PEER: return "resolved-auto";
	default: return "unknown";
	}
}

const char *sm_sb_victim_name(uint32_t decision)
{
	switch (decision) {
	case SYNCMIRROR_SB_DECISION_MANUAL_LOCAL:
	case SYNCMIRROR_SB_DECISION_AUTO_LOCAL: return "local";
	case SYNCMIRROR_SB_DECISION_MANUAL_PEER:
	case SYNCMIRROR_SB_DECISION_AUTO_PEER: return "peer";
	default: return "";
	}
}

/*
 * The kernel puts its own text into CONN_REASON; these are for tools that
 * meet a code elsewhere (wire traces, tests) and must say the same.
 */
static const struct {
	const char *name;
	const char *text;
} wire_errors[] = {
	[SYNCMIRROR_WIRE_ERR_NONE] = { "none", "no error" },
	[SYNCMIRROR_WIRE_ERR_VERSION] = { "version",
		"no common protocol version" },
	[SYNCMIRROR_WIRE_ERR_UUID] = { "uuid",
		"the peer has another volume UUID" },
	[SYNCMIRROR_WIRE_ERR_SIZE] = { "size", "the peer's data size differs" },
	[SYNCMIRROR_WIRE_ERR_NODE_ID] = { "node-id",
		"the peer has the same node id" },
	[SYNCMIRROR_WIRE_ERR_PROTOCOL] = { "protocol", "protocol error" },
	[SYNCMIRROR_WIRE_ERR_RESYNC_NEEDED] = { "resync-needed",
		"the copies diverged while connected: reconnect to resync" },
	[SYNCMIRROR_WIRE_ERR_DUAL_PRIMARY] = { "dual-primary",
		"both nodes are primary" },
	[SYNCMIRROR_WIRE_ERR_SPLIT_BRAIN] = { "split-brain",
		"split-brain: both copies have writes the other lacks" },
	[SYNCMIRROR_WIRE_ERR_UNRELATED] = { "unrelated",
		"the copies share no data generation (unrelated data)" },
	[SYNCMIRROR_WIRE_ERR_NO_SOURCE] = { "no-source",
		"neither copy is consistent: promote one with smctl primary --force" },
	[SYNCMIRROR_WIRE_ERR_TARGET_PRIMARY] = { "target-primary",
		"the copy that needs the resync is primary: demote it first" },
	[SYNCMIRROR_WIRE_ERR_GEOMETRY] = { "geometry",
		"the peer's bitmap region size differs" },
	[SYNCMIRROR_WIRE_ERR_STALE_PEER] = { "stale-peer",
		"the diskless node's peer lacks some of its writes" },
	[SYNCMIRROR_WIRE_ERR_BOTH_DISKLESS] = { "both-diskless",
		"neither node has a disk" },
	[SYNCMIRROR_WIRE_ERR_POLICY_MISMATCH] = { "policy-mismatch",
		"the nodes' after-split-brain policies differ" },
	[SYNCMIRROR_WIRE_ERR_RESOLVE_CONFLICT] = { "resolve-conflict",
		"both nodes asked to discard their own data" },
};

const char *sm_wire_error_name(uint32_t code)
{
	if (code < sizeof(wire_errors) / sizeof(wire_errors[0]))
		return wire_errors[code].name;
	return "unknown";
}

const char *sm_wire_error_text(uint32_t code)
{
	if (code < sizeof(wire_errors) / sizeof(wire_errors[0]))
		return wire_errors[code].text;
	return "unknown error from the peer";
}
