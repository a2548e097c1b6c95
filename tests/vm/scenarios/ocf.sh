# SPDX-License-Identifier: GPL-2.0-only
#
# The OCF resource agent (tools/ocf/syncmirror) on A of a two-node cluster
# whose volume vol0 syncmirrord links (configuration files, as daemon.sh),
# with B up and secondary throughout:
#  1. ocf-tester (resource-agents) passes it: meta-data valid against the
#     OCF DTD and readable by nobody, validate-all, probes, start, stop,
#     promote and demote, each also when already done.  Its promotions
#     are real ones, with B connected.  notify is only called with the
#     variables ocf-tester sets, never in a real clone transition (there
#     is no Pacemaker here).
#  2. Each action by hand has its OCF exit code: validate-all 6 without
#     the volume parameter and 2 without a configuration file; monitor 7
#     stopped, 0 secondary, 8 primary, 9 primary on a failed disk; start,
#     promote, demote and stop 0, also when repeated; demote and stop 1
#     while the device is open, which stays primary.
#  3. The promotion scores it gives crm_master (a stand-in that records
#     them): 10000 for an up-to-date secondary connected to its peer,
#     1000 once the peer is gone, none after stop or once the disk failed.
# Skipped when the image has no ocf-tester (no resource-agents on the host).
# timeout: 900

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=256M
cluster A B
uuid=3e5f7a9b-1c2d-4e3f-9a4b-5c6d7e8f9a0b
secret='ocf scenario shared secret'
agent=/usr/lib/ocf/resource.d/syncmirror/syncmirror

if ! on A "command -v ocf-tester && command -v xmllint && [ -x $agent ]" > /dev/null; then
	log "SKIP: no ocf-tester or xmllint in the VM image (install resource-agents and libxml2-utils, then make vm-images)"
	exit 77
fi

# setup NODE NODE_ID ADDRESS PEER_ID PEER_ADDRESS: metadata, configuration
# and secret, syslogd and syncmirrord.
setup() {
	on "$1" modprobe dm-syncmirror
	mirror_config "$@" "$uuid" "$secret"
	on "$1" "syslogd -O /tmp/messages && syncmirrord"
}

setup A 0 10.0.0.1:7789 1 10.0.0.2:7789
setup B 1 10.0.0.2:7789 0 10.0.0.1:7789
on B smctl up vol0

# 1. ocf-tester.
if ! on -t 600 A "ocf-tester -v -n vm0 -o volume=vol0 $agent" > "$SM_RUNDIR/ocf-tester.out"; then
	tail -n 30 "$SM_RUNDIR/ocf-tester.out" >&2
	fail "ocf-tester failed (output in $SM_RUNDIR/ocf-tester.out)"
fi
grep '^\* ' "$SM_RUNDIR/ocf-tester.out" >&2 || true
assert_eq "$(tail -n 1 "$SM_RUNDIR/ocf-tester.out")" "$agent passed all tests" "ocf-tester's verdict"
if on A "dmsetup info vol0" > /dev/null 2>&1; then
	fail "vol0 is still up on A after ocf-tester"
fi

# 2. and 3. Each action by hand, as Pacemaker runs it (a recurring monitor
# unless the variables say otherwise), with a crm_master that records the
# scores it is given; ocf-shellfuncs calls it from /usr/sbin.
on A "printf '%s\n' '#!/bin/sh' 'echo \"\$*\" >> /tmp/crm_master.log' > /usr/sbin/crm_master &&
	chmod 755 /usr/sbin/crm_master"
RA_ENV="OCF_ROOT=/usr/lib/ocf OCF_RESOURCE_INSTANCE=vm0 OCF_RESKEY_CRM_meta_interval=10000 OCF_RESKEY_CRM_meta_timeout=20000"

# ra_rc ACTION [ENV...]: run the agent's ACTION on A with volume=vol0 (an
# ENV of OCF_RESKEY_volume=... replaces it); its output goes to the log,
# its exit status to stdout.
ra_rc() {
	local action=$1 out
	shift
	out=$(on A "env $RA_ENV OCF_RESKEY_volume=vol0 $* $agent $action 2>&1; echo rc=\$?")
	printf '%s\n' "$out" | sed '$d' | sed "s/^/    $action: /" >&2
	printf '%s\n' "${out##*rc=}"
}

