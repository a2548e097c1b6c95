// SPDX-License-Identifier: GPL-2.0-only
/*
 * A volume's peer link, from syncmirrord's side: get a TCP connection to
 * the peer, authenticate it (lib/auth.c), hand it to the kernel, and get
 * a new one when the kernel reports the link lost or refused.
 *
 * The node with the lower node id dials; the other listens, so the two
 * never race to connect.  The dialer is a small state machine:
 *
 *   IDLE --volume up--> WAITING --timer--> DIALING --accepted--> HANDED_OVER
 *                          ^                  |                      |
 *                          +----failed--------+<--lost/refused/none--+
 *
 * and waits LINK_BACKOFF_MIN_MS before its first retry, doubling up to
 * LINK_BACKOFF_MAX_MS; a link the kernel reports connected resets it.
 * The listener accepts connections from the peer's configured address only
 * (others are closed at once, and counted in a log line at most every
 * STRANGER_LOG_MS) and authenticates up to LINK_MAX_PENDING at a time;
 * when all are taken, a new one takes the place of the oldest, so idle
 * connections cannot keep the peer out.  A wrong peer is logged and
 * closed.  A connection never touches the kernel's link before it has
 * authenticated.  Everything is non-blocking and driven by main.c's poll
 * loop.
 *
 * A connection is made ready in two steps, both within
 * SM_AUTH_TIMEOUT_MS: the challenge-response (lib/auth.c; not for
 * transport-security x509), then the TLS 1.3 handshake (lib/tls.c; not for
 * transport-security none), which leaves kernel TLS on the socket.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/syncmirror.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "syncmirrord.h"

void link_init(struct volume *v)
{
	int i;

	v->state = LINK_IDLE;
	v->listen_fd = -1;
	v->backoff_ms = LINK_BACKOFF_MIN_MS;
	for (i = 0; i < LINK_MAX_PENDING; i++)
		v->pending[i].fd = -1;
}

static void pending_close(struct pending *p)
{
	if (p->in_tls)
		sm_tls_end(&p->tls);
	p->in_tls = false;
	if (p->fd >= 0)
		close(p->fd);
	sm_auth_clear(&p->auth);
	sm_secret_clear(&p->secret);
	p->fd = -1;
	p->connecting = false;
}

void link_stop(struct volume *v)
{
	int i;

	for (i = 0; i < LINK_MAX_PENDING; i++)
		pending_close(&v->pending[i]);
	if (v->listen_fd >= 0)
		close(v->listen_fd);
	v->listen_fd = -1;
	v->state = LINK_IDLE;
	v->backoff_ms = LINK_BACKOFF_MIN_MS;
}

/* The next attempt after a failure, with a longer wait each time. */
static void backoff(struct volume *v)
{
	v->next_attempt = now_ms() + v->backoff_ms;
	v->backoff_ms *= 2;
	if (v->backoff_ms > LINK_BACKOFF_MAX_MS)
		v->backoff_ms = LINK_BACKOFF_MAX_MS;
}

static void dial_later(struct volume *v)
{
	pending_close(&v->pending[0]);
	v->state = LINK_WAITING;
	log_msg(LOG_INFO, "%s: next attempt to reach peer node %u in %d s",
		v->cfg.volume, v->cfg.peer_node_id, v->backoff_ms / 1000);
	backoff(v);
}

/* "10.0.0.2:7789", or "[fe80::1]:7789". */
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

static int resolve(const struct volume *v, const char *address, int passive,
		   struct addrinfo **ai)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICSERV | (passive ? AI_PASSIVE : 0),
	};
	char host[SM_CONFIG_ADDR_MAX], port[16];
	int r;

	if (sm_split_address(address, host, sizeof(host), port, sizeof(port))) {
		log_msg(LOG_ERR, "%s: \"%s\" is not HOST:PORT", v->cfg.volume,
			address);
		return -1;
	}
	r = getaddrinfo(host, port, &hints, ai);
	if (r) {
		log_msg(LOG_ERR, "%s: cannot resolve %s: %s", v->cfg.volume,
			address, gai_strerror(r));
		return -1;
	}
	return 0;
}

