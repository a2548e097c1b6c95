# SPDX-License-Identifier: GPL-2.0-only
#
# syncmirrord and smctl up/down on two nodes.  From configuration files
# alone, "smctl up" on both nodes gives a connected peer link that the
# agents authenticated and handed to the kernels; an admin command shows
# up in syslog as an audit line; "smctl disconnect" is undone by the
# agent within its backoff; a wrong secret is reported in both syslogs
# and never links; unknown volumes and unprivileged callers are refused
# with a clear message and change nothing; "smctl down" refuses an open
# volume, removes a closed one and the agent stops its link.
# timeout: 400

. "$SM_VM/mirror.sh"

cluster A B
uuid=7c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5
secret='correct horse battery staple'

# setup NODE NODE_ID ADDRESS PEER_ID PEER_ADDRESS
setup() {
	on "$1" modprobe dm-syncmirror
	mirror_config "$@" "$uuid" "$secret"
	on "$1" "syslogd -O /tmp/messages && syncmirrord"
}

setup A 0 10.0.0.1:7789 1 10.0.0.2:7789
setup B 1 10.0.0.2:7789 0 10.0.0.1:7789
wait_logged B 'syncmirrord.*started, configuration in /etc/syncmirror' 10
wait_logged B 'vol0: configured from /etc/syncmirror/vol0.conf: node 1, listens for peer node 0' 10

# Unknown volumes: clear errors, nothing created.
out=$(on A smctl up nosuch || true)
assert_eq "$out" "smctl: nosuch: no such volume is configured (no /etc/syncmirror/nosuch.conf)" "smctl up nosuch"
out=$(on A smctl primary nosuch || true)
assert_eq "$out" "smctl: nosuch: no syncmirror volume of that name" "smctl primary nosuch"

# Up on both: the agents link them.
on B smctl up vol0
on A smctl up vol0
mirror_wait_state A connected 30 > /dev/null
mirror_wait_state B connected 30 > /dev/null
logged A 'syncmirrord\[[0-9]+\]: audit: vol0: volume up, node 0, uuid '$uuid', [0-9]+ sectors, role secondary'
logged A 'vol0: link to peer node 1 \(10\.0\.0\.2:7789\) handed over to the kernel'
logged B 'vol0: peer node 0 \(10\.0\.0\.1:[0-9]+\) authenticated'
logged B 'audit: vol0: connection connected \(hello agreed\), peer node 0'
out=$(on A smctl up vol0 || true)
assert_eq "$out" "smctl: vol0: /dev/mapper/vol0 already exists (target syncmirror)" "second smctl up"

# An unprivileged caller may not promote; nothing changes.
out=$(on A "setpriv --reuid 65534 --clear-groups --inh-caps=-all smctl primary vol0 2>&1; echo rc=\$?")
assert_eq "$out" "smctl: vol0: permission denied (CAP_NET_ADMIN is needed)
rc=1" "unprivileged smctl primary"
on A smctl -j status vol0 | grep -q '"role":"secondary"' || fail "A's role changed after a refused promotion"
must_fail logged A 'audit: vol0: role primary'

# An admin command is audited, with who did it.
pid=$(on A 'smctl primary vol0 & p=$!; wait $p && echo $p')
wait_logged A 'audit: vol0: role primary' 10
logged A "audit: vol0: role primary by uid 0 pid $pid \\(smctl\\)" ||
	fail "A's audit line for 'smctl primary' does not name uid 0, pid $pid, smctl: $(on A "grep 'role primary' /tmp/messages")"

# An admin disconnect: the agent reconnects within its backoff (1 s after
# a good link) and says so.
on A smctl disconnect vol0
start=$SECONDS
mirror_wait_state A connected 15 > /dev/null
log "A relinked $((SECONDS - start)) s after smctl disconnect"
logged A 'vol0: link closed \(no peer link\); reconnecting in 1 s'
mirror_wait_state B connected 10 > /dev/null

# B's listener takes connections from the peer's address only: one from
# B's own address is closed at once.
on B "(exec 3<>/dev/tcp/10.0.0.2/7789 && sleep 1) 2>/dev/null; true"
wait_logged B 'vol0: connection from 10\.0\.0\.2:[0-9]+ closed: not the peer.s address \(10\.0\.0\.1:7789\)' 10
# Six idle connections from the peer's address (as an attacker on the path
# could open) do not keep the peer out: the newest takes the oldest's slot.
idle=$(on_bg A "exec 3<>/dev/tcp/10.0.0.2/7789 4<>/dev/tcp/10.0.0.2/7789 \
	5<>/dev/tcp/10.0.0.2/7789 6<>/dev/tcp/10.0.0.2/7789 \
	7<>/dev/tcp/10.0.0.2/7789 8<>/dev/tcp/10.0.0.2/7789; sleep 8")
