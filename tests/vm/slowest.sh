#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Where a scenario's time went:  tests/vm/slowest.sh [-n N] LOG...
#
# Prints the N (default 15) slowest steps of each scenario log
# (build/vm/<name>/log): the seconds from each timestamped line to the
# next, the line cut to 150 characters.  A boot, a resync or a long
# command shows up as the line before the gap.
set -euo pipefail

n=15
if [ "${1:-}" = -n ]; then
	n=$2
	shift 2
fi
[ $# -gt 0 ] || { echo "usage: $0 [-n N] LOG..." >&2; exit 2; }

for log in "$@"; do
	[ $# -eq 1 ] || echo "== $log"
	awk '/^\[[0-9][0-9]:[0-9][0-9]:[0-9][0-9]\]/ {
		split(substr($0, 2, 8), t, ":")
		s = t[1] * 3600 + t[2] * 60 + t[3]
		if (prev != "") {
			d = s - ps
			if (d < 0)
				d += 86400	# past midnight
			printf "%5d s  %s\n", d, substr(prev, 1, 150)
		}
		prev = $0
		ps = s
	}' "$log" | sort -rn | head -n "$n"
done
