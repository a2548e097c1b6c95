// SPDX-License-Identifier: GPL-2.0-only
/*
 * hooks_test - syncmirrord's hook runner (tools/syncmirrord/hooks.c) on
 * the host, for tests/tools/hooks_test.sh: shell-script hooks in a
 * temporary directory, run through hook_run() and a small poll loop like
 * the agent's.  Checks what an operator relies on: the environment is
 * exactly the one given (plus PATH), stdin is empty, stdout and stderr
 * reach the log line by line, the exit status and a timeout kill (of the
 * whole process group) are logged and reported, hooks of one volume run
 * one after the other while another volume's run at the same time, a
 * missing program is reported, and hook_run() never waits for a hook.
 * Then split_brain.c on top of it: split-brain-hook runs once per new
 * decision, with the SYNCMIRROR_SB_* variables, and not for the state
 * found at start or for the repeats of a decision at each reconnection.
 *
 * Prints "ok: ..." or "FAIL: ..." per check; exit 0 when all passed.
 * Built into build/tools/test/, which does not go into VM images.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <linux/syncmirror.h>

#include "../syncmirrord/syncmirrord.h"

#define MAX_LOG		1024
#define LEAK_FD		7	/* open without CLOEXEC: must not reach hooks */

static char *logged[MAX_LOG];
static int log_count;
static int failures;
static char dir[64];

/* The agent's log goes to memory here. */
void log_msg(int priority, const char *fmt, ...)
{
	va_list ap;

	(void)priority;
	if (log_count == MAX_LOG)
		return;
	va_start(ap, fmt);
	if (vasprintf(&logged[log_count], fmt, ap) >= 0)
		log_count++;
	va_end(ap);
}

/* split_brain.c audits decisions it finds in dumps. */
void audit_split_brain(const struct kernel_volume *kv)
{
	log_msg(LOG_NOTICE, "audit: %s: split-brain %s", kv->name,
		sm_sb_decision_name(kv->sb_decision));
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void check(bool ok, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", ok ? "ok" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += !ok;
}

/* Index of the first log line from @from that starts with @prefix, or -1. */
static int find_log(int from, const char *prefix)
{
	int i;

	for (i = from; i < log_count; i++)
		if (!strncmp(logged[i], prefix, strlen(prefix)))
			return i;
	return -1;
}

static bool has_log(const char *line)
{
	int i;

	for (i = 0; i < log_count; i++)
		if (!strcmp(logged[i], line))
			return true;
	return false;
}

static void dump_log(void)
{
	int i;

	for (i = 0; i < log_count; i++)
		printf("    log: %s\n", logged[i]);
}

static void clear_log(void)
{
	while (log_count)
		free(logged[--log_count]);
}

struct outcome {
	int calls;
	struct hook_result result;
	char volume[32];
	long long at;			/* when the callback ran */
};

static void on_done(const struct hook_result *result, void *arg)
{
	struct outcome *o = arg;

	o->calls++;
	o->result = *result;
	snprintf(o->volume, sizeof(o->volume), "%s", result->volume);
	o->result.hook = o->result.volume = NULL;	/* not kept by hooks.c */
	o->at = now_ms();
}

/* The agent's loop, reduced to the hooks, until @done() or @ms pass. */
static void loop(bool (*done)(void *), void *arg, int ms)
{
	long long deadline = now_ms() + ms, t;
	struct pollfd fds[64];
	int n;

	while (!done(arg) && now_ms() < deadline) {
		n = hooks_poll_fds(fds);
		t = hooks_next_timeout();
		if (t < 0 || t > 100)
			t = 100;
		poll(fds, n, t);
		hooks_service(fds, n);
	}
}

static bool called(void *arg)
{
	return ((struct outcome *)arg)->calls > 0;
}

static bool all_called(void *arg)
{
	struct outcome *o = arg;

	return o[0].calls && o[1].calls && o[2].calls;
}

static void write_script(const char *name, const char *body)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f || fprintf(f, "#!/bin/sh\n%s", body) < 0 || fclose(f) ||
	    chmod(path, 0755)) {
		fprintf(stderr, "hooks_test: cannot write %s\n", path);
		exit(2);
	}
}

