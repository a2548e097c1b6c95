# SPDX-License-Identifier: GPL-2.0-only
#
# The module loads and maps I/O on Debian's stock kernel, the kernel users
# run: a syncmirror volume over the data disk takes writes and reads them
# back, its table round-trips and it unloads cleanly.
# timeout: 300

cluster --kernel stock A

on A modprobe dm-syncmirror
line=$(on A smctl create-md --clean --data /dev/mapper/data --node-id 0 | sed -n 's/^table: //p')
sectors=$(echo "$line" | cut -d' ' -f2)
on A "dmsetup create vol0 --table '$line'"
on A smctl primary vol0
table=$(on A dmsetup table vol0)
data_dev=$(on A "dmsetup info -c --noheadings -o major,minor data")
assert_eq "$table" "0 $sectors syncmirror internal $data_dev" "table of vol0"

on A "dd if=/dev/urandom of=/tmp/pattern bs=1M count=4 2>/dev/null"
on A "dd if=/tmp/pattern of=/dev/mapper/vol0 bs=1M seek=7 oflag=direct 2>/dev/null"
on A "cmp -n 4194304 /tmp/pattern /dev/mapper/data 0 7340032" ||
	fail "data written through vol0 is not on the data device"

on A dmsetup remove vol0
on A rmmod dm_syncmirror
