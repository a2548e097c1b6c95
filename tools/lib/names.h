/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Names of the ABI's enums as smctl prints them and syncmirrord logs them,
 * in one place so that the two never disagree.
 */
#ifndef SYNCMIRROR_NAMES_H
#define SYNCMIRROR_NAMES_H

#include <stdint.h>

const char *sm_role_name(uint32_t role);
const char *sm_conn_state_name(uint32_t state);
const char *sm_event_name(uint32_t event);
const char *sm_cmd_name(uint32_t cmd);
const char *sm_disk_state_name(uint32_t state);
const char *sm_sync_state_name(uint32_t state);
const char *sm_verify_state_name(uint32_t state);
const char *sm_resync_action_name(uint32_t action);
const char *sm_verify_action_name(uint32_t action);

#endif
