// SPDX-License-Identifier: GPL-2.0-only
/*
 * sm-diskcache: serve one raw image file to QEMU over NBD on a unix
 * socket, as a disk with a volatile write cache, so that a power cut in a
 * VM test loses what the guest wrote but did not flush
 * (Documentation/testing.rst, "Disks with a volatile cache").
 *
 * SIGUSR1 is the power cut: the image is rebuilt as the disk would hold
 * it once its cache is gone, and the server exits 0.  SIGTERM (or SIGINT)
 * is a clean shutdown: everything written stays.  Both print one line of
 * counters; SIGUSR2 prints them and goes on.  The disk's state outlives a
 * client: kill QEMU, then cut.
 *
 * A trigger (--trigger, or the --arm-file read at SIGHUP) times the cut
 * to a chosen write: the write that fires it reaches the image and stays
 * unanswered, --trigger-file appears, and the disk serves nothing more
 * until the signal.  The cut keeps that write.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "diskcache.h"

#define MAX_CACHE_DEFAULT	256	/* MiB */
#define MAX_CACHE_LIMIT		(1U << 20)

/* The trigger's range and which matching write fires it. */
struct trigger_spec {
	uint64_t offset;
	uint64_t length;
	uint64_t count;
};

/* OFFSET:LENGTH:N and its fields as text, long enough for any of them. */
#define TRIGGER_TEXT_MAX	128

struct options {
	const char *socket_path;
	const char *image;
	enum cut_mode cut;
	bool seed_given;
	uint64_t seed;
	uint64_t max_cache_mib;
	const char *pidfile;
	const char *log;
	bool daemonize;
	const char *trigger_text;	/* --trigger */
	struct trigger_spec trigger;
	const char *arm_file;
	const char *trigger_file;
};

static int log_fd = STDERR_FILENO;
static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t stats_wanted;
static volatile sig_atomic_t arm_wanted;
static sigset_t wait_mask;	/* the mask while blocked in wait_fd() */
static struct disk *served_disk;	/* for SIGUSR2 and SIGHUP */
static const char *arm_path;		/* --arm-file */
static const char *trigger_path;	/* --trigger-file, NULL without one */

void report(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), PROG ": ");
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write per line: lines from a daemon and its caller interleave. */
	if (write(log_fd, line, n) < 0)
		return;
}

/* "4 KiB", "216 KiB", "4.5 MiB" */
static const char *human_size(uint64_t bytes, char *buf, size_t size)
{
	if (bytes < (1U << 20))
		snprintf(buf, size, "%" PRIu64 " KiB", (bytes + 1023) >> 10);
	else
		snprintf(buf, size, "%.1f MiB", bytes / 1048576.0);
	return buf;
}

/*
 * The trigger's state for the counter lines: ", trigger armed on offset
 * 65536 length 4096, 1 of 2 matching writes seen", ", trigger disarmed",
 * ", trigger fired by a write of 4096 bytes at offset 65536 (2 unflushed
 * before it)"; nothing when there is no trigger.
 */
static const char *trigger_state(const struct disk_trigger *trigger,
				 char *buf, size_t size)
{
	if (!trigger_path)
		buf[0] = 0;
	else if (trigger->fired)
		snprintf(buf, size, ", trigger fired by a %swrite of %" PRIu64
			 " bytes at offset %" PRIu64 " (%" PRIu64
			 " unflushed before it)",
			 trigger->write_fua ? "FUA " : "",
			 trigger->write_length, trigger->write_offset,
			 trigger->unflushed);
	else if (trigger->armed)
		snprintf(buf, size, ", trigger armed on offset %" PRIu64
			 " length %" PRIu64 ", %" PRIu64 " of %" PRIu64
			 " matching writes seen", trigger->offset,
			 trigger->length, trigger->matched, trigger->count);
	else
		snprintf(buf, size, ", trigger disarmed");
	return buf;
}

