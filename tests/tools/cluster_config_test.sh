#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# cluster.conf (tools/lib/cluster-config.c), on the host
# (build/tools/test/cluster_config_test): the design's example read back,
# defaults, each bad line refused with "<file>:<line>: <cause>", the timing
# inequality on the line that set the lease, volumes' node ids checked
# against the members.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/cluster_config_test
[ -x "$helper" ] || { echo "cluster_config_test not built: run make tools"; exit 77; }
exec "$helper"
