# SPDX-License-Identifier: GPL-2.0-only
#
# Console checks shared by the VM scenario and KUnit runners.

# Kernel messages that fail a run wherever they appear: WARN (which also
# opens every lockdep splat), BUG (KASAN, sleeping in atomic), soft lockups,
# oopses, panics, UBSAN and hung tasks.  Anchored after the printk timestamp
# so that userspace text on the console cannot match.
SM_CONSOLE_PROBLEMS='^\[ *[0-9.]+\] (WARNING:|BUG:|watchdog: BUG:|kernel BUG at|Oops|general protection fault|Kernel panic|UBSAN:|INFO: task .* blocked for more than|rcu: INFO: .* stall)'

# console_problems DIR: one line per node under DIR whose console.log shows
# a problem, naming the node and the first such message.
console_problems() {
	local log node line
	for log in "$1"/*/console.log; do
		[ -f "$log" ] || continue
		node=$(basename "$(dirname "$log")")
		# The emulator's fault, not ours: a guest's virtio-net transmit
		# queue that never comes back (its WARN would read as a kernel
		# problem).  Still a failed run: the harness must avoid it.
		line=$(grep -m1 -o 'NETDEV WATCHDOG: .*' "$log")
		if [ -n "$line" ]; then
			echo "node $node: harness fault (emulated NIC wedged, not the product): $line (console: $log)"
			continue
		fi
		line=$(grep -m1 -E "$SM_CONSOLE_PROBLEMS" "$log" |
		       sed -E 's/^\[ *[0-9.]+\] //')
		[ -n "$line" ] && echo "node $node: $line (console: $log)"
	done
	return 0
}
