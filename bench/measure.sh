# SPDX-License-Identifier: GPL-2.0-only
#
# The VM half of make bench, sourced after tests/vm/lib.sh by bench/run.sh.
#
# Boots nodes A and B on the stock kernel and runs the same fio jobs on A
# against three devices, with the link as it is and with netem delay 1ms on
# both nodes (so 2 ms more round trip):
#
#	raw		a slice of A's data disk, nothing replicated
#	syncmirror	vol0, A primary, linked to B's vol0
#	drbd		/dev/drbd0, DRBD 8.4 protocol C, A primary, B secondary
#
# Each node's data disk is cut into three equal linear slices and its meta
# disk into two (bench-raw, bench-sm-data, bench-sm-meta, bench-drbd-data,
# bench-drbd-meta), so all three devices exist side by side on the same
# disks and link, and each job runs on the three devices back to back: a
# host that is busy with something else for a minute then slows all three
# alike instead of one.  The whole sequence runs BENCH_ROUNDS times, the
# device order reversed every other round; the report takes medians of
# the rounds' paired ratios and shows their range.  Writes fio's JSON to
# $SM_BENCH_OUT/fio/<device>-<link>-<job>-<round>.json and facts the report
# prints to $SM_BENCH_OUT/facts.

: "${SM_BENCH_OUT:?}"
BENCH_RUNTIME=${BENCH_RUNTIME:-10}	# seconds measured per job
BENCH_RAMP=${BENCH_RAMP:-2}		# seconds run before measuring
BENCH_REGION=${BENCH_REGION:-256M}	# the part of each slice jobs write
BENCH_DEVICES=${BENCH_DEVICES:-raw syncmirror drbd}
BENCH_ROUNDS=${BENCH_ROUNDS:-2}		# times through all jobs
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

# device_path DEVICE: what fio writes for DEVICE.
device_path() {
	case "$1" in
	raw) echo /dev/mapper/bench-raw ;;
	syncmirror) echo /dev/mapper/vol0 ;;
	drbd) echo /dev/drbd0 ;;
	*) fail "bench: unknown device '$1' in BENCH_DEVICES" ;;
	esac
}

# run_job DEVICE LINK JOB: one fio job on A.
run_job() {
	local device=$1 link=$2 job=$3 out=$1-$2-$3-$round.json
	# shellcheck disable=SC2046
	on -t $((BENCH_RUNTIME + BENCH_RAMP + 120)) A fio --name="$job" \
		--filename="$(device_path "$device")" --ioengine=libaio --direct=1 \
		--size="$BENCH_REGION" --time_based \
		--runtime="$BENCH_RUNTIME" --ramp_time="$BENCH_RAMP" \
		--randrepeat=0 --norandommap --lat_percentiles=1 \
		$(job_options "$job") \
		--output-format=json --output="/host/fio/$out" > /dev/null
	cp "$(node_dir A)/share/fio/$out" "$SM_BENCH_OUT/fio/$out"
}

delay_on() { netem A delay 1ms; netem B delay 1ms; }
delay_off() { netem A off; netem B off; }

# check_devices: the replicated devices are still linked and in sync.
check_devices() {
	case " $BENCH_DEVICES " in *" syncmirror "*) syncmirror_check_connected ;; esac
	case " $BENCH_DEVICES " in *" drbd "*) drbd_check_in_sync ;; esac
	return 0
}

# --- slices ---------------------------------------------------------------

# slice NODE DISK NAME INDEX COUNT: dm linear NAME over the INDEXth of
# COUNT equal parts (whole MiB) of NODE's /dev/mapper/DISK.
slice() {
	on "$1" "size=\$(( \$(blockdev --getsz /dev/mapper/$2) / $5 / 2048 * 2048 ));
		echo \"0 \$size linear /dev/mapper/$2 \$(( $4 * size ))\" | dmsetup create $3" > /dev/null
}

make_slices() {
	local node region_sectors slice_sectors
	region_sectors=$(( $(numfmt --from=iec "$BENCH_REGION") / 512 ))
	for node in A B; do
		slice $node data bench-raw 0 3
		slice $node data bench-sm-data 1 3
		slice $node data bench-drbd-data 2 3
		slice $node meta bench-sm-meta 0 2
		slice $node meta bench-drbd-meta 1 2
	done
	slice_sectors=$(on A blockdev --getsz /dev/mapper/bench-raw)
	[ "$slice_sectors" -ge "$region_sectors" ] ||
		fail "bench: BENCH_REGION $BENCH_REGION is larger than a slice ($((slice_sectors / 2048)) MiB)"
	fact slice_mib $((slice_sectors / 2048))
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
		line=$(on $node smctl create-md --clean --data /dev/mapper/bench-sm-data \
			--meta /dev/mapper/bench-sm-meta --node-id $id --uuid $UUID --force |
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
	echo "$status" > "$SM_BENCH_OUT/syncmirror-status.json"
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
	disk /dev/mapper/bench-drbd-data;
	meta-disk /dev/mapper/bench-drbd-meta;
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
	on A cat /proc/drbd > "$SM_BENCH_OUT/drbd-proc.txt"
	sent=$(sed -n 's/.* ns:\([0-9]*\) .*/\1/p' "$SM_BENCH_OUT/drbd-proc.txt")
	[ "${sent:-0}" -gt 0 ] || fail "drbd: A sent nothing to B (ns:${sent:-?})"
	grep -q 'oos:0' "$SM_BENCH_OUT/drbd-proc.txt" ||
		fail "drbd: A has out-of-sync blocks after the run: $(cat "$SM_BENCH_OUT/drbd-proc.txt")"
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
# data disks once on both nodes so every slice starts from the same state.
log "bench: writing the data disks once on A and B"
ids=()
for node in A B; do
	ids+=("$(on_bg $node 'dd if=/dev/zero of=/dev/mapper/data bs=1M oflag=direct \
		count=$(( $(blockdev --getsz /dev/mapper/data) / 2048 ))')")
done
on_wait -t 600 A "${ids[0]}" > /dev/null 2>&1
on_wait -t 600 B "${ids[1]}" > /dev/null 2>&1
make_slices

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

for device in $BENCH_DEVICES; do
	device_path "$device" > /dev/null
	case "$device" in
	syncmirror) syncmirror_setup ;;
	drbd) drbd_setup ;;
	esac
done

for round in $(seq "$BENCH_ROUNDS"); do
	order=$BENCH_DEVICES
	[ $((round % 2)) -eq 1 ] || order=$(echo "$BENCH_DEVICES" | tr ' ' '\n' | tac | tr '\n' ' ')
	for link in none 1ms; do
		[ $link = none ] || delay_on
		log "bench: round $round of $BENCH_ROUNDS, link: $link, devices: $order"
		check_devices
		for job in $JOBS; do
			for device in $order; do run_job "$device" $link "$job"; done
		done
		[ $link = none ] || delay_off
	done
done

for device in $BENCH_DEVICES; do
	case "$device" in
	syncmirror) syncmirror_check_replicated; syncmirror_teardown ;;
	drbd) drbd_check_replicated; drbd_teardown ;;
	esac
done
log "bench: all jobs done"
