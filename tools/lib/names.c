// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of the enums of include/uapi/linux/syncmirror.h (see names.h). */
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