/* The counters after @what; at the cut, the triggering write is kept. */
static void report_stats(const char *what, const struct disk *disk,
			 bool at_cut)
{
	const struct disk_stats *st = &disk->stats;
	char trigger[192];

	report("%s, %" PRIu64 " flushes, %" PRIu64 " FUA seen, %" PRIu64
	       " destaged, %" PRIu64 " writes in all%s%s", what, st->flushes,
	       st->fua, st->destaged, st->writes,
	       trigger_state(&disk->trigger, trigger, sizeof(trigger)),
	       at_cut && disk->trigger.fired ? ", kept" : "");
}

/* The cache as it stands: "<prefix>: N unflushed writes (SIZE) <verb>" */
static void report_cache(const char *prefix, const char *verb,
			 const struct disk *disk)
{
	char what[128], size[32];

	snprintf(what, sizeof(what), "%s: %" PRIu64 " unflushed writes (%s) %s",
		 prefix, disk->stats.unflushed,
		 human_size(disk->stats.unflushed_bytes, size, sizeof(size)),
		 verb);
	report_stats(what, disk, false);
}

static void on_stop_signal(int sig)
{
	if (!stop_signal)
		stop_signal = sig;
}

static void on_stats_signal(int sig)
{
	(void)sig;
	stats_wanted = 1;
}

static void on_arm_signal(int sig)
{
	(void)sig;
	arm_wanted = 1;
}

/*
 * "4096" or "0x1000": a byte offset or count, or N.  A leading 0 is not
 * octal, and signs, blanks and suffixes are refused.
 */
static int parse_number(const char *text, uint64_t *value)
{
	const char *digits = "0123456789";
	unsigned long long v;
	int base = 10;
	char *end;

	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		text += 2;
		digits = "0123456789abcdefABCDEF";
		base = 16;
	}
	if (!*text || text[strspn(text, digits)])
		return -1;
	errno = 0;
	v = strtoull(text, &end, base);
	if (errno)
		return -1;
	*value = v;
	return 0;
}

/*
 * "OFFSET:LENGTH[:N]" (@separator ':', --trigger) or "OFFSET LENGTH [N]"
 * (' ', a line of the arm file; runs of blanks count as one).  N is 1
 * when left out.  On error *why says what is wrong.
 */
static int parse_trigger(const char *text, char separator,
			 struct trigger_spec *spec, char *why, size_t size)
{
	static const char *const names[] = { "OFFSET", "LENGTH", "N" };
	uint64_t values[3] = { 0, 0, 1 };
	char buf[TRIGGER_TEXT_MAX], *rest = buf, *field[4];
	const char *form = separator == ':' ? "OFFSET:LENGTH[:N]" :
		"OFFSET LENGTH [N]";
	int count = 0, i;

	if (strlen(text) >= sizeof(buf)) {
		snprintf(why, size, "longer than %zu bytes", sizeof(buf) - 1);
		return -1;
	}
	strcpy(buf, text);
	while (count < 4 && (field[count] = strsep(&rest, separator == ':' ?
						   ":" : " \t")))
		if (separator == ':' || *field[count])
			count++;
	if (count < 2 || count > 3) {
		snprintf(why, size, "not %s", form);
		return -1;
	}
	for (i = 0; i < count; i++) {
		if (parse_number(field[i], &values[i])) {
			snprintf(why, size, "%s '%s' is not a number (decimal or 0x hex)",
				 names[i], field[i]);
			return -1;
		}
	}
	if (!values[1] || !values[2]) {
		snprintf(why, size, "%s is 0", values[1] ? "N" : "LENGTH");
		return -1;
	}
	spec->offset = values[0];
	spec->length = values[1];
	spec->count = values[2];
	return 0;
}

static int check_trigger_range(const struct trigger_spec *spec,
			       uint64_t disk_size, char *why, size_t size)
{
	if (spec->offset >= disk_size ||
	    spec->length > disk_size - spec->offset) {
		snprintf(why, size, "OFFSET + LENGTH is past the end of the disk (%"
			 PRIu64 " bytes)", disk_size);
		return -1;
	}
	return 0;
}

