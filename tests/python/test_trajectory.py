"""Ion trajectories (issue 14, item 2): run.trajectory_samples writes
trajectory.extxyz (ASE reads it) or trajectory.h5md (h5py reads it); the MSD
computed from the file equals msd.csv; the size is checked before the run."""
import json
import warnings

import ase.data
import ase.io
import numpy as np
import pandas as pd
import pytest

from conftest import run_cli, run_configs

ARGS = ["--set", "lattice.cells=[6,6,6]", "--set", "run.hops_per_particle=30",
        "--set", "run.msd_samples=20", "--set", "run.trajectory_samples=10",
        "--set", "run.replicas=3", "--threads", "2", "--no-plots"]


def msd_from_frames(frames_by_replica):
    """Per frame: replica mean of the tracer MSD <|R_i(t) - R_i(0)|^2> and of the
    collective |sum_i (R_i(t) - R_i(0))|^2 / N, and the mean time."""
    tracer, com, time = [], [], []
    for k in range(len(frames_by_replica[0])):
        tr, co, tt = [], [], []
        for frames in frames_by_replica:
            d = frames[k][1] - frames[0][1]
            tr.append((d * d).sum(axis=1).mean())
            co.append((d.sum(axis=0) ** 2).sum() / len(d))
            tt.append(frames[k][0])
        tracer.append(np.mean(tr))
        com.append(np.mean(co))
        time.append(np.mean(tt))
    return np.array(time), np.array(tracer), np.array(com)


@pytest.fixture(scope="module")
def extxyz_run(tmp_path_factory, source_dir):
    out = tmp_path_factory.mktemp("traj") / "x"
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", out, *ARGS)
    return out


