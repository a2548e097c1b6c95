#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Volume configuration files (tools/lib/config.c) through smctl
# show-config: a valid file is read back as written; each kind of bad line
# is refused with "<file>:<line>: <cause>"; a missing key, a volume name
# that is not the file's, and a secret file that group or others can
# access, that is too short or missing are refused with their own message.
# The split-brain keys: a policy name, an absolute hook path that must be
# an executable file, a hook timeout in range; their defaults are shown.
# The quorum keys likewise, with defaults that follow cluster.conf (on
# with a witness, else off), and the cluster file shown after the volume.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
smctl=$top/build/tools/bin/smctl
[ -x "$smctl" ] || { echo "smctl not built: run make tools"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
conf=$tmp/vol0.conf

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; status=1; }

printf 'correct horse battery staple\n' > "$tmp/vol0.secret"
chmod 600 "$tmp/vol0.secret"
printf '#!/bin/sh\nexit 0\n' > "$tmp/sb-hook"
chmod 755 "$tmp/sb-hook"

# write_conf [sed expression]: the valid file, edited.
write_conf() {
	sed "${1:-}" > "$conf" <<EOC
# test volume
volume vol0
node-id 0
data /dev/mapper/data
meta /dev/mapper/meta        # or: meta internal
secret-file $tmp/vol0.secret
address 10.0.0.1:7789        # where this node listens
peer 1 10.0.0.2:7789         # peer node-id and address
ping-timeout 5               # seconds
after-split-brain discard-least-changes
split-brain-hook $tmp/sb-hook
hook-timeout 60              # seconds
EOC
}

# refused SED WANT: the edited file is refused with exactly "smctl: WANT".
refused() {
	local out rc
	write_conf "$1"
	out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
	rc=$?
	if [ $rc -eq 1 ] && [ "$out" = "smctl: $2" ]; then
		ok "'$1' refused: $2"
	else
		bad "'$1': exit $rc, got '$out', want 'smctl: $2'"
	fi
}

write_conf
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
if [ $? -eq 0 ] && grep -qx "peer 1 10.0.0.2:7789" <<< "$out" &&
   grep -qx "meta /dev/mapper/meta" <<< "$out" &&
   grep -qx "ping-timeout 5" <<< "$out" &&
   grep -qx "after-split-brain discard-least-changes" <<< "$out" &&
   grep -qx "split-brain-hook $tmp/sb-hook" <<< "$out" &&
   grep -qx "hook-timeout 60" <<< "$out" &&
   grep -q "^secret-file $tmp/vol0.secret .*# 28 bytes$" <<< "$out"; then
	ok "valid file read back"
else
	bad "valid file: $out"
fi
out=$(SYNCMIRROR_CONFIG_DIR=$tmp "$smctl" -j show-config vol0 2>&1)
if grep -q '"volume":"vol0","node_id":0,' <<< "$out" &&
   grep -q '"peer":{"node_id":1,"address":"10.0.0.2:7789"},"ping_timeout":5,"after_split_brain":"discard-least-changes","split_brain_hook":"'"$tmp"'/sb-hook","hook_timeout":60,' <<< "$out" &&
   ! grep -q "horse" <<< "$out"; then
	ok "JSON via SYNCMIRROR_CONFIG_DIR, secret not shown"
else
	bad "JSON: $out"
fi

