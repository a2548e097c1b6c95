# SPDX-License-Identifier: GPL-2.0-only
#
# VM scenario library, sourced by tests/vm/run.sh before a scenario.
#
# A scenario is a bash script that builds a cluster and drives it:
#
#	cluster A B			# boot two nodes joined by a network
#	on A dmsetup ls			# run a command on A, print its output
#	crash B; boot B			# power-cut B, start it again
#	partition A B; heal		# drop traffic between A and B; undo
#
# Everything a node leaves behind (console, disks, command output) stays in
# $SM_RUNDIR/<node>/.  See Documentation/testing.rst for the full list.

set -eEuo pipefail

: "${SM_TOP:?}" "${SM_RUNDIR:?}"
SM_VM=$SM_TOP/tests/vm
SM_KERNEL=${SM_KERNEL:-debug}		# default kernel flavour
SM_CMD_TIMEOUT=${SM_CMD_TIMEOUT:-300}	# seconds an 'on' may take
SM_BOOT_TIMEOUT=${SM_BOOT_TIMEOUT:-180}
SM_MEM=${SM_MEM:-1024}
SM_SMP=${SM_SMP:-2}
# Data images: 256 MiB under make check (every host-side hash of a data
# area reads all of it, a full sync moves all of it), 1 GiB under
# check-full.  Scenarios that need more set it themselves.
if [ "${SM_TIER:-check}" = full ]; then
	SM_DATA_SIZE=${SM_DATA_SIZE:-1G}
else
	SM_DATA_SIZE=${SM_DATA_SIZE:-256M}
fi
SM_META_SIZE=${SM_META_SIZE:-64M}
SM_NODES=()
# Guest kernel arguments for every boot.  napi_tx=0: under TCG a guest's
# virtio-net transmit queue was seen to wedge for good with TX NAPI
# (NETDEV WATCHDOG, see console.sh); without it the transmit ring is
# reclaimed from start_xmit.  watchdog_thresh=30: a soft lockup is
# reported after 60 s instead of 20: on a loaded host the debug kernel's
# own boot-time work (tracer_init_tracefs_work_func under lockdep) was seen
# to hold a CPU for 24 s, twice in one afternoon.  no_timer_check: the
# boot-time check that the timer interrupt arrives through the IO-APIC
# waits a fixed number of loops; on a host whose cores are busy with other
# guests it was seen to fail ("IO-APIC + timer doesn't work!", a panic)
# for three guests booting at once.
SM_GUEST_ARGS=${SM_GUEST_ARGS-virtio_net.napi_tx=0 watchdog_thresh=30 no_timer_check}
# MTU of the nodes' links: jumbo frames, as on a storage network.  Under
# TCG every frame costs a virtio round trip and a QEMU datagram: with 1500
# a 64 MiB replicated fio job took 19 s, with 9000 9 s (65000: 7 s).
SM_MTU=${SM_MTU-9000}

log() { printf '[%s] %s\n' "$(date +%T)" "$*" >&2; }

fail() {
	log "FAIL: $*"
	# Inside $(...) this exit ends only the subshell: leave the mark that
	# makes teardown fail the scenario anyway.
	echo "fail: $*" >> "$SM_RUNDIR/failed-commands"
	exit 1
}

