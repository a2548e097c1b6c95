// SPDX-License-Identifier: GPL-2.0-only
/*
 * Heartbeat links: a TCP connection to each member we share a volume with
 * (the witness: every data node), authenticated with the cluster secret,
 * then carrying heartbeat-protocol messages both ways.
 *
 * The lower member id dials, the other listens (one socket on its member
 * address for all), so two members never race to connect.  A dialer's
 * link is a small state machine:
 *
 *   WAITING --timer--> CONNECTING --connected--> AUTHENTICATING --ok--> UP
 *      ^                   |                          |                 |
 *      +---- failed, timed out (2 s dial, 10 s auth) -+--- closed ------+
 *
 * waiting HB_BACKOFF_MIN_MS before a retry, doubling to HB_BACKOFF_MAX_MS
 * (faster than the peer links: the loss timeout depends on it); a link
 * that comes up resets it.  A listener's link is AWAITING until the member
 * dials in; an accepted connection is matched to its member by the hello
 * it sends first (read with MSG_PEEK), then authenticated as the dialer's.
 * A new connection of a member replaces its old one: the member only
 * dials when it has none.
 *
 * A link on which nothing arrived for loss-timeout is closed, so that a
 * dead host's half-open connection does not linger; any message that
 * fails a check of lib/hbproto.c closes the link too, logged with the
 * check's text.
 */
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "../lib/auth.h"
#include "heartbeat.h"
#include "syncmirrord.h"

static void format_address(const struct sockaddr *sa, socklen_t len,
			   char *out, size_t size)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];

	if (getnameinfo(sa, len, host, sizeof(host), port, sizeof(port),
			NI_NUMERICHOST | NI_NUMERICSERV)) {
		snprintf(out, size, "?");
		return;
	}
	snprintf(out, size, sa->sa_family == AF_INET6 ? "[%s]:%s" : "%s:%s",
		 host, port);
}

static int resolve(const char *address, bool passive, struct addrinfo **ai)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
	};
	char host[SM_CONFIG_ADDR_MAX], port[16];
	int r;

	if (sm_split_address(address, host, sizeof(host), port, sizeof(port))) {
		log_msg(LOG_ERR, "heartbeat: \"%s\" is not HOST:PORT", address);
		return -1;
	}
	r = getaddrinfo(host, port, &hints, ai);
	if (r) {
		log_msg(LOG_ERR, "heartbeat: cannot resolve %s: %s", address,
			gai_strerror(r));
		return -1;
	}
	return 0;
}

static const char *member_address(const struct hb_node *hb, uint32_t member)
{
	const struct sm_cluster_member *m = sm_cluster_member(hb->cfg, member);

	return m ? m->address : "?";
}

int hb_init(struct hb_node *hb, const struct sm_cluster_config *cfg,
	    uint32_t self, const struct hb_ops *ops, void *ctx)
{
	int i;

	memset(hb, 0, sizeof(*hb));
	hb->cfg = cfg;
	hb->self = self;
	hb->ops = ops;
	hb->ctx = ctx;
	hb->listen_fd = -1;
	hb->listen_backoff_ms = HB_BACKOFF_MIN_MS;
	for (i = 0; i < SM_CLUSTER_MAX_MEMBERS; i++) {
		hb->links[i].member = i;
		hb->links[i].fd = -1;
	}
	for (i = 0; i < HB_MAX_PENDING; i++)
		hb->pending[i].fd = -1;
	hb->records = calloc(SM_HB_MAX_RECORDS, sizeof(*hb->records));
	return hb->records ? 0 : -1;
}

static void close_fd(struct hb_link *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	sm_auth_clear(&l->auth);
	sm_secret_clear(&l->secret);
	free(l->in);
	free(l->out);
	l->in = l->out = NULL;
	l->in_have = l->out_len = l->out_done = l->out_size = 0;
}

static void schedule_dial(struct hb_link *l, long long now)
{
	l->state = HB_WAITING;
	l->next_attempt = now + l->backoff_ms;
	l->backoff_ms *= 2;
	if (l->backoff_ms > HB_BACKOFF_MAX_MS)
		l->backoff_ms = HB_BACKOFF_MAX_MS;
}

