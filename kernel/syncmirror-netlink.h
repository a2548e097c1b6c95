/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "syncmirror" generic netlink family: commands from smctl and
 * syncmirrord, events to whoever listens.
 */
#ifndef SYNCMIRROR_NETLINK_H
#define SYNCMIRROR_NETLINK_H

struct syncmirror_volume;

/*
 * Who caused an event, for the audit trail: nobody (the kernel itself), a
 * device-mapper ioctl in the caller's context, or a command of the family
 * (a positive enum syncmirror_cmd, also run in the caller's context).
 */
#define SYNCMIRROR_ACTOR_NONE	(-1)
#define SYNCMIRROR_ACTOR_DM	0

int syncmirror_netlink_init(void);
void syncmirror_netlink_exit(void);
void syncmirror_netlink_notify(struct syncmirror_volume *vol, int event,
			       int actor);

#endif /* SYNCMIRROR_NETLINK_H */
