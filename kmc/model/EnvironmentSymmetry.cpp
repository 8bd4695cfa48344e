#include "kmc/model/EnvironmentSymmetry.hpp"

#include <algorithm>
#include <cmath>

namespace coatkmc {

namespace {

Vec3 cartesian(const LatticeDescription& d, Vec3 f) {
  return f.x * d.vectors[0] + f.y * d.vectors[1] + f.z * d.vectors[2];
}

double component(Vec3 v, int i) { return i == 0 ? v.x : i == 1 ? v.y : v.z; }

bool same_kind(const BasisSite& a, const BasisSite& b) {
  return a.sublattice == b.sublattice && a.mobile == b.mobile && a.transition == b.transition &&
         a.species == b.species && a.energy == b.energy;
}

// W f + w for fractional f.
Vec3 transform(const std::array<std::array<int32_t, 3>, 3>& W, Vec3 w, Vec3 f) {
  double out[3];
  for (int i = 0; i < 3; ++i)
    out[i] = W[i][0] * f.x + W[i][1] * f.y + W[i][2] * f.z + component(w, i);
  return {out[0], out[1], out[2]};
}

// The integer cell n with f = g + n when g and f differ by whole cells within
// `tolerance_A`, else nullopt.
std::optional<std::array<int32_t, 3>> whole_cells(const LatticeDescription& d, Vec3 f, Vec3 g,
                                                  double tolerance_A) {
  const Vec3 diff = f - g;
  std::array<int32_t, 3> n{};
  Vec3 rest;
  double r[3];
  for (int i = 0; i < 3; ++i) {
    const double x = component(diff, i);
    n[i] = static_cast<int32_t>(std::lround(x));
    r[i] = x - n[i];
  }
  rest = {r[0], r[1], r[2]};
  if (norm(cartesian(d, rest)) > tolerance_A) return std::nullopt;
  return n;
}

}  // namespace

SiteRef SymmetryOp::apply(const SiteRef& s) const {
  SiteRef out;
  out.basis = to_basis[s.basis];
  for (int i = 0; i < 3; ++i)
    out.cell[i] = W[i][0] * s.cell[0] + W[i][1] * s.cell[1] + W[i][2] * s.cell[2] +
                  shift[s.basis][i];
  return out;
}

SymmetryOp SymmetryOp::translated(const std::array<int32_t, 3>& t) const {
  SymmetryOp o = *this;
  for (auto& s : o.shift)
    for (int i = 0; i < 3; ++i) s[i] -= t[i];
  return o;
}

Vec3 site_position(const LatticeDescription& d, const SiteRef& s) {
  const Vec3 f = d.basis[s.basis].fractional;
  return cartesian(d, {s.cell[0] + f.x, s.cell[1] + f.y, s.cell[2] + f.z});
}

std::optional<SiteRef> site_at(const LatticeDescription& d, Vec3 f, double tolerance_A) {
  for (int b = 0; b < static_cast<int>(d.basis.size()); ++b)
    if (auto n = whole_cells(d, f, d.basis[b].fractional, tolerance_A)) return SiteRef{b, *n};
  return std::nullopt;
}

std::vector<SymmetryOp> space_group(const LatticeDescription& d) {
  const int nb = static_cast<int>(d.basis.size());
  double G[3][3], scale = 0;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      G[i][j] = dot(d.vectors[i], d.vectors[j]);
      scale = std::max(scale, std::fabs(G[i][j]));
    }
  const double tol_A = 1e-3;
  std::vector<SymmetryOp> out;
  std::array<std::array<int32_t, 3>, 3> W{};
  // Every 3x3 matrix with entries -1, 0, 1 (3^9); those keeping the metric
  // W^T G W = G are the lattice's point operations in a reduced cell.
  for (int code = 0; code < 19683; ++code) {
    int c = code;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) {
        W[i][j] = c % 3 - 1;
        c /= 3;
      }
    if (d.dimension == 2 &&
        (W[2][0] != 0 || W[2][1] != 0 || W[0][2] != 0 || W[1][2] != 0 || W[2][2] != 1))
      continue;
    bool keeps = true;
    for (int i = 0; i < 3 && keeps; ++i)
      for (int j = 0; j < 3 && keeps; ++j) {
        double g = 0;
        for (int k = 0; k < 3; ++k)
          for (int l = 0; l < 3; ++l) g += W[k][i] * G[k][l] * W[l][j];
        keeps = std::fabs(g - G[i][j]) <= 1e-6 * scale;
      }
    if (!keeps) continue;
    // Translations: basis site 0 goes to some site of its kind.
    const Vec3 f0 = transform(W, {}, d.basis[0].fractional);
    for (int t = 0; t < nb; ++t) {
      if (!same_kind(d.basis[0], d.basis[t])) continue;
      const Vec3 w = d.basis[t].fractional - f0;
      SymmetryOp op;
      op.W = W;
      bool maps = true;
      for (int b = 0; b < nb && maps; ++b) {
        const Vec3 g = transform(W, w, d.basis[b].fractional);
        maps = false;
        for (int b2 = 0; b2 < nb; ++b2) {
          if (!same_kind(d.basis[b], d.basis[b2])) continue;
          if (auto n = whole_cells(d, g, d.basis[b2].fractional, tol_A)) {
            op.to_basis.push_back(b2);
            op.shift.push_back(*n);
            maps = true;
            break;
          }
        }
      }
      if (!maps) continue;
      const bool identity = W[0] == std::array<int32_t, 3>{1, 0, 0} &&
                            W[1] == std::array<int32_t, 3>{0, 1, 0} &&
                            W[2] == std::array<int32_t, 3>{0, 0, 1} && t == 0;
      if (identity) out.insert(out.begin(), std::move(op));
      else out.push_back(std::move(op));
    }
  }
  return out;
}

