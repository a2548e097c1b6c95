#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# sm-diskcache (tests/vm/diskcache*.c), the NBD server whose disk loses its
# volatile write cache at a power cut, driven on the host by qemu-io (the
# QEMU block layer and NBD client the VMs use) and by a hand-made client
# for what QEMU never sends.  A qemu-io session ends with "sigraise 9", as
# a VM's QEMU ends with kill -9, because a clean exit flushes.  Checked:
# flushed and FUA writes survive a cut, unflushed ones (overwrites of
# older unflushed writes, WRITE_ZEROES and TRIM included) read back their
# flushed content with --cut all, --cut random keeps a subset fixed by
# the seed and always the FUA writes, SIGTERM keeps everything, the cache
# outlives a client and a cut with the client still connected works, bad
# requests are refused and the server lives on, the cap destages the
# oldest writes, and bad options are refused.  The cut trigger: the write
# that fires it (the Nth overlapping its range, any writing command, FUA
# or not) reaches the image, gets no reply, survives the cut in place
# while the unflushed writes before it are lost (or kept as --cut random
# chooses), nothing after it is read or served; SIGHUP arms it from the
# arm file, an empty or missing one disarms it, bad content is logged and
# leaves it disarmed.  Skips when sm-diskcache or qemu-io is missing.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=$top/build/tools/bin/sm-diskcache
[ -x "$bin" ] || { echo "sm-diskcache not built: run make tools"; exit 77; }
command -v qemu-io > /dev/null ||
	{ echo "qemu-io missing: apt-get install qemu-utils"; exit 77; }
command -v python3 > /dev/null || { echo "python3 missing"; exit 77; }

tmp=$(mktemp -d)
img=$tmp/disk.img
sock=$tmp/nbd.sock
pidfile=$tmp/diskcache.pid
log=$tmp/diskcache.log
trig=$tmp/trigger
arm=$tmp/arm
pid=
client=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2> /dev/null
	[ -n "$client" ] && kill -KILL "$client" 2> /dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
passed=0
failed=0

ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

K=1024
M=$((1024 * 1024))

# start [OPTION...]: a fresh 1 MiB image of 0x11 served by a daemonized
# sm-diskcache with these options.
start() {
	head -c "$M" /dev/zero | tr '\0' '\021' > "$img"
	: > "$log"
	if ! "$bin" --socket "$sock" --image "$img" --pidfile "$pidfile" \
	     --log "$log" --daemonize "$@"; then
		bad "sm-diskcache $* did not start: $(cat "$log")"
		return 1
	fi
	pid=$(cat "$pidfile")
}

# io COMMAND...: one qemu-io session on the server, killed at the end as
# QEMU is.  Fails if a command failed or a read's pattern did not match.
io() {
	local args=() c out

	for c; do
		args+=(-c "$c")
	done
	out=$(qemu-io -t writeback -f raw "nbd+unix:///?socket=$sock" \
	      "${args[@]}" -c 'sigraise 9' 2>&1)
	if grep -qiE 'fail|error|cannot' <<< "$out"; then
		echo "qemu-io: $out"
		return 1
	fi
}

# stop SIGNAL: signal the server, wait for it to finish (it removes its
# pidfile last); $line is its last log line.
stop() {
	local i

	kill -"$1" "$pid"
	for i in $(seq 100); do
		[ -f "$pidfile" ] || break
		sleep 0.1
	done
	[ -f "$pidfile" ] && bad "server still running 10 s after SIG$1"
	pid=
	line=$(tail -n 1 "$log")
}

# bytes OFFSET LENGTH: the distinct byte values of the image's range, in hex.
bytes() {
	tail -c +$(($1 + 1)) "$img" | head -c "$2" | od -An -v -tx1 |
		tr -s ' \n' '\n\n' | sed '/^$/d' | sort -u | tr '\n' ' ' |
		sed 's/ $//'
}

# expect WHAT OFFSET LENGTH BYTE: every byte of the range in the image is
# BYTE (two hex digits).
expect() {
	local got

	got=$(bytes "$2" "$3")
	if [ "$got" = "$4" ]; then
		ok "$1: $(($2 / K))k+$(($3 / K))k holds $4"
	else
		bad "$1: $(($2 / K))k+$(($3 / K))k holds bytes $got, not $4"
	fi
}

expect_line() {
	if [ "$line" = "sm-diskcache: $1" ]; then
		ok "log: $1"
	else
		bad "log: '$line', expected '$1'"
	fi
}

