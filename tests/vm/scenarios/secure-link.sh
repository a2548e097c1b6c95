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

cluster A B
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
