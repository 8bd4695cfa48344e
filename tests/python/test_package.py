"""The coatkmc Python package (issue 14, item 1): the engine in process."""
import json
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

coatkmc = pytest.importorskip("coatkmc", reason="the package is built into build/python "
                              "(COATKMC_PYTHON=ON needs pybind11-dev, python3-dev)")
from conftest import run_cli  # noqa: E402

SMALL = {"lattice.cells": [6, 6, 6], "run.hops_per_particle": 20}


def test_run_in_process_equals_the_command_line(tmp_path, source_dir):
    """Same configuration and seed: the same physics fields as `coatkmc run`,
    bit for bit, and the same msd.csv."""
    cfg = source_dir / "configs/quickstart.toml"
    r = coatkmc.run(cfg, out=tmp_path / "py", threads=2, set=SMALL)
    run_cli("run", cfg, "--out", tmp_path / "cli", "--threads", "2",
            "--set", "lattice.cells=[6,6,6]", "--set", "run.hops_per_particle=20")
    cli = json.loads((tmp_path / "cli/result.json").read_text())
    for field in ("D_tracer", "D_tracer_err", "D_jump", "D_jump_err", "conductivity",
                  "haven_ratio", "D_tracer_xyz", "hops", "attempts", "simulated_time",
                  "cell_angstrom", "volume_angstrom3", "config"):
        assert getattr(r, field) == cli[field], field
    # The command line's provenance adds wall_time_total; every other unit is the same.
    assert r.units == {k: u for k, u in cli["units"].items() if k != "wall_time_total"}
    assert (tmp_path / "py/msd.csv").read_text() == (tmp_path / "cli/msd.csv").read_text()
    assert isinstance(r.msd, pd.DataFrame) and "msd_tracer_err_A2" in r.msd.columns
    assert r.units["D_tracer"] == "cm^2/s"
    assert r.config["run"]["temperature"] == 298
    assert r.profile is None


def test_config_as_dict_text_and_overrides(tmp_path):
    cfg = {"lattice": {"type": "sc", "cells": [5, 5, 5], "a": 3.0},
           "occupancy": {"fraction": 0.5},
           "hop": {"barrier": 0.3, "attempt_frequency": 1e13},
           "run": {"temperature": 500, "hops_per_particle": 10, "seed": 3}}
    a = coatkmc.run(cfg, threads=1)
    b = coatkmc.run(coatkmc.toml_text.dict_to_toml(cfg), threads=1)
    c = coatkmc.run(cfg, threads=1, set=["run.temperature=600"])
    assert a.D_tracer == b.D_tracer
    assert c.temperature == 600 and a.temperature == 500
    assert a.folder is None and a.particles in (62, 63) and a.sites == 125


def test_bad_input_is_a_value_error_with_the_command_line_line(tmp_path, source_dir):
    bad = tmp_path / "bad.toml"
    bad.write_text('[lattice]\ntype = "sc"\ncells = [4, 4, 4]\n[hop]\nbarier = 0.3\n')
    with pytest.raises(coatkmc.InputError) as e:
        coatkmc.run(bad, out=tmp_path / "out")
    assert isinstance(e.value, ValueError)
    cli = run_cli("run", bad, "--out", tmp_path / "cli", check=False)
    assert cli.returncode == 2
    assert cli.stderr.strip() == "coatkmc: error: " + str(e.value)
    assert str(e.value).startswith(f"{bad}:5: hop.barier")
    assert not (tmp_path / "out").exists()  # nothing half-written
    with pytest.raises(coatkmc.InputError, match="run.temperature"):
        coatkmc.run(source_dir / "configs/quickstart.toml", set={"run.temperature": -1})


def test_output_folder_is_not_mixed(tmp_path, source_dir):
    cfg = source_dir / "configs/quickstart.toml"
    coatkmc.run(cfg, out=tmp_path / "o", set=SMALL)
    with pytest.raises(coatkmc.InputError, match="already holds results"):
        coatkmc.run(cfg, out=tmp_path / "o", set=SMALL)
    coatkmc.run(cfg, out=tmp_path / "o", set=SMALL, force=True)


def test_ctrl_c_stops_the_run_cleanly(tmp_path, source_dir):
    """SIGINT during a long run: KeyboardInterrupt within a second or two, nothing written."""
    cfg = source_dir / "configs/quickstart.toml"
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        coatkmc.run(cfg, out=tmp_path / "long", threads=2,
                    set={"run.hops_per_particle": 200000, "run.msd_samples": 2000})
    elapsed = time.monotonic() - start
    timer.cancel()
    assert elapsed < 10, elapsed  # the whole run would take minutes
    assert not (tmp_path / "long/result.json").exists()
    assert not (tmp_path / "long/msd.csv").exists()
    # The interpreter is usable afterwards.
    assert coatkmc.run(cfg, set=SMALL).D_tracer > 0


