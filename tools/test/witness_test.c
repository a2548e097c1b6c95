// SPDX-License-Identifier: GPL-2.0-only
/*
 * witness_test - end to end on 127.0.0.1: a real witness process
 * (build/tools/test/sm-witness, i.e. syncmirrord/witness.c) and this
 * program playing the data nodes A (member 0) and B (member 1), plus C
 * (member 12, of no volume, which the witness dials).  Run by
 * tests/tools/witness_test.sh:
 *
 *   witness_test SM_WITNESS
 *
 * The client side is written on lib/hbproto.c and lib/auth.c alone,
 * not on heartbeat.c, and checks every message of the witness as a
 * member would (sequence, echo, checksums).  What it asserts:
 *  - a first term is granted to A, persisted, and GRANT goes to A only;
 *  - B's request for a higher term is denied with reason 1 while the
 *    witness hears A, and a stale term with 3; C is no member (5);
 *  - once A is silent, the witness grants B only after loss-timeout
 *    (B's outdated lineage gets 2 from then on, the right one 0);
 *  - afterwards GRANT goes to B, not to A, which learns term 2;
 *  - a silent link is closed by the witness;
 *  - restarted, the witness still refuses the stale term and grants B's
 *    leases from its state file;
 *  - a damaged state file: reason 4, logged, no lease; removed: a fresh
 *    witness that waits loss-timeout from its start before granting;
 *  - a message with a bad magic closes the link, logged.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../lib/auth.h"
#include "../lib/hbproto.h"
#include "../lib/quorum-state.h"
#include "../lib/superblock.h"
#include "check.h"

#define W_ID		9
#define INTERVAL	100
#define LOSS		1300
#define G0		0x1000000000000001ULL
#define GA		0x2000000000000003ULL
#define GB		0x3000000000000005ULL
#define GX		0x7777777777777777ULL
#define CLUSTER_UUID	"2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10"
#define VOLUME_UUID	"7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"

static char dir[64], state_dir[96], log_path[96];
static const char *witness_bin;
static pid_t witness_pid;
static long long witness_started;
static int port_w, port_c;
static uint8_t cluster_uuid[16], volume_uuid[16];
static struct sm_secret secret;

struct client {
	const char *name;
	uint32_t id;
	int fd;
	struct sm_hb_seq seq;
	uint8_t in[SM_HB_MESSAGE_MAX];
	size_t in_have;
	bool closed;			/* the witness closed the link */
	int heartbeats;			/* from the witness, with our volume */
	struct sm_hb_record record;	/* the last of them */
	bool have_reply;
	uint32_t reply_result;
	struct sm_hb_record reply_record;
	bool sending;			/* heartbeats every INTERVAL */
	struct sm_hb_record mine;
	long long next_send, last_send;
};

static struct client a = { .name = "A", .id = 0, .fd = -1 };
static struct client b = { .name = "B", .id = 1, .fd = -1 };
static struct client c = { .name = "C", .id = 12, .fd = -1 };
static struct client *clients[] = { &a, &b, &c };

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static void die(const char *what)
{
	perror(what);
	if (witness_pid > 0)
		kill(witness_pid, SIGKILL);
	exit(2);
}

static int free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    getsockname(fd, (struct sockaddr *)&sa, &len))
		die("free port");
	port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f) || chmod(path, mode))
		die(path);
}

static bool log_has(const char *text)
{
	char buf[1 << 16];
	FILE *f = fopen(log_path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static void start_witness(void)
{
	int fd;

	witness_started = now_ms();
	witness_pid = fork();
	if (witness_pid < 0)
		die("fork");
	if (!witness_pid) {
		fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd < 0)
			_exit(126);
		dup2(fd, 2);
		dup2(fd, 1);
		execl(witness_bin, witness_bin, "--config-dir", dir,
		      "--state-dir", state_dir, "--stderr", (char *)NULL);
		_exit(127);
	}
}

static int stop_witness(void)
{
	int status;

	kill(witness_pid, SIGTERM);
	if (waitpid(witness_pid, &status, 0) != witness_pid)
		die("waitpid");
	witness_pid = 0;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static void reset(struct client *cl)
{
	if (cl->fd >= 0)
		close(cl->fd);
	cl->fd = -1;
	memset(&cl->seq, 0, sizeof(cl->seq));
	cl->in_have = 0;
	cl->closed = false;
	cl->heartbeats = 0;
	cl->have_reply = false;
}

static bool authenticate(struct client *cl, int fd)
{
	enum sm_auth_result r;
	struct sm_auth auth;
	int i;

	sm_auth_init(&auth, SM_HB_AUTH_MAGIC, SM_HB_AUTH_LABEL, &secret,
		     cluster_uuid, cl->id, W_ID);
	r = sm_auth_run(&auth, fd, 3000);
	for (i = 0; r != SM_AUTH_ACCEPTED && i < auth.message_count; i++)
		printf("    %s: %s\n", cl->name, auth.messages[i]);
	sm_auth_clear(&auth);
	if (r != SM_AUTH_ACCEPTED)
		return false;
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	cl->fd = fd;
	return true;
}

/* A dials the witness (retrying while it starts up). */
static bool dial(struct client *cl)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port_w),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	long long deadline = now_ms() + 3000;
	int fd;

	reset(cl);
	while (now_ms() < deadline) {
		fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			die("socket");
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			return authenticate(cl, fd);
		close(fd);
		usleep(20000);
	}
	return false;
}

