#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run VM scenarios:  tests/vm/run.sh [-k debug|stock] [scenario.sh...]
#
# With no scenario named, runs every tests/vm/scenarios/*.sh.  A scenario
# fails when its script fails or when any node's console shows a kernel
# oops, BUG, WARNING, lockdep or KASAN report or a hung task.  A scenario
# that exits 77 cannot run here: it is skipped, and its last "SKIP:" log
# line says why.  Ends with "vm: N passed, N failed, N skipped" and writes
# "<passed> <failed>" to $SM_RESULTS/vm.counts.
#
# Boots what tests/vm/images.sh prepared (make vm-images).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
export SM_TOP=$top
results=${SM_RESULTS:-$top/build/results}
mkdir -p "$results"

while getopts k: opt; do
	case "$opt" in
	k) export SM_KERNEL=$OPTARG ;;
	*) echo "usage: $0 [-k debug|stock] [scenario.sh...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))

if [ $# -eq 0 ]; then
	set -- "$top"/tests/vm/scenarios/*.sh
fi

for env in "${SM_IMAGES:-$top/build/vm}"/env-*; do
	# shellcheck disable=SC1090
	[ -f "$env" ] && . "$env"
done

# shellcheck source=console.sh
. "$top/tests/vm/console.sh"

# free_port_base: a base port whose 256 UDP ports on 127.0.0.1 are all free
# (the scenario's links, see qemu_netdevs in lib.sh).
free_port_base() {
	local base used
	used=$(ss -Hun 2>/dev/null | awk '{ n = split($4, a, ":"); print a[n] }')
	while :; do
		base=$((20000 + RANDOM % 170 * 256))
		echo "$used" | awk -v b="$base" '$1 >= b && $1 < b + 256 { f = 1 } END { exit f }' &&
			break
	done
	echo "$base"
}

times=$results/vm.times
passed=0
failed=0
skipped=0
for scenario in "$@"; do
	name=$(basename "$scenario" .sh)
	rundir=${SM_RUNS:-$top/build/vm}/$name
	rm -rf "$rundir"
	mkdir -p "$rundir"
	timeout=$(sed -n 's/^# timeout: *//p' "$scenario" | head -n 1)
	start=$SECONDS
	echo "vm: $name: running (log: $rundir/log)"
	SM_RUNDIR=$rundir SM_NET_PORT=$(free_port_base) timeout -k 10 "${timeout:-900}" \
		bash -c '. "$SM_TOP/tests/vm/lib.sh"; . "$1"' scenario "$scenario" \
		> "$rundir/log" 2>&1
	rc=$?
	# Whatever happened, no QEMU of this scenario may outlive it.
	for pidfile in "$rundir"/*/qemu.pid; do
		[ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
	done
	# Nor any of its disk servers (tests/vm/diskcache.c).
	for pidfile in "$rundir"/*/*.cache.pid; do
		[ -f "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null
	done
	reasons=$(console_problems "$rundir")
	if [ $rc -eq 77 ] && [ -z "$reasons" ]; then
		echo "$name $((SECONDS - start)) SKIP" >> "$times"
		echo "vm: $name: SKIP ($(sed -n 's/.*SKIP: //p' "$rundir/log" | tail -n 1))"
		skipped=$((skipped + 1))
		continue
	fi
	if [ $rc -eq 124 ]; then
		reasons="timed out after ${timeout:-900}s"$'\n'"$reasons"
	elif [ $rc -ne 0 ]; then
		reasons="$(grep -m1 'FAIL:' "$rundir/log" || echo "exit status $rc")"$'\n'"$reasons"
	fi
	reasons=$(echo "$reasons" | sed '/^$/d')
	secs=$((SECONDS - start))
	if [ -z "$reasons" ]; then
		echo "$name $secs PASS" >> "$times"
		echo "vm: $name: PASS ($secs s)"
		passed=$((passed + 1))
	else
		echo "$name $secs FAIL" >> "$times"
		echo "vm: $name: FAIL ($secs s)"
		echo "$reasons" | sed 's/^/    /'
		echo "    last lines of $rundir/log:"
		tail -n 15 "$rundir/log" | sed 's/^/      /'
		failed=$((failed + 1))
	fi
done

echo "$passed $failed" > "$results/vm.counts"
echo "vm: $passed passed, $failed failed, $skipped skipped"
[ $failed -eq 0 ]