/* The connection is gone: tell the caller if it was up, and go again. */
static void link_down(struct hb_node *hb, struct hb_link *l, long long now)
{
	bool was_up = l->state == HB_UP;

	close_fd(l);
	if (l->dialer)
		schedule_dial(l, now);
	else
		l->state = HB_AWAITING;
	if (was_up && hb->ops->down)
		hb->ops->down(hb->ctx, l->member, now);
}

static void link_failed(struct hb_node *hb, struct hb_link *l, long long now,
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void link_failed(struct hb_node *hb, struct hb_link *l, long long now,
			const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (l->dialer)
		log_msg(LOG_WARNING, "heartbeat: member %u (%s): %s; next attempt in %d ms",
			l->member, l->remote, text, l->backoff_ms);
	else
		log_msg(LOG_WARNING, "heartbeat: member %u (%s): %s; link closed",
			l->member, l->remote, text);
	link_down(hb, l, now);
}

static int start_auth(struct hb_node *hb, struct hb_link *l, long long now)
{
	char error[SM_CONFIG_PATH_MAX + 256];
	int one = 1;

	setsockopt(l->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* Read again each time: a new secret takes effect at the next link. */
	if (sm_secret_load(hb->cfg->secret_file, &l->secret, error,
			   sizeof(error))) {
		log_msg(LOG_ERR, "heartbeat: cannot authenticate member %u: %s",
			l->member, error);
		return -1;
	}
	if (sm_auth_init(&l->auth, SM_HB_AUTH_MAGIC, SM_HB_AUTH_LABEL,
			 &l->secret, hb->cfg->cluster_uuid,
			    hb->self, l->member)) {
		log_msg(LOG_ERR, "heartbeat: member %u: %s", l->member,
			l->auth.messages[0]);
		return -1;
	}
	l->state = HB_AUTHENTICATING;
	l->deadline = now + SM_AUTH_TIMEOUT_MS;
	l->want = SM_AUTH_WANT_WRITE;
	return 0;
}

static void dial(struct hb_node *hb, struct hb_link *l, long long now)
{
	const char *address = member_address(hb, l->member);
	struct addrinfo *ai;
	int fd;

	snprintf(l->remote, sizeof(l->remote), "%s", address);
	if (resolve(address, false, &ai)) {
		schedule_dial(l, now);
		return;
	}
	format_address(ai->ai_addr, ai->ai_addrlen, l->remote,
		       sizeof(l->remote));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		freeaddrinfo(ai);
		link_failed(hb, l, now, "cannot make a socket: %s",
			    strerror(errno));
		return;
	}
	l->fd = fd;
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		freeaddrinfo(ai);
		if (start_auth(hb, l, now))
			link_down(hb, l, now);
		return;
	}
	freeaddrinfo(ai);
	if (errno != EINPROGRESS) {
		link_failed(hb, l, now, "cannot connect: %s", strerror(errno));
		return;
	}
	l->state = HB_CONNECTING;
	l->deadline = now + HB_DIAL_TIMEOUT_MS;
}

static void start_listening(struct hb_node *hb, long long now)
{
	const char *address = member_address(hb, hb->self);
	struct addrinfo *ai;
	int fd, one = 1;

	if (resolve(address, true, &ai))
		goto retry;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 8)) {
		log_msg(LOG_ERR, "heartbeat: cannot listen on %s: %m", address);
		if (fd >= 0)
			close(fd);
		freeaddrinfo(ai);
		goto retry;
	}
	freeaddrinfo(ai);
	hb->listen_fd = fd;
	hb->listen_backoff_ms = HB_BACKOFF_MIN_MS;
	log_msg(LOG_INFO, "heartbeat: member %u listening on %s", hb->self,
		address);
	return;
retry:
	hb->listen_retry = now + hb->listen_backoff_ms;
	hb->listen_backoff_ms *= 2;
	if (hb->listen_backoff_ms > HB_BACKOFF_MAX_MS)
		hb->listen_backoff_ms = HB_BACKOFF_MAX_MS;
}

