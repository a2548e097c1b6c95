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

# The secret of the links smctl connect makes: both nodes prove it, and
# the link's TLS key derives from it.  Written on first use after a boot.
MIRROR_SECRET=/run/sm-mirror.secret

# mirror_connect_cmd ARGS...: the guest command "smctl connect ARGS" with
# --secret MIRROR_SECRET (TLS), unless ARGS say --transport-security or
# --secret themselves.
mirror_connect_cmd() {
	local secret="--secret $MIRROR_SECRET"
	# SM_LINK_SECURITY=none: in clear, to measure what TLS costs.
	[ "${SM_LINK_SECURITY:-tls}" = none ] && secret="--transport-security none"
	case " $* " in
	*" --transport-security "* | *" --secret "*) secret= ;;
	esac
	printf '%s' "[ -s $MIRROR_SECRET ] || (umask 077 && echo syncmirror-test-link-secret > $MIRROR_SECRET); smctl connect $* $secret"
}

# mirror_link PRIMARY SECONDARY [PORT] [smctl connect options]: SECONDARY
# waits, PRIMARY dials; both hand their socket to the kernel (over TLS
# unless the options say --transport-security none).  Waits until both
# sides are connected.
mirror_link() {
	local a=$1 b=$2 port=${3:-7789} waiter
	shift $(($# < 3 ? $# : 3))
	waiter=$(on_bg "$b" "$(mirror_connect_cmd vol0 --listen "0.0.0.0:$port" --timeout 60 "$@")")
	on "$a" "$(mirror_connect_cmd vol0 --peer "$b:$port" --timeout 60 "$@")"
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

# mirror_wait_json NODE SECONDS STRING...: poll vol0's JSON status on NODE,
# in the node (every 0.2 s, no round trip to the host per poll), until it
# contains every STRING; print that status.  Returns 3 (status printed
# too) when SECONDS pass first.  A poll from the host costs a command
# round trip, 1 to 5 s on a guest that moves data.
mirror_wait_json() {
	local node=$1 secs=$2 script
	shift 2
	script=$(node_dir "$node")/share/wait-json.sh
	[ -f "$script" ] || cat > "$script" <<'SH'
# wait-json.sh SECONDS STRING...: see mirror_wait_json in mirror.sh.
end=$(($(date +%s) + $1))
shift
while :; do
	json=$(smctl -j status vol0 2>&1)
	ok=1
	for s in "$@"; do
		case $json in *"$s"*) ;; *) ok= ;; esac
	done
	[ -z "$ok" ] || { printf '%s\n' "$json"; exit 0; }
	[ "$(date +%s)" -lt "$end" ] || { printf '%s\n' "$json"; exit 3; }
	sleep 0.2
done
SH
	on -t $((secs + 60)) "$node" "sh /host/wait-json.sh $secs $(printf '%q ' "$@")"
}

# mirror_wait_state NODE STATE SECONDS: wait until the link is in STATE;
# prints "<state> (<reason>)".
mirror_wait_state() {
	local json state rc=0
	json=$(mirror_wait_json "$1" "$3" "\"peer\":{\"state\":\"$2\"") || rc=$?
	state=$(echo "$json" | sed -n 's/.*"peer":{"state":"\([a-z]*\)","reason":"\([^"]*\)".*/\1 (\2)/p')
	[ $rc -eq 0 ] || fail "$1: peer state '$state' after $3 s, want $2"
	echo "$state"
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
	local json rc=0
	json=$(mirror_wait_json "$1" "$2" '"sync_state":"none"' '"out_of_sync_bytes":0,') || rc=$?
	[ $rc -eq 0 ] || fail "$1: not in sync after $2 s: $json"
	echo "$json" | sed -n 's/.*"resynced_bytes":\([0-9]*\).*/\1/p'
}

# logged NODE PATTERN: NODE's syslog (/tmp/messages, from "syslogd -O
# /tmp/messages") has a line matching the grep -E PATTERN.
logged() {
	on "$1" "grep -E -q -- '$2' /tmp/messages"
}

# wait_logged NODE PATTERN SECONDS
wait_logged() {
	local deadline=$((SECONDS + $3))
	until logged "$1" "$2" > /dev/null; do
		[ $SECONDS -lt $deadline ] || {
			on "$1" "tail -n 30 /tmp/messages"
			fail "$1: no syslog line matching '$2' after $3 s"
		}
		sleep 0.5
	done
}
