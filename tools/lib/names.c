// SPDX-License-Identifier: LGPL-2.1-or-later
/* Names of enum syncmirror_role, _conn_state and _event (see names.h). */
#include <linux/syncmirror.h>

#include "names.h"

const char *sm_role_name(uint32_t role)
{
	switch (role) {
	case SYNCMIRROR_ROLE_PRIMARY: return "primary";
	case SYNCMIRROR_ROLE_SECONDARY: return "secondary";
	default: return "unknown";
	}
}

const char *sm_conn_state_name(uint32_t state)
{
	switch (state) {
	case SYNCMIRROR_CONN_NONE: return "none";
	case SYNCMIRROR_CONN_HANDSHAKE: return "handshake";
	case SYNCMIRROR_CONN_CONNECTED: return "connected";
	case SYNCMIRROR_CONN_REFUSED: return "refused";
	case SYNCMIRROR_CONN_LOST: return "lost";
	default: return "unknown";
	}
}

const char *sm_event_name(uint32_t event)
{
	switch (event) {
	case SYNCMIRROR_EVENT_VOLUME_UP: return "up";
	case SYNCMIRROR_EVENT_VOLUME_DOWN: return "down";
	case SYNCMIRROR_EVENT_ROLE: return "role";
	case SYNCMIRROR_EVENT_CONNECTION: return "connection";
	case SYNCMIRROR_EVENT_DISK: return "disk";
	default: return "unknown";
	}
}
