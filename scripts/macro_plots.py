#!/usr/bin/env python3
"""Plots of a `coatkmc macro` output folder: reads DIR/summary.json and the
CSV files beside it, writes PNGs there and prints 'wrote PATH' for each.

  nyquist.png          -Im Z against Re Z of every case (electrode area)
  bode.png             |Z| and phase against frequency
  rate_capability.png  discharge capacity against C-rate, the paper's points as crosses
  voltage_curves.png   discharge (and charge) curves of every case at every rate
  asr_terms.png        the area-resistance terms of every case, each on its own
  plating.png          Li-plating threshold current against coating thickness
"""
import csv
import json
import os
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def save(fig, out, name):
    # Atomically, as every coatkmc output: a temporary file renamed over the
    # name, removed when the disk is full, so no half-written PNG is left.
    path = os.path.join(out, name)
    tmp = path + ".tmp." + str(os.getpid())
    fig.tight_layout()
    try:
        fig.savefig(tmp, dpi=120, format="png")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    plt.close(fig)
    print("wrote " + path)


def main(out):
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    cases = s.get("cases", [])
    # Long study titles wrap instead of running off the figure.
    title = "\n".join(textwrap.wrap(s.get("title", ""), 60))

    spectra = [(c["name"], c["impedance"]) for c in cases if "impedance" in c]
    if spectra:
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        fig2, (axm, axp) = plt.subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
        for name, imp in spectra:
            rows = read_csv(os.path.join(out, imp["csv"]))
            f = [float(r["frequency_Hz"]) for r in rows]
            zr = [float(r["Z_real_ohm_cm2"]) for r in rows]
            zi = [-float(r["Z_imag_ohm_cm2"]) for r in rows]
            za = [float(r["Z_abs_ohm_cm2"]) for r in rows]
            ph = [float(r["phase_deg"]) for r in rows]
            ax.plot(zr, zi, label=name)
            axm.loglog(f, za, label=name)
            axp.semilogx(f, ph, label=name)
        # Nyquist: equal axes would hide arcs behind the diffusion tail; keep
        # the arcs in view (the tail runs off the top).
        ax.set_xlabel("Re Z (Ohm cm$^2$, %s)" % spectra[0][1].get("basis", ""))
        ax.set_ylabel("-Im Z (Ohm cm$^2$)")
        xmax = max(ax.get_xlim()[1], 1e-30)
        ax.set_ylim(0, xmax)
        ax.set_title(title, fontsize=9)
        ax.legend()
        save(fig, out, "nyquist.png")
        axm.set_ylabel("|Z| (Ohm cm$^2$)")
        axp.set_ylabel("phase (deg)")
        axp.set_xlabel("frequency (Hz)")
        axm.legend()
        axm.set_title(title, fontsize=9)
        save(fig2, out, "bode.png")

    rated = [c for c in cases if "rate_capability" in c]
    if rated:
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        for i, c in enumerate(rated):
            color = "C%d" % i
            rates = [r["c_rate"] for r in c["rate_capability"]]
            caps = [r["discharge_capacity_mAh_g"] for r in c["rate_capability"]]
            ax.plot(rates, caps, "o-", color=color, label=c["name"] + " (model)")
            paper = c.get("paper", {}).get("capacity_mAh_g", {})
            pr = [(float(k.rstrip("C")), v) for k, v in paper.items()]
            if pr:
                ax.plot([p[0] for p in pr], [p[1] for p in pr], "x", color=color, ms=10, mew=2,
                        label=c["name"] + " (paper)")
        ax.set_xscale("log")
        ax.set_xlabel("C-rate")
        ax.set_ylabel("discharge capacity (mAh/g)")
        ax.set_title(title, fontsize=9)
        ax.legend(fontsize=8)
        save(fig, out, "rate_capability.png")

        fig, axes = plt.subplots(1, len(rated), figsize=(4.2 * len(rated), 4.2), sharey=True,
                                 squeeze=False)
        for ax, c in zip(axes[0], rated):
            rows = read_csv(os.path.join(out, "voltage_%s.csv" % c["name"]))
            rates = sorted({float(r["c_rate"]) for r in rows})
            for j, rate in enumerate(rates):
                for half, style in (("discharge", "-"), ("charge", "--")):
                    pts = [r for r in rows if float(r["c_rate"]) == rate and r["half"] == half]
                    if pts:
                        ax.plot([float(p["capacity_mAh_g"]) for p in pts],
                                [float(p["voltage_V"]) for p in pts], style, color="C%d" % j,
                                label="%gC" % rate if half == "discharge" else None)
            ax.set_title(c["name"], fontsize=9)
            ax.set_xlabel("capacity (mAh/g)")
        axes[0][0].set_ylabel("cell voltage (V)")
        axes[0][0].legend(fontsize=8)
        save(fig, out, "voltage_curves.png")

    with_terms = [c for c in cases if c.get("asr_terms")]
    if with_terms:
        names = []
        for c in with_terms:
            for t in c["asr_terms"]:
                key = "%s [%s]" % (t["name"], t["basis"])
                if key not in names:
                    names.append(key)
        fig, ax = plt.subplots(figsize=(9.5, 1.2 + 0.35 * len(names) * len(with_terms)))
        y = 0
        ticks, labels = [], []
        for i, c in enumerate(with_terms):
            for t in c["asr_terms"]:
                ax.barh(y, max(t["asr_ohm_cm2"], 1e-30), color="C%d" % i)
                ticks.append(y)
                labels.append("%s: %s [%s]" % (c["name"], t["name"], t["basis"]))
                y += 1
            y += 0.5
        ax.set_yticks(ticks)
        ax.set_yticklabels(labels, fontsize=7)
        ax.set_xscale("log")
        ax.invert_yaxis()
        ax.set_xlabel("ASR (Ohm cm$^2$, on the basis in brackets)")
        ax.set_title(title, fontsize=9)
        save(fig, out, "asr_terms.png")

    if "plating" in s:
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        for i, a in enumerate(s["plating"]["alloys"]):
            th = [r["thickness_um"] for r in a["thresholds"]]
            lo = [r["threshold_mA_cm2_at_D_min"] for r in a["thresholds"]]
            hi = [r.get("threshold_mA_cm2_at_D_max", r["threshold_mA_cm2_at_D_min"])
                  for r in a["thresholds"]]
            ax.fill_between(th, lo, hi, color="C%d" % i, alpha=0.3)
            ax.plot(th, lo, "-", color="C%d" % i, label=a["name"])
        ax.axhline(s["plating"]["current_density_mA_cm2"], color="k", ls=":",
                   label="%g mA/cm$^2$" % s["plating"]["current_density_mA_cm2"])
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("coating thickness (um)")
        ax.set_ylabel("plating-on-top threshold (mA/cm$^2$)")
        ax.set_title("Li plating beneath vs on top of the coating", fontsize=9)
        ax.legend(fontsize=7)
        save(fig, out, "plating.png")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: macro_plots.py DIR")
    main(sys.argv[1])
