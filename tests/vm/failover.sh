# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for quorum and failover scenarios: data nodes A (member 0,
# 10.0.0.1) and B (member 1, 10.0.0.2) with vol0, witness W (member 2,
# 10.0.0.3), every one running syncmirrord from /etc/syncmirror (the
# initramfs root is in memory: fo_start writes it again after a boot).
# Source after mirror.sh.

# shellcheck source=fencecheck.sh
. "$SM_VM/fencecheck.sh"

FO_UUID=3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f
FO_CLUSTER=8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a
# The 4 KiB blocks an ackcheck writer spreads over (a second writer takes
# the next as many).  What a partition leaves out of sync, and so each
# resync after a heal, grows with it: 16 MiB under make check, 64 MiB
# under check-full.
FO_BLOCKS=$(tier 4096 16384)

# fo_start NODE [on-quorum-loss]: configuration, syslog and the agent on
# NODE (a data node: module and vol0 up too; W: witness mode).  With
# FO_WITNESS=no the cluster is A and B alone, and vol0 has a fence-hook
# that exits with what /etc/syncmirror/fence-exit says (0 without it).
fo_start() {
	local node=$1 policy=${2:-suspend} id witness='witness 2 10.0.0.3:7800' fence=
	id=$(($(node_index "$node") - 1))
	if [ "${FO_WITNESS:-yes}" = no ]; then
		witness=
		fence='fence-hook /etc/syncmirror/fence-hook'
	fi
	on "$node" "mkdir -p /etc/syncmirror /var/lib/syncmirror &&
		echo 'failover test cluster secret' > /etc/syncmirror/cluster.secret &&
		echo 'failover test volume secret' > /etc/syncmirror/vol0.secret &&
		chmod 600 /etc/syncmirror/cluster.secret /etc/syncmirror/vol0.secret &&
		cat > /etc/syncmirror/cluster.conf <<EOF
cluster-uuid $FO_CLUSTER
secret-file /etc/syncmirror/cluster.secret
member 0 10.0.0.1:7800
member 1 10.0.0.2:7800
$witness
heartbeat-interval 500
lease-time 2500
loss-timeout 4000
EOF"
	if [ "$node" = W ]; then
		on W "syslogd -O /tmp/messages && syncmirrord --witness"
		return
	fi
	on "$node" "modprobe dm-syncmirror &&
		printf '%s\n' '#!/bin/sh' 'date +%s.%N > /tmp/\$SYNCMIRROR_HOOK-hook.ran' \
			'env | grep ^SYNCMIRROR_ | sort >> /tmp/\$SYNCMIRROR_HOOK-hook.ran' \
			> /etc/syncmirror/mark-hook && chmod 755 /etc/syncmirror/mark-hook &&
		printf '%s\n' '#!/bin/sh' 'date +%s.%N >> /tmp/fence-hook.ran' \
			'env | grep ^SYNCMIRROR_ | sort >> /tmp/fence-hook.ran' \
			'exit \$(cat /etc/syncmirror/fence-exit 2>/dev/null || echo 0)' \
			> /etc/syncmirror/fence-hook && chmod 755 /etc/syncmirror/fence-hook &&
		cat > /etc/syncmirror/vol0.conf <<EOF
volume vol0
node-id $id
data /dev/mapper/data
meta /dev/mapper/meta
secret-file /etc/syncmirror/vol0.secret
address 10.0.0.$((id + 1)):7789
peer $((1 - id)) 10.0.0.$((2 - id)):7789
quorum on
auto-promote yes
on-quorum-loss $policy
promote-hook /etc/syncmirror/mark-hook
deposed-hook /etc/syncmirror/mark-hook
$fence
EOF
		syslogd -O /tmp/messages && syncmirrord && smctl up vol0 > /dev/null"
}

# fo_cluster [on-quorum-loss]: boot A B W, fresh metadata on A and B, start
# everything, wait for the link, make A primary with quorum.  A scenario may
# call it again after sm_teardown: the disk images survive, so the metadata
# of the last run is overwritten (--force).
fo_cluster() {
	local node
	rm -f "$SM_RUNDIR"/clock-server "$SM_RUNDIR"/clock.? "$SM_RUNDIR"/fence-*
	if [ "${FO_WITNESS:-yes}" = no ]; then
		cluster A B
	else
		cluster A B W
	fi
	for node in A B; do
		on $node smctl create-md --clean --force --data /dev/mapper/data --meta /dev/mapper/meta \
			--node-id $(($(node_index $node) - 1)) --uuid $FO_UUID > /dev/null
	done
	[ "${FO_WITNESS:-yes}" = no ] || fo_start W
	fo_start B "$@"
	fo_start A "$@"
	mirror_wait_state A connected 60 > /dev/null
	mirror_wait_state B connected 60 > /dev/null
	on A smctl primary vol0
	fo_wait_quorum A have 30 > /dev/null
}