static void arm(struct disk *disk, const struct trigger_spec *spec,
		const char *source)
{
	disk_arm(disk, spec->offset, spec->length, spec->count);
	report("trigger armed on offset %" PRIu64 " length %" PRIu64
	       ", fires on matching write %" PRIu64 " (%s)", spec->offset,
	       spec->length, spec->count, source);
}

/* The arm file's content, blanks around it gone; -errno if unreadable. */
static int read_arm_file(const char *path, char *text, size_t size)
{
	ssize_t n;
	char *start;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, text, size);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	if ((size_t)n == size)
		return -EFBIG;
	text[n] = 0;
	while (n && isspace((unsigned char)text[n - 1]))
		text[--n] = 0;
	for (start = text; isspace((unsigned char)*start); start++)
		;
	memmove(text, start, strlen(start) + 1);
	return 0;
}

/*
 * SIGHUP: arm the trigger from the arm file, or disarm it when the file
 * is empty or missing.  Bad content is logged and leaves the trigger
 * disarmed; the server goes on.  Between requests: a write whose request
 * came before the signal but runs after it counts.
 */
static void arm_from_file(struct disk *disk)
{
	char text[TRIGGER_TEXT_MAX], why[160];
	struct trigger_spec spec;
	int ret;
	char *c;

	if (!arm_path) {
		report("SIGHUP ignored: no --arm-file");
		return;
	}
	if (disk->trigger.fired) {
		report("arm file %s not read: the trigger has fired, nothing more is served until a signal",
		       arm_path);
		return;
	}
	disk_disarm(disk);
	ret = read_arm_file(arm_path, text, sizeof(text));
	if (ret == -ENOENT || (!ret && !*text)) {
		report("trigger disarmed: arm file %s is %s", arm_path,
		       ret ? "missing" : "empty");
		return;
	}
	if (ret) {
		report("arm file %s: %s; trigger disarmed", arm_path,
		       ret == -EFBIG ? "longer than one line" :
		       strerror(-ret));
		return;
	}
	if (strchr(text, '\n')) {
		snprintf(why, sizeof(why), "more than one line");
		ret = -1;
	} else {
		ret = parse_trigger(text, ' ', &spec, why, sizeof(why));
		if (!ret)
			ret = check_trigger_range(&spec, disk->size, why,
						  sizeof(why));
	}
	if (ret) {
		for (c = text; *c; c++)
			if (!isprint((unsigned char)*c))
				*c = '?';
		report("arm file %s: '%s': %s; trigger disarmed", arm_path,
		       text, why);
		return;
	}
	arm(disk, &spec, "arm file");
}

/*
 * Our signals are blocked except while we wait here, so a stop signal
 * arriving in the middle of a request is seen before the next: wait until
 * @fd is ready for @events, or a stop signal came (-EINTR).
 */
int wait_fd(int fd, short events)
{
	struct pollfd pfd = { .fd = fd, .events = events };

	while (!stop_signal) {
		if (stats_wanted) {
			stats_wanted = 0;
			report_cache("stats", "cached", served_disk);
		}
		if (arm_wanted) {
			arm_wanted = 0;
			arm_from_file(served_disk);
		}
		if (ppoll(&pfd, 1, NULL, &wait_mask) >= 0)
			return 0;
		if (errno != EINTR)
			return -errno;
	}
	return -EINTR;
}

