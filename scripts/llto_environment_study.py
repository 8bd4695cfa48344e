#!/usr/bin/env python3
"""The LLTO A-site study of docs/environment.md (issue 16): Li on the A sites
of Li3xLa2/3-xTiO3 with La/vacancy order from layered to random, environment-
dependent barriers, D and sigma along the film normal.

    llto_environment_study.py COATKMC CONFIG OUT [--orders 0,0.5,1]
        [--solvers bkl,sublattice] [--temperatures 600] [--set KEY=VALUE]...
    llto_environment_study.py --plot-only OUT

For every order parameter S (0 random, 1 layered) the La fraction of the
A-site layers alternates along c as [0.55 + 0.35 S, 0.55 - 0.35 S] (mean
0.55, the composition Li0.35La0.55TiO3; S = 1 gives the 0.9 / 0.2 layers of
configs/llto_layered.toml). The script writes one configuration per (S,
solver, T) under OUT (CONFIG with its `layers = [...]` line replaced), runs
`COATKMC run` on it, and collects result.json into OUT/study.json and
OUT/study.csv, then draws OUT/llto_a_site_environment.png (written to a
temporary name and renamed, so a reader never sees half a file).
"""
import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time

LA_MEAN = 0.55
LA_SPLIT = 0.35  # half the La-rich / La-poor difference of the layered order

# Literature values the plot and docs/environment.md put beside ours.
LITERATURE = {
    # Matsuura et al., QENS on a La2/3-xLi3xTiO3 (x = 0.13) single crystal,
    # 600 K (arXiv:2109.14941): D_ab and D_c of Li, cm^2/s.
    "qens_600K": {"T": 600, "D_ab": 6.8e-6, "D_ab_err": 0.5e-6, "D_c": 4.4e-6, "D_c_err": 0.3e-6},
    # Stramare, Thangadurai, Weppner, Chem. Mater. 15, 3974 (2003): bulk
    # sigma ~1e-3 S/cm at room temperature, Ea 0.3-0.4 eV.
    "bulk_sigma_298K": 1e-3,
}


def la_layers(order):
    return [LA_MEAN + LA_SPLIT * order, LA_MEAN - LA_SPLIT * order]


def variant_text(text, order, solver, temperature):
    """CONFIG's text with the La layer fractions, solver and temperature set."""
    rich, poor = la_layers(order)
    new, n = re.subn(r"(?m)^(\s*layers\s*=\s*)\[[^\]]*\]", r"\g<1>[%.4f, %.4f]" % (rich, poor), text)
    if n != 1:
        raise SystemExit("llto_environment_study: CONFIG must have exactly one 'layers = [...]' line")
    new, n = re.subn(r'(?m)^(\s*solver\s*=\s*)"[^"]*"', r'\g<1>"%s"' % solver, new)
    if n != 1:
        raise SystemExit("llto_environment_study: CONFIG must have exactly one 'solver = ...' line")
    new, n = re.subn(r"(?m)^(\s*temperature\s*=\s*)[0-9.eE+-]+", r"\g<1>%g" % temperature, new)
    if n != 1:
        raise SystemExit("llto_environment_study: CONFIG must have exactly one 'temperature = ...' line")
    return new


def run_case(coatkmc, config, out, order, solver, temperature, sets, threads):
    name = "S%.2f_%s_%gK" % (order, solver, temperature)
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    with open(config) as f:
        text = f.read()
    # The variant keeps CONFIG's folder for relative paths (the coefficients file).
    variant = os.path.join(os.path.dirname(os.path.abspath(config)), ".%s.%d.toml" % (name, os.getpid()))
    with open(variant, "w") as f:
        f.write(variant_text(text, order, solver, temperature))
    cmd = [coatkmc, "run", variant, "--out", os.path.join(folder, "run"), "--force", "--no-plots",
           "--threads", str(threads)]
    for s in sets:
        cmd += ["--set", s]
    start = time.time()
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    finally:
        os.remove(variant)
    wall = time.time() - start
    with open(os.path.join(folder, "log.txt"), "w") as f:
        f.write(" ".join(cmd) + "\n" + done.stdout)
    if done.returncode != 0:
        raise SystemExit("llto_environment_study: %s failed (exit %d), see %s/log.txt"
                         % (name, done.returncode, folder))
    with open(os.path.join(folder, "run", "result.json")) as f:
        r = json.load(f)
    row = {"order": order, "solver": solver, "T_K": temperature, "wall_s": wall,
           "la_rich": la_layers(order)[0], "la_poor": la_layers(order)[1]}
    for key in ("D_tracer_xyz", "D_jump_xyz", "conductivity_xyz"):
        row[key] = r[key]
        row[key + "_err"] = r[key + "_err"]
    for key in ("D_tracer", "D_jump", "conductivity", "haven_ratio"):
        if key in r:
            row[key] = r[key]
            row[key + "_err"] = r.get(key + "_err")
    return row