# The same writes before each cut: flushed, unflushed over flushed and over
# unflushed, FUA alone, FUA over and under unflushed, zeroes, discard.
writes() {
	io 'write -P 0xaa 0 64k' 'flush' \
	   'write -P 0xbb 64k 64k' 'write -P 0xdd 72k 4k' \
	   'write -P 0x99 32k 4k' \
	   'write -f -P 0xcc 128k 4k' \
	   'write -P 0xee 256k 8k' 'write -f -P 0xff 256k 4k' \
	   'write -f -P 0x77 384k 4k' 'write -P 0x88 384k 4k' \
	   'write -z 512k 64k' 'discard 640k 64k' ||
		bad "qemu-io writes failed"
}

echo "--- cut all"
start || exit 1
writes
# A second client sees the first one's writes: the cache outlived it.
if io 'read -P 0xdd 72k 4k' 'read -P 0x99 32k 4k' 'read -P 0x88 384k 4k' \
      'read -P 0 640k 64k' 'write -P 0x44 768k 4k'; then
	ok "a new client reads the writes of one killed before"
else
	bad "reconnection: unflushed writes not seen by the next client"
fi
stop USR1
expect_line "cut (mode all): 8 unflushed writes (216 KiB) lost, 0 kept (0 KiB), 1 flushes, 3 FUA seen, 0 destaged, 12 writes in all"
expect "flushed write survives" 0 $((32 * K)) aa
expect "unflushed overwrite of flushed data: flushed content" $((32 * K)) $((4 * K)) aa
expect "flushed write survives" $((36 * K)) $((28 * K)) aa
expect "unflushed write and its unflushed overwrite lost" $((64 * K)) $((64 * K)) 11
expect "FUA write survives" $((128 * K)) $((4 * K)) cc
expect "FUA over an unflushed write survives" $((256 * K)) $((4 * K)) ff
expect "the unflushed write under it is lost" $((260 * K)) $((4 * K)) 11
expect "FUA write overwritten by an unflushed one survives" $((384 * K)) $((4 * K)) 77
expect "unflushed WRITE_ZEROES lost" $((512 * K)) $((64 * K)) 11
expect "unflushed TRIM lost" $((640 * K)) $((64 * K)) 11
expect "unflushed write of the second client lost" $((768 * K)) $((4 * K)) 11
expect "untouched" $((772 * K)) $((252 * K)) 11

echo "--- SIGTERM: a clean shutdown keeps everything"
start || exit 1
writes
stop TERM
expect_line "shutdown: 7 unflushed writes (212 KiB) kept, 1 flushes, 3 FUA seen, 0 destaged, 11 writes in all"
expect "flushed" 0 $((32 * K)) aa
expect "unflushed" $((32 * K)) $((4 * K)) 99
expect "unflushed" $((64 * K)) $((8 * K)) bb
expect "unflushed overwrite" $((72 * K)) $((4 * K)) dd
expect "FUA" $((256 * K)) $((4 * K)) ff
expect "unflushed" $((260 * K)) $((4 * K)) ee
expect "unflushed over FUA" $((384 * K)) $((4 * K)) 88
expect "WRITE_ZEROES" $((512 * K)) $((64 * K)) 00
expect "TRIM" $((640 * K)) $((64 * K)) 00

echo "--- flushes reach the server, SIGUSR2 counts them; after a flush a cut loses nothing"
start || exit 1
io 'write -P 0xaa 0 64k' 'flush' 'write -P 0xbb 64k 64k' 'flush' 'flush' \
   'write -P 0xdd 192k 64k' || bad "qemu-io failed"
# SIGUSR2: the counters, and the server goes on.
kill -USR2 "$pid"
for i in $(seq 100); do
	grep -q "stats:" "$log" && break
	sleep 0.1
done
line=$(grep "stats:" "$log")
expect_line "stats: 1 unflushed writes (64 KiB) cached, 3 flushes, 0 FUA seen, 0 destaged, 3 writes in all"
# A clean exit of qemu-io (like QEMU's) flushes once more.
qemu-io -t writeback -f raw "nbd+unix:///?socket=$sock" \
	-c 'write -P 0xcc 128k 64k' > /dev/null 2>&1
stop USR1
expect_line "cut (mode all): 0 unflushed writes (0 KiB) lost, 0 kept (0 KiB), 4 flushes, 0 FUA seen, 0 destaged, 4 writes in all"
expect "flushed" 0 $((64 * K)) aa
expect "flushed" $((64 * K)) $((64 * K)) bb
expect "flushed by the clean exit" $((128 * K)) $((64 * K)) cc
expect "flushed by the clean exit" $((192 * K)) $((64 * K)) dd

