/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Witness mode, syncmirrord --witness (Documentation/syncmirror-
 * failover.rst, "Witness mode"): a diskless voter.  It reads only
 * cluster.conf, learns the volumes from the data nodes' heartbeats, votes
 * on promotions and grants leases, keeping its votes in
 * <state-dir>/quorum/.  It needs no kernel module and no volume files.
 */
#ifndef SYNCMIRRORD_WITNESS_H
#define SYNCMIRRORD_WITNESS_H

#include <signal.h>

struct witness_options {
	const char *config_dir;		/* where cluster.conf is */
	const char *state_dir;		/* its votes go to <state_dir>/quorum */
	volatile sig_atomic_t *stop;	/* set by the caller's signal handler */
};

/*
 * Run the witness until *@opt->stop is set.  The caller has opened the
 * log (log_open()), installed its handlers for SIGTERM, SIGINT and SIGHUP
 * and blocked them; they are unblocked only while waiting, as in
 * syncmirrord's own loop.  Returns the exit status: 0 stopped by a
 * signal, 1 failure (logged).
 */
int witness_main(const struct witness_options *opt);

#endif
