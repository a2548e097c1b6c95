# SPDX-License-Identifier: GPL-2.0-only
#
# A primary crash costs a resync of its activity log only: ackcheck writes
# at queue depth 32 across 256 MiB of A's volume (mirrored to B), with an
# activity log of 16 extents of 4 MiB (64 MiB), so extents keep leaving
# and entering it.  A is power-cut; B sees it lost.  A boots, loads its
# volume (its superblock still says primary: the last activity-log
# transaction's extents go into its bitmap), reconnects, and resyncs to B:
# no more than the activity log's capacity moves, the data areas hash
# equal, and ackcheck verify finds every acknowledged write on both.
# timeout: 900

SM_DATA_SIZE=512M	# 256 MiB of writes and the metadata
. "$SM_VM/mirror.sh"

uuid=6d7e8f90-1a2b-4c3d-8e4f-6a7b8c9d0e1f
cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid --al-extents 16
mirror_volume B 1 $uuid --al-extents 16
mirror_link A B
on A smctl primary vol0
capacity=$(mirror_field A al_capacity_bytes)
assert_eq "$capacity" $((16 * 4 * 1048576)) "A's activity-log capacity"

writer=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks 65536 --qd 32 --writer 7)
sleep $((4 + RANDOM % 4))
stream=$SM_RUNDIR/A/share/cmd/$writer.out
acks=$(grep -c '^ACK' "$stream" || true)
[ "$acks" -gt 0 ] || fail "no write acknowledged before the crash"
crash A
log "crashed A after $acks acknowledged writes"
stream_append "$stream" "$SM_RUNDIR/B/share/all.log"
cp "$SM_RUNDIR/B/share/all.log" "$SM_RUNDIR/A/share/all.log"
boot A &	# while B notices the loss (its ping timeout)
booting=$!
mirror_wait_state B lost 15 > /dev/null
wait $booting || fail "A did not come back"
on A modprobe dm-syncmirror
on A "dmsetup create vol0 --table \"\$(smctl dump-md --data /dev/mapper/data | sed -n 's/^table: //p')\""
on A "dmesg | grep 'crashed as primary'" ||
	fail "A does not say it crashed as primary"
oos=$(mirror_field A out_of_sync_bytes)
log "A after the crash: $oos bytes out of sync (activity log capacity $capacity)"
[ "$oos" -gt 0 ] && [ "$oos" -le "$capacity" ] || fail "A out of sync after the crash: $oos"
on B smctl disconnect vol0 2>/dev/null || true
mirror_link A B
moved=$(mirror_wait_synced A 300)
log "resync after the crash moved $moved bytes"
[ "$moved" -le "$capacity" ] || fail "resync after the crash moved $moved, more than the activity log's $capacity"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "data areas after the resync"
on B ackcheck verify --device /dev/mapper/data --log /host/all.log --writer 7 ||
	fail "an acknowledged write is missing on B"
on A smctl primary vol0
on A ackcheck verify --device /dev/mapper/vol0 --log /host/all.log --writer 7 ||
	fail "an acknowledged write is missing on A"
on A smctl secondary vol0
on A dmsetup remove vol0
on B dmsetup remove vol0
