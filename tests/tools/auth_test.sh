#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Peer authentication v1 (tools/lib/auth.c), two endpoints over a
# socketpair on the host (build/tools/test/auth_test): the same secret is
# accepted by both; a different secret is rejected by both, each saying
# the peer failed and that the peer rejected us; another volume UUID, an
# unexpected node id, a bad magic and auth version 2 are refused with
# their message.  The answer is checked against openssl's HMAC-SHA256.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/auth_test
[ -x "$helper" ] || { echo "auth_test not built: run make tools"; exit 77; }
command -v openssl > /dev/null || { echo "openssl not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
uuid=7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; status=1; }

printf 'correct horse battery staple\n' > "$tmp/a"
printf 'correct horse battery stapler\n' > "$tmp/b"
chmod 600 "$tmp/a" "$tmp/b"

# expect WHAT WANT_RC WANT_OUTPUT COMMAND...
expect() {
	local what=$1 want_rc=$2 want=$3 out rc
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq "$want_rc" ] && [ "$out" = "$want" ]; then
		ok "$what"
	else
		bad "$what: exit $rc, got:"$'\n'"$out"$'\n'"want:"$'\n'"$want"
	fi
}

expect "same secret: both accept" 0 \
"B: accepted
A: accepted" "$helper" pair "$tmp/a" "$tmp/a"

expect "different secret: both reject, both say why" 1 \
"B: peer node 0 (socketpair) failed authentication: wrong secret
B: peer node 0 (socketpair) rejected our authentication: wrong secret?
A: peer node 1 (socketpair) failed authentication: wrong secret
A: peer node 1 (socketpair) rejected our authentication: wrong secret?" \
	"$helper" pair "$tmp/a" "$tmp/b"

expect "another volume UUID: both refuse" 1 \
"B: peer node 0 (socketpair) is of another volume (uuid $uuid, ours 00000000-1111-4222-8333-444444444444)
A: peer node 1 (socketpair) is of another volume (uuid 00000000-1111-4222-8333-444444444444, ours $uuid)" \
	"$helper" pair "$tmp/a" "$tmp/a" --uuid-b 00000000-1111-4222-8333-444444444444

expect "unexpected node id: refused, the other side sees the close" 1 \
"B: peer node 0 (socketpair) closed the connection after our hello (it refused us? see its log)
A: peer node 2 (socketpair) is not the configured peer (node 1)" \
	"$helper" pair "$tmp/a" "$tmp/a" --node-b 2

expect "bad magic refused" 0 \
"A: peer socketpair does not speak the syncmirror authentication protocol (bad magic)" \
	"$helper" raw "$tmp/a" SMP1 1 1 "$uuid"
expect "auth version 2 refused" 0 \
"A: peer socketpair speaks auth version 2, we speak 1" \
	"$helper" raw "$tmp/a" SMA1 2 1 "$uuid"
# The raw hello is right but no answer follows: the check must go on to
# the answer round (and time out), or the refusals above prove nothing.
expect "a good raw hello passes the hello checks" 1 \
"A: peer node 1 (socketpair) timed out during authentication" \
	"$helper" raw "$tmp/a" SMA1 1 1 "$uuid"

# Known answer: HMAC-SHA256(secret, label || other || own || BE32 id || uuid)
# by openssl, from the protocol text alone.
other=$(printf '%064x' 0 | tr 0 1)
own=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
hex() { printf '%b' "$(sed 's/../\\x&/g' <<< "$1")"; }
{
	printf 'syncmirror-auth-v1'
	hex "$other"
	hex "$own"
	hex 00000001
	hex "$(tr -d - <<< "$uuid")"
} > "$tmp/input"
[ "$(stat -c %s "$tmp/input")" -eq 102 ] || bad "known answer input is not 102 bytes"
want=$(openssl dgst -sha256 -mac HMAC -macopt key:"correct horse battery staple" \
	"$tmp/input" | sed 's/.*= //')
got=$("$helper" answer "$tmp/a" "$other" "$own" 1 "$uuid")
if [ -n "$want" ] && [ "$got" = "$want" ]; then
	ok "answer matches openssl HMAC-SHA256 ($got)"
else
	bad "answer: got '$got', openssl says '$want'"
fi

exit $status