refused 's/^data /dta /' "$conf:4: unknown key \"dta\""
refused 's/^node-id 0/node-id 32/' "$conf:3: node-id \"32\" is not in 0..31"
refused 's/^node-id 0/node-id -1/' "$conf:3: node-id \"-1\" is not in 0..31"
refused 's/^node-id 0/node-id 0x1/' "$conf:3: node-id \"0x1\" is not in 0..31"
refused 's|^data .*|data mapper/data|' "$conf:4: data \"mapper/data\" is not an absolute path"
refused 's|^data .*|data /dev/a /dev/b|' "$conf:4: too many values: key \"data\" takes DEVICE"
refused 's|^meta .*|meta|' "$conf:5: missing value: key \"meta\" takes DEVICE|internal"
refused 's|^address .*|address 10.0.0.1|' "$conf:7: address \"10.0.0.1\" is not HOST:PORT"
refused 's|^address .*|address 10.0.0.1:0|' "$conf:7: port \"0\" of address \"10.0.0.1:0\" is not in 1..65535"
refused 's|^address .*|address 10.0.0.1:http|' "$conf:7: port \"http\" of address \"10.0.0.1:http\" is not in 1..65535"
refused 's|^address .*|address fe80::1:7789|' "$conf:7: address \"fe80::1:7789\" is not HOST:PORT"
refused 's|^peer .*|peer 1|' "$conf:8: missing value: key \"peer\" takes NODE-ID HOST:PORT"
refused 's|^peer .*|peer 0 10.0.0.2:7789|' "$conf:8: peer node-id 0 is this node's own node-id"
refused 's|^peer .*|peer 40 10.0.0.2:7789|' "$conf:8: peer node-id \"40\" is not in 0..31"
refused 's|^peer .*|peer 1 10.0.0.2|' "$conf:8: peer address \"10.0.0.2\" is not HOST:PORT"
refused 's|^ping-timeout .*|ping-timeout 0|' "$conf:9: ping-timeout \"0\" is not in 1..60 seconds"
refused 's|^ping-timeout .*|ping-timeout 61|' "$conf:9: ping-timeout \"61\" is not in 1..60 seconds"
refused 's|^volume .*|volume vol1|' "$conf:2: volume \"vol1\" does not match the file name (vol0.conf)"
refused 's|^ping-timeout .*|data /dev/mapper/other|' "$conf:9: duplicate key \"data\" (first on line 4)"
refused 's|^after-split-brain .*|after-split-brain discard-older-primary|' "$conf:10: after-split-brain \"discard-older-primary\" is not disconnect, discard-zero-changes, discard-least-changes or discard-younger-primary"
refused 's|^after-split-brain .*|after-split-brain|' "$conf:10: missing value: key \"after-split-brain\" takes POLICY"
refused 's|^split-brain-hook .*|split-brain-hook hooks/sb|' "$conf:11: split-brain-hook \"hooks/sb\" is not an absolute path"
refused 's|^hook-timeout .*|hook-timeout 0|' "$conf:12: hook-timeout \"0\" is not in 1..3600 seconds"
refused 's|^hook-timeout .*|hook-timeout 3601|' "$conf:12: hook-timeout \"3601\" is not in 1..3600 seconds"
refused 's|^hook-timeout .*|hook-timeout 5m|' "$conf:12: hook-timeout \"5m\" is not in 1..3600 seconds"
refused 's|^hook-timeout .*|after-split-brain disconnect|' "$conf:12: duplicate key \"after-split-brain\" (first on line 10)"
# The hook must be something the agent can run.
refused "s|^split-brain-hook .*|split-brain-hook $tmp/nosuch|" "vol0: split-brain-hook $tmp/nosuch: No such file or directory"
refused "s|^split-brain-hook .*|split-brain-hook $tmp|" "vol0: split-brain-hook $tmp: not a regular file"
refused "s|^split-brain-hook .*|split-brain-hook $tmp/vol0.secret|" "vol0: split-brain-hook $tmp/vol0.secret: not executable"
refused '/^secret-file/d' "$conf: missing key \"secret-file\" (secret-file PATH)"
refused '/^peer/d' "$conf: missing key \"peer\" (peer NODE-ID HOST:PORT)"

# Only root may have written what the agent trusts (as ssh checks): the
# configuration, the secret, a hook, and the directories above them.
write_conf
chmod 0664 "$conf"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
[ "$out" = "smctl: $conf is writable by group or others (mode 0664): chmod go-w it" ] &&
	ok "a group-writable configuration is refused" || bad "group-writable configuration: $out"
chmod 0644 "$conf"
chown 65534 "$tmp/vol0.secret"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
[ "$out" = "smctl: vol0: $tmp/vol0.secret is owned by uid 65534, not root: chown root it" ] &&
	ok "a secret owned by another user is refused" || bad "secret of uid 65534: $out"
chown 0 "$tmp/vol0.secret"
chmod 0777 "$tmp/sb-hook"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
[ "$out" = "smctl: vol0: split-brain-hook $tmp/sb-hook is writable by group or others (mode 0777): chmod go-w it" ] &&
	ok "a world-writable hook is refused" || bad "world-writable hook: $out"
