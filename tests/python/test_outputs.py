"""Self-describing outputs (issue 14, item 3): units in result.json, sweep.json
and summary.json, the cell in result.json, standard errors in msd.csv, and
structure files whose elements ASE and pymatgen accept."""
import json
import math
import warnings

import ase.io
import numpy as np
import pandas as pd
import pytest

from conftest import run_cli, run_configs
from units_check import fields_without_unit

SMALL = ["--set", "lattice.cells=[6,6,6]", "--set", "run.hops_per_particle=20"]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory, source_dir):
    out = tmp_path_factory.mktemp("run")
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", out, *SMALL,
            "--set", "run.replicas=4")
    return out


def test_result_json_has_a_unit_for_every_number(quick_run):
    r = json.loads((quick_run / "result.json").read_text())
    assert fields_without_unit(r) == []
    assert r["units"]["D_tracer"] == "cm^2/s"
    assert r["units"]["conductivity"] == "S/cm"
    assert r["units"]["conductivity_field"] == "S/cm"  # null here (no field), still described
    assert r["units"]["temperature"] == "K"


def test_result_json_cell_volume_and_carrier_density(quick_run):
    r = json.loads((quick_run / "result.json").read_text())
    cell = np.array(r["cell_angstrom"])
    np.testing.assert_allclose(cell, 6 * 3.87 * np.eye(3), rtol=1e-12)
    assert r["volume_angstrom3"] == pytest.approx(abs(np.linalg.det(cell)), rel=1e-12)
    # n = N / V, V in cm^3 (1 A^3 = 1e-24 cm^3)
    assert r["carrier_density"] == pytest.approx(
        r["particles"] / (r["volume_angstrom3"] * 1e-24), rel=1e-12)
    assert r["units"]["cell_angstrom"] == "angstrom"
    assert r["units"]["carrier_density"] == "cm^-3"


def test_msd_csv_has_standard_errors_over_replicas(quick_run, source_dir, tmp_path):
    msd = pd.read_csv(quick_run / "msd.csv")
    for c in ("msd_tracer_err_A2", "msd_com_err_A2"):
        assert c in msd.columns
        assert msd[c].iloc[0] == 0  # the start: no displacement in any replica
        assert (msd[c].iloc[1:] > 0).all()
    # The error is of the mean over 4 replicas: far below the tracer MSD itself
    # at the end of a run with 20 hops per ion and 108 ions per replica.
    assert msd["msd_tracer_err_A2"].iloc[-1] < 0.2 * msd["msd_tracer_A2"].iloc[-1]
    # One replica: no spread to estimate, the columns are empty.
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", tmp_path / "one", *SMALL,
            "--set", "run.replicas=1")
    one = pd.read_csv(tmp_path / "one/msd.csv")
    assert one["msd_tracer_err_A2"].isna().all() and one["msd_com_err_A2"].isna().all()


def test_sweep_json_has_a_unit_for_every_number(tmp_path, source_dir):
    out = tmp_path / "sweep"
    run_cli("sweep", source_dir / "configs/quickstart.toml", "--vary",
            "run.temperature=400,600,800", "--out", out, *SMALL, "--set", "run.replicas=1")
    run_cli("collect", out)
    s = json.loads((out / "sweep.json").read_text())
    assert fields_without_unit(s) == []
    assert s["units"]["run.temperature"] == "K"
    assert s["units"]["activation_energy_eV"] == "eV"


@pytest.mark.parametrize("name", ["lco_llto_anneal", "li_metal_coatings", "lco_llto_interface"])
def test_summary_json_has_a_unit_for_every_number(tmp_path, source_dir, name):
    cfg = source_dir / "configs" / f"{name}.toml"
    verb = "anneal" if "[anneal]" in cfg.read_text() else "macro"
    extra = [] if verb == "anneal" else ["--kmc-set", "run.hops_per_particle=5"]
    run_cli(verb, cfg, "--out", tmp_path / "m", "--no-plots", *extra)
    s = json.loads((tmp_path / "m/summary.json").read_text())
    assert fields_without_unit(s) == []


def expected_symbols(config_name):
    """Elements the shipped configuration's lattice holds (X: a site with none)."""
    return {"licoo2_from_cif": {"Li", "Co", "O"}, "llto_layered": {"Li", "Ti", "O"},
            "llto_a_site_environment": {"Li", "Ti", "O"}}.get(config_name, {"X"})


def immobile_symbols(config_name):
    """Immobile species placed on the supercell's sites (site_map.xyz only)."""
    return {"llto_a_site_environment": {"La"}}.get(config_name, set())


@pytest.mark.parametrize("config", run_configs(), ids=lambda p: p.stem)
def test_ase_reads_every_structure_file(tmp_path, config):
    out = tmp_path / "s"
    p = run_cli("structure", config, "--out", out, cwd=config.parent)
    sites = int(p.stdout.split("sites ")[1].split()[0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        site_map = ase.io.read(out / "site_map.xyz", format="extxyz")
        cif = ase.io.read(out / "structure.cif", format="cif")
        poscar = ase.io.read(out / "POSCAR", format="vasp")
    assert len(site_map) == sites
    # The sublattice label is kept beside the element.
    assert "sublattice" in site_map.arrays
    assert len(cif) == len(poscar) > 0
    for atoms in (cif, poscar):
        assert set(atoms.get_chemical_symbols()) == expected_symbols(config.stem)
    # The site map also shows the immobile species of [[environment.immobile]].
    assert set(site_map.get_chemical_symbols()) == expected_symbols(config.stem) | immobile_symbols(config.stem)
    np.testing.assert_allclose(cif.cell.cellpar(), poscar.cell.cellpar(), rtol=1e-7, atol=1e-6)


@pytest.mark.parametrize("config", run_configs(), ids=lambda p: p.stem)
def test_pymatgen_reads_every_structure_file(tmp_path, config):
    pmg = pytest.importorskip("pymatgen.core")
    out = tmp_path / "s"
    run_cli("structure", config, "--out", out, cwd=config.parent)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("structure.cif", "POSCAR"):
            s = pmg.Structure.from_file(str(out / name))
            assert len(s) > 0
            assert {e.symbol for e in s.composition.elements} == expected_symbols(config.stem)


def test_configured_species_names_the_element(tmp_path, source_dir):
    """Ion species named by element give the mobile sites that element; labels
    like the couple's "A" and "B" (B is also boron) give X."""
    cfg = tmp_path / "li.toml"
    cfg.write_text('[lattice]\ntype = "sc"\ncells = [4, 4, 4]\na = 3.0\n'
                   '[[occupancy.species]]\nname = "Li"\nfraction = 0.5\nbarrier = 0.3\n'
                   '[hop]\nbarrier = 0.3\nattempt_frequency = 1e13\n'
                   '[run]\ntemperature = 300\nhops_per_particle = 1\n')
    run_cli("structure", cfg, "--out", tmp_path / "li")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for f, fmt in (("site_map.xyz", "extxyz"), ("structure.cif", "cif"), ("POSCAR", "vasp")):
            assert set(ase.io.read(tmp_path / "li" / f, format=fmt).get_chemical_symbols()) == {"Li"}
