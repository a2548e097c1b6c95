#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The quorum decisions (tools/syncmirrord/quorum.c) with a fake clock, on the
# host (build/tools/test/quorum_test): a voter's answers to PROMOTE_REQUEST
# with each reason code and in the design's order, the GRANT rule, lease
# arithmetic (a randomised run shows no delay lengthens a lease), the
# promotion state machine from SECONDARY to PRIMARY, DEPOSED and back with
# its refusals, and the timing inequality of cluster.conf.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/quorum_test
[ -x "$helper" ] || { echo "quorum_test not built: run make tools"; exit 77; }
exec "$helper"
