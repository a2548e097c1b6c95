#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The witness end to end on 127.0.0.1 (build/tools/test/witness_test
# against build/tools/test/sm-witness, syncmirrord/witness.c until main.c
# gains --witness): grants and refusals with each reason code, the grant
# only after loss-timeout of the primary's silence, GRANT to the recorded
# primary only, the term persisted across a restart, a damaged state file
# refused, bad messages closing the link.  Ports are free ones of
# 127.0.0.1 picked at start; no other host is contacted.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/witness_test
witness=$top/build/tools/test/sm-witness
[ -x "$helper" ] && [ -x "$witness" ] ||
	{ echo "witness_test or sm-witness not built: run make tools"; exit 77; }
exec "$helper" "$witness"
