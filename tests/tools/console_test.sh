#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The console check flags every kind of kernel report the scenarios must
# not produce, names the node and the message, and ignores a clean boot.
# The samples in consoles/ are real message formats of the 6.1 kernel.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top/tests/vm/console.sh"
samples=$top/tests/tools/consoles
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

# sample file -> the message console_problems must report for it
while read -r sample want; do
	rm -rf "${tmp:?}"/*
	mkdir -p "$tmp/X"
	cp "$samples/$sample" "$tmp/X/console.log"
	got=$(console_problems "$tmp")
	if [ "$want" = "-" ]; then
		if [ -n "$got" ]; then
			echo "FAIL: $sample: clean console reported: $got"
			status=1
		fi
	elif ! echo "$got" | grep -qF "node X: $want"; then
		echo "FAIL: $sample: want 'node X: $want...', got '$got'"
		status=1
	else
		echo "ok: $sample: $got"
	fi
done <<'CASES'
clean.log -
warn.log WARNING: CPU: 1 PID: 245 at /work/main/build/debug/kernel/dm-syncmirror-target.c:45 syncmirror_ctr
kasan.log BUG: KASAN: slab-out-of-bounds in syncmirror_map
lockdep.log WARNING: possible circular locking dependency detected
hung.log INFO: task dmsetup:231 blocked for more than 30 seconds.
oops.log BUG: kernel NULL pointer dereference, address: 0000000000000008
sleep.log BUG: sleeping function called from invalid context at mm/slab.h:723
softlockup.log watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:87]
rcu.log rcu: INFO: rcu_sched self-detected stall on CPU
netdev-watchdog.log harness fault (emulated NIC wedged, not the product): NETDEV WATCHDOG: eth0 (virtio_net): transmit queue 0 timed out
CASES
exit $status