static int run(const char *volume, const char *script, unsigned int timeout,
	       const char *const *env, struct outcome *o)
{
	char path[128];
	struct hook_request req = {
		.hook = "split-brain",
		.volume = volume,
		.path = path,
		.env = env,
		.timeout_s = timeout,
		.done = on_done,
		.arg = o,
	};

	snprintf(path, sizeof(path), "%s%s%s", script[0] == '/' ? "" : dir,
		 script[0] == '/' ? "" : "/", script);
	return hook_run(&req);
}

/* Environment, stdin, output capture, exit status. */
static void test_output(void)
{
	static const char *const env[] = {
		"SYNCMIRROR_HOOK=split-brain", "SYNCMIRROR_VOLUME=vol0",
		"SYNCMIRROR_SB_DECISION=refused", "SYNCMIRROR_SB_VICTIM=",
		NULL };
	struct outcome o = { 0 };
	long long start;
	int r;

	write_script("env.sh",
		"echo \"hook=$SYNCMIRROR_HOOK volume=$SYNCMIRROR_VOLUME decision=$SYNCMIRROR_SB_DECISION victim=[$SYNCMIRROR_SB_VICTIM] args=$#\"\n"
		"echo \"PATH ${PATH:+set} agent variable ${SM_TEST_LEAK:-not set} cwd $(pwd)\"\n"
		"[ -e /proc/$$/fd/7 ] && echo 'fd 7 leaked' || echo 'fd 7 closed'\n"
		"echo 'to stderr' >&2\n"
		"if read line; then echo \"stdin gave $line\"; else echo 'stdin empty'; fi\n"
		"printf 'last line without a newline'\n"
		"exit 3\n");
	start = now_ms();
	r = run("vol0", "env.sh", 10, env, &o);
	check(r == 0 && now_ms() - start < 500,
	      "hook_run returns at once (%lld ms)", now_ms() - start);
	loop(called, &o, 10000);
	check(o.calls == 1, "completion callback called once (%d)", o.calls);
	check(o.result.started && !o.result.timed_out &&
	      WIFEXITED(o.result.status) && WEXITSTATUS(o.result.status) == 3,
	      "result: exit status 3, not timed out");
	check(!strcmp(o.volume, "vol0"), "result names the volume");
	check(has_log("vol0: split-brain-hook: hook=split-brain volume=vol0 decision=refused victim=[] args=0"),
	      "environment as given, no arguments");
	check(has_log("vol0: split-brain-hook: PATH set agent variable not set cwd /"),
	      "PATH added, the agent's environment not passed, cwd /");
	check(has_log("vol0: split-brain-hook: fd 7 closed"),
	      "the agent's file descriptors are closed");
	check(has_log("vol0: split-brain-hook: to stderr"), "stderr logged");
	check(has_log("vol0: split-brain-hook: stdin empty"), "stdin is /dev/null");
	check(has_log("vol0: split-brain-hook: last line without a newline"),
	      "an unfinished last line is logged");
	check(find_log(0, "vol0: split-brain-hook exited 3 after ") >= 0,
	      "exit status and duration logged");
	if (failures)
		dump_log();
	clear_log();
}

/* stat(2) says the process is gone (or a zombie nobody reaped yet). */
static bool process_gone(pid_t pid)
{
	char path[64], stat[256], *close_paren;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return true;
	n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	close_paren = strrchr(stat, ')');
	return close_paren && (close_paren[2] == 'Z' || close_paren[2] == 'X');
}

