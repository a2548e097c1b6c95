# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for scenarios with a mirrored volume between nodes; source it
# after lib.sh (". "$SM_VM/mirror.sh"").  The volume is vol0 with internal
# metadata on each node's /dev/mapper/data.

# mirror_volume NODE NODE_ID UUID [create-md options]: fresh metadata and
# vol0 (secondary) on NODE.  The disks of a new cluster are blank, so the
# copies are identical from the start (--clean); MIRROR_FULL_SYNC=1 leaves
# --clean out (the first promotion needs --force, the peer a full sync).
mirror_volume() {
	local node=$1 id=$2 uuid=$3 line clean=--clean
	shift 3
	[ -z "${MIRROR_FULL_SYNC:-}" ] || clean=
	on "$node" "dmsetup remove vol0 2>/dev/null; true"
	line=$(on "$node" smctl create-md --data /dev/mapper/data --node-id "$id" \
		--uuid "$uuid" --force $clean "$@" |
		sed -n 's/^table: //p')
	on "$node" "dmsetup create vol0 --table '$line'"
}

# mirror_config NODE NODE_ID ADDRESS PEER_ID PEER_ADDRESS UUID SECRET:
# fresh external metadata (data, meta) and /etc/syncmirror/vol0.conf with
# its secret, for smctl up and syncmirrord.
mirror_config() {
	on "$1" smctl create-md --clean --data /dev/mapper/data --meta /dev/mapper/meta \
		--node-id "$2" --uuid "$6" > /dev/null
	on "$1" "mkdir -p /etc/syncmirror &&
		printf '%s\n' '$7' > /etc/syncmirror/vol0.secret &&
		chmod 600 /etc/syncmirror/vol0.secret &&
		cat > /etc/syncmirror/vol0.conf <<EOF
# written by mirror_config
volume vol0
node-id $2
data /dev/mapper/data
meta /dev/mapper/meta
secret-file /etc/syncmirror/vol0.secret
address $3
peer $4 $5
EOF"
}

# mirror_link PRIMARY SECONDARY [PORT] [smctl connect options]: SECONDARY
# waits, PRIMARY dials; both hand their socket to the kernel.  Waits until
# both sides are connected.
mirror_link() {
	local a=$1 b=$2 port=${3:-7789} waiter
	shift $(($# < 3 ? $# : 3))
	waiter=$(on_bg "$b" smctl connect vol0 --listen "0.0.0.0:$port" --timeout 60 "$@")
	on "$a" smctl connect vol0 --peer "$b:$port" --timeout 60 "$@"
	on_wait "$b" "$waiter"
	mirror_wait_state "$a" connected 20 > /dev/null
	mirror_wait_state "$b" connected 20 > /dev/null
}

# mirror_json NODE: vol0's status as JSON.
mirror_json() {
	on "$1" smctl -j status vol0
}

# mirror_field NODE KEY: a top-level number or string of vol0's JSON status.
mirror_field() {
	mirror_json "$1" | sed -n "s/.*\"$2\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# mirror_peer_state NODE: "<state> (<reason>)" of vol0's link on NODE.
mirror_peer_state() {
	mirror_json "$1" | sed -n 's/.*"peer":{"state":"\([a-z]*\)","reason":"\([^"]*\)".*/\1 (\2)/p'
}

# mirror_wait_state NODE STATE SECONDS: poll until the link is in STATE.
mirror_wait_state() {
	local deadline=$((SECONDS + $3)) state
	while :; do
		state=$(mirror_peer_state "$1")
		[ "${state%% *}" = "$2" ] && { echo "$state"; return 0; }
		[ $SECONDS -lt $deadline ] || fail "$1: peer state '$state' after $3 s, want $2"
		sleep 0.5
	done
}

# mirror_data_hash NODE: sha256 of NODE's data area (what vol0 maps), read
# on the host from the backing file.
mirror_data_hash() {
	local sectors
	sectors=$(mirror_field "$1" data_sectors)
	disk_hash "$1" data $((sectors * 512))
}

# mirror_wait_synced NODE SECONDS: poll until NODE runs no resync and its
# bitmap is empty (the peer has everything); prints the resync counter.
mirror_wait_synced() {
	local deadline=$((SECONDS + $2)) json
	while :; do
		json=$(mirror_json "$1")
		case $json in
		*'"sync_state":"none"'*'"out_of_sync_bytes":0,'* | \
		*'"out_of_sync_bytes":0,'*'"sync_state":"none"'*)
			mirror_field "$1" resynced_bytes
			return 0 ;;
		esac
		[ $SECONDS -lt $deadline ] || fail "$1: not in sync after $2 s: $json"
		sleep 1
	done
}
