#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Heartbeat protocol v1 (tools/lib/hbproto.c) and the heartbeat links'
# authentication (tools/lib/hb-auth.h), on the host: the checks of
# build/tools/test/hbproto_test (encoding byte by byte, every receiver
# check, SMH1 accepted between members and refused against a peer-link
# endpoint), then the answer against openssl's HMAC-SHA256 over the
# design's 100-byte input with the label "syncmirror-hb-v1".
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/hbproto_test
[ -x "$helper" ] || { echo "hbproto_test not built: run make tools"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# The helper's checks, counted with ours in one closing line.
run_helper() {
	local out counts
	out=$("$@")
	[ $? -le 1 ] || bad "$1 did not run to its end"
	grep -v '^[0-9]* passed, [0-9]* failed$' <<< "$out"
	counts=$(tail -n 1 <<< "$out")
	if [[ $counts =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
		passed=$((passed + BASH_REMATCH[1]))
		failed=$((failed + BASH_REMATCH[2]))
	else
		bad "$1 printed no closing count"
	fi
}

run_helper "$helper"

if ! command -v openssl > /dev/null; then
	echo "openssl not installed: known answer skipped"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
fi
printf 'correct horse battery staple\n' > "$tmp/secret"
chmod 600 "$tmp/secret"
uuid=2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10
other=$(printf '%064x' 0 | tr 0 1)
own=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
hex() { printf '%b' "$(sed 's/../\\x&/g' <<< "$1")"; }
{
	printf 'syncmirror-hb-v1'
	hex "$other"
	hex "$own"
	hex 00000002
	hex "$(tr -d - <<< "$uuid")"
} > "$tmp/input"
if [ "$(stat -c %s "$tmp/input")" -eq 100 ]; then
	ok "the known answer's input is 100 bytes"
else
	bad "the known answer's input is not 100 bytes"
fi
want=$(openssl dgst -sha256 -mac HMAC -macopt key:"correct horse battery staple" \
	"$tmp/input" | sed 's/.*= //')
got=$("$helper" answer "$tmp/secret" "$other" "$own" 2 "$uuid")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "heartbeat answer matches openssl HMAC-SHA256 ($got)"
else
	bad "heartbeat answer: got '$got', openssl says '$want'"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