# A failing command fails the scenario.  Report it by the scenario's line
# (the first frame outside this library), which says more than the helper's.
sm_on_error() {
	local rc=$1 k file line
	for ((k = 1; k < ${#BASH_SOURCE[@]}; k++)); do
		file=${BASH_SOURCE[$k]}
		line=${BASH_LINENO[$((k - 1))]}
		case "$file" in */lib.sh) continue ;; esac
		log "FAIL: ${file##*/}:$line: exit status $rc: $(sed -n "${line}p" "$file" | sed 's/^[[:space:]]*//')"
		# Inside $(...) the failure would stop only the subshell; leave
		# a mark so that the scenario fails at teardown regardless.
		echo "${file##*/}:$line" >> "$SM_RUNDIR/failed-commands"
		return
	done
}
trap 'sm_on_error $?' ERR
trap 'exit 143' TERM INT
trap 'sm_teardown' EXIT

node_dir() { echo "$SM_RUNDIR/$1"; }

node_index() {
	local i
	for i in "${!SM_NODES[@]}"; do
		[ "${SM_NODES[$i]}" = "$1" ] && { echo $((i + 1)); return; }
	done
	fail "unknown node '$1' (cluster has: ${SM_NODES[*]})"
}

# pid_running PID: PID exists and is not a zombie (a QEMU whose parent
# shell has gone is reaped late by PID 1).
pid_running() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

node_alive() {
	local pidfile
	pidfile=$(node_dir "$1")/qemu.pid
	[ -f "$pidfile" ] && pid_running "$(cat "$pidfile")"
}

# cluster [--kernel debug|stock] [--mem MB] NODE... : create and boot nodes.
cluster() {
	local node pids=() pid
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) SM_KERNEL=$2; shift 2 ;;
		--mem) SM_MEM=$2; shift 2 ;;
		--*) fail "cluster: unknown option $1" ;;
		*) break ;;
		esac
	done
	[ $# -ge 1 ] || fail "cluster: no nodes given"
	SM_NODES=("$@")
	[ ${#SM_NODES[@]} -le 15 ] || fail "cluster: at most 15 nodes"
	for node in "${SM_NODES[@]}"; do
		mkdir -p "$(node_dir "$node")"
		truncate -s "$SM_DATA_SIZE" "$(node_dir "$node")/data.img"
		truncate -s "$SM_META_SIZE" "$(node_dir "$node")/meta.img"
	done
	for node in "${SM_NODES[@]}"; do
		boot "$node" &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" || fail "cluster: a node did not boot"
	done
}

# Each pair of nodes is joined by a QEMU "dgram" netdev over UDP on the
# host's loopback: node i sends from port SM_NET_PORT + 16 * i + j to port
# SM_NET_PORT + 16 * j + i.  (Unix datagram sockets, used before, queue only
# net.unix.max_dgram_qlen = 10 packets: TCP between two VMs crawled at 5-10
# MB/s with pings of 2-11 ms.)  tests/vm/run.sh picks a free SM_NET_PORT per
# scenario; a scenario run by hand gets one from its pid.
SM_NET_PORT=${SM_NET_PORT:-$((20000 + ($$ % 170) * 256))}

qemu_netdevs() {
	local node=$1 self peer j
	self=$(node_index "$node")
	for j in "${!SM_NODES[@]}"; do
		peer=$((j + 1))
		[ "$peer" = "$self" ] && continue
		printf -- '-netdev dgram,id=l%d,local.type=inet,local.host=127.0.0.1,local.port=%d,remote.type=inet,remote.host=127.0.0.1,remote.port=%d ' \
			"$peer" $((SM_NET_PORT + 16 * self + peer)) \
			$((SM_NET_PORT + 16 * peer + self))
		printf -- '-device virtio-net-pci,netdev=l%d,mac=52:54:00:5e:%02x:%02x ' \
			"$peer" "$self" "$peer"
		# SM_CAPTURE=yes: every frame of the link, both ways, into
		# link-PEER.pcap in the node's directory (what a wire tap sees).
		[ "${SM_CAPTURE:-no}" = yes ] &&
			printf -- '-object filter-dump,id=cap%d,netdev=l%d,file=%s/link-%s.pcap,maxlen=65536 ' \
				"$peer" "$peer" "$(node_dir "$node")" "${SM_NODES[$j]}"
	done
	return 0
}

# The disks (data, meta) of a node.  SM_DISKS=volatile (the default): each
# is served by sm-diskcache (tests/vm/diskcache.c), a disk with a volatile
# write cache: what no completed FLUSH or FUA covers is lost at a power cut
# (crash).  SM_DISKS=plain: raw files, where a crash loses nothing.
SM_DISKS=${SM_DISKS:-volatile}
# What a power cut keeps of the cache: "all" loses every unflushed write,
# "random" keeps each with probability 1/2 (FUA writes always); read when a
# node's disks start (boot).
SM_CUT=${SM_CUT:-all}
SM_DISK_NAMES="data meta"

qemu_disks() {
	local dir disk
	dir=$(node_dir "$1")
	for disk in $SM_DISK_NAMES; do
		if [ "$SM_DISKS" = volatile ]; then
			printf -- '-drive driver=nbd,server.type=unix,server.path=%s,if=none,id=%s,discard=unmap ' \
				"$dir/$disk.nbd" "$disk"
		else
			printf -- '-drive file=%s,if=none,id=%s,format=raw,cache=unsafe,discard=unmap ' \
				"$dir/$disk.img" "$disk"
		fi
		printf -- '-device virtio-blk-pci,drive=%s,serial=%s ' "$disk" "$disk"
	done
}

# disks_start NODE: NODE's disk servers, unless running (volatile disks).
disks_start() {
	local dir disk
	[ "$SM_DISKS" = volatile ] || return 0
	dir=$(node_dir "$1")
	for disk in $SM_DISK_NAMES; do
		[ -f "$dir/$disk.cache.pid" ] && continue
		rm -f "$dir/$disk.nbd"
		"$SM_TOP/build/tools/bin/sm-diskcache" --socket "$dir/$disk.nbd" \
			--image "$dir/$disk.img" --pidfile "$dir/$disk.cache.pid" \
			--cut "$SM_CUT" $([ "$SM_CUT" = random ] && echo --seed "$RANDOM$RANDOM") \
			--arm-file "$dir/$disk.arm" --trigger-file "$dir/$disk.fired" \
			--log "$dir/$disk.cache.log" --daemonize ||
			fail "boot: sm-diskcache for $1's $disk failed: $(tail -n 2 "$dir/$disk.cache.log")"
	done
}

# disks_stop NODE SIGNAL: end NODE's disk servers: USR1 is a power cut (the
# cache is lost), TERM a clean stop (everything kept).  Waits for each to
# finish (it removes its pidfile last) and logs what the cut lost.
disks_stop() {
	local dir disk pidfile deadline
	[ "$SM_DISKS" = volatile ] || return 0
	dir=$(node_dir "$1")
	for disk in $SM_DISK_NAMES; do
		pidfile=$dir/$disk.cache.pid
		[ -f "$pidfile" ] || continue
		kill -"$2" "$(cat "$pidfile")" 2>/dev/null || rm -f "$pidfile"
	done
	for disk in $SM_DISK_NAMES; do
		pidfile=$dir/$disk.cache.pid
		deadline=$((SECONDS + 60))
		while [ -f "$pidfile" ]; do
			[ $SECONDS -lt $deadline ] || fail "$1's $disk server did not end"
			sleep 0.05
		done
		[ "$2" = USR1 ] && log "$1 $disk: $(grep 'cut (mode' "$dir/$disk.cache.log" | tail -n 1 | sed 's/^sm-diskcache: //')"
	done
	return 0
}

# cut_at NODE DISK OFFSET LENGTH [N]: arm NODE's DISK to stop at the Nth
# write (default the first) that touches bytes OFFSET..OFFSET+LENGTH-1 from
# now on: that write reaches the medium, nothing is answered after it.
# cut_wait NODE DISK SECONDS then waits for it and power-cuts NODE (that
# write kept, the rest of the cache lost as the cut mode says).
cut_at() {
	local dir
	[ "$SM_DISKS" = volatile ] || fail "cut_at: needs SM_DISKS=volatile"
	dir=$(node_dir "$1")
	echo "$3 $4 ${5:-1}" > "$dir/$2.arm"
	kill -HUP "$(cat "$dir/$2.cache.pid")"
}

cut_wait() {
	local dir deadline
	dir=$(node_dir "$1")
	deadline=$((SECONDS + $3))
	until [ -s "$dir/$2.fired" ]; do
		[ $SECONDS -lt $deadline ] || fail "cut_wait: no write reached $1's $2 armed range in $3 s"
		sleep 0.05
	done
	log "$1 $2: trigger fired: $(cat "$dir/$2.fired")"
	crash "$1"
}

# boot NODE: start NODE's QEMU (disks kept from before) and wait for its
# agent.  Prints the boot time.
boot() {
	local node=$1 dir kernel initrd cmdline start deadline nodes
	dir=$(node_dir "$node")
	node_alive "$node" && fail "boot: $node is already running"
	case "$SM_KERNEL" in
	debug)
		kernel=${SM_KERNEL_DEBUG:?} initrd=${SM_INITRD_DEBUG:?}
		# KUnit is built in but off by default in 6.1 (kunit.enable).
		cmdline="kunit.enable=1"
		;;
	stock)
		kernel=${SM_KERNEL_STOCK:?} initrd=${SM_INITRD_STOCK:?}
		cmdline=
		;;
	*) fail "boot: unknown kernel flavour '$SM_KERNEL'" ;;
	esac
	# SM_SYSTEMD=yes: systemd is PID 1 (tests/vm/init).
	[ "${SM_SYSTEMD:-no}" = yes ] && cmdline="$cmdline sm.systemd=1"
	nodes=$(IFS=,; echo "${SM_NODES[*]}")
	# Command logs of earlier boots stay; only the ready flag goes.
	mkdir -p "$dir/share/cmd"
	disks_start "$node"
	rm -f "$dir/share/ready"
	rm -f "$dir/ctl.in" "$dir/ctl.out"
	mkfifo "$dir/ctl.in" "$dir/ctl.out"
	echo "=== boot $node $(date +%T) kernel=$SM_KERNEL ===" >> "$dir/console.log"
	start=$(date +%s%N)
	# shellcheck disable=SC2046
	qemu-system-x86_64 -nodefaults -display none -no-reboot \
		-machine pc -accel tcg -cpu max -smp "$SM_SMP" -m "$SM_MEM" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 acpi=noirq $SM_GUEST_ARGS sm.node=$node sm.nodes=$nodes ${SM_MTU:+sm.mtu=$SM_MTU} $cmdline" \
		-chardev file,id=console,path="$dir/console.log",append=on \
		-serial chardev:console \
		$(qemu_disks "$node") \
		$(qemu_netdevs "$node") \
		-virtfs local,path="$dir/share",mount_tag=host,security_model=none,id=host \
		-device virtio-serial-pci \
		-chardev pipe,id=ctl,path="$dir/ctl" \
		-device virtserialport,chardev=ctl,name=ctl \
		>> "$dir/qemu.log" 2>&1 < /dev/null &
	# Not -daemonize: that sends QEMU's own errors (an assertion, an exit
	# on a backend failure) to /dev/null; here they stay in qemu.log.
	echo $! > "$dir/qemu.pid"
	disown $!	# no "Killed" line from bash at a power cut
	deadline=$((SECONDS + SM_BOOT_TIMEOUT))
	while [ ! -f "$dir/share/ready" ]; do
		node_alive "$node" || fail "boot: $node died while booting (see $dir/console.log)"
		[ $SECONDS -lt $deadline ] || fail "boot: $node not ready after ${SM_BOOT_TIMEOUT}s"
		sleep 0.1
	done
	log "$node up in $(( ($(date +%s%N) - start) / 1000000 )) ms ($SM_KERNEL kernel)"
}