def test_the_gil_is_released_while_the_engine_runs(source_dir):
    cfg = source_dir / "configs/quickstart.toml"
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    t = threading.Thread(target=tick)
    t.start()
    start = time.monotonic()
    coatkmc.run(cfg, threads=1, set={"lattice.cells": [10, 10, 10], "run.hops_per_particle": 3000})
    end = time.monotonic()
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < end]
    assert end - start > 0.3
    # A thread holding no GIL would tick about every 10 ms; a held GIL, never.
    assert len(during) > 0.3 * (end - start) / 0.01


def test_sweep_returns_a_dataframe_with_an_arrhenius_fit(tmp_path, source_dir):
    cfg = source_dir / "configs/quickstart.toml"
    df = coatkmc.sweep(cfg, vary={"run.temperature": [400, 600, 900]}, set=SMALL, threads=2,
                       out=tmp_path / "sw")
    assert list(df["run.temperature"]) == [400, 600, 900]
    assert (df["D_tracer"] > 0).all() and (df["D_tracer_err"] > 0).all()
    fits = df.attrs["arrhenius"]
    assert [f["quantity"] for f in fits] == ["D_tracer", "D_jump"]
    # The half-filled lattice gas: Ea = the barrier (0.30 eV) within its error.
    f = fits[0]
    assert abs(f["activation_energy_eV"] - 0.30) < 4 * f["activation_energy_err"] + 0.01
    assert (tmp_path / "sw/002/result.json").exists()


def test_load_reads_a_run_a_sweep_and_a_study(tmp_path, source_dir):
    cfg = source_dir / "configs/quickstart.toml"
    coatkmc.run(cfg, out=tmp_path / "run", set=SMALL)
    r = coatkmc.load(tmp_path / "run")
    assert isinstance(r, coatkmc.Result) and r.D_tracer > 0 and len(r.msd) > 1
    run_cli("sweep", cfg, "--vary", "run.temperature=400,700", "--out", tmp_path / "sw",
            "--set", "lattice.cells=[6,6,6]", "--set", "run.hops_per_particle=20")
    with pytest.raises(FileNotFoundError, match="collect"):
        coatkmc.load(tmp_path / "sw")
    run_cli("collect", tmp_path / "sw")
    s = coatkmc.load(tmp_path / "sw")
    assert isinstance(s, coatkmc.SweepResult)
    assert list(s.points["run.temperature"]) == [400, 700]
    assert s.arrhenius[0]["quantity"] == "D_tracer"
    assert len(s.tasks) == 2
    run_cli("anneal", source_dir / "configs/lco_llto_anneal.toml", "--out", tmp_path / "an",
            "--no-plots")
    st = coatkmc.load(tmp_path / "an")
    assert isinstance(st, coatkmc.Study) and "profiles.csv" in st.tables
    assert st.units["film_thickness_nm"] == "nm"


def test_lattice_from_ase_runs_like_the_same_file(tmp_path, source_dir):
    ase_io = pytest.importorskip("ase.io")
    cif = source_dir / "configs/structures/LiCoO2.cif"
    atoms = ase_io.read(cif)
    lat = coatkmc.Lattice.from_ase(atoms, mobile="Li")
    from_file = coatkmc.Lattice.from_file(cif, mobile="Li")
    back = lat.to_ase()
    assert sorted(back.get_chemical_symbols()) == sorted(atoms.get_chemical_symbols())
    np.testing.assert_allclose(back.cell.cellpar(), atoms.cell.cellpar(), rtol=1e-9)
    assert set(back.arrays["sublattice"]) >= {"Li"}
    assert back.arrays["mobile"].sum() == atoms.get_chemical_symbols().count("Li")
    base = {"occupancy": {"fraction": 0.5}, "hop": {"barrier": 0.3, "attempt_frequency": 1e13},
            "run": {"temperature": 600, "hops_per_particle": 10}}
    a = coatkmc.run({**base, "lattice": lat.section(cells=[3, 3, 1])}, threads=1)
    b = coatkmc.run({**base, "lattice": from_file.section(cells=[3, 3, 1])}, threads=1)
    assert a.sites == b.sites and a.particles == b.particles
    # The same lattice (its sites in another order, so another placement):
    # the same D within the two runs' errors.
    assert abs(a.D_tracer - b.D_tracer) < 4 * (a.D_tracer_err ** 2 + b.D_tracer_err ** 2) ** 0.5
    # A structure with no mobile atom is bad input, named.
    with pytest.raises(coatkmc.InputError, match="Na"):
        coatkmc.Lattice.from_ase(atoms, mobile="Na")


def test_lattice_from_pymatgen(tmp_path, source_dir):
    pmg = pytest.importorskip("pymatgen.core")
    s = pmg.Structure.from_file(str(source_dir / "configs/structures/LiCoO2.cif"))
    lat = coatkmc.Lattice.from_pymatgen(s, mobile="Li")
    assert sorted(lat.to_ase().get_chemical_symbols()) == sorted(x.specie.symbol for x in s)


def test_lattice_from_config_to_ase(source_dir):
    lat = coatkmc.Lattice.from_config(source_dir / "configs/llto_layered.toml")
    atoms = lat.to_ase()
    assert set(atoms.get_chemical_symbols()) == {"Li", "Ti", "O"}
    assert len(coatkmc.Lattice.from_config(source_dir / "configs/quickstart.toml").to_ase()) == 1
