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
# oldest writes, and bad options are refused.  Skips when sm-diskcache or
# qemu-io is missing.
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
pid=
cleanup() {
	[ -n "$pid" ] && kill -KILL "$pid" 2> /dev/null
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
