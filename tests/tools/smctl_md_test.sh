#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# smctl create-md / dump-md on image files: metadata version 2 lands where
# the format says (both superblock slots, the activity-log ring and the
# bitmap, located here by this script's own arithmetic), carries a standard
# CRC-32C (checked by an independent implementation), is not overwritten by
# accident; a damaged slot falls back to the other one, version 1 is
# refused, damaged bitmap blocks count as all ones; bad input is refused
# with exit status 2 and a message naming the problem.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
smctl=$top/build/tools/bin/smctl
[ -x "$smctl" ] || { echo "smctl not built: run make tools"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
passed=0
failed=0
uuid=6a0a9b1e-3c2d-4f5e-8a7b-112233445566

check() {	# check DESCRIPTION COMMAND...: COMMAND must succeed
	local what=$1
	shift
	if "$@"; then
		echo "ok: $what"
		passed=$((passed + 1))
	else
		echo "FAIL: $what"
		status=1
		failed=$((failed + 1))
	fi
}

# crc32c_ok FILE OFFSET: the block's csum is CRC-32C of it with csum zeroed.
crc32c_ok() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xffffffff
assert crc32c(b"123456789") == 0xE3069283
with open(sys.argv[1], "rb") as f:
    f.seek(int(sys.argv[2]))
    blk = bytearray(f.read(4096))
magic, csum = struct.unpack_from("<II", blk)
blk[4:8] = b"\0\0\0\0"
sys.exit(0 if magic == 0x524d5953 and csum == crc32c(bytes(blk)) else 1)
PY
}


# md.py COMMAND ARGS: reads and writes metadata blocks by this script's own
# reading of include/uapi/linux/syncmirror.h (offsets, CRC-32C).
cat > "$tmp/md.py" <<'PY'
import re, struct, sys
B = 4096
def crc32c(data):
    crc = 0xffffffff
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xffffffff
def read(path, off):
    with open(path, "rb") as f:
        f.seek(off)
        return bytearray(f.read(B))
def write(path, off, blk):
    blk[4:8] = b"\0\0\0\0"
    blk[4:8] = struct.pack("<I", crc32c(bytes(blk)))
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(blk)
def csum_ok(blk, magic):
    m, c = struct.unpack_from("<II", blk)
    z = bytearray(blk)
    z[4:8] = b"\0\0\0\0"
    return m == magic and c == crc32c(bytes(z))
SB = "<IIII16sQQQIIQQQ4QIIIIQQQ"	# up to bitmap_offset
NAMES = ("magic csum version flags uuid data_sectors md_offset md_size "
         "node_id region_shift create_time seq current_uuid h0 h1 h2 h3 "
         "al_extent_shift al_blocks al_extents peer_slots bitmap_blocks "
         "al_offset bitmap_offset").split()
cmd, path = sys.argv[1], sys.argv[2]
a = [int(x, 0) for x in sys.argv[3:] if "=" not in x]
def offset(name):	# where a field of SB is, and its format
    fields = re.findall(r"\d*[a-zA-Z]", SB.replace("4Q", "QQQQ"))
    i = NAMES.index(name)
    return struct.calcsize("<" + "".join(fields[:i])), "<" + fields[i]
if cmd == "sb":		# sb FILE OFFSET: the fields, name=value
    blk = read(path, a[0])
    assert csum_ok(blk, 0x524d5953), "slot checksum"
    for n, v in zip(NAMES, struct.unpack_from(SB, blk)):
        print("%s=%s" % (n, v.hex() if isinstance(v, bytes) else v))
    print("peer0_node=%d" % struct.unpack_from("<I", blk, 160))
elif cmd == "zero":	# zero FILE OFFSET COUNT: blocks all zero
    with open(path, "rb") as f:
        f.seek(a[0])
        sys.exit(0 if f.read(a[1] * B) == bytes(a[1] * B) else 1)
elif cmd == "bitmap":	# bitmap FILE OFFSET COUNT: valid empty blocks
    for i in range(a[1]):
        blk = read(path, a[0] + i * B)
        _, _, index, slot = struct.unpack_from("<IIII", blk)
        if not csum_ok(blk, 0x504d4253) or index != i or slot != 0 or any(blk[16:]):
            sys.exit(1)
elif cmd == "setseq":	# setseq FILE FROM TO SEQ: copy a slot, new seq
    blk = read(path, a[0])
    struct.pack_into("<Q", blk, 72, a[2])
    write(path, a[1], blk)
