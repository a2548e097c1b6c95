// SPDX-License-Identifier: GPL-2.0-only
/*
 * smctl resync / verify: drive a volume's resynchronisation and its online
 * verify (SYNCMIRROR_CMD_RESYNC, SYNCMIRROR_CMD_VERIFY), then follow them
 * to the end by polling GET_VOLUME, with a live progress bar when stderr
 * is a terminal and a plain line every few seconds when it is not (logs,
 * scripts).  The outcome is the exit status, so that a script can chain
 * "smctl verify vol0 || smctl resync vol0 start".
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/syncmirror.h>

#include "../lib/genl.h"
#include "../lib/names.h"
#include "smctl.h"

#define POLL_INTERVAL_MS	500
#define PLAIN_INTERVAL_S	5	/* progress lines when not a terminal */
#define IDLE_GRACE_S		10	/* "start" without a resync beginning */
#define BAR_WIDTH		20

static long long monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/*
 * A rate: a number of bytes per second with an optional K, M, G or T
 * (powers of 1024) and an optional "/s"; "unlimited" is 0 where allowed.
 */
static int parse_rate(const char *text, bool unlimited_ok, uint64_t *rate)
{
	static const char suffixes[] = "KMGT";
	const char *p;
	char *end;
	int shift = 0;

	if (unlimited_ok && !strcmp(text, "unlimited")) {
		*rate = 0;
		return 0;
	}
	if (!isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	*rate = strtoull(text, &end, 10);
	if (errno)
		return -1;
	if (*end && (p = strchr(suffixes, toupper((unsigned char)*end)))) {
		shift = 10 * (p - suffixes + 1);
		end++;
	}
	if (!strcmp(end, "/s"))
		end += 2;
	if (*end || (*rate << shift) >> shift != *rate)
		return -1;
	*rate <<= shift;
	/* The kernel takes up to 1 TiB/s; "unlimited" is the way past it. */
	return *rate > SYNCMIRROR_RESYNC_RATE_MAX ? -1 : 0;
}

/* One progress report: a bar on a terminal, a line every few s if not. */
struct progress {
	const char *volume;
	const char *what;		/* "resync", "verify" */
	bool tty;
	bool drawn;			/* the bar is on the screen */
	long long next_line_ms;
};

static void progress_init(struct progress *p, const char *volume,
			  const char *what)
{
	p->volume = volume;
	p->what = what;
	p->tty = isatty(STDERR_FILENO);
	p->drawn = false;
	p->next_line_ms = monotonic_ms() + PLAIN_INTERVAL_S * 1000;
}

static void progress_show(struct progress *p, double percent,
			  const char *state, uint64_t rate, long long eta)
{
	char bar[BAR_WIDTH + 1], rate_text[32], eta_text[32];
	int filled = percent * BAR_WIDTH / 100, i;

	smctl_format_rate(rate, rate_text, sizeof(rate_text));
	smctl_format_eta(eta, eta_text, sizeof(eta_text));
	if (p->tty) {
		for (i = 0; i < BAR_WIDTH; i++)
			bar[i] = i < filled ? '#' : '.';
		bar[BAR_WIDTH] = '\0';
		fprintf(stderr, "\r[%s] %5.1f%%  %s  ETA %s%s%s\033[K", bar,
			percent, rate_text, eta_text, state[0] ? "  " : "",
			state);
		p->drawn = true;
	} else if (monotonic_ms() >= p->next_line_ms) {
		fprintf(stderr, "smctl: %s: %s %.1f%% %s ETA %s%s%s\n",
			p->volume, p->what, percent, rate_text, eta_text,
			state[0] ? ", " : "", state);
		p->next_line_ms += PLAIN_INTERVAL_S * 1000;
	}
	fflush(stderr);
}

/* End the bar's line before the outcome is printed. */
static void progress_end(struct progress *p)
{
	if (p->drawn)
		fputc('\n', stderr);
	p->drawn = false;
}

static int link_gone(struct progress *p, const struct smctl_sync *s)
{
	progress_end(p);
	fprintf(stderr, "smctl: %s: %s stopped: the peer link is %s%s%s%s\n",
		p->volume, p->what, sm_conn_state_name(s->conn_state),
		s->conn_reason[0] ? " (" : "", s->conn_reason,
		s->conn_reason[0] ? ")" : "");
	return 1;
}

/* Follow a resync until in sync (0) or until it cannot finish (1). */
static int wait_resync(struct sm_genl *g, const char *volume)
{
	long long started = monotonic_ms(), idle_since = 0;
	uint64_t moved_at_start = 0, moved;
	struct progress p;
	struct smctl_sync s;
	char oos[32], bytes[32], took[32];
	const char *state;
	bool first = true;

	progress_init(&p, volume, "resync");
	for (;;) {
		if (smctl_get_sync(g, volume, &s)) {
			progress_end(&p);
			return 1;
		}
		moved = s.resynced + s.received;
		if (first)
			moved_at_start = moved;
		first = false;
		if (s.sync_state == SYNCMIRROR_SYNC_NONE && !s.out_of_sync)
			break;
		if (s.conn_state != SYNCMIRROR_CONN_CONNECTED)
			return link_gone(&p, &s);
		if (s.paused) {
			progress_end(&p);
			smctl_format_bytes(s.out_of_sync, oos, sizeof(oos));
			fprintf(stderr, "smctl: %s: the resync is paused with %s out of sync (smctl resync %s resume continues it)\n",
				volume, oos, volume);
			return 1;
		}
		if (s.sync_state == SYNCMIRROR_SYNC_NONE) {
			if (!idle_since)
				idle_since = monotonic_ms();
			if (monotonic_ms() - idle_since >= IDLE_GRACE_S * 1000) {
				progress_end(&p);
				smctl_format_bytes(s.out_of_sync, oos,
						   sizeof(oos));
				fprintf(stderr, "smctl: %s: no resync is running and %s are out of sync (the disk states are %s here, %s on the peer)\n",
					volume, oos, sm_disk_state_name(s.disk),
					sm_disk_state_name(s.peer_disk));
				return 1;
			}
		} else {
			idle_since = 0;
		}
		state = s.sync_state == SYNCMIRROR_SYNC_WAIT_BITMAP ?
			"waiting for the peer's bitmap" :
			sm_sync_state_name(s.sync_state);
		progress_show(&p, smctl_sync_percent(&s), state, s.rate,
			      smctl_sync_eta(&s));
		sleep_ms(POLL_INTERVAL_MS);
	}
	progress_end(&p);
	smctl_format_bytes(moved - moved_at_start, bytes, sizeof(bytes));
	smctl_format_eta((monotonic_ms() - started) / 1000, took, sizeof(took));
	printf("resync: %s: in sync (%s resynced in %s)\n", volume, bytes, took);
	return 0;
}

static void resync_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl resync VOLUME pause|resume|start|rate\n"
		"                    [--min RATE] [--max RATE] [--no-wait]\n\n"
		"  start     resync the out-of-sync regions now\n"
		"  pause     stop sending resync data until resumed\n"
		"  resume    continue a paused resync\n"
		"  rate      only change the rate limits\n"
		"  --min RATE  rate the resync keeps even under application I/O\n"
		"  --max RATE  upper limit; 0 or \"unlimited\" for none\n"
		"              RATE is bytes per second, with K, M, G (1024)\n"
		"              as in 40M or 40M/s\n"
		"  --no-wait   return once the kernel took the command\n\n"
		"start and resume wait until the volume is in sync, with a\n"
		"progress bar on a terminal.  Exit status: 0 in sync (or the\n"
		"command taken), 1 the resync did not finish (the message says\n"
		"why) or the command failed, 2 usage error.\n");
}

