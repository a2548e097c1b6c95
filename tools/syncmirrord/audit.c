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
		 kv->actor_cmd ? sm_cmd_name(kv->actor_cmd) : "");
}

/* ", 12.0 MiB out of sync": bytes as smctl shows them, in whole units. */
static void format_bytes(uint64_t bytes, char *out, size_t size)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					     "PiB", "EiB" };
	double value = bytes;
	int unit = 0;

	while (value >= 1024 && unit < 6) {
		value /= 1024;
		unit++;
	}
	if (unit)
		snprintf(out, size, "%.1f %s", value, units[unit]);
	else
		snprintf(out, size, "%" PRIu64 " B", bytes);
}

static void audit_disk(const struct kernel_volume *kv, const char *actor)
{
	char oos[32];

	if (!kv->has_disk) {
		log_msg(LOG_NOTICE, "audit: %s: disk %s%s", kv->name,
			!kv->has_diverged ? "state changed" :
			kv->diverged ? "diverged (the peer lacks writes)" :
			"in sync with the peer", actor);
		return;
	}
	format_bytes(kv->out_of_sync, oos, sizeof(oos));
	log_msg(LOG_NOTICE, "audit: %s: disk %s, peer disk %s, %s out of sync%s",
		kv->name, sm_disk_state_name(kv->disk_state),
		sm_disk_state_name(kv->peer_disk_state), oos, actor);
}

/* "resync source 45.2% of 1.0 GiB (min 4.0 MiB/s, max unlimited)" */
static void audit_resync(const struct kernel_volume *kv, const char *actor)
{
	char action[32] = "", total[32], oos[32], min[32], max[32] = "unlimited";
	double percent = 100.0;

	if (kv->has_resync_action)
		snprintf(action, sizeof(action), " (%s)",
			 sm_resync_action_name(kv->resync_action));
	if (kv->sync_total && kv->sync_done < kv->sync_total)
		percent = (double)(kv->sync_done * 1000 / kv->sync_total) / 10;
	format_bytes(kv->sync_total, total, sizeof(total));
	format_bytes(kv->out_of_sync, oos, sizeof(oos));
	format_bytes(kv->sync_min_rate, min, sizeof(min));
	if (kv->sync_max_rate)
		format_bytes(kv->sync_max_rate, max, sizeof(max));
	log_msg(LOG_NOTICE, "audit: %s: resync %s%s%s, %.1f%% of %s, %s out of sync, rate min %s/s max %s%s%s",
		kv->name, sm_sync_state_name(kv->sync_state),
		kv->sync_paused ? " paused" : "", action, percent, total, oos,
		min, max, kv->sync_max_rate ? "/s" : "", actor);
}

static void audit_verify(const struct kernel_volume *kv, const char *actor)
{
	char action[32] = "", done[32], total[32], first[48] = "";

	if (kv->has_verify_action)
		snprintf(action, sizeof(action), " (%s)",
			 sm_verify_action_name(kv->verify_action));
	if (kv->has_first_mismatch)
		snprintf(first, sizeof(first), ", first at byte offset %" PRIu64,
			 kv->first_mismatch);
	format_bytes(kv->verify_done, done, sizeof(done));
	format_bytes(kv->verify_total, total, sizeof(total));
	log_msg(LOG_NOTICE, "audit: %s: verify %s%s, %s of %s checked, %" PRIu64 " regions differ%s%s",
		kv->name, sm_verify_state_name(kv->verify_state), action, done,
		total, kv->verify_mismatches, first, actor);
}

/*
 * "split-brain refused, peer node 1, local 1.2 MiB changed, peer 64.0 KiB
 * changed, policy disconnect: <reason>"
 */
void audit_split_brain(const struct kernel_volume *kv)
{
	const char *victim = sm_sb_victim_name(kv->sb_decision);
	char local[32], peer[32];

	format_bytes(kv->sb_local_changes * kv->region_size, local,
		     sizeof(local));
	format_bytes(kv->sb_peer_changes * kv->region_size, peer, sizeof(peer));
	log_msg(LOG_NOTICE, "audit: %s: split-brain %s%s%s%s, peer node %u, local %s changed, peer %s changed, policy %s%s: %s",
		kv->name, sm_sb_decision_name(kv->sb_decision),
		victim[0] ? " (victim " : "", victim, victim[0] ? ")" : "",
		kv->sb_peer_node_id, local, peer,
		sm_sb_policy_name(kv->sb_policy), kv->sb_full ? ", full" : "",
		kv->sb_reason[0] ? kv->sb_reason : "no reason given");
}

/* "quorum lost (suspend), term 7, 12 bios held" */
static void audit_quorum(const struct kernel_volume *kv, const char *actor)
{
	static const char *const states[] = { "none", "have", "lost",
					      "failing" };
	const char *state = kv->quorum_state < 4 ? states[kv->quorum_state] :
						   "unknown";
	char held[32] = "";

	if (kv->quorum_held)
		snprintf(held, sizeof(held), ", %u bios held", kv->quorum_held);
	log_msg(LOG_NOTICE, "audit: %s: quorum %s%s, term %" PRIu64 "%s%s",
		kv->name, state,
		kv->quorum_state == SYNCMIRROR_QUORUM_NONE ? "" :
		kv->quorum_policy == SYNCMIRROR_QUORUM_POLICY_ERROR ?
		" (error)" : " (suspend)", kv->quorum_term, held, actor);
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
		audit_disk(kv, actor);
		break;
	case SYNCMIRROR_EVENT_RESYNC:
		audit_resync(kv, actor);
		break;
	case SYNCMIRROR_EVENT_VERIFY:
		audit_verify(kv, actor);
		break;
	case SYNCMIRROR_EVENT_SPLIT_BRAIN:
		audit_split_brain(kv);
		break;
	case SYNCMIRROR_EVENT_QUORUM:
		audit_quorum(kv, actor);
		break;
	default:
		log_msg(LOG_NOTICE, "audit: %s: event %u%s", kv->name,
			kv->event, actor);
		break;
	}
}
