# SPDX-License-Identifier: GPL-2.0-only
#
# A power cut in the middle of an activity-log transaction, at the moment
# its block reaches the disk (sm-diskcache's trigger), with everything the
# disks have not flushed lost but that block.  A's activity log holds 8
# extents of 4 MiB.  fio fills extents 0-7 with plain writes (no flush:
# they sit in A's disk cache), then one write to extent 8 makes A commit a
# transaction that evicts one of 0-7.  The cut comes as that transaction
# block is written.  Before it, the evicted extent's writes must have been
# made stable (REQ_PREFLUSH on the same disk; a flush of the data device
# when the metadata is on another one): the extent is no longer in the log,
# so nothing would resync it.  A boots, its activity log goes into its
# bitmap, it resyncs to B, and the data areas must hash equal.
# Two cases: internal metadata (the log on the data disk) and external
# (the log on the meta disk).  make check-full runs each three times.
# timeout: 1800

. "$SM_VM/mirror.sh"

MiB=1048576
uuid=7c2e9a41-5b3d-4f60-8e71-0a9b8c7d6e5f
rounds=$(tier 1 3)
SM_DATA_SIZE=256M

# al_cut CASE [create-md options]
al_cut() {
	local name=$1 disk=data meta= json off blocks
	shift
	[ "${1:-}" = --meta ] && { disk=meta; meta="--meta $2"; }
	# The last 4 MiB held an earlier case's internal metadata, different
	# on each node: zero them, as the external case's data area has them.
	for node in A B; do
		on $node "dmsetup remove vol0 2>/dev/null; true"
		on $node dd if=/dev/zero of=/dev/mapper/data bs=1M seek=252 count=4 \
			oflag=direct 2> /dev/null
	done
	mirror_volume A 0 $uuid --al-extents 8 "$@"
	mirror_volume B 1 $uuid --al-extents 8 "$@"
	mirror_link A B
	on A smctl primary vol0
	# Extents 0-7 into the log, then plain writes into them for a while.
	on A fio --name=fill --filename=/dev/mapper/vol0 --ioengine=io_uring \
		--direct=1 --rw=randwrite --bs=4k --iodepth=16 --size=$((32 * MiB)) \
		--time_based --runtime=4 --randrepeat=0 --output-format=terse > /dev/null
	json=$(on A smctl -j dump-md --data /dev/mapper/data $meta)
	off=$(echo "$json" | sed -n 's/.*"al":{"offset":\([0-9]*\),"blocks":\([0-9]*\).*/\1/p')
	blocks=$(echo "$json" | sed -n 's/.*"al":{"offset":\([0-9]*\),"blocks":\([0-9]*\).*/\2/p')
	[ -n "$off" ] && [ -n "$blocks" ] || fail "$name: no activity-log ring in dump-md"
	cut_at A $disk "$off" $((blocks * 4096))
	# Extent 8: a transaction that evicts one of 0-7.
	on_bg A dd if=/dev/urandom of=/dev/mapper/vol0 bs=4k count=1 seek=$((32 * MiB / 4096)) \
		oflag=direct > /dev/null
	cut_wait A $disk 60
	mirror_wait_state B lost 15 > /dev/null
	boot A
	on A modprobe dm-syncmirror
	on A "dmsetup create vol0 --table \"\$(smctl dump-md --data /dev/mapper/data $meta | sed -n 's/^table: //p')\""
	on B smctl disconnect vol0 2>/dev/null || true
	mirror_link A B
	moved=$(mirror_wait_synced A 300)
	mirror_wait_synced B 60 > /dev/null
	log "$name: A resynced $moved bytes after the cut"
	assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" \
		"$name: data areas after a cut in an activity-log transaction"
}

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
for round in $(seq 1 "$rounds"); do
	al_cut "internal ($round)"
	al_cut "external ($round)" --meta /dev/mapper/meta
done
