/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "syncmirror" generic netlink family: commands from smctl and
 * syncmirrord, events to whoever listens.
 */
#ifndef SYNCMIRROR_NETLINK_H
#define SYNCMIRROR_NETLINK_H

struct syncmirror_volume;

int syncmirror_netlink_init(void);
void syncmirror_netlink_exit(void);
void syncmirror_netlink_notify(struct syncmirror_volume *vol, int event);

#endif /* SYNCMIRROR_NETLINK_H */
