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

--class-rules tiles,lattice runs every sublattice variant once per value of
`sublattice.class_rule` (the site classes a sweep visits: tiles, or the
lattice-wide rule, which needs qualifying cells, e.g. multiples of 8 on sc),
all against the case's one bkl reference. The fit is then made per class
rule, and the report adds the difference of the rules: of the fitted k, and
of the deviations at each ceiling with the sublattice runs' own errors only
(the shared reference cancels there), with its chi^2 over all ceilings.
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

try:
    from scipy.stats import chi2 as _chi2
except ImportError:  # the p-value is then omitted
    _chi2 = None

QUANTITIES = ["correlation_factor", "D_tracer", "D_jump", "haven_ratio"]
SHORT = {"correlation_factor": "f", "D_tracer": "D_tr", "D_jump": "D_J", "haven_ratio": "H_R"}


def run(coatkmc, config, out, sets, threads):
    cmd = [coatkmc, "run", config, "--out", out, "--threads", str(threads)]
    for k, v in sets.items():
        cmd += ["--set", f"{k}={v}"]
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.stderr.write(f"{' '.join(cmd)}\nexit {p.returncode}: {p.stderr}")
        raise SystemExit(p.returncode)
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


def own_error(r, ref, q):
    """The part of deviation()'s error from r alone (what a difference of two
    runs against the same ref keeps)."""
    return abs(r[q] / ref[q]) * abs(r[q + "_err"] / r[q])


