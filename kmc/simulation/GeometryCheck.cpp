#include "kmc/simulation/GeometryCheck.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <utility>

#include "kernels/PhysicalConstants.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/MobilePairs.hpp"
#include "kmc/state/SystemState.hpp"

namespace coatkmc {

namespace {

// Building the full supercell as a last check is worth it up to about this
// many neighbour-pair comparisons (Lattice compares the hops of a site pairwise).
constexpr double kFullBuildWork = 5e7;

double cell_volume(const LatticeDescription& d) {
  return std::fabs(dot(d.vectors[0], cross(d.vectors[1], d.vectors[2])));
}

int mobile_basis_count(const LatticeDescription& d) {
  return static_cast<int>(
      std::count_if(d.basis.begin(), d.basis.end(), [](const BasisSite& b) { return b.mobile; }));
}

// Mobile sites within `cutoff` of a mobile site, expected from the density
// alone: exact for long cutoffs, an underestimate for the first shells.
double neighbors_by_density(const LatticeDescription& d, double cutoff) {
  const double n = mobile_basis_count(d);
  if (d.dimension == 2) {
    const double area = norm(cross(d.vectors[0], d.vectors[1]));
    return n / area * kPi * cutoff * cutoff;
  }
  return n / cell_volume(d) * 4.0 / 3.0 * kPi * cutoff * cutoff * cutoff;
}

// Largest number of mobile sites within `cutoff` of a mobile site, counted
// pair by pair by Lattice's own search.
int most_neighbors_within(const LatticeDescription& d, double cutoff) {
  const MobilePairs pairs(d, cutoff);
  int most = 0;
  for (int from = 0; from < static_cast<int>(d.basis.size()); ++from)
    if (d.basis[from].mobile)
      most = std::max(most, static_cast<int>(pairs.within(from, cutoff).size()));
  return most;
}

std::string cells_text(const std::array<int, 3>& c, int dimension) {
  std::ostringstream os;
  os << '[' << c[0] << ", " << c[1];
  if (dimension == 3) os << ", " << c[2];
  os << ']';
  return os.str();
}

std::string too_many(double cutoff, double count, bool estimated) {
  std::ostringstream os;
  os << "the hop cutoff " << cutoff << " A reaches " << (estimated ? "about " : "")
     << std::llround(count) << " neighbours of a site; at most " << max_hop_neighbors()
     << " are supported";
  return os.str();
}

}  // namespace

int hop_coordination(const LatticeDescription& description, const KnownHops* known) {
  if (const HopTable* t = hops_if_known(description, known)) return t->zmax;
  return hop_table(description).zmax;
}

HopNetwork hop_network(const LatticeDescription& description, const KnownHops* known) {
  if (const HopTable* t = hops_if_known(description, known))
    return analyze_hop_network(description, t->hops);
  return analyze_hop_network(description, hop_table(description).hops);
}

int max_hop_neighbors() {
  using Count = decltype(std::declval<SystemState>().occupied_neighbors)::value_type;
  return std::numeric_limits<Count>::max();
}

std::optional<GeometryProblem> check_lattice_geometry(const LatticeDescription& desc,
                                                      const std::array<int, 3>& cells_in,
                                                      std::shared_ptr<const KnownHops>* made) {
  using Cause = GeometryProblem::Cause;
  std::array<int, 3> cells = cells_in;
  if (desc.dimension == 2) cells[2] = 1;

  // A long explicit cutoff: reject it from the density before counting pairs,
  // which would take long. Beyond four times the limit the count is surely above it.
  std::optional<HopTable> probe;
  if (desc.hop_cutoff > 0) {
    const double estimate = neighbors_by_density(desc, desc.hop_cutoff);
    if (estimate > 4.0 * max_hop_neighbors())
      return GeometryProblem{Cause::Cutoff, too_many(desc.hop_cutoff, estimate, true)};
    // Without hop rules the hops are every mobile pair within the cutoff, so
    // their table counts them (the same search, made once); where it cannot
    // be made, the count below says why, as it always has. Only where the
    // density leaves the count plausible: a table of a cutoff sure to be
    // refused would hold every pair of it at once.
    if (desc.hop_rules.empty() && estimate <= max_hop_neighbors()) {
      try {
        probe.emplace(hop_table(desc));
      } catch (const std::invalid_argument&) {
      }
    }
    const int count = probe ? probe->zmax : most_neighbors_within(desc, desc.hop_cutoff);
    if (count == 0) {
      std::ostringstream os;
      os << "the hop cutoff " << desc.hop_cutoff << " A reaches no other mobile site";
      return GeometryProblem{Cause::Cutoff, os.str()};
    }
    if (count > max_hop_neighbors())
      return GeometryProblem{Cause::Cutoff, too_many(desc.hop_cutoff, count, false)};
  }

  // The hops alone (no neighbour table): what is checked below depends on
  // nothing else, and for a large structure file they cost far less than a lattice.
  if (!probe) {
    try {
      probe.emplace(hop_table(desc));
    } catch (const std::invalid_argument& e) {
      return GeometryProblem{Cause::Cutoff, e.what()};
    }
  }
  if (probe->zmax > max_hop_neighbors())
    return GeometryProblem{Cause::Cutoff, too_many(probe->cutoff, probe->zmax, false)};

  // Two hops of a site reach one site exactly when they lead to the same basis
  // site with cell offsets equal modulo the cell counts; a hop reaches the site
  // itself when it leads back to its own basis site with an offset of whole supercells.
  auto wrap = [&](const std::array<int, 3>& o, int d) {
    return ((o[d] % cells[d]) + cells[d]) % cells[d];
  };
  std::array<int, 3> needed{1, 1, 1};
  const int nb = static_cast<int>(desc.basis.size());
  for (int b = 0; b < nb; ++b)
    for (const HopTemplate& h : probe->hops[b])
      for (int d = 0; d < 3; ++d)
        needed[d] = std::max(needed[d], 2 * std::abs(h.cell_offset[d]) + 1);
  const std::string advice = "; " + cells_text(needed, desc.dimension) + " cells always suffice";
  for (int b = 0; b < nb; ++b) {
    const auto& hops = probe->hops[b];
    for (size_t q = 0; q < hops.size(); ++q) {
      const auto& o = hops[q].cell_offset;
      if (hops[q].to_basis == b && wrap(o, 0) == 0 && wrap(o, 1) == 0 && wrap(o, 2) == 0)
        return GeometryProblem{Cause::Cells, cells_text(cells, desc.dimension) +
                                                 " cells are too few for the hop cutoff: a hop "
                                                 "reaches its own periodic image" +
                                                 advice};
      for (size_t p = 0; p < q; ++p) {
        const auto& o2 = hops[p].cell_offset;
        if (hops[p].to_basis == hops[q].to_basis && wrap(o, 0) == wrap(o2, 0) &&
            wrap(o, 1) == wrap(o2, 1) && wrap(o, 2) == wrap(o2, 2))
          return GeometryProblem{Cause::Cells, cells_text(cells, desc.dimension) +
                                                   " cells are too few for the hop cutoff: two "
                                                   "hops of a site reach the same site" +
                                                   advice};
      }
    }
  }

  // Whatever else Lattice checks, it checks here too when that is cheap.
  const double sites = double(cells[0]) * cells[1] * cells[2] * desc.basis.size();
  const double z = probe->zmax;
  if (sites * z * z <= kFullBuildWork) {
    try {
      Lattice full(desc, cells, &*probe);
    } catch (const std::invalid_argument& e) {
      return GeometryProblem{Cause::Cells, e.what()};
    }
  }
  if (made) *made = std::make_shared<const KnownHops>(KnownHops{desc, std::move(*probe)});
  return std::nullopt;
}

}  // namespace coatkmc