chmod 0755 "$tmp/sb-hook"
mkdir -m 0777 "$tmp/open"
cp -p "$tmp/sb-hook" "$tmp/open/sb-hook"
write_conf "s|^split-brain-hook .*|split-brain-hook $tmp/open/sb-hook|"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
[ "$out" = "smctl: vol0: split-brain-hook $tmp/open/sb-hook: $tmp/open (a directory above it) is writable by group or others (mode 0777): chmod go-w it" ] &&
	ok "a hook in a world-writable directory is refused" || bad "hook in an open directory: $out"
rm -rf "$tmp/open"

# Transport security: psk by default, x509 with its four keys (and no
# secret needed), none on request; a TLS key without x509 is a mistake.
refused 's|^hook-timeout .*|transport-security tls|' "$conf:12: transport-security \"tls\" is not psk, x509 or none"
refused 's|^hook-timeout .*|data-checksum maybe|' "$conf:12: data-checksum \"maybe\" is not auto, on or off"
refused "s|^hook-timeout .*|tls-ca-file $tmp/ca.pem|" "$conf:12: tls-ca-file is only used with transport-security x509"
refused 's|^hook-timeout .*|transport-security x509|' "$conf: transport-security x509 needs \"tls-ca-file PATH\""
refused "s|^hook-timeout .*|transport-security x509\\ntls-ca-file $tmp/ca.pem\\ntls-cert-file $tmp/a.pem\\ntls-key-file $tmp/a.key|" \
	"$conf: transport-security x509 needs \"tls-peer-name NAME\""
write_conf "/^secret-file/d; s|^hook-timeout .*|transport-security x509\\ntls-ca-file $tmp/ca.pem\\ntls-cert-file $tmp/a.pem\\ntls-key-file $tmp/a.key\\ntls-peer-name node-b.example\\ndata-checksum on|"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
if [ $? -eq 0 ] && grep -qx "transport-security x509   # TLS 1.3, certificates" <<< "$out" &&
   grep -qx "tls-peer-name node-b.example" <<< "$out" &&
   grep -qx "data-checksum on" <<< "$out" && ! grep -q "^secret-file" <<< "$out"; then
	ok "transport-security x509 without a secret"
else
	bad "transport-security x509: $out"
fi
out=$("$smctl" -j show-config vol0 --config-dir "$tmp" 2>&1)
grep -q '"transport_security":"x509","tls_ca_file":"'"$tmp"'/ca.pem","tls_cert_file":"'"$tmp"'/a.pem","tls_key_file":"'"$tmp"'/a.key","tls_peer_name":"node-b.example","data_checksum":"on",' <<< "$out" &&
	ok "JSON of transport-security x509" || bad "JSON of x509: $out"
write_conf 's|^hook-timeout .*|transport-security none|'
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
grep -qx "transport-security none   # NOT ENCRYPTED" <<< "$out" &&
	ok "transport-security none" || bad "transport-security none: $out"

# Things that are fine: internal metadata, no ping-timeout, [v6]:port,
# no split-brain keys (their defaults are shown).
write_conf 's|^meta .*|meta internal|; /^ping-timeout/d; s|^address .*|address [fe80::1]:7789|; /^after-split-brain/d; /^split-brain-hook/d; /^hook-timeout/d'
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
if [ $? -eq 0 ] && grep -qx "meta internal" <<< "$out" &&
   grep -qx "address \[fe80::1\]:7789" <<< "$out" &&
   grep -qx "# ping-timeout: the kernel's default" <<< "$out" &&
   grep -qx "after-split-brain disconnect" <<< "$out" &&
   grep -qx "# split-brain-hook: none" <<< "$out" &&
   grep -qx "hook-timeout 300" <<< "$out"; then
	ok "internal metadata, default ping timeout, IPv6 address, split-brain defaults"
else
	bad "internal/default/IPv6: $out"
fi
out=$("$smctl" -j show-config vol0 --config-dir "$tmp" 2>&1)
grep -q '"ping_timeout":null,"after_split_brain":"disconnect","split_brain_hook":null,"hook_timeout":300,' <<< "$out" &&
	ok "JSON defaults of the split-brain keys" || bad "JSON defaults: $out"
