#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The OCF resource agent (tools/ocf/syncmirror) against a stand-in smctl
# that keeps the volume's state in files, for what a VM cannot show yet:
# every action's exit code in every state the agent tells apart (stopped,
# secondary, primary, diskless primary, quorum have, lost and failing in
# both spellings a later smctl may use, no quorum key at all), promote
# waiting for quorum and undoing a promotion that does not get it in
# promote_timeout, start waiting for the peer link within the operation's
# timeout, the promotion scores handed to crm_master, validate-all's checks
# (parameters, configuration, auto-promote only when show-config prints
# it, the module), probes without binaries, and ocf-tester passing the
# agent.  Needs ocf-shellfuncs (resource-agents); skips without it.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
agent=$top/tools/ocf/syncmirror
export OCF_ROOT=/usr/lib/ocf
[ -f "$OCF_ROOT/lib/heartbeat/ocf-shellfuncs" ] ||
	{ echo "no $OCF_ROOT/lib/heartbeat/ocf-shellfuncs: install resource-agents"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fake=$tmp/state bin=$tmp/bin
mkdir -p "$fake" "$bin"
status=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; status=1; }

# The stand-in smctl: state in $fake (up, role, disk, peer, open, quorum,
# quorum_form, config, after_primary), every call appended to $fake/calls.
# Its status JSON is the real one's layout (tools/smctl/volume.c).
cat > "$bin/smctl" <<'EOF'
#!/bin/bash
f=$SM_FAKE
echo "$*" >> "$f/calls"
get() { cat "$f/$1" 2>/dev/null || echo "$2"; }
json=
[ "$1" = -j ] && { json=1; shift; }
cmd=$1 vol=$2
case $cmd in
status)
	[ -n "$json" ] && echo "[]"
	[ -e "$f/up" ] || { echo "smctl: $vol: no syncmirror volume of that name" >&2; exit 1; }
	quorum=
	case $(get quorum_form string):$(get quorum "") in
	*:) ;;
	string:*) quorum=",\"quorum\":\"$(get quorum)\"" ;;
	object:*) quorum=",\"quorum\":{\"state\":\"$(get quorum)\",\"term\":3}" ;;
	esac
	printf '[{"name":"%s","role":"%s","node_id":0,"volume_uuid":"3e5f7a9b-1c2d-4e3f-9a4b-5c6d7e8f9a0b","data_sectors":524288,"open_count":%s,"copies":"consistent","replicated_writes":0,"local_only_writes":0,"disk":"%s","peer_disk":"up-to-date","region_size":65536,"out_of_sync_bytes":0,"al_capacity_bytes":16777216,"current_uuid":"1122334455667788","bitmap_uuid":"0000000000000000","sync_state":"none","sync_paused":false,"sync_total_bytes":0,"sync_done_bytes":0,"sync_percent":100.0,"sync_rate":0,"sync_min_rate":4194304,"sync_max_rate":0,"sync_eta_s":0,"resynced_bytes":0,"resync_received_bytes":0,"verify_state":"idle","verify_total_bytes":0,"verify_done_bytes":0,"verify_mismatches":0%s,"peer":{"state":"%s","reason":"","peer_node_id":1,"peer_role":"%s","ping_timeout_ms":5000}}]\n' \
		"$vol" "$(get role secondary)" "$([ -e "$f/open" ] && echo 1 || echo 0)" \
		"$(get disk up-to-date)" "$quorum" "$(get peer connected)" "$(get peer_role secondary)" ;;
up)
	[ -e "$f/up" ] && { echo "smctl: $vol: /dev/mapper/$vol already exists (target syncmirror)" >&2; exit 1; }
	touch "$f/up"; echo secondary > "$f/role"
	echo "smctl: $vol: up as node 0, table: 0 524288 syncmirror /dev/mapper/meta /dev/mapper/data" ;;
down)
	[ -e "$f/up" ] || { echo "smctl: $vol: no such device-mapper device" >&2; exit 1; }
	[ -e "$f/open" ] && { echo "smctl: $vol: in use (open 1 time); close it first" >&2; exit 1; }
	rm -f "$f/up"; echo "smctl: $vol: down" ;;
primary)
	[ -e "$f/up" ] || { echo "smctl: $vol: no syncmirror volume of that name" >&2; exit 1; }
	echo primary > "$f/role"
	# after_primary: "QUORUM [SECONDS NEXT]": quorum now, NEXT later.
	if [ -f "$f/after_primary" ]; then
		read -r now delay next < "$f/after_primary"
		echo "$now" > "$f/quorum"
		[ -z "${delay:-}" ] || { sleep "$delay"; echo "$next" > "$f/quorum"; } &
	fi ;;
