// _coatkmc: the engine in process for the Python package (python/coatkmc).
// The same path as `coatkmc run` (host/run/KmcRun: load_config_text,
// plan_configured_run, run_simulation, estimate_transport, make_result_json);
// the pure-Python part (python/coatkmc) turns what this returns into
// DataFrames and objects. Errors: InputError -> coatkmc.InputError (a
// ValueError) with the command line's "FILE:LINE: key: what is wrong" line,
// CannotProceed -> coatkmc.CannotProceed (a RuntimeError).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "host/analysis/ArrheniusFit.hpp"
#include "host/config/ConfigReader.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/io/ProfileWriter.hpp"
#include "host/io/Provenance.hpp"
#include "host/io/ResultWriter.hpp"
#include "host/run/KmcRun.hpp"
#include "host/structure/ElementSymbols.hpp"
#include "host/structure/StructureFile.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "RunFiles.hpp"

namespace py = pybind11;
using namespace coatkmc;

namespace {

// What one run hands back to Python: result.json and the CSV tables as text
// (the same bytes the command line writes).
py::dict run_outputs_dict(const RunFiles& f) {
  py::dict d;
  d["result_json"] = f.result_json;
  d["msd_csv"] = f.msd_csv;
  d["profile_csv"] = f.profile_csv;
  d["species_profile_csv"] = f.species_profile_csv;
  d["written"] = f.written;
  d["warnings"] = f.warnings;
  return d;
}

// Runs `config_text` on a worker thread with the GIL released; this thread
// checks for Ctrl-C (PyErr_CheckSignals) every 50 ms and, on one, asks the
// engine to stop at its next milestone (RunControl::stop_requested, the path
// SIGTERM takes in `coatkmc run`), waits for it, and raises KeyboardInterrupt
// with nothing written.
py::dict run(const std::string& config_text, const std::string& name,
             const std::vector<std::string>& overrides, int threads, const std::string& out,
             bool force, bool plots) {
  std::atomic<bool> stop{false};
  RunRequestInProcess q{config_text, name, overrides, threads, out, force, plots};
  std::future<RunFiles> done;
  bool interrupted = false;
  {
    py::gil_scoped_release release;
    done = std::async(std::launch::async, [&q, &stop] { return run_in_process(q, stop); });
    while (done.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
      py::gil_scoped_acquire gil;
      if (PyErr_CheckSignals() != 0) {
        PyErr_Clear();
        interrupted = true;
        stop = true;
        py::gil_scoped_release again;
        done.wait();
        break;
      }
    }
  }
  if (interrupted) {
    try {
      done.get();  // a failure while stopping is not the news: the interrupt is
    } catch (...) {
    }
    PyErr_SetString(PyExc_KeyboardInterrupt,
                    "coatkmc.run stopped at its next milestone; nothing was written");
    throw py::error_already_set();
  }
  return run_outputs_dict(done.get());
}

// A lattice as Python sees it: cell (Å), dimension, and per basis site its
// fractional position, sublattice, species, element (ElementSymbols), and
// whether it is mobile / a transition site.
py::dict lattice_dict(const LatticeDescription& d, const std::vector<std::string>& ions) {
  py::dict out;
  py::list cell;
  for (const Vec3& v : d.vectors) cell.append(py::make_tuple(v.x, v.y, v.z));
  out["name"] = d.name;
  out["cell"] = cell;
  out["dimension"] = d.dimension;
  out["hop_cutoff"] = d.hop_cutoff;
  py::list sites;
  for (const BasisSite& b : d.basis) {
    py::dict s;
    s["fractional"] = py::make_tuple(b.fractional.x, b.fractional.y, b.fractional.z);
    s["sublattice"] = b.sublattice;
    s["species"] = b.species;
    s["element"] = element_of_site(b, ions);
    s["mobile"] = b.mobile;
    s["transition"] = b.transition;
    s["occupancy"] = b.occupancy;
    sites.append(s);
  }
  out["sites"] = sites;
  return out;
}

// The lattice a configuration builds (one cell), with the cells it asks for.
py::dict config_lattice(const std::string& config_text, const std::string& name,
                        const std::vector<std::string>& overrides) {
  const LoadedConfig cfg = load_config_text(config_text, name, overrides);
  std::vector<std::string> ions;
  for (const SpeciesSpec& sp : cfg.settings.species.species) ions.push_back(sp.name);
  py::dict d = lattice_dict(cfg.settings.lattice, ions);
  d["cells"] = py::make_tuple(cfg.settings.cells[0], cfg.settings.cells[1], cfg.settings.cells[2]);
  return d;
}

// A structure file read as `[lattice] type = "file"` reads it.
py::dict structure_file(const std::string& path, const std::vector<std::string>& mobile,
                        double cutoff) {
  StructureImportOptions o;
  o.mobile_species = mobile;
  o.hop_cutoff = cutoff;
  return lattice_dict(read_structure_file(path, o), {});
}

py::dict arrhenius(const std::vector<double>& temperature, const std::vector<double>& value,
                   const std::vector<double>& error) {
  if (temperature.size() != value.size() || value.size() != error.size())
    throw py::value_error("arrhenius: temperature, value and error differ in length");
  std::vector<ArrheniusPoint> pts;
  for (size_t i = 0; i < value.size(); ++i) pts.push_back({temperature[i], value[i], error[i]});
  const ArrheniusFit f = fit_arrhenius(pts);
  py::dict d;
  d["activation_energy_eV"] = f.activation_energy_eV;
  d["activation_energy_err"] = f.activation_energy_err;
  d["activation_energy_ci95"] = py::make_tuple(f.activation_energy_ci95_low, f.activation_energy_ci95_high);
  d["prefactor"] = f.prefactor;
  d["prefactor_err"] = f.prefactor_err;
  d["prefactor_ci95"] = py::make_tuple(f.prefactor_ci95_low, f.prefactor_ci95_high);
  d["chi2"] = f.chi2;
  d["dof"] = f.dof;
  return d;
}

}  // namespace

PYBIND11_MODULE(_coatkmc, m) {
  m.doc() = "coatkmc engine (in process); use the coatkmc package, not this module";
  static py::exception<InputError> input_error(m, "InputError", PyExc_ValueError);
  static py::exception<CannotProceed> cannot_proceed(m, "CannotProceed", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InputError& e) {
      // The command line's line without its "coatkmc: error: " prefix.
      input_error((e.where() + ": " + e.what()).c_str());
    } catch (const CannotProceed& e) {
      cannot_proceed(e.what());
    }
  });
  m.def("run", &run, py::arg("config_text"), py::arg("name"), py::arg("overrides"),
        py::arg("threads"), py::arg("out"), py::arg("force"), py::arg("plots"));
  m.def("config_lattice", &config_lattice, py::arg("config_text"), py::arg("name"),
        py::arg("overrides"));
  m.def("structure_file", &structure_file, py::arg("path"), py::arg("mobile"), py::arg("cutoff"));
  m.def("arrhenius", &arrhenius, py::arg("temperature"), py::arg("value"), py::arg("error"));
  m.attr("version") = build_info().version;
}
