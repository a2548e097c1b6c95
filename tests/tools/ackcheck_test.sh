#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# ackcheck catches what it exists to catch, on an image file: a clean run
# verifies; a lost acknowledged write (block zeroed, or rolled back to an
# older generation) fails naming the block; a generation that was issued
# but never acknowledged is accepted; one that was never issued is not.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
ackcheck=$top/build/tools/bin/ackcheck
[ -x "$ackcheck" ] || { echo "ackcheck not built: run make tools"; exit 77; }
# O_DIRECT needs a real filesystem, not tmpfs.
tmp=$(mktemp -d "$top/build/ackcheck-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
status=0
dev=$tmp/dev.img

check() {
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; status=1; fi
}
verify() { "$ackcheck" verify --device "$dev" --log "$1" > "$tmp/out" 2>&1; }

truncate -s 16M "$dev"
"$ackcheck" write --device "$dev" --blocks 4096 --ops 3000 --qd 16 > "$tmp/log1"
check "write run 1 succeeds" [ $? -eq 0 ]
check "every write issued and acknowledged" \
	[ "$(grep -c ^ISSUE "$tmp/log1")" -eq 3000 -a "$(grep -c ^ACK "$tmp/log1")" -eq 3000 ]
verify "$tmp/log1"
check "a clean run verifies" [ $? -eq 0 ]
cp "$dev" "$tmp/after1.img"

"$ackcheck" write --device "$dev" --blocks 4096 --ops 3000 --qd 16 > "$tmp/log2"
cat "$tmp/log1" "$tmp/log2" > "$tmp/log"
verify "$tmp/log"
check "two runs verify against their joined log" [ $? -eq 0 ]

# A block written in both runs, rolled back to run 1's generation.
blk=$(awk '$1 == "ACK" { print $2 }' "$tmp/log1" | sort -u > "$tmp/b1";
      awk '$1 == "ACK" { print $2 }' "$tmp/log2" | sort -u | comm -12 - "$tmp/b1" | head -n 1)
cp "$dev" "$tmp/good.img"
dd if="$tmp/after1.img" of="$dev" bs=4096 skip="$blk" seek="$blk" count=1 conv=notrunc 2>/dev/null
verify "$tmp/log"
check "a block rolled back to an older acknowledged write fails" [ $? -eq 1 ]
check "  ... naming block $blk" grep -q "FAIL block $blk: .*older than its last acknowledged write" "$tmp/out"

# A zeroed acknowledged block.
cp "$tmp/good.img" "$dev"
dd if=/dev/zero of="$dev" bs=4096 seek="$blk" count=1 conv=notrunc 2>/dev/null
verify "$tmp/log"
check "a zeroed acknowledged block fails" [ $? -eq 1 ]
check "  ... naming block $blk" grep -q "FAIL block $blk: .*no valid stamp, but a write was acknowledged" "$tmp/out"

# The crash case the checker must allow: the last write of a block was
# issued, reached the disk, but its ACK never made it into the log.
cp "$tmp/good.img" "$dev"
# A block written at least twice, and its final generation.
read -r lblk last < <(awk '$1 == "ACK" { n[$2]++; g[$2] = $3 }
	END { for (b in n) if (n[b] > 1) { print b, g[b]; exit } }' "$tmp/log")
grep -v "^ACK $lblk $last\$" "$tmp/log" > "$tmp/log-noack"
verify "$tmp/log-noack"
check "an issued but unacknowledged generation on disk is accepted" [ $? -eq 0 ]

# A generation the log never issued for that block is not.
grep -v " $lblk $last\$" "$tmp/log" > "$tmp/log-noissue"
verify "$tmp/log-noissue"
check "a generation never issued fails" [ $? -eq 1 ]
check "  ... naming block $lblk" grep -q "FAIL block $lblk: .*a generation never issued for it" "$tmp/out"

# A log cut in the middle of its last line (the writer lost power while
# writing it): the torn line is not an entry.
cp "$tmp/log" "$tmp/log-torn"
printf 'ACK %s 17' "$lblk" >> "$tmp/log-torn"
verify "$tmp/log-torn"
check "a torn last line is ignored" [ $? -eq 0 ]

"$ackcheck" frobnicate > "$tmp/out" 2>&1
check "unknown command: exit 2" [ $? -eq 2 ]
# --first: the writes stay in [first, first + blocks), and verify (which
# reads the blocks the log names) checks them there.
truncate -s 16M "$tmp/first.img"
"$ackcheck" write --device "$tmp/first.img" --first 1000 --blocks 100 --ops 500 --qd 8 > "$tmp/logf"
check "write with --first succeeds" [ $? -eq 0 ]
check "every block written is in [1000, 1100)" \
	[ "$(awk '$2 < 1000 || $2 >= 1100' "$tmp/logf" | wc -l)" -eq 0 -a "$(grep -c ^ACK "$tmp/logf")" -eq 500 ]
check "verify of the --first run passes" \
	"$ackcheck" verify --device "$tmp/first.img" --log "$tmp/logf"
check "blocks before --first are untouched" \
	[ "$(head -c $((1000 * 4096)) "$tmp/first.img" | tr -d '\0' | wc -c)" -eq 0 ]
"$ackcheck" write --device "$tmp/first.img" --first 4090 --blocks 10 --ops 1 > /dev/null 2>&1
check "a range past the end is refused" [ $? -eq 1 ]

exit $status
