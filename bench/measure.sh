# SPDX-License-Identifier: GPL-2.0-only
#
# The VM half of make bench, sourced after tests/vm/lib.sh by bench/run.sh.
#
# Boots nodes A and B on the stock kernel and runs the same fio jobs on A
# against three devices in turn, each with the link as it is and with
# netem delay 1ms on both nodes (so 2 ms more round trip):
#
#	raw		/dev/mapper/data on A, nothing replicated
#	syncmirror	vol0, A primary, linked to B's vol0
#	drbd		/dev/drbd0, DRBD 8.4 protocol C, A primary, B secondary
#
# Every replicated device uses the same data disk (/dev/mapper/data) with
# its metadata on the meta disk (/dev/mapper/meta), and the same link.
# The whole sequence runs BENCH_ROUNDS times, so that a host busy with
# something else for a minute shows as a spread between rounds instead of
# as a difference between devices.  Writes fio's JSON to
# $SM_BENCH_OUT/fio/<device>-<link>-<job>-<round>.json and facts the report
# prints to $SM_BENCH_OUT/facts.

: "${SM_BENCH_OUT:?}"
BENCH_RUNTIME=${BENCH_RUNTIME:-10}	# seconds measured per job
BENCH_RAMP=${BENCH_RAMP:-2}		# seconds run before measuring
BENCH_REGION=${BENCH_REGION:-256M}	# the part of the disk jobs write
BENCH_DEVICES=${BENCH_DEVICES:-raw syncmirror drbd}	# in this order
BENCH_ROUNDS=${BENCH_ROUNDS:-2}		# times through all devices
SM_PORT=7789
DRBD_PORT=7790
UUID=5b3c2a1d-6e7f-4a8b-9c0d-1e2f3a4b5c6d

# The jobs: name and fio options.  Latency at QD1, IOPS at QD32, bandwidth
# of large sequential writes.
JOBS="qd1 qd32 seq"
job_options() {
	case "$1" in
	qd1) echo "--rw=randwrite --bs=4k --iodepth=1" ;;
	qd32) echo "--rw=randwrite --bs=4k --iodepth=32" ;;
	seq) echo "--rw=write --bs=1M --iodepth=4" ;;
	esac
}

fact() { echo "$1=$2" >> "$SM_BENCH_OUT/facts"; }

# run_jobs DEVICE_NAME DEV LINK: every job on A against DEV.
run_jobs() {
	local name=$1 dev=$2 link=$3 job out
	for job in $JOBS; do
		out=$name-$link-$job-$round.json
		# shellcheck disable=SC2046
		on -t $((BENCH_RUNTIME + BENCH_RAMP + 120)) A fio --name="$job" \
			--filename="$dev" --ioengine=libaio --direct=1 \
			--size="$BENCH_REGION" --time_based \
			--runtime="$BENCH_RUNTIME" --ramp_time="$BENCH_RAMP" \
			--randrepeat=0 --norandommap --lat_percentiles=1 \
			$(job_options "$job") \
			--output-format=json --output="/host/fio/$out" > /dev/null
		cp "$(node_dir A)/share/fio/$out" "$SM_BENCH_OUT/fio/$out"
	done
}

delay_on() { netem A delay 1ms; netem B delay 1ms; }
delay_off() { netem A off; netem B off; }

# run_both DEVICE_NAME DEV [CHECK]: the jobs without, then with the delay;
# CHECK (a function) runs before each set.
run_both() {
	local name=$1 dev=$2 check=${3:-true}
	log "bench: $name on $dev, link without delay"
	"$check"
	run_jobs "$name" "$dev" none
	delay_on
	log "bench: $name on $dev, link with netem delay 1ms on A and B"
	"$check"
	run_jobs "$name" "$dev" 1ms
	delay_off
}

# --- syncmirror ---------------------------------------------------------

syncmirror_peer_state() {
	on "$1" smctl -j status vol0 |
		sed -n 's/.*"peer":{"state":"\([a-z]*\)".*/\1/p'
}

syncmirror_check_connected() {
	local node state deadline=$((SECONDS + 15))
	for node in A B; do
		while state=$(syncmirror_peer_state $node); [ "$state" != connected ]; do
			[ $SECONDS -lt $deadline ] ||
				fail "syncmirror: $node's link is '$state', not connected"
			sleep 0.5
		done
	done
}

