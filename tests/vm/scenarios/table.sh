# SPDX-License-Identifier: GPL-2.0-only
#
# The table line is a contract: what dmsetup loads, dmsetup table prints
# back in canonical form; features change what the volume advertises; every
# malformed line and every missing, foreign, damaged or mismatched
# superblock is refused with its own message and leaves nothing behind.
# timeout: 600

cluster A

uuid=0b6f5c1a-7e0d-4c55-9a3e-5b1f0c2d3e4f
on A modprobe dm-syncmirror
data=$(on A "dmsetup info -c --noheadings -o major,minor data")
meta=$(on A "dmsetup info -c --noheadings -o major,minor meta")

# Internal metadata: smctl prints the table line that fits the superblock.
line=$(on A smctl create-md --clean --data /dev/mapper/data --node-id 0 --uuid $uuid |
       sed -n 's/^table: //p')
sectors=$(echo "$line" | cut -d' ' -f2)
on A "dmsetup create vol0 --table '$line'"
assert_eq "$(on A dmsetup table vol0)" "0 $sectors syncmirror internal $data" "internal table"
assert_eq "$(on A dmsetup status vol0)" "0 $sectors syncmirror $uuid 0 secondary none up-to-date 0" "internal status"
on A dmsetup remove vol0

# External metadata on the meta disk; the whole data disk is data.
on A smctl create-md --clean --data /dev/mapper/data --meta /dev/mapper/meta --node-id 3 --uuid $uuid > /dev/null
full=$(on A blockdev --getsz /dev/mapper/data)
on A "echo '0 $full syncmirror /dev/mapper/meta /dev/mapper/data' | dmsetup create vol0"
assert_eq "$(on A dmsetup table vol0)" "0 $full syncmirror $meta $data" "external table"
assert_eq "$(on A dmsetup status vol0)" "0 $full syncmirror $uuid 3 secondary none up-to-date 0" "external status"
on A "echo '0 $full syncmirror $meta $data 1 no_discard_passdown' | dmsetup create vol1"
assert_eq "$(on A dmsetup table vol1)" \
	"0 $full syncmirror $meta $data 1 no_discard_passdown" "table with feature"

discard_max() {
	on A "cat /sys/block/\$(dmsetup info -c --noheadings -o blkdevname $1)/queue/discard_max_bytes"
}
data_discard=$(discard_max data)
[ "$data_discard" -gt 0 ] || fail "the data disk does not support discard; cannot test passdown"
# Passed down, but one discard spans at most one activity-log extent (4 MiB).
want=$((data_discard < 4194304 ? data_discard : 4194304))
assert_eq "$(discard_max vol0)" "$want" "discard_max_bytes with passdown"
assert_eq "$(discard_max vol1)" 0 "discard_max_bytes with no_discard_passdown"
# An empty feature group is accepted and printed canonically (omitted).
on A "echo '0 $full syncmirror $meta $data 0' | dmsetup reload vol0 && dmsetup resume vol0"
assert_eq "$(on A dmsetup table vol0)" "0 $full syncmirror $meta $data" "empty feature group"
# Both features, printed in canonical order; a feature named twice refused.
on A "echo '0 $full syncmirror $meta $data 2 io_error_pass no_discard_passdown' | dmsetup reload vol0 && dmsetup resume vol0"
assert_eq "$(on A dmsetup table vol0)" "0 $full syncmirror $meta $data 2 no_discard_passdown io_error_pass" "both features"
must_fail on A "echo '0 $full syncmirror $meta $data 2 io_error_pass io_error_pass' | dmsetup reload vol0"
on A "dmesg | tail -n 3 | grep -q 'Feature argument given twice'" || fail "duplicate feature not refused by name"
on A "echo '0 $full syncmirror $meta $data' | dmsetup reload vol0 && dmsetup resume vol0"
on A dmsetup remove vol1

# refused LENGTH ARGS REASON: the table is refused, the reason is logged,
# and no device is left behind.
refused() {
	local length=$1 args=$2 reason=$3
	if on A "echo '0 $length syncmirror $args' | dmsetup create bad" > /dev/null 2>&1; then
		fail "table '$args' was accepted"
	fi
	on A "dmesg | tail -n 5 | grep -F 'syncmirror: $reason'" > /dev/null ||
		fail "table '$args': no '$reason' in the kernel log"
	if on A "dmsetup info bad" > /dev/null 2>&1; then
		fail "table '$args' left a device behind"
	fi
}