echo "--- cut while the client is still connected"
start || exit 1
qemu-io -t writeback -f raw "nbd+unix:///?socket=$sock" \
	-c 'write -P 0xaa 0 64k' -c 'flush' -c 'write -P 0xbb 64k 64k' \
	-c 'sleep 20000' > /dev/null 2>&1 &
client=$!
# The server writes through: once the image holds the last write, the
# client has its reply (or is about to).
for i in $(seq 200); do
	[ "$(bytes $((64 * K)) $((64 * K)))" = bb ] && break
	sleep 0.1
done
sleep 0.2
stop USR1
{ kill -KILL "$client"; wait "$client"; } 2> /dev/null
expect_line "cut (mode all): 1 unflushed writes (64 KiB) lost, 0 kept (0 KiB), 1 flushes, 0 FUA seen, 0 destaged, 2 writes in all"
expect "flushed" 0 $((64 * K)) aa
expect "unflushed" $((64 * K)) $((64 * K)) 11

echo "--- cut random"
# 64 unflushed 4 KiB writes, each its own pattern, a FUA write after every
# 8th, then 16 unflushed 8 KiB writes across them and a last FUA write
# across those.  The expected image is computed independently: the same
# generator (splitmix64 from the seed, one draw per unflushed write, in
# arrival order, kept when the low bit is 1) applied to the same list.
random_writes() {
	local i

	for i in $(seq 0 63); do
		echo "$((i * 8 * K)) $((4 * K)) $((0x80 + i)) 0"
		[ $((i % 8)) -eq 7 ] && echo "$(((i * 8 + 4) * K)) $((4 * K)) $((0x22)) 1"
	done
	for i in $(seq 0 15); do
		echo "$(((i * 8 + 2) * K)) $((8 * K)) $((0x40 + i)) 0"
	done
	echo "$((6 * K)) $((4 * K)) $((0x33)) 1"
}
# predict SEED: the image the cut should leave, in $tmp/predicted; prints
# how many unflushed writes it keeps.
predict() {
	python3 - "$1" "$M" "$tmp/writes" "$tmp/predicted" <<'PY'
import sys
seed, size, writes, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
mask = (1 << 64) - 1
state, kept = seed, 0
image = bytearray(b"\x11" * size)
for line in open(writes):
    offset, length, pattern, fua = map(int, line.split())
    keep = fua
    if not fua:
        state = (state + 0x9E3779B97F4A7C15) & mask
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
        keep = (z ^ (z >> 31)) & 1
        kept += keep
    if keep:
        image[offset:offset + length] = bytes([pattern]) * length
open(out, "wb").write(image)
print(kept)
PY
}
random_writes > "$tmp/writes"
cmds=()
while read -r offset length pattern fua; do
	cmds+=("write $([ "$fua" = 1 ] && echo -f) -P $pattern $offset $length")
done < "$tmp/writes"
run=0
for seed in 1 1 2 18446744073709551615; do
	start --cut random --seed "$seed" || exit 1
	io "${cmds[@]}" || bad "qemu-io failed"
	stop USR1
	kept=$(predict "$seed")
	lost=$((80 - kept))
	if [[ $line == "sm-diskcache: cut (mode random, seed $seed): $lost unflushed writes ("*" KiB) lost, $kept kept ("*" KiB), 0 flushes, 9 FUA seen, 0 destaged, 89 writes in all" ]]; then
		ok "seed $seed: the log counts $kept of 80 kept: $line"
	else
		bad "seed $seed: expected $kept kept, log: $line"
	fi
	if [ "$kept" -gt 0 ] && [ "$kept" -lt 80 ] && cmp -s "$img" "$tmp/predicted"; then
		ok "seed $seed: the image is the flushed base plus exactly the kept writes and every FUA write, in order"
	else
		bad "seed $seed: the image differs from the prediction ($kept kept): $(cmp "$img" "$tmp/predicted")"
	fi
	run=$((run + 1))
	cp "$img" "$tmp/random-$run"
done
if cmp -s "$tmp/random-1" "$tmp/random-2"; then
	ok "the same seed twice: the same image"
else
	bad "seed 1 gave two different images"
fi
if ! cmp -s "$tmp/random-1" "$tmp/random-3"; then
	ok "another seed keeps other writes"
else
	bad "seeds 1 and 2 gave the same image"
fi

echo "--- bad requests are refused, the server lives on"
start || exit 1
out=$(python3 "$top/tests/tools/diskcache_client.py" "$sock" "$M" 11 2>&1)
echo "$out"
passed=$((passed + $(grep -c '^ok:' <<< "$out")))
failed=$((failed + $(grep -c '^FAIL:' <<< "$out")))
grep -q '^ok: unknown client flags' <<< "$out" ||
	bad "diskcache_client.py did not finish: $(tail -n 3 <<< "$out")"