elif cmd == "set":	# set FILE OFFSET NAME=VALUE...: fields, re-checksummed
    blk = read(path, a[0])
    for arg in sys.argv[4:]:
        name, value = arg.split("=")
        where, fmt = offset(name)
        if fmt == "<16s":
            blk[where:where + 16] = int(value, 0).to_bytes(16, "big")
        else:
            struct.pack_into(fmt, blk, where, int(value, 0))
    write(path, a[0], blk)
elif cmd == "flip":	# flip FILE OFFSET
    with open(path, "r+b") as f:
        f.seek(a[0])
        b = f.read(1)[0]
        f.seek(a[0])
        f.write(bytes([b ^ 0xff]))
elif cmd == "v1":	# v1 FILE OFFSET: a version 1 superblock
    blk = bytearray(B)
    struct.pack_into("<IIII16sQQQII", blk, 0, 0x524d5953, 0, 1, 1,
                     bytes(range(16)), 129024, 66060288, 1048576, 0, 0)
    write(path, a[0], blk)
elif cmd == "bmbyte":	# bmbyte FILE OFFSET BYTE VALUE: set bits, re-checksum
    blk = read(path, a[0])
    blk[16 + a[1]] = a[2]
    write(path, a[0], blk)
elif cmd == "al":	# al FILE OFFSET SEQ EXTENT...: an AL transaction
    blk = bytearray(B)
    struct.pack_into("<IIQII", blk, 0, 0x4c414d53, 0, a[1], len(a) - 2, 0)
    for i, e in enumerate(a[2:]):
        struct.pack_into("<I", blk, 24 + 4 * i, e)
    write(path, a[0], blk)
PY
md() { python3 "$tmp/md.py" "$@"; }
field() {	# field FILE OFFSET NAME
	md sb "$1" "$2" | sed -n "s/^$3=//p"
}

truncate -s 64M "$tmp/data.img"
out=$("$smctl" create-md --data "$tmp/data.img" --node-id 1 --uuid "$uuid")
check "create-md internal succeeds" [ $? -eq 0 ]
# 64 MiB minus the default 1 MiB metadata area, in sectors.
check "create-md prints the table line" \
	grep -qx "table: 0 129024 syncmirror internal $tmp/data.img" <<< "$out"
check "superblock in the last 4 KiB with a standard CRC-32C" \
	crc32c_ok "$tmp/data.img" $((64 * 1024 * 1024 - 4096))

json=$("$smctl" -j dump-md --data "$tmp/data.img")
check "dump-md -j shows the volume" grep -q "\"volume_uuid\":\"$uuid\",\"node_id\":1,\"data_sectors\":129024,\"metadata\":\"internal\",\"md_offset\":66060288,\"md_size\":1048576" <<< "$json"

"$smctl" create-md --data "$tmp/data.img" --node-id 2 > "$tmp/out" 2>&1
check "create-md refuses to overwrite without --force" [ $? -eq 1 ]
check "  ... and says why" grep -q "already holds syncmirror metadata (volume $uuid, node 1); --force overwrites it" "$tmp/out"
check "create-md --force overwrites" \
	"$smctl" create-md --data "$tmp/data.img" --node-id 2 --force > /dev/null
check "  ... with a new node id" grep -q '"node_id":2' <<< "$("$smctl" -j dump-md --data "$tmp/data.img")"

# External metadata: superblock at byte 0 of the meta device.
truncate -s 32M "$tmp/meta.img"
check "create-md external succeeds" "$smctl" create-md --data "$tmp/data.img" \
	--meta "$tmp/meta.img" --node-id 0 --uuid "$uuid" > /dev/null
check "external superblock at offset 0" crc32c_ok "$tmp/meta.img" 0
check "external: all of the data device is data" grep -q '"data_sectors":131072,"metadata":"external","md_offset":0,"md_size":33554432' \
	<<< "$("$smctl" -j dump-md --data "$tmp/data.img" --meta "$tmp/meta.img")"

# A flipped byte is caught.
printf '\x01' | dd of="$tmp/meta.img" bs=1 seek=100 conv=notrunc 2>/dev/null
"$smctl" dump-md --data "$tmp/data.img" --meta "$tmp/meta.img" > "$tmp/out" 2>&1
check "dump-md fails on a damaged superblock" [ $? -eq 1 ]
check "  ... naming the checksum" grep -q "no valid syncmirror superblock: Superblock checksum mismatch" "$tmp/out"

