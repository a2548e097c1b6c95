#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the userspace and harness tests: every tests/tools/*_test.sh (or a
# list given on the command line).  Each is a standalone program that exits
# 0 on pass, 1 on failure and 77 when it cannot run here (skip), the
# convention of liburing's tests.
#
# Ends with "tools: N passed, N failed" and writes $SM_RESULTS/tools.counts.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
results=${SM_RESULTS:-$top/build/results}
mkdir -p "$results" "$top/build/tools-tests"

[ $# -gt 0 ] || set -- "$top"/tests/tools/*_test.sh

passed=0
failed=0
skipped=0
for test in "$@"; do
	name=$(basename "$test" .sh)
	log=$top/build/tools-tests/$name.log
	SM_TOP=$top "$test" > "$log" 2>&1
	case $? in
	0) echo "tools: $name: PASS"; passed=$((passed + 1)) ;;
	77) echo "tools: $name: SKIP ($(tail -n 1 "$log"))"; skipped=$((skipped + 1)) ;;
	*) echo "tools: $name: FAIL (log: $log)"
	   tail -n 10 "$log" | sed 's/^/    /'
	   failed=$((failed + 1)) ;;
	esac
done

echo "$passed $failed" > "$results/tools.counts"
echo "tools: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