if io 'read -P 0x5a 8k 4k' 'read -P 0x11 12k 4k'; then
	ok "qemu-io still served after the bad requests"
else
	bad "server unusable after the bad requests"
fi
grep -q "refused: beyond the end of the disk" "$log" &&
	ok "refusals are logged" || bad "no refusal in the log"
stop USR1
expect_line "cut (mode all): 1 unflushed writes (4 KiB) lost, 0 kept (0 KiB), 0 flushes, 0 FUA seen, 0 destaged, 1 writes in all"
expect "the raw client's write lost" $((8 * K)) $((4 * K)) 11

echo "--- the cache cap destages the oldest writes"
# Each 128 KiB write over non-zero data holds 256 KiB: a 1 MiB cap holds
# three of eight.
start --max-cache 1 || exit 1
cmds=()
for i in $(seq 0 7); do
	cmds+=("write -P $((0xa0 + i)) $((i * 128))k 128k")
done
io "${cmds[@]}" || bad "qemu-io failed"
stop USR1
expect_line "cut (mode all): 3 unflushed writes (384 KiB) lost, 0 kept (0 KiB), 0 flushes, 0 FUA seen, 5 destaged, 8 writes in all"
for i in 0 4; do
	expect "destaged write kept" $((i * 128 * K)) $((128 * K)) "$(printf '%02x' $((0xa0 + i)))"
done
for i in 5 7; do
	expect "cached write lost" $((i * 128 * K)) $((128 * K)) 11
done

start --max-cache 0 || exit 1
io 'write -P 0xaa 0 64k' 'write -P 0 64k 64k' || bad "qemu-io failed"
stop USR1
expect_line "cut (mode all): 0 unflushed writes (0 KiB) lost, 0 kept (0 KiB), 0 flushes, 0 FUA seen, 2 destaged, 2 writes in all"
expect "no cache: write durable" 0 $((64 * K)) aa
expect "no cache: write of zeros durable" $((64 * K)) $((64 * K)) 00

# stats: SIGUSR2, and $line is the stats line it printed.
stats() {
	local before i

	before=$(grep -c "stats:" "$log")
	kill -USR2 "$pid"
	for i in $(seq 100); do
		[ "$(grep -c "stats:" "$log")" -gt "$before" ] && break
		sleep 0.1
	done
	line=$(grep "stats:" "$log" | tail -n 1)
}

# hup: SIGHUP, and $line is the line it logged.
hup() {
	local before i

	before=$(wc -l < "$log")
	kill -HUP "$pid"
	for i in $(seq 100); do
		[ "$(wc -l < "$log")" -gt "$before" ] && break
		sleep 0.1
	done
	line=$(tail -n 1 "$log")
}

# wait_trigger: wait for the trigger file, 10 s at most; $fired is its line.
wait_trigger() {
	local i

	fired=
	for i in $(seq 100); do
		[ -f "$trig" ] && { fired=$(cat "$trig"); return 0; }
		sleep 0.1
	done
	bad "the trigger never fired: $(tail -n 2 "$log")"
	return 1
}

expect_fired() {
	if [ "$fired" = "$1" ]; then
		ok "trigger file: $1"
	else
		bad "trigger file: '$fired', expected '$1'"
	fi
}

# io_fire COMMAND...: a qemu-io session in the background ($client, its
# output line by line in $tmp/io.out) whose last write should fire the
# trigger; returns once the trigger file is there.  The subshell keeps
# bash's "Killed" notice of its "sigraise 9" out of the output.
io_fire() {
	local args=() c

	for c; do
		args+=(-c "$c")
	done
	{
		stdbuf -oL qemu-io -t writeback -f raw \
			"nbd+unix:///?socket=$sock" "${args[@]}" \
			-c 'sigraise 9' > "$tmp/io.out" 2>&1
	} 2> /dev/null &
	client=$!
	wait_trigger
}

# replied OFFSET: qemu-io printed the completion of a write at OFFSET.
replied() {
	grep -qE "^(wrote|discard) [0-9]+/[0-9]+ bytes at offset $1\$" "$tmp/io.out"
}

# expect_waiting OFFSET: half a second after the trigger fired, qemu-io
# still waits for the reply to its write at OFFSET.
expect_waiting() {
	sleep 0.5
	if kill -0 "$client" 2> /dev/null && ! replied "$1"; then
		ok "no reply to the triggering write at $(($1 / K))k, qemu-io waits"
	else
		bad "the triggering write at $(($1 / K))k was answered: $(cat "$tmp/io.out")"
	fi
}

