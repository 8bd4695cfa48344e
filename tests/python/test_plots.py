"""Plots (issue 14, item 4): `run` draws msd.png, `collect` arrhenius.png
(matplotlib, scripts/run_plots.py), after the results; --no-plots draws none."""
import json

import matplotlib.image
import pytest

from conftest import run_cli

PNG = b"\x89PNG\r\n\x1a\n"
SMALL = ["--set", "lattice.cells=[6,6,6]", "--set", "run.hops_per_particle=20"]


def test_run_draws_msd_png(tmp_path, source_dir):
    p = run_cli("run", source_dir / "configs/quickstart.toml", "--out", tmp_path / "r", *SMALL,
                "--set", "run.replicas=2")
    png = tmp_path / "r/msd.png"
    assert png.read_bytes()[:8] == PNG
    assert matplotlib.image.imread(png).shape[:2] == (540, 720)  # 6 x 4.5 in at 120 dpi
    assert "msd.png" in p.stdout and p.stderr == ""
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", tmp_path / "n", *SMALL,
            "--no-plots")
    assert not (tmp_path / "n/msd.png").exists()
    # --force removes the earlier run's plot with its results.
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", tmp_path / "r", *SMALL,
            "--no-plots", "--force")
    assert not (tmp_path / "r/msd.png").exists()


def test_collect_draws_arrhenius_png(tmp_path, source_dir):
    out = tmp_path / "sw"
    run_cli("sweep", source_dir / "configs/quickstart.toml", "--vary",
            "run.temperature=400,600,900", "--out", out, *SMALL)
    p = run_cli("collect", out)
    assert (out / "arrhenius.png").read_bytes()[:8] == PNG
    assert "arrhenius.png" in p.stdout
    assert json.loads((out / "sweep.json").read_text())["arrhenius"]
    # No temperature axis: no Arrhenius plot.
    other = tmp_path / "sw2"
    run_cli("sweep", source_dir / "configs/quickstart.toml", "--vary",
            "occupancy.fraction=0.3,0.6", "--out", other, *SMALL)
    run_cli("collect", other)
    assert not (other / "arrhenius.png").exists()


def test_plot_script_fit_matches_collect(tmp_path, source_dir):
    """The fitted line drawn is the fit `collect` reports (same weighted fit)."""
    import importlib.util
    import numpy as np
    spec = importlib.util.spec_from_file_location("run_plots", source_dir / "scripts/run_plots.py")
    rp = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rp)
    out = tmp_path / "sw"
    run_cli("sweep", source_dir / "configs/quickstart.toml", "--vary",
            "run.temperature=400,600,900", "--out", out, *SMALL)
    run_cli("collect", out, "--no-plots")
    s = json.loads((out / "sweep.json").read_text())
    pts = s["points"]
    T = np.array([p["temperature"] for p in pts])
    D = np.array([p["D_tracer"] for p in pts])
    e = np.array([p["D_tracer_err"] for p in pts])
    a, b, cov = rp.weighted_fit(1 / (rp.K_B_EV * T), np.log(D), e / D)
    fit = s["arrhenius"][0]
    assert fit["quantity"] == "D_tracer"
    assert -b == pytest.approx(fit["activation_energy_eV"], rel=1e-9)
    assert np.sqrt(cov[1, 1]) == pytest.approx(fit["activation_energy_err"], rel=1e-6)
