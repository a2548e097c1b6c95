# SPDX-License-Identifier: GPL-2.0-only
#
# The peer link: a TCP connection made by smctl and handed to the kernel
# runs the wire protocol v1 hello and stays up on keepalive pings; a peer
# of another volume or size is refused with the reason on both sides; a
# crashed peer is declared lost within the ping timeout; disconnect and
# volume removal with a live link neither hang nor upset lockdep/KASAN.
# timeout: 900

. "$SM_VM/mirror.sh"

cluster A B
uuid=7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5

# volume NODE NODE_ID [create-md options]: fresh metadata and vol0 on NODE.
volume() {
	local node=$1 id=$2 line
	shift 2
	on "$node" "dmsetup remove vol0 2>/dev/null; true"
	line=$(on "$node" smctl create-md --clean --data /dev/mapper/data --node-id "$id" --force "$@" |
	       sed -n 's/^table: //p')
	on "$node" "dmsetup create vol0 --table '$line'"
}

# link [OPTIONS]: B waits for A, A dials B; both hand their socket to the
# kernel (over TLS unless OPTIONS say --transport-security none).
link() {
	local waiter
	waiter=$(on_bg B "$(mirror_connect_cmd vol0 --listen 10.0.0.2:7789 --timeout 60 "$@")")
	on A "$(mirror_connect_cmd vol0 --peer B:7789 --timeout 60 "$@")"
	on_wait B "$waiter"
}

for node in A B; do on $node modprobe dm-syncmirror; done
volume A 0 --uuid $uuid
volume B 1 --uuid $uuid
assert_eq "$(mirror_peer_state A)" "none (no peer link)" "A before connecting"

link
mirror_wait_state A connected 10 > /dev/null
mirror_wait_state B connected 10 > /dev/null
on A smctl -j status vol0 | grep -q '"peer":{"state":"connected","reason":"hello agreed","since":"[0-9T:Z-]*","peer_node_id":1,"peer_role":"secondary","ping_timeout_ms":5000,"transport_security":"tls","tls_cipher":"aes-128-gcm","data_checksum":"off"}' ||
	fail "A does not show node 1 as its peer"
on B smctl -j status vol0 | grep -q '"peer_node_id":0,' || fail "B does not show node 0 as its peer"

# Idle for longer than the ping timeout: pings keep the link up.
sleep 8
assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A after 8 idle seconds"

# A second link on a live one is refused by both kernels (B's first: A
# sees the TLS session closed before it hands the socket over).
waiter=$(on_bg B "$(mirror_connect_cmd vol0 --listen 10.0.0.2:7790 --timeout 60)")
if on A "$(mirror_connect_cmd vol0 --peer B:7790 --timeout 60)" > "$SM_RUNDIR/second.out" 2>&1; then
	fail "a second link was accepted"
fi
if on_wait B "$waiter" > "$SM_RUNDIR/second-b.out" 2>&1; then
	fail "B accepted a second link"
fi
grep -q "smctl: vol0: volume already has a peer link" "$SM_RUNDIR/second-b.out" ||
	fail "second link not explained on B: $(cat "$SM_RUNDIR/second-b.out")"
grep -q "smctl: vol0: volume already has a peer link\|peer node 1 refused: the peer closed the link after the TLS handshake" "$SM_RUNDIR/second.out" ||
	fail "second link not explained on A: $(cat "$SM_RUNDIR/second.out")"
assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A's first link after the refused second"

# Power cut on B: A declares it lost within the ping timeout (5 s) + slack.
crash B
start=$SECONDS
mirror_wait_state A lost 15 > "$SM_RUNDIR/lost"
log "A declared B lost after $((SECONDS - start)) s: $(cat "$SM_RUNDIR/lost")"
grep -q "lost (the peer stopped answering)" "$SM_RUNDIR/lost" || fail "lost for the wrong reason: $(cat "$SM_RUNDIR/lost")"

# B comes back as another volume: both kernels refuse, saying why.  (The
# challenge-response of --secret refuses it before the kernels see it, as
# tests/tools/auth_test.sh shows; in clear the kernels' own check runs.)
boot B
on B modprobe dm-syncmirror
volume B 1 --uuid 00000000-1111-4222-8333-444444444444
link --transport-security none
assert_eq "$(mirror_wait_state A refused 15)" "refused (the peer has another volume UUID)" "A facing another volume"
assert_eq "$(mirror_wait_state B refused 15)" "refused (the peer has another volume UUID)" "B facing another volume"

# Same volume, other data size.
volume B 1 --uuid $uuid --md-size 2097152
link
assert_eq "$(mirror_wait_state A refused 15)" "refused (the peer's data size differs)" "A facing another size"

# Same node id on both sides (in clear, as above).
volume B 0 --uuid $uuid
link --transport-security none
assert_eq "$(mirror_wait_state A refused 15)" "refused (the peer has the same node id)" "A facing its own node id"

# Connected again; an orderly disconnect on A is seen as a close on B.
volume B 1 --uuid $uuid
link
mirror_wait_state A connected 10 > /dev/null
on A smctl disconnect vol0
assert_eq "$(mirror_peer_state A)" "none (no peer link)" "A after disconnect"
assert_eq "$(mirror_wait_state B lost 15)" "lost (the peer disconnected)" "B after A disconnected"
if on A smctl disconnect vol0 > "$SM_RUNDIR/again.out" 2>&1; then
	fail "disconnect without a link succeeded"
fi
grep -q "smctl: vol0: volume has no peer link" "$SM_RUNDIR/again.out" ||
	fail "second disconnect not explained: $(cat "$SM_RUNDIR/again.out")"

# Removing a volume with a live link tears the link down.
volume B 1 --uuid $uuid
link
mirror_wait_state A connected 10 > /dev/null
on A dmsetup remove vol0
assert_eq "$(mirror_wait_state B lost 15)" "lost (the peer disconnected)" "B after A removed its volume"
on A rmmod dm_syncmirror
