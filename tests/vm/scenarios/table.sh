# SPDX-License-Identifier: GPL-2.0-only
#
# The table line is a contract: what dmsetup loads, dmsetup table prints
# back in canonical form; features change what the volume advertises; every
# malformed line is refused with its own message and leaves nothing behind.
# timeout: 600

cluster A

on A modprobe dm-syncmirror
sectors=$(on A blockdev --getsz /dev/mapper/data)
data=$(on A "dmsetup info -c --noheadings -o major,minor data")

# Round trip, and discards follow the feature.
on A "echo '0 $sectors syncmirror /dev/mapper/data' | dmsetup create vol0"
assert_eq "$(on A dmsetup table vol0)" "0 $sectors syncmirror $data" "plain table"
on A "echo '0 $sectors syncmirror $data 1 no_discard_passdown' | dmsetup create vol1"
assert_eq "$(on A dmsetup table vol1)" \
	"0 $sectors syncmirror $data 1 no_discard_passdown" "table with feature"
discard_max() {
	on A "cat /sys/block/\$(dmsetup info -c --noheadings -o blkdevname $1)/queue/discard_max_bytes"
}
data_discard=$(discard_max data)
[ "$data_discard" -gt 0 ] || fail "the data disk does not support discard; cannot test passdown"
assert_eq "$(discard_max vol0)" "$data_discard" "discard_max_bytes with passdown"
assert_eq "$(discard_max vol1)" 0 "discard_max_bytes with no_discard_passdown"
# An empty feature group is accepted and printed canonically (omitted).
on A "echo '0 $sectors syncmirror $data 0' | dmsetup reload vol0 && dmsetup resume vol0"
assert_eq "$(on A dmsetup table vol0)" "0 $sectors syncmirror $data" "empty feature group"
on A dmsetup remove vol1

# Malformed lines: refused, with the constructor's reason in the log.
while IFS='|' read -r args reason; do
	if on A "echo '0 $sectors syncmirror $args' | dmsetup create bad" > /dev/null 2>&1; then
		fail "table '$args' was accepted"
	fi
	on A "dmesg | tail -n 5 | grep -F 'syncmirror: $reason'" > /dev/null ||
		fail "table '$args': no '$reason' in the kernel log"
	on A "! dmsetup info bad > /dev/null 2>&1" || fail "table '$args' left a device behind"
done <<EOT
|Missing data device argument
/dev/mapper/data x|Invalid number of feature arguments
/dev/mapper/data 1|Invalid number of feature arguments
/dev/mapper/data 2 no_discard_passdown no_discard_passdown|Invalid number of feature arguments
/dev/mapper/data 1 hydrate|Unknown feature argument
/dev/mapper/data 0 extra|Unexpected arguments after the feature arguments
/dev/mapper/nonexistent|Error opening data device
EOT

# A target longer than its data device.
if on A "echo '0 $((sectors + 8)) syncmirror /dev/mapper/data' | dmsetup create big" > /dev/null 2>&1; then
	fail "a target larger than its data device was accepted"
fi
on A "dmesg | tail -n 5 | grep -F 'syncmirror: Data device is smaller than the target'" > /dev/null ||
	fail "oversized target: reason missing from the kernel log"

# The volume that was there all along is untouched.
assert_eq "$(on A dmsetup table vol0)" "0 $sectors syncmirror $data" "vol0 after bad tables"
on A dmsetup remove vol0
on A rmmod dm_syncmirror
