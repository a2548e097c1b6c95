# SPDX-License-Identifier: GPL-2.0-only
#
# Bad input from the peer side and from callers, each refused with a clear
# reason and nothing changed: a peer speaking another protocol version, a
# damaged hello (magic, header checksum, payload checksum), a write beyond
# the end of the volume, a second primary; netlink commands without
# CAP_NET_ADMIN; unknown volume names.  The peer is sm-wirepeer, which
# builds its messages by hand from the protocol document, on A's loopback.
# timeout: 900

. "$SM_VM/mirror.sh"

cluster A
uuid=6c7d8e9f-0a1b-4c2d-8e3f-405162738495
on A modprobe dm-syncmirror
mirror_volume A 0 $uuid
sectors=$(mirror_field A data_sectors)
before=$(mirror_data_hash A)

# peer_run EXPECT_STATE EXPECT_REASON [sm-wirepeer options]: A waits for a
# peer on loopback, sm-wirepeer plays it; prints what the kernel answered.
peer_run() {
	local state=$1 reason=$2 waiter answer
	shift 2
	waiter=$(on_bg A smctl connect vol0 --listen 127.0.0.1:7789 --timeout 60 \
		--transport-security none)
	answer=$(on A sm-wirepeer 127.0.0.1:7789 --uuid $uuid --sectors "$sectors" "$@")
	on_wait A "$waiter"
	assert_eq "$(mirror_wait_state A "$state" 15)" "$state ($reason)" "A facing a peer with $*"
	echo "$answer" | tr '\n' ' '
}

# Another protocol version: refused by name, ERROR VERSION (1) sent.
assert_eq "$(peer_run refused 'no common protocol version' --node-id 1 --version 4:5)" \
	"HELLO 2-3 ERROR 1 " "kernel's answer to protocol version 4..5"
on A "dmesg | grep -q 'syncmirror: vol0: peer node 1 refused: no common protocol version'" ||
	fail "version refusal not logged"

# Damaged hellos: ERROR PROTOCOL (5), the check's text in the log.
for bad in magic header-csum payload-csum; do
	assert_eq "$(peer_run lost 'the peer sent a malformed message' --node-id 1 --bad $bad)" \
		"HELLO 2-3 ERROR 5 " "kernel's answer to a hello with a bad $bad"
done
# A version 3 hello must be 128 bytes: sm-wirepeer's 80-byte one is not.
assert_eq "$(peer_run lost 'the peer sent a malformed message' --node-id 1 --version 3:3)" \
	"HELLO 2-3 ERROR 5 " "kernel's answer to an 80-byte hello claiming version 3"
on A "dmesg | grep -q 'syncmirror: vol0: bad hello from the peer: hello payload has the wrong size for its version'" ||
	fail "short version 3 hello not logged"
on A "dmesg | grep -q 'syncmirror: vol0: bad hello from the peer: bad magic'" ||
	fail "bad magic not logged"
on A "dmesg | grep -q 'syncmirror: vol0: bad hello from the peer: header checksum mismatch'" ||
	fail "header checksum mismatch not logged"
on A "dmesg | grep -q 'syncmirror: vol0: bad hello from the peer: payload checksum mismatch'" ||
	fail "payload checksum mismatch not logged"

# A peer that is primary while A is: refused at the hello.
on A smctl primary vol0
assert_eq "$(peer_run refused 'both nodes are primary' --node-id 1 --role primary)" \
	"HELLO 2-3 ERROR 7 " "kernel's answer to a second primary"
on A smctl secondary vol0

# A write beyond the end of the volume: the link ends, nothing written.
# (A's promotion without a peer gave it a generation of its own: the peer
# says it has that one, so the hellos agree.)
assert_eq "$(peer_run lost 'request beyond the end of the volume' --node-id 1 --role primary \
	--generation "$(mirror_field A current_uuid)" --bad write)" \
	"HELLO 2-3 TYPE 9 " "kernel's answer to a write beyond the end"
assert_eq "$(mirror_data_hash A)" "$before" "A's data after the refused peer write"

# No CAP_NET_ADMIN: nothing that changes state goes through.
nobody='setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all'
for cmd in "primary vol0" "secondary vol0" "disconnect vol0" \
	   "connect vol0 --listen 127.0.0.1:7791 --timeout 1 --transport-security none"; do
	out=$SM_RUNDIR/nobody.out
	if [ "${cmd%% *}" = connect ]; then
		# connect fails before the kernel is asked (nobody dials in),
		# so give it a socket: a listener that a root dialer reaches.
		waiter=$(on_bg A "$nobody smctl $cmd")
		on A "for i in \$(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/7791 && sleep 1) 2>/dev/null && break; sleep 0.2; done" || true
		on_wait A "$waiter" > "$out" 2>&1 && fail "unprivileged '$cmd' succeeded"
	elif on A "$nobody smctl $cmd" > "$out" 2>&1; then
		fail "unprivileged '$cmd' succeeded"
	fi
	grep -q "smctl: vol0: permission denied (CAP_NET_ADMIN is needed)" "$out" ||
		fail "unprivileged '$cmd' not explained: $(cat "$out")"
done
assert_eq "$(mirror_field A role)" secondary "role after the unprivileged attempts"
assert_eq "$(mirror_peer_state A)" "lost (request beyond the end of the volume)" "link after the unprivileged attempts"

# Unknown volumes are named.
for cmd in "primary nosuch" "secondary nosuch" "disconnect nosuch" "status nosuch"; do
	if on A smctl $cmd > "$SM_RUNDIR/nosuch.out" 2>&1; then
		fail "smctl $cmd succeeded"
	fi
	grep -q "smctl: nosuch: no syncmirror volume of that name" "$SM_RUNDIR/nosuch.out" ||
		fail "smctl $cmd: unknown volume not named: $(cat "$SM_RUNDIR/nosuch.out")"
done
waiter=$(on_bg A smctl connect nosuch --listen 127.0.0.1:7792 --timeout 30 \
	--transport-security none)
on A "for i in \$(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/7792 && sleep 1) 2>/dev/null && break; sleep 0.2; done" || true
if on_wait A "$waiter" > "$SM_RUNDIR/nosuch.out" 2>&1; then
	fail "smctl connect nosuch succeeded"
fi
grep -q "smctl: nosuch: no syncmirror volume of that name" "$SM_RUNDIR/nosuch.out" ||
	fail "connect to an unknown volume not explained: $(cat "$SM_RUNDIR/nosuch.out")"

# A rate the resync budget could not hold (2^63 bytes/s) is refused.
out=$(on A "smctl resync vol0 --max 9223372036854775808 2>&1; echo rc=\$?")
assert_eq "$out" "smctl: resync: \"9223372036854775808\" is not a rate of at most 1T (e.g. 100M, or unlimited)
rc=2" "a resync rate of 2^63 bytes/s"

on A dmsetup remove vol0
on A rmmod dm_syncmirror