# Every policy name is accepted and shown as written.
for policy in disconnect discard-zero-changes discard-least-changes discard-younger-primary; do
	write_conf "s|^after-split-brain .*|after-split-brain $policy|"
	out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
	grep -qx "after-split-brain $policy" <<< "$out" &&
		ok "after-split-brain $policy" || bad "after-split-brain $policy: $out"
done

# Quorum and failover keys: defaults without a cluster file.
write_conf
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
if grep -qx "quorum off   # default" <<< "$out" &&
   grep -qx "on-quorum-loss suspend" <<< "$out" &&
   grep -qx "auto-promote no   # default" <<< "$out" &&
   grep -qx "# fence-hook: none" <<< "$out" &&
   grep -qx "fence-timeout 5" <<< "$out" &&
   grep -qx "# promote-hook: none" <<< "$out" &&
   grep -qx "# deposed-hook: none" <<< "$out" &&
   grep -qx "# no cluster.conf: quorum off, auto-promote no by default" <<< "$out"; then
	ok "quorum key defaults without a cluster file"
else
	bad "quorum defaults: $out"
fi
out=$("$smctl" -j show-config vol0 --config-dir "$tmp" 2>&1)
grep -q '"quorum":false,"on_quorum_loss":"suspend","auto_promote":false,"fence_hook":null,"fence_timeout":5,"promote_hook":null,"deposed_hook":null,"transport_security":"psk","data_checksum":"auto","cluster":null}$' <<< "$out" &&
	ok "JSON quorum defaults" || bad "JSON quorum defaults: $out"
# Set explicitly, read back.
write_conf "\$a quorum on\non-quorum-loss error\nauto-promote yes\nfence-hook $tmp/sb-hook\nfence-timeout 60\npromote-hook $tmp/sb-hook\ndeposed-hook $tmp/sb-hook"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
if grep -qx "quorum on" <<< "$out" && grep -qx "on-quorum-loss error" <<< "$out" &&
   grep -qx "auto-promote yes" <<< "$out" && grep -qx "fence-hook $tmp/sb-hook" <<< "$out" &&
   grep -qx "fence-timeout 60" <<< "$out" && grep -qx "promote-hook $tmp/sb-hook" <<< "$out" &&
   grep -qx "deposed-hook $tmp/sb-hook" <<< "$out"; then
	ok "quorum keys read back"
else
	bad "quorum keys: $out"
fi
out=$("$smctl" -j show-config vol0 --config-dir "$tmp" 2>&1)
grep -q '"quorum":true,"on_quorum_loss":"error","auto_promote":true,"fence_hook":"'"$tmp"'/sb-hook","fence_timeout":60,' <<< "$out" &&
	ok "JSON quorum keys" || bad "JSON quorum keys: $out"
refused '$a quorum yes' "$conf:13: quorum \"yes\" is not on or off"
refused '$a auto-promote on' "$conf:13: auto-promote \"on\" is not yes or no"
refused '$a on-quorum-loss hold' "$conf:13: on-quorum-loss \"hold\" is not suspend or error"
refused '$a fence-timeout 0' "$conf:13: fence-timeout \"0\" is not in 1..60 seconds"
refused '$a fence-timeout 61' "$conf:13: fence-timeout \"61\" is not in 1..60 seconds"
refused '$a fence-hook fence' "$conf:13: fence-hook \"fence\" is not an absolute path"
refused '$a promote-hook x' "$conf:13: promote-hook \"x\" is not an absolute path"
refused '$a deposed-hook x' "$conf:13: deposed-hook \"x\" is not an absolute path"
refused "\$a fence-hook $tmp/nosuch" "vol0: fence-hook $tmp/nosuch: No such file or directory"
refused "\$a deposed-hook $tmp/vol0.secret" "vol0: deposed-hook $tmp/vol0.secret: not executable"
# With a witness in cluster.conf, quorum and auto-promote default to on.
printf 'cluster-secret-for-the-test\n' > "$tmp/cluster.secret"
chmod 600 "$tmp/cluster.secret"
cat > "$tmp/cluster.conf" <<EOC
cluster-uuid 2f0c6a1e-8d3b-4c55-9a61-0b7e4d2c9f10
secret-file $tmp/cluster.secret
member 0 10.0.0.1:7800
member 1 10.0.0.2:7800
witness 2 10.0.0.3:7800
EOC
write_conf
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
if grep -qx "quorum on   # default" <<< "$out" && grep -qx "auto-promote yes   # default" <<< "$out" &&
   grep -qx "# $tmp/cluster.conf" <<< "$out" && grep -qx "witness 2 10.0.0.3:7800" <<< "$out" &&
   grep -qx "loss-timeout 4000" <<< "$out"; then
	ok "defaults with a witness; the cluster file shown"
