# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for split-brain scenarios: two nodes A (node 0, 10.0.0.1) and B
# (node 1, 10.0.0.2) with vol0 run by syncmirrord, a split-brain-hook that
# dumps its environment, and writes of whole 64 KiB regions.  Source after
# mirror.sh.

SB_UUID=5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b
SB_REGION=65536

# sb_boot: both nodes, the module, syslog, the agent, the hook.
sb_boot() {
	local node
	cluster A B
	for node in A B; do
		on $node "modprobe dm-syncmirror && mkdir -p /etc/syncmirror &&
			echo 'split brain test secret' > /etc/syncmirror/vol0.secret &&
			chmod 600 /etc/syncmirror/vol0.secret &&
			printf '%s\n' '#!/bin/sh' \
				'env | grep ^SYNCMIRROR_ | sort > /tmp/sb-hook.env' \
				'cat /tmp/sb-hook.env >> /tmp/sb-hook.all' \
				'echo hook saw \$SYNCMIRROR_SB_DECISION' \
				> /etc/syncmirror/sb-hook && chmod 755 /etc/syncmirror/sb-hook &&
			syslogd -O /tmp/messages && syncmirrord"
	done
}

# sb_volume NODE NODE_ID POLICY [create-md options]: fresh metadata and
# configuration for vol0 on NODE (after-split-brain POLICY), then up.
sb_volume() {
	local node=$1 id=$2 policy=$3 addr peer configured
	shift 3
	addr=10.0.0.$((id + 1)):7789
	peer="$((1 - id)) 10.0.0.$((2 - id)):7789"
	on "$node" "smctl down vol0 > /dev/null 2>&1; dmsetup remove vol0 2>/dev/null; true"
	on "$node" smctl create-md --data /dev/mapper/data --meta /dev/mapper/meta \
		--node-id "$id" --uuid $SB_UUID --force "$@" > /dev/null
	configured=$(on "$node" "grep -c 'vol0: configured from' /tmp/messages || true")
	on "$node" "rm -f /tmp/sb-hook.env && cat > /etc/syncmirror/vol0.conf <<EOF
volume vol0
node-id $id
data /dev/mapper/data
meta /dev/mapper/meta
secret-file /etc/syncmirror/vol0.secret
address $addr
peer $peer
after-split-brain $policy
split-brain-hook /etc/syncmirror/sb-hook
EOF
		kill -HUP \$(pidof syncmirrord)"
	# The agent knows the volume's configuration before it comes up.
	wait_logged "$node" "vol0: configured from" 10
	local deadline=$((SECONDS + 10))
	until [ "$(on "$node" "grep -c 'vol0: configured from' /tmp/messages")" -gt "$configured" ]; do
		[ $SECONDS -lt $deadline ] || fail "$node: the agent did not reload vol0.conf"
		sleep 0.5
	done
	on "$node" smctl up vol0 > /dev/null
}

# sb_pair POLICY [POLICY_B]: vol0 on both, linked, A primary.
sb_pair() {
	sb_volume B 1 "${2:-$1}" --clean
	sb_volume A 0 "$1" --clean
	mirror_wait_state A connected 60 > /dev/null
	mirror_wait_state B connected 60 > /dev/null
	on A smctl primary vol0
}

# sb_split: cut the link both ways; both sides see it lost.
sb_split() {
	partition A B
	mirror_wait_state A lost 30 > /dev/null
	mirror_wait_state B lost 30 > /dev/null
}

# sb_write NODE FIRST COUNT PATTERN: COUNT whole regions from region FIRST
# on, filled with the byte PATTERN (e.g. 0xaa).
sb_write() {
	on "$1" fio --name=sb --filename=/dev/mapper/vol0 --rw=write --bs=64k \
		--direct=1 --ioengine=psync --offset=$(($2 * SB_REGION)) \
		--size=$(($3 * SB_REGION)) --buffer_pattern="$4" \
		--output-format=terse > /dev/null
}

# sb_refused NODE SECONDS: wait until NODE's link is refused for a
# split-brain; prints the reason.
sb_refused() {
	local deadline=$((SECONDS + $2)) state
	while :; do
		state=$(mirror_peer_state "$1")
		case $state in
		refused*) echo "$state"; return 0 ;;
		connected*) fail "$1: link connected, want refused" ;;
		esac
		[ $SECONDS -lt $deadline ] || fail "$1: link '$state' after $2 s, want refused"
		sleep 0.5
	done
}

# sb_field NODE KEY: a key of the split_brain object of NODE's status.
sb_field() {
	mirror_json "$1" | sed -n "s/.*\"split_brain\":{[^}]*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}
