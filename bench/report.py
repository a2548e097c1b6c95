#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The table of make bench, from what bench/measure.sh left in a directory:
# fio/<device>-<link>-<job>.json (fio --output-format=json) and facts
# (key=value lines).  Usage: report.py build/bench
"""Print make bench's table: raw, syncmirror and DRBD side by side."""

import json
import os
import sys

DEVICES = ("raw", "syncmirror", "drbd")
LINKS = (("none", "no delay"), ("1ms", "netem 1ms"))

# (job, label, unit, metric, higher_is_better)
ROWS = (
    ("qd1", "4k randwrite QD1 mean", "us", "lat_mean_us", False),
    ("qd1", "4k randwrite QD1 p50", "us", "lat_p50_us", False),
    ("qd32", "4k randwrite QD32", "IOPS", "iops", True),
    ("seq", "1M seq write QD4", "MB/s", "mb_per_s", True),
)


def read_facts(directory):
    facts = {}
    try:
        with open(os.path.join(directory, "facts")) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    facts[key] = value
    except FileNotFoundError:
        pass
    return facts


def metrics(path):
    """The numbers one fio JSON file yields, or None if it is missing."""
    try:
        with open(path) as f:
            text = f.read()
    except FileNotFoundError:
        return None
    # fio may print warnings before the JSON document.
    report = json.loads(text[text.index("{"):])
    job = report["jobs"][0]
    if job.get("error"):
        sys.exit(f"report: {path}: fio job failed with error {job['error']}")
    write = job["write"]
    lat = write["lat_ns"]
    percentiles = lat.get("percentile") or write["clat_ns"].get("percentile", {})
    p50 = percentiles.get("50.000000")
    return {
        "lat_mean_us": lat["mean"] / 1000,
        "lat_p50_us": p50 / 1000 if p50 is not None else None,
        "iops": write["iops"],
        "mb_per_s": write["bw_bytes"] / 1e6,
    }


def number(value):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "-"
    return f"{a / b:.2f}x"


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py DIR")
    directory = sys.argv[1]
    facts = read_facts(directory)
    results = {}
    for device in DEVICES:
        for link, _ in LINKS:
            for job in {row[0] for row in ROWS}:
                path = os.path.join(directory, "fio", f"{device}-{link}-{job}.json")
                results[device, link, job] = metrics(path)

    print("syncmirror bench: raw disk vs syncmirror vs DRBD, nodes A -> B")
    print(f"  kernel {facts.get('kernel', '?')}, {facts.get('drbd_version', 'DRBD not run')}")
    print(f"  QEMU TCG, {facts.get('vcpus', '?')} vCPU and {facts.get('mem_mib', '?')} MiB per node; "
          f"host load before the run {facts.get('host_load', '?')}")
    print(f"  {facts.get('fio', 'fio')} libaio --direct=1, first {facts.get('region', '?')} of the disk, "
          f"{facts.get('runtime', '?')} s per job after {facts.get('ramp', '?')} s ramp")
    print("  link: QEMU dgram socket; 'netem 1ms' = delay 1ms on both nodes (+2 ms round trip)")
    for link, label in LINKS:
        print(f"  {label + ':':<10} ping A->B min/avg {facts.get('rtt_' + link, '?')}, "
              f"TCP A->B ~{facts.get('tcp_' + link, '?')}")
    print()
    print("  NOTE: the VMs run under TCG (software emulation, no KVM). Absolute numbers")
    print("  are emulated and mean nothing on their own; only the ratios side by side do.")
    if facts.get("syncmirror_local_only_writes", "0") != "0":
        print()
        print(f"  WARNING: syncmirror did {facts['syncmirror_local_only_writes']} writes without the peer "
              f"(of {facts['syncmirror_replicated_writes']} replicated): numbers are partly local-only.")
    if facts.get("syncmirror_replicated") == "no":
        print()
        print("  WARNING: syncmirror did not replicate: numbers are local-only")
        print("  (replicated_writes absent or 0 in 'smctl -j status vol0').")
    print()

    header = (f"{'link':<10} {'workload':<24} {'unit':<5} "
              f"{'raw':>8} {'syncmirror':>10} {'drbd':>8}   {'sm/raw':>7} {'sm/drbd':>7}")
    print(header)
    print("-" * len(header))
    for link, link_label in LINKS:
        for job, label, unit, metric, _ in ROWS:
            cell = {}
            for device in DEVICES:
                m = results[device, link, job]
                cell[device] = m[metric] if m else None
            print(f"{link_label:<10} {label:<24} {unit:<5} "
                  f"{number(cell['raw']):>8} {number(cell['syncmirror']):>10} "
                  f"{number(cell['drbd']):>8}   "
                  f"{ratio(cell['syncmirror'], cell['raw']):>7} "
                  f"{ratio(cell['syncmirror'], cell['drbd']):>7}")
    print()
    print("  us: lower is better (ratio > 1: syncmirror slower).")
    print("  IOPS, MB/s (10^6 B/s): higher is better (ratio < 1: syncmirror slower).")
    if facts.get("syncmirror_replicated") == "yes":
        print(f"  syncmirror: {facts['syncmirror_replicated_writes']} writes replicated to B; "
              f"DRBD: {facts.get('drbd_sent_kib', '?')} KiB sent to B.")
    if "seconds" in facts:
        print(f"  bench took {facts['seconds']} s; fio JSON in {os.path.join(directory, 'fio')}/")
    missing = [f"{d}-{l}-{j}" for (d, l, j), m in sorted(results.items()) if m is None]
    if missing:
        print(f"  not measured: {', '.join(missing)}")


if __name__ == "__main__":
    main()
