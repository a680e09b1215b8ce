#!/usr/bin/env python3
"""National-scale benchmark (issue 4): pmf validate and pmf report against the
read floor (examples/floor.rs), on synthetic national data made once with
`pmf synth` outside the repo.

    python3 bench/bench.py [--months 12 36] [--runs 3] [--data /tmp/pmf-bench]

Prints, for each data set and command: median wall time, returns/s, cells/s,
peak memory (max RSS) and the ratio to the floor measured in the same run.
Each command is started and measured by examples/peak.rs, so that its peak
is its own (see there).
`floor` streams every cell with calamine's cell reader and keeps nothing (the
fastest calamine read, and the one the ratios use); `floor-range` reads each
sheet with `worksheet_range`, the conventional way, for reference. Last, the
time and the peak of 36 months over 12 months for each command (linear
growth in time is 3.0; flat memory is 1.0).
"""
import argparse, os, statistics, subprocess, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")
PEAK = os.path.join(BIN, "examples", "peak")


def run(cmd):
    """Run a command through examples/peak.rs; return (wall seconds, peak
    RSS in MB, stdout). Measured by that small program, not from here: a
    process's peak counts the memory it was forked with, and this Python's
    would be reported as the peak of any command smaller than it."""
    p = subprocess.run([PEAK] + cmd, capture_output=True, cwd=ROOT)
    try:
        wall, kb, code = p.stderr.decode().split()[-3:]
        wall, kb, code = float(wall), int(kb), int(code)
    except ValueError:
        sys.exit(f"{' '.join(cmd)}: {p.stderr.decode().strip()}")
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {code}")
    return wall, kb / 1024, p.stdout.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--months", type=int, nargs="+", default=[12, 36])
    ap.add_argument("--schemes", type=int, default=350)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default="/tmp/pmf-bench")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "pmf", "--example", "floor", "--example", "peak"], cwd=ROOT, check=True)
    pmf = os.path.join(BIN, "pmf")
    floor = os.path.join(BIN, "examples", "floor")
    walls = {}
    peaks = {}
    print(f"{'data':<14}{'command':<12}{'wall s':>9}{'returns/s':>11}{'Mcells/s':>10}{'peak MB':>9}{'x floor':>9}")
    for months in a.months:
        data = os.path.join(a.data, f"nat{a.schemes}x{months}")
        if not os.path.exists(os.path.join(data, "schemes.csv")):
            subprocess.run([pmf, "synth", "--out", data, "--schemes", str(a.schemes), "--months", str(months), "--start", "2007-04", "--seed", "1"], check=True, stdout=subprocess.DEVNULL)
        reg = os.path.join(data, "schemes.csv")
        out = os.path.join(a.data, "reports")
        cmds = {
            "floor": [floor, data, "cells"],
            "floor-range": [floor, data, "range"],
            "validate": [pmf, "validate", data, "--register", reg, "--format", "json"],
            "report": [pmf, "report", data, "--register", reg, "--out", out],
        }
        files = cells = 0
        res = {}
        for _ in range(a.runs):  # interleaved, so noise hits every command alike
            for name, cmd in cmds.items():
                wall, mb, text = run(cmd)
                res.setdefault(name, []).append((wall, mb))
                if name.startswith("floor"):
                    parts = text.split()
                    files, cells = int(parts[0]), int(parts[2])
        base = statistics.median(w for w, _ in res["floor"])
        for name, rs in res.items():
            wall = statistics.median(w for w, _ in rs)
            peak = max(m for _, m in rs)
            print(f"{f'{a.schemes}x{months}':<14}{name:<12}{wall:>9.2f}{files / wall:>11.0f}{cells / wall / 1e6:>10.2f}{peak:>9.0f}{wall / base:>9.2f}")
        walls[months] = {name: statistics.median(w for w, _ in rs) for name, rs in res.items()}
        peaks[months] = {name: max(m for _, m in rs) for name, rs in res.items()}
    if len(walls) > 1:
        lo, hi = min(walls), max(walls)
        growth = "  ".join(f"{n} {walls[hi][n] / walls[lo][n]:.2f}" for n in walls[hi])
        print(f"time of {hi} months / {lo} months: {growth}")
        # Flat memory would be 1.00 here (issue 4).
        growth = "  ".join(f"{n} {peaks[hi][n] / peaks[lo][n]:.2f}" for n in peaks[hi])
        print(f"peak of {hi} months / {lo} months: {growth}")
    print(f"(median of {a.runs} runs; {os.cpu_count()} cores; files {files}, cells {cells} in the last data set)")


if __name__ == "__main__":
    main()