# crash [--keep-cache] NODE: power cut: SIGKILL to its QEMU, and its disks
# lose their volatile caches.  --keep-cache: the disks keep every write
# (a crash of the node alone, not of its power).
crash() {
	local node pidfile pid sig=USR1
	[ "$1" = --keep-cache ] && { sig=TERM; shift; }
	node=$1
	pidfile=$(node_dir "$node")/qemu.pid
	node_alive "$node" || fail "crash: $node is not running"
	pid=$(cat "$pidfile")
	kill -9 "$pid"
	while pid_running "$pid"; do sleep 0.05; done
	rm -f "$pidfile"
	disks_stop "$node" "$sig"
	echo "=== crash $node $(date +%T) ===" >> "$(node_dir "$node")/console.log"
	log "$node crashed"
}

# on_bg NODE CMD...: start CMD (a shell command line) on NODE; prints an id
# for on_wait.
on_bg() {
	local node=$1 dir id
	shift
	dir=$(node_dir "$node")
	node_alive "$node" || fail "on: $node is not running"
	id=$(date +%s%N)-$BASHPID-$RANDOM
	printf '%s\n' "$*" > "$dir/share/cmd/$id.sh"
	log "$node\$ $*"
	# Read-write open: never blocks, even if QEMU died a moment ago.
	echo "$id" 1<> "$dir/ctl.in"
	echo "$id"
}

