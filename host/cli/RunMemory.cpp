#include "host/cli/RunMemory.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "host/config/GeometryCheck.hpp"

namespace coatkmc {

double minimum_run_bytes(const SimulationSettings& s) {
  const LatticeDescription& d = s.lattice;
  const double cells = double(s.cells[0]) * s.cells[1] * (d.dimension == 2 ? 1 : s.cells[2]);
  const double sites = cells * d.basis.size();
  const double mobile_basis = static_cast<double>(
      std::count_if(d.basis.begin(), d.basis.end(), [](const BasisSite& b) { return b.mobile; }));
  const double ions = static_cast<double>(s.occupancy.ion_count(int64_t(cells * mobile_basis)));
  const double z = hop_coordination(d);

  // Shared: the dense neighbour table (int32 per hop), and per-site static
  // rates (double per hop) when site energies make every site different.
  double shared = sites * 4 * z;
  if (!s.site_energy.empty()) shared += sites * (8 + 8 * z);
  // Each running replica: site -> ion (int32), occupancy and neighbour counts
  // (a byte each), one rate-tree leaf (double); per ion its site (int32), its
  // unwrapped displacement and the two reference positions of the recorder (3 x 24 bytes).
  const double replica = sites * (4 + 1 + 1 + 8) + ions * (4 + 3 * 24);
  const double running = std::max(1, std::min(s.threads, s.replicas));
  return shared + running * replica;
}

double usable_memory_bytes() {
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
  double bytes = (pages > 0 && page > 0) ? double(pages) * double(page) : 0.0;
  // cgroup v2 ("max" when unlimited) and v1.
  for (const char* path :
       {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream in(path);
    std::string text;
    if (!(in >> text) || text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
      continue;
    const double limit = std::stod(text);
    if (limit > 0 && (bytes == 0 || limit < bytes)) bytes = limit;
  }
  return bytes;
}

}  // namespace coatkmc
