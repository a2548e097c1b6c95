# SPDX-License-Identifier: GPL-2.0-only
#
# Certificates on the peer link, with syncmirrord (transport-security
# x509, no secret): a CA made on the harness signs node-a.example and
# node-b.example.
#  1. The right certificates: the agents link over TLS 1.3 and say so.
#  2. Refused on both sides, each saying why, the link never up, nothing
#     of A's writes reaching B: B's certificate expired; B's from another
#     CA; A's from another CA (B refuses it after A's handshake is done:
#     A hears the alert before it hands the socket over); B's for another
#     name; B not speaking TLS at all (transport-security none).
#  3. The right certificates again: the link comes back and the resync
#     makes B's copy equal to A's.
# timeout: 600

. "$SM_VM/mirror.sh"

cluster A B
uuid=3a5c7e9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d
secret='correct horse battery staple'
MiB=1048576

# The certificates, made on the harness, handed to both nodes (/host/tls).
tls=$SM_RUNDIR/tls
mkdir -p "$tls"
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$tls/$1.key" 2> /dev/null; }
ca() {
	newkey "$1"
	openssl req -x509 -key "$tls/$1.key" -out "$tls/$1.pem" -subj "/CN=$1" -days 30 2> /dev/null
}
# cert NAME CA DNS DAYS
cert() {
	newkey "$1"
	openssl req -new -key "$tls/$1.key" -out "$tls/$1.csr" -subj "/CN=$3" 2> /dev/null
	openssl x509 -req -in "$tls/$1.csr" -CA "$tls/$2.pem" -CAkey "$tls/$2.key" \
		-CAcreateserial -out "$tls/$1.pem" -days "$4" \
		-extfile <(printf 'subjectAltName=DNS:%s\n' "$3") 2> /dev/null ||
		fail "cannot make certificate $1"
}
ca ca
ca rogue-ca
cert a ca node-a.example 30
cert b ca node-b.example 30
cert b-expired ca node-b.example 0
cert b-rogue rogue-ca node-b.example 30
cert a-rogue rogue-ca node-a.example 30
cert b-misnamed ca node-c.example 30
for node in A B; do
	mkdir -p "$(node_dir $node)/share/tls"
	cp "$tls"/*.pem "$tls"/*.key "$(node_dir $node)/share/tls/"
done

# use_cert NODE NAME: NODE presents NAME's certificate from its next
# connection on (the agent reads the files at each connection).
use_cert() {
	on "$1" "cp /host/tls/$2.pem /etc/syncmirror/tls/node.pem &&
		cp /host/tls/$2.key /etc/syncmirror/tls/node.key &&
		chmod 600 /etc/syncmirror/tls/node.key"
}

# setup NODE NODE_ID ADDRESS PEER_ID PEER_ADDRESS CERT PEER_NAME
setup() {
	on "$1" modprobe dm-syncmirror
	mirror_config "$1" "$2" "$3" "$4" "$5" "$uuid" "$secret"
	on "$1" "mkdir -p /etc/syncmirror/tls &&
		cp /host/tls/ca.pem /etc/syncmirror/tls/ca.pem &&
		sed -i '/^secret-file/d' /etc/syncmirror/vol0.conf &&
		printf '%s\n' 'transport-security x509' \
			'tls-ca-file /etc/syncmirror/tls/ca.pem' \
			'tls-cert-file /etc/syncmirror/tls/node.pem' \
			'tls-key-file /etc/syncmirror/tls/node.key' \
			'tls-peer-name $7' >> /etc/syncmirror/vol0.conf"
	use_cert "$1" "$6"
	on "$1" "syslogd -O /tmp/messages && syncmirrord"
}

# refused CASE A_PATTERN B_PATTERN: after a relink, both agents log the
# refusal; no link comes up.
refused() {
	local case=$1
	on A "kill -HUP \$(pidof syncmirrord)"
	wait_logged A "vol0: peer 10\\.0\\.0\\.2:7789 refused: $2" 30
	wait_logged B "vol0: peer 10\\.0\\.0\\.1:[0-9]+ refused: $3" 10
	assert_eq "$(mirror_peer_state A)" "none (no peer link)" "A's link with $case"
	state=$(mirror_peer_state B)
	[ "${state%% *}" != connected ] || fail "B connected with $case"
	log "$case: refused on both sides"
	on A "echo > /tmp/messages" > /dev/null
	on B "echo > /tmp/messages" > /dev/null
}

setup A 0 10.0.0.1:7789 1 10.0.0.2:7789 a node-b.example
setup B 1 10.0.0.2:7789 0 10.0.0.1:7789 b node-a.example
on B smctl up vol0
on A smctl up vol0
mirror_wait_state A connected 30 > /dev/null
mirror_wait_state B connected 30 > /dev/null
logged A 'vol0: link to peer 10\.0\.0\.2:7789 handed over to the kernel \(TLS: TLSv1\.3, TLS_AES_128_GCM_SHA256, x509\)'
logged B 'vol0: link to peer 10\.0\.0\.1:[0-9]+ handed over to the kernel \(TLS: TLSv1\.3, TLS_AES_128_GCM_SHA256, x509\)'
for node in A B; do
	mirror_json $node | grep -q '"transport_security":"tls","tls_cipher":"aes-128-gcm","data_checksum":"off"}' ||
		fail "$node's status does not show the TLS link: $(mirror_json $node)"
done
on A smctl primary vol0
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=4 oflag=direct status=none

# 2. Refusals.  B's copy must not change while they go on.
use_cert B b-expired
on A smctl disconnect vol0
on B smctl disconnect vol0 2> /dev/null || true
on A "echo > /tmp/messages" > /dev/null
on B "echo > /tmp/messages" > /dev/null
b_before=$(mirror_data_hash B)
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=4 seek=8 oflag=direct status=none
refused "B's certificate expired" \
	"TLS handshake failed: the peer.s certificate: certificate has expired" \
	"TLS handshake failed: sslv3 alert certificate expired"
use_cert B b-rogue
refused "B's certificate from another CA" \
	"TLS handshake failed: the peer.s certificate: unable to get local issuer certificate" \
	"TLS handshake failed: tlsv1 alert unknown ca"
# Each change goes from one bad pair to another: the agents keep trying.
use_cert A a-rogue
use_cert B b
refused "A's certificate from another CA" \
	'the peer refused the TLS session: alert "unknown CA"' \
	"TLS handshake failed: the peer.s certificate: unable to get local issuer certificate"
use_cert B b-misnamed
use_cert A a
refused "B's certificate for node-c.example" \
	"TLS handshake failed: the peer.s certificate: hostname mismatch" \
	"TLS handshake failed: sslv3 alert bad certificate"
# B without TLS: challenge-response with the secret, then a plain link.
on B "printf '%s\n' '$secret' > /etc/syncmirror/vol0.secret &&
	chmod 600 /etc/syncmirror/vol0.secret &&
	sed -i '/^transport-security/d; /^tls-/d' /etc/syncmirror/vol0.conf &&
	printf '%s\n' 'secret-file /etc/syncmirror/vol0.secret' \
		'transport-security none' >> /etc/syncmirror/vol0.conf &&
	kill -HUP \$(pidof syncmirrord)"
wait_logged B 'SIGHUP: reloading /etc/syncmirror' 10
on A "kill -HUP \$(pidof syncmirrord)"
wait_logged A 'vol0: peer 10\.0\.0\.2:7789 refused: TLS handshake failed' 30
wait_logged B 'vol0: peer 10\.0\.0\.1:[0-9]+ does not speak the syncmirror authentication protocol \(bad magic\)' 10
assert_eq "$(mirror_peer_state A)" "none (no peer link)" "A's link with B in clear"
log "B without TLS: $(on A "grep 'refused: TLS' /tmp/messages | tail -n 1")"
assert_eq "$(mirror_data_hash B)" "$b_before" "B's copy after the refusals"

# 3. B back on its certificate: linked, resynced, equal.
use_cert B b
on B "sed -i '/^secret-file/d; /^transport-security/d' /etc/syncmirror/vol0.conf &&
	printf '%s\n' 'transport-security x509' \
		'tls-ca-file /etc/syncmirror/tls/ca.pem' \
		'tls-cert-file /etc/syncmirror/tls/node.pem' \
		'tls-key-file /etc/syncmirror/tls/node.key' \
		'tls-peer-name node-a.example' >> /etc/syncmirror/vol0.conf &&
	kill -HUP \$(pidof syncmirrord)"
on A "kill -HUP \$(pidof syncmirrord)"
mirror_wait_state A connected 30 > /dev/null
moved=$(mirror_wait_synced A 120)
log "resynced $moved bytes after the refusals"
[ "$moved" -ge $((4 * MiB)) ] || fail "only $moved bytes resynced; 4 MiB were written without B"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "B's copy after the resync"
