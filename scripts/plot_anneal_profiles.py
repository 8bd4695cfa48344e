#!/usr/bin/env python3
"""Plots DIR/profiles.csv of `coatkmc macro` (anneal study) into DIR/profiles.png.

Exits non-zero when matplotlib is missing; the command then notes in
summary.json that the plots were skipped.
"""
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(out):
    with open(os.path.join(out, "profiles.csv")) as f:
        rows = list(csv.reader(f))
    header, data = rows[0], [[float(v) for v in r] for r in rows[1:]]
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f) if os.path.getsize(os.path.join(out, "summary.json")) else {}
    depth = [r[0] for r in data]
    fig, ax = plt.subplots(figsize=(6, 4))
    for k, name in enumerate(header[1:], start=1):
        ax.semilogy(depth, [max(r[k], 1e-8) for r in data], label=name.replace("c_", ""))
    limit = summary.get("detection_limit")
    if limit:
        ax.axhline(limit, color="grey", ls=":", label="detection limit")
    if "interface_depth_nm" in summary:
        ax.axvline(summary["interface_depth_nm"], color="k", lw=0.8)
    ax.set_xlabel("depth (nm)")
    ax.set_ylabel(summary.get("species", "c") + " site fraction")
    ax.set_ylim(1e-5, 1.5)
    ax.set_title(summary.get("study", ""))
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "profiles.png"), dpi=120)


if __name__ == "__main__":
    main(sys.argv[1])
