#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: side-by-side ratios of raw disk, syncmirror and DRBD 8.4 on
# the same VM pair and link.  Nothing to measure yet: syncmirror does not
# replicate writes, so a comparison with DRBD would compare unlike things.
# The replication issue (3) fills this in.
echo "bench: nothing to measure yet: syncmirror does not replicate writes (issue 3)"
