#!/usr/bin/env python3
"""Turns `coatkmc bench` records into benchmarks/results/<device>-<date>.json
(rows: device, solver, lattice, sites, attempts_per_second, hops_per_second,
commit) and a plot of throughput against lattice size.

Usage: bench_rows.py OUT_JSON [--plot OUT_PNG] BENCH_JSON...
The plot needs matplotlib; without it the JSON is still written and the
script says so (exit status 0).
"""
import argparse
import json
import sys


def rows_of(paths):
    rows = []
    for path in paths:
        with open(path) as f:
            record = json.load(f)
        for r in record.get("rows", []):
            rows.append({
                "device": r.get("device") or record.get("cuda_device") or record.get("cpu", ""),
                "solver": r["solver"],
                "class_rule": r.get("class_rule", "") if r["solver"] == "sublattice" else "",
                "backend": r.get("backend", ""),
                "lattice": r.get("lattice", "sc"),
                "cells": r.get("cells"),
                "sites": r["sites"],
                "attempts_per_second": r["attempts_per_second"],
                "hops_per_second": r["hops_per_second"],
                "commit": r.get("commit") or record.get("commit", ""),
            })
    return rows


def plot(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("bench_rows: matplotlib missing, no plot", file=sys.stderr)
        return False
    fig, ax = plt.subplots(figsize=(6, 4))
    for solver, rule in sorted({(r["solver"], r["class_rule"]) for r in rows}):
        mine = sorted((r for r in rows if r["solver"] == solver and r["class_rule"] == rule),
                      key=lambda r: r["sites"])
        key = "hops_per_second" if solver == "walkers" else "attempts_per_second"
        name = f"{solver}, {rule} classes" if rule else solver
        ax.loglog([r["sites"] for r in mine], [r[key] for r in mine], "o-",
                  label=f"{name} ({key.replace('_per_second', '')}/s)")
    ax.set_xlabel("lattice sites")
    ax.set_ylabel("per second")
    ax.set_title(rows[0]["device"] if rows else "")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    return True


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("--plot")
    p.add_argument("bench", nargs="+")
    a = p.parse_args()
    rows = rows_of(a.bench)
    if not rows:
        print("bench_rows: no rows in " + " ".join(a.bench), file=sys.stderr)
        return 1
    with open(a.out, "w") as f:
        json.dump({"rows": rows}, f, indent=1)
        f.write("\n")
    if a.plot:
        plot(rows, a.plot)
    return 0


if __name__ == "__main__":
    sys.exit(main())