int hb_add_member(struct hb_node *hb, uint32_t member, long long now)
{
	struct hb_link *l;

	if (member >= SM_CLUSTER_MAX_MEMBERS || member == hb->self ||
	    !sm_cluster_member(hb->cfg, member))
		return -1;
	l = &hb->links[member];
	if (l->state != HB_UNUSED)
		return 0;
	l->dialer = hb->self < member;
	l->backoff_ms = HB_BACKOFF_MIN_MS;
	snprintf(l->remote, sizeof(l->remote), "%s",
		 member_address(hb, member));
	if (l->dialer) {
		l->state = HB_WAITING;
		l->next_attempt = now;
		return 0;
	}
	l->state = HB_AWAITING;
	if (!hb->listening) {
		hb->listening = true;
		start_listening(hb, now);
	}
	return 0;
}

void hb_stop(struct hb_node *hb)
{
	int i;

	for (i = 0; i < SM_CLUSTER_MAX_MEMBERS; i++) {
		close_fd(&hb->links[i]);
		hb->links[i].state = HB_UNUSED;
	}
	for (i = 0; i < HB_MAX_PENDING; i++) {
		if (hb->pending[i].fd >= 0)
			close(hb->pending[i].fd);
		hb->pending[i].fd = -1;
	}
	if (hb->listen_fd >= 0)
		close(hb->listen_fd);
	hb->listen_fd = -1;
	hb->listening = false;
	free(hb->records);
	hb->records = NULL;
}

bool hb_is_up(const struct hb_node *hb, uint32_t member)
{
	return member < SM_CLUSTER_MAX_MEMBERS &&
	       hb->links[member].state == HB_UP;
}

long long hb_send_time(const struct hb_node *hb, uint32_t member,
		       uint64_t seq)
{
	const struct hb_link *l;

	if (!seq || member >= SM_CLUSTER_MAX_MEMBERS)
		return 0;
	l = &hb->links[member];
	if (l->state != HB_UP || l->sent_seq[seq % HB_SEND_TIMES] != seq)
		return 0;
	return l->sent_at[seq % HB_SEND_TIMES];
}

/* Send what the socket takes.  -1: the link failed (and is down now). */
static int flush(struct hb_node *hb, struct hb_link *l, long long now)
{
	ssize_t n;

	while (l->out_done < l->out_len) {
		n = send(l->fd, l->out + l->out_done, l->out_len - l->out_done,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0) {
			link_failed(hb, l, now, "send: %s", strerror(errno));
			return -1;
		}
		l->out_done += n;
	}
	l->out_len = l->out_done = 0;
	return 0;
}

uint64_t hb_send(struct hb_node *hb, uint32_t member, uint16_t type,
		 const struct sm_hb_record *records, uint32_t count,
		 uint32_t result, long long now)
{
	struct hb_link *l;
	size_t need, len;
	uint8_t *out;

	if (!hb_is_up(hb, member))
		return 0;
	l = &hb->links[member];
	need = sm_hb_message_size(type, count);
	if (!need) {
		log_msg(LOG_ERR, "heartbeat: member %u: a %s of %u records does not fit a message",
			member, sm_hb_type_name(type), count);
		return 0;
	}
	if (l->out_len + need > HB_OUT_MAX) {
		link_failed(hb, l, now, "%zu bytes unsent: the member does not read",
			    l->out_len);
		return 0;
	}
	if (l->out_len + need > l->out_size) {
		out = realloc(l->out, l->out_len + need);
		if (!out) {
			log_msg(LOG_ERR, "heartbeat: out of memory");
			return 0;
		}
		l->out = out;
		l->out_size = l->out_len + need;
	}
	len = sm_hb_encode(&l->seq, hb->self, type, records, count, result,
			   l->out + l->out_len, need);
	l->out_len += len;
	/* Queued is no later than sent: a lease counted from here is shorter. */
	l->sent_seq[l->seq.sent % HB_SEND_TIMES] = l->seq.sent;
	l->sent_at[l->seq.sent % HB_SEND_TIMES] = now;
	return flush(hb, l, now) ? 0 : l->seq.sent;
}