static void setup_signals(void)
{
	struct sigaction stop = { .sa_handler = on_stop_signal };
	struct sigaction stats = { .sa_handler = on_stats_signal };
	struct sigaction rearm = { .sa_handler = on_arm_signal };
	sigset_t ours;

	sigemptyset(&ours);
	sigaddset(&ours, SIGUSR1);
	sigaddset(&ours, SIGUSR2);
	sigaddset(&ours, SIGTERM);
	sigaddset(&ours, SIGINT);
	sigaddset(&ours, SIGHUP);
	sigprocmask(SIG_BLOCK, &ours, &wait_mask);
	sigdelset(&wait_mask, SIGUSR1);
	sigdelset(&wait_mask, SIGUSR2);
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGHUP);
	stop.sa_mask = ours;
	stats.sa_mask = ours;
	rearm.sa_mask = ours;
	sigaction(SIGUSR1, &stop, NULL);
	sigaction(SIGTERM, &stop, NULL);
	sigaction(SIGINT, &stop, NULL);
	sigaction(SIGUSR2, &stats, NULL);
	sigaction(SIGHUP, &rearm, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static void usage(FILE *out)
{
	fprintf(out,
"Usage: " PROG " --socket PATH --image FILE [OPTIONS]\n"
"\n"
"Serve FILE over NBD on the unix socket PATH as a disk with a volatile\n"
"write cache.  SIGUSR1 cuts the power: writes not yet flushed are lost\n"
"and the server exits 0.  SIGTERM or SIGINT shut down cleanly, keeping\n"
"every write.  SIGUSR2 prints the counters.  Clients may come and go in\n"
"between; the cache stays.  SIGHUP reads the --arm-file.\n"
"\n"
"  --socket PATH      unix socket to listen on (a stale one is replaced)\n"
"  --image FILE       raw image file or block device, served read-write\n"
"  --cut all          at the cut, lose every unflushed write (default)\n"
"  --cut random       at the cut, keep each unflushed write with\n"
"                     probability 1/2\n"
"  --seed N           seed of --cut random (default: from the clock; the\n"
"                     cut line prints it)\n"
"  --max-cache MiB    memory for unflushed writes before the oldest\n"
"                     destage (become durable); default %u, 0 disables\n"
"                     the cache\n"
"  --pidfile FILE     write the server's pid to FILE, removed at exit\n"
"  --log FILE         append messages to FILE instead of stderr\n"
"  --daemonize        go to the background once the socket listens\n"
"  --trigger OFFSET:LENGTH[:N]\n"
"                     arm the cut trigger from the start: it fires on the\n"
"                     Nth (default 1st) WRITE, TRIM or WRITE_ZEROES that\n"
"                     overlaps LENGTH bytes at OFFSET (decimal or 0x hex)\n"
"  --arm-file PATH    at SIGHUP, arm the trigger from PATH, one line\n"
"                     'OFFSET LENGTH [N]'; an empty or missing PATH\n"
"                     disarms\n"
"  --trigger-file PATH\n"
"                     created when the trigger fires, saying which write\n"
"                     fired it (needed with --trigger and --arm-file;\n"
"                     removed at start)\n"
"  --help             this text\n"
"\n"
"The write that fires the trigger reaches the image and survives the cut,\n"
"but gets no reply: the disk serves nothing more until a signal.\n"
"\n"
"FUA writes are durable at once.  QEMU 7.2 connects with\n"
"  -drive driver=nbd,server.type=unix,server.path=PATH,if=none,id=ID\n"
"and gives the guest a volatile write cache whose flushes reach us.\n"
"\n"
"Exit status: 0 after a cut or shutdown, 1 on a runtime error, 2 on a\n"
"usage error.\n", MAX_CACHE_DEFAULT);
}

static int parse_u64(const char *option, const char *text, uint64_t max,
		     uint64_t *value)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno || end == text || *end || text[0] == '-' || v > max) {
		fprintf(stderr, PROG ": %s: '%s' is not a number from 0 to %"
			PRIu64 "\n", option, text, max);
		return -1;
	}
	*value = v;
	return 0;
}

static int parse_cut(const char *text, enum cut_mode *cut)
{
	if (!strcmp(text, "all")) {
		*cut = CUT_ALL;
	} else if (!strcmp(text, "random")) {
		*cut = CUT_RANDOM;
	} else {
		fprintf(stderr, PROG ": --cut: unknown mode '%s' (all, random)\n",
			text);
		return -1;
	}
	return 0;
}