/*
 * The TLS handshake, once the challenge-response accepted (psk: the key
 * comes from the secret and both challenges) or at once (x509).
 */
static int start_tls(struct volume *v, struct pending *p)
{
	const uint8_t *dialer, *listener;
	uint8_t psk[SM_TLS_PSK_SIZE];
	bool x509 = v->cfg.transport_security == SM_SECURITY_X509;
	int r;

	if (!x509) {
		dialer = v->dialer ? p->auth.own_challenge :
			 p->auth.peer_challenge;
		listener = v->dialer ? p->auth.peer_challenge :
			   p->auth.own_challenge;
		if (sm_tls_derive_psk(&p->secret, dialer, listener, v->uuid,
				      psk)) {
			log_msg(LOG_ERR, "%s: %s: cannot derive the TLS key",
				v->cfg.volume, p->address);
			return -1;
		}
	}
	p->in_tls = true;
	r = sm_tls_start(&p->tls, &v->cfg, x509 ? NULL : psk, !v->dialer,
			 p->fd);
	explicit_bzero(psk, sizeof(psk));
	if (r) {
		log_msg(LOG_ERR, "%s: %s: %s", v->cfg.volume, p->address,
			p->tls.error);
		return -1;
	}
	p->want = SM_AUTH_WANT_WRITE;
	return 0;
}

/* Read the secret (again: a new one takes effect at the next connection). */
static int start_auth(struct volume *v, struct pending *p)
{
	char error[SM_CONFIG_PATH_MAX + 256];

	if (v->cfg.transport_security == SM_SECURITY_X509) {
		p->deadline = now_ms() + SM_AUTH_TIMEOUT_MS;
		return start_tls(v, p);
	}
	if (sm_secret_load(v->cfg.secret_file, &p->secret, error,
			   sizeof(error))) {
		log_msg(LOG_ERR, "%s: cannot authenticate %s: %s",
			v->cfg.volume, p->address, error);
		return -1;
	}
	if (sm_auth_init(&p->auth, SM_AUTH_MAGIC, SM_AUTH_LABEL, &p->secret,
			 v->uuid, v->cfg.node_id,
			 v->cfg.peer_node_id)) {
		log_msg(LOG_ERR, "%s: %s", v->cfg.volume, p->auth.messages[0]);
		return -1;
	}
	p->deadline = now_ms() + SM_AUTH_TIMEOUT_MS;
	p->want = SM_AUTH_WANT_WRITE;
	return 0;
}

static void pending_failed(struct volume *v, struct pending *p)
{
	if (v->dialer)
		dial_later(v);
	else
		pending_close(p);
}

static void dial(struct volume *v)
{
	struct pending *p = &v->pending[0];
	struct addrinfo *ai;
	int fd;

	v->state = LINK_DIALING;
	if (resolve(v, v->cfg.peer_address, 0, &ai)) {
		dial_later(v);
		return;
	}
	format_address(ai->ai_addr, ai->ai_addrlen, p->address,
		       sizeof(p->address));
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0) {
		log_msg(LOG_ERR, "%s: cannot make a socket: %m", v->cfg.volume);
		freeaddrinfo(ai);
		dial_later(v);
		return;
	}
	p->fd = fd;
	log_msg(LOG_INFO, "%s: connecting to peer node %u at %s",
		v->cfg.volume, v->cfg.peer_node_id, p->address);
	if (!connect(fd, ai->ai_addr, ai->ai_addrlen)) {
		p->connecting = false;
	} else if (errno == EINPROGRESS) {
		p->connecting = true;
		p->deadline = now_ms() + LINK_CONNECT_TIMEOUT_MS;
	} else {
		log_msg(LOG_WARNING, "%s: cannot connect to peer node %u at %s: %m",
			v->cfg.volume, v->cfg.peer_node_id, p->address);
		freeaddrinfo(ai);
		dial_later(v);
		return;
	}
	freeaddrinfo(ai);
	if (!p->connecting && start_auth(v, p))
		dial_later(v);
}

