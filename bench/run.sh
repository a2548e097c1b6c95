#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: syncmirror side by side with the raw disk and DRBD 8.4 on the
# same two-node VM pair, disks and link.  Boots A and B on Debian's stock
# kernel (bench/measure.sh), then prints one table (bench/report.py).
#
# Everything stays under build/bench/: fio/*.json (fio's own output, one
# file per device, link and job), table.txt, facts, the nodes' consoles
# and command logs under vm/.  Exit status 0 when every job ran, 1 if not.
#
# Knobs (environment): BENCH_RUNTIME (s per job, 10), BENCH_RAMP (s, 2),
# BENCH_REGION (256M), BENCH_DEVICES ("raw syncmirror drbd"), BENCH_ROUNDS
# (2), SM_SMP, SM_MEM.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
export SM_TOP=$top SM_RUNDIR=$out/vm SM_BENCH_OUT=$out SM_KERNEL=stock

if [ ! -f "$top/build/vm/env-stock" ]; then
	echo "bench: no stock-kernel VM images; run 'make vm-images-stock' (make bench does)" >&2
	exit 1
fi
# shellcheck source=/dev/null
. "$top/build/vm/env-stock"

rm -rf "$out"
mkdir -p "$SM_RUNDIR"
echo "host_load=$(cut -d' ' -f1-3 /proc/loadavg)" > "$out/facts"
echo "bench: running (log: $out/vm/log); about 11 minutes under TCG"
start=$SECONDS
# The bench's disks stay at 1 GiB whatever make check uses.
SM_DATA_SIZE=${SM_DATA_SIZE:-1G} timeout -k 10 1800 bash -c '. "$SM_TOP/tests/vm/lib.sh"; . "$SM_TOP/bench/measure.sh"' \
	bench > "$out/vm/log" 2>&1
rc=$?
for pidfile in "$SM_RUNDIR"/*/qemu.pid; do
	[ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
done
for pidfile in "$SM_RUNDIR"/*/*.cache.pid; do
	[ -f "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null
done
echo "seconds=$((SECONDS - start))" >> "$out/facts"

# shellcheck source=../tests/vm/console.sh
. "$top/tests/vm/console.sh"
problems=$(console_problems "$SM_RUNDIR")
if [ $rc -ne 0 ] || [ -n "$problems" ]; then
	echo "bench: FAILED after $((SECONDS - start)) s${problems:+; the kernel complained:}"
	[ -n "$problems" ] && echo "$problems" | sed 's/^/    /'
	grep -m1 'FAIL:' "$out/vm/log" | sed 's/^/    /'
	echo "    last lines of $out/vm/log:"
	tail -n 15 "$out/vm/log" | sed 's/^/      /'
	exit 1
fi
grep 'WARNING' "$out/vm/log" | sed 's/^\[[0-9:]*\] //'
python3 "$top/bench/report.py" "$out" | tee "$out/table.txt"
