#!/usr/bin/env python3
"""Plots of a run and of a collected sweep (matplotlib), drawn by `coatkmc run`
and `coatkmc collect` after their results (host/io/OptionalOutputs).

  run_plots.py msd DIR        DIR/msd.png: tracer and collective MSD against time,
                              log-log, with 2 d D_tracer t and its 95 % interval
  run_plots.py arrhenius DIR  DIR/arrhenius.png: D_tracer, D_jump and sigma T
                              against 1000/T with weighted Arrhenius fits and
                              their 95 % bands (from sweep.json's points)
"""
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

K_B_EV = 8.617333262e-5  # eV/K (kernels/PhysicalConstants.hpp)
CM2_TO_A2 = 1e16


def save(fig, path):
    """Through NAME.tmp.PID and a rename: a killed script leaves no half PNG."""
    tmp = f"{path}.tmp.{os.getpid()}"
    fig.savefig(tmp, dpi=120, format="png")
    os.replace(tmp, path)


def read_csv(path):
    with open(path) as f:
        header = f.readline().strip().split(",")
        rows = [line.rstrip("\n").split(",") for line in f if line.strip()]
    cols = {}
    for i, name in enumerate(header):
        cols[name] = np.array([float(r[i]) if i < len(r) and r[i] != "" else np.nan for r in rows])
    return cols


def msd_plot(folder):
    m = read_csv(os.path.join(folder, "msd.csv"))
    with open(os.path.join(folder, "result.json")) as f:
        r = json.load(f)
    t = m["time_s"]
    keep = t > 0
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for col, label, colour in (("msd_tracer_A2", "tracer  <|R_i|^2>", "C0"),
                               ("msd_com_A2", "collective  |sum R_i|^2 / N", "C1")):
        y = m[col][keep]
        err = m.get(col.replace("_A2", "_err_A2"))
        ax.loglog(t[keep], y, "o", ms=3, color=colour, label=label)
        if err is not None and np.isfinite(err[keep]).any():
            ax.fill_between(t[keep], np.maximum(y - err[keep], 1e-300), y + err[keep],
                            color=colour, alpha=0.25, lw=0)
    d = r.get("dimension", 3)
    D = r.get("D_tracer")
    if D:
        tt = np.array([t[keep].min(), t[keep].max()])
        ax.loglog(tt, 2 * d * D * CM2_TO_A2 * tt, "k-",
                  label=f"2dDt, D_tracer = {D:.3g} cm$^2$/s")
        ci = r.get("D_tracer_ci95")
        if ci and ci[0] is not None and ci[1] is not None:
            ax.fill_between(tt, 2 * d * max(ci[0], 1e-300) * CM2_TO_A2 * tt,
                            2 * d * ci[1] * CM2_TO_A2 * tt, color="k", alpha=0.15, lw=0,
                            label="95 % interval of D_tracer")
    ax.set_xlabel("time (s)")
    ax.set_ylabel("MSD ($\\AA^2$)")
    ax.set_title(f"T = {r.get('temperature')} K, {r.get('particles')} ions x "
                 f"{r.get('replicas')} replica(s)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    save(fig, os.path.join(folder, "msd.png"))


def weighted_fit(x, y, sigma):
    """y = a + b x, weights 1/sigma^2: (a, b, covariance), the covariance
    inflated by chi2/dof when that exceeds 1 (the Birge ratio), as `collect`'s
    fit (host/analysis/ArrheniusFit.cpp) does, so the band is its interval."""
    A = np.vstack([np.ones_like(x), x]).T
    W = np.diag(1 / sigma**2)
    cov = np.linalg.inv(A.T @ W @ A)
    a, b = cov @ A.T @ W @ y
    dof = len(x) - 2
    chi2 = float(((y - a - b * x) ** 2 / sigma**2).sum())
    if dof > 0 and chi2 / dof > 1:
        cov = cov * (chi2 / dof)
    return a, b, cov


def arrhenius_plot(folder):
    with open(os.path.join(folder, "sweep.json")) as f:
        s = json.load(f)
    pts = [p for p in s.get("points", []) if p.get("temperature")]
    T = np.array([p["temperature"] for p in pts], dtype=float)
    if len(set(T)) < 2:
        raise SystemExit("arrhenius.png needs at least two temperatures")
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.5))
    x = 1000.0 / T
    panels = ((axes[0], "D_tracer", "D_tracer", 1.0, "D (cm$^2$/s)"),
              (axes[0], "D_jump", "D_jump", 1.0, None),
              (axes[1], "conductivity", "$\\sigma$T", 1.0, "$\\sigma$ T (S K/cm)"))
    for i, (ax, key, label, _, ylabel) in enumerate(panels):
        v = np.array([p.get(key) if p.get(key) is not None else np.nan for p in pts], dtype=float)
        e = np.array([p.get(key + "_err") if p.get(key + "_err") is not None else np.nan
                      for p in pts], dtype=float)
        if key == "conductivity":
            v, e = v * T, e * T
        ok = np.isfinite(v) & np.isfinite(e) & (v > 0) & (e > 0)
        colour = f"C{i}"
        ax.errorbar(x[ok], v[ok], yerr=1.96 * e[ok], fmt="o", color=colour, capsize=3,
                    label=f"{label} (95 %)")
        if ok.sum() >= 2 and len(set(T[ok])) >= 2:
            # ln v = ln v0 - Ea / (kB T): weighted in ln v, sigma_ln = e / v.
            a, b, cov = weighted_fit(1 / (K_B_EV * T[ok]), np.log(v[ok]), e[ok] / v[ok])
            xs = np.linspace(x.min(), x.max(), 100)
            u = 1 / (K_B_EV * 1000.0 / xs)
            ln = a + b * u
            sd = np.sqrt(cov[0, 0] + 2 * u * cov[0, 1] + u * u * cov[1, 1])
            ax.plot(xs, np.exp(ln), "-", color=colour,
                    label=f"fit: Ea = {-b:.3f} $\\pm$ {math.sqrt(cov[1, 1]):.3f} eV")
            ax.fill_between(xs, np.exp(ln - 1.96 * sd), np.exp(ln + 1.96 * sd), color=colour,
                            alpha=0.2, lw=0)
        ax.set_yscale("log")
        ax.set_xlabel("1000 / T (1/K)")
        if ylabel:
            ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
    fig.suptitle("Arrhenius: " + os.path.basename(os.path.abspath(folder)))
    fig.tight_layout()
    save(fig, os.path.join(folder, "arrhenius.png"))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("msd", "arrhenius"):
        raise SystemExit(__doc__)
    (msd_plot if sys.argv[1] == "msd" else arrhenius_plot)(sys.argv[2])