# Malformed lines.
while IFS='|' read -r args reason; do
	refused "$full" "$args" "$reason"
done <<EOT
|Missing metadata device argument
internal|Missing data device argument
/dev/mapper/meta /dev/mapper/data x|Invalid number of feature arguments
/dev/mapper/meta /dev/mapper/data -1|Invalid number of feature arguments
/dev/mapper/meta /dev/mapper/data 1|Invalid number of feature arguments
/dev/mapper/meta /dev/mapper/data 2 no_discard_passdown no_discard_passdown|Invalid number of feature arguments
/dev/mapper/meta /dev/mapper/data 1 hydrate|Unknown feature argument
/dev/mapper/meta /dev/mapper/data 0 extra|Unexpected arguments after the feature arguments
/dev/mapper/meta /dev/mapper/nonexistent|Error opening data device
/dev/mapper/nonexistent /dev/mapper/data|Error opening metadata device
/dev/mapper/data /dev/mapper/data|Metadata device is the data device (use internal)
EOT

# Superblock problems.  The data disk still has its internal superblock at
# the end (S sectors of data); the meta disk has the external one (whole
# data disk).  Small dm devices stage the damaged and misplaced cases.
dm() { on A "printf '$2' | dmsetup create $1"; }
dm blank "0 8192 linear /dev/mapper/meta 8192\n"
refused 8192 "/dev/mapper/blank /dev/mapper/data" "No syncmirror superblock (bad magic)"

on A "printf 'XFSB' | dd of=/dev/mapper/blank conv=notrunc 2>/dev/null"
refused 8192 "/dev/mapper/blank /dev/mapper/data" "No syncmirror superblock (bad magic)"

on A "dd if=/dev/mapper/meta of=/dev/mapper/blank bs=4k count=1 2>/dev/null"
refused "$full" "/dev/mapper/blank /dev/mapper/data" "Metadata area beyond the end of the metadata device"
on A "printf '\\001' | dd of=/dev/mapper/blank bs=1 seek=100 conv=notrunc 2>/dev/null"
refused "$full" "/dev/mapper/blank /dev/mapper/data" "Superblock checksum mismatch"

refused $((sectors - 8)) "internal /dev/mapper/data" "Target length differs from the data size in the superblock"
refused $((full - 8)) "/dev/mapper/meta /dev/mapper/data" "Target length differs from the data size in the superblock"

dm small "0 $((full / 2)) linear /dev/mapper/data 0\n"
refused "$full" "/dev/mapper/meta /dev/mapper/small" "Data device smaller than the data size in the superblock"

# The external superblock at the end of a device read as internal metadata,
# and the internal one at the start of a device read as external.
# (Internal: slot 0 in the last 4 KiB, slot 1 before it; external: slot 0
# first, slot 1 after it.)
dm tailsb "0 8 linear /dev/mapper/meta 8192\n8 8 linear /dev/mapper/meta 8\n16 8 linear /dev/mapper/meta 0\n"
refused 8 "internal /dev/mapper/tailsb" "Superblock is for an external metadata device"
dm headsb "0 8 linear /dev/mapper/data $((full - 8))\n8 8 linear /dev/mapper/meta 8192\n"
refused "$sectors" "/dev/mapper/headsb /dev/mapper/data" "Superblock is for internal metadata"

# Nothing was lost: both superblocks and the live volume are as they were.
on A "smctl -j dump-md --data /dev/mapper/data" | grep -q "\"node_id\":0,\"data_sectors\":$sectors," ||
	fail "the internal superblock changed"
on A "smctl -j dump-md --data /dev/mapper/data --meta /dev/mapper/meta" | grep -q "\"node_id\":3,\"data_sectors\":$full," ||
	fail "the external superblock changed"
assert_eq "$(on A dmsetup table vol0)" "0 $full syncmirror $meta $data" "vol0 after bad tables"
on A dmsetup remove vol0 blank small tailsb headsb
on A rmmod dm_syncmirror
