# SPDX-License-Identifier: GPL-2.0-only
#
# A primary whose disk fails never reports as stable what only that disk
# held.  A primary, B connected (256 MiB volume):
#  1. Copies in sync: A's data disk fails every write and flush (dm-flakey
#     with error_writes under it; dm-error would complete flushes, having
#     no cache) and a flush on A fails locally: the disk is detached and
#     the flush succeeds, B has every acknowledged write and flushed it.  A
#     write then goes to B and succeeds.
#  2. Copies diverged: A wrote 8 MiB while B was away, B is back but the
#     resync is paused, so A's disk holds the only copy of those regions.
#     A's disk fails: a flush fails with EIO (it would vouch for writes
#     that were on the failed disk only), and so does the next one; a
#     write into those regions fails (no good copy of them is left), a
#     write elsewhere succeeds.
# timeout: 900

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=256M
MiB=1048576

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done

# fail_writes NODE: NODE's data disk fails every write and flush from now
# on (disk_heal NODE undoes it).
fail_writes() {
	on "$1" "dev=\$(ls /sys/block/*/serial | xargs grep -l '^data\$' | cut -d/ -f4);
		echo \"0 \$(cat /sys/block/\$dev/size) flakey /dev/\$dev 0 0 1 1 error_writes\" |
		dmsetup load data && dmsetup resume data" > /dev/null
}

# flush NODE: an empty flush of NODE's vol0 (fsync of the device, nothing
# written); its exit status.
flush() {
	on "$1" dd if=/dev/null of=/dev/mapper/vol0 conv=notrunc,fsync status=none
}

# write NODE OFFSET_MIB: 64 KiB of O_DIRECT write at OFFSET_MIB; its exit
# status.
write() {
	on "$1" dd if=/dev/urandom of=/dev/mapper/vol0 bs=64k count=1 \
		seek=$(($2 * 16)) oflag=direct status=none
}

# link: B waits for A, A dials; a long ping timeout, so that a busy host
# (TCG) does not end the link by itself.
link() {
	mirror_link A B 7789 --ping-timeout 20000
}

# setup UUID: a fresh volume on both, linked, A primary, 16 MiB written.
setup() {
	mirror_volume A 0 "$1"
	mirror_volume B 1 "$1"
	link
	on A smctl primary vol0
	on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=16 oflag=direct status=none
	assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A's link after the first writes"
}

# teardown: A's volume removed and its disk back, B disconnected.
teardown() {
	on A smctl secondary vol0
	on A dmsetup remove vol0
	on B smctl disconnect vol0
	disk_heal A
}

# 1. In sync: the failed local flush is covered by B's.
setup 2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809
assert_eq "$(mirror_field A out_of_sync_bytes)" 0 "A's bitmap before its disk fails"
fail_writes A
flush A || fail "a flush failed though B has every acknowledged write"
assert_eq "$(mirror_field A disk)" diskless "A's disk after its flush failed"
on A "dmesg | grep -q 'vol0: local disk failed a write (-5): detached'" ||
	fail "A does not log the detach"
write A 100 || fail "a write through B failed"
flush A || fail "a flush after the detach failed"
teardown

# 2. Diverged: what only A's disk held is lost with it.
setup 3b4c5d6e-7f80-4192-a3b4-c5d6e7f8091a
# Flushed on B first: its end of the link marks nothing more.
flush A
on B smctl disconnect vol0
mirror_wait_state A lost 15 > /dev/null
on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=8 oflag=direct status=none
assert_eq "$(mirror_field A out_of_sync_bytes)" $((8 * MiB)) "A's bitmap after 8 MiB without B"
# Paused before the link: the resync starts but moves nothing.
on A smctl resync vol0 pause
link
sleep 2
assert_eq "$(mirror_field A out_of_sync_bytes)" $((8 * MiB)) "A's bitmap with the resync paused"
fail_writes A
if flush A; then
	fail "a flush succeeded though 8 MiB of acknowledged writes were on A's failed disk only"
fi
assert_eq "$(mirror_field A disk)" diskless "A's disk after its flush failed"
assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A's link after the detach"
if flush A; then
	fail "a second flush succeeded though the lost writes are still lost"
fi
if write A 4; then
	fail "a write into a region whose data only A's failed disk had succeeded"
fi
write A 100 || fail "a write into a region B has failed"
on A "dmesg | grep -q 'vol0: flush failed: acknowledged writes were on the detached disk only'" ||
	fail "A does not log why the flush failed"
teardown
on B dmsetup remove vol0
