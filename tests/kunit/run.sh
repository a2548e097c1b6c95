#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the module's KUnit suites: boot one node on the debug kernel (KUnit,
# KASAN, lockdep built in), load dm-syncmirror and syncmirror-test, and read
# the KTAP the suites print.  Counts are the sum of KUnit's "# Totals:" lines
# (one per suite); every "not ok" line is shown.  (6.1's kunit.py cannot parse a
# module's output: the suite header is indented, its result is not.)
#
# Why a VM and not UML: the suites then run on the same x86 kernel, compiler
# and debug options as the scenario suite, catch KASAN and lockdep reports in
# the code under test, and need no second kernel build.
#
# Ends with "kunit: N passed, N failed" and writes $SM_RESULTS/kunit.counts.
# The run fails if any case fails or crashes, if no suite ran, or if the
# console shows a kernel problem.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
results=${SM_RESULTS:-$top/build/results}
rundir=$top/build/kunit
mkdir -p "$results"
rm -rf "$rundir"
mkdir -p "$rundir"

# shellcheck source=../../build/vm/env-debug
. "$top/build/vm/env-debug"
. "$top/tests/vm/console.sh"

echo "kunit: running on the debug kernel (log: $rundir/log)"
SM_TOP=$top SM_RUNDIR=$rundir timeout -k 10 600 bash -c '
	. "$SM_TOP/tests/vm/lib.sh"
	cluster --kernel debug K
	on K "modprobe dm-syncmirror && dmesg -c > /dev/null && modprobe syncmirror-test"
	on K dmesg > "$SM_RUNDIR/ktap.txt"
' > "$rundir/log" 2>&1
rc=$?

# Strip printk timestamps; show the results, failures first.
sed -E 's/^\[ *[0-9.]+\] //' "$rundir/ktap.txt" 2>/dev/null > "$rundir/ktap.clean"
grep -E '^ *(not )?ok [0-9]+ ' "$rundir/ktap.clean" | sed 's/^/    /'
# KUnit prints one "# Totals:" line per suite of a module: add them up.
totals=$(grep -E '^# Totals: ' "$rundir/ktap.clean")
count() {
	echo "$totals" | grep -o "$1:[0-9]*" | cut -d: -f2 |
		awk '{ n += $1 } END { print n + 0 }'
}
passed=$(count pass)
failed=$(count fail)
if [ "$failed" -eq 0 ] && grep -qE '^ *not ok ' "$rundir/ktap.clean"; then
	failed=1	# a failure the totals did not count (a crashed suite)
fi

problems=$(console_problems "$rundir")
if [ $rc -ne 0 ] || [ -z "$totals" ] || [ "$passed" -eq 0 ] || [ -n "$problems" ]; then
	echo "kunit: the run itself failed (exit $rc)"
	[ -n "$problems" ] && echo "$problems" | sed 's/^/    /'
	tail -n 10 "$rundir/log" | sed 's/^/    /'
	failed=$((failed + 1))
fi

echo "$passed $failed" > "$results/kunit.counts"
echo "kunit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