# on_wait [-t SECS] NODE ID: wait for a command, print its output, return its
# exit status.
on_wait() {
	local timeout=$SM_CMD_TIMEOUT node id dir deadline
	if [ "$1" = -t ]; then timeout=$2; shift 2; fi
	node=$1 id=$2
	dir=$(node_dir "$node")/share/cmd
	deadline=$((SECONDS + timeout))
	while [ ! -f "$dir/$id.rc" ]; do
		node_alive "$node" || fail "on $node: node went away during '$(cat "$dir/$id.sh")'"
		[ $SECONDS -lt $deadline ] ||
			fail "on $node: '$(cat "$dir/$id.sh")' still running after ${timeout}s"
		sleep 0.05
	done
	cat "$dir/$id.out"
	return "$(cat "$dir/$id.rc")"
}

# on [-t SECS] NODE CMD...: run CMD on NODE; its output on stdout, its exit
# status returned.
on() {
	local opts=() id
	if [ "$1" = -t ]; then opts=(-t "$2"); shift 2; fi
	id=$(on_bg "$@")
	on_wait "${opts[@]}" "$1" "$id"
}

# must_fail CMD...: CMD has to fail.
must_fail() {
	if "$@"; then
		fail "expected failure: $*"
	fi
}

# assert_eq GOT WANT WHAT
assert_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# partition A B: drop all traffic between A and B in both directions.
partition() {
	drop "$1" "$2"
	drop "$2" "$1"
}