else
	bad "with a witness: $out"
fi
out=$("$smctl" -j show-config vol0 --config-dir "$tmp" 2>&1)
grep -q '"quorum":true,.*"auto_promote":true,.*"cluster":{"file":"'"$tmp"'/cluster.conf",.*"members":\[{"id":0,"witness":false,"address":"10.0.0.1:7800"},.*"loss_timeout":4000}}$' <<< "$out" &&
	ok "JSON cluster file" || bad "JSON cluster: $out"
write_conf 's/^node-id 0/node-id 2/; s/^peer 1/peer 0/'
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
[ $? -eq 1 ] && grep -q "witness" <<< "$out" && ok "a volume on the witness's id refused: $out" ||
	bad "volume on the witness id: $out"
out=$("$smctl" show-config cluster --config-dir "$tmp" 2>&1)
[ $? -eq 1 ] && [ "$out" = "smctl: $tmp/cluster.conf: is the cluster file, not a volume" ] &&
	ok "cluster.conf is no volume" || bad "show-config cluster: $out"
rm -f "$tmp/cluster.conf"

# No such volume.
out=$("$smctl" show-config nosuch --config-dir "$tmp" 2>&1)
[ $? -eq 1 ] && [ "$out" = "smctl: nosuch: no such volume is configured (no $tmp/nosuch.conf)" ] &&
	ok "unknown volume" || bad "unknown volume: $out"

# secret_refused MODE CONTENT WANT
secret_refused() {
	local out
	write_conf
	printf '%s' "$2" > "$tmp/vol0.secret"
	chmod "$1" "$tmp/vol0.secret"
	out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
	if [ $? -eq 1 ] && [ "$out" = "smctl: vol0: $tmp/vol0.secret: $3" ]; then
		ok "secret refused: $3"
	else
		bad "secret mode $1: got '$out', want 'smctl: vol0: $tmp/vol0.secret: $3'"
	fi
}
long='correct horse battery staple'
secret_refused 640 "$long" "secret file is accessible by group or others (mode 0640); chmod 600 it"
secret_refused 604 "$long" "secret file is accessible by group or others (mode 0604); chmod 600 it"
secret_refused 620 "$long" "secret file is accessible by group or others (mode 0620); chmod 600 it"
secret_refused 600 $'fifteen bytes!!\n' "secret is 15 bytes, at least 16 are needed"
rm -f "$tmp/vol0.secret"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
[ "$out" = "smctl: vol0: $tmp/vol0.secret: No such file or directory" ] &&
	ok "missing secret file" || bad "missing secret file: $out"
# Exactly 16 bytes plus a newline is enough.
printf 'sixteen bytes!!!\n' > "$tmp/vol0.secret"
chmod 400 "$tmp/vol0.secret"
out=$("$smctl" show-config vol0 --config-dir "$tmp" 2>&1)
grep -q "# 16 bytes$" <<< "$out" && ok "16-byte secret, newline stripped" ||
	bad "16-byte secret: $out"

# smctl up refuses the same broken files before touching device-mapper.
write_conf 's/^data /dta /'
out=$("$smctl" up vol0 --config-dir "$tmp" 2>&1)
[ $? -eq 1 ] && [ "$out" = "smctl: $conf:4: unknown key \"dta\"" ] &&
	ok "smctl up refuses a bad file" || bad "smctl up on a bad file: $out"
out=$("$smctl" up nosuch --config-dir "$tmp" 2>&1)
[ $? -eq 1 ] && [ "$out" = "smctl: nosuch: no such volume is configured (no $tmp/nosuch.conf)" ] &&
	ok "smctl up nosuch" || bad "smctl up nosuch: $out"

exit $status
