#!/usr/bin/env python3
"""Bias of the sublattice solver against bkl, as a function of the acceptance ceiling.

For the ideal lattice gas (no interaction) on sc and fcc at c = 0.25, 0.5 and
0.75, runs bkl and the sublattice solver at several acceptance ceilings with
its default attempt rule (poisson), and the other attempt rules (one_per_ion,
one_per_site) at a few, all through `coatkmc run`,
and tabulates the relative deviation of the correlation factor f, D_tracer,
D_jump and the Haven ratio from bkl, with the combined standard error. It
also runs the default study (configs/quickstart.toml with the sublattice
solver) and reports its statistical errors, which the default ceiling must beat.

Usage: scripts/sublattice_bias.py --coatkmc build/coatkmc --out DIR [--replicas N]
Writes DIR/bias.json and DIR/bias.md (the table docs/parallel-solvers.md quotes).
Every run uses its own seed so that no two compared runs share random numbers.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

QUANTITIES = ["correlation_factor", "D_tracer", "D_jump", "haven_ratio"]
SHORT = {"correlation_factor": "f", "D_tracer": "D_tr", "D_jump": "D_J", "haven_ratio": "H_R"}


def run(coatkmc, config, out, sets, threads):
    cmd = [coatkmc, "run", config, "--out", out, "--threads", str(threads)]
    for k, v in sets.items():
        cmd += ["--set", f"{k}={v}"]
    t0 = time.time()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(os.path.join(out, "result.json")) as f:
        r = json.load(f)
    r["_wall"] = time.time() - t0
    return r


def deviation(r, ref, q):
    """Relative deviation of r from ref in quantity q, and its standard error."""
    a, ea, b, eb = r[q], r[q + "_err"], ref[q], ref[q + "_err"]
    rel = a / b - 1.0
    err = abs(a / b) * math.sqrt((ea / a) ** 2 + (eb / b) ** 2)
    return rel, err


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--coatkmc", default="build/coatkmc")
    ap.add_argument("--out", required=True)
    ap.add_argument("--replicas", type=int, default=64)
    ap.add_argument("--hops", type=float, default=50, help="hops per particle of each replica")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ceilings", default="1,0.5,0.25,0.1,0.05",
                    help="ceilings of the default (poisson) attempt rule")
    ap.add_argument("--other-rules", default="one_per_ion,one_per_site")
    ap.add_argument("--other-ceilings", default="1,0.25,0.05",
                    help="ceilings of the other attempt rules")
    ap.add_argument("--lattices", default="sc,fcc")
    ap.add_argument("--fractions", default="0.25,0.5,0.75")
    ap.add_argument("--cells", default="", help="override the cells of every lattice, e.g. [8,8,8]")
    ap.add_argument("--interaction", type=float, default=0.0, help="hop.interaction, eV")
    ap.add_argument("--site-sigma", type=float, default=0.0, help="landscape.site_energy_sigma, eV")
    ap.add_argument("--temperature", type=float, default=298.0)
    ap.add_argument("--skip-default-run", action="store_true")
    ap.add_argument("--report-only", action="store_true",
                    help="rewrite the tables and fits of an existing OUT/bias.json")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.report_only:
        with open(os.path.join(args.out, "bias.json")) as f:
            results = json.load(f)
        variants = []
        for r in results["cases"][0]["runs"]:
            variants.append((r["rule"], r["ceiling"]))
        report(results, variants, args.out)
        return 0
    here = os.path.dirname(os.path.abspath(__file__))
    config = os.path.join(here, "..", "configs", "quickstart.toml")
    cells = {"sc": "[16,16,16]", "fcc": "[10,10,10]", "bcc": "[13,13,13]"}
    if args.cells:
        cells = {k: args.cells for k in ["sc", "fcc", "bcc"]}
    ceilings = [float(x) for x in args.ceilings.split(",")]
    variants = [("poisson", x) for x in ceilings]
    for rule in [r for r in args.other_rules.split(",") if r]:
        variants += [(rule, float(x)) for x in args.other_ceilings.split(",") if x]

    results = {"settings": vars(args), "cases": [], "default_run": None}
    seed = 1000
    # The default study: quickstart with the sublattice solver at its default ceiling.
    if not args.skip_default_run:
        d = run(args.coatkmc, config, os.path.join(args.out, "default"),
                {"run.solver": '"sublattice"', "run.seed": 7}, args.threads)
        results["default_run"] = {q: {"value": d[q], "rel_err": d[q + "_err"] / abs(d[q])}
                                  for q in QUANTITIES}
        print("default run relative errors: " +
              ", ".join(f"{SHORT[q]} {100 * results['default_run'][q]['rel_err']:.2f}%" for q in QUANTITIES),
              flush=True)

    for lattice in args.lattices.split(","):
        for c in [float(x) for x in args.fractions.split(",")]:
            base = {"lattice.type": f'"{lattice}"', "lattice.cells": cells[lattice],
                    "occupancy.fraction": c, "run.replicas": args.replicas,
                    "run.hops_per_particle": args.hops, "run.blocks": 20, "run.msd_samples": 10,
                    "run.temperature": args.temperature, "hop.interaction": args.interaction,
                    "landscape.site_energy_sigma": args.site_sigma}
            seed += 1
            ref = run(args.coatkmc, config, os.path.join(args.out, f"{lattice}-{c}-bkl"),
                      dict(base, **{"run.solver": '"bkl"', "run.seed": seed}), args.threads)
            case = {"lattice": lattice, "fraction": c, "bkl": {q: [ref[q], ref[q + "_err"]] for q in QUANTITIES},
                    "runs": []}
            for rule, ceiling in variants:
                seed += 1
                name = f"{lattice}-{c}-{ceiling}-{rule}"
                r = run(args.coatkmc, config, os.path.join(args.out, name),
                        dict(base, **{"run.solver": '"sublattice"', "run.seed": seed,
                                      "sublattice.acceptance_ceiling": ceiling,
                                      "sublattice.attempts": f'"{rule}"'}),
                        args.threads)
                row = {"ceiling": ceiling, "rule": rule,
                       "attempts_per_hop": r["attempts"] / r["hops"], "wall": r["_wall"]}
                for q in QUANTITIES:
                    row[q] = deviation(r, ref, q)
                case["runs"].append(row)
                print(f"{lattice} c={c} ceiling={ceiling} {rule}: " +
                      ", ".join(f"{SHORT[q]} {100 * row[q][0]:+.2f}±{100 * row[q][1]:.2f}%" for q in QUANTITIES) +
                      f"  ({row['attempts_per_hop']:.1f} attempts/hop, {r['_wall']:.0f} s)", flush=True)
            results["cases"].append(case)
            with open(os.path.join(args.out, "bias.json"), "w") as f:
                json.dump(results, f, indent=1)

    report(results, variants, args.out)


def report(results, variants, out):
    """Writes out/bias.md (the tables) and the quadratic fits into out/bias.json."""
    # Markdown table: one row per (variant, ceiling), one column group per case.
    lines = ["| attempts | ceiling | " + " | ".join(
        f"{c['lattice']} {c['fraction']}" for c in results["cases"]) + " |",
             "|---|---|" + "---|" * len(results["cases"])]
    for rule, ceiling in variants:
        cells_ = []
        for case in results["cases"]:
            row = next(r for r in case["runs"] if r["ceiling"] == ceiling and r["rule"] == rule)
            cells_.append("<br>".join(f"{SHORT[q]} {100 * row[q][0]:+.1f}±{100 * row[q][1]:.1f}"
                                      for q in QUANTITIES))
        lines.append(f"| {rule} | {ceiling:g} | " + " | ".join(cells_) + " |")
    # Bias of the default rule as a function of the ceiling: dev = a + k p^2,
    # a taking up the fluctuation of the shared bkl reference (weighted least squares).
    fits = []
    for case in results["cases"]:
        pts = [r for r in case["runs"] if r["rule"] == "poisson"]
        for q in ["correlation_factor", "D_tracer"]:
            w = [1 / r[q][1] ** 2 for r in pts]
            x = [r["ceiling"] ** 2 for r in pts]
            y = [r[q][0] for r in pts]
            sw, sx, sy = sum(w), sum(wi * xi for wi, xi in zip(w, x)), sum(wi * yi for wi, yi in zip(w, y))
            sxx = sum(wi * xi * xi for wi, xi in zip(w, x))
            sxy = sum(wi * xi * yi for wi, xi, yi in zip(w, x, y))
            det = sw * sxx - sx * sx
            if len(pts) < 2 or det <= 0:
                continue
            k = (sw * sxy - sx * sy) / det
            k_err = math.sqrt(sw / det)
            fits.append({"lattice": case["lattice"], "fraction": case["fraction"], "quantity": q,
                         "k": k, "k_err": k_err})
    results["quadratic_fits"] = fits
    with open(os.path.join(out, "bias.json"), "w") as f:
        json.dump(results, f, indent=1)
    lines.append("")
    lines.append("| case | quantity | k (dev = a + k ceiling^2) | bias at 0.25 |")
    lines.append("|---|---|---|---|")
    for ft in fits:
        lines.append(f"| {ft['lattice']} {ft['fraction']} | {SHORT[ft['quantity']]} | "
                     f"{100 * ft['k']:+.2f} ± {100 * ft['k_err']:.2f} % | "
                     f"{100 * ft['k'] * 0.0625:+.2f} ± {100 * ft['k_err'] * 0.0625:.2f} % |")
    with open(os.path.join(out, "bias.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))



if __name__ == "__main__":
    sys.exit(main())