# drop FROM TO: TO silently loses everything FROM sends it (one way).
drop() {
	local from to
	from=$(node_index "$1") to=$2
	on "$to" nft add rule ip harness input ip saddr "10.0.0.$from" drop >/dev/null
}

# heal: undo every partition/drop on every running node.
heal() {
	local node
	for node in "${SM_NODES[@]}"; do
		node_alive "$node" && on "$node" nft flush chain ip harness input >/dev/null
	done
	return 0
}

# netem NODE ARGS...: apply netem (e.g. "delay 5ms") to NODE's links;
# "netem NODE off" removes it.
netem() {
	local node=$1
	shift
	if [ "$*" = off ]; then
		on "$node" 'for d in /sys/class/net/eth*; do tc qdisc del dev ${d##*/} root 2>/dev/null; done; true' >/dev/null
	else
		on "$node" "for d in /sys/class/net/eth*; do tc qdisc replace dev \${d##*/} root netem $* || exit 1; done" >/dev/null
	fi
}

# disk_fail NODE [DISK]: every I/O to NODE's DISK (data or meta) fails from
# now on; disk_heal NODE [DISK] maps it back.
disk_fail() {
	on "$1" "dmsetup wipe_table ${2:-data}" >/dev/null
}

disk_heal() {
	local disk=${2:-data}
	on "$1" "dev=\$(ls /sys/block/*/serial | xargs grep -l '^$disk\$' | cut -d/ -f4);
		echo \"0 \$(cat /sys/block/\$dev/size) linear /dev/\$dev 0\" | dmsetup load $disk &&
		dmsetup resume $disk" >/dev/null
}