syncmirror_setup() {
	local node id line waiter
	for node in A B; do
		id=$([ $node = A ] && echo 0 || echo 1)
		on $node modprobe dm-syncmirror
		line=$(on $node smctl create-md --data /dev/mapper/data \
			--meta /dev/mapper/meta --node-id $id --uuid $UUID --force |
			sed -n 's/^table: //p')
		[ -n "$line" ] || fail "syncmirror: create-md on $node printed no table line"
		on $node "dmsetup create vol0 --table '$line'"
	done
	# Linked first, then promoted: no write of A's is ever peer-less.
	waiter=$(on_bg B smctl connect vol0 --listen 10.0.0.2:$SM_PORT --timeout 60)
	on A smctl connect vol0 --peer B:$SM_PORT --timeout 60
	on_wait B "$waiter"
	syncmirror_check_connected
	on A smctl primary vol0
}

# The kernel reports replicated_writes once it replicates; until then the
# numbers are those of a local write and the report says so loudly.
syncmirror_check_replicated() {
	local status count local_only
	status=$(on A smctl -j status vol0)
	echo "$status" > "$SM_BENCH_OUT/syncmirror-status-$round.json"
	count=$(echo "$status" | sed -n 's/.*"replicated_writes":\([0-9]*\).*/\1/p')
	local_only=$(echo "$status" | sed -n 's/.*"local_only_writes":\([0-9]*\).*/\1/p')
	if [ -n "$count" ] && [ "$count" -gt 0 ]; then
		fact syncmirror_replicated yes
		fact syncmirror_replicated_writes "$count"
		fact syncmirror_local_only_writes "${local_only:-0}"
		[ "${local_only:-0}" -eq 0 ] ||
			log "bench: WARNING: syncmirror wrote $local_only of its writes without the peer: numbers are partly local-only"
	else
		fact syncmirror_replicated no
		log "bench: WARNING: syncmirror did not replicate: numbers are local-only (replicated_writes='${count:-absent}')"
	fi
}

syncmirror_teardown() {
	local node
	for node in A B; do on $node dmsetup remove vol0; done
	for node in A B; do on $node rmmod dm_syncmirror; done
}

# --- DRBD 8.4 -------------------------------------------------------------

# Debian's drbd-utils 9 reads the config in 8.4 syntax and runs
# drbdadm-84/drbdsetup-84 once it sees the 8.4 module.  The hostnames A
# and B are the node names.
drbd_conf() {
	cat <<CONF
global { usage-count no; }
resource r0 {
	net { protocol C; }
	device /dev/drbd0 minor 0;
	disk /dev/mapper/data;
	meta-disk /dev/mapper/meta;
	on A { address 10.0.0.1:$DRBD_PORT; }
	on B { address 10.0.0.2:$DRBD_PORT; }
}
CONF
}

# drbd_wait NODE PATTERN SECONDS: until /proc/drbd on NODE matches.
drbd_wait() {
	local deadline=$((SECONDS + $3))
	until on "$1" cat /proc/drbd | grep -Eq "$2"; do
		[ $SECONDS -lt $deadline ] ||
			fail "drbd: $1: /proc/drbd never matched '$2': $(on "$1" cat /proc/drbd | tr '\n' ' ')"
		sleep 0.5
	done
}

drbd_check_in_sync() {
	drbd_wait A 'cs:Connected ro:Primary/Secondary ds:UpToDate/UpToDate' 10
}

drbd_setup() {
	local node
	for node in A B; do
		# The helper would call drbdadm for handlers none of which is
		# configured.
		on $node modprobe drbd usermode_helper=/bin/true
		drbd_conf > "$(node_dir $node)/share/drbd.conf"
		on $node "mkdir -p /var/lib/drbd /var/run/drbd && cp /host/drbd.conf /etc/drbd.conf"
		# Old syncmirror metadata lives on the meta disk.
		on $node "dd if=/dev/zero of=/dev/mapper/meta bs=1M count=4 oflag=direct 2>/dev/null"
		on $node "yes yes | drbdadm create-md --force r0" > /dev/null
	done
	for node in A B; do on $node drbdadm up r0; done
	drbd_wait A 'cs:Connected' 30
	# Both sides are blank: declare them in sync instead of a full resync.
	on A drbdadm new-current-uuid --clear-bitmap r0
	drbd_wait A 'ds:UpToDate/UpToDate' 30
	drbd_wait B 'ds:UpToDate/UpToDate' 30
	on A drbdadm primary r0
	drbd_check_in_sync
	fact drbd_version "$(on A head -n 1 /proc/drbd)"
}

