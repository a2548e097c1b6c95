/* SPDX-License-Identifier: GPL-2.0-only */
/* The system's <linux/errno.h> (libc's <errno.h> includes it too). */
#include_next <linux/errno.h>
#include "../kernel-shim.h"
