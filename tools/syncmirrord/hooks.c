// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hook programs: an operator's executable that the agent runs when
 * something happens to a volume (split-brain now; fence, promote and
 * deposed later), without ever blocking the poll loop.
 *
 * A hook is fork()ed and execve()d directly (no shell, argv[0] the path,
 * no other arguments) in its own process group, with stdin /dev/null,
 * stdout and stderr on one non-blocking pipe whose lines go to the log as
 * "<volume>: <hook>-hook: <line>", and exactly the environment the caller
 * gave plus PATH.  The loop learns of its end from a pidfd, so there is no
 * SIGCHLD handler to race with.  At its timeout the whole process group
 * gets SIGKILL.  One hook runs per volume at a time; later ones wait in
 * order behind it.  The end (exit status or signal, duration) is logged,
 * then the caller's completion callback runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <linux/syncmirror.h>

#include "../lib/superblock.h"
#include "syncmirrord.h"

#define HOOK_DEFAULT_PATH	"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct hook_job {
	struct hook_job *next;
	char *hook, *volume, *path;
	char **env;			/* NULL-terminated, owned */
	unsigned int timeout_s;
	hook_done_fn done;
	void *arg;

	bool running;
	pid_t pid;
	int pidfd;			/* -1 once reaped */
	int out_fd;			/* read end of stdout+stderr, -1: closed */
	long long started, deadline;	/* monotonic ms */
	bool timed_out;
	unsigned int lines;		/* logged so far */
	size_t partial;			/* bytes of an unfinished line */
	char line[HOOK_LINE_MAX + 1];
};

/* Every job, running or waiting, in the order they were asked for. */
static struct hook_job *jobs;

/* ---- environments ---- */

void hook_env_init(struct hook_env *e)
{
	memset(e, 0, sizeof(*e));
}