/* A hook past its timeout is killed with everything it started. */
static void test_timeout(void)
{
	struct outcome o = { 0 };
	long long start;
	char path[128];
	int pid = 0, i;
	FILE *f;

	write_script("slow.sh",
		"sleep 30 &\n"
		"echo $! > \"$(dirname \"$0\")/sleep.pid\"\n"
		"echo 'waiting'\n"
		"wait\n"
		"echo 'not reached'\n");
	start = now_ms();
	run("vol0", "slow.sh", 1, NULL, &o);
	check(now_ms() - start < 500, "hook_run does not wait for a slow hook");
	loop(called, &o, 10000);
	check(o.calls == 1 && o.result.timed_out &&
	      WIFSIGNALED(o.result.status) &&
	      WTERMSIG(o.result.status) == SIGKILL,
	      "killed with SIGKILL at the timeout");
	check(o.result.duration_ms >= 900 && o.result.duration_ms < 3000,
	      "after about 1 s (%lld ms)", o.result.duration_ms);
	check(has_log("vol0: split-brain-hook: waiting") &&
	      !has_log("vol0: split-brain-hook: not reached"),
	      "output before the kill logged");
	check(find_log(0, "vol0: split-brain-hook killed after its timeout of 1 s (signal 9, ") >= 0,
	      "the timeout is logged");
	snprintf(path, sizeof(path), "%s/sleep.pid", dir);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &pid) != 1)
			pid = 0;
		fclose(f);
	}
	for (i = 0; pid > 0 && i < 20 && !process_gone(pid); i++)
		usleep(100000);
	check(pid > 0 && process_gone(pid),
	      "the hook's own child (pid %d) was killed too", pid);
	if (failures)
		dump_log();
	clear_log();
}

/* One hook per volume at a time, in order; volumes do not wait for each other. */
static void test_serial(void)
{
	struct outcome o[3] = { { 0 } };
	char path[128], line[64], order[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/order", dir);
	unlink(path);
	write_script("a.sh", "d=$(dirname \"$0\"); echo a-start >> $d/order; sleep 0.5; echo a-end >> $d/order\n");
	write_script("b.sh", "d=$(dirname \"$0\"); echo b-start >> $d/order; echo b-end >> $d/order\n");
	write_script("c.sh", "d=$(dirname \"$0\"); echo c-start >> $d/order; sleep 0.2; echo c-end >> $d/order\n");
	run("vol0", "a.sh", 10, NULL, &o[0]);
	run("vol0", "b.sh", 10, NULL, &o[1]);
	run("vol1", "c.sh", 10, NULL, &o[2]);
	check(has_log("vol0: split-brain-hook waits for the volume's running hook"),
	      "the second hook of a volume waits (logged)");
	loop(all_called, o, 10000);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = ' ';
		strncat(order, line, sizeof(order) - strlen(order) - 1);
	}
	if (f)
		fclose(f);
	check(o[0].calls == 1 && o[1].calls == 1 && o[2].calls == 1,
	      "all three completed");
	check(strstr(order, "a-end b-start") != NULL,
	      "vol0's second hook started after its first ended (%s)", order);
	check(strstr(order, "c-start") < strstr(order, "a-end"),
	      "vol1's hook ran while vol0's was running (%s)", order);
	check(o[0].at <= o[1].at, "callbacks in order");
	if (failures)
		dump_log();
	clear_log();
}