# Version 2 layout, internal: 64 MiB device D, 1 MiB area from
# md_offset = 66060288; slot 0 at D-4096, slot 1 at D-8192, the 64-block
# ring below slot 1, the bitmap (1 block for 1008 regions) at md_offset.
D=$((64 * 1024 * 1024))
slot0=$((D - 4096)) slot1=$((D - 8192)) ring=$((D - 8192 - 64 * 4096))
truncate -s 64M "$tmp/v2.img"
"$smctl" create-md --data "$tmp/v2.img" --node-id 1 --uuid "$uuid" > /dev/null
fields=$(md sb "$tmp/v2.img" $slot0 | tr '\n' ' ')
check "v2 slot 0: version 2, seq 1, default geometry" grep -q \
	"version=2 flags=9 .* seq=1 current_uuid=0 .* al_extent_shift=13 al_blocks=64 al_extents=127 peer_slots=1 bitmap_blocks=1 al_offset=$ring bitmap_offset=66060288 peer0_node=4294967295" <<< "$fields"
check "  ... region shift 7 (64 KiB)" grep -q "region_shift=7 " <<< "$fields"
check "v2 slot 1 is zeroed" md zero "$tmp/v2.img" $slot1 1
check "v2 activity-log ring is zeroed" md zero "$tmp/v2.img" $ring 64
check "v2 bitmap block has a valid header and no bits" md bitmap "$tmp/v2.img" 66060288 1
json=$("$smctl" -j dump-md --data "$tmp/v2.img")
check "dump-md -j: v2 fields" grep -q "\"inconsistent\":true,\"seq\":1,\"slot\":0,\"slot_offsets\":\[$slot0,$slot1\],\"other_slot\":\"empty\",\"current_uuid\":\"0000000000000000\"" <<< "$json"
check "dump-md -j: geometry and offsets" grep -q "\"region_size\":65536,\"al\":{\"offset\":$ring,\"blocks\":64,\"extents\":127,\"extent_shift\":13,\"extent_size\":4194304,\"capacity_bytes\":532676608,\"valid_blocks\":0,\"empty_blocks\":64,\"damaged_blocks\":0,\"newest\":null}" <<< "$json"
check "dump-md -j: a clean bitmap" grep -q '"bitmap":{"offset":66060288,"blocks":1,"peer_slots":1,"bits_set":0,"out_of_sync_bytes":0,"damaged_blocks":0}' <<< "$json"
text=$("$smctl" dump-md --data "$tmp/v2.img")
check "dump-md: inconsistent without --clean" grep -q "^state        clean, inconsistent" <<< "$text"

# --clean: consistent, and the generation is the UUID's first 8 bytes
# (little-endian) | 1, the same on every node created with that UUID.
truncate -s 64M "$tmp/clean0.img" "$tmp/clean1.img"
"$smctl" create-md --data "$tmp/clean0.img" --node-id 0 --uuid "$uuid" --clean > /dev/null
"$smctl" create-md --data "$tmp/clean1.img" --node-id 1 --uuid "$uuid" --clean > /dev/null
check "--clean: not inconsistent" [ "$(field "$tmp/clean0.img" $slot0 flags)" = 1 ]
check "--clean: current_uuid from the volume UUID" \
	[ "$(field "$tmp/clean0.img" $slot0 current_uuid)" = $((0x5e4f2d3c1e9b0a6b)) ]
check "--clean: the same generation on both nodes" \
	[ "$(field "$tmp/clean1.img" $slot0 current_uuid)" = "$(field "$tmp/clean0.img" $slot0 current_uuid)" ]
check "dump-md shows the generation" grep -q '"inconsistent":false,.*"current_uuid":"5e4f2d3c1e9b0a6b"' \
	<<< "$("$smctl" -j dump-md --data "$tmp/clean0.img")"

# Geometry options.
truncate -s 64M "$tmp/geo.img"
"$smctl" create-md --data "$tmp/geo.img" --node-id 1 --region-size 4096 \
	--al-extents 300 --al-extent-size 1048576 > /dev/null
