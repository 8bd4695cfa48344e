"""coatkmc.run and coatkmc.sweep: the engine in process (the _coatkmc extension)."""
import itertools
import os
import warnings

import pandas as pd

from . import _coatkmc
from .lattice import Lattice
from .results import Result
from .toml_text import dict_to_toml, override


def _overrides(set, backend):
    """`set` as --set arguments: a dict {key: value} (values in Python) or a
    list of "KEY=VALUE" strings (values in TOML)."""
    out = []
    if set:
        if isinstance(set, dict):
            out += [override(k, v) for k, v in set.items()]
        else:
            out += [str(s) for s in set]
    if backend is not None:
        out.append(override("run.backend", backend))
    return out


def _config_source(config):
    """(text, name): TOML text and how errors name it; or ("", path) for a file."""
    if isinstance(config, dict):
        config = dict(config)
        if isinstance(config.get("lattice"), Lattice):
            config["lattice"] = config["lattice"].section()
        return dict_to_toml(config), "<dict>"
    if isinstance(config, os.PathLike):
        return "", os.fspath(config)
    if isinstance(config, str):
        if "\n" in config or "=" in config or config.lstrip().startswith("["):
            return config, "<text>"
        return "", config
    raise TypeError("config: a TOML file path, TOML text or a dict")


def run(config, out=None, threads=None, backend=None, set=None, force=False, plots=False):
    """Runs one simulation in process and returns its Result.

    config: a TOML file path, TOML text, or a dict of tables ({"lattice": {...},
    "run": {...}}; "lattice" may be a coatkmc.Lattice). set: overrides as for
    `--set` ({"run.temperature": 400} or ["run.temperature=400"]). backend:
    "auto", "cpu" or "cuda". threads: replicas run side by side (default: all
    cores; results do not depend on it). out: a folder to write result.json,
    msd.csv (and profile.csv) into, as `coatkmc run --out`; force=True
    replaces an earlier run's results there; with run.trajectory_samples the
    trajectory is written there too (r.trajectory_path), and with plots=True
    msd.png. The GIL is released while the
    engine runs; Ctrl-C stops it at its next milestone (KeyboardInterrupt,
    nothing written)."""
    text, name = _config_source(config)
    threads = int(threads) if threads is not None else (os.cpu_count() or 1)
    files = _coatkmc.run(text, name, _overrides(set, backend), threads,
                         os.fspath(out) if out is not None else "", bool(force), bool(plots))
    if files["warnings"]:
        warnings.warn(files["warnings"].strip(), RuntimeWarning, stacklevel=2)
    return Result.from_text(files["result_json"], files["msd_csv"], files["profile_csv"],
                            files["species_profile_csv"],
                            folder=os.fspath(out) if out is not None else None)


# Result fields a sweep's table keeps (with _err where there is one).
SWEEP_FIELDS = ["D_tracer", "D_jump", "conductivity", "haven_ratio", "correlation_factor"]


def arrhenius(temperature, value, error):
    """Weighted Arrhenius fit of value(T) (as `coatkmc collect`): dict with
    activation_energy_eV, _err, _ci95, prefactor (unit of value), _err, _ci95,
    chi2, dof."""
    return _coatkmc.arrhenius([float(t) for t in temperature], [float(v) for v in value],
                              [float(e) for e in error])


def sweep(config, vary, out=None, threads=None, backend=None, set=None, force=False):
    """Runs config at every combination of the values in `vary` ({key: [values]})
    and returns a pandas DataFrame, one row per point: the varied keys, then
    D_tracer, D_jump, conductivity, haven_ratio, correlation_factor (each with
    _err), temperature and particles. Where run.temperature varies,
    df.attrs["arrhenius"] holds one fit of D_tracer and one of D_jump for each
    setting of the other varied keys; df.attrs["units"] the units;
    df.attrs["results"] every Result. out: point i is written to out/NNN."""
    keys = list(vary)
    rows, results = [], []
    base = _overrides(set, backend)
    for i, values in enumerate(itertools.product(*(vary[k] for k in keys))):
        point_set = base + [override(k, v) for k, v in zip(keys, values)]
        folder = os.path.join(os.fspath(out), f"{i:03d}") if out is not None else None
        r = run(config, out=folder, threads=threads, set=point_set, force=force)
        row = dict(zip(keys, values))
        for f in SWEEP_FIELDS:
            row[f] = r.get(f)
            row[f + "_err"] = r.get(f + "_err")
        row["temperature"] = r.temperature
        row["particles"] = r.particles
        rows.append(row)
        results.append(r)
    df = pd.DataFrame(rows)
    fits = []
    if "run.temperature" in keys:
        others = [k for k in keys if k != "run.temperature"]
        groups = df.groupby(others, sort=False) if others else [((), df)]
        for fixed, g in groups:
            fixed = fixed if isinstance(fixed, tuple) else (fixed,)
            for q in ("D_tracer", "D_jump"):
                fit = {"quantity": q, "fixed": dict(zip(others, fixed)), "points": len(g)}
                try:
                    fit.update(arrhenius(g["temperature"], g[q], g[q + "_err"]))
                    fit["prefactor_unit"] = "cm^2/s"
                except ValueError as e:
                    fit["error"] = str(e)
                fits.append(fit)
    df.attrs["arrhenius"] = fits
    df.attrs["units"] = dict(results[0].units) if results else {}
    df.attrs["results"] = results
    return df
