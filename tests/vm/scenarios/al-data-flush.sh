# SPDX-License-Identifier: GPL-2.0-only
#
# With external metadata an activity-log transaction's REQ_PREFLUSH reaches
# the metadata device only.  So before a transaction that drops extents
# holding writes the data device may still cache, the data device is
# flushed; no other transaction costs a data flush.  One node, primary
# without a peer, external metadata, a log of 4 extents of 4 MiB; flushes
# counted on the data disk ("flush I/Os" of /sys/block/<disk>/stat):
#  1. one write into each of 4 new extents (none leaves the log): no flush;
#  2. 4 more extents, each dropping one written since the last flush: one
#     flush, before the first such transaction, covers all 4;
#  3. 4 more: the extents of step 2 leave, written after that flush: one
#     flush again;
#  4. an application flush, then 4 more extents: the extents that leave
#     were written before it, so no flush but the application's;
#  5. a write, then demotion: the superblock stops saying primary (the log
#     no longer counts at the next load), so the data device is flushed
#     first.
# That a disk which loses its volatile cache at a power cut then loses
# nothing is left to a scenario with a cache model (QEMU's cache=unsafe
# keeps every write, see Known issues in Documentation/syncmirror.rst).
# timeout: 600

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=256M
uuid=1d2e3f40-5a6b-4c7d-8e9f-a0b1c2d3e4f5
extent_blocks=1024	# 4 KiB blocks in an activity-log extent (4 MiB)

cluster A
on A modprobe dm-syncmirror
disk=$(on A "ls /sys/block/*/serial | xargs grep -l '^data\$' | cut -d/ -f4")
if [ "$(on A cat /sys/block/"$disk"/queue/write_cache)" != "write back" ]; then
	log "SKIP: the data disk $disk has no volatile write cache: flushes are not counted"
	exit 77
fi
line=$(on A smctl create-md --clean --data /dev/mapper/data --meta /dev/mapper/meta \
	--node-id 0 --uuid $uuid --al-extents 4 | sed -n 's/^table: //p')
on A "dmsetup create vol0 --table '$line'"
on A smctl primary vol0

# flushes: flush requests the data disk completed since boot.
flushes() {
	on A awk "'{ print \$16 }'" /sys/block/"$disk"/stat
}

# write_extents FIRST LAST: one 4 KiB O_DIRECT write at the start of each
# extent, one after the other, no flush.
write_extents() {
	on A "for e in \$(seq $1 $2); do
		dd if=/dev/urandom of=/dev/mapper/vol0 bs=4k count=1 \
			seek=\$((e * $extent_blocks)) oflag=direct status=none || exit 1
	done"
}

# step WHAT FIRST LAST WANT: write extents FIRST to LAST; the data disk
# must see WANT flushes meanwhile.
step() {
	local before got
	before=$(flushes)
	write_extents "$2" "$3"
	got=$(($(flushes) - before))
	log "$1: $got data flushes"
	assert_eq "$got" "$4" "data flushes for $1"
}

step "4 extents into an empty log" 0 3 0
step "4 extents dropping 4 written since the last flush" 4 7 1
step "4 more extents dropping the 4 written after that flush" 8 11 1

before=$(flushes)
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=4k count=1 seek=$((8 * extent_blocks)) \
	oflag=direct conv=fsync status=none
app=$(($(flushes) - before))
[ "$app" -ge 1 ] || fail "the application's flush did not reach the data disk"
step "4 extents dropping 4 written before an application flush" 12 15 0

write_extents 16 16
before=$(flushes)
on A smctl secondary vol0
assert_eq "$(($(flushes) - before))" 1 "data flushes for the demotion"

on A dmsetup remove vol0