static void went_up(struct hb_node *hb, struct hb_link *l, long long now)
{
	l->state = HB_UP;
	l->backoff_ms = HB_BACKOFF_MIN_MS;
	memset(&l->seq, 0, sizeof(l->seq));
	memset(l->sent_seq, 0, sizeof(l->sent_seq));
	l->last_received = now;
	l->in = malloc(SM_HB_MESSAGE_MAX);
	l->in_have = 0;
	if (!l->in) {
		link_failed(hb, l, now, "out of memory");
		return;
	}
	sm_auth_clear(&l->auth);
	sm_secret_clear(&l->secret);
	log_msg(LOG_INFO, "heartbeat: member %u (%s) linked", l->member,
		l->remote);
	if (hb->ops->up)
		hb->ops->up(hb->ctx, l->member, now);
}

static void step_auth(struct hb_node *hb, struct hb_link *l, long long now)
{
	enum sm_auth_result r = sm_auth_step(&l->auth, l->fd);
	char peer[SM_CONFIG_ADDR_MAX + 48];
	int i;

	if (r == SM_AUTH_WANT_READ || r == SM_AUTH_WANT_WRITE) {
		l->want = r;
		return;
	}
	if (r == SM_AUTH_ACCEPTED) {
		went_up(hb, l, now);
		return;
	}
	sm_auth_describe_peer(&l->auth, l->remote, peer, sizeof(peer));
	for (i = 0; i < l->auth.message_count; i++)
		log_msg(LOG_WARNING, "heartbeat: %s %s", peer,
			l->auth.messages[i]);
	link_failed(hb, l, now, "authentication failed");
}

static void connect_done(struct hb_node *hb, struct hb_link *l, long long now)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(l->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		link_failed(hb, l, now, "cannot connect: %s", strerror(err));
		return;
	}
	if (start_auth(hb, l, now)) {
		link_down(hb, l, now);
		return;
	}
	step_auth(hb, l, now);
}

/*
 * One message is in l->in: check it against the link, hand it over.
 * Returns -1 when the link was closed.
 */
static int deliver(struct hb_node *hb, struct hb_link *l,
		   const struct sm_hb_header *h, long long now)
{
	uint32_t count, result;
	enum sm_hb_error error;
	char why[160];

	error = sm_hb_decode_payload(h, l->in + SM_HB_HEADER_SIZE, hb->records,
				     SM_HB_MAX_RECORDS, &count, &result, why,
				     sizeof(why));
	if (error) {
		link_failed(hb, l, now, "bad %s: %s", sm_hb_type_name(h->type),
			    why);
		return -1;
	}
	/* A gap is the first sign of a starved sender or a queued network. */
	if (l->last_received &&
	    now - l->last_received > 2LL * hb->cfg->heartbeat_interval)
		log_msg(LOG_WARNING, "heartbeat: no message from member %u (%s) for %lld ms",
			l->member, l->remote, now - l->last_received);
	l->last_received = now;
	if (hb->ops->message)
		hb->ops->message(hb->ctx, l->member, h, hb->records, count,
				 result, now);
	/* The callback may have sent, and that may have closed the link. */
	return l->state == HB_UP ? 0 : -1;
}

static void receive(struct hb_node *hb, struct hb_link *l, long long now)
{
	struct sm_hb_header h;
	enum sm_hb_error error;
	size_t want;
	char why[160];
	ssize_t n;

	for (;;) {
		want = SM_HB_HEADER_SIZE;
		if (l->in_have >= SM_HB_HEADER_SIZE) {
			sm_hb_decode_header(l->in, &h, why, sizeof(why));
			want += h.payload_len;
		}
		n = recv(l->fd, l->in + l->in_have, want - l->in_have,
			 MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			link_failed(hb, l, now, "%s",
				    n ? strerror(errno) : "closed the link");
			return;
		}
		l->in_have += n;
		if (l->in_have == SM_HB_HEADER_SIZE) {
			/* Checked before the payload is even read. */
			error = sm_hb_decode_header(l->in, &h, why,
						    sizeof(why));
			if (error == SM_HB_OK)
				error = sm_hb_check_sequence(&l->seq, l->member,
							     &h, why,
							     sizeof(why));
			if (error == SM_HB_ERR_VERSION) {
				/* The design's wording, for operators' greps. */
				log_msg(LOG_WARNING, "heartbeat: member %u speaks heartbeat version %u (%s)",
					l->member, h.version, l->remote);
				link_failed(hb, l, now, "%s", why);
				return;
			}
			if (error) {
				link_failed(hb, l, now, "%s", why);
				return;
			}
		}
		if (l->in_have < SM_HB_HEADER_SIZE)
			continue;
		sm_hb_decode_header(l->in, &h, why, sizeof(why));
		if (l->in_have < SM_HB_HEADER_SIZE + h.payload_len)
			continue;
		l->in_have = 0;
		if (deliver(hb, l, &h, now))
			return;
	}
}