/* The witness dials C (member 12 > 9): accept it. */
static bool accept_witness(struct client *cl, int listen_fd)
{
	struct pollfd pfd = { .fd = listen_fd, .events = POLLIN };
	int fd;

	reset(cl);
	if (poll(&pfd, 1, 4000) != 1)
		return false;
	fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	return fd >= 0 && authenticate(cl, fd);
}

static void send_message(struct client *cl, uint16_t type,
			 const struct sm_hb_record *r, uint32_t count)
{
	uint8_t msg[SM_HB_MESSAGE_MAX];
	size_t len;

	len = sm_hb_encode(&cl->seq, cl->id, type, r, count, 0, msg,
			   sizeof(msg));
	if (cl->fd < 0 || send(cl->fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
		printf("    %s: send failed\n", cl->name);
	cl->last_send = now_ms();
}

/* One complete message from the witness in cl->in. */
static void take(struct client *cl)
{
	struct sm_hb_record records[16];
	struct sm_hb_header h;
	uint32_t count, result, i;
	char why[160];

	if (sm_hb_decode_header(cl->in, &h, why, sizeof(why)) ||
	    sm_hb_check_sequence(&cl->seq, W_ID, &h, why, sizeof(why)) ||
	    sm_hb_decode_payload(&h, cl->in + SM_HB_HEADER_SIZE, records, 16,
				 &count, &result, why, sizeof(why))) {
		check(false, "%s: the witness sent a bad message: %s",
		      cl->name, why);
		return;
	}
	for (i = 0; i < count; i++) {
		if (memcmp(records[i].volume_uuid, volume_uuid, 16))
			continue;
		if (h.type == SM_HB_HEARTBEAT) {
			cl->record = records[i];
			cl->heartbeats++;
		} else if (h.type == SM_HB_PROMOTE_REPLY) {
			cl->reply_record = records[i];
			cl->reply_result = result;
			cl->have_reply = true;
		}
	}
}

static void receive(struct client *cl)
{
	struct sm_hb_header h;
	char why[160];
	size_t want;
	ssize_t n;

	for (;;) {
		want = SM_HB_HEADER_SIZE;
		if (cl->in_have >= SM_HB_HEADER_SIZE) {
			sm_hb_decode_header(cl->in, &h, why, sizeof(why));
			if (h.payload_len > SM_HB_PAYLOAD_MAX) {
				check(false, "%s: payload_len %u", cl->name,
				      h.payload_len);
				cl->closed = true;
				return;
			}
			want += h.payload_len;
		}
		if (cl->in_have == want) {
			take(cl);
			cl->in_have = 0;
			continue;
		}
		n = recv(cl->fd, cl->in + cl->in_have, want - cl->in_have,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			cl->closed = true;
			close(cl->fd);
			cl->fd = -1;
			return;
		}
		cl->in_have += n;
	}
}

/* Run the clients for @ms: heartbeats out, the witness's messages in. */
static void pump(long long ms)
{
	long long end = now_ms() + ms, now;
	struct pollfd fds[3];
	int i, n;

	while ((now = now_ms()) < end) {
		n = 0;
		for (i = 0; i < 3; i++) {
			struct client *cl = clients[i];

			if (cl->fd < 0)
				continue;
			if (cl->sending && now >= cl->next_send) {
				send_message(cl, SM_HB_HEARTBEAT, &cl->mine, 1);
				cl->next_send = now + INTERVAL;
			}
			fds[n++] = (struct pollfd){ .fd = cl->fd,
						    .events = POLLIN };
		}
		poll(fds, n, 10);
		for (i = 0; i < 3; i++)
			if (clients[i]->fd >= 0)
				receive(clients[i]);
	}
}

/* PROMOTE_REQUEST; the result, or -1 with no reply within 2 s. */
static int request(struct client *cl, uint64_t term, uint64_t current,
		   uint64_t gen)
{
	struct sm_hb_record r = cl->mine;
	long long deadline = now_ms() + 2000;

	r.term = term;
	r.primary = cl->id;
	r.current_uuid = current;
	r.primary_gen = gen;
	cl->have_reply = false;
	send_message(cl, SM_HB_PROMOTE_REQUEST, &r, 1);
	while (!cl->have_reply && now_ms() < deadline && cl->fd >= 0)
		pump(10);
	return cl->have_reply ? (int)cl->reply_result : -1;
}

static struct sm_hb_record record(uint64_t term, uint32_t primary,
				  uint32_t role, uint64_t current,
				  uint64_t gen, uint32_t peer)
{
	struct sm_hb_record r = {
		.term = term, .primary = primary, .role = role,
		.current_uuid = current, .primary_gen = gen,
		.flags = SM_HB_F_UP_TO_DATE | SM_HB_F_SEES_PEER, .peer = peer,
	};

	memcpy(r.volume_uuid, volume_uuid, 16);
	return r;
}

static bool state_is(uint64_t term, uint32_t primary, uint64_t gen)
{
	struct sm_qstate s;
	char why[4200];

	return sm_qstate_load(state_dir, volume_uuid, &s, why, sizeof(why)) ==
	       SM_QSTATE_LOADED && s.term == term && s.primary == primary &&
	       s.primary_gen == gen;
}

static void setup(void)
{
	char conf[1024], path[160];
	int port_a = free_port(), port_b = free_port();

	snprintf(dir, sizeof(dir), "/tmp/witness_test.XXXXXX");
	if (!mkdtemp(dir))
		die("mkdtemp");
	snprintf(state_dir, sizeof(state_dir), "%s/state", dir);
	snprintf(log_path, sizeof(log_path), "%s/witness.log", dir);
	port_w = free_port();
	port_c = free_port();
	snprintf(path, sizeof(path), "%s/cluster.secret", dir);
	write_file(path, "correct horse battery staple\n", 0600);
	if (sm_secret_load(path, &secret, conf, sizeof(conf)))
		die(conf);
	snprintf(conf, sizeof(conf),
		 "cluster-uuid %s\n"
		 "secret-file %s\n"
		 "member 0 127.0.0.1:%d\n"
		 "member 1 127.0.0.1:%d\n"
		 "member 12 127.0.0.1:%d\n"
		 "witness %d 127.0.0.1:%d\n"
		 "heartbeat-interval %d\n"
		 "lease-time 300\n"
		 "loss-timeout %d\n",
		 CLUSTER_UUID, path, port_a, port_b, port_c, W_ID, port_w,
		 INTERVAL, LOSS);
	snprintf(path, sizeof(path), "%s/cluster.conf", dir);
	write_file(path, conf, 0644);
	sm_uuid_parse(CLUSTER_UUID, cluster_uuid);
	sm_uuid_parse(VOLUME_UUID, volume_uuid);
}

static int listen_c(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(port_c),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 4))
		die("listen for C");
	return fd;
}

