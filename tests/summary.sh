#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/summary.sh RESULTS_DIR SUITE...: add up the "<passed> <failed>"
# counts each suite wrote and print the closing line of make check.  A suite
# that wrote nothing (it could not even start) counts as one failure.
set -u

dir=$1
shift
passed=0
failed=0
for suite in "$@"; do
	if [ -f "$dir/$suite.counts" ]; then
		read -r p f < "$dir/$suite.counts"
	else
		echo "check: suite '$suite' reported no result"
		p=0 f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
