# SPDX-License-Identifier: GPL-2.0-only
#
# Online verify and the full sync of a new peer:
#  1. Two new copies (no --clean) refuse to connect until one is forced
#     primary; then the peer gets a full sync and the data areas agree.
#  2. One 4 KiB block of B's backing disk is changed behind the target's
#     back while fio writes on A; `smctl verify` on A finds exactly that
#     region (one mismatch, one region out of sync, at its offset);
#     `smctl resync start` repairs it; a second verify finds nothing.
# The check tier uses a 128 MiB volume, check-full 256 MiB.
# timeout: 1200

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=$(tier 128M 256M)
MiB=1048576
uuid=5c6d7e8f-9012-4b3c-8d4e-5f6a7b8c9d0e

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
MIRROR_FULL_SYNC=1 mirror_volume A 0 $uuid
MIRROR_FULL_SYNC=1 mirror_volume B 1 $uuid
# Different data on each: the full sync has to move all of it.
on A dd if=/dev/urandom of=/dev/mapper/data bs=1M count=64 oflag=direct status=none
assert_eq "$(mirror_field A disk)" inconsistent "A's new copy"
must_fail on A smctl primary vol0
waiter=$(on_bg B "$(mirror_connect_cmd vol0 --listen 0.0.0.0:7789 --timeout 60)")
on A "$(mirror_connect_cmd vol0 --peer B:7789 --timeout 60)"
on_wait B "$waiter"
assert_eq "$(mirror_wait_state A refused 15)" \
	"refused (neither copy is consistent: promote one with smctl primary --force)" \
	"two new copies"
on A smctl disconnect vol0
on B smctl disconnect vol0
on A smctl primary vol0 --force
assert_eq "$(mirror_field A disk)" up-to-date "A after primary --force"
mirror_link A B
size=$(($(mirror_field A data_sectors) * 512))
moved=$(mirror_wait_synced A 300)
log "full sync of a new peer: $moved bytes for a $size-byte volume"
assert_eq "$moved" "$size" "bytes of the full sync"
assert_eq "$(mirror_field B disk)" up-to-date "B after the full sync"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after the full sync"

# 2. A block changed on B behind the target's back.
fio_job=$(on_bg A fio --name=load --filename=/dev/mapper/vol0 --ioengine=io_uring \
	--direct=1 --rw=randwrite --bs=4k --iodepth=8 --size=32M \
	--time_based --runtime=10 --output-format=terse)
on_wait -t 120 A "$fio_job" > /dev/null
target=$((100 * MiB + 12 * 1024))
dd if=/dev/urandom of="$(node_dir B)/data.img" bs=4096 count=1 \
	seek=$((target / 4096)) conv=notrunc status=none
on A "smctl verify vol0; echo rc=\$?" > "$SM_RUNDIR/verify1.out"
log "verify: $(tr '\n' ' ' < "$SM_RUNDIR/verify1.out")"
grep -q '^rc=2$' "$SM_RUNDIR/verify1.out" || fail "verify did not report the difference"
assert_eq "$(mirror_field A verify_mismatches)" 1 "regions verify found different"
assert_eq "$(mirror_field A verify_first_mismatch)" $((100 * MiB)) "offset of the differing region"
assert_eq "$(mirror_field A out_of_sync_bytes)" $((64 * 1024)) "out of sync after verify"
before=$(mirror_field A resynced_bytes)
on A smctl resync vol0 start
moved=$(($(mirror_wait_synced A 60) - before))
assert_eq "$moved" $((64 * 1024)) "bytes the repair moved"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after the repair"
on A "smctl verify vol0; echo rc=\$?" > "$SM_RUNDIR/verify2.out"
grep -q '^rc=0$' "$SM_RUNDIR/verify2.out" || fail "second verify: $(cat "$SM_RUNDIR/verify2.out")"
assert_eq "$(mirror_field A verify_mismatches)" 0 "regions different after the repair"

on A dmsetup remove vol0
on B dmsetup remove vol0