std::optional<SymmetryOp> op_between_hops(const std::vector<SymmetryOp>& group,
                                          const SiteRef& a_from, const SiteRef& a_to,
                                          const SiteRef& b_from, const SiteRef& b_to,
                                          bool* reversed) {
  for (int pass = 0; pass < (reversed ? 2 : 1); ++pass) {
    const SiteRef& want_from = pass == 0 ? b_from : b_to;
    const SiteRef& want_to = pass == 0 ? b_to : b_from;
    for (const SymmetryOp& g : group) {
      const SiteRef f = g.apply(a_from), t = g.apply(a_to);
      if (f.basis != want_from.basis || t.basis != want_to.basis) continue;
      std::array<int32_t, 3> shift{};
      for (int i = 0; i < 3; ++i) shift[i] = f.cell[i] - want_from.cell[i];
      if (t.shifted({-shift[0], -shift[1], -shift[2]}) != want_to) continue;
      if (reversed) *reversed = pass == 1;
      return g.translated(shift);
    }
  }
  return std::nullopt;
}

std::vector<SymmetryOp> hop_group(const std::vector<SymmetryOp>& group, const SiteRef& from,
                                  const SiteRef& to) {
  std::vector<SymmetryOp> out;
  for (const SymmetryOp& g : group) {
    const SiteRef f = g.apply(from), t = g.apply(to);
    for (int pass = 0; pass < 2; ++pass) {
      const SiteRef& want_from = pass == 0 ? from : to;
      const SiteRef& want_to = pass == 0 ? to : from;
      if (f.basis != want_from.basis || t.basis != want_to.basis) continue;
      std::array<int32_t, 3> shift{};
      for (int i = 0; i < 3; ++i) shift[i] = f.cell[i] - want_from.cell[i];
      if (t.shifted({-shift[0], -shift[1], -shift[2]}) != want_to) continue;
      out.push_back(g.translated(shift));
    }
  }
  return out;
}

HopSlotClasses classify_hop_slots(const std::vector<std::vector<HopTemplate>>& hops, int zmax,
                                  const std::vector<SymmetryOp>& group) {
  const int nb = static_cast<int>(hops.size());
  auto valid = [&](int s) { return s % zmax < static_cast<int>(hops[s / zmax].size()); };
  auto from = [&](int s) { return SiteRef{s / zmax, {0, 0, 0}}; };
  auto to = [&](int s) {
    const HopTemplate& h = hops[s / zmax][s % zmax];
    return SiteRef{h.to_basis, {h.cell_offset[0], h.cell_offset[1], h.cell_offset[2]}};
  };
  HopSlotClasses out;
  out.class_of.assign(static_cast<size_t>(nb) * zmax, -1);
  out.op.assign(static_cast<size_t>(nb) * zmax, SymmetryOp{});
  for (int s = 0; s < nb * zmax; ++s) {
    if (!valid(s) || out.class_of[s] >= 0) continue;
    HopSlotClass c;
    c.ref_slot = s;
    c.from = from(s);
    c.to = to(s);
    c.group = hop_group(group, c.from, c.to);
    c.slots = 1;
    const int id = static_cast<int>(out.classes.size());
    out.class_of[s] = id;
    out.op[s] = group.front();
    for (int s2 = s + 1; s2 < nb * zmax; ++s2) {
      if (!valid(s2) || out.class_of[s2] >= 0) continue;
      bool reversed = false;
      if (auto g = op_between_hops(group, c.from, c.to, from(s2), to(s2), &reversed)) {
        out.class_of[s2] = id;
        out.op[s2] = *g;
        ++c.slots;
      }
    }
    out.classes.push_back(std::move(c));
  }
  return out;
}

}  // namespace coatkmc