static void start_listening(struct volume *v)
{
	struct addrinfo *ai;
	int fd = -1, one = 1;

	v->state = LINK_LISTENING;
	if (resolve(v, v->cfg.address, 1, &ai))
		goto retry;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 8)) {
		log_msg(LOG_ERR, "%s: cannot listen on %s: %m", v->cfg.volume,
			v->cfg.address);
		freeaddrinfo(ai);
		if (fd >= 0)
			close(fd);
		goto retry;
	}
	freeaddrinfo(ai);
	v->listen_fd = fd;
	v->backoff_ms = LINK_BACKOFF_MIN_MS;
	log_msg(LOG_INFO, "%s: listening on %s for peer node %u", v->cfg.volume,
		v->cfg.address, v->cfg.peer_node_id);
	return;
retry:
	log_msg(LOG_INFO, "%s: next attempt to listen in %d s", v->cfg.volume,
		v->backoff_ms / 1000);
	backoff(v);
}

void link_volume_up(struct daemon_ctx *d, struct volume *v,
		    const struct kernel_volume *kv)
{
	(void)d;
	if (v->state != LINK_IDLE) {
		if (kv->has_uuid && !memcmp(kv->uuid, v->uuid, 16))
			return;		/* already running for this volume */
		link_stop(v);		/* re-created under the same name */
	}
	v->in_kernel = true;
	if (!kv->has_uuid) {
		log_msg(LOG_ERR, "%s: the kernel did not report the volume's UUID; not linking it",
			v->cfg.volume);
		return;
	}
	/* The superblock (via the kernel) and the configuration must agree. */
	if (kv->node_id != v->cfg.node_id) {
		log_msg(LOG_ERR, "%s: the volume's superblock says node %u, %s says node-id %u; not linking it",
			v->cfg.volume, kv->node_id, v->cfg.path,
			v->cfg.node_id);
		return;
	}
	memcpy(v->uuid, kv->uuid, 16);
	v->kernel_conn_state = kv->conn_state;
	v->backoff_ms = LINK_BACKOFF_MIN_MS;
	if (!v->dialer) {
		start_listening(v);
	} else if (kv->conn_state == SYNCMIRROR_CONN_HANDSHAKE ||
		   kv->conn_state == SYNCMIRROR_CONN_CONNECTED) {
		log_msg(LOG_INFO, "%s: the kernel already has a link (%s); watching it",
			v->cfg.volume, sm_conn_state_name(kv->conn_state));
		v->state = LINK_HANDED_OVER;
	} else {
		v->state = LINK_WAITING;
		v->next_attempt = now_ms();
	}
}

void link_connection_event(struct daemon_ctx *d, struct volume *v,
			   const struct kernel_volume *kv)
{
	uint32_t state = kv->conn_state;
	const char *what;

	(void)d;
	v->kernel_conn_state = state;
	if (v->state == LINK_IDLE)
		return;
	if (state == SYNCMIRROR_CONN_CONNECTED ||
	    state == SYNCMIRROR_CONN_HANDSHAKE) {
		if (state == SYNCMIRROR_CONN_CONNECTED) {
			v->backoff_ms = LINK_BACKOFF_MIN_MS;
			log_msg(LOG_INFO, "%s: linked to peer node %u",
				v->cfg.volume, kv->peer_node_id);
		}
		/* Someone else (smctl connect) gave the kernel a link. */
		if (v->dialer && v->state != LINK_HANDED_OVER) {
			pending_close(&v->pending[0]);
			v->state = LINK_HANDED_OVER;
		}
		return;
	}
	/* NONE: closed on this node (smctl disconnect); we link again. */
	what = state == SYNCMIRROR_CONN_NONE ? "closed" :
	       sm_conn_state_name(state);
	if (!v->dialer) {
		log_msg(LOG_WARNING, "%s: link %s (%s); waiting for peer node %u to reconnect",
			v->cfg.volume, what, kv->conn_reason,
			v->cfg.peer_node_id);
		return;
	}
	if (v->state != LINK_HANDED_OVER)
		return;		/* not the link we are waiting on */
	log_msg(LOG_WARNING, "%s: link %s (%s); reconnecting in %d s",
		v->cfg.volume, what, kv->conn_reason, v->backoff_ms / 1000);
	v->state = LINK_WAITING;
	backoff(v);
}

