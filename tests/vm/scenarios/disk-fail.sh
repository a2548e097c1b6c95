# SPDX-License-Identifier: GPL-2.0-only
#
# A failing local disk on the primary costs the application nothing:
#  1. A's data disk fails every I/O (dm-error under it): reads are served
#     from B, the disk stays attached (a read error is no reason to give
#     the copy up).
#  2. fio with verify runs on A when its disk fails under it: the first
#     failed write detaches the disk, fio finishes without an error, A's
#     status says diskless, and what A reads (from B) is B's data.
#  3. The disk is replaced (new metadata): it comes back inconsistent and
#     gets a full sync from B; then the copies agree.
# The check tier uses a 64 MiB volume (the whole of it is read from B and
# fully synced), check-full 256 MiB.
# timeout: 1200

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=$(tier 64M 256M)
MiB=1048576
uuid=8f901a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid
mirror_volume B 1 $uuid
mirror_link A B
on A smctl primary vol0
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=32 oflag=direct status=none
want=$(on A "dd if=/dev/mapper/vol0 bs=1M count=32 iflag=direct status=none | sha256sum")

# 1. Reads only: served by B.
disk_fail A
got=$(on A "dd if=/dev/mapper/vol0 bs=1M count=32 iflag=direct status=none | sha256sum")
assert_eq "$got" "$want" "A's data read with its disk failing"
assert_eq "$(mirror_field A disk)" up-to-date "A's disk after read errors only"
on A "dmesg | grep -q 'local read at sector .* failed (-5): reading from the peer'" ||
	fail "A does not log the read it retried from the peer"
disk_heal A

# 2. fio with verify while the disk fails.
fio_job=$(on_bg A fio --name=disk-fail --filename=/dev/mapper/vol0 --ioengine=io_uring \
	--direct=1 --rw=randrw --bs=4k --iodepth=16 --size=$(tier 32M 128M) --time_based \
	--runtime=20 --verify=crc32c --verify_fatal=1 --output-format=terse)
sleep 6
disk_fail A
on_wait -t 180 A "$fio_job" > "$SM_RUNDIR/disk-fail.terse" || fail "fio while A's disk failed"
assert_eq "$(cut -d';' -f5 "$SM_RUNDIR/disk-fail.terse")" 0 "fio error code while A's disk failed"
assert_eq "$(mirror_field A disk)" diskless "A's disk after a failed write"
on A "dmesg | grep -q 'local disk failed a write (-5): detached, serving I/O through the peer'" ||
	fail "A does not log the detach"
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f8)" diskless "A's dm status"
assert_eq "$(mirror_field B peer_disk)" up-to-date "B's view before A reconnects"
sectors=$(mirror_field A data_sectors)
got=$(on A "dd if=/dev/mapper/vol0 bs=1M count=$((sectors / 2048)) iflag=direct status=none | sha256sum | cut -d' ' -f1")
assert_eq "$got" "$(disk_hash B data $((sectors / 2048 * MiB)))" "A's reads (from B) against B's disk"
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=8 seek=$(tier 40 64) oflag=direct status=none

# 3. A new disk: fresh metadata, a full sync from B.
on A smctl secondary vol0
on A dmsetup remove vol0
on B smctl disconnect vol0
disk_heal A
on A dd if=/dev/zero of=/dev/mapper/data bs=1M count=16 oflag=direct status=none
MIRROR_FULL_SYNC=1 mirror_volume A 0 $uuid
assert_eq "$(mirror_field A disk)" inconsistent "A's replaced disk"
mirror_link B A
moved=$(mirror_wait_synced B 300)
assert_eq "$moved" $((sectors * 512)) "bytes of the full sync to the replaced disk"
assert_eq "$(mirror_field A disk)" up-to-date "A's disk after the full sync"
assert_eq "$(mirror_data_hash A)" "$(mirror_data_hash B)" "data areas after the full sync"
on A dmsetup remove vol0
on B dmsetup remove vol0
