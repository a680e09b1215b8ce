#!/usr/bin/env python3
"""National-scale benchmark (issue 4): pmf validate and pmf report against the
read floor (examples/floor.rs), on synthetic national data made once with
`pmf synth` outside the repo.

    python3 bench/bench.py [--months 12 36] [--runs 3] [--data /tmp/pmf-bench]

Prints, for each data set and command: median wall time, returns/s, cells/s,
peak memory (max RSS) and the ratio to the floor measured in the same run.
`floor` streams every cell with calamine's cell reader and keeps nothing (the
fastest calamine read, and the one the ratios use); `floor-range` reads each
sheet with `worksheet_range`, the conventional way, for reference. Last, the
time of 36 months over 12 months for each command (linear growth is 3.0).
"""
import argparse, os, resource, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release")


def run(cmd):
    """Run a command; return (wall seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
    out = p.stdout.read().decode()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(cmd)} exited {code}")
    return wall, usage.ru_maxrss / 1024, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--months", type=int, nargs="+", default=[12, 36])
    ap.add_argument("--schemes", type=int, default=350)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--data", default="/tmp/pmf-bench")
    a = ap.parse_args()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "pmf", "--example", "floor"], cwd=ROOT, check=True)
    pmf = os.path.join(BIN, "pmf")
    floor = os.path.join(BIN, "examples", "floor")
    walls = {}
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
    if len(walls) > 1:
        lo, hi = min(walls), max(walls)
        growth = "  ".join(f"{n} {walls[hi][n] / walls[lo][n]:.2f}" for n in walls[hi])
        print(f"time of {hi} months / {lo} months: {growth}")
    print(f"(median of {a.runs} runs; {os.cpu_count()} cores; files {files}, cells {cells} in the last data set)")


if __name__ == "__main__":
    main()