static void scenario(void)
{
	long long silent_since, first_outdated = 0, t;
	int r, c_listen, alive_seen = 0, status;
	char path[160];
	uint8_t byte;
	FILE *f;

	c_listen = listen_c();
	start_witness();
	check(dial(&a) && dial(&b), "A and B dial the witness and authenticate (SMH1)");
	a.mine = record(0, SM_HB_NO_MEMBER, SM_HB_ROLE_SECONDARY, G0, 0, 1);
	b.mine = record(0, SM_HB_NO_MEMBER, SM_HB_ROLE_SECONDARY, G0, 0, 0);
	a.sending = b.sending = true;
	pump(4 * INTERVAL);
	check(a.heartbeats >= 2 && a.record.term == 0 &&
	      a.record.primary == SM_HB_NO_MEMBER &&
	      a.record.role == SM_HB_ROLE_NONE && a.record.peer == 1 &&
	      (a.record.flags & SM_HB_F_SEES_PEER) &&
	      !(a.record.flags & SM_HB_F_GRANT),
	      "the witness learned the volume: its heartbeats to A report on peer B, SEES_PEER, no term (%d heartbeats)",
	      a.heartbeats);

	r = request(&a, 1, G0, GA);
	check(r == SM_HB_GRANTED && a.reply_record.term == 1 &&
	      a.reply_record.primary == 0 && a.reply_record.primary_gen == GA,
	      "A asks for term 1 (B heard, secondary): granted (%d)", r);
	check(state_is(1, 0, GA), "the witness persisted (1, A, GA) before replying");
	check(log_has(VOLUME_UUID ": term 1 granted to member 0 (generation 2000000000000003)"),
	      "the grant is in the witness's log");

	a.mine = record(1, 0, SM_HB_ROLE_PRIMARY, GA, GA, 1);
	b.mine = record(1, 0, SM_HB_ROLE_SECONDARY, GA, GA, 0);
	pump(4 * INTERVAL);
	check((a.record.flags & SM_HB_F_GRANT) && a.record.term == 1 &&
	      a.record.primary == 0 && a.record.primary_gen == GA,
	      "GRANT in the witness's heartbeats to primary A");
	check(!(b.record.flags & SM_HB_F_GRANT) && b.record.term == 1,
	      "no GRANT in those to secondary B");

	r = request(&b, 2, GA, GB);
	check(r == SM_HB_DENY_PRIMARY_ALIVE,
	      "B asks for term 2 while the witness hears A: reason 1 (%d)", r);
	check(log_has(VOLUME_UUID ": term 2 denied to member 1: the primary is alive"),
	      "the denial is in the witness's log");
	r = request(&b, 1, GA, GB);
	check(r == SM_HB_DENY_STALE_TERM, "B asks for term 1: reason 3 (%d)", r);

	check(accept_witness(&c, c_listen),
	      "the witness dials member 12 (higher id) and authenticates");
	c.mine = record(0, SM_HB_NO_MEMBER, SM_HB_ROLE_SECONDARY, GA, 0, 0);
	r = request(&c, 2, GA, GB);
	check(r == SM_HB_DENY_NOT_MEMBER,
	      "member 12 asks for the volume of 0 and 1: reason 5 (%d)", r);

	/* A falls silent; B keeps asking with an outdated lineage. */
	a.sending = false;
	silent_since = a.last_send;
	for (t = now_ms(); now_ms() - t < LOSS + 1500;) {
		r = request(&b, 2, GX, GB);
		if (r == SM_HB_DENY_PRIMARY_ALIVE)
			alive_seen++;
		if (r == SM_HB_DENY_OUTDATED) {
			first_outdated = now_ms();
			break;
		}
		pump(INTERVAL);
	}
	check(alive_seen > 0 && first_outdated,
	      "A silent: reason 1 (%d times), then reason 2 for B's wrong lineage",
	      alive_seen);
	check(first_outdated - silent_since >= LOSS,
	      "the witness let A go only after loss-timeout: %lld ms after A's last message (>= %d)",
	      first_outdated - silent_since, LOSS);
	check(first_outdated &&
	      first_outdated - silent_since <= LOSS + 4 * INTERVAL + 500,
	      "and not much later (%lld ms)", first_outdated - silent_since);
	r = request(&b, 2, GA, GB);
	check(r == SM_HB_GRANTED && b.reply_record.term == 2 &&
	      b.reply_record.primary == 1 && b.reply_record.primary_gen == GB,
	      "B with lineage GA: term 2 granted (%d)", r);
	check(state_is(2, 1, GB), "persisted (2, B, GB)");

	pump(LOSS - (now_ms() - silent_since) + 2 * INTERVAL);
	check(a.closed || a.fd < 0,
	      "the witness closed A's link, silent for loss-timeout");
	b.mine = record(2, 1, SM_HB_ROLE_PRIMARY, GB, GB, 0);
	check(dial(&a), "A (partitioned, still primary of term 1) reconnects");
	a.sending = true;
	pump(4 * INTERVAL);
	check((b.record.flags & SM_HB_F_GRANT) && b.record.term == 2,
	      "GRANT now goes to B, primary of term 2");
	check(!(a.record.flags & SM_HB_F_GRANT) && a.record.term == 2 &&
	      a.record.primary == 1,
	      "not to A, which learns that B is primary of term 2");

	/* Restart: the votes come from the state file. */
	status = stop_witness();
	check(status == 0, "SIGTERM stops the witness, exit %d", status);
	start_witness();
	check(dial(&a) && dial(&b), "A and B reconnect to the restarted witness");
	r = request(&b, 2, GB, 0x99);
	check(r == SM_HB_DENY_STALE_TERM,
	      "restarted witness refuses term 2 again: reason 3 (%d)", r);
	pump(4 * INTERVAL);
	check((b.record.flags & SM_HB_F_GRANT) &&
	      !(a.record.flags & SM_HB_F_GRANT),
	      "and grants B's lease, not A's, from the persisted state");

	/* Damaged state file. */
	stop_witness();
	a.sending = false;
	reset(&a);
	if (sm_qstate_path(state_dir, volume_uuid, path, sizeof(path)))
		die("path");
	f = fopen(path, "r+");
	if (!f || fseek(f, 9, SEEK_SET) || fread(&byte, 1, 1, f) != 1)
		die(path);
	byte ^= 1;
	if (fseek(f, 9, SEEK_SET) || fwrite(&byte, 1, 1, f) != 1 || fclose(f))
		die(path);
	start_witness();
	check(dial(&b), "B reconnects");
	pump(2 * INTERVAL);
	r = request(&b, 3, GB, 0x77);
	check(r == SM_HB_DENY_DAMAGED, "damaged state file: reason 4 (%d)", r);
	check(log_has("quorum state for " VOLUME_UUID " damaged: not voting for this volume"),
	      "refused loudly in the log");
	pump(3 * INTERVAL);
	check(b.heartbeats > 0 && !(b.record.flags & SM_HB_F_GRANT),
	      "no lease from a damaged state");
	unlink(path);
	r = request(&b, 3, GB, 0x77);
	check(r == SM_HB_DENY_PRIMARY_ALIVE,
	      "state removed by the operator: a fresh witness; A not heard since its start: reason 1 (%d)",
	      r);
	check(log_has(VOLUME_UUID " removed: voting again"),
	      "the witness says it votes again");
	do {
		pump(INTERVAL);
		r = request(&b, 3, GB, 0x77);
	} while (r == SM_HB_DENY_PRIMARY_ALIVE &&
		 now_ms() - witness_started < LOSS + 2000);
	check(r == SM_HB_GRANTED && now_ms() - witness_started >= LOSS,
	      "granted only loss-timeout after the witness started (%lld ms, result %d)",
	      now_ms() - witness_started, r);

	/* A message that fails a check closes the link. */
	{
		uint8_t msg[SM_HB_MESSAGE_MAX];
		size_t len = sm_hb_encode(&b.seq, b.id, SM_HB_HEARTBEAT,
					  &b.mine, 1, 0, msg, sizeof(msg));

		msg[0] = 'X';
		sm_hb_seal(msg, len);
		if (send(b.fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
			die("send");
		b.sending = false;
		pump(3 * INTERVAL);
		check(b.closed, "a bad magic: the witness closes the link");
		check(log_has("heartbeat: member 1 (127.0.0.1:") &&
		      log_has("bad magic 0x584d4842; link closed"),
		      "and logs why");
		check(dial(&b), "B reconnects");
		len = sm_hb_encode(&b.seq, b.id, SM_HB_HEARTBEAT, &b.mine, 1,
				   0, msg, sizeof(msg));
		msg[5] = 2;
		sm_hb_seal(msg, len);
		if (send(b.fd, msg, len, MSG_NOSIGNAL) != (ssize_t)len)
			die("send");
		pump(3 * INTERVAL);
		check(b.closed && log_has("heartbeat: member 1 speaks heartbeat version 2"),
		      "heartbeat version 2: link closed, logged as the design says");
	}
	close(c_listen);
}

int main(int argc, char **argv)
{
	char cmd[128];

	if (argc != 2) {
		fprintf(stderr, "usage: witness_test SM_WITNESS\n");
		return 2;
	}
	witness_bin = argv[1];
	signal(SIGPIPE, SIG_IGN);
	setup();
	scenario();
	if (witness_pid > 0)
		stop_witness();
	if (checks_failed) {
		printf("    witness log (%s):\n", log_path);
		snprintf(cmd, sizeof(cmd), "sed 's/^/    | /' %s", log_path);
		if (system(cmd))
			printf("    (cannot show it)\n");
	}
	if (getenv("WITNESS_TEST_KEEP")) {
		printf("    kept %s (WITNESS_TEST_KEEP)\n", dir);
	} else {
		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		if (system(cmd))
			fprintf(stderr, "witness_test: cannot remove %s\n",
				dir);
	}
	return check_summary();
}
