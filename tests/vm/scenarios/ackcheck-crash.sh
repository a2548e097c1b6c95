# SPDX-License-Identifier: GPL-2.0-only
#
# Power cuts never lose an acknowledged write on a local syncmirror volume:
# ackcheck writes at queue depth 32 through /dev/mapper/vol0 on A, its
# ISSUE/ACK stream going straight to the host; A is crashed at a random
# moment, booted again, and ackcheck verify reads the volume back against
# the host's copy of the stream.  (Replication to a peer is not there yet;
# this is the single-node baseline the replicated version must keep.)
# timeout: 900

SM_DATA_SIZE=512M	# 256 MiB of ackcheck blocks and the metadata
rounds=${ACKCHECK_ROUNDS:-$(tier 1 3)}
uuid=2f1e0d9c-aaaa-4bbb-8ccc-ddddeeeeffff

cluster A
on A modprobe dm-syncmirror
on A smctl create-md --clean --data /dev/mapper/data --node-id 0 --uuid $uuid > /dev/null
line=$(on A smctl dump-md --data /dev/mapper/data | sed -n 's/^table: //p')

for round in $(seq 1 "$rounds"); do
	[ "$round" -eq 1 ] || { boot A; on A modprobe dm-syncmirror; }
	on A "dmsetup create vol0 --table '$line' && smctl primary vol0"
	writer=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks 65536 --qd 32 --writer 7)
	delay=$((3 + RANDOM % 6))
	sleep "$delay"
	log=$SM_RUNDIR/A/share/cmd/$writer.out
	acks=$(grep -c '^ACK' "$log" || true)
	[ "$acks" -gt 0 ] || fail "round $round: no write acknowledged after ${delay}s"
	crash A
	log "round $round: crashed A ${delay}s into the run, after $acks acknowledged writes"

	boot A
	on A modprobe dm-syncmirror
	on A "dmsetup create vol0 --table '$line' && smctl primary vol0"
	# Every round's stream: blocks keep stamps from earlier rounds.  A
	# torn last line (cut by the crash) is dropped before joining.
	stream_append "$log" "$SM_RUNDIR/A/share/all-rounds.log"
	on A ackcheck verify --device /dev/mapper/vol0 --log /host/all-rounds.log --writer 7 ||
		fail "round $round: an acknowledged write was lost"
	on A dmsetup remove vol0
	crash A
done
