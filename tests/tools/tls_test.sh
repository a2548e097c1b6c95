#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# TLS 1.3 of the peer link (tools/lib/tls.c), both endpoints over a
# socketpair on the host (build/tools/test/tls_test).  A socketpair takes
# no kernel TLS, so a handshake that went through ends in "kernel TLS:
# cannot set the tls ULP" on both sides; the VM scenario secure-link runs
# the real thing.  Checked here:
#  - the PSK against HKDF-SHA256 computed from the protocol text alone;
#  - the same secret: handshake done; another secret: both refuse;
#  - certificates: the right ones go through; a certificate of another CA,
#    an expired one and one for another name are refused by the side that
#    checks it, with OpenSSL's reason, and the other side hears the alert.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/tls_test
[ -x "$helper" ] || { echo "tls_test not built: run make tools"; exit 77; }
command -v openssl > /dev/null || { echo "openssl not installed"; exit 77; }
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; status=1; }

# expect WHAT WANT_OUTPUT COMMAND...
expect() {
	local what=$1 want=$2 out
	shift 2
	out=$("$@" 2>&1)
	if [ "$out" = "$want" ]; then
		ok "$what"
	else
		bad "$what: got:"$'\n'"$out"$'\n'"want:"$'\n'"$want"
	fi
}

printf 'correct horse battery staple\n' > "$tmp/a"
printf 'correct horse battery stapler\n' > "$tmp/b"
chmod 600 "$tmp/a" "$tmp/b"

want=$(python3 - <<'PY'
import hashlib, hmac
ikm = b"correct horse battery staple"
salt = b"\x01" * 32 + b"\x02" * 32
info = b"syncmirror-tls-psk-v1" + b"\x03" * 16
prk = hmac.new(salt, ikm, hashlib.sha256).digest()
print(hmac.new(prk, info + b"\x01", hashlib.sha256).hexdigest())
PY
)
expect "PSK is HKDF-SHA256(secret, challenges, label || uuid)" "$want" \
	"$helper" derive "$tmp/a"

done_line="kernel TLS: cannot set the tls ULP: Operation not supported (is the tls module available?)"
expect "same secret: handshake done on both sides" \
"server: $done_line
client: $done_line" "$helper" psk "$tmp/a" "$tmp/a"
expect "another secret: both refuse" \
"server: TLS handshake failed (does the peer derive the same key, from the same secret?): binder does not verify
client: TLS handshake failed (does the peer derive the same key, from the same secret?): sslv3 alert illegal parameter" \
	"$helper" psk "$tmp/a" "$tmp/b"

# Certificates: CA 1 signs node-a, node-b, an expired node-b and a node-c;
# CA 2 signs another node-b.
cd "$tmp" || exit 1
newkey() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2> /dev/null; }
ca() {
	newkey "$1.key"
	openssl req -x509 -key "$1.key" -out "$1.pem" -subj "/CN=$1" -days 30 2> /dev/null
}
# cert NAME CA DNS DAYS
cert() {
	newkey "$1.key"
	openssl req -new -key "$1.key" -out "$1.csr" -subj "/CN=$3" 2> /dev/null
	openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" \
		-CAcreateserial -out "$1.pem" -days "$4" \
		-extfile <(printf 'subjectAltName=DNS:%s\n' "$3") 2> /dev/null
}
ca ca1
ca ca2
cert a ca1 node-a.example 30
cert b ca1 node-b.example 30
cert b-expired ca1 node-b.example 0
cert b-other-ca ca2 node-b.example 30
cert c ca1 node-c.example 30
sleep 1	# b-expired's notAfter is now

server() { echo "$tmp/ca1.pem" "$tmp/$1.pem" "$tmp/$1.key" "$2"; }
client() { echo "$tmp/ca1.pem" "$tmp/$1.pem" "$tmp/$1.key" "$2"; }
# shellcheck disable=SC2046
expect "x509: the right certificates" \
"server: $done_line
client: $done_line" \
	"$helper" x509 $(server b node-a.example) $(client a node-b.example)
# shellcheck disable=SC2046
expect "x509: the server's certificate of another CA" \
"server: TLS handshake failed: tlsv1 alert unknown ca
client: TLS handshake failed: the peer's certificate: unable to get local issuer certificate" \
	"$helper" x509 $(server b-other-ca node-a.example) $(client a node-b.example)
# shellcheck disable=SC2046
expect "x509: the server's certificate expired" \
"server: TLS handshake failed: sslv3 alert certificate expired
client: TLS handshake failed: the peer's certificate: certificate has expired" \
	"$helper" x509 $(server b-expired node-a.example) $(client a node-b.example)
# shellcheck disable=SC2046
expect "x509: the server's certificate names another node" \
"server: TLS handshake failed: sslv3 alert bad certificate
client: TLS handshake failed: the peer's certificate: hostname mismatch" \
	"$helper" x509 $(server c node-a.example) $(client a node-b.example)
# shellcheck disable=SC2046
expect "x509: the client's certificate of another CA" \
"server: TLS handshake failed: the peer's certificate: unable to get local issuer certificate
client: $done_line" \
	"$helper" x509 $(server b node-b.example) $(client b-other-ca node-b.example)
# An impostor on the path, without the secret, answering the PSK client's
# handshake with a certificate of its own: refused by the client.
expect "a PSK client refuses a server that shows a certificate instead" \
"server: TLS handshake failed: tlsv1 alert unknown ca
client: TLS handshake failed: the peer showed a certificate instead of using our PSK (it does not hold the secret?)" \
	"$helper" psk-client "$tmp/a" "$tmp/ca1.pem" "$tmp/b.pem" "$tmp/b.key" node-a.example
expect "x509: a missing key file" \
"server: tls-key-file $tmp/nosuch.key: No such file or directory" \
	"$helper" x509 "$tmp/ca1.pem" "$tmp/b.pem" "$tmp/nosuch.key" node-a.example \
	"$tmp/ca1.pem" "$tmp/a.pem" "$tmp/a.key" node-b.example
exit $status
