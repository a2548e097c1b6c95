#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
#
# The table of make bench, from what bench/measure.sh left in a directory:
# fio/<device>-<link>-<job>-<round>.json (fio --output-format=json) and
# facts (key=value lines, a key repeated once per round where it is
# measured per round).  Usage: report.py build/bench
"""Print make bench's table: raw, syncmirror and DRBD side by side."""

import glob
import json
import os
import re
import statistics
import sys

DEVICES = ("raw", "syncmirror", "drbd")
LINKS = (("none", "no delay"), ("1ms", "netem 1ms"))

# (job, label, unit, metric)
ROWS = (
    ("qd1", "4k randwrite QD1 mean", "us", "lat_mean_us"),
    ("qd1", "4k randwrite QD1 p50", "us", "lat_p50_us"),
    ("qd32", "4k randwrite QD32", "IOPS", "iops"),
    ("seq", "1M seq write QD4", "MB/s", "mb_per_s"),
)


def read_facts(directory):
    """Every value of every key, in the order written."""
    facts = {}
    try:
        with open(os.path.join(directory, "facts")) as f:
            for line in f:
                key, sep, value = line.rstrip("\n").partition("=")
                if sep:
                    facts.setdefault(key, []).append(value)
    except FileNotFoundError:
        pass
    return facts


def metrics(path):
    """The numbers one fio JSON file yields."""
    with open(path) as f:
        text = f.read()
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


def read_results(directory):
    """{(device, link, job): [metrics of each round]}"""
    results = {}
    name = re.compile(r"^([a-z]+)-([a-z0-9]+)-([a-z0-9]+)-([0-9]+)\.json$")
    for path in sorted(glob.glob(os.path.join(directory, "fio", "*.json"))):
        match = name.match(os.path.basename(path))
        if match:
            device, link, job, _ = match.groups()
            results.setdefault((device, link, job), []).append(metrics(path))
    return results


def number(value):
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"


def times(value):
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def paired_ratio(rounds_a, rounds_b):
    """Median of the per-round ratios a/b, and their range: jobs of one
    round ran back to back, so a round's ratio is a fair pair."""
    ratios = [a / b for a, b in zip(rounds_a, rounds_b)
              if a is not None and b is not None and b != 0]
    if not ratios:
        return "-"
    text = times(statistics.median(ratios)) + "x"
    if len(ratios) > 1:
        text += f" {times(min(ratios))}-{times(max(ratios))}"
    return text


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: report.py DIR")
    directory = sys.argv[1]
    facts = read_facts(directory)
    results = read_results(directory)

    def fact(key, default="?"):
        return facts.get(key, [default])[-1]

    def total(key):
        return sum(int(v) for v in facts.get(key, []) if v.isdigit())

    print("syncmirror bench: raw disk vs syncmirror vs DRBD, nodes A -> B")
    print(f"  kernel {fact('kernel')}, DRBD {fact('drbd_version', 'not run')}")
    print(f"  QEMU TCG, {fact('vcpus')} vCPU and {fact('mem_mib')} MiB per node; "
          f"host load before the run {fact('host_load')}")
    print(f"  {fact('fio', 'fio')} libaio --direct=1, first {fact('region')} of each slice, "
          f"{fact('runtime')} s per job after {fact('ramp')} s ramp")
    print(f"  devices on {fact('slice_mib')} MiB slices of the same disks; {fact('rounds')} round(s),"
          f" each job on the three back to back")
    print("  link: QEMU dgram socket; 'netem 1ms' = delay 1ms on both nodes (+2 ms round trip)")
    for link, label in LINKS:
        print(f"  {label + ':':<10} ping A->B min/avg {fact('rtt_' + link)}, "
              f"TCP A->B ~{fact('tcp_' + link)}")
    print()
    print("  NOTE: the VMs run under TCG (software emulation, no KVM). Absolute numbers")
    print("  are emulated and mean nothing on their own; only the ratios side by side do.")
    if "no" in facts.get("syncmirror_replicated", []):
        print()
        print("  WARNING: syncmirror did not replicate: numbers are local-only")
        print("  (replicated_writes absent or 0 in 'smctl -j status vol0').")
    if total("syncmirror_local_only_writes"):
        print()
        print(f"  WARNING: syncmirror did {total('syncmirror_local_only_writes')} writes without "
              f"the peer: numbers are partly local-only.")
    print()

    header = (f"{'link':<10} {'workload':<24} {'unit':<5} "
              f"{'raw':>8} {'syncmirror':>10} {'drbd':>8}   {'sm/raw':<19} {'sm/drbd'}")
    print(header)
    print("-" * len(header))
    for link, link_label in LINKS:
        for job, label, unit, metric in ROWS:
            per_round = {}
            median = {}
            for device in DEVICES:
                per_round[device] = [m[metric] for m in results.get((device, link, job), [])]
                values = [v for v in per_round[device] if v is not None]
                median[device] = statistics.median(values) if values else None
            print(f"{link_label:<10} {label:<24} {unit:<5} "
                  f"{number(median['raw']):>8} {number(median['syncmirror']):>10} "
                  f"{number(median['drbd']):>8}   "
                  f"{paired_ratio(per_round['syncmirror'], per_round['raw']):<19} "
                  f"{paired_ratio(per_round['syncmirror'], per_round['drbd'])}".rstrip())
    print()
    print("  us: lower is better (ratio > 1: syncmirror slower).")
    print("  IOPS, MB/s (10^6 B/s): higher is better (ratio < 1: syncmirror slower).")
    print("  Devices: median over rounds.  Ratios: median of the rounds' own ratios")
    print("  (a round's three jobs ran back to back), then their range over rounds;")
    print("  a wide range means the host was busy: trust no ratio whose range spans 1.")
    if "yes" in facts.get("syncmirror_replicated", []):
        print(f"  syncmirror: {total('syncmirror_replicated_writes')} writes replicated to B; "
              f"DRBD: {total('drbd_sent_kib')} KiB sent to B.")
    if "seconds" in facts:
        print(f"  bench took {fact('seconds')} s; fio JSON in {os.path.join(directory, 'fio')}/")
    missing = [f"{d}-{l}-{j}" for d in DEVICES for l, _ in LINKS for j in ("qd1", "qd32", "seq")
               if (d, l, j) not in results]
    if missing:
        print(f"  not measured: {', '.join(missing)}")


if __name__ == "__main__":
    main()
