/* SPDX-License-Identifier: GPL-2.0-only */
/* The system's <linux/types.h>, then the kernel's types (kernel-shim.h). */
#include_next <linux/types.h>
#include "../kernel-shim.h"
