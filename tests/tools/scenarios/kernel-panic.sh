# SPDX-License-Identifier: GPL-2.0-only
# Every command of this scenario succeeds, but the kernel of node A panics:
# the runner has to fail it on the console alone and name node A.
# timeout: 300
cluster --kernel stock A
on_bg A 'echo c > /proc/sysrq-trigger' > /dev/null
deadline=$((SECONDS + 60))
while node_alive A; do
	[ $SECONDS -lt $deadline ] || fail "node A survived sysrq-c"
	sleep 0.2
done