void hook_env_add(struct hook_env *e, const char *name, const char *fmt, ...)
{
	char value[1024];
	va_list ap;

	if (e->count == HOOK_ENV_MAX) {
		e->overflow = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(value, sizeof(value), fmt, ap);
	va_end(ap);
	if (asprintf(&e->vars[e->count], "%s=%s", name, value) < 0) {
		e->vars[e->count] = NULL;
		e->overflow = true;
		return;
	}
	e->count++;
}

void hook_env_common(struct hook_env *e, const char *hook,
		     const struct volume *v, const struct kernel_volume *kv)
{
	char uuid[37];

	sm_uuid_format(kv && kv->has_uuid ? kv->uuid : v->uuid, uuid);
	hook_env_add(e, "SYNCMIRROR_HOOK", "%s", hook);
	hook_env_add(e, "SYNCMIRROR_VOLUME", "%s", v->cfg.volume);
	hook_env_add(e, "SYNCMIRROR_VOLUME_UUID", "%s", uuid);
	hook_env_add(e, "SYNCMIRROR_NODE_ID", "%u", v->cfg.node_id);
	hook_env_add(e, "SYNCMIRROR_PEER_NODE_ID", "%u", v->cfg.peer_node_id);
	hook_env_add(e, "SYNCMIRROR_PEER_ADDRESS", "%s", v->cfg.peer_address);
	hook_env_add(e, "SYNCMIRROR_CURRENT_UUID", "%016" PRIx64,
		     kv ? kv->current_uuid : 0);
	hook_env_add(e, "SYNCMIRROR_ROLE", "%s",
		     sm_role_name(kv ? kv->role : SYNCMIRROR_ROLE_UNSPEC));
	hook_env_add(e, "SYNCMIRROR_DEVICE", "/dev/mapper/%s", v->cfg.volume);
}

void hook_env_free(struct hook_env *e)
{
	int i;

	for (i = 0; i < e->count; i++)
		free(e->vars[i]);
	hook_env_init(e);
}

/* ---- jobs ---- */

static void job_free(struct hook_job *job)
{
	char **var;

	if (job->out_fd >= 0)
		close(job->out_fd);
	if (job->pidfd >= 0)
		close(job->pidfd);
	for (var = job->env; var && *var; var++)
		free(*var);
	free(job->env);
	free(job->hook);
	free(job->volume);
	free(job->path);
	free(job);
}

/* A copy of @env with PATH added unless the caller set one. */
static char **copy_env(const char *const *env)
{
	size_t count = 0, i, n = 0;
	bool has_path = false;
	char **copy;

	while (env && env[count]) {
		has_path |= !strncmp(env[count], "PATH=", 5);
		count++;
	}
	copy = calloc(count + 2, sizeof(*copy));
	if (!copy)
		return NULL;
	for (i = 0; i < count; i++)
		if (!(copy[n++] = strdup(env[i])))
			goto fail;
	if (!has_path && !(copy[n++] = strdup(HOOK_DEFAULT_PATH)))
		goto fail;
	return copy;
fail:
	while (n--)
		free(copy[n]);
	free(copy);
	return NULL;
}

static bool volume_busy(const char *volume)
{
	struct hook_job *job;

	for (job = jobs; job; job = job->next)
		if (job->running && !strcmp(job->volume, volume))
			return true;
	return false;
}

static unsigned int volume_waiting(const char *volume)
{
	struct hook_job *job;
	unsigned int n = 0;

	for (job = jobs; job; job = job->next)
		if (!job->running && !strcmp(job->volume, volume))
			n++;
	return n;
}

/*
 * In the child: only what execve() needs.  The agent is single-threaded,
 * so the libc calls here cannot meet a lock another thread held.
 */
static void __attribute__((noreturn)) exec_child(struct hook_job *job,
						 int out)
{
	char *argv[] = { job->path, NULL };
	sigset_t none;
	int null;

	setpgid(0, 0);
	/* The agent blocks and ignores signals a hook must not inherit. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	null = open("/dev/null", O_RDONLY);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 ||
	    dup2(out, STDOUT_FILENO) < 0 || dup2(out, STDERR_FILENO) < 0)
		_exit(126);
	/* Sockets and pipes of the agent (and other hooks) stay with it. */
	if (close_range(3, ~0U, 0))
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
	if (chdir("/"))
		_exit(126);
	execve(job->path, argv, job->env);
	dprintf(STDERR_FILENO, "cannot run %s: %s\n", job->path,
		strerror(errno));
	_exit(127);
}

static void job_finish(struct hook_job *job, int status, bool started);

static void job_start(struct hook_job *job)
{
	char error[SM_CONFIG_PATH_MAX + 256];
	int pipe_fds[2];
	pid_t pid;

	job->running = true;
	job->started = now_ms();
	job->deadline = job->started + job->timeout_s * 1000LL;
	/* Checked again now: what runs as root must be root's alone. */
	if (sm_hook_check(job->path, error, sizeof(error))) {
		log_msg(LOG_ERR, "%s: not running %s-hook: %s", job->volume,
			job->hook, error);
		job_finish(job, 0, false);
		return;
	}
	if (pipe2(pipe_fds, O_CLOEXEC)) {
		log_msg(LOG_ERR, "%s: cannot run %s-hook: pipe: %m", job->volume,
			job->hook);
		job_finish(job, 0, false);
		return;
	}
	pid = fork();
	if (pid < 0) {
		log_msg(LOG_ERR, "%s: cannot run %s-hook: fork: %m", job->volume,
			job->hook);
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		job_finish(job, 0, false);
		return;
	}
	if (!pid)
		exec_child(job, pipe_fds[1]);
	/* Also here, so that a kill at once reaches the group. */
	setpgid(pid, pid);
	close(pipe_fds[1]);
	job->pid = pid;
	job->out_fd = pipe_fds[0];
	fcntl(job->out_fd, F_SETFL, fcntl(job->out_fd, F_GETFL) | O_NONBLOCK);
	job->pidfd = pidfd_open(pid, 0);
	if (job->pidfd < 0) {
		int status = 0;

		log_msg(LOG_ERR, "%s: cannot watch %s-hook (pid %d): pidfd_open: %m; killed it",
			job->volume, job->hook, (int)pid);
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
		job_finish(job, status, false);
		return;
	}
	log_msg(LOG_INFO, "%s: running %s-hook %s (pid %d, timeout %u s)",
		job->volume, job->hook, job->path, (int)pid, job->timeout_s);
}

/*
 * Start the first waiting job of every volume that has none running.  A
 * start that fails finishes (frees) its job, so look again from the top.
 */
static void start_waiting(void)
{
	struct hook_job *job;

again:
	for (job = jobs; job; job = job->next) {
		if (!job->running && !volume_busy(job->volume)) {
			job_start(job);
			goto again;
		}
	}
}

int hook_run(const struct hook_request *req)
{
	struct hook_job *job, **tail;

	if (req->path[0] != '/') {
		log_msg(LOG_ERR, "%s: %s-hook \"%s\" is not an absolute path; not run",
			req->volume, req->hook, req->path);
		return -1;
	}
	if (volume_waiting(req->volume) >= HOOK_QUEUE_MAX) {
		log_msg(LOG_WARNING, "%s: %s-hook not run: %d hooks are already waiting for this volume",
			req->volume, req->hook, HOOK_QUEUE_MAX);
		return -1;
	}
	job = calloc(1, sizeof(*job));
	if (!job)
		goto nomem;
	job->pidfd = -1;
	job->out_fd = -1;
	job->hook = strdup(req->hook);
	job->volume = strdup(req->volume);
	job->path = strdup(req->path);
	job->env = copy_env(req->env);
	if (!job->hook || !job->volume || !job->path || !job->env)
		goto nomem;
	job->timeout_s = req->timeout_s;
	job->done = req->done;
	job->arg = req->arg;
	for (tail = &jobs; *tail; tail = &(*tail)->next)
		;
	*tail = job;
	if (volume_busy(req->volume))
		log_msg(LOG_INFO, "%s: %s-hook waits for the volume's running hook",
			req->volume, req->hook);
	else
		job_start(job);
	return 0;
nomem:
	log_msg(LOG_ERR, "%s: %s-hook not run: out of memory", req->volume,
		req->hook);
	if (job)
		job_free(job);
	return -1;
}

/* ---- output ---- */

static void log_line(struct hook_job *job)
{
	job->line[job->partial] = '\0';
	job->partial = 0;
	if (job->lines < HOOK_MAX_LOG_LINES)
		log_msg(LOG_INFO, "%s: %s-hook: %s", job->volume, job->hook,
			job->line);
	else if (job->lines == HOOK_MAX_LOG_LINES)
		log_msg(LOG_WARNING, "%s: %s-hook: more than %d lines of output; the rest is not logged",
			job->volume, job->hook, HOOK_MAX_LOG_LINES);
	job->lines++;
}

/* Log every complete line that is there; at @eof the rest as well. */
static void read_output(struct hook_job *job)
{
	char buffer[4096];
	ssize_t n, i;

	while (job->out_fd >= 0) {
		n = read(job->out_fd, buffer, sizeof(buffer));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {		/* end of output, or an error: the same */
			if (job->partial)
				log_line(job);
			close(job->out_fd);
			job->out_fd = -1;
			return;
		}
		for (i = 0; i < n; i++) {
			if (buffer[i] == '\n') {
				log_line(job);
				continue;
			}
			job->line[job->partial++] = buffer[i];
			if (job->partial == HOOK_LINE_MAX)
				log_line(job);	/* a long line, in pieces */
		}
	}
}

/* ---- the end ---- */

static void log_end(const struct hook_job *job, int status,
		    long long duration)
{
	if (WIFEXITED(status))
		log_msg(WEXITSTATUS(status) ? LOG_WARNING : LOG_NOTICE,
			"%s: %s-hook exited %d after %lld ms", job->volume,
			job->hook, WEXITSTATUS(status), duration);
	else if (job->timed_out)
		log_msg(LOG_WARNING, "%s: %s-hook killed after its timeout of %u s (signal %d, %lld ms)",
			job->volume, job->hook, job->timeout_s,
			WTERMSIG(status), duration);
	else
		log_msg(LOG_WARNING, "%s: %s-hook killed by signal %d after %lld ms",
			job->volume, job->hook, WTERMSIG(status), duration);
}

static void job_finish(struct hook_job *job, int status, bool started)
{
	struct hook_result result = {
		.hook = job->hook,
		.volume = job->volume,
		.started = started,
		.timed_out = job->timed_out,
		.status = status,
		.duration_ms = now_ms() - job->started,
	};
	struct hook_job **link;

	if (job->out_fd >= 0) {
		/* What it wrote before it ended is in the pipe already. */
		read_output(job);
		if (job->partial)
			log_line(job);
	}
	if (started)
		log_end(job, status, result.duration_ms);
	for (link = &jobs; *link != job; link = &(*link)->next)
		;
	*link = job->next;
	if (job->done)
		job->done(&result, job->arg);
	job_free(job);
	start_waiting();
}

/* The pidfd said it ended: reap it, unless that was not so after all. */
static void job_reap(struct hook_job *job)
{
	int status = 0;
	pid_t r;

	do {
		r = waitpid(job->pid, &status, WNOHANG);
	} while (r < 0 && errno == EINTR);
	if (r == 0)
		return;
	if (r < 0) {
		log_msg(LOG_ERR, "%s: %s-hook (pid %d): waitpid: %m",
			job->volume, job->hook, (int)job->pid);
		status = W_EXITCODE(255, 0);
	}
	close(job->pidfd);
	job->pidfd = -1;
	job_finish(job, status, true);
}

/* ---- the poll loop ---- */

int hooks_poll_count(void)
{
	struct hook_job *job;
	int n = 0;

	for (job = jobs; job; job = job->next)
		if (job->running)
			n += 2;
	return n;
}

int hooks_poll_fds(struct pollfd *fds)
{
	struct hook_job *job;
	int n = 0;

	for (job = jobs; job; job = job->next) {
		if (!job->running)
			continue;
		if (job->pidfd >= 0)
			fds[n++] = (struct pollfd){ .fd = job->pidfd,
						    .events = POLLIN };
		if (job->out_fd >= 0)
			fds[n++] = (struct pollfd){ .fd = job->out_fd,
						    .events = POLLIN };
	}
	return n;
}

static short revents_of(const struct pollfd *fds, int count, int fd)
{
	int i;

	for (i = 0; i < count; i++)
		if (fds[i].fd == fd)
			return fds[i].revents;
	return 0;
}

void hooks_service(const struct pollfd *fds, int count)
{
	struct hook_job *job, *next;
	long long now = now_ms();

	for (job = jobs; job; job = next) {
		next = job->next;
		if (!job->running)
			continue;
		if (job->out_fd >= 0 && revents_of(fds, count, job->out_fd))
			read_output(job);
		if (!job->timed_out && now >= job->deadline) {
			job->timed_out = true;
			/* The group, unless the hook left it (setpgid). */
			if (kill(-job->pid, SIGKILL) && errno == ESRCH)
				kill(job->pid, SIGKILL);
		}
		/*
		 * A finish changes the list (and may start jobs whose fds
		 * were not polled: their stale revents, if a number was
		 * reused, only cost a read that finds nothing).
		 */
		if (job->pidfd >= 0 && revents_of(fds, count, job->pidfd)) {
			job_reap(job);
			next = jobs;
		}
	}
}

long long hooks_next_timeout(void)
{
	struct hook_job *job;
	long long next = -1, now = now_ms();

	for (job = jobs; job; job = job->next)
		if (job->running && !job->timed_out &&
		    (next < 0 || job->deadline < next))
			next = job->deadline;
	if (next < 0)
		return -1;
	return next > now ? next - now : 0;
}

void hooks_stop(void)
{
	struct hook_job *job;

	while ((job = jobs)) {
		jobs = job->next;
		if (job->running && job->pidfd >= 0) {
			log_msg(LOG_NOTICE, "%s: stopping: %s-hook (pid %d) killed",
				job->volume, job->hook, (int)job->pid);
			kill(-job->pid, SIGKILL);
			waitpid(job->pid, NULL, 0);
		} else if (!job->running) {
			log_msg(LOG_NOTICE, "%s: stopping: waiting %s-hook not run",
				job->volume, job->hook);
		}
		job_free(job);
	}
}
