# SPDX-License-Identifier: GPL-2.0-only
#
# No acknowledged write is lost when the primary dies: ackcheck writes at
# queue depth 32 through A's vol0, mirrored to B, its ISSUE/ACK stream
# going straight to the host; A is power-cut at a random moment and
# ackcheck verify reads B's backing disk against the stream.  Every other
# round runs with netem delay 5ms on both nodes' links.
#
# A node that crashed as primary comes back with "copies may differ"
# (its superblock still says primary) and would be refused by B; until
# resync exists each round gives A fresh metadata with the same UUID, so
# B's copy keeps every round's blocks and the stream of all rounds.
# timeout: 1800

SM_DATA_SIZE=512M	# 256 MiB of writes and the metadata
. "$SM_VM/mirror.sh"

rounds=${ACKCHECK_ROUNDS:-$(tier 2 10)}
uuid=3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f50617
all=$SM_RUNDIR/B/share/all-rounds.log

cluster A B
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume B 1 $uuid
: > "$all"

for round in $(seq 1 "$rounds"); do
	[ "$round" -eq 1 ] || { boot A; on A modprobe dm-syncmirror; }
	delay=none
	if [ $((round % 2)) -eq 0 ]; then
		netem A delay 5ms
		netem B delay 5ms
		delay=5ms
	fi
	mirror_volume A 0 $uuid
	mirror_link A B 7789
	on A smctl primary vol0
	writer=$(on_bg A ackcheck write --device /dev/mapper/vol0 --blocks 65536 --qd 32 --writer 7 --seed $round)
	wait_ms=$((2000 + RANDOM % 6000))
	sleep "$((wait_ms / 1000)).$(printf %03d $((wait_ms % 1000)))"
	stream=$SM_RUNDIR/A/share/cmd/$writer.out
	acks=$(grep -c '^ACK' "$stream" || true)
	[ "$acks" -gt 0 ] || fail "round $round: no write acknowledged after ${wait_ms} ms"
	crash A
	log "round $round (netem $delay): crashed A after ${wait_ms} ms, $acks acknowledged writes"
	# A torn last line (cut by the crash) is dropped before joining.
	stream_append "$stream" "$all"
	on B ackcheck verify --device /dev/mapper/data --log /host/all-rounds.log --writer 7 ||
		fail "round $round: an acknowledged write is missing on B"
	mirror_wait_state B lost 15 > /dev/null
	netem B off
done
log "$rounds rounds: every acknowledged write was on B"
on B dmsetup remove vol0
