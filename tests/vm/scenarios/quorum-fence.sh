# SPDX-License-Identifier: GPL-2.0-only
#
# The kernel's quorum fence, driven by hand with sm-quorum (what
# syncmirrord does from its heartbeats), on a primary A whose peer B is
# away:
#  1. A valid lease for A's generation: writes A's peer lacks complete.
#  2. The lease runs out (suspend): a writer blocks, status says "lost"
#     with the I/O held, the kernel logs it; a new lease releases it and
#     the writer finishes.  Demotion is refused while I/O is held.
#  3. Policy error: without a lease a write fails at once with EIO.
#  4. A generation drawn under the fence is pending: the first write B
#     lacks waits until a lease names the new generation, then completes
#     and the generation is no longer pending.
#  5. A pending generation whose lease runs out is reverted (logged);
#     fail-held ends the blocked writer with EIO; the next hello shows
#     the old generation with the bits set: B resyncs from A, the copies
#     hash equal.
#  6. dmsetup suspend with held I/O fails it instead of hanging; smctl
#     quorum off lets writes complete again.
# timeout: 900

. "$SM_VM/mirror.sh"

uuid=9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d
cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid
mirror_volume B 1 $uuid
mirror_link A B
on A smctl primary vol0

# q_field KEY: a key of A's "quorum" status object.
q_field() {
	mirror_json A | sed -n "s/.*\"quorum\":{[^}]*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p"
}

# write_mib OFFSET_MIB MIB: direct writes on A; the exit status is fio's.
write_mib() {
	on A fio --name=q --filename=/dev/mapper/vol0 --rw=write --bs=64k --direct=1 \
		--ioengine=psync --offset=$(($1 * 1048576)) --size=$(($2 * 1048576)) \
		--output-format=terse > /dev/null
}

# wait_held SECONDS: until A holds I/O.
wait_held() {
	local deadline=$((SECONDS + $1))
	until [ "$(q_field held)" -gt 0 ] 2> /dev/null; do
		[ $SECONDS -lt $deadline ] || fail "A holds no I/O after $1 s: $(mirror_json A)"
		sleep 0.5
	done
}

# 1. B away, a valid lease for A's generation.
on B smctl disconnect vol0
mirror_wait_state A lost 20 > /dev/null
write_mib 0 1
gen=$(mirror_field A current_uuid)
on A sm-quorum vol0 lease 60000 "$gen" suspend
assert_eq "$(q_field state)" have "A's quorum with a lease"
assert_eq "$(q_field generation)" "$gen" "the lease's generation"
write_mib 1 4
log "4 MiB written by A without B under a valid lease"

# 2. The lease runs out: writes are held, then released by a new lease.
on A sm-quorum vol0 lease 1500 "$gen" suspend
sleep 2
writer=$(on_bg A fio --name=q --filename=/dev/mapper/vol0 --rw=write --bs=64k --direct=1 \
	--ioengine=psync --offset=$((8 * 1048576)) --size=1048576 --output-format=terse)
wait_held 20
assert_eq "$(q_field state)" lost "A's quorum after the lease"
on A "dmesg | grep -q 'syncmirror: vol0: quorum lost: suspend I/O'" || fail "quorum loss not logged"
out=$(on A "smctl secondary vol0 2>&1; echo rc=\$?")
case $out in
*"rc=1") ;;
*) fail "demotion with held I/O: $out" ;;
esac
sleep 3
on A pidof fio > /dev/null || fail "the held writer finished without quorum"
on A sm-quorum vol0 lease 60000 "$gen" suspend
on_wait A "$writer" > /dev/null || fail "the held writer failed after quorum came back"
assert_eq "$(q_field state)" have "A's quorum with a new lease"
assert_eq "$(q_field held)" 0 "held I/O after the new lease"
on A "dmesg | grep -q 'syncmirror: vol0: quorum regained'" || fail "quorum regain not logged"

