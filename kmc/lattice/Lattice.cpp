#include "kmc/lattice/Lattice.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>

#include "kmc/lattice/MobilePairs.hpp"

namespace coatkmc {

namespace {

Vec3 cartesian(const LatticeDescription& d, Vec3 f) {
  return f.x * d.vectors[0] + f.y * d.vectors[1] + f.z * d.vectors[2];
}

double longest_vector(const LatticeDescription& d) {
  double longest = 0;
  for (int i = 0; i < d.dimension; ++i) longest = std::max(longest, norm(d.vectors[i]));
  return longest;
}

bool rule_joins(const HopRule& r, const std::string& a, const std::string& b) {
  return (r.from == a && r.to == b) || (r.from == b && r.to == a);
}

// Shortest distance between a site of sublattice `a` and one of `b`
// (searched within the longest cell vector; infinity when there is none).
double shortest_between(const LatticeDescription& d, const std::string& a, const std::string& b) {
  double best = std::numeric_limits<double>::infinity();
  const double reach = longest_vector(d) * 1.0001;
  const MobilePairs pairs(d, reach);
  for (int from = 0; from < static_cast<int>(d.basis.size()); ++from) {
    if (d.basis[from].sublattice != a || !d.basis[from].mobile) continue;
    for (const HopTemplate& h : pairs.within(from, reach))
      if (d.basis[h.to_basis].sublattice == b) best = std::min(best, h.length);
  }
  return best;
}

// The cutoff of each rule (Å), defaults resolved.
std::vector<double> rule_cutoffs(const LatticeDescription& d) {
  std::vector<double> out;
  for (const HopRule& r : d.hop_rules) {
    if (r.cutoff > 0) out.push_back(r.cutoff);
    else if (d.hop_cutoff > 0) out.push_back(d.hop_cutoff);
    else out.push_back(shortest_between(d, r.from, r.to) * (1 + 1e-6));
  }
  return out;
}

// The hops of basis site `from`: every mobile site within `cutoff`, or with
// hop rules, the pairs a rule admits, each with that rule's barrier.
std::vector<HopTemplate> hops_within(const LatticeDescription& d, const MobilePairs& pairs,
                                     int from, double cutoff,
                                     const std::vector<double>& rule_cutoff = {}) {
  std::vector<HopTemplate> out;
  if (d.hop_rules.empty()) {
    out = pairs.within(from, cutoff);
  } else {
    double reach = 0;
    for (double c : rule_cutoff) reach = std::isfinite(c) ? std::max(reach, c) : reach;
    const std::string& a = d.basis[from].sublattice;
    for (HopTemplate h : pairs.within(from, reach)) {
      const std::string& b = d.basis[h.to_basis].sublattice;
      int best = -1;
      for (int r = 0; r < static_cast<int>(d.hop_rules.size()); ++r)
        if (rule_joins(d.hop_rules[r], a, b) && h.length <= rule_cutoff[r] &&
            (best < 0 || rule_cutoff[r] < rule_cutoff[best]))
          best = r;
      if (best < 0) continue;
      h.barrier = d.hop_rules[best].barrier;
      out.push_back(h);
    }
  }
  // A fixed order makes direction indices (and so trajectories) independent of search order.
  std::sort(out.begin(), out.end(), [](const HopTemplate& p, const HopTemplate& q) {
    return std::make_tuple(p.length, p.to_basis, p.cell_offset) <
           std::make_tuple(q.length, q.to_basis, q.cell_offset);
  });
  return out;
}

}  // namespace

HopTable hop_table(const LatticeDescription& desc) {
  if (desc.basis.empty()) throw std::invalid_argument("lattice has no basis sites");
  if (std::none_of(desc.basis.begin(), desc.basis.end(), [](const BasisSite& b) { return b.host(); }))
    throw std::invalid_argument("lattice has no mobile-ion sites");
  for (const HopRule& r : desc.hop_rules) {
    bool from = false, to = false;
    for (const BasisSite& b : desc.basis) {
      from |= b.mobile && b.sublattice == r.from;
      to |= b.mobile && b.sublattice == r.to;
    }
    if (!from || !to)
      throw std::invalid_argument("hop rule " + r.from + "-" + r.to +
                                  " names no mobile sublattice of that name");
  }
  HopTable t;
  const std::vector<double> rule_cutoff = rule_cutoffs(desc);
  if (desc.hop_rules.empty()) {
    t.cutoff = desc.hop_cutoff > 0 ? desc.hop_cutoff : nearest_mobile_distance(desc) * (1 + 1e-6);
  } else {
    for (double c : rule_cutoff) t.cutoff = std::isfinite(c) ? std::max(t.cutoff, c) : t.cutoff;
  }
  const int nb = static_cast<int>(desc.basis.size());
  t.hops.assign(nb, {});
  const MobilePairs pairs(desc, std::isfinite(t.cutoff) && t.cutoff > 0 ? t.cutoff : 1.0);
  for (int b = 0; b < nb; ++b) {
    if (desc.basis[b].mobile) t.hops[b] = hops_within(desc, pairs, b, t.cutoff, rule_cutoff);
    t.zmax = std::max(t.zmax, static_cast<int>(t.hops[b].size()));
  }
  if (t.zmax == 0) throw std::invalid_argument("no hop neighbours within the cutoff");
  return t;
}

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }
bool same_bits(const Vec3& a, const Vec3& b) {
  return same_bits(a.x, b.x) && same_bits(a.y, b.y) && same_bits(a.z, b.z);
}

