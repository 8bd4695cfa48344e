"""Shared fixtures of the Python tests (tests/python, run by ctest label `python`).

ctest passes COATKMC_BINARY (the built `coatkmc`) and COATKMC_SOURCE_DIR; run
by hand, `build/coatkmc` under the repository root is used.
"""
import os
import pathlib
import subprocess

import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("COATKMC_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
BINARY = pathlib.Path(os.environ.get("COATKMC_BINARY", SOURCE_DIR / "build" / "coatkmc"))


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR


def run_cli(*args, cwd=None, check=True):
    """Runs the coatkmc executable; returns the CompletedProcess (text)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_WAIT_POLICY="passive")
    p = subprocess.run([str(BINARY), *map(str, args)], cwd=cwd, env=env,
                       capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"coatkmc {' '.join(map(str, args))} exited {p.returncode}:\n"
                             f"{p.stdout}\n{p.stderr}")
    return p


def run_configs():
    """The shipped run configurations (configs/*.toml and configs/macro/*.toml
    that are neither a [macro] study nor an [anneal] study)."""
    found = []
    for path in sorted(SOURCE_DIR.glob("configs/*.toml")) + sorted(
            SOURCE_DIR.glob("configs/macro/*.toml")):
        text = path.read_text()
        if "\n[macro]" in "\n" + text or "\n[anneal]" in "\n" + text:
            continue
        found.append(path)
    return found