# client_end OFFSET: after the cut the server is gone; qemu-io's pending
# write fails and it ends.  The write at OFFSET never had its reply.
client_end() {
	local i

	for i in $(seq 100); do
		kill -0 "$client" 2> /dev/null || break
		sleep 0.1
	done
	{ kill -KILL "$client"; wait "$client"; } 2> /dev/null
	client=
	if ! replied "$1" && grep -q "write failed" "$tmp/io.out"; then
		ok "the triggering write at $(($1 / K))k never had a reply, it failed when the server went"
	else
		bad "qemu-io after the cut: $(cat "$tmp/io.out")"
	fi
}

echo "--- trigger: the write that fires it survives the cut, unanswered; the unflushed writes before it are lost"
# The raw client writes A (unflushed), then sends the triggering write
# and another one behind it at once.
start --trigger $((64 * K)):$((4 * K)) --trigger-file "$trig" || exit 1
grep -q "trigger armed on offset 65536 length 4096, fires on matching write 1 (--trigger)" "$log" &&
	ok "--trigger arms from the start" || bad "no arming logged: $(cat "$log")"
python3 "$top/tests/tools/diskcache_client.py" fire "$sock" \
	write:0:0x10000:0xaa -- write:0x10000:4096:0xbb \
	write:0x20000:4096:0xcc > "$tmp/fire.out" 2>&1 &
client=$!
wait_trigger
expect_fired "offset=65536 length=4096 fua=0 unflushed=1"
grep -q "client: WRITE of 4096 bytes at 65536 fired the trigger: no reply, nothing more served until a signal" "$log" &&
	ok "the firing is logged" || bad "no firing in the log: $(cat "$log")"
expect "the triggering write is on the image" $((64 * K)) $((4 * K)) bb
expect "the write sent behind it is never read" $((128 * K)) $((4 * K)) 11
# A new client connects, but waits.
stdbuf -oL qemu-io -t writeback -f raw "nbd+unix:///?socket=$sock" \
	-c 'read -P 0xbb 64k 4k' -c 'sigraise 9' > "$tmp/io2.out" 2>&1 &
second=$!
stats
expect_line "stats: 1 unflushed writes (64 KiB) cached, 0 flushes, 0 FUA seen, 0 destaged, 2 writes in all, trigger fired by a write of 4096 bytes at offset 65536 (1 unflushed before it)"
sleep 0.3
if kill -0 "$second" 2> /dev/null && ! grep -q "^read" "$tmp/io2.out"; then
	ok "a new client waits, unserved"
else
	bad "a new client was served after the trigger fired: $(cat "$tmp/io2.out")"
fi
stop USR1
expect_line "cut (mode all): 1 unflushed writes (64 KiB) lost, 0 kept (0 KiB), 0 flushes, 0 FUA seen, 0 destaged, 2 writes in all, trigger fired by a write of 4096 bytes at offset 65536 (1 unflushed before it), kept"
wait "$client"
client=
cat "$tmp/fire.out"
passed=$((passed + $(grep -c '^ok:' "$tmp/fire.out")))
failed=$((failed + $(grep -c '^FAIL:' "$tmp/fire.out")))
grep -q "^ok: write:0x10000:4096:0xbb write:0x20000:4096:0xcc: no reply" "$tmp/fire.out" ||
	bad "diskcache_client.py fire did not finish: $(tail -n 3 "$tmp/fire.out")"
{ kill -KILL "$second"; wait "$second"; } 2> /dev/null
grep -q "^read" "$tmp/io2.out" && bad "the waiting client was served: $(cat "$tmp/io2.out")"
expect "unflushed write before the trigger lost" 0 $((64 * K)) 11
expect "the triggering write survives the cut" $((64 * K)) $((4 * K)) bb
expect "the write behind it never happened" $((128 * K)) $((4 * K)) 11

echo "--- trigger: SIGTERM after it fired keeps everything"
start --trigger $((64 * K)):$((4 * K)) --trigger-file "$trig" || exit 1
io_fire 'write -P 0xaa 0 64k' 'write -P 0xbb 64k 4k'
expect_waiting 65536
stop TERM
expect_line "shutdown: 1 unflushed writes (64 KiB) kept, 0 flushes, 0 FUA seen, 0 destaged, 2 writes in all, trigger fired by a write of 4096 bytes at offset 65536 (1 unflushed before it)"
client_end 65536
expect "unflushed write kept" 0 $((64 * K)) aa
expect "triggering write kept" $((64 * K)) $((4 * K)) bb

