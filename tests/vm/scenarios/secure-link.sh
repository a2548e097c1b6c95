# SPDX-License-Identifier: GPL-2.0-only
#
# The peer link is encrypted, and a tap on the wire can tell:
#  1. smctl connect --secret on both nodes: challenge-response, then TLS
#     1.3 with a key derived from the secret, kernel TLS on the socket.
#     Status on both says tls, aes-128-gcm, data checksums off.  The
#     harness records every frame of the A-B link (QEMU filter-dump,
#     SM_CAPTURE) while fio writes a known pattern on the primary: the
#     capture grows by more than the data written, the pattern is not in
#     it, and B's copy equals A's.
#  2. The same with --transport-security none: status says none (data
#     checksums on), the kernel logs that the link is not encrypted, and
#     the pattern IS in the capture (so the check above can fail).
#  3. Refusals, nothing written: the kernel takes no plain socket from a
#     caller that did not ask for transport security none (as an older
#     smctl would hand it); a TLS node and a plain one do not link, and
#     both say why.
#  4. A man in the middle: node M relays the TCP stream from A to B
#     (sm-mitm) and flips one bit 3 MiB in while A writes 8 MiB of random
#     data.  The altered TLS record fails its authentication tag: B's
#     kernel ends the link ("a TLS record failed authentication"), no block
#     of B's copy holds anything but what A wrote or the old zeros (no
#     altered write reached the disk), and once A and B link again
#     directly the resync makes the copies equal.
# timeout: 600

. "$SM_VM/mirror.sh"

SM_CAPTURE=yes
MiB=1048576
uuid=2f4e6a8c-0b1d-4e3f-a5c7-e9f1a3b5c7d9
pattern=SMTAP-PATTERN-7f3a9c21
pattern_hex=0x$(printf '%s' "$pattern" | od -An -tx1 | tr -d ' \n')
capture=$(node_dir A)/link-B.pcap

# write_pattern OFFSET_MIB: 8 MiB of the pattern at OFFSET_MIB on A's vol0.
write_pattern() {
	on A fio --name=pattern --filename=/dev/mapper/vol0 --rw=write \
		--bs=256k --size=8M --offset=$(($1 * MiB)) --direct=1 \
		--ioengine=psync --buffer_pattern=$pattern_hex \
		--output=/dev/null
}

# pattern_count: how often the pattern's first 16 bytes are on the wire.
pattern_count() {
	{ grep -a -o -F "${pattern:0:16}" "$capture" || true; } | wc -l
}

cluster A B M
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid
mirror_volume B 1 $uuid
on A smctl primary vol0

# 1. TLS (the default of smctl connect --secret).
mirror_link A B
for node in A B; do
	mirror_json $node | grep -q '"transport_security":"tls","tls_cipher":"aes-128-gcm","data_checksum":"off"}' ||
		fail "$node's status does not show the TLS link: $(mirror_json $node)"
done
on A smctl status vol0 | grep -q '^    link: TLS 1.3 aes-128-gcm, data checksums off$' ||
	fail "smctl status does not show the TLS link: $(on A smctl status vol0)"
before=$(stat -c %s "$capture")
write_pattern 0
after=$(stat -c %s "$capture")
log "TLS: the capture grew by $((after - before)) bytes for 8 MiB written"
[ $((after - before)) -gt $((8 * MiB)) ] ||
	fail "the capture grew by $((after - before)) bytes only: the data did not go over the tapped link"
count=$(pattern_count)
assert_eq "$count" 0 "pattern occurrences on the TLS link"
must_fail on A "dmesg | grep -q 'is not encrypted'"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "B's copy after the TLS writes"

# 2. In clear, on request.
on A smctl disconnect vol0
on B smctl disconnect vol0
mirror_link A B 7790 --transport-security none
for node in A B; do
	mirror_json $node | grep -q '"transport_security":"none","data_checksum":"on"}' ||
		fail "$node's status does not show the plain link: $(mirror_json $node)"
done
on A smctl status vol0 | grep -q '^    link: NOT ENCRYPTED (transport security none), data checksums on$' ||
	fail "smctl status does not say the link is in clear: $(on A smctl status vol0)"
on A "dmesg | grep -q 'vol0: link to peer node 1 is not encrypted (transport security none)'" ||
	fail "A's kernel did not log the link in clear"
write_pattern 16
count=$(pattern_count)
log "transport security none: the pattern is $count times in the capture"
[ "$count" -gt 100 ] || fail "the pattern is only $count times on the plain link"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "B's copy after the plain writes"

# 3. Refusals.
on A smctl disconnect vol0
on B smctl disconnect vol0
replicated=$(mirror_field A replicated_writes)
# A plain socket handed over without transport security none.
waiter=$(on_bg B smctl connect vol0 --listen 0.0.0.0:7791 --timeout 30 \
	--transport-security none)
