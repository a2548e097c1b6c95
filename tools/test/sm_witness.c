// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-witness - run the witness mode of syncmirrord (syncmirrord/witness.c)
 * on its own, for the host tests, until syncmirrord's main.c gains
 * --witness.  Does what main.c will do around witness_main(): options,
 * the log, the signals.
 *
 *   sm-witness [--config-dir DIR] [--state-dir DIR] [--stderr]
 *
 * Runs in the foreground; SIGTERM or SIGINT stop it (exit 0); 1 on
 * failure, 2 on a usage error.  Built into build/tools/test/, which does
 * not go into VM images.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../lib/config.h"
#include "../lib/quorum-state.h"
#include "../syncmirrord/syncmirrord.h"
#include "../syncmirrord/witness.h"

static volatile sig_atomic_t stop_signal;

/* main.c's, which this program replaces. */
long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void on_signal(int sig)
{
	if (sig != SIGHUP)
		stop_signal = sig;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "config-dir", required_argument, NULL, 'c' },
		{ "state-dir", required_argument, NULL, 'd' },
		{ "stderr", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	struct witness_options opt = { .state_dir = SM_STATE_DIR_DEFAULT,
				       .stop = &stop_signal };
	struct sigaction sa = { .sa_handler = on_signal };
	const char *dir_option = NULL;
	bool to_stderr = false;
	sigset_t block;
	int c;

	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case 'c': dir_option = optarg; break;
		case 'd': opt.state_dir = optarg; break;
		case 's': to_stderr = true; break;
		case 'h':
			printf("Usage: sm-witness [--config-dir DIR] [--state-dir DIR] [--stderr]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (optind != argc)
		return 2;
	opt.config_dir = sm_config_dir(dir_option);
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
	return witness_main(&opt);
}
