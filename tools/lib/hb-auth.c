// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TEMPORARY shim, see hb-auth.h: auth.c built a second time with the
 * heartbeat link's magic and HMAC label and its public functions renamed,
 * so that the heartbeat links reuse its code without a copy and without a
 * change to auth.c.  Goes away when auth.c takes the two as parameters.
 */
#include "hb-auth.h"

#undef SM_AUTH_MAGIC
#undef SM_AUTH_LABEL
#define SM_AUTH_MAGIC		SM_HB_AUTH_MAGIC
#define SM_AUTH_LABEL		SM_HB_AUTH_LABEL

#define sm_auth_init		sm_hb_auth_init
#define sm_auth_step		sm_hb_auth_step
#define sm_auth_run		sm_hb_auth_run
#define sm_auth_fail		sm_hb_auth_fail
#define sm_auth_describe_peer	sm_hb_auth_describe_peer
#define sm_auth_answer		sm_hb_auth_answer
#define sm_auth_clear		sm_hb_auth_clear

#include "auth.c"
