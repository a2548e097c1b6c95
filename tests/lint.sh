#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Style checks that gate make check: scripts/checkpatch.pl --strict on every
# kernel and uapi source file (one test per file).  The W=1 warning check is
# part of the module build itself (-Werror).
#
# Ends with "lint: N passed, N failed" and writes $SM_RESULTS/lint.counts.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=${SM_RESULTS:-$top/build/results}
cache=${SYNCMIRROR_CACHE:-$HOME/.cache/syncmirror}
mkdir -p "$results"

# checkpatch.pl and its data files, straight from Debian's linux-source-6.1.
srcver=$(dpkg-query -W -f '${Version}' linux-source-6.1)
scripts=$cache/checkpatch-$srcver
if [ ! -f "$scripts/linux-source-6.1/scripts/checkpatch.pl" ]; then
	mkdir -p "$scripts"
	tar -xJf /usr/src/linux-source-6.1.tar.xz -C "$scripts" \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch || exit 1
fi
checkpatch=$scripts/linux-source-6.1/scripts/checkpatch.pl

passed=0
failed=0
cd "$top" || exit 1
for file in kernel/*.[ch] include/uapi/linux/*.h; do
	[ -f "$file" ] || continue
	if out=$(perl "$checkpatch" --strict --no-tree --terse --show-types \
		 -f "$file" 2>&1) &&
	   ! echo "$out" | grep -qE ': (ERROR|WARNING|CHECK):'; then
		passed=$((passed + 1))
	else
		echo "lint: checkpatch $file:"
		echo "$out" | grep -E ': (ERROR|WARNING|CHECK):' | sed 's/^/    /'
		failed=$((failed + 1))
	fi
done

echo "$passed $failed" > "$results/lint.counts"
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
