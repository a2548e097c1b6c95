#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# tests/vm/fencecheck.sh, the event-log check of failover-partition.sh
# ("never two primaries holding quorum"), on made-up event logs and clock
# offsets: it passes apart intervals and fails overlapping ones, ones that
# may overlap within the clocks' error, missed states (a jump in the change
# count), one still open, and an unfenced primary.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=../vm/fencecheck.sh
. "$top/tests/vm/fencecheck.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

S=1796140000000000000	# a base time, ns
# ev ROLE STATE MS CHANGES: one event object as smctl -j events prints it.
ev() {
	printf '{"name":"vol0","role":"%s","gen_pending":false,"quorum":{"state":"%s","policy":"suspend","remaining_ms":0,"generation":"9d4c8b7a6f5e4d3d","term":1,"held":0,"since":0,"since_ns":%s,"changes":%s}}\n' \
		"$1" "$2" "$((S + $3 * 1000000))" "$4"
}
# logs: A held quorum 0..3000 ms, B from 5000 ms (B's own log repeats states).
{ ev primary have 0 2; ev primary have 0 2; ev primary lost 3000 3; ev secondary lost 3000 3; } > "$tmp/a"
{ ev secondary lost -9000 1; ev primary lost -9000 1; ev primary have 5000 2; ev primary have 5000 2; } > "$tmp/b"
echo "0 1000000" > "$tmp/zero"
printf '%s\n' "0 1000000" "0 1000000" > "$tmp/zero2"

out=$(fence_check "$tmp/a" "$tmp/zero" "$tmp/b" "$tmp/zero2")
if [ $? -eq 0 ] && [[ $out == *"node 1 held quorum until"*"at least 1998 ms apart"* ]]; then
	ok "intervals 2 s apart pass, gap less the clock errors: $out"
else
	bad "apart intervals: $out"
fi

assert_fails() {
	local what=$1 out
	shift
	if out=$(fence_check "$@" 2>&1); then
		bad "$what passed: $out"
	else
		ok "$what fails: $(tail -n 1 <<< "$out")"
	fi
}

{ ev secondary lost -9000 1; ev primary have 2500 2; } > "$tmp/b-early"
assert_fails "B holding quorum 0.5 s before A's lease ran out" "$tmp/a" "$tmp/zero" "$tmp/b-early" "$tmp/zero"

{ ev secondary lost -9000 1; ev primary have 3001 2; } > "$tmp/b-1ms"
echo "0 5000000" > "$tmp/wide"
assert_fails "1 ms apart with 5 ms clock error" "$tmp/a" "$tmp/wide" "$tmp/b-1ms" "$tmp/zero"

# B's clock 3 s behind the reference: its "have" at 1000 is at 4000 on the
# reference (apart); with B's offset taken as 0 the same logs overlap.
{ ev secondary lost -9000 1; ev primary have 1000 2; } > "$tmp/b-behind"
echo "3000000000 1000000" > "$tmp/behind"
if out=$(fence_check "$tmp/a" "$tmp/zero" "$tmp/b-behind" "$tmp/behind"); then
	ok "a clock offset is applied: $out"
else
	bad "offset 3 s: $out"
fi
assert_fails "the same logs without the offset" "$tmp/a" "$tmp/zero" "$tmp/b-behind" "$tmp/zero"
printf '%s\n' "0 1000000" "3000000000 1000000" > "$tmp/drift"
assert_fails "an offset that drifted 0 to 3 s (the hull)" "$tmp/a" "$tmp/zero" "$tmp/b-behind" "$tmp/drift"

# A's loss at 3000 missed, a later "have" seen: A held from 0 to its next loss.
{ ev primary have 0 2; ev primary have 8000 4; ev secondary lost 9000 5; } > "$tmp/a-missed"
assert_fails "a missed loss event" "$tmp/a-missed" "$tmp/zero" "$tmp/b" "$tmp/zero"

# A's log goes lost (3) then failing (5): state 4, unseen, may have been
# "have" at any time in between; with no jump (4) it was not.
{ ev primary have 0 2; ev primary lost 3000 3; ev primary failing 20000 5; } > "$tmp/a-jump"
assert_fails "a jump in the change count (a state missed)" "$tmp/a-jump" "$tmp/zero" "$tmp/b" "$tmp/zero"
{ ev primary have 0 2; ev primary lost 3000 3; ev primary failing 20000 4; } > "$tmp/a-nojump"
if out=$(fence_check "$tmp/a-nojump" "$tmp/zero" "$tmp/b" "$tmp/zero"); then
	ok "no jump, lost then failing: apart: $out"
else
	bad "lost then failing without a jump: $out"
fi

{ ev primary have 0 2; } > "$tmp/a-open"
assert_fails "A still holding at the end of its log" "$tmp/a-open" "$tmp/zero" "$tmp/b" "$tmp/zero"

{ ev primary have 0 2; ev primary lost 3000 3; printf '{"name":"vol0","role":"primary","gen_pending":false,"quorum":{"state":"none"}}\n'; } > "$tmp/a-none"
assert_fails "an unfenced primary" "$tmp/a-none" "$tmp/zero" "$tmp/b" "$tmp/zero"

: > "$tmp/empty"
assert_fails "an empty log" "$tmp/empty" "$tmp/zero" "$tmp/b" "$tmp/zero"
assert_fails "no clock offset" "$tmp/a" "$tmp/empty" "$tmp/b" "$tmp/zero"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
