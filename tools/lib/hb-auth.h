/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Authentication of heartbeat links (Documentation/syncmirror-failover.rst,
 * "Heartbeat link"): the exchange of auth.c, unchanged in shape and
 * checks, with the cluster secret, the cluster UUID in the volume_uuid
 * field, the member id in node_id, magic "SMH1" and HMAC label
 * "syncmirror-hb-v1" (16 bytes, so the HMAC input is 100 bytes), so that
 * answers of one kind of link are worthless on the other.
 *
 * TEMPORARY: auth.c has the magic and the label built in.  Until it takes
 * them as parameters (sm_auth_init(auth, magic, label, ...), see the
 * "quorum" branch's report), hb-auth.c compiles auth.c a second time with
 * these two and every public function renamed sm_hb_auth_*.  Once auth.c
 * is parameterised: delete hb-auth.c, keep the two #defines, and replace
 * sm_hb_auth_init(a, ...) by sm_auth_init(a, SM_HB_AUTH_MAGIC,
 * SM_HB_AUTH_LABEL, ...) and the other sm_hb_auth_* by sm_auth_*.
 */
#ifndef SYNCMIRROR_HB_AUTH_H
#define SYNCMIRROR_HB_AUTH_H

#include "auth.h"

#define SM_HB_AUTH_MAGIC	"SMH1"		/* 0x534d4831 */
#define SM_HB_AUTH_LABEL	"syncmirror-hb-v1"

/* As sm_auth_init(): @cluster_uuid, our @member_id, the one we expect. */
int sm_hb_auth_init(struct sm_auth *auth, const struct sm_secret *secret,
		    const uint8_t cluster_uuid[16], uint32_t member_id,
		    uint32_t expected_member);
enum sm_auth_result sm_hb_auth_step(struct sm_auth *auth, int fd);
enum sm_auth_result sm_hb_auth_run(struct sm_auth *auth, int fd,
				   int timeout_ms);
void sm_hb_auth_fail(struct sm_auth *auth, const char *message);
void sm_hb_auth_describe_peer(const struct sm_auth *auth, const char *address,
			      char *out, size_t size);
int sm_hb_auth_answer(const struct sm_secret *secret,
		      const uint8_t other_challenge[SM_AUTH_CHALLENGE_SIZE],
		      const uint8_t own_challenge[SM_AUTH_CHALLENGE_SIZE],
		      uint32_t node_id, const uint8_t volume_uuid[16],
		      uint8_t answer[SM_AUTH_ANSWER_SIZE]);
void sm_hb_auth_clear(struct sm_auth *auth);

#endif