out=$(on A "sleep 1; sm-plainconnect vol0 B 7791 2>&1") &&
	fail "A's kernel took a plain socket: $out"
assert_eq "$out" "sm-plainconnect: vol0: the socket has no kernel TLS 1.3 in both directions (transport security none not asked for)" \
	"a plain socket without transport security none"
on_wait B "$waiter" > /dev/null 2>&1 || true
on B smctl disconnect vol0 2>/dev/null || true
# One socket, two volumes: the second is refused.
line=$(on A smctl create-md --data /dev/mapper/meta --node-id 0 --uuid $uuid --force --clean |
       sed -n 's/^table: //p')
on A "dmsetup create vol1 --table '$line'"
waiter=$(on_bg B smctl connect vol0 --listen 0.0.0.0:7796 --timeout 30 \
	--transport-security none)
out=$(on A "sleep 1; sm-plainconnect vol0 B 7796 --none --also vol1 2>&1") ||
	fail "one socket for two volumes: $out"
assert_eq "$out" "sm-plainconnect: vol1: the socket is another volume's link already" \
	"the same socket handed to a second volume"
on_wait B "$waiter" > /dev/null 2>&1 || true
on A "smctl disconnect vol0; dmsetup remove vol1" > /dev/null 2>&1 || true
on B smctl disconnect vol0 2>/dev/null || true
# A TLS node and a plain one.
waiter=$(on_bg B smctl connect vol0 --listen 0.0.0.0:7792 --timeout 30 \
	--transport-security none)
out=$(on A "sleep 1; $(mirror_connect_cmd vol0 --peer B:7792 --timeout 30) 2>&1") &&
	fail "a TLS node linked with a plain one: $out"
log "A (TLS) with B (none): $out"
case "$out" in
*"smctl: vol0: peer does not speak the syncmirror authentication protocol (bad magic)"*) ;;
*) fail "A does not say why it refused B: $out" ;;
esac
on_wait B "$waiter" > /dev/null 2>&1 || true
mirror_wait_json B 15 '"state":"lost","reason":"the peer sent a malformed message"' > /dev/null ||
	fail "B's kernel did not end the link with A: $(mirror_json B)"
log "B (none) with A (TLS): $(mirror_peer_state B)"
assert_eq "$(mirror_peer_state A)" "none (no peer link)" "A after the refusals"
assert_eq "$(mirror_field A replicated_writes)" "$replicated" "writes replicated during the refusals"

# 4. A man in the middle: A dials M, which relays to B.  In sync first,
# so that the bit M flips is in A's writes, not in a resync.
mirror_link A B 7795
mirror_wait_synced A 120 > /dev/null
on A smctl disconnect vol0
on B smctl disconnect vol0
mitm=$(on_bg M sm-mitm 7793 B 7793 --flip-at $((3 * MiB)))
waiter=$(on_bg B "$(mirror_connect_cmd vol0 --listen 0.0.0.0:7793 --timeout 60)")
on A "sleep 1; $(mirror_connect_cmd vol0 --peer M:7793 --timeout 60)"
on_wait B "$waiter"
mirror_wait_state A connected 20 > /dev/null
mirror_wait_state B connected 20 > /dev/null
mirror_json B | grep -q '"transport_security":"tls"' ||
	fail "B's link through M is not TLS: $(mirror_json B)"

on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=8 seek=32 oflag=direct status=none
json=$(mirror_wait_json B 30 '"state":"lost","reason":"a TLS record failed authentication (altered on the way?)"') ||
	fail "B did not end the altered link: $json"
log "A: $(mirror_peer_state A); B: $(mirror_peer_state B)"
log "M: $(on_wait M "$mitm" 2>&1 | tr '\n' ' ')"
on B "dmesg | grep -i 'syncmirror' | tail -n 3" || true

# Every 4 KiB block of B's copy in the written range is A's block or
# zeros (the fresh disk): nothing altered was written.
blocks=$(python3 - "$(node_dir A)/data.img" "$(node_dir B)/data.img" $((32 * MiB)) $((8 * MiB)) <<'PY'

import sys
a, b, start, length = open(sys.argv[1], "rb"), open(sys.argv[2], "rb"), int(sys.argv[3]), int(sys.argv[4])
a.seek(start)
b.seek(start)
zero = bytes(4096)
same = old = 0
for i in range(length // 4096):
    x, y = a.read(4096), b.read(4096)
    if y == x:
        same += 1
    elif y == zero:
        old += 1
    else:
        print(f"block {start // 4096 + i} of B is neither A's nor the old one")
        sys.exit(1)
print(f"B: {same} blocks as A wrote them, {old} not yet written, none altered")
PY
) || fail "B's copy holds altered data: $blocks"
log "$blocks"

# Directly again: the resync makes the copies equal.
mirror_link A B 7794
moved=$(mirror_wait_synced A 120)
log "resynced $moved bytes"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "B's copy after the resync"
