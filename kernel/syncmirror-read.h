/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A primary's reads: local first, from the peer when the local disk fails
 * them or is detached.
 */
#ifndef SYNCMIRROR_READ_H
#define SYNCMIRROR_READ_H

struct bio;
struct syncmirror;

int syncmirror_read(struct syncmirror *sm, struct bio *bio);

#endif /* SYNCMIRROR_READ_H */