def write_atomically(path, write):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    write(tmp)
    os.replace(tmp, path)


def save_study(out, rows):
    def json_write(tmp):
        with open(tmp, "w") as f:
            json.dump({"rows": rows, "literature": LITERATURE}, f, indent=1)

    write_atomically(os.path.join(out, "study.json"), json_write)
    fields = ["order", "solver", "T_K", "la_rich", "la_poor", "wall_s"]
    for key in ("D_tracer_xyz", "D_jump_xyz", "conductivity_xyz"):
        for a, axis in enumerate("xyz"):
            fields += ["%s_%s" % (key[:-4], axis), "%s_%s_err" % (key[:-4], axis)]

    def csv_write(tmp):
        with open(tmp, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(fields)
            for r in rows:
                line = [r["order"], r["solver"], r["T_K"], r["la_rich"], r["la_poor"], "%.1f" % r["wall_s"]]
                for key in ("D_tracer_xyz", "D_jump_xyz", "conductivity_xyz"):
                    for a in range(3):
                        line += [r[key][a], r[key + "_err"][a]]
                w.writerow(line)

    write_atomically(os.path.join(out, "study.csv"), csv_write)


def in_plane(r, key):
    """(value, error) of the mean of the x and y components."""
    v = 0.5 * (r[key][0] + r[key][1])
    e = 0.5 * (r[key + "_err"][0] ** 2 + r[key + "_err"][1] ** 2) ** 0.5
    return v, e


def plot(out, png=None):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    with open(os.path.join(out, "study.json")) as f:
        study = json.load(f)
    rows = study["rows"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    marker = {"bkl": "o", "sublattice": "s"}
    colour = {"ab": "tab:blue", "c": "tab:red"}
    for t in sorted({r["T_K"] for r in rows}, reverse=True):
        for solver in ("bkl", "sublattice"):
            pts = sorted((r for r in rows if r["T_K"] == t and r["solver"] == solver), key=lambda r: r["order"])
            if not pts:
                continue
            shift = 0.015 if solver == "sublattice" else 0.0
            s = [r["order"] + shift for r in pts]
            for ax, key, what in ((axes[0], "D_tracer_xyz", "D*"), (axes[1], "conductivity_xyz", "σ")):
                for plane in ("ab", "c"):
                    ve = [in_plane(r, key) if plane == "ab" else (r[key][2], r[key + "_err"][2]) for r in pts]
                    ax.errorbar(s, [v for v, _ in ve], yerr=[e for _, e in ve], marker=marker[solver],
                                color=colour[plane], ls="-" if t >= 600 else "none", capsize=2,
                                mfc="none" if solver == "sublattice" else colour[plane],
                                ms=8 if t < 600 else 6,
                                label="%s %s, %s, %g K" % (what, "in plane (ab)" if plane == "ab"
                                                           else "through film (c)", solver, t))
    q = study["literature"]["qens_600K"]
    if any(r["T_K"] == q["T"] for r in rows):
        axes[0].axhspan(q["D_ab"] - q["D_ab_err"], q["D_ab"] + q["D_ab_err"], color="tab:blue", alpha=0.2,
                        label="QENS D_ab, 600 K (Matsuura 2021)")
        axes[0].axhspan(q["D_c"] - q["D_c_err"], q["D_c"] + q["D_c_err"], color="tab:red", alpha=0.2,
                        label="QENS D_c, 600 K (Matsuura 2021)")
    if any(r["T_K"] == 298 for r in rows):
        axes[1].axhline(study["literature"]["bulk_sigma_298K"], color="k", lw=0.8, ls="--",
                        label="bulk σ, 298 K (Stramare 2003)")
    for ax, what in ((axes[0], "tracer D (cm²/s)"), (axes[1], "σ (S/cm)")):
        ax.set_yscale("log")
        ax.set_xlabel("La order S: 0 random, 1 layered (0.9 / 0.2)")
        ax.set_ylabel(what)
        ax.legend(fontsize=6)
    fig.suptitle("Li on the A sites of Li0.35La0.55TiO3: La order against transport "
                 "(filled: bkl, open: sublattice; lines 600 K, big markers 298 K)", fontsize=9)
    fig.tight_layout()
    png = png or os.path.join(out, "llto_a_site_environment.png")
    tmp = "%s.tmp.%d.png" % (png[:-4], os.getpid())
    fig.savefig(tmp, dpi=120)
    os.replace(tmp, png)
    return png


def markdown(out):
    """The rows of docs/study-llto-environment.md's results table."""
    with open(os.path.join(out, "study.json")) as f:
        rows = json.load(f)["rows"]
    lines = []
    for r in sorted(rows, key=lambda r: (-r["T_K"], r["solver"], r["order"])):
        dab, eab = in_plane(r, "D_tracer_xyz")
        sab, esab = in_plane(r, "conductivity_xyz")
        dc, ec = r["D_tracer_xyz"][2], r["D_tracer_xyz_err"][2]
        sc, esc = r["conductivity_xyz"][2], r["conductivity_xyz_err"][2]
        lines.append("| %.2f (%.3g / %.3g), %s | %g K | %.3g ± %.2g | %.3g ± %.2g | %.3g | %.3g ± %.2g | %.3g ± %.2g |"
                     % (r["order"], r["la_rich"], r["la_poor"], r["solver"], r["T_K"], dab, eab, dc, ec,
                        dab / dc if dc > 0 else float("inf"), sab, esab, sc, esc))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("coatkmc", nargs="?")
    p.add_argument("config", nargs="?")
    p.add_argument("out")
    p.add_argument("--orders", default="0,0.5,1")
    p.add_argument("--solvers", default="bkl,sublattice")
    p.add_argument("--temperatures", default="600")
    p.add_argument("--room-temperature", action="store_true",
                   help="also run the random and layered orders (S = 0, 1) with bkl at 298 K")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--set", action="append", default=[], dest="sets")
    p.add_argument("--plot-only", action="store_true")
    p.add_argument("--markdown", action="store_true", help="print the docs table rows from OUT/study.json")
    p.add_argument("--png", default=None, help="where to draw the plot (default OUT/llto_a_site_environment.png)")
    a = p.parse_args()
    if a.markdown:
        print(markdown(a.out))
        return
    if not a.plot_only:
        if not a.coatkmc or not a.config:
            p.error("COATKMC and CONFIG are needed unless --plot-only or --markdown")
        os.makedirs(a.out, exist_ok=True)
        rows = []
        for t in [float(v) for v in a.temperatures.split(",")]:
            for order in [float(v) for v in a.orders.split(",")]:
                for solver in a.solvers.split(","):
                    row = run_case(a.coatkmc, a.config, a.out, order, solver, t, a.sets, a.threads)
                    rows.append(row)
                    print("S=%.2f %-10s %4g K  D*_xyz %s  sigma_xyz %s  (%.0f s)" % (
                        order, solver, t, " ".join("%.3g" % v for v in row["D_tracer_xyz"]),
                        " ".join("%.3g" % v for v in row["conductivity_xyz"]), row["wall_s"]), flush=True)
                    save_study(a.out, rows)
        if a.room_temperature:
            for order in (0.0, 1.0):
                row = run_case(a.coatkmc, a.config, a.out, order, "bkl", 298.0, a.sets, a.threads)
                rows.append(row)
                print("S=%.2f bkl         298 K  D*_xyz %s  sigma_xyz %s  (%.0f s)" % (
                    order, " ".join("%.3g" % v for v in row["D_tracer_xyz"]),
                    " ".join("%.3g" % v for v in row["conductivity_xyz"]), row["wall_s"]), flush=True)
                save_study(a.out, rows)
    try:
        print("plot:", plot(a.out, a.png))
    except ImportError:
        print("llto_environment_study: matplotlib missing, no plot", file=sys.stderr)


if __name__ == "__main__":
    main()