# 3. Policy error: fails at once.
on A sm-quorum vol0 lost error
if write_mib 10 1; then
	fail "a write without quorum (policy error) succeeded"
fi
assert_eq "$(q_field held)" 0 "held I/O under policy error"

# 4. A pending generation: B back (resync), then away again.
on A sm-quorum vol0 disable
assert_eq "$(q_field state)" none "A's quorum after disable"
mirror_link A B
mirror_wait_synced A 120 > /dev/null
gen=$(mirror_field A current_uuid)
assert_eq "$(mirror_field A bitmap_uuid)" 0000000000000000 "A's bitmap generation in sync"
on A sm-quorum vol0 lease 60000 "$gen" suspend
on B smctl disconnect vol0
mirror_wait_state A lost 20 > /dev/null
writer=$(on_bg A fio --name=q --filename=/dev/mapper/vol0 --rw=write --bs=64k --direct=1 \
	--ioengine=psync --offset=$((20 * 1048576)) --size=1048576 --output-format=terse)
wait_held 20
new=$(mirror_field A current_uuid)
[ "$new" != "$gen" ] || fail "A's first write without B drew no generation"
assert_eq "$(mirror_field A gen_pending)" true "A's new generation before a lease names it"
on A sm-quorum vol0 lease 60000 "$new" suspend
on_wait A "$writer" > /dev/null || fail "the writer failed once its generation was recorded"
assert_eq "$(mirror_field A gen_pending)" false "A's generation after the lease named it"

# 5. Pending, then the lease runs out: reverted; fail-held ends the writer.
on A sm-quorum vol0 disable
mirror_link A B
mirror_wait_synced A 120 > /dev/null
gen=$(mirror_field A current_uuid)
on A sm-quorum vol0 lease 60000 "$gen" suspend
on B smctl disconnect vol0
mirror_wait_state A lost 20 > /dev/null
writer=$(on_bg A fio --name=q --filename=/dev/mapper/vol0 --rw=write --bs=64k --direct=1 \
	--ioengine=psync --offset=$((40 * 1048576)) --size=1048576 --output-format=terse)
wait_held 20
pending=$(mirror_field A current_uuid)
on A sm-quorum vol0 lease 1000 "$gen" suspend
sleep 3
on A "dmesg | grep -q 'syncmirror: vol0: generation $pending reverted (quorum lost): no write completed in it'" ||
	fail "the pending generation was not reverted: $(on A 'dmesg | tail -n 5')"
assert_eq "$(mirror_field A current_uuid)" "$gen" "A's generation after the revert"
[ "$(mirror_field A out_of_sync_bytes)" -gt 0 ] || fail "the held write's bits were cleared by the revert"
on A sm-quorum vol0 fail-held
if on_wait A "$writer" > /dev/null; then
	fail "the held writer succeeded after fail-held"
fi
on A sm-quorum vol0 disable
mirror_link A B
mirror_wait_synced A 120 > /dev/null
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after the reverted generation's resync"

# 6. Suspend with held I/O; then the fence off.
on B smctl disconnect vol0
mirror_wait_state A lost 20 > /dev/null
on A sm-quorum vol0 lost suspend
writer=$(on_bg A fio --name=q --filename=/dev/mapper/vol0 --rw=write --bs=64k --direct=1 \
	--ioengine=psync --offset=$((60 * 1048576)) --size=1048576 --output-format=terse)
wait_held 20
on A "timeout 30 dmsetup suspend vol0" || fail "dmsetup suspend hung or failed with I/O held"
on A dmesg | grep -q 'syncmirror: vol0: held I/O failed: the volume is being suspended' ||
	fail "held I/O not failed at suspend"
on A dmsetup resume vol0
on_wait A "$writer" > /dev/null && fail "the held writer succeeded across the suspend"
on A smctl quorum vol0 off
write_mib 62 1
assert_eq "$(q_field state)" none "A's quorum after smctl quorum off"
