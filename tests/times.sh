#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/times.sh RESULTS_DIR: the wall time of each suite (suites.times,
# written by make check) and of each VM scenario (vm.times, written by
# tests/vm/run.sh), slowest first.
set -u

dir=$1
for f in suites vm; do
	[ -s "$dir/$f.times" ] || continue
	echo "times ($f, slowest first):"
	sort -k2,2nr "$dir/$f.times" |
		awk '{ printf "  %-24s %6d s  %s\n", $1, $2, $3; t += $2 }
		     END { printf "  %-24s %6d s  (%d min %d s)\n", "total", t, t / 60, t % 60 }'
done