static void log_auth_failure(struct volume *v, struct pending *p)
{
	char peer[SM_CONFIG_ADDR_MAX + 48];
	int i;

	sm_auth_describe_peer(&p->auth, p->address, peer, sizeof(peer));
	for (i = 0; i < p->auth.message_count; i++)
		log_msg(LOG_WARNING, "%s: %s %s", v->cfg.volume, peer,
			p->auth.messages[i]);
}

/* Both sides accepted: the kernel takes the socket from here. */
static void hand_over(struct daemon_ctx *d, struct volume *v,
		      struct pending *p)
{
	unsigned int ping_ms = v->cfg.ping_timeout * 1000;
	uint32_t policy = v->cfg.after_split_brain;
	char peer[SM_CONFIG_ADDR_MAX + 48], why[300], options[200] = "";
	int one = 1, flags, r;

	sm_auth_describe_peer(&p->auth, p->address, peer, sizeof(peer));
	log_msg(LOG_INFO, "%s: %s authenticated", v->cfg.volume, peer);
	if (p->in_tls)
		snprintf(options, sizeof(options), "TLS: %s", p->tls.summary);
	else
		snprintf(options, sizeof(options),
			 "transport-security none: NOT ENCRYPTED");
	flags = fcntl(p->fd, F_GETFL);
	if (flags >= 0)
		fcntl(p->fd, F_SETFL, flags & ~O_NONBLOCK);
	setsockopt(p->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));

	r = kernel_connect(&d->kernel, &v->cfg, p->fd, why, sizeof(why));
	if (r == -EBUSY && !v->dialer) {
		/* The peer only dials when it has no link: ours is stale. */
		log_msg(LOG_WARNING, "%s: %s reconnected while the kernel still has a link to it; replacing that link",
			v->cfg.volume, peer);
		if (!kernel_disconnect(&d->kernel, v->cfg.volume, why,
				       sizeof(why)))
			r = kernel_connect(&d->kernel, &v->cfg, p->fd, why,
					   sizeof(why));
	}
	if (r) {
		if (ping_ms && r == -EINVAL)
			log_msg(LOG_ERR, "%s: the kernel refused the link to %s: %s (with ping-timeout %u from %s: this kernel may not support it; remove the key to use its default)",
				v->cfg.volume, peer, why, v->cfg.ping_timeout,
				v->cfg.path);
		else if (policy != SYNCMIRROR_SB_POLICY_DISCONNECT &&
			 r == -EINVAL)
			log_msg(LOG_ERR, "%s: the kernel refused the link to %s: %s (with after-split-brain %s from %s: this kernel may not support it; remove the key to use disconnect)",
				v->cfg.volume, peer, why,
				sm_sb_policy_name(policy), v->cfg.path);
		else
			log_msg(LOG_ERR, "%s: the kernel refused the link to %s: %s",
				v->cfg.volume, peer, why);
		pending_failed(v, p);
		return;
	}
	if (ping_ms)
		snprintf(options + strlen(options),
			 sizeof(options) - strlen(options),
			 ", ping timeout %u s", v->cfg.ping_timeout);
	if (policy != SYNCMIRROR_SB_POLICY_DISCONNECT)
		snprintf(options + strlen(options),
			 sizeof(options) - strlen(options), ", after-split-brain %s",
			 sm_sb_policy_name(policy));
	log_msg(p->in_tls ? LOG_NOTICE : LOG_WARNING,
		"%s: link to %s handed over to the kernel (%s)",
		v->cfg.volume, peer, options);
	pending_close(p);	/* the kernel holds its own reference */
	if (v->dialer)
		v->state = LINK_HANDED_OVER;
}

static void step_pending(struct daemon_ctx *d, struct volume *v,
			 struct pending *p)
{
	char peer[SM_CONFIG_ADDR_MAX + 48];
	enum sm_auth_result r;

