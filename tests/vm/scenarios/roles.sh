# SPDX-License-Identifier: GPL-2.0-only
#
# Roles and the control plane: a new volume is secondary and refuses
# application I/O, saying why; smctl primary/secondary switch it (demotion
# refused while the volume is open); the role survives a table reload;
# every change is an event; unprivileged callers may read but not change,
# and unknown volumes are named in the error.
# timeout: 600

cluster A

uuid=5d6c7b8a-1111-4222-8333-444455556666
on A modprobe dm-syncmirror
on_bg A 'smctl -j events > /tmp/events.json 2>&1' > /dev/null
sleep 1
# Another volume's superblock on the meta disk, for the reload test below
# (create-md refuses devices in use, so it is written first).
on A smctl create-md --clean --data /dev/mapper/data --meta /dev/mapper/meta --node-id 0 > /dev/null
full=$(on A blockdev --getsz /dev/mapper/data)
line=$(on A smctl create-md --clean --data /dev/mapper/data --node-id 0 --uuid $uuid |
       sed -n 's/^table: //p')
sectors=$(echo "$line" | cut -d' ' -f2)
on A "dmsetup create vol0 --table '$line'"

# Secondary after creation: reads and writes fail, status says why.
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f6)" secondary "role in dmsetup status"
on A smctl -j status vol0 | grep -q '"name":"vol0","role":"secondary","node_id":0,"volume_uuid":"'$uuid'","data_sectors":'$sectors',"open_count":0' ||
	fail "smctl status does not show vol0 as secondary"
if on A dd if=/dev/mapper/vol0 of=/dev/null bs=4k count=1 iflag=direct 2>/dev/null; then
	fail "a secondary served a read"
fi
if on A "dd if=/dev/zero of=/dev/mapper/vol0 bs=4k count=1 oflag=direct 2>/dev/null"; then
	fail "a secondary took a write"
fi
on A "dmesg | grep -q 'I/O refused: the volume is secondary'" ||
	fail "the refusal is not explained in the kernel log"

# Promote: I/O flows.
on A smctl primary vol0
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f6)" primary "role after smctl primary"
on A "dd if=/dev/urandom of=/tmp/blk bs=64k count=1 2>/dev/null &&
      dd if=/tmp/blk of=/dev/mapper/vol0 bs=64k seek=3 oflag=direct 2>/dev/null &&
      cmp -n 65536 /tmp/blk /dev/mapper/data 0 196608"

# A table reload keeps the role; a superblock of another volume is refused.
on A "dmsetup reload vol0 --table '$line' && dmsetup resume vol0"
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f6)" primary "role after a table reload"
if on A "echo '0 $full syncmirror /dev/mapper/meta /dev/mapper/data' | dmsetup reload vol0" 2>/dev/null; then
	fail "vol0 accepted a table of another volume"
fi
on A "dmesg | tail -n 3 | grep -q 'syncmirror: Superblock belongs to another volume than the loaded table'" ||
	fail "no reason given for refusing another volume's table"

# Demotion is refused while the volume is open, allowed once it is closed.
holder=$(on_bg A 'exec 3< /dev/mapper/vol0; sleep 15')
sleep 2
if on A smctl secondary vol0 > "$SM_RUNDIR/demote.out" 2>&1; then
	fail "vol0 was demoted while open"
fi
grep -q "smctl: vol0: volume is open; close it before demoting" "$SM_RUNDIR/demote.out" ||
	fail "demotion refusal does not say why: $(cat "$SM_RUNDIR/demote.out")"
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f6)" primary "role after refused demotion"
on_wait A "$holder" > /dev/null
on A smctl secondary vol0
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f6)" secondary "role after smctl secondary"

# Unprivileged: status works, role changes do not.
nobody='setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all'
on A "$nobody smctl status vol0" > /dev/null || fail "an unprivileged user cannot read status"
if on A "$nobody smctl primary vol0" > "$SM_RUNDIR/nobody.out" 2>&1; then
	fail "an unprivileged user promoted vol0"
fi
grep -q "smctl: vol0: permission denied (CAP_NET_ADMIN is needed)" "$SM_RUNDIR/nobody.out" ||
	fail "EPERM not explained: $(cat "$SM_RUNDIR/nobody.out")"
assert_eq "$(on A dmsetup status vol0 | cut -d' ' -f6)" secondary "role after the unprivileged attempt"

# Unknown volumes and bad usage.
if on A smctl primary nosuch > "$SM_RUNDIR/nosuch.out" 2>&1; then
	fail "smctl promoted a volume that does not exist"
fi
grep -q "smctl: nosuch: no syncmirror volume of that name" "$SM_RUNDIR/nosuch.out" ||
	fail "unknown volume not named: $(cat "$SM_RUNDIR/nosuch.out")"
rc=0; on A smctl primary > /dev/null 2>&1 || rc=$?
assert_eq "$rc" 2 "exit status of smctl primary without a volume"

# The events stream saw every change, in order.
on A dmsetup remove vol0
sleep 1
on A "grep -o '\"event\":\"[a-z]*\",\"name\":\"vol0\",\"role\":\"[a-z]*\"' /tmp/events.json" > "$SM_RUNDIR/events"
# The write of the primary without a peer made the copies diverge (disk).
assert_eq "$(tr '\n' ' ' < "$SM_RUNDIR/events")" \
	'"event":"up","name":"vol0","role":"secondary" "event":"role","name":"vol0","role":"primary" "event":"disk","name":"vol0","role":"primary" "event":"role","name":"vol0","role":"secondary" "event":"down","name":"vol0","role":"secondary" ' \
	"events seen by smctl events"

on A 'for p in $(pidof smctl); do grep -q events /proc/$p/cmdline && kill $p; done; true'
on A rmmod dm_syncmirror
if on A smctl status > "$SM_RUNDIR/nomod.out" 2>&1; then
	fail "smctl status succeeded without the module"
fi
grep -q "the syncmirror kernel module is not loaded" "$SM_RUNDIR/nomod.out" ||
	fail "missing module not explained: $(cat "$SM_RUNDIR/nomod.out")"
