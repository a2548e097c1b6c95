/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * syncmirrord: the per-host agent.  One thread, one poll() loop (main.c);
 * the kernel side over generic netlink (kernel.c); per volume, the peer
 * link: listen or dial, authenticate, hand over, reconnect (link.c); the
 * log and the audit trail of kernel events (audit.c); hook programs
 * (hooks.c), run at split-brain decisions (split_brain.c); with
 * cluster.conf, quorum and automatic failover (cluster.c on heartbeat.c
 * and quorum.c); --witness runs witness.c instead of all of this.
 */
#ifndef SYNCMIRRORD_H
#define SYNCMIRRORD_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <syslog.h>

#include "../lib/auth.h"
#include "../lib/config.h"
#include "../lib/genl.h"
#include "../lib/names.h"
#include "../lib/tls.h"

/* ---- audit.c: logging ---- */

/* Log to syslog (and stderr with --stderr). */
void log_open(bool to_stderr);
void log_msg(int priority, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* ---- kernel.c: the syncmirror generic netlink family ---- */

/* One volume as the kernel reports it: a GET_VOLUME reply or an EVENT. */
struct kernel_volume {
	char name[SM_CONFIG_NAME_MAX];
	uint32_t event;			/* enum syncmirror_event; 0: a reply */
	bool has_uuid;
	uint8_t uuid[16];
	uint32_t node_id;
	uint32_t role;
	uint64_t data_sectors;
	uint32_t conn_state;		/* enum syncmirror_conn_state */
	char conn_reason[128];
	bool has_peer;
	uint32_t peer_node_id;
	bool has_diverged;
	bool diverged;
	bool has_disk;			/* metadata v2 kernels: the rest set */
	uint32_t disk_state, peer_disk_state;	/* enum syncmirror_disk_state */
	uint64_t out_of_sync;		/* bytes */
	uint32_t sync_state;		/* enum syncmirror_sync_state */
	bool sync_paused;
	uint64_t sync_total, sync_done;	/* bytes */
	uint64_t sync_min_rate, sync_max_rate;	/* bytes/s, max 0: none */
	uint32_t verify_state;		/* 0 idle, 1 running */
	uint64_t verify_total, verify_done, verify_mismatches;
	bool has_first_mismatch;
	uint64_t first_mismatch;	/* byte offset */
	bool has_resync_action, has_verify_action;	/* if the event says */
	uint32_t resync_action, verify_action;
	bool has_actor;			/* who caused the event */
	uint32_t actor_cmd, actor_uid, actor_pid;
	char actor_comm[32];
	uint32_t region_size;		/* bytes per bitmap region */
	uint64_t current_uuid;		/* data generation */
	uint64_t bitmap_uuid;		/* generation the bitmap counts from */
	bool gen_pending;		/* current_uuid not yet recorded (G3) */
	uint32_t open_count;		/* openers of /dev/mapper/<name> */
	bool has_quorum;		/* kernels with the quorum fence */
	uint32_t quorum_state;		/* enum syncmirror_quorum_state */
	uint32_t quorum_policy;		/* SYNCMIRROR_QUORUM_POLICY_* */
	uint32_t quorum_remaining_ms;
	uint64_t quorum_term;
	uint32_t quorum_held;		/* bios held */
	bool has_split_brain;		/* kernels with split-brain handling */
	uint32_t sb_policy;		/* enum syncmirror_sb_policy in effect */
	uint32_t sb_decision;		/* enum syncmirror_sb_decision */
	uint64_t sb_time;		/* epoch s of that decision */
	uint32_t sb_peer_node_id;
	uint64_t sb_local_changes, sb_peer_changes;	/* regions */
	uint64_t sb_common_uuid;
	bool sb_full;
	char sb_reason[256];
};

typedef void (*kernel_volume_fn)(const struct kernel_volume *kv, void *arg);

struct kernel {
	struct sm_genl request;		/* commands and their replies */
	struct nl_sock *events;		/* the "events" multicast group */
	kernel_volume_fn on_volume;
	void *arg;
	bool events_lost;		/* overrun: a dump must resync us */
};

/* Returns 0, or -1 with the reason on stderr (run before daemonizing). */
int kernel_open(struct kernel *k, kernel_volume_fn on_volume, void *arg);
void kernel_close(struct kernel *k);
int kernel_events_fd(struct kernel *k);
/* Hand every pending event to on_volume.  -1: the socket failed. */
int kernel_read_events(struct kernel *k);
/* Every volume to on_volume (event 0).  Returns 0 or -errno. */
int kernel_dump(struct kernel *k);
/*
 * SYNCMIRROR_CMD_CONNECT of @cfg's volume with @fd; PING_TIMEOUT_MS,
 * SB_POLICY and DATA_CSUM only when @cfg sets them, so that a kernel
 * without them keeps working for volumes that do not use them;
 * TRANSPORT_SECURITY NONE only for transport-security none.  Returns 0 or
 * -errno with the kernel's reason in @why.
 */
int kernel_connect(struct kernel *k, const struct sm_config *cfg, int fd,
		   char *why, size_t why_size);
int kernel_disconnect(struct kernel *k, const char *volume, char *why,
		      size_t why_size);
/* GET_VOLUME of one volume into @kv (not handed to on_volume). */
int kernel_get_volume(struct kernel *k, const char *volume,
		      struct kernel_volume *kv, char *why, size_t why_size);
/* SET_ROLE @role; GENERATION only when @generation is not 0. */
int kernel_set_role(struct kernel *k, const char *volume, uint32_t role,
		    uint64_t generation, char *why, size_t why_size);
/*
 * QUORUM @action (SYNCMIRROR_QUORUM_LEASE, _DISABLE, _FAIL_HELD); for a
 * LEASE, @policy, the deadline @until_ns (CLOCK_MONOTONIC, 0: none), the
 * recorded generation @gen and @term.
 */
int kernel_quorum(struct kernel *k, const char *volume, uint32_t action,
		  uint32_t policy, uint64_t until_ns, uint64_t gen,
		  uint64_t term, char *why, size_t why_size);

/* ---- audit.c: the audit trail ---- */

/* One "audit: <volume>: ..." line for a kernel event. */
void audit_event(const struct kernel_volume *kv);
/* The split-brain line alone (a decision found in a dump, not an event). */
void audit_split_brain(const struct kernel_volume *kv);

/* ---- hooks.c: running an operator's hook programs ---- */

#define HOOK_ENV_MAX		48	/* variables a caller may set */
#define HOOK_QUEUE_MAX		8	/* per volume, waiting to run */
#define HOOK_LINE_MAX		1024	/* longer output lines are split */
#define HOOK_MAX_LOG_LINES	200	/* per run; the rest is dropped */

/* How a hook ended, for its completion callback. */
struct hook_result {
	const char *hook;		/* "split-brain" */
	const char *volume;
	bool started;			/* false: it could not be started */
	bool timed_out;			/* killed at its timeout */
	int status;			/* as from waitpid() */
	long long duration_ms;
};

/*
 * Called once per hook_run() that returned 0, after the end is logged.
 * Volumes may have been reloaded (SIGHUP) meanwhile: find the volume by
 * result->volume rather than keeping a pointer to it in @arg.
 */
typedef void (*hook_done_fn)(const struct hook_result *result, void *arg);

struct hook_request {
	const char *hook;		/* name in logs: "<hook>-hook" */
	const char *volume;		/* one hook per volume at a time */
	const char *path;		/* absolute; run without a shell */
	const char *const *env;		/* "NAME=value"..., NULL; PATH added */
	unsigned int timeout_s;		/* then SIGKILL to its process group */
	hook_done_fn done;		/* may be NULL */
	void *arg;
};

/* An environment under construction: hook_env_add() copies. */
struct hook_env {
	char *vars[HOOK_ENV_MAX + 1];	/* NULL-terminated */
	int count;
	bool overflow;			/* a variable did not fit */
};

void hook_env_init(struct hook_env *e);
void hook_env_add(struct hook_env *e, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct volume;
/*
 * The variables every hook gets (Documentation/syncmirrord.rst, "Hooks"):
 * SYNCMIRROR_HOOK=@hook, the volume, its UUID and device, both node ids,
 * the peer's address, and from @kv (may be NULL) the role and generation.
 */
void hook_env_common(struct hook_env *e, const char *hook,
		     const struct volume *v, const struct kernel_volume *kv);
void hook_env_free(struct hook_env *e);

/*
 * Run a hook now, or after the volume's running one (everything in @req
 * is copied).  Returns 0, or -1 when it will not run (logged).
 */
int hook_run(const struct hook_request *req);
/* The poll loop: fds to watch (at most hooks_poll_count()), then service. */
int hooks_poll_count(void);
int hooks_poll_fds(struct pollfd *fds);
void hooks_service(const struct pollfd *fds, int count);
/* Milliseconds until a running hook's timeout, or -1 for none. */
long long hooks_next_timeout(void);
/* The agent stops: kill running hooks, drop waiting ones (no callbacks). */
void hooks_stop(void);

/* ---- link.c: a volume's peer link ---- */

#define LINK_MAX_PENDING	4	/* incoming connections authenticating */
#define LINK_BACKOFF_MIN_MS	1000
#define LINK_BACKOFF_MAX_MS	30000
#define LINK_CONNECT_TIMEOUT_MS	10000

enum link_state {
	LINK_IDLE,		/* volume not in the kernel (or unusable) */
	LINK_WAITING,		/* dialer: until next_attempt */
	LINK_DIALING,		/* dialer: connect or authentication running */
	LINK_HANDED_OVER,	/* the kernel has the link */
	LINK_LISTENING,		/* listener: accepting the peer */
};

/* One TCP connection before the handover. */
struct pending {
	int fd;			/* -1: slot free */
	bool connecting;	/* non-blocking connect() not finished */
	char address[SM_CONFIG_ADDR_MAX + 8];	/* the peer's, for logs */
	long long deadline;	/* monotonic ms */
	enum sm_auth_result want;
	struct sm_secret secret;
	struct sm_auth auth;
	bool in_tls;		/* auth done (or skipped): TLS handshake */
	struct sm_tls tls;
};

struct volume {
	struct sm_config cfg;
	bool dialer;		/* lower node id dials, the other listens */

	/* From the kernel. */
	bool in_kernel;
	uint8_t uuid[16];
	uint32_t kernel_conn_state;

	/* The last split-brain decision seen (split_brain.c). */
	bool sb_known;
	uint32_t sb_decision, sb_peer_node_id;
	uint64_t sb_common_uuid;
	bool sb_full;

	enum link_state state;
	long long next_attempt;	/* dialer WAITING, listener bind retry */
	int backoff_ms;
	int listen_fd;
	struct pending pending[LINK_MAX_PENDING];	/* dialer: only [0] */
	/* Listener: connections from elsewhere than the peer, not logged yet. */
	unsigned int strangers;
	long long strangers_logged;	/* monotonic ms of the last line */

	/* Quorum (cluster.c); quorum NULL until the kernel has the volume. */
	bool quorum_on;
	struct cluster *cluster;
	struct quorum_node *quorum;
	struct kernel_volume kv;	/* the kernel's last word on it */
	bool have_kv;
	int fence_result;		/* enum quorum_hook_result */
	bool deposed_open_logged;
};

struct daemon_ctx {
	struct kernel kernel;
	struct volume *volumes;
	int volume_count;
	struct cluster *cluster;	/* NULL: no cluster.conf */
	const char *state_dir;
};

struct volume *daemon_find_volume(struct daemon_ctx *d, const char *name);

/* ---- cluster.c: quorum and automatic failover on a data node ---- */

/* DIR/cluster.conf parsed, or NULL when absent or broken (logged). */
struct cluster *cluster_load(const char *dir, const char *state_dir);
void cluster_free(struct cluster *c);
/* After the volume's file is parsed: decide quorum on or off (@c may be NULL). */
void cluster_configure_volume(struct cluster *c, struct volume *v);
void cluster_volume_free(struct volume *v);
/* Every kernel message (reply or event) for a configured volume. */
void cluster_kernel_volume(struct daemon_ctx *d, struct volume *v,
			   const struct kernel_volume *kv);
/* Run the volume's machine now and carry out what it says. */
void cluster_step(struct daemon_ctx *d, struct volume *v);
/* Poll loop: at most HB_MAX_FDS fds. */
#define CLUSTER_MAX_FDS		(1 + 4 + 32)
int cluster_poll_fds(struct cluster *c, struct pollfd *fds);
long long cluster_next_timeout(struct cluster *c, long long now);
void cluster_service(struct daemon_ctx *d, const struct pollfd *fds,
		     int count);

long long now_ms(void);

void link_init(struct volume *v);
/* The kernel has the volume (dump or "up" event): start the link. */
void link_volume_up(struct daemon_ctx *d, struct volume *v,
		    const struct kernel_volume *kv);
/* The volume is gone, or we are stopping: close everything. */
void link_stop(struct volume *v);
/* A CONNECTION event (or a dump reply) for the volume. */
void link_connection_event(struct daemon_ctx *d, struct volume *v,
			   const struct kernel_volume *kv);
/* Add the volume's fds to @fds (room for 1 + LINK_MAX_PENDING). */
int link_poll_fds(struct volume *v, struct pollfd *fds);
/* Act on poll results for the fds link_poll_fds() gave, and on timers. */
void link_service(struct daemon_ctx *d, struct volume *v,
		  const struct pollfd *fds, int count);
/* Milliseconds until the volume's next timer, or -1 for none. */
long long link_next_timeout(const struct volume *v);

/* ---- split_brain.c: split-brain decisions ---- */

/*
 * A SPLIT_BRAIN event or a dump reply for @v: run split-brain-hook once
 * for each new decision.
 */
void split_brain_seen(struct daemon_ctx *d, struct volume *v,
		      const struct kernel_volume *kv);

#endif