check "--region-size 4096: region shift 3, 1 bitmap block" grep -q \
	"region_shift=3 .*al_extent_shift=11 al_blocks=64 al_extents=300 peer_slots=1 bitmap_blocks=1 " \
	<<< "$(md sb "$tmp/geo.img" $slot0 | tr '\n' ' ')"
# 8 GiB of 4 KiB regions: 2097152 bits, 65 bitmap blocks; the default area
# still fits in 1 MiB.
truncate -s 8G "$tmp/big.img"
"$smctl" create-md --data "$tmp/big.img" --node-id 1 --region-size 4096 > /dev/null
check "8 GiB of 4 KiB regions: 65 bitmap blocks" \
	[ "$(field "$tmp/big.img" $((8 * 1024 * 1024 * 1024 - 4096)) bitmap_blocks)" = 65 ]
check "  ... all valid and clean" md bitmap "$tmp/big.img" \
	"$(field "$tmp/big.img" $((8 * 1024 * 1024 * 1024 - 4096)) bitmap_offset)" 65

# External v2: slot 0 at 0, slot 1 at 4096, the ring at 8192, the bitmap
# after the ring.
truncate -s 64M "$tmp/xdata.img"
truncate -s 1M "$tmp/xmeta.img"
"$smctl" create-md --data "$tmp/xdata.img" --meta "$tmp/xmeta.img" --node-id 0 > /dev/null
check "external v2: ring at 8192, bitmap at 270336" grep -q \
	"al_offset=8192 bitmap_offset=270336" <<< "$(md sb "$tmp/xmeta.img" 0 | tr '\n' ' ')"
check "external v2: slot 1 zeroed" md zero "$tmp/xmeta.img" 4096 1
check "external v2: bitmap valid" md bitmap "$tmp/xmeta.img" 270336 1
truncate -s 16K "$tmp/xsmall.img"
"$smctl" create-md --data "$tmp/xdata.img" --meta "$tmp/xsmall.img" --node-id 0 > "$tmp/out" 2>&1
check "external: a too small meta device is refused" [ $? -eq 1 ]
check "  ... with the size needed" grep -q "16384 bytes are too small for the metadata of 131072 data sectors: at least 274432 bytes are needed" "$tmp/out"

# An --md-size too small for the bitmap and ring is refused with the minimum.
truncate -s 64M "$tmp/small.img"
"$smctl" create-md --data "$tmp/small.img" --node-id 1 --md-size 65536 > "$tmp/out" 2>&1
check "--md-size 65536 is refused" [ $? -eq 1 ]
check "  ... naming the minimum" grep -q "a metadata area of 65536 bytes is too small for the bitmap and activity log of .* data sectors: at least 274432 bytes are needed (--md-size 274432)" "$tmp/out"
check "  ... and the minimum works" "$smctl" create-md --data "$tmp/small.img" --node-id 1 --md-size 274432 > /dev/null

# Two slots: the valid one with the higher seq wins; a damaged slot 0
# falls back to slot 1.
md setseq "$tmp/v2.img" $slot0 $slot1 5
check "slot 1 with a higher seq wins" grep -q '"seq":5,"slot":1,.*"other_slot":"valid"' \
	<<< "$("$smctl" -j dump-md --data "$tmp/v2.img")"
md setseq "$tmp/v2.img" $slot0 $slot1 0
check "slot 1 with a lower seq loses" grep -q '"seq":1,"slot":0,' \
	<<< "$("$smctl" -j dump-md --data "$tmp/v2.img")"
# Found by fuzzing: the kernel refuses two valid slots of two volumes.
md set "$tmp/v2.img" $slot1 uuid=0x6a0a9b1e3c2d4f5e8a7b112233445567 seq=5
"$smctl" dump-md --data "$tmp/v2.img" > "$tmp/out" 2>&1
check "slots of two volumes: refused" [ $? -eq 1 ]
check "  ... as the kernel does" grep -q "no valid syncmirror superblock: Superblock slots describe different metadata" "$tmp/out"
md setseq "$tmp/v2.img" $slot0 $slot1 0
md flip "$tmp/v2.img" $((slot0 + 200))
out=$("$smctl" dump-md --data "$tmp/v2.img" 2>&1)
check "damaged slot 0: dump-md falls back to slot 1" [ $? -eq 0 ]
check "  ... says so" grep -q "^superblock   slot 1 at offset $slot1, seq 0; slot 0 at offset $slot0: damaged (Superblock checksum mismatch)" <<< "$out"
md flip "$tmp/v2.img" $((slot1 + 200))
"$smctl" dump-md --data "$tmp/v2.img" > "$tmp/out" 2>&1
check "both slots damaged: refused" [ $? -eq 1 ]
check "  ... with slot 0's reason" grep -q "no valid syncmirror superblock: Superblock checksum mismatch" "$tmp/out"

