/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Heartbeat links between the members of a cluster
 * (Documentation/syncmirror-failover.rst, "Heartbeat link"): one TCP
 * connection per pair of members, carrying every volume.  The lower member
 * id dials the other's member address, the other listens.  Each link is
 * authenticated with the cluster secret (lib/auth.h, SM_HB_AUTH_*), then carries
 * checked messages (lib/hbproto.h) both ways.  Non-blocking, driven by the
 * caller's poll loop; what to send, and when, is the caller's business.
 */
#ifndef SYNCMIRRORD_HEARTBEAT_H
#define SYNCMIRRORD_HEARTBEAT_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "../lib/auth.h"
#include "../lib/cluster-config.h"
#include "../lib/hbproto.h"

#define HB_DIAL_TIMEOUT_MS	2000
#define HB_BACKOFF_MIN_MS	200
#define HB_BACKOFF_MAX_MS	2000
#define HB_MAX_PENDING		4	/* accepted, hello not in yet */
#define HB_SEND_TIMES		256	/* send times kept per link, for leases */
#define HB_OUT_MAX		(4 * SM_HB_MESSAGE_MAX)	/* unsent: link closed */
#define HB_MAX_FDS		(1 + HB_MAX_PENDING + SM_CLUSTER_MAX_MEMBERS)

enum hb_link_state {
	HB_UNUSED,		/* no link to this member */
	HB_WAITING,		/* dialer: until next_attempt */
	HB_CONNECTING,		/* dialer: connect() in progress */
	HB_AWAITING,		/* listener: until the member dials in */
	HB_AUTHENTICATING,
	HB_UP,			/* messages flow */
};

struct hb_link {
	uint32_t member;
	bool dialer;			/* our id is the lower one */
	enum hb_link_state state;
	int fd;
	char remote[SM_CONFIG_ADDR_MAX + 8];	/* for logs */
	long long deadline;		/* connect or authentication, ms */
	long long next_attempt;		/* WAITING */
	int backoff_ms;
	enum sm_auth_result want;	/* AUTHENTICATING: what to poll for */
	struct sm_secret secret;
	struct sm_auth auth;

	/* HB_UP */
	struct sm_hb_seq seq;
	long long last_received;
	uint64_t sent_seq[HB_SEND_TIMES];	/* ring, by seq % HB_SEND_TIMES */
	long long sent_at[HB_SEND_TIMES];
	uint8_t *in;			/* one message, SM_HB_MESSAGE_MAX */
	size_t in_have;
	uint8_t *out;
	size_t out_len, out_done, out_size;
};

/* An accepted connection whose hello has not said who it is yet. */
struct hb_pending {
	int fd;				/* -1: free */
	char remote[SM_CONFIG_ADDR_MAX + 8];
	long long deadline;
};

struct hb_ops {
	/* The link to @member is authenticated. */
	void (*up)(void *ctx, uint32_t member, long long now);
	/* It is gone (logged); a dialer redials by itself. */
	void (*down)(void *ctx, uint32_t member, long long now);
	/*
	 * A message that passed every check; @records (@count of them) and
	 * @result as decoded, valid during the call only.
	 */
	void (*message)(void *ctx, uint32_t member,
			const struct sm_hb_header *header,
			const struct sm_hb_record *records, uint32_t count,
			uint32_t result, long long now);
};

struct hb_node {
	const struct sm_cluster_config *cfg;
	uint32_t self;
	const struct hb_ops *ops;
	void *ctx;
	int listen_fd;
	bool listening;			/* wanted: a lower id links to us */
	long long listen_retry;
	int listen_backoff_ms;
	struct hb_link links[SM_CLUSTER_MAX_MEMBERS];	/* by member id */
	struct hb_pending pending[HB_MAX_PENDING];
	struct sm_hb_record *records;	/* decoding, SM_HB_MAX_RECORDS */
};

/* We are member @self of @cfg (which must outlive @hb).  0 or -1 (ENOMEM). */
int hb_init(struct hb_node *hb, const struct sm_cluster_config *cfg,
	    uint32_t self, const struct hb_ops *ops, void *ctx);
/* Keep a link to @member: dial it (our id is lower) or accept it. */
int hb_add_member(struct hb_node *hb, uint32_t member, long long now);
/* Close every link and the listening socket. */
void hb_stop(struct hb_node *hb);

/* The fds to poll; @fds has room for HB_MAX_FDS.  Returns their number. */
int hb_poll_fds(struct hb_node *hb, struct pollfd *fds);
/* Act on the poll results for those fds and on the timers at @now. */
void hb_service(struct hb_node *hb, const struct pollfd *fds, int count,
		long long now);
/* Milliseconds until the next timer, or -1 for none. */
long long hb_next_timeout(const struct hb_node *hb, long long now);

bool hb_is_up(const struct hb_node *hb, uint32_t member);
/*
 * Queue a message for @member (see sm_hb_encode()) and send what the
 * socket takes.  Returns the message's seq, or 0 when the link is not up
 * or was closed for it.
 */
uint64_t hb_send(struct hb_node *hb, uint32_t member, uint16_t type,
		 const struct sm_hb_record *records, uint32_t count,
		 uint32_t result, long long now);
/* When we queued message @seq on the link to @member; 0 unknown. */
long long hb_send_time(const struct hb_node *hb, uint32_t member,
		       uint64_t seq);

#endif
