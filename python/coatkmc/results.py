"""Result (one run), SweepResult (a collected sweep) and Study (a macro or
anneal study), and coatkmc.load(folder) that reads any of them."""
import io
import json
import os

import pandas as pd


def _frame(csv_text):
    return pd.read_csv(io.StringIO(csv_text)) if csv_text else None


class Result:
    """One run: every result.json field as an attribute (r.D_tracer,
    r.D_tracer_err, r.D_tracer_xyz, r.cell_angstrom, ...), r.units (field ->
    unit), r.config (the resolved configuration), r.msd and r.profile as pandas
    DataFrames (msd.csv, profile.csv; profile None without slabs or layers),
    r.species_profile likewise, r.folder where it was written (or None)."""

    def __init__(self, result, msd=None, profile=None, species_profile=None, folder=None):
        self._result = result
        self.msd = msd
        self.profile = profile
        self.species_profile = species_profile
        self.folder = folder

    @classmethod
    def from_text(cls, result_json, msd_csv, profile_csv="", species_profile_csv="", folder=None):
        return cls(json.loads(result_json), _frame(msd_csv), _frame(profile_csv),
                   _frame(species_profile_csv), folder)

    @classmethod
    def from_folder(cls, folder):
        folder = os.fspath(folder)

        def text(name):
            p = os.path.join(folder, name)
            return open(p).read() if os.path.exists(p) else ""

        return cls.from_text(text("result.json"), text("msd.csv"), text("profile.csv"),
                             text("species_profile.csv"), folder)

    def __getattr__(self, name):
        result = self.__dict__.get("_result", {})
        if name in result:
            return result[name]
        raise AttributeError(f"result.json has no field '{name}'")

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._result))

    def get(self, name, default=None):
        return self._result.get(name, default)

    @property
    def units(self):
        return self._result.get("units", {})

    @property
    def config(self):
        return self._result.get("config", {})

    def to_dict(self):
        """result.json as a dict."""
        return self._result

    @property
    def trajectory_path(self):
        """The ion trajectory file of the run (run.trajectory_samples > 0), or None."""
        if self.folder is None:
            return None
        for name in ("trajectory.extxyz", "trajectory.h5md"):
            p = os.path.join(self.folder, name)
            if os.path.exists(p):
                return p
        return None

    def __repr__(self):
        def f(k):
            v = self._result.get(k)
            return "n/a" if v is None else f"{v:.4g}"
        return (f"<coatkmc.Result T={f('temperature')} K  D_tracer={f('D_tracer')} +- "
                f"{f('D_tracer_err')} cm^2/s  sigma={f('conductivity')} +- "
                f"{f('conductivity_err')} S/cm>")


class SweepResult:
    """A collected sweep (sweep.json of `coatkmc collect`): .points (one row per
    point: the varied keys, then the combined fields with _err), .tasks
    (sweep.csv: one row per task), .arrhenius (the fits), .units, .summary."""

    def __init__(self, summary, tasks=None, folder=None):
        self.summary = summary
        self.folder = folder
        self.tasks = tasks
        rows = []
        for p in summary.get("points", []):
            row = dict(p.get("values", {}))
            row.update({k: v for k, v in p.items() if k != "values"})
            rows.append(row)
        self.points = pd.DataFrame(rows)
        self.arrhenius = summary.get("arrhenius", [])
        self.units = summary.get("units", {})

    def __repr__(self):
        return (f"<coatkmc.SweepResult {self.summary.get('tasks_done')} of "
                f"{self.summary.get('tasks_total')} tasks, {len(self.points)} points, "
                f"{len(self.arrhenius)} Arrhenius fits>")


class Study:
    """A macro model or anneal study folder: .summary (summary.json), .units, and
    .tables: every CSV of the folder as a DataFrame, by file name."""

    def __init__(self, folder):
        self.folder = os.fspath(folder)
        with open(os.path.join(self.folder, "summary.json")) as f:
            self.summary = json.load(f)
        self.units = self.summary.get("units", {})
        self.tables = {}
        for name in sorted(os.listdir(self.folder)):
            if name.endswith(".csv"):
                self.tables[name] = pd.read_csv(os.path.join(self.folder, name))

    def __repr__(self):
        return f"<coatkmc.Study {self.folder}: {', '.join(self.tables)}>"


def load(folder):
    """Reads a finished run (result.json), a collected sweep (sweep.json) or a
    macro/anneal study (summary.json) from its folder."""
    folder = os.fspath(folder)
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{folder}: no such folder")
    has = lambda name: os.path.exists(os.path.join(folder, name))  # noqa: E731
    if has("tasks.csv"):
        if not has("sweep.json"):
            raise FileNotFoundError(f"{folder}: a sweep not collected yet (coatkmc collect {folder})")
        with open(os.path.join(folder, "sweep.json")) as f:
            summary = json.load(f)
        return SweepResult(summary, pd.read_csv(os.path.join(folder, "sweep.csv"))
                           if has("sweep.csv") else None, folder)
    if has("result.json"):
        return Result.from_folder(folder)
    if has("summary.json"):
        return Study(folder)
    raise FileNotFoundError(f"{folder}: neither a run (result.json), a sweep (sweep.json) nor a "
                            "study (summary.json)")