echo "--- trigger: after a flush nothing else is lost"
start --trigger $((64 * K)):$((64 * K)) --trigger-file "$trig" || exit 1
hup
expect_line "SIGHUP ignored: no --arm-file"
io_fire 'write -P 0xaa 0 64k' 'flush' 'write -P 0xbb 64k 64k'
expect_fired "offset=65536 length=65536 fua=0 unflushed=0"
expect_waiting 65536
stop USR1
expect_line "cut (mode all): 0 unflushed writes (0 KiB) lost, 0 kept (0 KiB), 1 flushes, 0 FUA seen, 0 destaged, 2 writes in all, trigger fired by a write of 65536 bytes at offset 65536 (0 unflushed before it), kept"
client_end 65536
expect "flushed" 0 $((64 * K)) aa
expect "triggering write" $((64 * K)) $((64 * K)) bb

echo "--- trigger: N=3 fires on the third overlapping write, whatever the command"
# Writes ending at the range's start or starting at its end do not count;
# one overlapping by 4 KiB does, a TRIM does, and a WRITE_ZEROES across
# the range's end fires it, over an unflushed write that the cut undoes.
start --trigger $((64 * K)):$((64 * K)):3 --trigger-file "$trig" || exit 1
io_fire 'write -P 0xa0 56k 8k' 'write -P 0xa1 60k 8k' \
	'write -P 0xa2 128k 4k' 'discard 96k 4k' 'write -P 0xa4 0 4k' \
	'write -z 124k 8k'
expect_fired "offset=126976 length=8192 fua=0 unflushed=5"
expect_waiting 126976
if replied 61440 && replied 98304; then
	ok "the first two overlapping writes were answered"
else
	bad "overlapping writes before the third not answered: $(cat "$tmp/io.out")"
fi
stop USR1
expect_line "cut (mode all): 5 unflushed writes (28 KiB) lost, 0 kept (0 KiB), 0 flushes, 0 FUA seen, 0 destaged, 6 writes in all, trigger fired by a write of 8192 bytes at offset 126976 (5 unflushed before it), kept"
client_end 126976
expect "unflushed writes before it lost" 0 $((124 * K)) 11
expect "the triggering WRITE_ZEROES survives, over a lost write" $((124 * K)) $((8 * K)) 00
expect "nothing after it was served" $((132 * K)) $((892 * K)) 11

echo "--- trigger: SIGHUP arms from the arm file, an empty or missing one disarms, bad content is refused"
start --arm-file "$arm" --trigger-file "$trig" || exit 1
stats
expect_line "stats: 0 unflushed writes (0 KiB) cached, 0 flushes, 0 FUA seen, 0 destaged, 0 writes in all, trigger disarmed"
io 'write -P 0xaa 64k 4k' && ok "disarmed: a write to the range is answered" ||
	bad "disarmed: a write to the range failed"
[ -e "$trig" ] && bad "the trigger fired while disarmed"
echo "0x10000 4096 2" > "$arm"
hup
expect_line "trigger armed on offset 65536 length 4096, fires on matching write 2 (arm file)"
io 'write -P 0xbb 64k 4k' 'write -P 0xbb 60k 4k' 'write -P 0xbb 68k 4k' ||
	bad "qemu-io failed"