static void test_failures(void)
{
	struct outcome o = { 0 };
	char body[2048] = "i=0; while [ $i -lt 300 ]; do echo line $i; i=$((i + 1)); done\n";
	char want[320];

	run("vol0", "/nonexistent/hook", 10, NULL, &o);
	loop(called, &o, 5000);
	check(o.calls == 1 && !o.result.started,
	      "a missing program is not started");
	check(has_log("vol0: not running split-brain-hook: /nonexistent/hook: No such file or directory"),
	      "and says why");
	clear_log();

	memset(&o, 0, sizeof(o));
	check(run("vol0", "/", 10, NULL, &o) == 0, "a directory is accepted by hook_run");
	loop(called, &o, 5000);
	check(o.calls == 1 && !o.result.started &&
	      has_log("vol0: not running split-brain-hook: /: not a regular file"),
	      "and not run");
	clear_log();

	/* The agent runs hooks as root: one others may change is refused. */
	memset(&o, 0, sizeof(o));
	write_script("loose.sh", "echo ran\n");
	snprintf(want, sizeof(want), "%s/loose.sh", dir);
	chmod(want, 0777);
	run("vol0", "loose.sh", 10, NULL, &o);
	loop(called, &o, 5000);
	snprintf(want, sizeof(want),
		 "vol0: not running split-brain-hook: %s/loose.sh is writable by group or others (mode 0777): chmod go-w it",
		 dir);
	check(o.calls == 1 && !o.result.started && has_log(want) &&
	      !has_log("ran"), "a hook others may write is not run");
	clear_log();

	{
		struct hook_request req = { .hook = "split-brain",
					    .volume = "vol0",
					    .path = "hooks/sb",
					    .timeout_s = 10 };

		check(hook_run(&req) == -1 &&
		      has_log("vol0: split-brain-hook \"hooks/sb\" is not an absolute path; not run"),
		      "a relative path is refused");
	}
	clear_log();

	memset(&o, 0, sizeof(o));
	write_script("chatty.sh", body);
	run("vol0", "chatty.sh", 10, NULL, &o);
	loop(called, &o, 10000);
	snprintf(want, sizeof(want), "vol0: split-brain-hook: line %d",
		 HOOK_MAX_LOG_LINES - 1);
	check(has_log(want) && !has_log("vol0: split-brain-hook: line 250") &&
	      find_log(0, "vol0: split-brain-hook: more than ") >= 0,
	      "output beyond %d lines is cut, and that is said",
	      HOOK_MAX_LOG_LINES);
	if (failures)
		dump_log();
	clear_log();
}

static int count_logs(const char *prefix)
{
	int n = 0, i = -1;

	while ((i = find_log(i + 1, prefix)) >= 0)
		n++;
	return n;
}

static bool no_hook_running(void *arg)
{
	(void)arg;
	return hooks_poll_count() == 0;
}

/* Feed @kv to split_brain_seen() and let any hook it starts finish. */
static void seen(struct volume *v, struct kernel_volume *kv)
{
	split_brain_seen(NULL, v, kv);
	loop(no_hook_running, NULL, 10000);
}