# Version 1 is refused by dump-md (and smctl up, the same reader) and is
# only overwritten with --force.
truncate -s 64M "$tmp/v1.img"
md v1 "$tmp/v1.img" $slot0
"$smctl" dump-md --data "$tmp/v1.img" > "$tmp/out" 2>&1
check "version 1 is refused" [ $? -eq 1 ]
check "  ... with the way out" grep -qxF "smctl: $tmp/v1.img: metadata version 1 is not supported: recreate it with smctl create-md --force (the data is kept; the peer needs a full sync)" "$tmp/out"
"$smctl" create-md --data "$tmp/v1.img" --node-id 0 > "$tmp/out" 2>&1
check "create-md does not overwrite version 1 without --force" [ $? -eq 1 ]
check "  ... and says why" grep -q "already holds syncmirror metadata version 1 (volume 00010203-0405-0607-0809-0a0b0c0d0e0f, node 0); --force overwrites it" "$tmp/out"
check "create-md --force replaces version 1" "$smctl" create-md --data "$tmp/v1.img" --node-id 0 --force > /dev/null
check "  ... by version 2" [ "$(field "$tmp/v1.img" $slot0 version)" = 2 ]

# The bitmap: set bits are counted, a damaged block counts as all ones
# (1008 regions in this one block).
"$smctl" create-md --data "$tmp/v2.img" --node-id 1 --uuid "$uuid" --force > /dev/null
md bmbyte "$tmp/v2.img" 66060288 3 0x81
check "two bits set: 128 KiB out of sync" grep -q '"bitmap":{.*"bits_set":2,"out_of_sync_bytes":131072,"damaged_blocks":0}' \
	<<< "$("$smctl" -j dump-md --data "$tmp/v2.img")"
md flip "$tmp/v2.img" $((66060288 + 1000))
json=$("$smctl" -j dump-md --data "$tmp/v2.img")
check "a corrupted bitmap block is reported damaged" grep -q '"bitmap":{.*"bits_set":1008,"out_of_sync_bytes":66060288,"damaged_blocks":1}' <<< "$json"
check "  ... in the text output too" grep -q "^peer-slot 0  free, bitmap-uuid 0000000000000000; 1008 bits set (66060288 bytes out of sync), 1 damaged blocks" \
	<<< "$("$smctl" dump-md --data "$tmp/v2.img")"

# The activity log: the newest valid transaction, damaged blocks counted.
md al "$tmp/v2.img" $((ring + 2 * 4096)) 6 1 2
md al "$tmp/v2.img" $((ring + 3 * 4096)) 7 1 2 9
md al "$tmp/v2.img" $((ring + 4 * 4096)) 8 1 2 9 10
md flip "$tmp/v2.img" $((ring + 4 * 4096 + 30))
json=$("$smctl" -j dump-md --data "$tmp/v2.img")
check "AL: the newest valid transaction" grep -q '"valid_blocks":2,"empty_blocks":61,"damaged_blocks":1,"newest":{"block":3,"seq":7,"count":3,"extents":\[1,2,9\]}' <<< "$json"
check "  ... in the text output" grep -q "^al-newest    seq 7 in block 3, 3 extents: 1 2 9" \
	<<< "$("$smctl" dump-md --data "$tmp/v2.img")"
# Found by fuzzing: seq 0 is no transaction, for the kernel and dump-md.
md al "$tmp/v2.img" $((ring + 5 * 4096)) 0 4
check "AL: a block of seq 0 is damaged" grep -q '"valid_blocks":2,"empty_blocks":60,"damaged_blocks":2,"newest":{"block":3,"seq":7,' \
	<<< "$("$smctl" -j dump-md --data "$tmp/v2.img")"

