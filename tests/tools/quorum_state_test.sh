#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Quorum state files (tools/lib/quorum-state.c), on the host
# (build/tools/test/quorum_state_test): the 40-byte format, every kind of
# damage refused, replacement by rename, and writers killed with SIGKILL
# mid-write never leaving a file that does not load.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/quorum_state_test
[ -x "$helper" ] || { echo "quorum_state_test not built: run make tools"; exit 77; }
exec "$helper"
