// SPDX-License-Identifier: GPL-2.0-only
/*
 * syncmirrord - the syncmirror per-host agent.
 *
 * Reads every <volume>.conf in the configuration directory, follows the
 * kernel's "events" multicast group, and for each configured volume that
 * the kernel has keeps an authenticated peer link (link.c) going.  Every
 * kernel event is written to syslog as an audit line (audit.c); split-brain
 * decisions run the volume's hook (split_brain.c, hooks.c).
 *
 * One thread and one ppoll() loop: the events socket, each volume's
 * listening socket and its connections being set up, and the pidfds and
 * output pipes of running hooks, and with cluster.conf the heartbeat
 * links of quorum and automatic failover (cluster.c).  --witness runs the
 * diskless voter instead (witness.c).  Signals are blocked
 * except inside ppoll(), so a SIGTERM is never lost between a check and
 * the wait.  See Documentation/syncmirrord.rst.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <sys/mman.h>

#include "../lib/cluster-config.h"
#include "../lib/quorum-state.h"
#include "syncmirrord.h"
#include "witness.h"

static volatile sig_atomic_t stop_signal, reload_requested;

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		reload_requested = 1;
	else
		stop_signal = sig;
}

struct volume *daemon_find_volume(struct daemon_ctx *d, const char *name)
{
	int i;

	for (i = 0; i < d->volume_count; i++)
		if (!strcmp(d->volumes[i].cfg.volume, name))
			return &d->volumes[i];
	return NULL;
}

/* Every kernel message: audit it, then let the volume's link react. */
static void on_kernel_volume(const struct kernel_volume *kv, void *arg)
{
	struct daemon_ctx *d = arg;
	struct volume *v;

	if (kv->event)
		audit_event(kv);
	v = daemon_find_volume(d, kv->name);
	if (!v)
		return;
	switch (kv->event) {
	case 0:			/* a dump reply: what is there now */
	case SYNCMIRROR_EVENT_VOLUME_UP:
		if (v->state == LINK_IDLE || kv->event)
			link_volume_up(d, v, kv);
		else if (kv->conn_state != v->kernel_conn_state)
			link_connection_event(d, v, kv);
		v->in_kernel = true;
		if (!kv->event)
			split_brain_seen(d, v, kv);
		break;
	case SYNCMIRROR_EVENT_VOLUME_DOWN:
		if (v->state != LINK_IDLE)
			log_msg(LOG_INFO, "%s: volume down; link stopped",
				v->cfg.volume);
		link_stop(v);
		v->in_kernel = false;
		break;
	case SYNCMIRROR_EVENT_CONNECTION:
		link_connection_event(d, v, kv);
		break;
	case SYNCMIRROR_EVENT_SPLIT_BRAIN:
		split_brain_seen(d, v, kv);
		break;
	default:
		break;
	}
	cluster_kernel_volume(d, v, kv);
}

/*
 * Heartbeats must go out while the volumes they protect are busy: I/O at
 * a high queue depth can keep every normal process off a small machine's
 * CPUs for longer than loss-timeout, and the peer would be promoted
 * although this node is alive.  So the agent runs under SCHED_RR (above
 * the kernel's default for normal kworkers, below its own real-time
 * threads) with its memory locked, as corosync does; hooks are reset to
 * the normal policy (SCHED_RESET_ON_FORK).  Not fatal: logged.
 */
#define SMD_RT_PRIORITY		10

static void run_realtime(void)
{
	struct sched_param sp = { .sched_priority = SMD_RT_PRIORITY };
	int policy = sched_getscheduler(0) & ~SCHED_RESET_ON_FORK;

	/* Set already (systemd's CPUSchedulingPolicy=): keep it. */
	if (policy != SCHED_RR && policy != SCHED_FIFO &&
	    sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &sp))
		log_msg(LOG_WARNING, "cannot run under SCHED_RR (%m): heavy I/O may delay heartbeats");
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		log_msg(LOG_WARNING, "cannot lock the agent's memory (%m)");
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(((const struct volume *)a)->cfg.volume,
		      ((const struct volume *)b)->cfg.volume);
}