// Every field the hop search reads (and the rest), doubles compared bit for bit.
bool same_description(const LatticeDescription& a, const LatticeDescription& b) {
  if (a.name != b.name || a.dimension != b.dimension || !same_bits(a.hop_cutoff, b.hop_cutoff) ||
      a.basis.size() != b.basis.size() || a.hop_rules.size() != b.hop_rules.size())
    return false;
  for (int i = 0; i < 3; ++i)
    if (!same_bits(a.vectors[i], b.vectors[i])) return false;
  for (size_t i = 0; i < a.basis.size(); ++i) {
    const BasisSite &p = a.basis[i], &q = b.basis[i];
    if (!same_bits(p.fractional, q.fractional) || p.mobile != q.mobile ||
        p.transition != q.transition || !same_bits(p.energy, q.energy) ||
        !same_bits(p.occupancy, q.occupancy) || p.sublattice != q.sublattice ||
        p.species != q.species)
      return false;
  }
  for (size_t i = 0; i < a.hop_rules.size(); ++i) {
    const HopRule &p = a.hop_rules[i], &q = b.hop_rules[i];
    if (p.from != q.from || p.to != q.to || !same_bits(p.cutoff, q.cutoff) ||
        !same_bits(p.barrier, q.barrier))
      return false;
  }
  return true;
}

}  // namespace

const HopTable* hops_if_known(const LatticeDescription& description, const KnownHops* known) {
  if (!known || !same_description(known->description, description)) return nullptr;
  return &known->table;
}

Lattice::Lattice(LatticeDescription description, std::array<int, 3> cells, const HopTable* hops)
    : desc_(std::move(description)), cells_(cells) {
  if (desc_.dimension == 2) cells_[2] = 1;
  for (int i = 0; i < 3; ++i)
    if (cells_[i] < 1) throw std::invalid_argument("cell counts must be positive");
  if (desc_.basis.empty()) throw std::invalid_argument("lattice has no basis sites");
  const int nb = basis_size();
  num_sites_ = int64_t(cells_[0]) * cells_[1] * cells_[2] * nb;
  if (num_sites_ > std::numeric_limits<int32_t>::max())
    throw std::invalid_argument("lattice has more than 2^31 sites");
  for (int b = 0; b < nb; ++b) {
    if (desc_.basis[b].mobile) num_mobile_ += num_sites_ / nb;
    if (desc_.basis[b].host()) num_host_ += num_sites_ / nb;
  }
  HopTable table = hops ? *hops : hop_table(desc_);
  if (table.hops.size() != desc_.basis.size())
    throw std::logic_error("Lattice: the hop table given is not of this description");
  cutoff_ = table.cutoff;
  zmax_ = table.zmax;
  hops_ = std::move(table.hops);

  // The reverse of hop (b -> b', offset o) is the hop of b' with (b, -o).
  reverse_.assign(nb, {});
  for (int b = 0; b < nb; ++b)
    for (const HopTemplate& h : hops_[b]) {
      const auto& back = hops_[h.to_basis];
      int found = -1;
      for (int k = 0; k < static_cast<int>(back.size()); ++k)
        if (back[k].to_basis == b && back[k].cell_offset[0] == -h.cell_offset[0] &&
            back[k].cell_offset[1] == -h.cell_offset[1] &&
            back[k].cell_offset[2] == -h.cell_offset[2])
          found = k;
      reverse_[b].push_back(found);
    }

  neighbors_.assign(num_sites_ * zmax_, -1);
  const int n1 = cells_[0], n2 = cells_[1], n3 = cells_[2];
  auto wrap = [](int x, int n) { return ((x % n) + n) % n; };
  for (int64_t s = 0; s < num_sites_; ++s) {
    const int b = static_cast<int>(s % nb);
    const int64_t c = s / nb;
    const int i = static_cast<int>(c % n1), j = static_cast<int>((c / n1) % n2),
              k = static_cast<int>(c / (int64_t(n1) * n2));
    const auto& hb = hops_[b];
    for (int q = 0; q < static_cast<int>(hb.size()); ++q) {
      const auto& o = hb[q].cell_offset;
      const int64_t cell = (int64_t(wrap(k + o[2], n3)) * n2 + wrap(j + o[1], n2)) * n1 +
                           wrap(i + o[0], n1);
      const int64_t t = cell * nb + hb[q].to_basis;
      // Periodic images must stay distinct, or a hop would reach itself or count twice.
      if (t == s) throw std::invalid_argument("cells too few for the hop cutoff (a hop reaches its own image)");
      for (int p = 0; p < q; ++p)
        if (neighbors_[s * zmax_ + p] == t)
          throw std::invalid_argument("cells too few for the hop cutoff (two hops reach one site)");
      neighbors_[s * zmax_ + q] = static_cast<int32_t>(t);
    }
  }
  build_stencil();
}