# DRBD replicated if A sent data over the network (ns:, KiB).
drbd_check_replicated() {
	local sent
	on A cat /proc/drbd > "$SM_BENCH_OUT/drbd-proc-$round.txt"
	sent=$(sed -n 's/.* ns:\([0-9]*\) .*/\1/p' "$SM_BENCH_OUT/drbd-proc-$round.txt")
	[ "${sent:-0}" -gt 0 ] || fail "drbd: A sent nothing to B (ns:${sent:-?})"
	grep -q 'oos:0' "$SM_BENCH_OUT/drbd-proc-$round.txt" ||
		fail "drbd: A has out-of-sync blocks after the run: $(cat "$SM_BENCH_OUT/drbd-proc-$round.txt")"
	fact drbd_sent_kib "$sent"
}

drbd_teardown() {
	local node
	for node in A B; do on $node drbdadm down r0; done
	for node in A B; do on $node rmmod drbd; done
}

# --- the run --------------------------------------------------------------

mkdir -p "$SM_BENCH_OUT/fio"
cluster --kernel stock A B
for node in A B; do mkdir -p "$(node_dir $node)/share/fio"; done
fact kernel "$(on A uname -r)"
fact fio "$(on A fio --version)"
fact vcpus "$SM_SMP"
fact mem_mib "$SM_MEM"
fact runtime "$BENCH_RUNTIME"
fact ramp "$BENCH_RAMP"
fact region "$BENCH_REGION"
fact rounds "$BENCH_ROUNDS"

# First writes to a sparse disk image are slower on the host: write the
# region once on both nodes so every device starts from the same state.
log "bench: writing the $BENCH_REGION region once on A and B"
ids=()
for node in A B; do
	ids+=("$(on_bg $node dd if=/dev/zero of=/dev/mapper/data bs=1M \
		count=$(( $(numfmt --from=iec "$BENCH_REGION") >> 20 )) oflag=direct)")
done
on_wait A "${ids[0]}" > /dev/null 2>&1
on_wait B "${ids[1]}" > /dev/null 2>&1

# The link the replicated devices run on: round trip as ping sees it
# (min/avg of 10), and TCP throughput from A to B (32 MiB through bash's
# /dev/tcp into nc on B, timed on A: the socket buffers make it a slight
# overestimate).
link_rtt() {
	on A ping -c 10 -i 0.2 -q B |
		sed -n 's|.*min/avg/max = \([0-9.]*\)/\([0-9.]*\)/.*|\1/\2 ms|p'
}

link_throughput() {
	local waiter times
	waiter=$(on_bg B "nc -l -p 5001 > /dev/null")
	times=$(on A 'for i in $(seq 50); do
			t0=$(cut -d" " -f1 /proc/uptime)
			dd if=/dev/zero bs=64k count=512 2>/dev/null > /dev/tcp/10.0.0.2/5001 && break
			sleep 0.2
		done 2>/dev/null
		echo "$t0 $(cut -d" " -f1 /proc/uptime)"')
	on_wait B "$waiter" > /dev/null
	echo "$times" | awk '{ printf "%.1f MB/s\n", 33554432 / ($2 - $1) / 1e6 }'
}

fact rtt_none "$(link_rtt)"
fact tcp_none "$(link_throughput)"
delay_on
fact rtt_1ms "$(link_rtt)"
fact tcp_1ms "$(link_throughput)"
delay_off

for round in $(seq "$BENCH_ROUNDS"); do
	log "bench: round $round of $BENCH_ROUNDS"
	for device in $BENCH_DEVICES; do
		case "$device" in
		raw)
			run_both raw /dev/mapper/data
			;;
		syncmirror)
			syncmirror_setup
			run_both syncmirror /dev/mapper/vol0 syncmirror_check_connected
			syncmirror_check_replicated
			syncmirror_teardown
			;;
		drbd)
			drbd_setup
			run_both drbd /dev/drbd0 drbd_check_in_sync
			drbd_check_replicated
			drbd_teardown
			;;
		*) fail "bench: unknown device '$device' in BENCH_DEVICES" ;;
		esac
	done
done
log "bench: all jobs done"