/* Not fatal: the link matters more; the run will fail too. */
static void check_hook(const struct volume *v, const char *key,
		       const char *path)
{
	char error[SM_CONFIG_PATH_MAX + 256];

	if (path[0] && sm_hook_check(path, error, sizeof(error)))
		log_msg(LOG_WARNING, "%s: %s %s; it will fail when run",
			v->cfg.volume, key, error);
}

/*
 * Parse cluster.conf (if any) and every other *.conf in @dir; a broken
 * one is logged and left out.
 */
static int load_configs(struct daemon_ctx *d, const char *dir)
{
	char path[SM_CONFIG_PATH_MAX], error[SM_CONFIG_PATH_MAX + 256];
	size_t suffix = strlen(SM_CONFIG_SUFFIX), len;
	struct volume *v;
	struct dirent *e;
	DIR *dp;

	d->cluster = cluster_load(dir, d->state_dir);
	dp = opendir(dir);
	if (!dp) {
		log_msg(LOG_ERR, "cannot read the configuration directory %s: %m",
			dir);
		return -1;
	}
	while ((e = readdir(dp))) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= suffix ||
		    strcmp(e->d_name + len - suffix, SM_CONFIG_SUFFIX) ||
		    !strcmp(e->d_name, SM_CLUSTER_CONFIG_FILE))
			continue;
		v = realloc(d->volumes, (d->volume_count + 1) * sizeof(*v));
		if (!v) {
			log_msg(LOG_ERR, "out of memory");
			break;
		}
		d->volumes = v;
		v = &d->volumes[d->volume_count];
		memset(v, 0, sizeof(*v));
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (sm_config_parse_file(path, &v->cfg, error, sizeof(error))) {
			log_msg(LOG_ERR, "%s; volume skipped", error);
			continue;
		}
		v->dialer = v->cfg.node_id < v->cfg.peer_node_id;
		link_init(v);
		cluster_configure_volume(d->cluster, v);
		/* Not fatal: the link matters more; the run will fail too. */
		check_hook(v, "split-brain-hook", v->cfg.split_brain_hook);
		check_hook(v, "fence-hook", v->cfg.fence_hook);
		check_hook(v, "promote-hook", v->cfg.promote_hook);
		check_hook(v, "deposed-hook", v->cfg.deposed_hook);
		d->volume_count++;
		log_msg(LOG_INFO, "%s: configured from %s: node %u, %s peer node %u at %s%s",
			v->cfg.volume, path, v->cfg.node_id,
			v->dialer ? "dials" : "listens for", v->cfg.peer_node_id,
			v->dialer ? v->cfg.peer_address : v->cfg.address,
			v->quorum_on ? ", quorum on" : "");
	}
	closedir(dp);
	qsort(d->volumes, d->volume_count, sizeof(*d->volumes), compare_names);
	if (!d->volume_count)
		log_msg(LOG_WARNING, "no volume is configured in %s", dir);
	return 0;
}

static void free_volumes(struct daemon_ctx *d)
{
	int i;

	for (i = 0; i < d->volume_count; i++) {
		link_stop(&d->volumes[i]);
		cluster_volume_free(&d->volumes[i]);
	}
	cluster_free(d->cluster);
	d->cluster = NULL;
	free(d->volumes);
	d->volumes = NULL;
	d->volume_count = 0;
}

/*
 * Learn what the kernel has now; volumes it no longer has (their "down"
 * event was lost) stop.
 */
