#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the module's KUnit suites: boot one node on the debug kernel (KUnit,
# KASAN, lockdep built in), load dm-syncmirror and syncmirror-test, and parse
# the KTAP the suites print with the kernel's own kunit.py.
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
kunit_py=$(dirname "$SM_KERNEL_DEBUG")/build/source/tools/testing/kunit/kunit.py

echo "kunit: running on the debug kernel (log: $rundir/log)"
SM_TOP=$top SM_RUNDIR=$rundir timeout -k 10 600 bash -c '
	. "$SM_TOP/tests/vm/lib.sh"
	cluster --kernel debug K
	on K "modprobe dm-syncmirror && modprobe syncmirror-test"
	on K dmesg > "$SM_RUNDIR/dmesg.txt"
' > "$rundir/log" 2>&1
rc=$?

summary=
if [ -s "$rundir/dmesg.txt" ]; then
	python3 "$kunit_py" parse "$rundir/dmesg.txt" > "$rundir/parsed.txt" 2>&1
	sed 's/^/    /' "$rundir/parsed.txt"
	summary=$(grep -o 'Ran [0-9]* tests:.*' "$rundir/parsed.txt" | tail -n 1)
fi
count() {
	echo "$summary" | grep -o "$1: [0-9]*" | grep -o '[0-9]*' || echo 0
}
passed=$(count passed)
failed=$(( $(count failed) + $(count crashed) + $(count errors) ))

problems=$(console_problems "$rundir")
if [ $rc -ne 0 ] || [ -z "$summary" ] || [ "$passed" -eq 0 ] || [ -n "$problems" ]; then
	echo "kunit: the run itself failed (exit $rc)"
	[ -n "$problems" ] && echo "$problems" | sed 's/^/    /'
	tail -n 10 "$rundir/log" | sed 's/^/    /'
	failed=$((failed + 1))
fi

echo "$passed $failed" > "$results/kunit.counts"
echo "kunit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
