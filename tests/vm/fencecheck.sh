# SPDX-License-Identifier: GPL-2.0-only
#
# "At no moment do two primaries hold quorum", from the nodes' event logs
# (Documentation/testing.rst, "Failover scenarios").  Pure shell, no VM:
# tests/tools/fencecheck_test.sh feeds it made-up logs.
#
# An event log is what `smctl -j events` printed on a node (status objects
# may be mixed in): every object carries the quorum fence's state,
# "since_ns", the node's CLOCK_REALTIME when the state was entered (leaving
# "have", when the lease ran out if that came first), and "changes", the
# count of state changes.  A fence lets a write the peer lacks complete
# only in "have" (and only for the primary of the term), so a node "holds
# quorum" from a "have" to the next other state.  Where the count jumps
# between two records, states were missed: the whole gap counts as held.
#
# A clock file holds lines "OFFSET_NS ERROR_NS" from sm-clock: the
# reference clock minus the node's is within OFFSET +- ERROR, measured at
# least before and after the events (a steady drift stays inside the hull).

FENCE_OPEN=9000000000000000000	# an interval still running at the log's end

# fence_intervals LOG: "START_NS END_NS" per interval in which the fence
# held quorum, END_NS FENCE_OPEN when it still did at the end.  Fails (and
# says why) when the log shows an unfenced primary or no state at all.
fence_intervals() {
	local log=$1 states
	grep -q '"role":"primary".*"quorum":{"state":"none"' "$log" && {
		echo "fence_intervals: $log: a primary without a quorum fence" >&2
		return 1
	}
	states=$(sed -n 's/.*"quorum":{"state":"\([a-z]*\)".*"since_ns":\([0-9][0-9]*\),"changes":\([0-9][0-9]*\).*/\2 \3 \1/p' "$log" |
		sort -n | uniq)
	[ -n "$states" ] || {
		echo "fence_intervals: $log: no quorum state with a time and a count" >&2
		return 1
	}
	# Fields: since_ns, changes, state; sorted by time.  No arithmetic on
	# the times (awk's doubles), only on the small counts.
	awk -v open="$FENCE_OPEN" '
		NR > 1 { missed = $2 != count + 1 }
		NR > 1 && !held && missed && $3 == "have" { start = last; held = 1 }
		NR > 1 && !held && missed && $3 != "have" { print last, $1 }
		$3 == "have" && !held { start = $1; held = 1 }
		$3 != "have" && held { print start, $1; held = 0 }
		{ last = $1; count = $2 }
		END { if (held) print start, open }' <<< "$states"
}

# fence_bounds CLOCKFILE: "LO HI", the hull of OFFSET -+ ERROR.
fence_bounds() {
	local off err lo="" hi=""
	while read -r off err; do
		[[ $off =~ ^-?[0-9]+$ && $err =~ ^[0-9]+$ ]] || continue
		if [ -z "$lo" ] || [ $((off - err)) -lt "$lo" ]; then lo=$((off - err)); fi
		if [ -z "$hi" ] || [ $((off + err)) -gt "$hi" ]; then hi=$((off + err)); fi
	done < "$1"
	[ -n "$lo" ] || { echo "fence_bounds: $1: no offset" >&2; return 1; }
	echo "$lo $hi"
}

# fence_check LOG1 CLOCK1 LOG2 CLOCK2: succeeds when no interval of node 1
# can overlap one of node 2 on the reference clock, whatever the offsets
# within their bounds.  Prints one line per pair of intervals: which came
# first and the smallest gap in ms; and the reason when they may overlap.
fence_check() {
	local i1 i2 b1 b2 lo1 hi1 lo2 hi2 s1 e1 s2 e2 a_end b_start gap bad=0
	i1=$(fence_intervals "$1") && i2=$(fence_intervals "$3") &&
		b1=$(fence_bounds "$2") && b2=$(fence_bounds "$4") || return 1
	read -r lo1 hi1 <<< "$b1"
	read -r lo2 hi2 <<< "$b2"
	while read -r s1 e1; do
		[ -n "$s1" ] || continue
		while read -r s2 e2; do
			[ -n "$s2" ] || continue
			# On the reference clock: node 1's interval lies within
			# [s1 + lo1, e1 + hi1], node 2's within [s2 + lo2, e2 + hi2].
			if [ "$e1" != "$FENCE_OPEN" ] &&
			   [ $((e1 + hi1)) -le $((s2 + lo2)) ]; then
				a_end=$((e1 + hi1)) b_start=$((s2 + lo2))
				gap=$(((b_start - a_end) / 1000000))
				echo "fence: node 1 held quorum until $e1, node 2 from $s2: at least $gap ms apart"
			elif [ "$e2" != "$FENCE_OPEN" ] &&
			     [ $((e2 + hi2)) -le $((s1 + lo1)) ]; then
				a_end=$((e2 + hi2)) b_start=$((s1 + lo1))
				gap=$(((b_start - a_end) / 1000000))
				echo "fence: node 2 held quorum until $e2, node 1 from $s1: at least $gap ms apart"
			else
				echo "fence: node 1 held quorum $s1..$e1 and node 2 $s2..$e2: may overlap (offset bounds $lo1..$hi1, $lo2..$hi2 ns)"
				bad=1
			fi
		done <<< "$i2"
	done <<< "$i1"
	return $bad
}