wait_logged B 'vol0: 4 connections are authenticating already; closing the oldest' 10
on A smctl disconnect vol0
mirror_wait_state A connected 15 > /dev/null
mirror_wait_state B connected 10 > /dev/null
on_wait A "$idle" > /dev/null 2>&1 || true

# The listener still has a link when the dialer comes back (B never hears
# that A closed the old connection): B replaces its stale link.
port=$(on B "grep 'vol0: connection from 10.0.0.1:' /tmp/messages | tail -n 1" |
       sed -n 's/.*connection from 10\.0\.0\.1:\([0-9]*\),.*/\1/p')
[ -n "$port" ] || fail "no port of A's current connection in B's log"
on B "nft add rule ip harness input ip saddr 10.0.0.1 tcp sport $port drop"
on A smctl disconnect vol0
wait_logged B 'vol0: peer node 0 \(10\.0\.0\.1:[0-9]+\) reconnected while the kernel still has a link to it; replacing that link' 15
mirror_wait_state A connected 10 > /dev/null
mirror_wait_state B connected 10 > /dev/null
heal

# A wrong secret on B: both agents say so, and the link never comes up.
on B "printf 'not the right secret at all\n' > /etc/syncmirror/vol0.secret"
on A smctl disconnect vol0
wait_logged A 'vol0: peer node 1 \(10\.0\.0\.2:7789\) failed authentication: wrong secret$' 20
wait_logged A 'vol0: peer node 1 \(10\.0\.0\.2:7789\) rejected our authentication: wrong secret\?$' 5
wait_logged B 'vol0: peer node 0 \(10\.0\.0\.1:[0-9]+\) failed authentication: wrong secret$' 5
wait_logged B 'vol0: peer node 0 \(10\.0\.0\.1:[0-9]+\) rejected our authentication: wrong secret\?$' 5
logged A 'vol0: next attempt to reach peer node 1 in [0-9]+ s'
for i in 1 2 3 4 5 6; do
	assert_eq "$(mirror_peer_state A)" "none (no peer link)" "A with a wrong secret on B ($i)"
	sleep 1
done
state=$(mirror_peer_state B)
[ "${state%% *}" != connected ] || fail "B connected with a wrong secret"
# The secret never crosses the wire, so it is in no log either.
must_fail logged B 'correct horse|not the right secret'

# The right secret again: the next attempt (within the 30 s backoff cap)
# links.
on B "printf '%s\n' '$secret' > /etc/syncmirror/vol0.secret"
mirror_wait_state A connected 40 > /dev/null

# ping-timeout, read on SIGHUP, goes to the kernel with the link.
on A "echo 'ping-timeout 7' >> /etc/syncmirror/vol0.conf && kill -HUP \$(pidof syncmirrord)"
wait_logged A 'SIGHUP: reloading /etc/syncmirror' 10
on A smctl disconnect vol0
wait_logged A 'vol0: link to peer node 1 \(10\.0\.0\.2:7789\) handed over to the kernel \(TLS: TLSv1\.3, TLS_AES_128_GCM_SHA256, psk, ping timeout 7 s\)$' 20
mirror_wait_state A connected 20 > /dev/null
on A smctl -j status vol0 | grep -q '"ping_timeout_ms":7000' ||
	fail "A's link does not use the configured ping timeout: $(on A smctl -j status vol0)"

# down: refused while open, then the volume goes and the agent stops.
out=$(on A "exec 3< /dev/mapper/vol0; smctl down vol0 2>&1; echo rc=\$?")
assert_eq "$out" "smctl: vol0: in use (open 1 time); close it first
rc=1" "smctl down of an open volume"
assert_eq "$(mirror_peer_state A)" "connected (hello agreed)" "A after a refused down"
on B smctl down vol0
must_fail on B dmsetup info vol0
wait_logged B 'vol0: volume down; link stopped' 10
wait_logged B 'audit: vol0: volume down' 10
mirror_wait_state A lost 15 > /dev/null
out=$(on B smctl down vol0 || true)
assert_eq "$out" "smctl: vol0: no such device-mapper device" "second smctl down"

# SIGTERM stops an agent cleanly.  (It is a child of /init once detached,
# which does not reap it: gone or a zombie both mean it exited.)
on B 'p=$(pidof syncmirrord) && kill -TERM $p &&
	for i in $(seq 50); do
		grep -q "^State:.Z" /proc/$p/status 2>/dev/null || [ ! -e /proc/$p ] && exit 0
		sleep 0.1
	done; grep State /proc/$p/status; exit 1' || fail "syncmirrord did not stop on SIGTERM"
logged B 'stopping on signal 15'
on A "grep syncmirrord /tmp/messages" > "$SM_RUNDIR/A-syslog"
on B "grep syncmirrord /tmp/messages" > "$SM_RUNDIR/B-syslog"
