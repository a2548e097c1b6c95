# SPDX-License-Identifier: GPL-2.0-only
#
# Power cuts that lose the disks' volatile caches (sm-diskcache: whatever
# no completed FLUSH or FUA covers is gone).  A writes two streams on vol0:
# ackcheck's O_DSYNC writes (each durable when acknowledged) on the first
# 64 MiB and fio's plain O_DIRECT writes (durable only after a flush) on
# the next 16 MiB (64 MiB in case both), both random, with an activity log
# of 8 extents of 4 MiB, so that extents keep leaving it.  An O_DSYNC write
# flushes the whole disk cache (virtio-blk has no FUA), so in cases
# primary, secondary and al ackcheck stops a second before the cut: fio's
# writes then sit in the cache (its four extents stay in the log) and the
# cut has to lose some.  In the two cases that cut both nodes fio writes
# 64 MiB, so that its extents keep leaving the log: in case both ackcheck
# writes until the cut (its acknowledged writes are the newest in both
# caches; a correct kernel loses next to nothing there), in case
# both-cached it stops a second before (the mutation no-peer-flush leaves
# the copies different there).  One case each:
#
#   primary     A is cut (external metadata);
#   secondary   B is cut, A writes on;
#   both        A and B are cut at once: each copy on its own, before any
#               resync, holds every acknowledged write;
#   both-cached the same, with fio alone writing in the last second;
#   resync      B is cut while it is the target of a resync;
#   al          A is cut, internal metadata (activity-log transactions on
#               the data device itself);
#   demote      A is demoted with B's cache holding fio's writes, then both
#               are cut: the copies must still be equal (the demotion
#               flushes B);
#   remove      the same with vol0 removed on A instead (the suspend
#               before it flushes B).
#
# After each cut the node boots from what its disks kept, rejoins, and the
# resync that follows must leave the data areas equal (sha256 on the host)
# and every acknowledged ackcheck write on both nodes (ackcheck verify).
# make check-full runs the eight cases twice more with SM_CUT=random on the
# second pass (a random half of the unflushed writes survive), 24 cuts.
# timeout: 2400

. "$SM_VM/mirror.sh"

MiB=1048576
uuid=5a1d2c3b-4e5f-4061-8273-9a8b7c6d5e4f
passes=$(tier 1 3)

# pc_pair [create-md options]: fresh metadata and vol0 on A (node 0,
# primary) and B (node 1), linked and in sync.
pc_pair() {
	local node
	for node in A B; do
		on $node "dmsetup remove vol0 2>/dev/null; true"
	done
	mirror_volume A 0 $uuid --al-extents 8 "$@" &
	pid=$!
	mirror_volume B 1 $uuid --al-extents 8 "$@"
	wait $pid || fail "vol0 on A"
	mirror_link A B
	on A smctl primary vol0
	PC_MD=("$@")
}

# pc_load [FIO-MiB]: start the two writers on A; sets PC_WRITER
# (ackcheck's id).
pc_load() {
	PC_WRITER=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks 16384 \
		--qd 8 --writer 7 --seed $RANDOM)
	PC_FIO=$(on_bg A fio --name=plain --filename=/dev/mapper/vol0 --ioengine=io_uring \
		--direct=1 --rw=randwrite --bs=4k --iodepth=16 --offset=$((64 * MiB)) \
		--size=$((${1:-16} * MiB)) --time_based --runtime=600 --randrepeat=0 \
		--status-interval=1 --output-format=terse)
	pc_wait_load
}

# pc_wait_load: both writers are writing (fio takes seconds to start on
# the debug kernel): ackcheck has acknowledged writes and fio reported
# written bytes.
pc_wait_load() {
	local share=$SM_RUNDIR/A/share/cmd deadline=$((SECONDS + 60))
	until grep -q '^ACK' "$share/$PC_WRITER.out" 2>/dev/null &&
	      [ "$(cut -d';' -f47 "$share/$PC_FIO.out" 2>/dev/null | sort -n | tail -n 1)" -gt 0 ] 2>/dev/null; do
		[ $SECONDS -lt $deadline ] || fail "the writers did not start within 60 s"
		sleep 0.2
	done
}

# pc_stop_load: end the writers on A (A still running).  fio gets SIGKILL:
# its output is not needed, and once it was seen to hang for minutes in
# its own exit after SIGTERM (job process in futex_wait, device closed).
pc_stop_load() {
	on A "killall -q -KILL fio; killall -q ackcheck; while pidof fio ackcheck; do sleep 0.2; done; true" > /dev/null
}

