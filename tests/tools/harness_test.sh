#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The scenario runner fails what it must: a false assertion, and a kernel
# report on a node's console even when every command succeeded.  Boots one
# node on the stock kernel (needs make vm-images).
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
[ -f "$top/build/vm/env-stock" ] || { echo "no VM images: run make vm-images"; exit 77; }
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0

expect_failure() {
	local scenario=$1 want=$2 out rc
	out=$(SM_RESULTS=$results "$top/tests/vm/run.sh" \
		"$top/tests/tools/scenarios/$scenario.sh" 2>&1)
	rc=$?
	echo "$out"
	if [ $rc -eq 0 ] || ! echo "$out" | grep -q "vm: $scenario: FAIL"; then
		echo "FAIL: $scenario was not reported as failed"
		status=1
	elif ! echo "$out" | grep -qF "$want"; then
		echo "FAIL: $scenario: report does not say '$want'"
		status=1
	elif [ "$(cat "$results/vm.counts")" != "0 1" ]; then
		echo "FAIL: $scenario: counts are '$(cat "$results/vm.counts")', want '0 1'"
		status=1
	fi
}

expect_failure false-assert "one plus one: got '2', want '3'"
expect_failure kernel-panic "node A: Kernel panic - not syncing: sysrq triggered crash"
exit $status
