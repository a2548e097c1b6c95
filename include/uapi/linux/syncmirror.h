/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * syncmirror: ABI shared by the dm-syncmirror module and its tools.
 *
 * Today this is the device-mapper table line; the generic netlink family
 * and the wire protocol constants join it as they are defined.  See
 * Documentation/syncmirror.rst.
 */
#ifndef _UAPI_LINUX_SYNCMIRROR_H
#define _UAPI_LINUX_SYNCMIRROR_H

/* Target name in a device-mapper table line. */
#define SYNCMIRROR_TARGET_NAME			"syncmirror"

/* Feature arguments of the table line. */
#define SYNCMIRROR_FEATURE_NO_DISCARD_PASSDOWN	"no_discard_passdown"

#endif /* _UAPI_LINUX_SYNCMIRROR_H */
