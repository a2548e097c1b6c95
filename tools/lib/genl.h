/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Talking to the syncmirror generic netlink family with libnl-genl:
 * connect, send a request, collect replies, and turn kernel errors
 * (including the extended-ack message) into text.
 */
#ifndef SYNCMIRROR_GENL_H
#define SYNCMIRROR_GENL_H

#include <netlink/genl/genl.h>

struct sm_genl {
	struct nl_sock *sock;
	int family;
	int error;		/* errno of the last failed request */
	char message[256];	/* the kernel's extended ack message, if any */
};

/* Returns 0, or -1 with a message printed ("smctl: ..."). */
int sm_genl_open(struct sm_genl *g, const char *prog);
void sm_genl_close(struct sm_genl *g);

/* A request with the family's header; NULL on allocation failure. */
struct nl_msg *sm_genl_request(struct sm_genl *g, int cmd, int flags);

/*
 * Send @msg (consumed) and process the answer: each reply message goes to
 * @parse.  Returns 0 or -errno; g->message then holds the kernel's reason.
 */
int sm_genl_transact(struct sm_genl *g, struct nl_msg *msg,
		     int (*parse)(struct nl_msg *reply, void *arg), void *arg);

#endif
