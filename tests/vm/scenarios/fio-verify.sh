# SPDX-License-Identifier: GPL-2.0-only
#
# Data written through a syncmirror volume on node A of a two-node cluster
# reads back intact: fio random writes of mixed sizes, each block verified
# with crc32c.  Also proves the cluster network: A reaches B by name.
# timeout: 900

SM_DATA_SIZE=512M	# 256 MiB of writes and the metadata
cluster A B

on A ping -c 1 -W 10 B > /dev/null || fail "A cannot reach B over the cluster network"
on B ping -c 1 -W 10 A > /dev/null || fail "B cannot reach A over the cluster network"

on A modprobe dm-syncmirror
line=$(on A smctl create-md --clean --data /dev/mapper/data --node-id 0 | sed -n 's/^table: //p')
on A "dmsetup create vol0 --table '$line'"
on A smctl primary vol0

on -t 600 A fio --name=randwrite-verify --filename=/dev/mapper/vol0 \
	--ioengine=io_uring --direct=1 --rw=randwrite --bsrange=4k-1M \
	--iodepth=16 --size=256M --verify=crc32c --verify_fatal=1 \
	--verify_backlog=64 --do_verify=1 --randseed=4242 \
	--output-format=terse > "$SM_RUNDIR/fio.terse"

# Terse v3: field 5 is the error code of the job.
err=$(cut -d';' -f5 "$SM_RUNDIR/fio.terse")
assert_eq "$err" 0 "fio error code"

on A dmsetup remove vol0
