#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# smctl status and events output for the generations and split-brain
# attributes, from hand-made GET_VOLUME replies and events fed to smctl's
# printer (build/tools/test/status_test): the "generations:" and
# "split-brain:" lines, the JSON keys after "peer" (valid JSON, bytes from
# regions x region size, the reason escaped), and the existing keys left
# exactly as they were, in their order, for the scripts that sed them.
set -u

top=${SM_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
helper=$top/build/tools/test/status_test
[ -x "$helper" ] || { echo "status_test not built: run make tools"; exit 77; }
command -v python3 > /dev/null || { echo "python3 not installed"; exit 77; }
status=0

ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; status=1; }

# line SCENARIO PREFIX WANT: the text line starting with PREFIX is WANT.
line() {
	local got
	got=$("$helper" "$1" | grep -F -- "$2")
	if [ "$got" = "$3" ]; then
		ok "$1: ${2# *}"
	else
		bad "$1: got:"$'\n'"$got"$'\n'"want:"$'\n'"$3"
	fi
}

line old "    generations:" "    generations: history unknown; promoted unknown"
line old "    split-brain:" "    split-brain: none (after-split-brain disconnect)"
line plain "    generations:" "    generations: history 3a1b2c3d4e5f6071 1122334455667789 0000000000000000 0000000000000000; promoted unknown"
line plain "    split-brain:" "    split-brain: none (after-split-brain disconnect)"
line refused "    generations:" "    generations: history 3a1b2c3d4e5f6071 1122334455667789 0000000000000000 0000000000000000; promoted 2026-11-24T04:36:40Z; peer current 77aa55cc33ee1101, bitmap 3a1b2c3d4e5f6071, 192.0 KiB out of sync"
line refused "    split-brain:" "    split-brain: refused at 2026-11-24T05:00:00Z, peer node 1, since generation 3a1b2c3d4e5f6071, 1.2 MiB changed here, 192.0 KiB on the peer: split-brain: both copies have \"writes\" the other lacks (after-split-brain disconnect); this copy will be discarded at the next link"
line auto "    split-brain:" "    split-brain: resolved-auto (victim peer) at 2026-11-24T05:00:00Z, peer node 1, since generation 3a1b2c3d4e5f6071, 1.2 MiB changed here, 192.0 KiB on the peer, full sync: the peer changed less (after-split-brain discard-least-changes)"

# The status lines before the new ones are what they always were.
want_head="vol0: role secondary node-id 0 uuid 5b2c4d6e-1f20-4a3b-9c4d-5e6f70819203 size 2095104 sectors open 0
    copies consistent; writes replicated 1032, local only 0
    peer connected (hello agreed) since 2026-11-24T04:45:12Z, peer node-id 1 (secondary)
    disk: up-to-date  peer disk: up-to-date
    out of sync: 0 B (regions of 64.0 KiB, activity log 508.0 MiB)
    generation: current 5e4f2d3c1e9b0a6b, bitmap 0000000000000000
    resync: none (min 4.0 MiB/s, max unlimited)
    resynced: 0 B sent, 0 B received
    verify: idle"
for s in old refused; do
	got=$("$helper" "$s" | head -n 9)
	[ "$got" = "$want_head" ] && ok "$s: existing text lines unchanged" ||
		bad "$s: existing text lines changed:"$'\n'"$got"
done

# JSON: the existing keys, byte for byte, then the new ones.
want_json='[{"name":"vol0","role":"secondary","node_id":0,"volume_uuid":"5b2c4d6e-1f20-4a3b-9c4d-5e6f70819203","data_sectors":2095104,"open_count":0,"copies":"consistent","replicated_writes":1032,"local_only_writes":0,"disk":"up-to-date","peer_disk":"up-to-date","region_size":65536,"out_of_sync_bytes":0,"al_capacity_bytes":532676608,"current_uuid":"5e4f2d3c1e9b0a6b","bitmap_uuid":"0000000000000000","sync_state":"none","sync_paused":false,"sync_total_bytes":0,"sync_done_bytes":0,"sync_percent":100.0,"sync_rate":0,"sync_min_rate":4194304,"sync_max_rate":0,"sync_eta_s":0,"resynced_bytes":0,"resync_received_bytes":0,"verify_state":"idle","verify_total_bytes":0,"verify_done_bytes":0,"verify_mismatches":0,"peer":{"state":"connected","reason":"hello agreed","since":"2026-11-24T04:45:12Z","peer_node_id":1,"peer_role":"secondary","ping_timeout_ms":5000}'
for s in old plain refused auto; do
	got=$("$helper" -j "$s")
	[ "${got:0:${#want_json}}" = "$want_json" ] &&
		ok "$s: existing JSON keys unchanged, in order" ||
		bad "$s: existing JSON keys changed:"$'\n'"$got"