# Found by fuzzing (tests/fuzz, superblock): what the kernel refuses,
# dump-md refuses too.  refused_md NAME=VALUE... MESSAGE: slot 0 of a new
# external area of 32 MiB with those fields.
refused_md() {
	local message=${*: -1}

	"$smctl" create-md --data "$tmp/fz.img" --meta "$tmp/fzmeta.img" \
		--node-id 1 --force > /dev/null
	md set "$tmp/fzmeta.img" 0 "${@:1:$#-1}"
	"$smctl" dump-md --data "$tmp/fz.img" --meta "$tmp/fzmeta.img" \
		> "$tmp/out" 2>&1
	check "${*:1:$#-1}: refused" [ $? -eq 1 ]
	check "  ... with '$message'" grep -qF "$message" "$tmp/out"
}
truncate -s 64M "$tmp/fz.img"
truncate -s 32M "$tmp/fzmeta.img"
refused_md flags=0 "Superblock says consistent but names no data generation"
refused_md md_size=$((32 * 1024 * 1024 - 256)) "Superblock metadata area is invalid"
refused_md region_shift=12 "Superblock region size out of range"
refused_md al_extent_shift=10 "Superblock activity-log extent size out of range"
refused_md al_extents=1 "Superblock activity-log geometry out of range"
# The ring at 2^64 - 1 MiB + 8 KiB, 1 MiB long: it wraps to byte 0.
refused_md md_offset=0xfffffffffff00000 md_size=0xffe00 \
	al_offset=0xfffffffffff02000 al_blocks=256 bitmap_offset=0x2000 \
	"Superblock metadata area is too small for its bitmap and activity log"

# Bad input: exit 2 (usage) or 1 (device), a message, and nothing written.
truncate -s 64M "$tmp/blank.img"
truncate -s 2048 "$tmp/tiny.img"
while IFS='|' read -r want args message; do
	# shellcheck disable=SC2086
	"$smctl" $args > "$tmp/out" 2>&1
	rc=$?
	check "smctl $args: exit $want" [ $rc -eq "$want" ]
	check "  ... says '$message'" grep -qF -e "$message" "$tmp/out"
done <<EOT
2|create-md --data $tmp/blank.img --node-id 32|node id "32" is not in 0..31
2|create-md --data $tmp/blank.img --node-id x|node id "x" is not in 0..31
2|create-md --data $tmp/blank.img|--data and --node-id are required
2|create-md --data $tmp/blank.img --node-id 1 --uuid 1234|"1234" is not a UUID
2|create-md --data $tmp/blank.img --node-id 1 --md-size 100|metadata size "100" is below 4096 bytes
2|create-md --data $tmp/blank.img --node-id 1 --md-size 4M|metadata size "4M" is not a number of bytes
1|create-md --data $tmp/tiny.img --meta $tmp/blank.img --node-id 1|too small to hold data (under 4096 bytes)
1|create-md --data $tmp/blank.img --node-id 1 --md-size 67108864|leave no room for data
1|create-md --data $tmp/blank.img --node-id 1 --md-size 18446744073709547520|leave no room for data
1|create-md --data $tmp/missing.img --node-id 1|No such file or directory
1|dump-md --data $tmp/blank.img|no valid syncmirror superblock: No syncmirror superblock (bad magic)
2|create-md --data $tmp/blank.img --node-id 1 --region-size 2048|region size "2048" is not a power of two from 4096
2|create-md --data $tmp/blank.img --node-id 1 --region-size 65535|region size "65535" is not a power of two from 4096
2|create-md --data $tmp/blank.img --node-id 1 --al-extents 0|activity-log extents "0" is not in 2..1018
2|create-md --data $tmp/blank.img --node-id 1 --al-extents 1019|activity-log extents "1019" is not in 2..1018
2|create-md --data $tmp/blank.img --node-id 1 --al-extents 1|activity-log extents "1" is not in 2..1018
2|create-md --data $tmp/blank.img --node-id 1 --region-size 2097152|region size "2097152" is not a power of two from 4096 to 1048576
2|create-md --data $tmp/blank.img --node-id 1 --al-extent-size 3000000|activity-log extent size "3000000" is not a power of two
2|create-md --data $tmp/blank.img --node-id 1 --al-extent-size 65536|activity-log extent size "65536" is not a power of two from 1048576
1|create-md --data $tmp/blank.img --node-id 1 --md-size 8192|at least 274432 bytes are needed (--md-size 274432)
2|frobnicate|Command "frobnicate" not found
EOT
check "bad input wrote nothing to blank.img" [ "$(tr -d '\0' < "$tmp/blank.img" | wc -c)" -eq 0 ]
echo "$passed passed, $failed failed"
exit $status