enum {
	OPT_SOCKET = 256, OPT_IMAGE, OPT_CUT, OPT_SEED, OPT_MAX_CACHE,
	OPT_PIDFILE, OPT_LOG, OPT_DAEMONIZE, OPT_TRIGGER, OPT_ARM_FILE,
	OPT_TRIGGER_FILE, OPT_HELP,
};

static const struct option long_options[] = {
	{ "socket", required_argument, NULL, OPT_SOCKET },
	{ "image", required_argument, NULL, OPT_IMAGE },
	{ "cut", required_argument, NULL, OPT_CUT },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "max-cache", required_argument, NULL, OPT_MAX_CACHE },
	{ "pidfile", required_argument, NULL, OPT_PIDFILE },
	{ "log", required_argument, NULL, OPT_LOG },
	{ "daemonize", no_argument, NULL, OPT_DAEMONIZE },
	{ "trigger", required_argument, NULL, OPT_TRIGGER },
	{ "arm-file", required_argument, NULL, OPT_ARM_FILE },
	{ "trigger-file", required_argument, NULL, OPT_TRIGGER_FILE },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

static int parse_trigger_option(struct options *opts, const char *arg)
{
	char why[160];

	if (parse_trigger(arg, ':', &opts->trigger, why, sizeof(why))) {
		fprintf(stderr, PROG ": --trigger: '%s': %s\n", arg, why);
		return -1;
	}
	opts->trigger_text = arg;
	return 0;
}

static int parse_option(struct options *opts, int opt, const char *arg)
{
	switch (opt) {
	case OPT_SOCKET:
		opts->socket_path = arg;
		return 0;
	case OPT_IMAGE:
		opts->image = arg;
		return 0;
	case OPT_CUT:
		return parse_cut(arg, &opts->cut);
	case OPT_SEED:
		opts->seed_given = true;
		return parse_u64("--seed", arg, UINT64_MAX, &opts->seed);
	case OPT_MAX_CACHE:
		return parse_u64("--max-cache", arg, MAX_CACHE_LIMIT,
				 &opts->max_cache_mib);
	case OPT_PIDFILE:
		opts->pidfile = arg;
		return 0;
	case OPT_LOG:
		opts->log = arg;
		return 0;
	case OPT_DAEMONIZE:
		opts->daemonize = true;
		return 0;
	case OPT_TRIGGER:
		return parse_trigger_option(opts, arg);
	case OPT_ARM_FILE:
		opts->arm_file = arg;
		return 0;
	case OPT_TRIGGER_FILE:
		opts->trigger_file = arg;
		return 0;
	case OPT_HELP:
		usage(stdout);
		exit(0);
	default:
		return -1;
	}
}

