// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirrord's log and audit trail.  Everything goes to syslog (facility
 * daemon, ident "syncmirrord"); with --stderr to stderr as well.
 *
 * Every state change the kernel announces becomes one "audit:" line with
 * the volume, the new state and its reason, and, when the kernel names
 * who caused it (the ACTOR_* attributes of an event that follows an
 * admin command), the caller's uid, pid and command name.  The format is
 * documented in Documentation/syncmirrord.rst; keep the two in step, as
 * operators grep for it.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <linux/syncmirror.h>

#include "../lib/superblock.h"
#include "syncmirrord.h"

static bool log_to_stderr;

void log_open(bool to_stderr)
{
	log_to_stderr = to_stderr;
	openlog("syncmirrord", LOG_PID, LOG_DAEMON);
}

void log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(priority, fmt, ap);
	va_end(ap);
	if (log_to_stderr) {
		va_start(ap, fmt);
		fprintf(stderr, "syncmirrord: ");
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
}

/* " by uid 0 pid 321 (smctl)", or "" when the kernel did not say. */
static void format_actor(const struct kernel_volume *kv, char *out,
			 size_t size)
{
	if (!kv->has_actor) {
		out[0] = '\0';
		return;
	}
	snprintf(out, size, " by uid %u pid %u (%s)%s%s", kv->actor_uid,
		 kv->actor_pid, kv->actor_comm[0] ? kv->actor_comm : "?",
		 kv->actor_cmd ? " command " : "",
		 kv->actor_cmd ? kernel_cmd_name(kv->actor_cmd) : "");
}

void audit_event(const struct kernel_volume *kv)
{
	char actor[128], uuid[37] = "?", peer[32] = "";

	format_actor(kv, actor, sizeof(actor));
	switch (kv->event) {
	case SYNCMIRROR_EVENT_VOLUME_UP:
		if (kv->has_uuid)
			sm_uuid_format(kv->uuid, uuid);
		log_msg(LOG_NOTICE, "audit: %s: volume up, node %u, uuid %s, %" PRIu64 " sectors, role %s%s",
			kv->name, kv->node_id, uuid, kv->data_sectors,
			sm_role_name(kv->role), actor);
		break;
	case SYNCMIRROR_EVENT_VOLUME_DOWN:
		log_msg(LOG_NOTICE, "audit: %s: volume down%s", kv->name,
			actor);
		break;
	case SYNCMIRROR_EVENT_ROLE:
		log_msg(LOG_NOTICE, "audit: %s: role %s%s", kv->name,
			sm_role_name(kv->role), actor);
		break;
	case SYNCMIRROR_EVENT_CONNECTION:
		if (kv->has_peer)
			snprintf(peer, sizeof(peer), ", peer node %u",
				 kv->peer_node_id);
		log_msg(LOG_NOTICE, "audit: %s: connection %s (%s)%s%s",
			kv->name, sm_conn_state_name(kv->conn_state),
			kv->conn_reason, peer, actor);
		break;
	case SYNCMIRROR_EVENT_DISK:
		log_msg(LOG_NOTICE, "audit: %s: disk %s%s", kv->name,
			!kv->has_diverged ? "state changed" :
			kv->diverged ? "diverged (the peer lacks writes)" :
			"in sync with the peer", actor);
		break;
	default:
		log_msg(LOG_NOTICE, "audit: %s: event %u%s", kv->name,
			kv->event, actor);
		break;
	}
}
