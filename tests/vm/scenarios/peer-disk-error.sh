# SPDX-License-Identifier: GPL-2.0-only
#
# A secondary whose disk fails a write answers with the error; the primary
# completes the write from its own disk, records that the copies diverged
# and ends the link at once with "a resync is needed" (it must not stay
# up calling the copies consistent).  A's writes never fail.
# timeout: 600

. "$SM_VM/mirror.sh"

cluster A B
uuid=8d9e0f1a-2b3c-4d5e-8f60-718293a4b5c6
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid
mirror_volume B 1 $uuid
mirror_link A B
on A smctl primary vol0
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=64k count=16 oflag=direct status=none
assert_eq "$(mirror_field A copies)" consistent "A before B's disk fails"

disk_fail B
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=64k count=16 seek=32 oflag=direct status=none
assert_eq "$(mirror_field A copies)" diverged "A after B failed a write"
assert_eq "$(mirror_wait_state A refused 15)" "refused (the copies diverged while connected: reconnect to resync)" "A's link after B failed a write"
assert_eq "$(mirror_wait_state B lost 15)" "lost (the copies diverged while connected: reconnect to resync)" "B's link after it failed a write"
on B "dmesg | grep -q \"syncmirror: vol0: writing the peer's data at sector\"" ||
	fail "B does not log its failed write"
on A "dmesg | grep -q 'syncmirror: vol0: the peer failed the write at sector'" ||
	fail "A does not log the peer's failure"
on A dd if=/dev/mapper/vol0 of=/dev/null bs=64k count=48 iflag=direct status=none
disk_heal B
on A dmsetup remove vol0
on B dmsetup remove vol0