	if (!p->in_tls) {
		r = sm_auth_step(&p->auth, p->fd);
		if (r == SM_AUTH_FAILED) {
			log_auth_failure(v, p);
			pending_failed(v, p);
			return;
		}
		if (r == SM_AUTH_ACCEPTED) {
			if (v->cfg.transport_security == SM_SECURITY_NONE) {
				hand_over(d, v, p);
				return;
			}
			if (start_tls(v, p)) {
				pending_failed(v, p);
				return;
			}
		} else {
			p->want = r;
			return;
		}
	}
	r = sm_tls_step(&p->tls);
	if (r == SM_AUTH_WANT_READ || r == SM_AUTH_WANT_WRITE) {
		p->want = r;
		return;
	}
	if (r == SM_AUTH_ACCEPTED) {
		hand_over(d, v, p);
		return;
	}
	sm_auth_describe_peer(&p->auth, p->address, peer, sizeof(peer));
	log_msg(LOG_WARNING, "%s: %s refused: %s", v->cfg.volume, peer,
		p->tls.error);
	pending_failed(v, p);
}

static void connect_done(struct daemon_ctx *d, struct volume *v,
			 struct pending *p)
{
	socklen_t len = sizeof(int);
	int err = 0;

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len))
		err = errno;
	if (err) {
		log_msg(LOG_WARNING, "%s: cannot connect to peer node %u at %s: %s",
			v->cfg.volume, v->cfg.peer_node_id, p->address,
			strerror(err));
		dial_later(v);
		return;
	}
	p->connecting = false;
	if (start_auth(v, p)) {
		dial_later(v);
		return;
	}
	step_pending(d, v, p);
}

#define STRANGER_LOG_MS	10000

/* "1.2.3.4" of an IPv4-mapped IPv6 address "::ffff:1.2.3.4". */
static const char *unmapped(const char *host)
{
	return strncasecmp(host, "::ffff:", 7) || !strchr(host, '.') ?
	       host : host + 7;
}

/*
 * Is @sa (an accepted connection's source) the configured peer's host?
 * The peer's address is resolved as a number only: no name lookup (which
 * could block the agent) for every connection a stranger opens.
 */
static bool from_peer(const struct volume *v, const struct sockaddr *sa,
		      socklen_t len)
{
	char host[NI_MAXHOST], want[SM_CONFIG_ADDR_MAX], port[16];
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = AI_NUMERICHOST,
	}, *ai, *a;
	bool match = false;

	if (getnameinfo(sa, len, host, sizeof(host), NULL, 0, NI_NUMERICHOST) ||
	    sm_split_address(v->cfg.peer_address, want, sizeof(want), port,
			     sizeof(port)))
		return false;
	if (getaddrinfo(want, NULL, &hints, &ai)) {
		/* A name: resolved once per connection, as the dialer does. */
		hints.ai_flags = 0;
		if (getaddrinfo(want, NULL, &hints, &ai))
			return false;
	}
	for (a = ai; a && !match; a = a->ai_next) {
		char other[NI_MAXHOST];

		match = !getnameinfo(a->ai_addr, a->ai_addrlen, other,
				     sizeof(other), NULL, 0, NI_NUMERICHOST) &&
			!strcmp(unmapped(host), unmapped(other));
	}
	freeaddrinfo(ai);
	return match;
}

static void stranger(struct volume *v, const char *address)
{
	long long now = now_ms();

	v->strangers++;
	if (v->strangers_logged && now - v->strangers_logged < STRANGER_LOG_MS)
		return;
	log_msg(LOG_WARNING, "%s: connection from %s closed: not the peer's address (%s)%s",
		v->cfg.volume, address, v->cfg.peer_address,
		v->strangers > 1 ? "; more such since the last line" : "");
	if (v->strangers > 1)
		log_msg(LOG_WARNING, "%s: %u connections from other addresses than the peer's closed in the last %d s",
			v->cfg.volume, v->strangers, STRANGER_LOG_MS / 1000);
	v->strangers = 0;
	v->strangers_logged = now;
}

/* A free pending slot, or the oldest one, closed to make room. */
static struct pending *pending_slot(struct volume *v, const char *address)
{
	struct pending *oldest = NULL;
	int i;