secondary)
	[ -e "$f/up" ] || { echo "smctl: $vol: no syncmirror volume of that name" >&2; exit 1; }
	[ -e "$f/open" ] && { echo "smctl: $vol: volume is open; close it before demoting" >&2; exit 1; }
	echo secondary > "$f/role" ;;
show-config)
	[ -f "$f/config" ] || { echo "smctl: $vol: no such volume is configured (no $4/$vol.conf)" >&2; exit 1; }
	cat "$f/config" ;;
*)
	echo "fake smctl: $cmd not faked" >&2; exit 2 ;;
esac
EOF
# syncmirrord "runs" while $fake/daemon exists; the module is installed
# (and loads) unless $fake/nomodule exists; crm_master records its
# arguments.
cat > "$bin/pidof" <<'EOF'
#!/bin/sh
[ "$1" = syncmirrord ] && [ -e "$SM_FAKE/daemon" ] && echo 4242
EOF
cat > "$bin/modinfo" <<'EOF'
#!/bin/sh
[ ! -e "$SM_FAKE/nomodule" ]
EOF
cp "$bin/modinfo" "$bin/modprobe"
cat > "$bin/crm_master" <<'EOF'
#!/bin/sh
echo "$*" >> "$SM_FAKE/scores"
EOF
printf '#!/bin/sh\nexit 0\n' > "$bin/udevadm"
chmod 755 "$bin"/*

export SM_FAKE=$fake PATH=$bin:$PATH HA_SBIN_DIR=$bin
export OCF_RESOURCE_INSTANCE=vm0 OCF_RESKEY_volume=vol0
export OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000

config() {
	local last=${1:-"# ping-timeout: the kernel's default"}
	cat > "$fake/config" <<EOC
# /etc/syncmirror/vol0.conf
volume vol0
node-id 0
data /dev/mapper/data
meta /dev/mapper/meta
secret-file /etc/syncmirror/vol0.secret   # 27 bytes
address 10.0.0.1:7789
peer 1 10.0.0.2:7789
$last
EOC
}

reset() {
	rm -rf "$fake"
	mkdir -p "$fake"
	config
}

# expect WANT ACTION [VAR=VALUE...]: the agent's exit status; its output
# in $out.
expect() {
	local want=$1 action=$2 rc
	shift 2
	out=$(env "$@" "$agent" "$action" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$action${*:+ ($*)}: $rc"
	else
		bad "$action${*:+ ($*)}: exit $rc, want $want; output: $out"
	fi
}

# says TEXT: the last action's output contains TEXT.
says() {
	case $out in
	*"$1"*) ok "says '$1'" ;;
	*) bad "output does not say '$1': $out" ;;
	esac
}

# score WANT: the last promotion score given to crm_master.
score() {
	local got
	got=$(tail -n 1 "$fake/scores" 2>/dev/null)
	[ "$got" = "$1" ] && ok "score '$1'" || bad "score '$got', want '$1'"
}

# The agent's own interface.
reset
expect 0 meta-data
if command -v xmllint > /dev/null; then
	if (cd /usr/share/resource-agents && "$agent" meta-data | xmllint --noout --valid -); then
		ok "meta-data is valid against ra-api-1.dtd"
	else
		bad "meta-data is not valid against ra-api-1.dtd"
	fi
fi
expect 0 usage
expect 3 reload
expect 3 migrate_to

# validate-all: parameters (6), the node's configuration (2), the module (5).
expect 6 validate-all OCF_RESKEY_volume=
says "ocf-exit-reason:the volume parameter is not set"
expect 6 validate-all OCF_RESKEY_volume=../vol0
expect 6 validate-all OCF_RESKEY_promote_timeout=soon
expect 6 validate-all OCF_RESKEY_config_dir=etc/syncmirror
expect 0 validate-all
grep -q '^show-config vol0 --config-dir /etc/syncmirror$' "$fake/calls" &&
	ok "show-config with the default config_dir" || bad "show-config call: $(cat "$fake/calls")"
expect 0 validate-all OCF_RESKEY_config_dir=/srv/sm
grep -q '^show-config vol0 --config-dir /srv/sm$' "$fake/calls" &&
	ok "show-config with config_dir" || bad "show-config call: $(tail -n 1 "$fake/calls")"
rm "$fake/config"
expect 2 validate-all
says "ocf-exit-reason:smctl: vol0: no such volume is configured"
config "auto-promote yes"
expect 2 validate-all
says 'auto-promote is "yes"'
config "auto-promote no   # the cluster manager decides"
expect 0 validate-all
config
touch "$fake/nomodule"
expect 5 validate-all
rm "$fake/nomodule"

# Probes and stop with nothing installed, as ocf-tester checks them.
expect 7 monitor OCF_TESTER_FAIL_HAVE_BINARY=1 OCF_RESKEY_CRM_meta_interval=0
expect 7 monitor PATH=/usr/bin:/bin OCF_RESKEY_CRM_meta_interval=0
expect 0 stop PATH=/usr/bin:/bin
expect 5 monitor PATH=/usr/bin:/bin

# Stopped.
expect 7 monitor
expect 7 monitor OCF_RESKEY_CRM_meta_interval=0
expect 0 stop
score "-l reboot -D"
expect 7 demote
expect 1 promote
says "cannot promote a volume that is not started"

# start: smctl up with the configuration directory, a connected
# up-to-date secondary scores 10000.
touch "$fake/daemon"
expect 0 start
grep -q '^up vol0 --config-dir /etc/syncmirror$' "$fake/calls" &&
	ok "smctl up with --config-dir" || bad "smctl up call: $(cat "$fake/calls")"
score "-l reboot -v 10000"
expect 0 monitor
expect 0 start
expect 0 notify OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=promote

# A start whose peer never answers waits, but not past the operation's
# timeout (7 s, so 2 s), and scores the copy 1000.
rm "$fake/up"
echo none > "$fake/peer"
began=$SECONDS
expect 0 start OCF_RESKEY_CRM_meta_timeout=7000
took=$((SECONDS - began))
[ $took -ge 2 ] && [ $took -le 5 ] && ok "start waited $took s for the link" ||
	bad "start took $took s with the peer silent, want 2 to 5"
score "-l reboot -v 1000"
echo connected > "$fake/peer"
expect 0 monitor
score "-l reboot -v 10000"

# Disk states: inconsistent gets no score, outdated a low one.
echo inconsistent > "$fake/disk"
expect 0 monitor
score "-l reboot -D"
echo outdated > "$fake/disk"
expect 0 monitor
score "-l reboot -v 5"
echo up-to-date > "$fake/disk"

# promote, demote; without a quorum key quorum is off.
expect 0 promote
[ "$(cat "$fake/role")" = primary ] && ok "primary after promote" || bad "role after promote: $(cat "$fake/role")"
expect 8 monitor
expect 0 promote
expect 0 demote
expect 0 monitor
expect 0 demote

# Quorum, as a string and as an object.
for form in string object; do
	echo "$form" > "$fake/quorum_form"
	echo primary > "$fake/role"
	for state in none have; do
		echo "$state" > "$fake/quorum"
		expect 8 monitor
	done
	for state in lost failing; do
		echo "$state" > "$fake/quorum"
		expect 9 monitor
		says "primary without quorum ($state)"
	done
	echo secondary > "$fake/role"
	echo lost > "$fake/quorum"
	expect 0 monitor
done
rm "$fake/quorum_form"

# promote waits for quorum have...
echo "lost 1 have" > "$fake/after_primary"
began=$SECONDS
expect 0 promote
took=$((SECONDS - began))
[ $took -ge 1 ] && ok "promote waited $took s for quorum" || bad "promote did not wait for quorum"
expect 8 monitor
expect 0 demote
# ...and undoes a promotion that does not get it in promote_timeout.
echo "lost" > "$fake/after_primary"
began=$SECONDS
expect 1 promote OCF_RESKEY_promote_timeout=2
took=$((SECONDS - began))
says "promoted, but quorum is still lost"
[ "$(cat "$fake/role")" = secondary ] && ok "demoted again" || bad "role after a promotion without quorum: $(cat "$fake/role")"
[ $took -ge 2 ] && [ $took -le 5 ] && ok "gave up after $took s" || bad "promote gave up after $took s, want 2 to 5"
rm -f "$fake/after_primary" "$fake/quorum"

# A diskless primary is a failed one, with no score.
expect 0 promote
echo diskless > "$fake/disk"
expect 9 monitor
says "primary without its local disk (diskless)"
score "-l reboot -D"
echo up-to-date > "$fake/disk"

# Open: demote and stop fail and say why; the volume stays primary.
touch "$fake/open"
expect 1 demote
says "ocf-exit-reason:smctl: vol0: volume is open; close it before demoting"
expect 1 stop
expect 8 monitor
rm "$fake/open"
expect 0 stop
grep -q '^secondary vol0$' "$fake/calls" && ok "stop demoted first" || bad "stop did not demote"
score "-l reboot -D"
expect 7 monitor
expect 0 stop

# ocf-tester, against the stand-in.
if command -v ocf-tester > /dev/null && command -v xmllint > /dev/null; then
	reset
	touch "$fake/daemon"
	out=$(ocf-tester -n vm0 -o volume=vol0 "$agent" 2>&1)
	if [ "$(printf '%s\n' "$out" | tail -n 1)" = "$agent passed all tests" ]; then
		ok "ocf-tester: $agent passed all tests"
	else
		bad "ocf-tester: $out"
	fi
else
	echo "ocf-tester or xmllint missing: not run"
fi

[ $status -eq 0 ] && echo "all checks passed"
exit $status