# pc_keep_stream: what ackcheck printed so far joins all.log (a torn last
# line dropped); at least one write must have been acknowledged.
pc_keep_stream() {
	local stream=$SM_RUNDIR/A/share/cmd/$PC_WRITER.out acks
	acks=$(grep -c '^ACK' "$stream" || true)
	[ "$acks" -gt 0 ] || fail "$1: no write acknowledged"
	stream_append "$stream" "$SM_RUNDIR/A/share/all.log"
	log "$1: $acks writes acknowledged"
}

# pc_rejoin NODE: after a power cut, boot NODE and load vol0 from what its
# disks kept.
pc_rejoin() {
	local meta=
	boot "$1"
	on "$1" modprobe dm-syncmirror
	[ "${PC_MD[0]:-}" = --meta ] && meta="--meta ${PC_MD[1]}"
	on "$1" "dmsetup create vol0 --table \"\$(smctl dump-md --data /dev/mapper/data $meta | sed -n 's/^table: //p')\""
}

# pc_rejoin_while CUT PEER: CUT boots again while PEER notices the loss
# (its ping timeout): both take seconds, neither needs the other.
pc_rejoin_while() {
	local pid
	pc_rejoin "$1" &
	pid=$!
	mirror_wait_state "$2" lost 15 > /dev/null
	wait $pid || fail "$1 did not come back"
}

# pc_relink: reconnect and wait for the resync to end; then the data
# areas hash equal and every acknowledged write is on both.
pc_relink() {
	local moved
	on A smctl disconnect vol0 2>/dev/null || true
	on B smctl disconnect vol0 2>/dev/null || true
	mirror_link A B
	moved=$(mirror_wait_synced A 600)
	mirror_wait_synced B 60 > /dev/null
	log "$1: resync done ($moved bytes resynced by A in all)"
	# Each node's checks run while the other's do.
	mirror_data_hash A > "$SM_RUNDIR/hash.A" &
	pid=$!
	hash_b=$(mirror_data_hash B)
	wait $pid || fail "$1: A's data area hash"
	assert_eq "$hash_b" "$(cat "$SM_RUNDIR/hash.A")" "$1: data areas after the resync"
	cp "$SM_RUNDIR/A/share/all.log" "$SM_RUNDIR/B/share/all.log"
	verify_a=$(on_bg A ackcheck verify --device /dev/mapper/data --log /host/all.log --writer 7)
	verify_b=$(on_bg B ackcheck verify --device /dev/mapper/data --log /host/all.log --writer 7)
	on_wait A "$verify_a" || fail "$1: an acknowledged write is missing on A"
	on_wait B "$verify_b" || fail "$1: an acknowledged write is missing on B"
}

# pc_sleep [both]: the writers run 3-7 s (make check: 2-4 s), then
# (unless "both") fio alone for a second (see above).
pc_sleep() {
	local ms=$(tier "$((2000 + RANDOM % 2000))" "$((3000 + RANDOM % 4000))")
	sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
	[ "${1:-}" = both ] && return 0
	on A "killall ackcheck; while pidof ackcheck; do sleep 0.1; done; true" > /dev/null
	sleep 1
}

# pc_lost NODE: the cut of NODE's data disk lost unflushed writes (with
# SM_CUT=all; a random cut may keep them all), else it proved nothing.
pc_lost() {
	local lost
	[ "$SM_CUT" = all ] || return 0
	lost=$(sed -n 's/.*cut (mode [a-z]*): \([0-9]*\) unflushed writes.*/\1/p' \
		"$SM_RUNDIR/$1/data.cache.log" | tail -n 1)
	[ "${lost:-0}" -gt 0 ] || fail "the cut of $1 lost no unflushed write: it proves nothing"
	log "$1's cut lost $lost unflushed writes"
}

case_primary() {
	pc_pair --meta /dev/mapper/meta
	pc_load
	pc_sleep
	crash A
	pc_lost A
	pc_keep_stream primary
	pc_rejoin_while A B
	pc_relink primary
}

case_secondary() {
	pc_pair --meta /dev/mapper/meta
	pc_load
	pc_sleep
	crash B
	pc_lost B
	pc_rejoin B &		# B boots while A writes on alone
	pid=$!
	mirror_wait_state A lost 15 > /dev/null
	sleep 2
	pc_stop_load
	pc_keep_stream secondary
	wait $pid || fail "secondary: B did not come back"
	pc_relink secondary
}

