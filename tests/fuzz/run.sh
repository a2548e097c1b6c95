#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the fuzz targets:  tests/fuzz/run.sh [target...]
#
# Builds them (tests/fuzz/Makefile, into build/fuzz/), then for each target
# (all of them when none is named): every input of its seed corpus
# (tests/fuzz/corpus/<target>/) and of its regressions
# (tests/fuzz/regressions/<target>/, the inputs of bugs fuzzing found),
# then libFuzzer for FUZZ_TIME seconds (default 20) or, when FUZZ_RUNS is
# set, that many inputs.  FUZZ_JOBS targets run at once (default 1; make
# check runs one per CPU, nothing else running then), each one libFuzzer
# job.  New inputs go to build/fuzz/corpus/<target>/, a crash to
# build/fuzz/crashes/<target>/, the output to build/fuzz/logs/<target>.log.
#
# A target is one test: it fails on a build error, a seed or regression
# that fails, or anything the fuzzer finds.  Ends with "fuzz: N passed, N
# failed" and writes "<passed> <failed>" to $SM_RESULTS/fuzz.counts.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
here=$top/tests/fuzz
out=$top/build/fuzz
results=${SM_RESULTS:-$top/build/results}
time=${FUZZ_TIME:-20}
runs=${FUZZ_RUNS:-}
jobs=${FUZZ_JOBS:-1}
mkdir -p "$results" "$out/logs"

# shellcheck disable=SC2046 # the names are words
[ $# -gt 0 ] || set -- $(make -s --no-print-directory -C "$here" list)

finish() {
	echo "$passed $failed" > "$results/fuzz.counts"
	echo "fuzz: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

passed=0
failed=0
if ! make -s -j"$jobs" -C "$here" > "$out/logs/build.log" 2>&1; then
	echo "fuzz: build failed (log: $out/logs/build.log)"
	tail -n 10 "$out/logs/build.log" | sed 's/^/    /'
	failed=$#
	finish
fi

# What the target stopped on, from its log.
reason() {
	grep -m1 -E 'property violated|ERROR: |runtime error|WARN_ON' "$1" ||
		echo "exit status $2"
	grep -E 'Test unit written to|^Running: ' "$1" | tail -n 1
}

# Every seed and regression input once.
replay() {
	local target=$1 log=$2 inputs rc

	inputs=$(find "$here/corpus/$target" "$here/regressions/$target" \
		 -type f 2>/dev/null | sort)
	[ -n "$inputs" ] || return 0
	# shellcheck disable=SC2086
	"$out/bin/$target" $inputs > "$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { reason "$log" $rc; return 1; }
}

fuzz() {
	local target=$1 log=$2 limit rc dict=()

	limit=-max_total_time=$time
	[ -z "$runs" ] || limit=-runs=$runs
	[ ! -f "$here/dict/$target.dict" ] || dict=(-dict="$here/dict/$target.dict")
	mkdir -p "$out/corpus/$target" "$out/crashes/$target"
	"$out/bin/$target" "$limit" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$out/crashes/$target/" \
		"${dict[@]}" "$out/corpus/$target" "$here/corpus/$target" \
		> "$log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || { reason "$log" $rc; return 1; }
}

# one TARGET: replay, then fuzz; its result line goes to
# $out/logs/TARGET.result, PASS or FAIL first.
one() {
	local target=$1 log=$out/logs/$1.log why execs rate
	if ! why=$(replay "$target" "$out/logs/$target-replay.log"); then
		{ echo "FAIL fuzz: $target: FAIL (a seed or regression)"
		  echo "$why" | sed 's/^/    /'; } > "$out/logs/$target.result"
		return
	fi
	if ! why=$(fuzz "$target" "$log"); then
		{ echo "FAIL fuzz: $target: FAIL (log: $log)"
		  echo "$why" | sed 's/^/    /'; } > "$out/logs/$target.result"
		return
	fi
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	echo "PASS fuzz: $target: PASS (${execs:-?} runs, ${rate:-?} exec/s)" \
		> "$out/logs/$target.result"
}

for target in "$@"; do
	rm -f "$out/logs/$target.result"
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	one "$target" &
done
wait
for target in "$@"; do
	result=$out/logs/$target.result
	[ -f "$result" ] || echo "FAIL fuzz: $target: FAIL (no result)" > "$result"
	sed '1s/^[A-Z]* //' "$result"
	if head -n 1 "$result" | grep -q '^PASS'; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
finish
