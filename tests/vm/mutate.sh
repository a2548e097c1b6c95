#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Mutation runs: each patch in tests/vm/mutations/ plants a durability bug
# in a copy of kernel/; the module is built from it on the debug kernel and
# the scenarios that must catch that bug run on it.  A mutation passes
# (is caught) when at least one of its scenarios fails; one that every
# scenario passes shows a test that cannot fail.
#
#   tests/vm/mutate.sh [NAME...]	(default: every mutation)
#
# Which scenarios: the patch's "Caught-by:" line (scenario names).  Ends
# with "mutants: N passed, N failed" and writes $SM_RESULTS/mutants.counts.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
results=${SM_RESULTS:-$top/build/results}
mkdir -p "$results"
kdir=$("$top/tests/vm/kernel/build-debug-kernel.sh")/build
kver=$(cat "$kdir/include/config/kernel.release")

if [ $# -eq 0 ]; then
	set -- $(cd "$top/tests/vm/mutations" && ls ./*.patch | sed 's|^\./||; s|\.patch$||')
fi

passed=0
failed=0
for name in "$@"; do
	patch=$top/tests/vm/mutations/$name.patch
	dir=$top/build/mutants/$name
	rm -rf "$dir"
	mkdir -p "$dir/src"
	cp -rp "$top/Kbuild" "$top/kernel" "$top/include" "$dir/src/"
	scenarios=$(sed -n 's/^Caught-by: *//p' "$patch")
	echo "mutants: $name: $(sed -n 's/^Mutation: *//p' "$patch")"
	if ! patch -s -d "$dir/src" -p1 < "$patch" > "$dir/build.log" 2>&1 ||
	   ! make -C "$kdir" M="$dir/src" modules >> "$dir/build.log" 2>&1 ||
	   ! SM_IMAGES=$dir/vm "$top/tests/vm/images.sh" debug "$kver" "$dir/src/kernel" \
		>> "$dir/build.log" 2>&1; then
		echo "mutants: $name: FAIL (cannot build it, see $dir/build.log)"
		failed=$((failed + 1))
		continue
	fi
	caught=
	for s in $scenarios; do
		out=$(SM_IMAGES=$dir/vm SM_RUNS=$dir/runs SM_RESULTS=$dir/results \
			"$top/tests/vm/run.sh" "$top/tests/vm/scenarios/$s.sh" 2>&1)
		if echo "$out" | grep -q ": FAIL ("; then
			caught="$s: $(echo "$out" | grep -m1 -A1 ': FAIL (' | tail -n 1 | sed 's/^ *//')"
			break
		fi
	done
	if [ -n "$caught" ]; then
		echo "mutants: $name: PASS (caught by $caught)"
		passed=$((passed + 1))
	else
		echo "mutants: $name: FAIL (not caught by: $scenarios)"
		failed=$((failed + 1))
	fi
done
echo "$passed $failed" > "$results/mutants.counts"
echo "mutants: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