/* An accepted connection said hello: whose is it? */
static void identify(struct hb_node *hb, struct hb_pending *p, long long now)
{
	uint8_t hello[SM_AUTH_HELLO_SIZE];
	struct hb_link *l;
	uint32_t member;
	ssize_t n;

	n = recv(p->fd, hello, sizeof(hello), MSG_PEEK | MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (n < (ssize_t)sizeof(hello)) {
		if (n > 0)
			return;		/* the rest is on its way */
		log_msg(LOG_WARNING, "heartbeat: connection from %s closed before its hello",
			p->remote);
		goto drop;
	}
	if (memcmp(hello + SM_AUTH_HELLO_MAGIC, SM_HB_AUTH_MAGIC, 4)) {
		log_msg(LOG_WARNING, "heartbeat: connection from %s does not speak the heartbeat authentication protocol (bad magic)",
			p->remote);
		goto drop;
	}
	member = (uint32_t)hello[SM_AUTH_HELLO_NODE_ID] << 24 |
		 (uint32_t)hello[SM_AUTH_HELLO_NODE_ID + 1] << 16 |
		 (uint32_t)hello[SM_AUTH_HELLO_NODE_ID + 2] << 8 |
		 hello[SM_AUTH_HELLO_NODE_ID + 3];
	if (member >= SM_CLUSTER_MAX_MEMBERS ||
	    hb->links[member].state == HB_UNUSED || hb->links[member].dialer) {
		log_msg(LOG_WARNING, "heartbeat: connection from %s says it is member %u, which does not dial us",
			p->remote, member);
		goto drop;
	}
	l = &hb->links[member];
	if (l->state == HB_UP || l->state == HB_AUTHENTICATING) {
		log_msg(LOG_INFO, "heartbeat: member %u reconnected from %s; replacing its old link",
			member, p->remote);
		link_down(hb, l, now);
	}
	l->fd = p->fd;
	snprintf(l->remote, sizeof(l->remote), "%s", p->remote);
	p->fd = -1;
	if (start_auth(hb, l, now)) {
		link_down(hb, l, now);
		return;
	}
	step_auth(hb, l, now);
	return;
drop:
	close(p->fd);
	p->fd = -1;
}

static void accept_members(struct hb_node *hb, long long now)
{
	struct sockaddr_storage sa;
	char remote[SM_CONFIG_ADDR_MAX + 8];
	socklen_t len;
	int fd, i;

	for (;;) {
		len = sizeof(sa);
		fd = accept4(hb->listen_fd, (struct sockaddr *)&sa, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_msg(LOG_WARNING, "heartbeat: accept: %m");
			return;
		}
		format_address((struct sockaddr *)&sa, len, remote,
			       sizeof(remote));
		for (i = 0; i < HB_MAX_PENDING; i++)
			if (hb->pending[i].fd < 0)
				break;
		if (i == HB_MAX_PENDING) {
			log_msg(LOG_WARNING, "heartbeat: %d connections are saying hello already; closing the one from %s",
				HB_MAX_PENDING, remote);
			close(fd);
			continue;
		}
		hb->pending[i].fd = fd;
		hb->pending[i].deadline = now + SM_AUTH_TIMEOUT_MS;
		snprintf(hb->pending[i].remote, sizeof(hb->pending[i].remote),
			 "%s", remote);
		identify(hb, &hb->pending[i], now);
	}
}

int hb_poll_fds(struct hb_node *hb, struct pollfd *fds)
{
	struct hb_link *l;
	int n = 0, i;
	short events;

	if (hb->listen_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = hb->listen_fd,
					    .events = POLLIN };
	for (i = 0; i < HB_MAX_PENDING; i++)
		if (hb->pending[i].fd >= 0)
			fds[n++] = (struct pollfd){ .fd = hb->pending[i].fd,
						    .events = POLLIN };
	for (i = 0; i < SM_CLUSTER_MAX_MEMBERS; i++) {
		l = &hb->links[i];
		if (l->fd < 0)
			continue;
		switch (l->state) {
		case HB_CONNECTING:
			events = POLLOUT;
			break;
		case HB_AUTHENTICATING:
			events = l->want == SM_AUTH_WANT_WRITE ? POLLOUT :
								 POLLIN;
			break;
		case HB_UP:
			events = POLLIN | (l->out_len ? POLLOUT : 0);
			break;
		default:
			continue;
		}
		fds[n++] = (struct pollfd){ .fd = l->fd, .events = events };
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

static void service_link(struct hb_node *hb, struct hb_link *l,
			 const struct pollfd *fds, int count, long long now)
{
	short revents = l->fd >= 0 ? revents_of(fds, count, l->fd) : 0;

	switch (l->state) {
	case HB_WAITING:
		if (now >= l->next_attempt)
			dial(hb, l, now);
		return;
	case HB_CONNECTING:
		if (revents)
			connect_done(hb, l, now);
		else if (now >= l->deadline)
			link_failed(hb, l, now, "cannot connect: timed out after %d ms",
				    HB_DIAL_TIMEOUT_MS);
		return;
	case HB_AUTHENTICATING:
		if (revents)
			step_auth(hb, l, now);
		else if (now >= l->deadline)
			link_failed(hb, l, now, "timed out during authentication");
		return;
	case HB_UP:
		if (revents & POLLOUT && flush(hb, l, now))
			return;
		if (revents & (POLLIN | POLLERR | POLLHUP))
			receive(hb, l, now);
		if (l->state == HB_UP &&
		    now - l->last_received >= (long long)hb->cfg->loss_timeout)
			link_failed(hb, l, now, "nothing received for %lld ms",
				    now - l->last_received);
		return;
	case HB_UNUSED:
	case HB_AWAITING:
		return;
	}
}

void hb_service(struct hb_node *hb, const struct pollfd *fds, int count,
		long long now)
{
	struct hb_pending *p;
	int i;

	if (hb->listen_fd >= 0 && revents_of(fds, count, hb->listen_fd))
		accept_members(hb, now);
	for (i = 0; i < HB_MAX_PENDING; i++) {
		p = &hb->pending[i];
		if (p->fd < 0)
			continue;
		if (revents_of(fds, count, p->fd)) {
			identify(hb, p, now);
		} else if (now >= p->deadline) {
			log_msg(LOG_WARNING, "heartbeat: connection from %s sent no hello in %d ms",
				p->remote, SM_AUTH_TIMEOUT_MS);
			close(p->fd);
			p->fd = -1;
		}
	}
	for (i = 0; i < SM_CLUSTER_MAX_MEMBERS; i++)
		service_link(hb, &hb->links[i], fds, count, now);
	if (hb->listening && hb->listen_fd < 0 && now >= hb->listen_retry)
		start_listening(hb, now);
}

long long hb_next_timeout(const struct hb_node *hb, long long now)
{
	const struct hb_link *l;
	long long next = -1, t;
	int i;

	for (i = 0; i < SM_CLUSTER_MAX_MEMBERS; i++) {
		l = &hb->links[i];
		switch (l->state) {
		case HB_WAITING:
			t = l->next_attempt;
			break;
		case HB_CONNECTING:
		case HB_AUTHENTICATING:
			t = l->deadline;
			break;
		case HB_UP:
			t = l->last_received + hb->cfg->loss_timeout;
			break;
		default:
			continue;
		}
		if (next < 0 || t < next)
			next = t;
	}
	for (i = 0; i < HB_MAX_PENDING; i++)
		if (hb->pending[i].fd >= 0 &&
		    (next < 0 || hb->pending[i].deadline < next))
			next = hb->pending[i].deadline;
	if (hb->listening && hb->listen_fd < 0 &&
	    (next < 0 || hb->listen_retry < next))
		next = hb->listen_retry;
	if (next < 0)
		return -1;
	return next > now ? next - now : 0;
}