# fo_wait_file NODE FILE SECONDS: FILE exists on NODE and is not empty.
fo_wait_file() {
	local deadline=$((SECONDS + $3))
	until on "$1" "test -s $2"; do
		[ $SECONDS -lt $deadline ] || fail "$1: no $2 after $3 s"
		sleep 0.5
	done
}

# fo_quorum NODE: the state of NODE's quorum fence (none, have, lost, failing).
fo_quorum() {
	mirror_json "$1" | sed -n 's/.*"quorum":{"state":"\([a-z]*\)".*/\1/p'
}

# fo_wait_quorum NODE STATE SECONDS
fo_wait_quorum() {
	local json rc=0
	json=$(mirror_wait_json "$1" "$3" "\"quorum\":{\"state\":\"$2\"") || rc=$?
	[ $rc -eq 0 ] || fail "$1: quorum '$(echo "$json" |
		sed -n 's/.*"quorum":{"state":"\([a-z]*\)".*/\1/p')' after $3 s, want $2"
	echo "$2"
}

# fo_acks STREAM: acknowledged writes in an ackcheck stream.
fo_acks() {
	grep -c '^ACK' "$1" || true
}

# Event logs on one time line (tests/vm/fencecheck.sh): W's clock is the
# reference.  fo_events_start NODE: NODE's events from now on, in the
# file it prints, with a status snapshot (the state before the first event).
fo_events_start() {
	local id
	id=$(on_bg "$1" "smctl -j events")
	mirror_json "$1" > "$SM_RUNDIR/fence-snapshots.$1"
	echo "$SM_RUNDIR/$1/share/cmd/$id.out"
}

# fo_clock NODE: append "OFFSET_NS ERROR_NS" (W's clock minus NODE's) to
# $SM_RUNDIR/clock.NODE; W answers from the first call on.
fo_clock() {
	if [ ! -e "$SM_RUNDIR/clock-server" ]; then
		on_bg W "sm-clock serve 10.0.0.3:7901" > "$SM_RUNDIR/clock-server"
		sleep 1
	fi
	on "$1" "sm-clock offset 10.0.0.3:7901" >> "$SM_RUNDIR/clock.$1" ||
		fail "$1: no clock offset from W"
}

# fo_fence_check LABEL EVENTS_A EVENTS_B: from both nodes' event logs (and
# a final snapshot each), never were both fences holding quorum at once on
# W's clock, within the measured offsets (fo_clock before and after).
fo_fence_check() {
	local label=$1 node out events
	for events in "$2" "$3"; do
		# smctl events ends only on an error (an overrun): then it missed some.
		[ ! -e "${events%.out}.rc" ] ||
			fail "$label: $events: smctl events ended early: $(cat "${events%.out}.err" 2>/dev/null)"
	done
	for node in A B; do
		mirror_json $node >> "$SM_RUNDIR/fence-snapshots.$node"
	done
	cat "$2" "$SM_RUNDIR/fence-snapshots.A" > "$SM_RUNDIR/fence-log.A"
	cat "$3" "$SM_RUNDIR/fence-snapshots.B" > "$SM_RUNDIR/fence-log.B"
	log "$label: clock offsets to W (ns, error): A $(tr '\n' ' ' < "$SM_RUNDIR/clock.A"), B $(tr '\n' ' ' < "$SM_RUNDIR/clock.B")"
	if ! out=$(fence_check "$SM_RUNDIR/fence-log.A" "$SM_RUNDIR/clock.A" \
			       "$SM_RUNDIR/fence-log.B" "$SM_RUNDIR/clock.B" 2>&1); then
		log "$out"
		fail "$label: from the event logs, A and B may have held quorum at the same time"
	fi
	log "$label: event logs (node 1 A, node 2 B): ${out//$'\n'/; }"
}