int cmd_resync(int argc, char **argv)
{
	static const struct {
		const char *name;
		uint32_t action;
	} actions[] = {
		{ "pause", SYNCMIRROR_RESYNC_PAUSE },
		{ "resume", SYNCMIRROR_RESYNC_RESUME },
		{ "start", SYNCMIRROR_RESYNC_START },
		{ "rate", SYNCMIRROR_RESYNC_NONE },
	};
	const char *volume = NULL, *action_name = NULL;
	bool has_min = false, has_max = false, wait = true;
	uint64_t min_rate = 0, max_rate = 0;
	uint32_t action = 0;
	struct nl_msg *msg;
	struct sm_genl g;
	size_t a;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			resync_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--min") && i + 1 < argc) {
			if (parse_rate(argv[++i], false, &min_rate)) {
				fprintf(stderr, "smctl: resync: \"%s\" is not a rate of at most 1T (e.g. 4M)\n",
					argv[i]);
				return 2;
			}
			has_min = true;
		} else if (!strcmp(argv[i], "--max") && i + 1 < argc) {
			if (parse_rate(argv[++i], true, &max_rate)) {
				fprintf(stderr, "smctl: resync: \"%s\" is not a rate of at most 1T (e.g. 100M, or unlimited)\n",
					argv[i]);
				return 2;
			}
			has_max = true;
		} else if (!strcmp(argv[i], "--no-wait")) {
			wait = false;
		} else if (argv[i][0] != '-' && !volume) {
			volume = argv[i];
		} else if (argv[i][0] != '-' && !action_name) {
			action_name = argv[i];
		} else {
			resync_usage(stderr);
			return 2;
		}
	}
	if (!volume || !action_name) {
		resync_usage(stderr);
		return 2;
	}
	for (a = 0; a < sizeof(actions) / sizeof(actions[0]); a++)
		if (!strcmp(action_name, actions[a].name))
			break;
	if (a == sizeof(actions) / sizeof(actions[0])) {
		fprintf(stderr, "smctl: resync: \"%s\" is not pause, resume, start or rate\n",
			action_name);
		return 2;
	}
	action = actions[a].action;
	if (action == SYNCMIRROR_RESYNC_NONE && !has_min && !has_max) {
		fprintf(stderr, "smctl: resync: rate needs --min or --max\n");
		return 2;
	}
	if (has_min && has_max && max_rate && min_rate > max_rate) {
		fprintf(stderr, "smctl: resync: --min is above --max\n");
		return 2;
	}

	if (sm_genl_open(&g, "smctl"))
		return 1;
	msg = sm_genl_request(&g, SYNCMIRROR_CMD_RESYNC, 0);
	if (!msg || nla_put_string(msg, SYNCMIRROR_ATTR_VOLUME_NAME, volume) ||
	    nla_put_u32(msg, SYNCMIRROR_ATTR_RESYNC_ACTION, action) ||
	    (has_min &&
	     nla_put_u64(msg, SYNCMIRROR_ATTR_RESYNC_MIN_RATE, min_rate)) ||
	    (has_max &&
	     nla_put_u64(msg, SYNCMIRROR_ATTR_RESYNC_MAX_RATE, max_rate))) {
		nlmsg_free(msg);
		fprintf(stderr, "smctl: out of memory\n");
		r = 1;
	} else if (sm_genl_transact(&g, msg, NULL, NULL)) {
		r = smctl_report(volume, &g);
	} else if (wait && (action == SYNCMIRROR_RESYNC_START ||
			    action == SYNCMIRROR_RESYNC_RESUME)) {
		r = wait_resync(&g, volume);
	} else {
		r = 0;
	}
	sm_genl_close(&g);
	return r;
}

