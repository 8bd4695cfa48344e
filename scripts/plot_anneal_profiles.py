#!/usr/bin/env python3
"""Plots DIR/profiles.csv of `coatkmc macro` (anneal study) into DIR/profiles.png
(and DIR/microstructure.csv, when the anneal drives a microstructure, into
DIR/microstructure.png).

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
    summary_path = os.path.join(out, "summary.json")
    summary = {}
    if os.path.exists(summary_path) and os.path.getsize(summary_path):
        with open(summary_path) as f:
            summary = json.load(f)
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
    plot_microstructure(out, summary)


def plot_microstructure(out, summary):
    """DIR/microstructure.csv (evolving layers) into DIR/microstructure.png:
    crystallized fraction and the layer's D against time, one line per case."""
    path = os.path.join(out, "microstructure.csv")
    if not os.path.exists(path):
        return
    with open(path) as f:
        rows = list(csv.DictReader(f))
    fig, (ax_x, ax_d) = plt.subplots(1, 2, figsize=(10, 4))
    for key in sorted({(r["case_C"], r["layer"]) for r in rows}, key=lambda k: float(k[0])):
        sel = [r for r in rows if (r["case_C"], r["layer"]) == key]
        t = [float(r["time_s"]) / 3600 for r in sel]
        label = key[0] + " C, " + key[1]
        ax_x.plot(t, [float(r["crystallized_fraction"]) for r in sel], label=label)
        ax_d.semilogy(t, [float(r["D_cm2_s"]) for r in sel], label=label)
    ax_x.set_xlabel("time (h)")
    ax_x.set_ylabel("crystallized fraction X")
    ax_x.set_ylim(-0.02, 1.02)
    ax_d.set_xlabel("time (h)")
    ax_d.set_ylabel("layer D (cm$^2$/s)")
    ax_x.legend(fontsize=8)
    fig.suptitle(summary.get("study", ""))
    fig.tight_layout()
    fig.savefig(os.path.join(out, "microstructure.png"), dpi=120)


if __name__ == "__main__":
    main(sys.argv[1])
