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
const char *sm_resolve_action_name(uint32_t action);

/* after-split-brain policies: "disconnect", "discard-zero-changes", ... */
const char *sm_sb_policy_name(uint32_t policy);
/* The policy named @name into @policy.  Returns 0, or -1 if none is. */
int sm_sb_policy_parse(const char *name, uint32_t *policy);
/* "disconnect, discard-zero-changes, ...", for messages. */
const char *sm_sb_policy_names(void);

/* SB_DECISION: "none", "refused", "resolved-manual", "resolved-auto". */
const char *sm_sb_decision_name(uint32_t decision);
/* Whose copy the decision discards: "local", "peer", or "" for none. */
const char *sm_sb_victim_name(uint32_t decision);

/* Wire ERROR codes: a short name ("split-brain") and the reason in words. */
const char *sm_wire_error_name(uint32_t code);
const char *sm_wire_error_text(uint32_t code);

#endif
