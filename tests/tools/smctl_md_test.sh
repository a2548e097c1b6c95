#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# smctl create-md / dump-md on image files: the superblock lands where the
# format says, carries a standard CRC-32C (checked here by an independent
# implementation), is not overwritten by accident, and bad input is refused
# with exit status 2 and a message naming the problem.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
smctl=$top/build/tools/bin/smctl
[ -x "$smctl" ] || { echo "smctl not built: run make tools"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
uuid=6a0a9b1e-3c2d-4f5e-8a7b-112233445566

check() {	# check DESCRIPTION COMMAND...: COMMAND must succeed
	local what=$1
	shift
	if "$@"; then echo "ok: $what"; else echo "FAIL: $what"; status=1; fi
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
2|frobnicate|Command "frobnicate" not found
EOT
check "bad input wrote nothing to blank.img" [ "$(tr -d '\0' < "$tmp/blank.img" | wc -c)" -eq 0 ]
exit $status
