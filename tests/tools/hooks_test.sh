#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# syncmirrord's hook runner (tools/syncmirrord/hooks.c) on the host
# (build/tools/test/hooks_test): script hooks get exactly the environment
# given plus PATH, an empty stdin and none of the agent's descriptors;
# their stdout and stderr are logged line by line, their exit status and
# duration logged and reported; at the timeout the hook and its children
# are killed; one hook per volume at a time, volumes in parallel; a
# missing program and a relative path are reported; hook_run() returns at
# once.  And split-brain-hook (tools/syncmirrord/split_brain.c): run once
# per new decision with the SYNCMIRROR_SB_* variables, not for the state
# found at start, not for repeats; a decision found only in a dump (its
# event lost) is audited and runs it.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/hooks_test
[ -x "$helper" ] || { echo "hooks_test not built: run make tools"; exit 77; }
[ -x /bin/sh ] || { echo "no /bin/sh for the test hooks"; exit 77; }
exec "$helper"
