// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libnl-genl plumbing shared by smctl and syncmirrord.  Set-up follows iw:
 * nl_socket_alloc -> genl_connect -> genl_ctrl_resolve, with one unwind
 * path.  Kernel errors come back with their extended-ack text.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/netlink.h>
#include <linux/syncmirror.h>
#include <netlink/genl/ctrl.h>
#include <sys/socket.h>

#include "genl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

int sm_genl_open(struct sm_genl *g, const char *prog)
{
	int one = 1;

	memset(g, 0, sizeof(*g));
	g->sock = nl_socket_alloc();
	if (!g->sock) {
		fprintf(stderr, "%s: cannot allocate a netlink socket\n", prog);
		return -1;
	}
	if (genl_connect(g->sock)) {
		fprintf(stderr, "%s: cannot connect to generic netlink\n", prog);
		goto fail;
	}
	g->family = genl_ctrl_resolve(g->sock, SYNCMIRROR_GENL_NAME);
	if (g->family < 0) {
		fprintf(stderr, "%s: the syncmirror kernel module is not loaded (modprobe dm-syncmirror)\n",
			prog);
		goto fail;
	}
	/* Ask for the kernel's reasons with its errors. */
	setsockopt(nl_socket_get_fd(g->sock), SOL_NETLINK, NETLINK_EXT_ACK,
		   &one, sizeof(one));
	return 0;
fail:
	nl_socket_free(g->sock);
	g->sock = NULL;
	return -1;
}

void sm_genl_close(struct sm_genl *g)
{
	nl_socket_free(g->sock);
	g->sock = NULL;
}

struct nl_msg *sm_genl_request(struct sm_genl *g, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, g->family, 0,
				flags, cmd, SYNCMIRROR_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

struct transaction {
	struct sm_genl *g;
	int (*parse)(struct nl_msg *reply, void *arg);
	void *arg;
	int done;
};

/* Keep the kernel's errno and its extended-ack message, if it sent one. */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	struct transaction *t = arg;
	struct nlattr *attrs[NLMSGERR_ATTR_MAX + 1];
	int offset = sizeof(*err);

	(void)nla;
	t->g->error = err->error;
	t->done = 1;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		offset += err->msg.nlmsg_len - NLMSG_HDRLEN;
	if (nla_parse(attrs, NLMSGERR_ATTR_MAX,
		      (struct nlattr *)((char *)err + offset),
		      nlh->nlmsg_len - NLMSG_HDRLEN - offset, NULL) == 0 &&
	    attrs[NLMSGERR_ATTR_MSG])
		snprintf(t->g->message, sizeof(t->g->message), "%s",
			 nla_get_string(attrs[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	return t->parse ? t->parse(msg, t->arg) : NL_OK;
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	struct transaction *t = arg;

	(void)msg;
	t->done = 1;
	return NL_STOP;
}

int sm_genl_transact(struct sm_genl *g, struct nl_msg *msg,
		     int (*parse)(struct nl_msg *reply, void *arg), void *arg)
{
	struct transaction t = { .g = g, .parse = parse, .arg = arg };
	struct nl_cb *cb;
	int r;

	g->error = 0;
	g->message[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &t);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, &t);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &t);

	nlmsg_hdr(msg)->nlmsg_flags |= NLM_F_ACK;
	r = nl_send_auto(g->sock, msg);
	nlmsg_free(msg);
	while (r >= 0 && !t.done)
		r = nl_recvmsgs(g->sock, cb);
	nl_cb_put(cb);
	if (r < 0 && !g->error)
		g->error = -EIO;
	return g->error;
}