static int parse_options(int argc, char **argv, struct options *opts)
{
	int opt;

	memset(opts, 0, sizeof(*opts));
	opts->max_cache_mib = MAX_CACHE_DEFAULT;
	while ((opt = getopt_long(argc, argv, "", long_options, NULL)) != -1)
		if (parse_option(opts, opt, optarg))
			return -1;
	if (optind < argc) {
		fprintf(stderr, PROG ": unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	if (!opts->socket_path || !opts->image) {
		fprintf(stderr, PROG ": --socket and --image are required\n");
		return -1;
	}
	if (opts->seed_given && opts->cut != CUT_RANDOM) {
		fprintf(stderr, PROG ": --seed needs --cut random\n");
		return -1;
	}
	if ((opts->trigger_text || opts->arm_file) && !opts->trigger_file) {
		fprintf(stderr, PROG ": --trigger and --arm-file need --trigger-file\n");
		return -1;
	}
	if (opts->trigger_file && !opts->trigger_text && !opts->arm_file) {
		fprintf(stderr, PROG ": --trigger-file needs --trigger or --arm-file\n");
		return -1;
	}
	if (!opts->seed_given)
		opts->seed = (uint64_t)time(NULL) << 20 ^ getpid();
	return 0;
}

/* Replace a stale socket file; refuse one a server still listens on. */
static int clear_socket_path(const struct sockaddr_un *addr)
{
	struct stat st;
	int fd, in_use;

	if (lstat(addr->sun_path, &st))
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		report("socket %s: exists and is not a socket", addr->sun_path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	in_use = !connect(fd, (const struct sockaddr *)addr, sizeof(*addr));
	close(fd);
	if (in_use) {
		report("socket %s: another server is listening on it",
		       addr->sun_path);
		return -EADDRINUSE;
	}
	return unlink(addr->sun_path) ? -errno : 0;
}

static int listen_socket(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd, ret;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		report("socket %s: path longer than %zu bytes", path,
		       sizeof(addr.sun_path) - 1);
		return -1;
	}
	strcpy(addr.sun_path, path);
	ret = clear_socket_path(&addr);
	if (ret == -EEXIST || ret == -EADDRINUSE)
		return -1;
	if (ret)
		goto fail;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(fd, 4)) {
		ret = -errno;
		close(fd);
		goto fail;
	}
	return fd;

fail:
	report("socket %s: %s", path, strerror(-ret));
	return -1;
}