# disk_hash NODE [DISK] [BYTES]: sha256 of the first BYTES (default all) of
# NODE's backing file for DISK, read on the host (OpenSSL's sha256: with
# the CPU's SHA extensions about 3x faster than sha256sum on 1 GiB).
disk_hash() {
	local file
	file=$(node_dir "$1")/${2:-data}.img
	if [ -n "${3:-}" ] && [ "$3" != "$(stat -c %s "$file")" ]; then
		head -c "$3" "$file" | openssl dgst -sha256 -r | cut -d' ' -f1
	else
		openssl dgst -sha256 -r "$file" | cut -d' ' -f1
	fi
}

# stream_append STREAM ALL: add an ackcheck ISSUE/ACK STREAM to the file
# ALL of every round; a torn last line (cut by a crash) is dropped, and so
# are ackcheck's own messages (its stderr shares the command's output, e.g.
# "ackcheck: write of block ... failed" when I/O fails on purpose).
stream_append() {
	if [ -n "$(tail -c 1 "$1")" ]; then
		sed '$d' "$1"
	else
		cat "$1"
	fi | grep -E '^(ISSUE|ACK) ' >> "$2" || true
}

# tier CHECK FULL: the number (rounds, blocks ...) for the tier being run,
# CHECK under make check and FULL under make check-full (SM_TIER=full).
tier() {
	if [ "${SM_TIER:-check}" = full ]; then echo "$2"; else echo "$1"; fi
}

# idle_check NODE: every scenario ends with no task in D state and no I/O in
# flight on any block device of a running node.  A hang that the hung-task
# detector cannot see (a wait in slices, a bio that never completes) shows
# here.  Both must hold for the same moment within 10 s.  On failure, the
# stuck tasks' stacks and the in-flight counts are printed and sysrq-w
# dumps the blocked tasks on the node's console.
idle_check() {
	on -t 120 "$1" '
	stuck() {
		local s l st
		for s in /proc/[0-9]*/stat; do
			read -r l < "$s" 2>/dev/null || continue
			st=${l##*) }
			[ "${st%% *}" = D ] && echo "${s%/stat}"
		done
	}
	busy() {
		local f r w
		for f in /sys/block/*/inflight; do
			read -r r w < "$f" || continue
			[ $((r + w)) -gt 0 ] && echo "${f%/inflight} reads $r writes $w"
		done
	}
	for i in $(seq 1 50); do
		d=$(stuck) b=$(busy)
		[ -z "$d$b" ] && exit 0
		sleep 0.2
	done
	for p in $d; do
		echo "task in D state: ${p#/proc/} $(cat $p/comm 2>/dev/null) wchan $(cat $p/wchan 2>/dev/null)"
		sed "s/^/    /" $p/stack 2>/dev/null
	done
	[ -n "$b" ] && echo "I/O in flight: $b"
	echo w > /proc/sysrq-trigger
	exit 1'
}

sm_teardown() {
	local rc=$? node pidfile out
	if [ $rc -eq 0 ] && [ ! -f "$SM_RUNDIR/failed-commands" ]; then
		for node in "${SM_NODES[@]}"; do
			node_alive "$node" || continue
			out=$(idle_check "$node" 2>&1) && continue
			log "FAIL: $node did not end idle:"
			echo "$out" >&2
			echo "idle: $node" >> "$SM_RUNDIR/failed-commands"
		done
	fi
	for node in "${SM_NODES[@]}"; do
		pidfile=$(node_dir "$node")/qemu.pid
		[ -f "$pidfile" ] && kill -9 "$(cat "$pidfile")" 2>/dev/null
		rm -f "$pidfile"
		disks_stop "$node" TERM
	done
	if [ $rc -eq 0 ] && [ -f "$SM_RUNDIR/failed-commands" ]; then
		case "$(head -n 1 "$SM_RUNDIR/failed-commands")" in
		idle:*) ;;	# said above
		*) log "FAIL: a command failed inside \$(...): $(head -n 1 "$SM_RUNDIR/failed-commands")" ;;
		esac
		exit 1
	fi
}