def source_commit(here):
    """The commit of the script's checkout (+ "-dirty" with local changes)."""
    try:
        c = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"], check=True,
                           capture_output=True, text=True).stdout.strip()
        d = subprocess.run(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"],
                           check=True, capture_output=True, text=True).stdout.strip()
        return c + ("-dirty" if d else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


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
    ap.add_argument("--class-rules", default="",
                    help='values of sublattice.class_rule to run each variant with, e.g. "tiles,lattice" '
                         '(default: the key is not set)')
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
            variants.append((r.get("class_rule", ""), r["rule"], r["ceiling"]))
        report(results, variants, args.out)
        return 0
    here = os.path.dirname(os.path.abspath(__file__))
    args.source_commit = source_commit(here)
    config = os.path.join(here, "..", "configs", "quickstart.toml")
    cells = {"sc": "[16,16,16]", "fcc": "[10,10,10]", "bcc": "[13,13,13]"}
    if args.cells:
        cells = {k: args.cells for k in ["sc", "fcc", "bcc"]}
    ceilings = [float(x) for x in args.ceilings.split(",")]
    variants = []
    for class_rule in args.class_rules.split(","):
        variants += [(class_rule, "poisson", x) for x in ceilings]
        for rule in [r for r in args.other_rules.split(",") if r]:
            variants += [(class_rule, rule, float(x)) for x in args.other_ceilings.split(",") if x]

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
            for class_rule, rule, ceiling in variants:
                seed += 1
                name = f"{lattice}-{c}-{ceiling}-{rule}" + (f"-{class_rule}" if class_rule else "")
                sets = {"run.solver": '"sublattice"', "run.seed": seed,
                        "sublattice.acceptance_ceiling": ceiling, "sublattice.attempts": f'"{rule}"'}
                if class_rule:
                    sets["sublattice.class_rule"] = f'"{class_rule}"'
                r = run(args.coatkmc, config, os.path.join(args.out, name), dict(base, **sets),
                        args.threads)
                row = {"ceiling": ceiling, "rule": rule,
                       "attempts_per_hop": r["attempts"] / r["hops"], "wall": r["_wall"]}
                if class_rule:
                    row["class_rule"] = class_rule
                for q in QUANTITIES:
                    row[q] = deviation(r, ref, q)
                    row[q + "_own_err"] = own_error(r, ref, q)
                case["runs"].append(row)
                print(f"{lattice} c={c} ceiling={ceiling} {rule} {class_rule}: " +
                      ", ".join(f"{SHORT[q]} {100 * row[q][0]:+.2f}±{100 * row[q][1]:.2f}%" for q in QUANTITIES) +
                      f"  ({row['attempts_per_hop']:.1f} attempts/hop, {r['_wall']:.0f} s)", flush=True)
            results["cases"].append(case)
            with open(os.path.join(args.out, "bias.json"), "w") as f:
                json.dump(results, f, indent=1)

    report(results, variants, args.out)


def wls(pts, q, own):
    """Weighted least squares dev = a + k ceiling^2 over pts in quantity q.
    own: weights from the sublattice runs' own errors (the shared bkl
    reference only shifts every point alike, which a absorbs, so these are
    the errors k really has); else from the combined errors (the documented
    fits; conservative). Returns k, its standard error, chi^2 and its dof, or
    None when the points do not determine k."""
    e = [r[q + "_own_err"] if own else r[q][1] for r in pts]
    w = [1 / ei ** 2 for ei in e]
    x = [r["ceiling"] ** 2 for r in pts]
    y = [r[q][0] for r in pts]
    sw, sx, sy = sum(w), sum(wi * xi for wi, xi in zip(w, x)), sum(wi * yi for wi, yi in zip(w, y))
    sxx = sum(wi * xi * xi for wi, xi in zip(w, x))
    sxy = sum(wi * xi * yi for wi, xi, yi in zip(w, x, y))
    det = sw * sxx - sx * sx
    if len(pts) < 2 or det <= 0:
        return None
    k = (sw * sxy - sx * sy) / det
    a = (sy - k * sx) / sw
    chi2 = sum(wi * (yi - a - k * xi) ** 2 for wi, xi, yi in zip(w, x, y))
    return k, math.sqrt(sw / det), chi2, len(pts) - 2


def p_value(chi2, dof):
    return float(_chi2.sf(chi2, dof)) if _chi2 is not None and dof > 0 else None


def report(results, variants, out):
    """Writes out/bias.md (the tables) and the quadratic fits into out/bias.json."""
    def label(class_rule, rule):
        return f"{rule} ({class_rule})" if class_rule else rule

    def find(case, class_rule, rule, ceiling):
        return next(r for r in case["runs"] if r["ceiling"] == ceiling and r["rule"] == rule
                    and r.get("class_rule", "") == class_rule)

    # Markdown table: one row per (variant, ceiling), one column group per case.
    lines = ["| attempts | ceiling | " + " | ".join(
        f"{c['lattice']} {c['fraction']}" for c in results["cases"]) + " |",
             "|---|---|" + "---|" * len(results["cases"])]
    for class_rule, rule, ceiling in variants:
        cells_ = []
        for case in results["cases"]:
            row = find(case, class_rule, rule, ceiling)
            cells_.append("<br>".join(f"{SHORT[q]} {100 * row[q][0]:+.1f}±{100 * row[q][1]:.1f}"
                                      for q in QUANTITIES))
        lines.append(f"| {label(class_rule, rule)} | {ceiling:g} | " + " | ".join(cells_) + " |")
    # Bias of the default rule as a function of the ceiling: dev = a + k p^2,
    # a taking up the fluctuation of the shared bkl reference (weighted least squares).
    class_rules = sorted({v[0] for v in variants}, key=[v[0] for v in variants].index)
    fits = []
    for case in results["cases"]:
        for class_rule in class_rules:
            pts = [r for r in case["runs"]
                   if r["rule"] == "poisson" and r.get("class_rule", "") == class_rule]
            for q in ["correlation_factor", "D_tracer"]:
                f = wls(pts, q, own=False)
                if f is None:
                    continue
                ft = {"lattice": case["lattice"], "fraction": case["fraction"], "quantity": q,
                      "k": f[0], "k_err": f[1]}
                if class_rule:
                    ft["class_rule"] = class_rule
                if all(q + "_own_err" in r for r in pts):
                    g = wls(pts, q, own=True)
                    ft.update({"k_own": g[0], "k_own_err": g[1], "chi2_own": g[2], "dof": g[3]})
                fits.append(ft)
    results["quadratic_fits"] = fits
    lines.append("")
    has_own = any("k_own" in ft for ft in fits)
    lines.append("| case | quantity | k (dev = a + k ceiling^2) | bias at 0.25 |" +
                 (" k, own errors | chi^2/dof |" if has_own else ""))
    lines.append("|---|---|---|---|" + ("---|---|" if has_own else ""))
    for ft in fits:
        cr = f" ({ft['class_rule']})" if "class_rule" in ft else ""
        line = (f"| {ft['lattice']} {ft['fraction']}{cr} | {SHORT[ft['quantity']]} | "
                f"{100 * ft['k']:+.2f} ± {100 * ft['k_err']:.2f} % | "
                f"{100 * ft['k'] * 0.0625:+.2f} ± {100 * ft['k_err'] * 0.0625:.2f} % |")
        if has_own:
            line += (f" {100 * ft['k_own']:+.2f} ± {100 * ft['k_own_err']:.2f} % |"
                     f" {ft['chi2_own']:.1f}/{ft['dof']} |" if "k_own" in ft else " | |")
        lines.append(line)
    # Two class rules against the same references: their difference.
    comparison = None
    if len(class_rules) == 2 and all(class_rules):
        r1, r0 = class_rules[1], class_rules[0]
        comparison = {"rules": [r1, r0], "k_differences": [], "deviation_differences": []}
        lines.append("")
        lines.append(f"**{r1} − {r0}** (fitted k with own errors; deviations at each ceiling, "
                     f"own errors, the shared bkl reference cancels)")
        lines.append("")
        lines.append("| case | quantity | Δk | Δk / SE | Δ(bias at 0.25) | per-ceiling Δdev, % | chi^2/dof (p) |")
        lines.append("|---|---|---|---|---|---|---|")
        totals = {q: [0.0, 0] for q in ["correlation_factor", "D_tracer"]}
        for case in results["cases"]:
            for q in ["correlation_factor", "D_tracer"]:
                f1 = next((f for f in fits if f["lattice"] == case["lattice"] and
                           f["fraction"] == case["fraction"] and f["quantity"] == q and
                           f.get("class_rule") == r1), None)
                f0 = next((f for f in fits if f["lattice"] == case["lattice"] and
                           f["fraction"] == case["fraction"] and f["quantity"] == q and
                           f.get("class_rule") == r0), None)
                if f1 is None or f0 is None or "k_own" not in f1 or "k_own" not in f0:
                    continue
                dk = f1["k_own"] - f0["k_own"]
                dk_err = math.hypot(f1["k_own_err"], f0["k_own_err"])
                chi2, dof, cells_ = 0.0, 0, []
                for rule_, ceiling in [(v[1], v[2]) for v in variants if v[0] == r0]:
                    a1, a0 = find(case, r1, rule_, ceiling), find(case, r0, rule_, ceiling)
                    d = a1[q][0] - a0[q][0]
                    e = math.hypot(a1[q + "_own_err"], a0[q + "_own_err"])
                    chi2 += (d / e) ** 2
                    dof += 1
                    cells_.append(f"{ceiling:g}: {100 * d:+.2f}±{100 * e:.2f}")
                    comparison["deviation_differences"].append(
                        {"lattice": case["lattice"], "fraction": case["fraction"], "quantity": q,
                         "rule": rule_, "ceiling": ceiling, "difference": d, "error": e})
                totals[q][0] += chi2
                totals[q][1] += dof
                p = p_value(chi2, dof)
                comparison["k_differences"].append(
                    {"lattice": case["lattice"], "fraction": case["fraction"], "quantity": q,
                     "dk": dk, "dk_err": dk_err, "chi2": chi2, "dof": dof, "p": p})
                lines.append(f"| {case['lattice']} {case['fraction']} | {SHORT[q]} | "
                             f"{100 * dk:+.2f} ± {100 * dk_err:.2f} % | {dk / dk_err:+.1f} | "
                             f"{100 * dk * 0.0625:+.3f} ± {100 * dk_err * 0.0625:.3f} % | "
                             f"{'; '.join(cells_)} | {chi2:.1f}/{dof}"
                             + (f" ({p:.2f})" if p is not None else "") + " |")
        comparison["totals"] = {}
        lines.append("")
        for q, (chi2, dof) in totals.items():
            p = p_value(chi2, dof)
            comparison["totals"][q] = {"chi2": chi2, "dof": dof, "p": p}
            lines.append(f"All per-ceiling differences in {SHORT[q]}: chi^2 = {chi2:.1f} over {dof}"
                         + (f" (p = {p:.2f})" if p is not None else ""))
    results["class_rule_comparison"] = comparison
    with open(os.path.join(out, "bias.json"), "w") as f:
        json.dump(results, f, indent=1)
    with open(os.path.join(out, "bias.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