static void resync(struct daemon_ctx *d)
{
	int i;

	for (i = 0; i < d->volume_count; i++)
		d->volumes[i].in_kernel = false;
	if (kernel_dump(&d->kernel))
		return;
	for (i = 0; i < d->volume_count; i++)
		if (!d->volumes[i].in_kernel &&
		    d->volumes[i].state != LINK_IDLE) {
			log_msg(LOG_INFO, "%s: gone from the kernel; link stopped",
				d->volumes[i].cfg.volume);
			link_stop(&d->volumes[i]);
		}
}

/*
 * A poll loop that stalls delays heartbeats, and a node whose heartbeats
 * stop loses quorum although it is alive: say so, and where.
 */
#define LOOP_LATE_MS	250

static void loop_slow(const char *what, long long ms)
{
	if (ms > LOOP_LATE_MS)
		log_msg(LOG_WARNING, "event loop spent %lld ms in %s", ms, what);
}

static int run(struct daemon_ctx *d, const char *dir)
{
	struct pollfd *fds = NULL;
	struct timespec ts, *tsp;
	long long timeout, t;
	sigset_t waitmask;
	long long asleep, woke, serviced;
	int i, n, *first, hook_fds, cluster_fds, r;

	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGHUP);

	resync(d);
	while (!stop_signal) {
		if (reload_requested) {
			reload_requested = 0;
			log_msg(LOG_NOTICE, "SIGHUP: reloading %s", dir);
			free_volumes(d);
			load_configs(d, dir);
			resync(d);
		}
		if (d->kernel.events_lost) {
			d->kernel.events_lost = false;
			log_msg(LOG_WARNING, "kernel events were lost; asking the kernel for every volume");
			resync(d);
		}

		free(fds);
		fds = calloc(1 + d->volume_count * (1 + LINK_MAX_PENDING) +
			     hooks_poll_count() + CLUSTER_MAX_FDS,
			     sizeof(*fds));
		first = calloc(d->volume_count + 1, sizeof(*first));
		if (!fds || !first) {
			free(first);
			log_msg(LOG_ERR, "out of memory");
			break;
		}
		fds[0] = (struct pollfd){ .fd = kernel_events_fd(&d->kernel),
					  .events = POLLIN };
		n = 1;
		timeout = -1;
		for (i = 0; i < d->volume_count; i++) {
			first[i] = n;
			n += link_poll_fds(&d->volumes[i], fds + n);
			t = link_next_timeout(&d->volumes[i]);
			if (t >= 0 && (timeout < 0 || t < timeout))
				timeout = t;
		}
		first[d->volume_count] = n;
		hook_fds = n;
		n += hooks_poll_fds(fds + n);
		t = hooks_next_timeout();
		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;
		cluster_fds = n;
		n += cluster_poll_fds(d->cluster, fds + n);
		t = cluster_next_timeout(d->cluster, now_ms());
		if (t >= 0 && (timeout < 0 || t < timeout))
			timeout = t;

		tsp = NULL;
		if (timeout >= 0) {
			ts.tv_sec = timeout / 1000;
			ts.tv_nsec = (timeout % 1000) * 1000000;
			tsp = &ts;
		}
		asleep = now_ms();
		r = ppoll(fds, n, tsp, &waitmask);
		woke = now_ms();
		if (timeout >= 0 && woke - asleep - timeout > LOOP_LATE_MS)
			log_msg(LOG_WARNING, "event loop woke %lld ms late (this process was not scheduled)",
				woke - asleep - timeout);
		if (r < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "poll: %m");
			free(first);
			break;
		}
		if (r < 0) {
			free(first);
			continue;
		}
		if (fds[0].revents && kernel_read_events(&d->kernel)) {
			free(first);
			break;
		}
		for (i = 0; i < d->volume_count; i++)
			link_service(d, &d->volumes[i], fds + first[i],
				     first[i + 1] - first[i]);
		hooks_service(fds + hook_fds, cluster_fds - hook_fds);
		serviced = now_ms();
		cluster_service(d, fds + cluster_fds, n - cluster_fds);
		free(first);
		loop_slow("the kernel, links and hooks", serviced - woke);
		loop_slow("quorum and heartbeats", now_ms() - serviced);
	}
	free(fds);
	if (stop_signal)
		log_msg(LOG_NOTICE, "stopping on signal %d; the kernel keeps its links",
			(int)stop_signal);
	hooks_stop();
	return stop_signal ? 0 : 1;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: syncmirrord [--config-dir DIR] [--state-dir DIR] [--foreground] [--stderr]\n"
		"       syncmirrord --witness [--config-dir DIR] [--state-dir DIR] [--foreground]\n"
		"                   [--stderr]\n"
		"       syncmirrord --help\n\n"
		"The syncmirror agent: for every volume configured in DIR (one\n"
		"VOLUME.conf each) that the kernel has, it makes the peer link,\n"
		"authenticates the peer with the volume's secret and hands the\n"
		"connection to the kernel, and reconnects when the kernel reports\n"
		"the link lost or refused.  The node with the lower node id dials,\n"
		"the other listens.  Every kernel state change and every admin\n"
		"command is logged to syslog (daemon facility) as an audit line;\n"
		"a split-brain decision also runs the volume's split-brain-hook.\n"
		"With DIR/cluster.conf, volumes with \"quorum on\" get heartbeat links\n"
		"to the peer and the witness, leases for the kernel's quorum fence\n"
		"and, with \"auto-promote yes\", automatic promotion.\n\n"
		"Options:\n"
		"  --config-dir DIR  configuration directory (default $%s,\n"
		"                    else %s)\n"
		"  --state-dir DIR   quorum votes in DIR/quorum (default %s)\n"
		"  --witness         run as the cluster's witness: a voter only; needs\n"
		"                    cluster.conf, no kernel module, no volume files\n"
		"  --foreground      do not detach from the terminal\n"
		"  --stderr          log to stderr as well as to syslog\n"
		"  --help            this text\n\n"
		"Signals: SIGTERM and SIGINT stop it (links the kernel has stay\n"
		"up); SIGHUP reads the configuration again.\n\n"
		"Exit status: 0 stopped by a signal, 1 failure, 2 usage error.\n"
		"See Documentation/syncmirrord.rst.\n",
		SM_CONFIG_DIR_ENV, SM_CONFIG_DIR_DEFAULT, SM_STATE_DIR_DEFAULT);
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config-dir", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 'S' },
		{ "witness", no_argument, NULL, 'w' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "stderr", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct daemon_ctx d = { 0 };
	const char *dir_option = NULL, *dir;
	bool foreground = false, to_stderr = false, witness = false;
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t block;
	int opt, r;

	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'c': dir_option = optarg; break;
		case 'S': d.state_dir = optarg; break;
		case 'w': witness = true; break;
		case 'f': foreground = true; break;
		case 's': to_stderr = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	dir = sm_config_dir(dir_option);
	if (!d.state_dir)
		d.state_dir = SM_STATE_DIR_DEFAULT;

	/* Before detaching, so that a missing module is seen at once. */
	if (!witness && kernel_open(&d.kernel, on_kernel_volume, &d))
		return 1;
	if (!foreground && daemon(0, 0)) {
		perror("syncmirrord: daemon");
		return 1;
	}
	log_open(to_stderr);

	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	run_realtime();
	if (witness) {
		struct witness_options wo = {
			.config_dir = dir,
			.state_dir = d.state_dir,
			.stop = &stop_signal,
		};

		log_msg(LOG_NOTICE, "started as witness, configuration in %s",
			dir);
		return witness_main(&wo);
	}
	log_msg(LOG_NOTICE, "started, configuration in %s", dir);
	if (load_configs(&d, dir)) {
		kernel_close(&d.kernel);
		return 1;
	}
	r = run(&d, dir);
	free_volumes(&d);
	kernel_close(&d.kernel);
	return r;
}