	for (i = 0; i < LINK_MAX_PENDING; i++) {
		if (v->pending[i].fd < 0)
			return &v->pending[i];
		if (!oldest || v->pending[i].deadline < oldest->deadline)
			oldest = &v->pending[i];
	}
	log_msg(LOG_WARNING, "%s: %d connections are authenticating already; closing the oldest, from %s, for the one from %s",
		v->cfg.volume, LINK_MAX_PENDING, oldest->address, address);
	pending_close(oldest);
	return oldest;
}

static void accept_peers(struct daemon_ctx *d, struct volume *v)
{
	struct sockaddr_storage sa;
	socklen_t len;
	struct pending *p;
	char address[SM_CONFIG_ADDR_MAX + 8];
	int fd;

	for (;;) {
		len = sizeof(sa);
		fd = accept4(v->listen_fd, (struct sockaddr *)&sa, &len,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR)
				log_msg(LOG_WARNING, "%s: accept on %s: %m",
					v->cfg.volume, v->cfg.address);
			return;
		}
		format_address((struct sockaddr *)&sa, len, address,
			       sizeof(address));
		if (!from_peer(v, (struct sockaddr *)&sa, len)) {
			close(fd);
			stranger(v, address);
			continue;
		}
		p = pending_slot(v, address);
		p->fd = fd;
		snprintf(p->address, sizeof(p->address), "%s", address);
		log_msg(LOG_INFO, "%s: connection from %s, authenticating",
			v->cfg.volume, address);
		if (start_auth(v, p)) {
			pending_close(p);
			continue;
		}
		step_pending(d, v, p);
	}
}

int link_poll_fds(struct volume *v, struct pollfd *fds)
{
	int n = 0, i;

	if (v->listen_fd >= 0)
		fds[n++] = (struct pollfd){ .fd = v->listen_fd, .events = POLLIN };
	for (i = 0; i < LINK_MAX_PENDING; i++) {
		struct pending *p = &v->pending[i];

		if (p->fd < 0)
			continue;
		fds[n++] = (struct pollfd){
			.fd = p->fd,
			.events = p->connecting || p->want == SM_AUTH_WANT_WRITE ?
				  POLLOUT : POLLIN,
		};
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

void link_service(struct daemon_ctx *d, struct volume *v,
		  const struct pollfd *fds, int count)
{
	long long now = now_ms();
	struct pending *p;
	int i;

	if (v->listen_fd >= 0 && revents_of(fds, count, v->listen_fd))
		accept_peers(d, v);
	for (i = 0; i < LINK_MAX_PENDING; i++) {
		p = &v->pending[i];
		if (p->fd < 0)
			continue;
		/* Only fds that were polled: accept_peers() may add some. */
		if (revents_of(fds, count, p->fd)) {
			if (p->connecting)
				connect_done(d, v, p);
			else
				step_pending(d, v, p);
		} else if (now >= p->deadline) {
			if (p->connecting) {
				log_msg(LOG_WARNING, "%s: cannot connect to peer node %u at %s: timed out",
					v->cfg.volume, v->cfg.peer_node_id,
					p->address);
			} else if (p->in_tls) {
				log_msg(LOG_WARNING, "%s: peer %s refused: timed out during the TLS handshake",
					v->cfg.volume, p->address);
			} else {
				sm_auth_fail(&p->auth, "timed out during authentication");
				log_auth_failure(v, p);
			}
			pending_failed(v, p);
		}
	}
	if (v->state == LINK_WAITING && now >= v->next_attempt)
		dial(v);
	if (v->state == LINK_LISTENING && v->listen_fd < 0 &&
	    now >= v->next_attempt)
		start_listening(v);
}

long long link_next_timeout(const struct volume *v)
{
	long long next = -1, now = now_ms(), t;
	int i;

	if (v->state == LINK_WAITING ||
	    (v->state == LINK_LISTENING && v->listen_fd < 0))
		next = v->next_attempt;
	for (i = 0; i < LINK_MAX_PENDING; i++)
		if (v->pending[i].fd >= 0 &&
		    (next < 0 || v->pending[i].deadline < next))
			next = v->pending[i].deadline;
	if (next < 0)
		return -1;
	t = next - now;
	return t > 0 ? t : 0;
}
