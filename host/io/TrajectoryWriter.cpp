#include "host/io/TrajectoryWriter.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "host/io/AtomicFile.hpp"
#include "host/structure/ElementSymbols.hpp"

#if COATKMC_HAVE_HDF5
#include <hdf5.h>
#endif

namespace coatkmc {

namespace {

// The periodic box of one replica (cell vectors times cells, Å; a 2D
// lattice's third vector once).
std::vector<Vec3> box_of(const Lattice& lattice) {
  std::vector<Vec3> box;
  for (int i = 0; i < 3; ++i) {
    const double cells = i < lattice.dimension() ? lattice.cells()[i] : 1;
    box.push_back(cells * lattice.description().vectors[i]);
  }
  return box;
}

std::vector<std::string> species_names(const SimulationSettings& s) {
  std::vector<std::string> names;
  for (const SpeciesSpec& sp : s.species.species) names.push_back(sp.name);
  return names;
}

// Element and kind (species name, else sublattice) of each ion of a replica.
void ion_labels(const Lattice& lattice, const SimulationSettings& s, const ReplicaOutcome& ro,
                std::vector<std::string>& element, std::vector<std::string>& kind) {
  const std::vector<std::string> names = species_names(s);
  element.clear();
  kind.clear();
  for (size_t i = 0; i < ro.trajectory_start_site.size(); ++i) {
    const BasisSite& b = lattice.description().basis[lattice.basis_of(ro.trajectory_start_site[i])];
    element.push_back(element_of_site(b, names));
    const bool named = i < ro.trajectory_species.size() && ro.trajectory_species[i] < names.size();
    kind.push_back(named ? names[ro.trajectory_species[i]] : b.sublattice);
    // A species of its own element ("Li" and "Na" on one lattice) is that element.
    if (named && is_element_symbol(kind.back())) element.back() = kind.back();
  }
}

}  // namespace

std::string trajectory_file_name(const SimulationSettings& s) {
  return s.trajectory_format == "h5md" ? "trajectory.h5md" : "trajectory.extxyz";
}

double trajectory_bytes(const SimulationSettings& s, int64_t ions) {
  if (s.trajectory_samples <= 0) return 0;
  const double frames = double(s.replicas) * (s.trajectory_samples + 1.0);
  // extxyz: ~3 x 16 characters of position, the element, ion and kind per line.
  const double per_ion = s.trajectory_format == "h5md" ? 3 * 8.0 : 72.0;
  return frames * (double(ions) * per_ion + 256.0) + double(s.replicas) * double(ions) * 16.0;
}

bool has_trajectory(const SimulationOutcome& o) {
  if (o.replicas.empty()) return false;
  for (const ReplicaOutcome& r : o.replicas)
    if (r.trajectory_time.empty() ||
        r.trajectory.size() != r.trajectory_time.size() * r.trajectory_start_site.size())
      return false;
  return true;
}

std::string trajectory_extxyz(const Lattice& lattice, const SimulationSettings& s,
                              const SimulationOutcome& o) {
  const std::vector<Vec3> box = box_of(lattice);
  char buf[256];
  std::string lattice_text = "Lattice=\"";
  for (int i = 0; i < 3; ++i) {
    std::snprintf(buf, sizeof buf, "%s%.10f %.10f %.10f", i ? " " : "", box[i].x, box[i].y, box[i].z);
    lattice_text += buf;
  }
  lattice_text += "\" Properties=species:S:1:pos:R:3:ion:I:1:kind:S:1";
  const std::string pbc = lattice.dimension() == 3 ? "pbc=\"T T T\"" : "pbc=\"T T F\"";
  std::string out;
  std::vector<std::string> element, kind;
  for (size_t r = 0; r < o.replicas.size(); ++r) {
    const ReplicaOutcome& ro = o.replicas[r];
    ion_labels(lattice, s, ro, element, kind);
    const size_t n = ro.trajectory_start_site.size();
    for (size_t f = 0; f < ro.trajectory_time.size(); ++f) {
      out += std::to_string(n) + "\n" + lattice_text;
      std::snprintf(buf, sizeof buf, " time=%.17g replica=%zu frame=%zu ", ro.trajectory_time[f], r, f);
      out += buf + pbc + "\n";
      for (size_t i = 0; i < n; ++i) {
        const Vec3& p = ro.trajectory[f * n + i];
        std::snprintf(buf, sizeof buf, "%s %.10f %.10f %.10f %zu %s\n", element[i].c_str(), p.x, p.y,
                      p.z, i, kind[i].c_str());
        out += buf;
      }
    }
  }
  return out;
}

#if COATKMC_HAVE_HDF5
namespace {

// Closes an HDF5 handle on scope exit; a negative id is a failure.
struct H5 {
  hid_t id;
  herr_t (*close)(hid_t);
  H5(hid_t i, herr_t (*c)(hid_t), const std::string& what) : id(i), close(c) {
    if (id < 0) throw std::runtime_error("HDF5: cannot create " + what);
  }
  ~H5() { close(id); }
  H5(const H5&) = delete;
  H5& operator=(const H5&) = delete;
};

void attr_string(hid_t at, const char* name, const std::string& value) {
  H5 type(H5Tcopy(H5T_C_S1), H5Tclose, "a string type");
  H5Tset_size(type.id, value.size() + 1);
  H5 space(H5Screate(H5S_SCALAR), H5Sclose, "a scalar space");
  H5 a(H5Acreate2(at, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, name);
  H5Awrite(a.id, type.id, value.c_str());
}

void dataset(hid_t at, const char* name, hid_t mem_type, const std::vector<hsize_t>& dims,
             const void* data) {
  H5 space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, name);
  H5 d(H5Dcreate2(at, name, mem_type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
       name);
  if (H5Dwrite(d.id, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    throw std::runtime_error(std::string("HDF5: cannot write ") + name);
}

void strings(hid_t at, const char* name, const std::vector<std::string>& values) {
  size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size() + 1);
  std::vector<char> packed(values.size() * width, '\0');
  for (size_t i = 0; i < values.size(); ++i) values[i].copy(&packed[i * width], width - 1);
  H5 type(H5Tcopy(H5T_C_S1), H5Tclose, "a string type");
  H5Tset_size(type.id, width);
  dataset(at, name, type.id, {values.size()}, packed.data());
}

// H5MD 1.1 (nongnu.org/h5md): /h5md (version, author, creator), per replica
// /particles/replica_R with box (dimension, boundary, edges), position
// (step, time, value [frames, ions, 3]), species (index into species_names,
// an attribute), element and kind (strings, coatkmc's additions).
void write_h5md(const std::string& path, const Lattice& lattice, const SimulationSettings& s,
                const SimulationOutcome& o) {
  H5 file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, path);
  {
    H5 h5md(H5Gcreate2(file.id, "h5md", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "/h5md");
    const int version[2] = {1, 1};
    const hsize_t two = 2;
    H5 space(H5Screate_simple(1, &two, nullptr), H5Sclose, "version");
    H5 a(H5Acreate2(h5md.id, "version", H5T_NATIVE_INT, space.id, H5P_DEFAULT, H5P_DEFAULT),
         H5Aclose, "version");
    H5Awrite(a.id, H5T_NATIVE_INT, version);
    H5 author(H5Gcreate2(h5md.id, "author", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "author");
    attr_string(author.id, "name", "coatkmc");
    H5 creator(H5Gcreate2(h5md.id, "creator", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "creator");
    attr_string(creator.id, "name", "coatkmc");
    attr_string(creator.id, "version", "0.1.0");
  }
  H5 particles(H5Gcreate2(file.id, "particles", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
               "/particles");
  const std::vector<Vec3> box = box_of(lattice);
  double edges[9];
  for (int i = 0; i < 3; ++i) edges[3 * i] = box[i].x, edges[3 * i + 1] = box[i].y, edges[3 * i + 2] = box[i].z;
  std::vector<std::string> element, kind;
  for (size_t r = 0; r < o.replicas.size(); ++r) {
    const ReplicaOutcome& ro = o.replicas[r];
    const std::string name = "replica_" + std::to_string(r);
    H5 g(H5Gcreate2(particles.id, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, name);
    {
      H5 b(H5Gcreate2(g.id, "box", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "box");
      const int dim = 3;
      H5 scalar(H5Screate(H5S_SCALAR), H5Sclose, "dimension");
      H5 a(H5Acreate2(b.id, "dimension", H5T_NATIVE_INT, scalar.id, H5P_DEFAULT, H5P_DEFAULT),
           H5Aclose, "dimension");
      H5Awrite(a.id, H5T_NATIVE_INT, &dim);
      const char* kinds[3] = {"periodic", "periodic", lattice.dimension() == 3 ? "periodic" : "none"};
      H5 st(H5Tcopy(H5T_C_S1), H5Tclose, "boundary type");
      H5Tset_size(st.id, 9);
      char packed[27] = {};
      for (int i = 0; i < 3; ++i) std::snprintf(packed + 9 * i, 9, "%s", kinds[i]);
      const hsize_t three = 3;
      H5 space(H5Screate_simple(1, &three, nullptr), H5Sclose, "boundary");
      H5 bound(H5Acreate2(b.id, "boundary", st.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
               "boundary");
      H5Awrite(bound.id, st.id, packed);
      dataset(b.id, "edges", H5T_NATIVE_DOUBLE, {3, 3}, edges);
    }
    const hsize_t frames = ro.trajectory_time.size(), n = ro.trajectory_start_site.size();
    {
      H5 p(H5Gcreate2(g.id, "position", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "position");
      std::vector<int64_t> step(frames);
      for (hsize_t f = 0; f < frames; ++f) step[f] = static_cast<int64_t>(f);
      dataset(p.id, "step", H5T_NATIVE_INT64, {frames}, step.data());
      dataset(p.id, "time", H5T_NATIVE_DOUBLE, {frames}, ro.trajectory_time.data());
      std::vector<double> xyz(frames * n * 3);
      for (size_t k = 0; k < ro.trajectory.size(); ++k)
        xyz[3 * k] = ro.trajectory[k].x, xyz[3 * k + 1] = ro.trajectory[k].y,
        xyz[3 * k + 2] = ro.trajectory[k].z;
      dataset(p.id, "value", H5T_NATIVE_DOUBLE, {frames, n, 3}, xyz.data());
      attr_string(p.id, "unit", "angstrom");
    }
    ion_labels(lattice, s, ro, element, kind);
    std::vector<int32_t> species(n, 0);
    for (hsize_t i = 0; i < n && i < ro.trajectory_species.size(); ++i) species[i] = ro.trajectory_species[i];
    dataset(g.id, "species", H5T_NATIVE_INT32, {n}, species.data());
    strings(g.id, "element", element);
    strings(g.id, "kind", kind);
  }
}

}  // namespace
#endif

void write_trajectory(const std::string& path, const Lattice& lattice, const SimulationSettings& s,
                      const SimulationOutcome& o) {
  if (s.trajectory_format != "h5md") {
    write_file_atomically(path, trajectory_extxyz(lattice, s, o));
    return;
  }
#if COATKMC_HAVE_HDF5
  // Through a temporary name, as every output: a killed run leaves no half file.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  write_h5md(tmp, lattice, s, o);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + " to " + path);
#else
  (void)lattice;
  throw std::runtime_error("this build has no HDF5 (apt-get install libhdf5-dev, then rebuild): "
                           "no " + path);
#endif
}

}  // namespace coatkmc
