# SPDX-License-Identifier: GPL-2.0-only
#
# A man in the middle of the peer link: node M relays the TCP stream from
# A to B (sm-mitm) and flips one bit of it, 3 MiB in, while A writes 8 MiB
# of random data.  With TLS the altered record fails its authentication
# tag: B's kernel ends the link ("a TLS record failed authentication"), no
# block of B's copy holds anything but what A wrote or what was there
# before (no corrupted write reached the disk), and once A and B link
# again directly the resync makes the copies equal.
# timeout: 600

. "$SM_VM/mirror.sh"

MiB=1048576
uuid=4b6d8f0a-2c3e-4f5a-9b7c-1d3e5f7a9b0c

cluster A B M
for node in A B; do on $node modprobe dm-syncmirror; done
mirror_volume A 0 $uuid
mirror_volume B 1 $uuid
on A smctl primary vol0

# A dials M, which relays to B.
mitm=$(on_bg M sm-mitm 7790 B 7790 --flip-at $((3 * MiB)))
waiter=$(on_bg B "$(mirror_connect_cmd vol0 --listen 0.0.0.0:7790 --timeout 60)")
on A "sleep 1; $(mirror_connect_cmd vol0 --peer M:7790 --timeout 60)"
on_wait B "$waiter"
mirror_wait_state A connected 20 > /dev/null
mirror_wait_state B connected 20 > /dev/null
mirror_json B | grep -q '"transport_security":"tls"' ||
	fail "B's link through M is not TLS: $(mirror_json B)"

on A dd if=/dev/urandom of=/dev/mapper/vol0 bs=1M count=8 seek=16 oflag=direct status=none
json=$(mirror_wait_json B 30 '"state":"lost","reason":"a TLS record failed authentication (altered on the way?)"') ||
	fail "B did not end the altered link: $json"
log "A: $(mirror_peer_state A); B: $(mirror_peer_state B)"
log "M: $(on_wait M "$mitm" 2>&1 | tr '\n' ' ')"
on B "dmesg | grep -i 'syncmirror' | tail -n 3" || true

# Every 4 KiB block of B's copy in the written range is A's block or
# zeros (the fresh disk): nothing altered was written.
python3 - "$(node_dir A)/data.img" "$(node_dir B)/data.img" $((16 * MiB)) $((8 * MiB)) <<'PY' ||
import sys
a, b, start, length = open(sys.argv[1], "rb"), open(sys.argv[2], "rb"), int(sys.argv[3]), int(sys.argv[4])
a.seek(start)
b.seek(start)
zero = bytes(4096)
same = old = 0
for i in range(length // 4096):
    x, y = a.read(4096), b.read(4096)
    if y == x:
        same += 1
    elif y == zero:
        old += 1
    else:
        print(f"block {start // 4096 + i} of B is neither A's nor the old one")
        sys.exit(1)
print(f"B: {same} blocks as A wrote them, {old} not yet written, none altered")
PY
	fail "B's copy holds altered data"

# Directly again: the resync makes the copies equal.
mirror_link A B 7791
moved=$(mirror_wait_synced A 120)
log "resynced $moved bytes"
assert_eq "$(mirror_data_hash B)" "$(mirror_data_hash A)" "B's copy after the resync"
