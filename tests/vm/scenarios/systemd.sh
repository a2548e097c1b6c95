# SPDX-License-Identifier: GPL-2.0-only
#
# The systemd units as an operator uses them, on two nodes whose PID 1 is
# systemd (tests/vm/init, sm.systemd=1), on Debian's stock kernel (the
# debug kernel has no cgroups, which systemd needs): `systemctl start syncmirrord
# syncmirror@vol0` on both brings vol0 up and linked; syncmirrord runs in
# its sandbox under SCHED_RR priority 10 with its memory locked and only
# CAP_NET_ADMIN in its bounding set, and logs no failure to get either;
# killed, it is restarted and the kernel's link survives; `systemctl
# reload` re-reads its configuration (SIGHUP); `systemctl stop
# syncmirror@vol0` takes the volume down (smctl down) and `start` brings it
# back, resynced from the primary; the data areas hash equal.
# Skipped when the image has no systemd.
# timeout: 900

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=256M
SM_SYSTEMD=yes
cluster --kernel stock A B
uuid=4f6a8b0c-2d3e-4f5a-8b6c-7d8e9f0a1b2c
secret='systemd scenario shared secret'

if ! on A "[ \$(cat /proc/1/comm) = systemd ]" > /dev/null; then
	log "SKIP: PID 1 is not systemd in the VM image (install systemd, then make vm-images)"
	exit 77
fi

# setup NODE NODE_ID ADDRESS PEER_ID PEER_ADDRESS: metadata, configuration,
# secret and syslogd; then the units, as an operator would.
setup() {
	local state deadline=$((SECONDS + 60))
	# /init reports ready before it hands PID 1 over.
	until on "$1" "test -d /run/systemd/system" > /dev/null 2>&1; do
		[ $SECONDS -lt $deadline ] || fail "$1: systemd did not start in 60 s"
		sleep 0.5
	done
	state=$(on "$1" "systemctl is-system-running --wait" || true)
	log "$1: systemd says the system is $state"
	# Services see a private /dev (PrivateDevices=) with /dev/log pointing
	# to journald's socket, where a real system has journald (or a syslog
	# daemon behind it): put busybox syslogd's socket there.
	on "$1" "syslogd -O /tmp/messages && mkdir -p /run/systemd/journal &&
		touch /run/systemd/journal/dev-log &&
		mount --bind /dev/log /run/systemd/journal/dev-log &&
		modprobe dm-syncmirror"
	mirror_config "$@" "$uuid" "$secret"
	on "$1" "systemctl start syncmirrord.service syncmirror@vol0.service" ||
		fail "$1: systemctl start failed: $(on "$1" 'systemctl status --no-pager syncmirrord syncmirror@vol0' 2>&1 | tail -n 20)"
	assert_eq "$(on "$1" 'systemctl is-active syncmirrord.service syncmirror@vol0.service' | tr '\n' ' ')" \
		"active active " "$1: the units' state"
	on "$1" "test -b /dev/mapper/vol0" || fail "$1: /dev/mapper/vol0 is not a block device after syncmirror@vol0 started"
	deadline=$((SECONDS + 20))
	until on "$1" "grep -q 'syncmirrord.*: started, configuration in /etc/syncmirror' /tmp/messages"; do
		[ $SECONDS -lt $deadline ] || fail "$1: syncmirrord's log does not reach syslog"
		sleep 0.5
	done
}

setup A 0 10.0.0.1:7789 1 10.0.0.2:7789
setup B 1 10.0.0.2:7789 0 10.0.0.1:7789
mirror_wait_state A connected 60 > /dev/null
mirror_wait_state B connected 60 > /dev/null

# The agent's sandbox, as systemd made it.
for node in A B; do
	pid=$(on $node "systemctl show -p MainPID --value syncmirrord.service")
	# /proc/PID/stat: rt_priority and policy (2: SCHED_RR), fields 40, 41.
	sched=$(on $node "awk '{ print \$40, \$41 }' /proc/$pid/stat")
	assert_eq "$sched" "10 2" "$node: syncmirrord's real-time priority and policy (SCHED_RR)"
	locked=$(on $node "sed -n 's/^VmLck:[[:space:]]*//p' /proc/$pid/status")
	[ "${locked%% *}" -gt 0 ] || fail "$node: syncmirrord's memory is not locked (VmLck $locked)"
	capbnd=$(on $node "sed -n 's/^CapBnd:[[:space:]]*//p' /proc/$pid/status")
	assert_eq "$capbnd" 0000000000001000 "$node: syncmirrord's capability bounding set (CAP_NET_ADMIN only)"
	if on $node "grep -E 'cannot run under SCHED_RR|cannot lock' /tmp/messages"; then
		fail "$node: syncmirrord could not get its scheduling or memory lock"
	fi
	log "$node: syncmirrord pid $pid: SCHED_RR 10, VmLck $locked, CapBnd $capbnd"
done

# Data through the link.
on A smctl primary vol0
on A "dd if=/dev/urandom of=/tmp/pattern bs=1M count=16 2>/dev/null &&
	dd if=/tmp/pattern of=/dev/mapper/vol0 bs=1M oflag=direct 2>/dev/null"

# Killed, the agent is restarted by systemd; the kernel keeps its link.
old=$(on B "systemctl show -p MainPID --value syncmirrord.service")
on B "kill -9 $old"
deadline=$((SECONDS + 30))
while :; do
	new=$(on B "systemctl show -p MainPID --value syncmirrord.service")
	[ "$new" != 0 ] && [ "$new" != "$old" ] && break
	[ $SECONDS -lt $deadline ] || fail "B: syncmirrord not restarted 30 s after kill -9"
	sleep 0.5
done
log "B: syncmirrord killed (pid $old), restarted by systemd (pid $new)"
[[ $(mirror_peer_state B) == connected* ]] || fail "B's link after the agent's restart: $(mirror_peer_state B)"

on B "systemctl reload syncmirrord.service"
deadline=$((SECONDS + 20))
until on B "grep -q 'SIGHUP: reloading' /tmp/messages"; do
	[ $SECONDS -lt $deadline ] || fail "B: systemctl reload did not reach syncmirrord"
	sleep 0.5
done

# stop takes the volume down; start brings it back and it resyncs.
on B "systemctl stop syncmirror@vol0.service"
assert_eq "$(on B 'systemctl is-active syncmirror@vol0.service' || true)" inactive "B: syncmirror@vol0 after stop"
if on B "dmsetup info vol0" > /dev/null 2>&1; then
	fail "B: vol0 still exists after systemctl stop"
fi
on A "dd if=/dev/urandom of=/tmp/pattern bs=1M count=8 2>/dev/null &&
	dd if=/tmp/pattern of=/dev/mapper/vol0 bs=1M seek=32 oflag=direct 2>/dev/null"
log "A after writing without B: peer $(mirror_peer_state A), $(mirror_field A out_of_sync_bytes) bytes out of sync"
on B "systemctl start syncmirror@vol0.service"
on B "test -b /dev/mapper/vol0" || fail "B: /dev/mapper/vol0 is not a block device after systemctl start"
mirror_wait_state B connected 60 > /dev/null
mirror_wait_synced A 120 > /dev/null
mirror_wait_synced B 60 > /dev/null
resynced=$(mirror_field B resync_received_bytes)
log "B: back after systemctl start, received $resynced bytes by resync"
if [ "$resynced" -le 0 ]; then
	on B "dmesg | grep syncmirror | tail -n 20"
	fail "B received nothing by resync after its volume came back: $(mirror_json B)"
fi
assert_eq "$(mirror_data_hash A)" "$(mirror_data_hash B)" "data areas"