# case_both [cached]
case_both() {
	local name=both${1:+-$1}

	pc_pair --meta /dev/mapper/meta
	pc_load 64
	pc_sleep ${1:-both}
	crash A &
	pid=$!
	crash B
	wait $pid || fail "$name: crash A failed"
	pc_keep_stream $name
	# ($! right away: boot starts QEMU in the background too.)
	pc_rejoin A &
	pid=$!
	pc_rejoin B
	wait $pid || fail "$name: A did not come back"
	# Before any resync: each copy alone holds every acknowledged write
	# (B's is what a failover would serve).
	cp "$SM_RUNDIR/A/share/all.log" "$SM_RUNDIR/B/share/all.log"
	on A ackcheck verify --device /dev/mapper/data --log /host/all.log --writer 7 ||
		fail "$name: an acknowledged write is missing on A's own disk"
	on B ackcheck verify --device /dev/mapper/data --log /host/all.log --writer 7 ||
		fail "$name: an acknowledged write is missing on B's own disk"
	pc_relink $name
}

case_both-cached() {
	case_both cached
}

case_resync() {
	pc_pair --meta /dev/mapper/meta
	on B smctl disconnect vol0
	mirror_wait_state A lost 15 > /dev/null
	pc_load
	sleep 5
	pc_stop_load
	pc_keep_stream resync
	log "resync: $(mirror_field A out_of_sync_bytes) bytes out of sync on A"
	on A smctl resync vol0 rate --max 4M
	mirror_link A B
	sleep 2
	assert_eq "$(mirror_field B sync_state)" target "B before the cut"
	crash B
	pc_rejoin B
	on A smctl resync vol0 rate --max 0
	pc_relink resync
}

case_al() {
	local sectors node
	pc_pair
	pc_load
	pc_sleep
	crash A
	pc_lost A
	pc_keep_stream al
	pc_rejoin_while A B
	pc_relink al
	# The internal metadata, different on each node, sits in what the
	# next external-metadata case takes for data (and a --clean pair
	# never syncs): zeroed on both, and flushed (a dd with conv=fsync
	# flushes the disk's cache), lest a later cut bring it back.
	sectors=$(mirror_field A data_sectors)
	for node in A B; do
		on $node "dmsetup remove vol0 &&
			blkdiscard --zeroout --offset $((sectors * 512)) /dev/mapper/data &&
			dd if=/dev/zero of=/dev/mapper/data bs=512 count=1 seek=$sectors \
				oflag=direct conv=fsync status=none"
	done
}

# case_stop demote|remove: A stops being primary (smctl secondary, or
# dmsetup remove) with fio's last writes acknowledged by B but still in
# B's disk cache, then both nodes lose power.  A's superblock no longer
# says primary, so nothing replays A's activity log: B's copy must have
# been flushed first, else the copies differ with nothing marking where.
case_stop() {
	pc_pair --meta /dev/mapper/meta
	pc_load
	pc_sleep
	pc_stop_load
	pc_keep_stream "$1"
	if [ "$1" = demote ]; then
		on A smctl secondary vol0
	else
		on A dmsetup remove vol0
	fi
	crash A &
	pid=$!
	crash B
	wait $pid || fail "$1: crash A failed"
	pc_rejoin A &
	pid=$!
	pc_rejoin B
	wait $pid || fail "$1: A did not come back"
	pc_relink "$1"
}

case_demote() {
	case_stop demote
}

case_remove() {
	case_stop remove
}

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
# One stream for all cases: the disks keep earlier cases' blocks (equal on
# both nodes at the end of each case), which verify must know.
: > "$SM_RUNDIR/A/share/all.log"
for pass in $(seq 1 "$passes"); do
	for c in primary secondary both both-cached resync demote remove al; do
		log "=== pass $pass: $c (cut: $SM_CUT) ==="
		"case_$c"
	done
	# The next pass keeps a random half of the unflushed writes: the
	# disks' servers start again with it.
	[ "$pass" -lt "$passes" ] || break
	SM_CUT=random
	crash --keep-cache A
	crash --keep-cache B
	boot A &
	pid=$!
	boot B
	wait $pid || fail "reboot for pass $((pass + 1))"
	for node in A B; do on $node modprobe dm-syncmirror; done
done
log "$((passes * 8)) power cuts: nothing acknowledged lost, copies equal"
