# SPDX-License-Identifier: GPL-2.0-only
#
# Torn or corrupt metadata never crashes the kernel and never loses track
# of what differs: bytes flipped in the newest superblock slot fall back to
# the older slot; both slots damaged is a clear refusal; a damaged bitmap
# block reads as all out of sync; a torn newest activity-log transaction
# after a crash as primary falls back to the transaction before it; a
# version 1 superblock is refused by name.
# timeout: 600

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=256M
uuid=7e8f9012-3b4c-4d5e-8f6a-7b8c9d0e1f2a
cluster A
on A modprobe dm-syncmirror
line=$(on A smctl create-md --clean --data /dev/mapper/data --node-id 0 --uuid $uuid |
	sed -n 's/^table: //p')
dev_bytes=$(on A blockdev --getsize64 /dev/mapper/data)
img=$(node_dir A)/data.img
slot0=$((dev_bytes - 4096))
slot1=$((dev_bytes - 8192))

# flip FILE OFFSET: change one byte of A's backing file (A's target is down).
flip() {
	python3 - "$img" "$1" <<'PY'
import sys
f = open(sys.argv[1], "r+b"); f.seek(int(sys.argv[2])); b = f.read(1)
f.seek(int(sys.argv[2])); f.write(bytes([b[0] ^ 0xff])); f.close()
PY
}
sb_seq() { on A "smctl -j dump-md --data /dev/mapper/data" | sed -n 's/.*"seq":\([0-9]*\).*/\1/p'; }

# Promote and demote: the superblock is written twice, both slots valid.
on A "dmsetup create vol0 --table '$line' && smctl primary vol0 && smctl secondary vol0 && dmsetup remove vol0"
seq=$(sb_seq)
log "superblock seq after promote/demote: $seq"
# seq 1 (create) went to slot 0, 2 (promote) to slot 1, 3 (demote) to
# slot 0; damage the newest: the older one is used.
newest=$slot1
[ $((seq % 2)) -eq 1 ] && newest=$slot0
flip $((newest + 100))
on A "dmsetup create vol0 --table '$line'"
# The older slot is the promoted state: it loads as a crash as primary,
# which is then recorded in the damaged slot's place.
on A "dmesg | tail -n 3 | grep -q 'vol0: crashed as primary'" ||
	fail "the older slot (promoted) was not the one loaded"
assert_eq "$(sb_seq)" "$seq" "superblock seq once the older slot's state is recorded"
on A dmsetup remove vol0

# Both slots damaged: refused with the reason, no volume.
flip $((slot0 + 200))
flip $((slot1 + 200))
must_fail on A "dmsetup create vol0 --table '$line'"
on A "dmesg | tail -n 5 | grep -q 'Superblock checksum mismatch'" ||
	fail "refusal of two damaged slots not logged"
line=$(on A smctl create-md --clean --force --data /dev/mapper/data --node-id 0 --uuid $uuid |
	sed -n 's/^table: //p')

# A damaged bitmap block: its regions are out of sync, the rest loads.
bm_offset=$(on A "smctl -j dump-md --data /dev/mapper/data" | sed -n 's/.*"bitmap":{"offset":\([0-9]*\).*/\1/p')
flip $((bm_offset + 2000))
on A "dmsetup create vol0 --table '$line'"
on A "dmesg | grep -q 'damaged bitmap blocks'" || fail "damaged bitmap block not logged"
assert_eq "$(mirror_field A out_of_sync_bytes)" $(($(mirror_field A data_sectors) * 512)) \
	"out of sync with the only bitmap block damaged"
on A dmsetup remove vol0

# Crash as primary with the newest AL transaction torn: the one before it.
line=$(on A smctl create-md --clean --force --data /dev/mapper/data --node-id 0 --uuid $uuid \
	--al-extents 8 | sed -n 's/^table: //p')
on A "dmsetup create vol0 --table '$line' && smctl primary vol0"
for mib in 0 40 80 120 160; do
	on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=64k count=1 seek=$((mib * 16)) oflag=direct status=none
done
crash A
boot A
on A modprobe dm-syncmirror
al=$(on A "smctl -j dump-md --data /dev/mapper/data")
al_offset=$(echo "$al" | sed -n 's/.*"al":{"offset":\([0-9]*\).*/\1/p')
al_block=$(echo "$al" | sed -n 's/.*"newest":{"block":\([0-9]*\).*/\1/p')
al_seq=$(echo "$al" | sed -n 's/.*"newest":{"block":[0-9]*,"seq":\([0-9]*\).*/\1/p')
log "activity log: newest transaction $al_seq in ring block $al_block"
[ "${al_seq:-0}" -ge 2 ] || fail "expected several AL transactions, got '$al_seq': $al"
flip $((al_offset + al_block * 4096 + 30))
on A "dmsetup create vol0 --table '$line'"
oos=$(mirror_field A out_of_sync_bytes)
log "after a crash with the newest transaction torn: $oos bytes out of sync"
# The transaction before the torn one named the first al_seq-1 extents;
# with no peer, each write's own region is in the bitmap too, and only the
# last one lies outside those extents.
assert_eq "$oos" $(((al_seq - 1) * 4 * 1048576 + 65536)) "out of sync from the previous transaction"
on A dmsetup remove vol0

# Version 1: refused by name.
python3 - "$img" "$slot0" <<'PY'
import struct, sys
f = open(sys.argv[1], "r+b"); off = int(sys.argv[2])
f.seek(off); blk = bytearray(f.read(4096))
struct.pack_into("<I", blk, 8, 1)
struct.pack_into("<I", blk, 4, 0)
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82f63b78 if crc & 1 else 0)
    return crc ^ 0xffffffff
struct.pack_into("<I", blk, 4, crc32c(bytes(blk)))
f.seek(off); f.write(blk); f.seek(off - 4096); f.write(bytes(4096)); f.close()
PY
must_fail on A "dmsetup create vol0 --table '$line'"
on A "dmesg | tail -n 5 | grep -q 'Superblock version 1 is not supported: run smctl create-md --force'" ||
	fail "version 1 refusal not logged"