static void test_split_brain(void)
{
	static const uint8_t uuid[16] = { 0x5b, 0x2c, 0x4d, 0x6e, 0x1f, 0x20,
					  0x4a, 0x3b, 0x9c, 0x4d, 0x5e, 0x6f,
					  0x70, 0x81, 0x92, 0x03 };
	struct kernel_volume kv = { .name = "vol0", .has_uuid = true,
				    .role = SYNCMIRROR_ROLE_SECONDARY,
				    .region_size = 65536,
				    .current_uuid = 0x77aa55cc33ee1101ULL,
				    .has_split_brain = true,
				    .sb_policy = SYNCMIRROR_SB_POLICY_LEAST_CHANGES,
				    .sb_decision = SYNCMIRROR_SB_DECISION_REFUSED,
				    .sb_time = 1795496400,
				    .sb_peer_node_id = 1,
				    .sb_local_changes = 20,
				    .sb_peer_changes = 3,
				    .sb_common_uuid = 0x3a1b2c3d4e5f6071ULL,
				    .sb_reason = "both copies changed" };
	struct volume v = { 0 };
	const char *ran = "vol0: split-brain-hook exited 0 after ";

	memcpy(kv.uuid, uuid, sizeof(uuid));
	snprintf(v.cfg.volume, sizeof(v.cfg.volume), "vol0");
	v.cfg.node_id = 0;
	v.cfg.peer_node_id = 1;
	snprintf(v.cfg.peer_address, sizeof(v.cfg.peer_address),
		 "10.0.0.2:7789");
	v.cfg.after_split_brain = SYNCMIRROR_SB_POLICY_LEAST_CHANGES;
	v.cfg.hook_timeout = 10;
	snprintf(v.cfg.split_brain_hook, sizeof(v.cfg.split_brain_hook),
		 "%s/sb.sh", dir);
	write_script("sb.sh", "env | grep '^SYNCMIRROR_' | sort\n");

	seen(&v, &kv);			/* a dump at start: decided before */
	check(count_logs(ran) == 0, "a decision found at start runs no hook");
	kv.event = SYNCMIRROR_EVENT_SPLIT_BRAIN;
	kv.sb_time += 30;		/* the kernel decides at every hello */
	kv.sb_local_changes += 5;
	seen(&v, &kv);
	check(count_logs(ran) == 0,
	      "the same decision at the next reconnection runs no hook");
	kv.sb_common_uuid = 0x1122334455667789ULL;
	kv.sb_local_changes = 20;
	seen(&v, &kv);
	check(count_logs(ran) == 1, "a new decision runs the hook");
	check(has_log("vol0: split-brain-hook: SYNCMIRROR_HOOK=split-brain") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_VOLUME=vol0") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_VOLUME_UUID=5b2c4d6e-1f20-4a3b-9c4d-5e6f70819203") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_NODE_ID=0") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_PEER_NODE_ID=1") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_PEER_ADDRESS=10.0.0.2:7789") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_CURRENT_UUID=77aa55cc33ee1101") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_ROLE=secondary") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_DEVICE=/dev/mapper/vol0"),
	      "the common hook variables");
	check(has_log("vol0: split-brain-hook: SYNCMIRROR_SB_DECISION=refused") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_VICTIM=") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_LOCAL_CHANGES=1310720") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_PEER_CHANGES=196608") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_COMMON_UUID=1122334455667789") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_FULL=0") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_POLICY=discard-least-changes") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_REASON=both copies changed"),
	      "the split-brain variables, changes in bytes");
	kv.sb_time += 30;
	seen(&v, &kv);
	kv.event = 0;
	seen(&v, &kv);
	check(count_logs(ran) == 1, "its repeats (event or dump) run no hook");
	kv.sb_decision = SYNCMIRROR_SB_DECISION_AUTO_PEER;
	kv.sb_full = true;
	seen(&v, &kv);
	check(count_logs(ran) == 2 && has_log("audit: vol0: split-brain resolved-auto") &&
	      find_log(0, "vol0: a split-brain decision the agent was not told of") >= 0,
	      "a new decision found in a dump (its event lost) is audited and runs the hook");
	check(has_log("vol0: split-brain-hook: SYNCMIRROR_SB_VICTIM=peer") &&
	      has_log("vol0: split-brain-hook: SYNCMIRROR_SB_FULL=1"),
	      "victim and full as decided");
	kv.event = SYNCMIRROR_EVENT_SPLIT_BRAIN;
	kv.sb_decision = SYNCMIRROR_SB_DECISION_NONE;
	seen(&v, &kv);
	check(count_logs(ran) == 2, "no decision runs no hook");
	v.cfg.split_brain_hook[0] = '\0';
	kv.sb_decision = SYNCMIRROR_SB_DECISION_REFUSED;
	seen(&v, &kv);
	check(count_logs("vol0: running split-brain-hook") == 2,
	      "without split-brain-hook nothing is run");
	if (failures)
		dump_log();
	clear_log();
}

int main(void)
{
	int leak;

	snprintf(dir, sizeof(dir), "/tmp/hooks_test.XXXXXX");
	if (!mkdtemp(dir)) {
		perror("hooks_test: mkdtemp");
		return 2;
	}
	setenv("SM_TEST_LEAK", "leaked", 1);
	leak = open("/dev/null", O_RDONLY);
	if (leak < 0 || dup2(leak, LEAK_FD) < 0) {
		perror("hooks_test: /dev/null");
		return 2;
	}

	test_output();
	test_timeout();
	test_serial();
	test_failures();
	test_split_brain();
	hooks_stop();

	if (fork() == 0) {
		execlp("rm", "rm", "-rf", dir, (char *)NULL);
		_exit(1);
	}
	wait(NULL);
	printf("%s\n", failures ? "some checks failed" : "all checks passed");
	return failures ? 1 : 0;
}
