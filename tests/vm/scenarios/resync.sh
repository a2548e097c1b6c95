# SPDX-License-Identifier: GPL-2.0-only
#
# Resync moves only what differs, survives interruption, and never lets
# older resync data overwrite a newer application write:
#  1. B disconnects, A writes 100 MiB (about 10% of the 1 GiB volume) in
#     64 KiB blocks: A's bitmap counts them; B reconnects, the resync moves
#     no more than 12% of the volume and the data areas hash equal.
#  2. A resync throttled to 20 MiB/s is paused (nothing moves) and
#     resumed, then cut by a disconnect half way: the
#     next link goes on from the bitmap (total moved stays near what was
#     written, not twice it), and the copies agree.
#  3. fio with verify writes on A during a (throttled) resync: no error,
#     and the copies agree after.
# The check tier runs it at a quarter of every size (a 256 MiB volume,
# 25 MiB written ...; a 2 MiB/s throttle): the steps are the same.
# timeout: 1500

MiB=1048576
q=$(tier 4 1)		# sizes are divided by q
SM_DATA_SIZE=$((1024 / q))M

. "$SM_VM/mirror.sh"

uuid=4b5c6d7e-8f90-4a1b-8c2d-3e4f5a6b7c8d

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid
mirror_volume B 1 $uuid
mirror_link A B
on A smctl primary vol0
size=$(($(mirror_field A data_sectors) * 512))

# degraded_write OFFSET_MIB MIB: B is away; A writes MIB MiB of distinct
# 64 KiB blocks at random places from OFFSET_MIB on.
degraded_write() {
	on A fio --name=degraded --filename=/dev/mapper/vol0 --ioengine=io_uring \
		--direct=1 --rw=randwrite --bs=64k --iodepth=16 --offset=$(($1 * MiB)) \
		--size=$((size - $1 * MiB)) --io_size=$(($2 * MiB)) --randrepeat=0 \
		--output-format=terse > /dev/null
}

# 1. Disconnect, write 10%, reconnect.
on B smctl disconnect vol0
mirror_wait_state A lost 15 > /dev/null
degraded_write 0 $((100 / q))
oos=$(mirror_field A out_of_sync_bytes)
log "A after $((100 / q)) MiB written without B: $oos bytes out of sync"
[ "$oos" -ge $((100 / q * MiB)) ] && [ "$oos" -le $(((100 / q + 1) * MiB)) ] ||
	fail "A's bitmap counts $oos bytes after $((100 / q)) MiB of 64 KiB writes"
assert_eq "$(mirror_field A copies)" diverged "A's copies while B is away"
before=$(mirror_field A resynced_bytes)
mirror_link A B
moved=$(($(mirror_wait_synced A 300) - before))
log "resync after $((100 / q)) MiB written: moved $moved bytes ($((moved * 100 / size))% of the volume)"
[ "$moved" -le $((size * 12 / 100)) ] || fail "resync moved $moved bytes, more than 12% of $size"
[ "$moved" -ge $((100 / q * MiB)) ] || fail "resync moved $moved bytes, less than was written"
assert_eq "$(mirror_field B disk)" up-to-date "B's disk after the resync"
assert_eq "$(mirror_field B resync_received_bytes)" "$moved" "bytes B received by resync"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after the resync"

# 2. A resync interrupted half way resumes from the bitmap.
on B smctl disconnect vol0
mirror_wait_state A lost 15 > /dev/null
degraded_write $((200 / q)) $((200 / q))
written=$(mirror_field A out_of_sync_bytes)
on A smctl resync vol0 rate $(tier "--min 1M --max 2M" "--max 20M")
before=$(mirror_field A resynced_bytes)
mirror_link A B
deadline=$((SECONDS + 120))
while [ $(($(mirror_field A resynced_bytes) - before)) -lt $((60 / q * MiB)) ]; do
	[ $SECONDS -lt $deadline ] || fail "throttled resync did not reach $((60 / q)) MiB"
	sleep 1
done
assert_eq "$(mirror_field A sync_state)" source "A while resyncing"
assert_eq "$(mirror_field B sync_state)" target "B while resyncing"
assert_eq "$(mirror_field B disk)" inconsistent "B's disk while resyncing"
# Paused, nothing moves; resumed, it goes on.
on A smctl resync vol0 pause
assert_eq "$(mirror_field A sync_paused)" true "A's resync after pause"
sleep 1
paused_at=$(mirror_field A resynced_bytes)
sleep 3
assert_eq "$(mirror_field A resynced_bytes)" "$paused_at" "bytes resynced while paused"
on A smctl resync vol0 resume --no-wait
sleep 3
[ "$(mirror_field A resynced_bytes)" -gt "$paused_at" ] || fail "the resync did not go on after resume"
on B smctl disconnect vol0
mirror_wait_state A lost 15 > /dev/null
left=$(mirror_field A out_of_sync_bytes)
log "interrupted: $written bytes out of sync at the start, $left left"
[ "$left" -gt 0 ] && [ "$left" -lt "$written" ] || fail "out of sync after interruption: $left of $written"
assert_eq "$(mirror_field B disk)" inconsistent "B's disk after the interrupted resync"
on A smctl resync vol0 rate --max 0
mirror_link A B
moved=$(($(mirror_wait_synced A 300) - before))
log "interrupted resync: moved $moved bytes in all for $written out of sync"
[ "$moved" -le $((written + 8 * MiB)) ] || fail "resync started over: moved $moved for $written"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after the resumed resync"

# 3. Application writes (fio verify) while a resync runs.
on B smctl disconnect vol0
mirror_wait_state A lost 15 > /dev/null
degraded_write $((500 / q)) $((150 / q))
on A smctl resync vol0 rate --min $(tier 2M 5M) --max $(tier 4M 10M)
mirror_link A B
assert_eq "$(mirror_field A sync_state)" source "A when fio starts"
on A fio --name=during-resync --filename=/dev/mapper/vol0 --ioengine=io_uring \
	--direct=1 --rw=randrw --bs=4k --iodepth=16 --offset=$((480 / q * MiB)) \
	--size=$((200 / q * MiB)) --time_based --runtime=$(tier 10 20) --verify=crc32c \
	--verify_fatal=1 --output-format=terse > "$SM_RUNDIR/during-resync.terse" ||
	fail "fio during the resync"
assert_eq "$(cut -d';' -f5 "$SM_RUNDIR/during-resync.terse")" 0 "fio error code during the resync"
on A smctl resync vol0 rate --max 0
mirror_wait_synced A 300 > /dev/null
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after fio during the resync"

on A dmsetup remove vol0
on B dmsetup remove vol0