stats
expect_line "stats: 4 unflushed writes (16 KiB) cached, 0 flushes, 0 FUA seen, 0 destaged, 4 writes in all, trigger armed on offset 65536 length 4096, 1 of 2 matching writes seen"
printf ' 65536\t4096   2 \n\n' > "$arm"
hup
expect_line "trigger armed on offset 65536 length 4096, fires on matching write 2 (arm file)"
stats
expect_line "stats: 4 unflushed writes (16 KiB) cached, 0 flushes, 0 FUA seen, 0 destaged, 4 writes in all, trigger armed on offset 65536 length 4096, 0 of 2 matching writes seen"
: > "$arm"
hup
expect_line "trigger disarmed: arm file $arm is empty"
echo "65536 4096" > "$arm"
hup
expect_line "trigger armed on offset 65536 length 4096, fires on matching write 1 (arm file)"
rm "$arm"
hup
expect_line "trigger disarmed: arm file $arm is missing"
stats
expect_line "stats: 4 unflushed writes (16 KiB) cached, 0 flushes, 0 FUA seen, 0 destaged, 4 writes in all, trigger disarmed"
# bad_arm CONTENT SHOWN WHY: the arm file holding CONTENT is refused.
bad_arm() {
	printf '%b' "$1" > "$arm"
	hup
	expect_line "arm file $arm: '$2': $3; trigger disarmed"
}
echo "65536 4096 1" > "$arm"
hup
bad_arm '64k 4096' '64k 4096' "OFFSET '64k' is not a number (decimal or 0x hex)"
stats
expect_line "stats: 4 unflushed writes (16 KiB) cached, 0 flushes, 0 FUA seen, 0 destaged, 4 writes in all, trigger disarmed"
bad_arm '65536\n' '65536' "not OFFSET LENGTH [N]"
bad_arm '0 4096 1 1' '0 4096 1 1' "not OFFSET LENGTH [N]"
bad_arm '0 0 1' '0 0 1' "LENGTH is 0"
bad_arm '0 4096 0' '0 4096 0' "N is 0"
bad_arm '-1 4096' '-1 4096' "OFFSET '-1' is not a number (decimal or 0x hex)"
bad_arm '0x 4096' '0x 4096' "OFFSET '0x' is not a number (decimal or 0x hex)"
bad_arm '0 4k' '0 4k' "LENGTH '4k' is not a number (decimal or 0x hex)"
bad_arm '0 4096 two' '0 4096 two' "N 'two' is not a number (decimal or 0x hex)"
bad_arm '18446744073709551616 1' '18446744073709551616 1' "OFFSET '18446744073709551616' is not a number (decimal or 0x hex)"
bad_arm '1048576 4096' '1048576 4096' "OFFSET + LENGTH is past the end of the disk (1048576 bytes)"
bad_arm '1044480 8192' '1044480 8192' "OFFSET + LENGTH is past the end of the disk (1048576 bytes)"
bad_arm '0 4096 1\n0 4096 1\n' '0 4096 1?0 4096 1' "more than one line"
head -c 300 /dev/zero | tr '\0' 1 > "$arm"
hup
expect_line "arm file $arm: longer than one line; trigger disarmed"
io 'write -P 0xcc 64k 4k' && ok "after bad arm files: disarmed, the server serves on" ||
	bad "after bad arm files: write failed"
[ -e "$trig" ] && bad "the trigger fired after bad content"
echo "0x10000 0x2000 2" > "$arm"
hup
io_fire 'write -P 0xdd 64k 4k' 'write -P 0xee 68k 4k'
expect_fired "offset=69632 length=4096 fua=0 unflushed=6"
expect_waiting 69632
hup
expect_line "arm file $arm not read: the trigger has fired, nothing more is served until a signal"
stop USR1
expect_line "cut (mode all): 6 unflushed writes (24 KiB) lost, 0 kept (0 KiB), 0 flushes, 0 FUA seen, 0 destaged, 7 writes in all, trigger fired by a write of 4096 bytes at offset 69632 (6 unflushed before it), kept"
client_end 69632
expect "the unflushed writes before it lost" $((60 * K)) $((8 * K)) 11
expect "the re-armed trigger's write survives, the 2nd in its range" $((68 * K)) $((4 * K)) ee

echo "--- trigger: a FUA write fires it"
start --trigger $((64 * K)):$((8 * K)):2 --trigger-file "$trig" || exit 1
io_fire 'write -P 0xcc 0 4k' 'write -P 0xaa 64k 8k' 'write -f -P 0xbb 68k 4k'
expect_fired "offset=69632 length=4096 fua=1 unflushed=2"
expect_waiting 69632
stop USR1
expect_line "cut (mode all): 2 unflushed writes (12 KiB) lost, 0 kept (0 KiB), 0 flushes, 1 FUA seen, 0 destaged, 3 writes in all, trigger fired by a FUA write of 4096 bytes at offset 69632 (2 unflushed before it), kept"
client_end 69632
expect "unflushed write lost" 0 $((4 * K)) 11
expect "the unflushed write under the FUA one lost" $((64 * K)) $((4 * K)) 11
expect "the triggering FUA write survives" $((68 * K)) $((4 * K)) bb

echo "--- trigger: --cut random keeps the triggering write, and draws for the others as before"
# The writes of "cut random", then the triggering write (kept, no draw:
# the prediction treats it as durable).
random_writes > "$tmp/writes"
cmds=()
while read -r offset length pattern fua; do
	cmds+=("write $([ "$fua" = 1 ] && echo -f) -P $pattern $offset $length")
