#include "host/io/SiteMapWriter.hpp"

#include <cmath>
#include <cstdio>
#include <sstream>

#include "host/structure/ElementSymbols.hpp"

namespace coatkmc {

std::string site_map_xyz(const Lattice& lat, const SiteMap& map, double hop_barrier,
                         const std::vector<std::string>& ion_species,
                         const std::vector<uint8_t>& fixed,
                         const std::vector<std::string>& occupant_names) {
  const int64_t n = lat.num_sites();
  const int z = lat.max_coordination();
  const LatticeDescription& d = lat.description();
  std::ostringstream os;
  os << n << "\n";
  // The supercell as the periodic box, then one column group per property.
  os << "Lattice=\"";
  for (int i = 0; i < 3; ++i) {
    const double cells = i < lat.dimension() ? lat.cells()[i] : 1;
    const Vec3 v = cells * d.vectors[i];
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s%.8g %.8g %.8g", i ? " " : "", v.x, v.y, v.z);
    os << buf;
  }
  os << "\" Properties=species:S:1:pos:R:3:sublattice:S:1:phase:S:1:grain:I:1:blocked:I:1:"
        "site_energy:R:1:barrier:R:1:layer:I:1 pbc=\"T T "
     << (lat.dimension() == 3 ? "T" : "F") << "\"\n";
  for (int64_t s = 0; s < n; ++s) {
    const BasisSite& b = d.basis[lat.basis_of(s)];
    const bool immobile = !fixed.empty() && fixed[s] != 0;
    std::string species = element_of_site(b, ion_species);
    if (immobile) {
      const std::string& name = occupant_names.at(fixed[s]);
      species = is_element_symbol(name) ? name : "X";
    }
    const Vec3 r = lat.position(s);
    const bool blocked = (!map.blocked.empty() && map.blocked[s]) || (immobile && b.mobile);
    double energy = b.energy + (map.site_energy.empty() ? 0.0 : map.site_energy[s]);
    double barrier = 0;
    int open = 0;
    for (int k = 0; k < lat.coordination(lat.basis_of(s)); ++k) {
      const double e = hop_barrier + lat.hop(s, k).barrier +
                       (map.bond_barrier.empty() ? 0.0 : map.bond_barrier[s * z + k]);
      if (std::isfinite(e)) barrier += e, ++open;
    }
    if (open) barrier /= open;
    if (!b.mobile) energy = 0;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s %.6f %.6f %.6f %s %s %d %d %.6g %.6g %d\n", species.c_str(),
                  r.x, r.y, r.z, b.sublattice.c_str(), phase_name(static_cast<Phase>(map.phase[s])),
                  map.grain[s], blocked ? 1 : 0, energy, barrier,
                  map.layer.empty() ? 0 : int(map.layer[s]));
    os << buf;
  }
  return os.str();
}

}  // namespace coatkmc