void Lattice::build_stencil() {
  // Reach of the hops in cells along each vector.
  std::array<int, 3> reach{0, 0, 0};
  for (const auto& hb : hops_)
    for (const HopTemplate& h : hb)
      for (int d = 0; d < 3; ++d) reach[d] = std::max(reach[d], std::abs(h.cell_offset[d]));
  // Per dimension: R classes near the low face, one interior class, R near the high face.
  std::array<int, 3> classes{};
  int64_t total = basis_size();
  for (int d = 0; d < 3; ++d) {
    if (cells_[d] <= 2 * reach[d]) return;  // too small for an interior: keep the dense table
    classes[d] = 2 * reach[d] + 1;
    total *= classes[d];
  }
  if (total > 255) return;
  auto class_of = [&](int x, int d) {
    const int r = reach[d], n = cells_[d];
    if (x < r) return x;
    if (x >= n - r) return 2 * r - (n - 1 - x);
    return r;
  };
  auto representative = [&](int c, int d) {
    const int r = reach[d], n = cells_[d];
    if (c < r) return c;
    if (c > r) return n - 1 - (2 * r - c);
    return r;
  };
  const int nb = basis_size();
  class_offsets_.assign(total * zmax_, 0);
  class_count_.assign(total, 0);
  for (int64_t c = 0; c < total; ++c) {
    const int b = static_cast<int>(c % nb);
    const int64_t spatial = c / nb;
    const int ci = static_cast<int>(spatial % classes[0]);
    const int cj = static_cast<int>((spatial / classes[0]) % classes[1]);
    const int ck = static_cast<int>(spatial / (int64_t(classes[0]) * classes[1]));
    const int64_t cell = (int64_t(representative(ck, 2)) * cells_[1] + representative(cj, 1)) *
                             cells_[0] + representative(ci, 0);
    const int64_t site = cell * nb + b;
    class_count_[c] = coordination(b);
    for (int k = 0; k < class_count_[c]; ++k)
      class_offsets_[c * zmax_ + k] = static_cast<int32_t>(neighbor(site, k) - site);
  }
  site_class_.assign(num_sites_, 0);
  for (int64_t s = 0; s < num_sites_; ++s) {
    const int b = static_cast<int>(s % nb);
    const int64_t cell = s / nb;
    const int i = static_cast<int>(cell % cells_[0]);
    const int j = static_cast<int>((cell / cells_[0]) % cells_[1]);
    const int k = static_cast<int>(cell / (int64_t(cells_[0]) * cells_[1]));
    const int64_t c =
        ((int64_t(class_of(k, 2)) * classes[1] + class_of(j, 1)) * classes[0] + class_of(i, 0)) *
            nb + b;
    site_class_[s] = static_cast<uint8_t>(c);
  }
}

Vec3 Lattice::position(int64_t site) const {
  const int nb = basis_size();
  const int b = static_cast<int>(site % nb);
  const int64_t c = site / nb;
  const Vec3 f = desc_.basis[b].fractional;
  const double i = static_cast<double>(c % cells_[0]);
  const double j = static_cast<double>((c / cells_[0]) % cells_[1]);
  const double k = static_cast<double>(c / (int64_t(cells_[0]) * cells_[1]));
  return cartesian(desc_, {i + f.x, j + f.y, k + f.z});
}

double Lattice::volume() const {
  const Vec3* a = desc_.vectors;
  return std::fabs(dot(a[0], cross(a[1], a[2]))) * cells_[0] * cells_[1] * cells_[2];
}

}  // namespace coatkmc