def read_extxyz(path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        frames = ase.io.read(path, index=":", format="extxyz")
    by_replica = {}
    for a in frames:
        by_replica.setdefault(a.info["replica"], []).append((a.info["time"], a.get_positions()))
    return frames, [by_replica[r] for r in sorted(by_replica)]


def test_ase_reads_the_trajectory(extxyz_run):
    frames, by_replica = read_extxyz(extxyz_run / "trajectory.extxyz")
    r = json.loads((extxyz_run / "result.json").read_text())
    assert len(frames) == 3 * 11
    assert len(by_replica) == 3
    for a in frames:
        assert len(a) == r["particles"]
        assert set(a.get_chemical_symbols()) == {"X"}  # the sc lattice has no element
        np.testing.assert_allclose(a.cell[:], np.array(r["cell_angstrom"]), rtol=1e-10)
    assert [f[0] for f in by_replica[0]][0] == 0.0


def test_msd_from_the_file_equals_msd_csv(extxyz_run):
    _, by_replica = read_extxyz(extxyz_run / "trajectory.extxyz")
    time, tracer, com = msd_from_frames(by_replica)
    msd = pd.read_csv(extxyz_run / "msd.csv")
    rows = msd.iloc[::2].reset_index(drop=True)  # frames at every second MSD row (20 / 10)
    assert len(rows) == len(time) == 11
    np.testing.assert_allclose(time, rows["time_s"], rtol=1e-8)
    np.testing.assert_allclose(tracer, rows["msd_tracer_A2"], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(com, rows["msd_com_A2"], rtol=1e-8, atol=1e-9)
    assert tracer[-1] > 10  # the ions did move (a test of something)


@pytest.mark.parametrize("solver", ["sublattice", "walkers"])
def test_msd_from_the_file_equals_msd_csv_for_the_parallel_solvers(tmp_path, source_dir, solver):
    """The parallel solvers keep displacements in another form (integer travel
    records): the frames must still be the positions msd.csv was computed from."""
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", tmp_path / "o", *ARGS,
            "--set", f'run.solver="{solver}"')
    _, by_replica = read_extxyz(tmp_path / "o/trajectory.extxyz")
    time, tracer, com = msd_from_frames(by_replica)
    rows = pd.read_csv(tmp_path / "o/msd.csv").iloc[::2]
    assert json.loads((tmp_path / "o/result.json").read_text())["solver"] == solver
    np.testing.assert_allclose(time, rows["time_s"], rtol=1e-8)
    np.testing.assert_allclose(tracer, rows["msd_tracer_A2"], rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(com, rows["msd_com_A2"], rtol=1e-8, atol=1e-9)
    assert tracer[-1] > 10


def test_h5md_holds_the_same_trajectory(extxyz_run, tmp_path, source_dir):
    h5py = pytest.importorskip("h5py")
    run_cli("run", source_dir / "configs/quickstart.toml", "--out", tmp_path / "h", *ARGS,
            "--set", 'run.trajectory_format="h5md"')
    _, by_replica = read_extxyz(extxyz_run / "trajectory.extxyz")
    with h5py.File(tmp_path / "h/trajectory.h5md", "r") as f:
        assert list(f["h5md"].attrs["version"]) == [1, 1]
        assert sorted(f["particles"]) == ["replica_0", "replica_1", "replica_2"]
        for r in range(3):
            g = f[f"particles/replica_{r}"]
            value = g["position/value"][()]
            assert value.shape == (11, len(by_replica[r][0][1]), 3)
            np.testing.assert_allclose(value, np.array([p for _, p in by_replica[r]]),
                                       atol=2e-10)
            np.testing.assert_allclose(g["position/time"][()], [t for t, _ in by_replica[r]],
                                       rtol=1e-15)
            np.testing.assert_allclose(g["box/edges"][()], 6 * 3.87 * np.eye(3), rtol=1e-12)
            assert set(x.decode() for x in g["element"][()]) == {"X"}


def test_species_and_elements_in_the_trajectory(tmp_path):
    cfg = tmp_path / "li.toml"
    cfg.write_text('[lattice]\ntype = "sc"\ncells = [5, 5, 5]\na = 3.0\n'
                   '[[occupancy.species]]\nname = "Li"\nfraction = 0.3\nbarrier = 0.3\n'
                   '[[occupancy.species]]\nname = "Na"\nfraction = 0.2\nbarrier = 0.35\n'
                   '[hop]\nbarrier = 0.3\nattempt_frequency = 1e13\n'
                   '[run]\ntemperature = 600\nhops_per_particle = 5\ntrajectory_samples = 2\n')
    run_cli("run", cfg, "--out", tmp_path / "o", "--no-plots")
    frames, _ = read_extxyz(tmp_path / "o/trajectory.extxyz")
    symbols = frames[0].get_chemical_symbols()
    assert symbols.count("Li") == round(0.3 * 125) and symbols.count("Na") == round(0.2 * 125)
    assert list(frames[0].arrays["kind"]) == symbols


def test_bad_trajectory_keys_are_refused_before_the_run(tmp_path, source_dir):
    cfg = source_dir / "configs/quickstart.toml"
    p = run_cli("run", cfg, "--out", tmp_path / "a", "--set", "run.trajectory_samples=7",
                check=False)
    assert p.returncode == 2
    assert "run.trajectory_samples: must divide run.msd_samples (100)" in p.stderr
    # 40001 frames of 2048 ions: ~5.9 GB of extxyz (2 GB of memory, which passes).
    p = run_cli("run", cfg, "--out", tmp_path / "b", "--set", "run.replicas=1",
                "--set", "run.msd_samples=40000", "--set", "run.trajectory_samples=40000",
                check=False)
    assert p.returncode == 2
    assert "over the 4 GB limit" in p.stderr and "run.trajectory_samples" in p.stderr
    p = run_cli("run", cfg, "--out", tmp_path / "c", "--set", 'run.trajectory_format="xyz"',
                check=False)
    assert p.returncode == 2 and "run.trajectory_format" in p.stderr
    for d in ("a", "b", "c"):
        assert not (tmp_path / d / "result.json").exists()


def test_python_run_writes_the_trajectory(tmp_path, source_dir):
    coatkmc = pytest.importorskip("coatkmc")
    r = coatkmc.run(source_dir / "configs/quickstart.toml", out=tmp_path / "p", threads=1,
                    set={"lattice.cells": [4, 4, 4], "run.hops_per_particle": 5,
                         "run.trajectory_samples": 4})
    assert r.trajectory_path.endswith("trajectory.extxyz")
    frames, _ = read_extxyz(r.trajectory_path)
    assert len(frames) == 5 * r.replicas and len(frames[0]) == r.particles


@pytest.mark.parametrize("config", run_configs(), ids=lambda p: p.stem)
def test_ase_reads_the_trajectory_of_every_shipped_config(tmp_path, config):
    """Every shipped run configuration, shortened: its trajectory is read by ASE,
    one frame per instant, every ion in each, elements ASE knows."""
    out = tmp_path / "o"
    run_cli("run", config, "--out", out, "--no-plots", "--threads", "2",
            "--set", "run.hops_per_particle=2", "--set", "run.replicas=1",
            "--set", "run.msd_samples=2", "--set", "run.trajectory_samples=2",
            "--set", "run.equilibration_hops_per_particle=0", cwd=config.parent)
    r = json.loads((out / "result.json").read_text())
    frames, by_replica = read_extxyz(out / "trajectory.extxyz")
    assert len(frames) == 3 and len(by_replica) == 1
    for a in frames:
        assert len(a) == r["particles"]
        assert all(s in ase.data.atomic_numbers for s in a.get_chemical_symbols())
