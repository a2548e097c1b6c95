# SPDX-License-Identifier: GPL-2.0-only
#
# A peer that drains its socket a few bytes at a time holds no write up
# for much longer than the deadline of a message on the link (four ping
# timeouts after its send began), however steadily each socket send makes
# a little progress and however well it answers pings.  One node: A's volume
# linked over loopback to sm-wirepeer --drain (32 KiB/s, a 4 KiB receive
# buffer, its own pings every half second), A's TCP send buffers at most
# 64 KiB so that a 1 MiB write spends its time being sent; ping timeout
# 2 s, so the deadline is 8 s:
#  1. four 1 MiB writes (each would take 32 s to reach the peer): the link
#     is lost within the deadline with its own reason, the writes complete
#     as local-only ones (their regions out of sync) well before the peer
#     could have taken even one of them, and the peer sees the connection
#     closed.
# timeout: 600

. "$SM_VM/mirror.sh"

SM_DATA_SIZE=256M
MiB=1048576
uuid=4c5d6e7f-8091-4a2b-b3c4-d5e6f708192a
ping_timeout_ms=2000
deadline=$((4 * ping_timeout_ms / 1000))

cluster A
on A modprobe dm-syncmirror
mirror_volume A 0 $uuid
sectors=$(mirror_field A data_sectors)
# The socket smctl hands over is made with these limits.
on A "echo '4096 16384 65536' > /proc/sys/net/ipv4/tcp_wmem"

waiter=$(on_bg A smctl connect vol0 --listen 127.0.0.1:7789 --timeout 60 \
	--transport-security none \
	--ping-timeout $ping_timeout_ms)
peer=$(on_bg A sm-wirepeer 127.0.0.1:7789 --uuid $uuid --sectors "$sectors" \
	--node-id 1 --drain 32768)
on_wait A "$waiter"
mirror_wait_state A connected 15 > /dev/null
# Promoted while connected: the generation stays the one the peer has.
on A smctl primary vol0
sleep 3
assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A's link to the slow peer while idle"

# Timed on A's clock: a loaded host answers commands late, A's kernel
# keeps time.  The first write is held until the link ends, the others go
# without the peer: the whole takes about the deadline.
writer=$(on_bg A "date +%s; dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=4 \
	oflag=direct status=none && date +%s")
times=$(on_wait -t 90 A "$writer") || fail "the writes failed"
elapsed=$(($(echo "$times" | tail -n 1) - $(echo "$times" | head -n 1)))
log "four 1 MiB writes took $elapsed s (A's clock)"
[ "$elapsed" -le $((deadline + 8)) ] ||
	fail "the writes took $elapsed s, more than the ${deadline} s deadline and some"
assert_eq "$(mirror_peer_state A)" "lost (the peer does not take requests in time)" \
	"A's link to the slow peer"
[ "$(mirror_field A out_of_sync_bytes)" -ge $((4 * MiB)) ] ||
	fail "A's bitmap does not hold the writes the peer lacks: $(mirror_field A out_of_sync_bytes) bytes"
on A "dmesg | grep -q 'vol0: a message is not all sent after ${deadline} s: the peer reads too slowly'" ||
	fail "A does not log why the link ended"
answer=$(on_wait -t 30 A "$peer")
echo "$answer" | grep -q '^CLOSED$' || fail "the slow peer did not see the connection closed: $answer"

on A dmsetup remove vol0