static int write_pidfile(const char *path)
{
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
		report("pidfile %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void redirect_to_null(bool keep_stderr)
{
	int fd = open("/dev/null", O_RDWR);

	if (fd < 0)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	if (!keep_stderr)
		dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

/*
 * Go to the background.  The caller returns once the child has written
 * its pidfile, so it can start QEMU on the socket and signal the pid at
 * once.  stderr stays open only when it is where messages go (no --log).
 */
static int daemonize(const struct options *opts)
{
	int pipefd[2];
	pid_t pid;
	char ok;

	if (pipe2(pipefd, O_CLOEXEC)) {
		report("cannot daemonize: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		report("cannot daemonize: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(pipefd[1]);
		_exit(read(pipefd[0], &ok, 1) == 1 ? 0 : 1);
	}
	close(pipefd[0]);
	setsid();
	redirect_to_null(!opts->log);
	if (write_pidfile(opts->pidfile))
		return -1;
	ok = 1;
	if (write(pipefd[1], &ok, 1) != 1)
		return -1;
	close(pipefd[1]);
	return 0;
}

static int power_cut(struct disk *disk, const struct options *opts)
{
	struct cut_result r;
	char what[256], mode[64], lost[32], kept[32];
	int ret;

	if (opts->cut == CUT_RANDOM)
		snprintf(mode, sizeof(mode), "random, seed %" PRIu64,
			 opts->seed);
	else
		snprintf(mode, sizeof(mode), "all");
	ret = disk_cut(disk, opts->cut, opts->seed, &r);
	if (ret) {
		report("cut (mode %s) failed: image %s: %s; its content is now undefined",
		       mode, disk->path, strerror(-ret));
		return -1;
	}
	snprintf(what, sizeof(what),
		 "cut (mode %s): %" PRIu64 " unflushed writes (%s) lost, %"
		 PRIu64 " kept (%s)", mode, r.lost,
		 human_size(r.lost_bytes, lost, sizeof(lost)), r.kept,
		 human_size(r.kept_bytes, kept, sizeof(kept)));
	report_stats(what, disk, true);
	return 0;
}

/*
 * Tell the harness which write fired the trigger.  Written under another
 * name and renamed, so that whoever sees the file sees all of it.
 */
static void write_trigger_file(const struct disk_trigger *trigger)
{
	char tmp[PATH_MAX];
	bool written;
	FILE *f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", trigger_path) >=
	    sizeof(tmp)) {
		report("trigger file %s: path too long", trigger_path);
		return;
	}
	f = fopen(tmp, "w");
	if (!f)
		goto fail;
	written = fprintf(f, "offset=%" PRIu64 " length=%" PRIu64
			  " fua=%d unflushed=%" PRIu64 "\n",
			  trigger->write_offset, trigger->write_length,
			  trigger->write_fua, trigger->unflushed) > 0;
	if (fclose(f) || !written || rename(tmp, trigger_path))
		goto fail;
	return;

fail:
	report("trigger file %s: %s", trigger_path, strerror(errno));
	unlink(tmp);
}

/* Serve clients one after another until a stop signal. */
static int serve(int listen_fd, struct disk *disk)
{
	int sk, ret;

	for (;;) {
		ret = wait_fd(listen_fd, POLLIN);
		if (ret == -EINTR)
			return 0;
		if (ret) {
			report("socket: %s", strerror(-ret));
			return -1;
		}
		sk = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (sk < 0) {
			if (errno != EINTR && errno != ECONNABORTED)
				report("socket: accept: %s", strerror(errno));
			continue;
		}
		nbd_serve(sk, disk);
		if (disk->trigger.fired) {
			/*
			 * The power is going: the client keeps its connection,
			 * unanswered, and the next ones wait to be accepted,
			 * until the signal.  No fd: ppoll() only waits.
			 */
			write_trigger_file(&disk->trigger);
			wait_fd(-1, 0);
		}
		close(sk);
	}
}

static int open_log(const char *path)
{
	if (!path)
		return 0;
	log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		log_fd = STDERR_FILENO;
		report("log %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Check --trigger against the disk, and remove a stale trigger file,
 * which would say the trigger fired.  Returns an exit status: 0 to go on,
 * 2 for a --trigger past the end, 1 for a file that cannot be removed.
 */
static int setup_trigger(const struct disk *disk,
			 const struct options *opts)
{
	char why[160];

	trigger_path = opts->trigger_file;
	arm_path = opts->arm_file;
	if (!trigger_path)
		return 0;
	if (opts->trigger_text &&
	    check_trigger_range(&opts->trigger, disk->size, why, sizeof(why))) {
		report("--trigger: '%s': %s", opts->trigger_text, why);
		return 2;
	}
	if (unlink(trigger_path) && errno != ENOENT) {
		report("trigger file %s: %s", trigger_path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct options opts;
	struct disk disk;
	int listen_fd, status = 1;

	if (parse_options(argc, argv, &opts)) {
		fprintf(stderr, "Try '" PROG " --help'.\n");
		return 2;
	}
	if (open_log(opts.log))
		return 1;
	setup_signals();
	if (disk_open(&disk, opts.image, opts.max_cache_mib << 20))
		return 1;
	served_disk = &disk;
	status = setup_trigger(&disk, &opts);
	if (status)
		goto out_disk;
	status = 1;
	listen_fd = listen_socket(opts.socket_path);
	if (listen_fd < 0)
		goto out_disk;
	if (opts.daemonize ? daemonize(&opts) : write_pidfile(opts.pidfile))
		goto out_socket;
	report("pid %d: serving %s (%" PRIu64 " bytes) on %s, cut mode %s, "
	       "cache up to %" PRIu64 " MiB", (int)getpid(), opts.image,
	       disk.size, opts.socket_path,
	       opts.cut == CUT_RANDOM ? "random" : "all", opts.max_cache_mib);
	if (opts.trigger_text)
		arm(&disk, &opts.trigger, "--trigger");

	if (!serve(listen_fd, &disk)) {
		if (stop_signal == SIGUSR1) {
			status = power_cut(&disk, &opts) ? 1 : 0;
		} else {
			report_cache("shutdown", "kept", &disk);
			status = 0;
		}
	}
	if (opts.pidfile)
		unlink(opts.pidfile);
out_socket:
	close(listen_fd);
	unlink(opts.socket_path);
out_disk:
	disk_close(&disk);
	return status;
}