/* Follow a verify: 0 identical, 2 differences, 1 did not finish. */
static int wait_verify(struct sm_genl *g, const char *volume)
{
	struct progress p;
	struct smctl_sync s;
	char oos[32], done[32], total[32];
	long long eta;
	uint64_t last_done = 0, rate = 0;
	long long last_ms = monotonic_ms(), now;

	progress_init(&p, volume, "verify");
	for (;;) {
		if (smctl_get_sync(g, volume, &s)) {
			progress_end(&p);
			return 1;
		}
		if (!s.verify_state)
			break;
		if (s.conn_state != SYNCMIRROR_CONN_CONNECTED)
			return link_gone(&p, &s);
		now = monotonic_ms();
		if (now > last_ms && s.verify_done >= last_done) {
			rate = (s.verify_done - last_done) * 1000 /
			       (now - last_ms);
			last_done = s.verify_done;
			last_ms = now;
		}
		eta = rate ? (long long)((s.verify_total - s.verify_done) / rate) :
			     -1;
		if (s.verify_done >= s.verify_total)
			eta = 0;
		progress_show(&p, smctl_percent(s.verify_done, s.verify_total),
			      "", rate, eta);
		sleep_ms(POLL_INTERVAL_MS);
	}
	progress_end(&p);
	if (s.verify_done < s.verify_total) {
		smctl_format_bytes(s.verify_done, done, sizeof(done));
		smctl_format_bytes(s.verify_total, total, sizeof(total));
		fprintf(stderr, "smctl: %s: verify stopped after %s of %s (%" PRIu64 " regions differed so far)\n",
			volume, done, total, s.mismatches);
		return 1;
	}
	if (!s.mismatches) {
		printf("verify: copies identical\n");
		return 0;
	}
	smctl_format_bytes(s.mismatches * s.region_size, oos, sizeof(oos));
	printf("verify: %" PRIu64 " regions differ (%s out of sync)", s.mismatches,
	       oos);
	if (s.has_first_mismatch)
		printf("; first at byte offset %" PRIu64, s.first_mismatch);
	printf("; run smctl resync %s start\n", volume);
	return 2;
}

static void verify_usage(FILE *out)
{
	fprintf(out,
		"Usage: smctl verify VOLUME [--no-wait]\n"
		"       smctl verify VOLUME stop\n\n"
		"Compares this node's copy with the connected peer's, region by\n"
		"region, and marks the regions that differ out of sync (a\n"
		"following \"smctl resync VOLUME start\" repairs them).  Waits\n"
		"for the end, with a progress bar on a terminal, unless\n"
		"--no-wait.  \"stop\" ends a running verify.\n\n"
		"Exit status: 0 the copies are identical (or the command was\n"
		"taken), 2 regions differ, 1 the verify failed or did not\n"
		"finish, 2 also for a usage error.\n");
}

int cmd_verify(int argc, char **argv)
{
	const char *volume = NULL;
	bool stop = false, wait = true;
	struct sm_genl g;
	int i, r;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			verify_usage(stdout);
			return 0;
		} else if (!strcmp(argv[i], "--no-wait")) {
			wait = false;
		} else if (argv[i][0] != '-' && !volume) {
			volume = argv[i];
		} else if (!strcmp(argv[i], "stop") && volume && !stop) {
			stop = true;
		} else {
			verify_usage(stderr);
			return 2;
		}
	}
	if (!volume) {
		verify_usage(stderr);
		return 2;
	}
	if (sm_genl_open(&g, "smctl"))
		return 1;
	r = smctl_volume_request(&g, volume, SYNCMIRROR_CMD_VERIFY,
				 SYNCMIRROR_ATTR_VERIFY_ACTION,
				 stop ? SYNCMIRROR_VERIFY_STOP :
					SYNCMIRROR_VERIFY_START);
	if (!r && !stop && wait)
		r = wait_verify(&g, volume);
	sm_genl_close(&g);
	return r;
}