done < "$tmp/writes"
echo "$((960 * K)) $((4 * K)) $((0x66)) 1" >> "$tmp/writes"
for seed in 1 2; do
	start --cut random --seed "$seed" --trigger $((960 * K)):$((4 * K)) \
		--trigger-file "$trig" || exit 1
	io_fire "${cmds[@]}" 'write -P 0x66 960k 4k'
	expect_fired "offset=983040 length=4096 fua=0 unflushed=80"
	stop USR1
	client_end 983040
	kept=$(predict "$seed")
	lost=$((80 - kept))
	if [[ $line == "sm-diskcache: cut (mode random, seed $seed): $lost unflushed writes ("*" KiB) lost, $kept kept ("*" KiB), 0 flushes, 9 FUA seen, 0 destaged, 90 writes in all, trigger fired by a write of 4096 bytes at offset 983040 (80 unflushed before it), kept" ]]; then
		ok "seed $seed with a trigger: $kept of 80 kept, as without it"
	else
		bad "seed $seed with a trigger: expected $kept kept, log: $line"
	fi
	if cmp -s "$img" "$tmp/predicted"; then
		ok "seed $seed with a trigger: the image is the prediction's, triggering write included"
	else
		bad "seed $seed with a trigger: the image differs from the prediction: $(cmp "$img" "$tmp/predicted")"
	fi
	expect "the triggering write survives" $((960 * K)) $((4 * K)) 66
done

echo "--- options"
# refused ARGS STATUS MESSAGE: sm-diskcache ARGS exits STATUS saying MESSAGE.
refused() {
	local status=$1 message=$2 out

	shift 2
	out=$("$bin" "$@" 2>&1)
	if [ $? -eq "$status" ] && grep -qF -- "$message" <<< "$out"; then
		ok "refused with $status: $*: $message"
	else
		bad "$*: expected exit $status and '$message', got: $out"
	fi
}
: > "$img"
refused 2 "--socket and --image are required" --image "$img"
refused 2 "unknown mode 'some'" --socket "$sock" --image "$img" --cut some
refused 2 "--seed needs --cut random" --socket "$sock" --image "$img" --seed 3
refused 2 "--max-cache: 'lots' is not a number" --socket "$sock" --image "$img" --max-cache lots
refused 2 "unexpected argument 'extra'" --socket "$sock" --image "$img" extra
refused 1 "image $tmp/none: No such file or directory" --socket "$sock" --image "$tmp/none"
refused 1 "image $img: empty, nothing to serve" --socket "$sock" --image "$img"
truncate -s 1M "$img"
refused 1 "socket $img: exists and is not a socket" --socket "$img" --image "$img"
refused 2 "--trigger and --arm-file need --trigger-file" --socket "$sock" --image "$img" --trigger 0:4096
refused 2 "--trigger and --arm-file need --trigger-file" --socket "$sock" --image "$img" --arm-file "$arm"
refused 2 "--trigger-file needs --trigger or --arm-file" --socket "$sock" --image "$img" --trigger-file "$trig"
refused 2 "--trigger: '4096': not OFFSET:LENGTH[:N]" --socket "$sock" --image "$img" --trigger 4096 --trigger-file "$trig"
refused 2 "--trigger: '0:4096:1:1': not OFFSET:LENGTH[:N]" --socket "$sock" --image "$img" --trigger 0:4096:1:1 --trigger-file "$trig"
refused 2 "--trigger: '0::1': LENGTH '' is not a number (decimal or 0x hex)" --socket "$sock" --image "$img" --trigger 0::1 --trigger-file "$trig"
refused 2 "--trigger: '0:4096:0': N is 0" --socket "$sock" --image "$img" --trigger 0:4096:0 --trigger-file "$trig"
refused 2 "--trigger: '0x100000:1': OFFSET + LENGTH is past the end of the disk (1048576 bytes)" --socket "$sock" --image "$img" --trigger 0x100000:1 --trigger-file "$trig"
[ -e "$sock" ] && bad "a refused --trigger left a socket behind"
start || exit 1
refused 1 "socket $sock: another server is listening on it" --socket "$sock" --image "$img"
# Killed, it leaves its socket behind: the next server replaces it.
kill -KILL "$pid"
for i in $(seq 100); do
	[ -d "/proc/$pid" ] && [ "$(cut -d' ' -f3 "/proc/$pid/stat" 2> /dev/null)" != Z ] || break
	sleep 0.1
done
pid=

# Foreground: the exit status of a cut, and a stale socket replaced.
[ -S "$sock" ] || bad "a killed server left no socket to replace"
"$bin" --socket "$sock" --image "$img" 2> "$tmp/fg.err" &
fg=$!
for i in $(seq 100); do
	grep -q serving "$tmp/fg.err" && break
	sleep 0.1
done
kill -USR1 "$fg"
wait "$fg"
status=$?
if [ "$status" -eq 0 ] && grep -q "cut (mode all)" "$tmp/fg.err" &&
   [ ! -e "$sock" ]; then
	ok "foreground: replaces a stale socket, a cut exits 0 and removes the socket"
else
	bad "foreground cut: exit $status, $(cat "$tmp/fg.err")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