done

# json SCENARIO PYTHON-EXPRESSION: true of the parsed object v.
json() {
	local out
	out=$("$helper" -j "$1")
	if python3 -c '
import json, sys
doc = json.loads(sys.argv[1])
v = doc[0] if isinstance(doc, list) else doc
sys.exit(0 if eval(sys.argv[2]) else 1)' "$out" "$2"; then
		ok "$1: $2"
	else
		bad "$1: not true: $2, in:"$'\n'"$out"
	fi
}

json old 'v["history_uuids"] == [] and v["promote_time"] == 0 and v["after_split_brain"] == "disconnect" and v["resolve_pending"] is False'
json old '"split_brain" not in v and "peer_current_uuid" not in v and "peer_bitmap_uuid" not in v and "peer_out_of_sync_bytes" not in v'
json plain 'v["history_uuids"] == ["3a1b2c3d4e5f6071", "1122334455667789", "0000000000000000", "0000000000000000"]'
json plain '"split_brain" not in v and "peer_current_uuid" not in v'
json refused 'v["promote_time"] == 1795495000123456789 and v["resolve_pending"] is True'
json refused 'v["peer_current_uuid"] == "77aa55cc33ee1101" and v["peer_bitmap_uuid"] == "3a1b2c3d4e5f6071" and v["peer_out_of_sync_bytes"] == 3 * 65536'
json refused 'v["split_brain"] == {"decision": "refused", "victim": "", "time": 1795496400, "peer_node": 1, "local_changes_bytes": 20 * 65536, "peer_changes_bytes": 3 * 65536, "common_uuid": "3a1b2c3d4e5f6071", "full": False, "reason": "split-brain: both copies have \"writes\" the other lacks"}'
json refused 'list(v)[list(v).index("peer") + 1:] == ["history_uuids", "promote_time", "after_split_brain", "resolve_pending", "peer_current_uuid", "peer_bitmap_uuid", "peer_out_of_sync_bytes", "split_brain", "gen_pending", "quorum"]'
json auto 'v["after_split_brain"] == "discard-least-changes" and v["split_brain"]["decision"] == "resolved-auto" and v["split_brain"]["victim"] == "peer" and v["split_brain"]["full"] is True'
json event 'v["event"] == "split-brain" and v["split_brain"]["decision"] == "refused"'

# events: the split-brain event says what was decided; a disk event after
# smctl resolve says the copy is to go.
got=$("$helper" event | sed 's/^[0-9T:Z-]* //')
want="vol0: split-brain, role secondary, copies consistent, peer connected (hello agreed) since 2026-11-24T04:45:12Z, peer node-id 1 (secondary), split-brain refused at 2026-11-24T05:00:00Z, peer node 1, since generation 3a1b2c3d4e5f6071, 1.2 MiB changed here, 192.0 KiB on the peer: split-brain: both copies have \"writes\" the other lacks (after-split-brain disconnect); this copy will be discarded at the next link"
[ "$got" = "$want" ] && ok "split-brain event line" || bad "split-brain event line:"$'\n'"$got"
got=$("$helper" disk-event | sed 's/^[0-9T:Z-]* //')
want="vol0: disk, role secondary, copies consistent, peer connected (hello agreed) since 2026-11-24T04:45:12Z, peer node-id 1 (secondary), disk up-to-date, peer disk up-to-date, out of sync 0 B, this copy will be discarded at the next link"
[ "$got" = "$want" ] && ok "disk event line with resolve pending" || bad "disk event line:"$'\n'"$got"

exit $status
