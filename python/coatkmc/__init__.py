"""coatkmc from Python: the lattice kinetic Monte Carlo engine in process.

    import coatkmc
    r = coatkmc.run("configs/quickstart.toml", set={"run.temperature": 400})
    r.D_tracer, r.D_tracer_err, r.units["D_tracer"]      # 1.2e-07, 3e-09, 'cm^2/s'
    r.msd                                                # pandas DataFrame (msd.csv)
    df = coatkmc.sweep("configs/quickstart.toml", vary={"run.temperature": [300, 400, 500]})
    df.attrs["arrhenius"]                                # the Arrhenius fits
    coatkmc.load("out/quick")                            # a run, a sweep or a macro study folder
    lat = coatkmc.Lattice.from_ase(atoms, mobile="Li")   # instead of [lattice] type = "file"

Bad input raises coatkmc.InputError (a ValueError) whose message is the
command line's `FILE:LINE: key: what is wrong`; a run this machine cannot do
raises coatkmc.CannotProceed (a RuntimeError). Ctrl-C stops a run at its next
milestone and raises KeyboardInterrupt, with nothing written.
"""
from ._coatkmc import CannotProceed, InputError
from ._coatkmc import version as __version__
from .lattice import Lattice
from .results import Result, Study, SweepResult, load
from .running import run, sweep

__all__ = ["run", "sweep", "load", "Lattice", "Result", "SweepResult", "Study", "InputError",
           "CannotProceed", "__version__"]