# ra ACTION WANT [ENV...]
ra() {
	local action=$1 want=$2 got
	shift 2
	got=$(ra_rc "$action" "$@")
	log "agent $action${*:+ ($*)}: exit $got"
	assert_eq "$got" "$want" "exit status of the agent's $action${*:+ with $*}"
}

# last_score: the last promotion score A's agent gave crm_master.
last_score() {
	on A "tail -n 1 /tmp/crm_master.log 2>/dev/null || true"
}

# wait_peer_gone SECONDS: until A's link is anything but connected.
wait_peer_gone() {
	local deadline=$((SECONDS + $1)) state
	while state=$(mirror_peer_state A) && [ "${state%% *}" = connected ]; do
		[ $SECONDS -lt $deadline ] || fail "A still connected $1 s after B went down"
		sleep 0.5
	done
}

# Without the volume parameter the agent is misconfigured everywhere (6);
# without the node's configuration file, on this node (2).
out=$(on A "env $RA_ENV $agent validate-all 2>&1; echo rc=\$?")
assert_eq "${out##*rc=}" 6 "exit status of validate-all without the volume parameter"
case $out in
*"ocf-exit-reason:the volume parameter is not set"*) ;;
*) fail "validate-all without volume does not say why: $out" ;;
esac
ra validate-all 2 OCF_RESKEY_volume=nosuch
ra validate-all 0

ra monitor 7
ra monitor 7 OCF_RESKEY_CRM_meta_interval=0
ra stop 0
ra start 0
assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A's link once start returned"
assert_eq "$(mirror_field A role)" secondary "A's role after start"
assert_eq "$(last_score)" "-l reboot -v 10000" "score of a connected, up-to-date secondary"
ra monitor 0
ra start 0

# The peer goes away: an up-to-date secondary that cannot see it scores
# lower; it comes back: current again.
on B smctl down vol0 > /dev/null
wait_peer_gone 30
ra monitor 0
assert_eq "$(last_score)" "-l reboot -v 1000" "score of an up-to-date secondary without its peer"
on B smctl up vol0 > /dev/null
mirror_wait_state A connected 60 > /dev/null
ra monitor 0
assert_eq "$(last_score)" "-l reboot -v 10000" "score once the peer is back"

ra promote 0
mirror_json A > "$SM_RUNDIR/status-primary.json"
assert_eq "$(mirror_field A role)" primary "A's role after promote"
ra monitor 8
ra promote 0
ra notify 0 OCF_RESKEY_CRM_meta_notify_type=post OCF_RESKEY_CRM_meta_notify_operation=promote

# Open, the device stays primary: demote and stop fail and say why.
on A "sleep 600 < /dev/mapper/vol0 > /dev/null 2>&1 & echo \$! > /tmp/holder.pid"
out=$(on A "env $RA_ENV OCF_RESKEY_volume=vol0 $agent stop 2>&1; echo rc=\$?")
assert_eq "${out##*rc=}" 1 "exit status of stop while vol0 is open"
case $out in
*"ocf-exit-reason:smctl: vol0: volume is open; close it before demoting"*) ;;
*) fail "stop of an open volume does not say why: $out" ;;
esac
ra demote 1
ra monitor 8
# (The killed holder stays a zombie: /init reaps nothing.  Wait for the
# device to be closed instead.)
on A 'kill $(cat /tmp/holder.pid)'
on A "for i in \$(seq 100); do
	smctl -j status vol0 | grep -q '\"open_count\":0,' && exit 0; sleep 0.1
done; exit 1" || fail "vol0 still open after its holder was killed"

ra demote 0
assert_eq "$(mirror_field A role)" secondary "A's role after demote"
ra monitor 0
ra demote 0
ra stop 0
assert_eq "$(last_score)" "-l reboot -D" "score after stop"
must_fail on A dmsetup info vol0 > /dev/null 2>&1
ra monitor 7
ra stop 0

# A primary whose disk failed (a write detached it, B serves the I/O) is
# a failed primary, and its copy is no candidate.
ra start 0
ra promote 0
disk_fail A
on A "dd if=/dev/zero of=/dev/mapper/vol0 bs=4k count=1 oflag=direct status=none"
assert_eq "$(mirror_field A disk)" diskless "A's disk after a failed write"
ra monitor 9
assert_eq "$(last_score)" "-l reboot -D" "score of a diskless primary"
