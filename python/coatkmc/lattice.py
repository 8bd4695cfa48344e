"""coatkmc.Lattice: a crystal structure as a coatkmc lattice, from and to ASE
and pymatgen; the alternative to `[lattice] type = "file"` in a config."""
import os
import shutil
import tempfile
import weakref

import numpy as np

from . import _coatkmc


def _poscar_text(cell, symbols, scaled):
    """VASP 5 POSCAR, Direct, atoms grouped by element in order of first appearance."""
    order = list(dict.fromkeys(symbols))
    lines = ["coatkmc.Lattice", "1.0"]
    lines += ["  " + " ".join(f"{x:.12f}" for x in v) for v in cell]
    lines.append(" " + " ".join(order))
    lines.append(" " + " ".join(str(symbols.count(s)) for s in order))
    lines.append("Direct")
    for s in order:
        for sym, f in zip(symbols, scaled):
            if sym == s:
                lines.append("  " + " ".join(f"{x % 1.0:.12f}" for x in f) + f" {s}")
    return "\n".join(lines) + "\n"


class Lattice:
    """A lattice: its cell (Å), its basis sites (fractional position,
    sublattice, element, mobile) and the [lattice] section that makes a
    configuration run on it. Build it with from_ase, from_pymatgen, from_file
    or from_config; use it as config["lattice"] in coatkmc.run, or
    lattice.section(cells=[8, 8, 8]) inside a [lattice] dict."""

    def __init__(self, description, section, keep=None):
        self._d = description
        self._section = section
        self._keep = keep  # the temporary folder of a written structure file

    # ---- constructors -------------------------------------------------------
    @classmethod
    def from_file(cls, path, mobile="Li", cutoff=0.0, cells=None):
        """A CIF or POSCAR file, read as `[lattice] type = "file"` reads it."""
        mobile = [mobile] if isinstance(mobile, str) else list(mobile)
        path = os.path.abspath(os.fspath(path))
        d = _coatkmc.structure_file(path, mobile, float(cutoff))
        if not any(site["mobile"] for site in d["sites"]):
            raise _coatkmc.InputError(f"{path}: lattice.mobile: no atom of {', '.join(mobile)} "
                                      "in the structure")
        section = {"type": "file", "file": path, "mobile": mobile}
        if cutoff:
            section["cutoff"] = float(cutoff)
        if cells is not None:
            section["cells"] = list(cells)
        return cls(d, section)

    @classmethod
    def _from_text(cls, text, filename, mobile, cutoff, cells):
        folder = tempfile.mkdtemp(prefix="coatkmc-lattice-")
        path = os.path.join(folder, filename)
        with open(path, "w") as f:
            f.write(text)
        lat = cls.from_file(path, mobile, cutoff, cells)
        lat._keep = weakref.finalize(lat, shutil.rmtree, folder, True)
        return lat

    @classmethod
    def from_ase(cls, atoms, mobile="Li", cutoff=0.0, cells=None):
        """An ase.Atoms (periodic cell): its atoms become the basis, those of the
        `mobile` element(s) the hop sites; cutoff (Å) as lattice.cutoff (0: the
        first shell)."""
        cell = np.asarray(atoms.cell[:], dtype=float)
        if abs(np.linalg.det(cell)) < 1e-9:
            raise _coatkmc.InputError("from_ase: the Atoms have no periodic cell (set atoms.cell)")
        text = _poscar_text(cell.tolist(), list(atoms.get_chemical_symbols()),
                            atoms.get_scaled_positions(wrap=True).tolist())
        return cls._from_text(text, "POSCAR", mobile, cutoff, cells)

    @classmethod
    def from_pymatgen(cls, structure, mobile="Li", cutoff=0.0, cells=None):
        """A pymatgen Structure (partial occupancies kept: written as CIF)."""
        from pymatgen.io.cif import CifWriter
        return cls._from_text(str(CifWriter(structure)), "structure.cif", mobile, cutoff, cells)

    @classmethod
    def from_config(cls, config, set=None):
        """The lattice a configuration (path, text or dict) builds: one cell, with
        the elements structure files get (the site's species, the configured ion
        species, or X)."""
        from .running import _config_source, _overrides
        text, name = _config_source(config)
        if not text:
            with open(name) as f:
                text = f.read()
        d = _coatkmc.config_lattice(text, name, _overrides(set, None))
        return cls(d, None)

    # ---- what it is ---------------------------------------------------------
    @property
    def cell(self):
        """Cell vectors (Å), rows."""
        return np.array(self._d["cell"])

    @property
    def sites(self):
        """The basis sites: dicts of fractional, sublattice, species, element, mobile, transition."""
        return list(self._d["sites"])

    def section(self, **extra):
        """The [lattice] table that runs on this lattice (plus extra keys, e.g. cells)."""
        if self._section is None:
            raise ValueError("this Lattice comes from a configuration: use that configuration")
        s = dict(self._section)
        s.update({k: (list(v) if isinstance(v, tuple) else v) for k, v in extra.items()})
        return s

    def to_ase(self, include_transition=False):
        """ase.Atoms of one cell: element symbols (X where a site has none),
        arrays 'sublattice' and 'mobile'. Transition sites (empty in the
        crystal) only with include_transition=True."""
        import ase
        sites = [s for s in self._d["sites"] if include_transition or not s["transition"]]
        atoms = ase.Atoms(symbols=[s["element"] for s in sites],
                          scaled_positions=[s["fractional"] for s in sites],
                          cell=self.cell, pbc=[True, True, self._d["dimension"] == 3])
        atoms.set_array("sublattice", np.array([s["sublattice"] for s in sites]))
        atoms.set_array("mobile", np.array([bool(s["mobile"]) for s in sites]))
        return atoms

    def __repr__(self):
        mobile = sum(1 for s in self._d["sites"] if s["mobile"] and not s["transition"])
        return f"<coatkmc.Lattice {len(self._d['sites'])} sites per cell, {mobile} mobile>"
