#pragma once
// Symmetry of a periodic lattice as maps of sites: what the environment model
// uses to group clusters into orbits (docs/environment.md, "Clusters and
// symmetry"). A site is (basis site, cell); an operation x -> W x + w in
// fractional coordinates maps it to another site of the same kind.
#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/LatticeDescription.hpp"

namespace coatkmc {

struct SiteRef {
  int32_t basis = 0;
  std::array<int32_t, 3> cell{0, 0, 0};
  bool operator==(const SiteRef& o) const { return basis == o.basis && cell == o.cell; }
  bool operator!=(const SiteRef& o) const { return !(*this == o); }
  bool operator<(const SiteRef& o) const {
    return cell != o.cell ? cell < o.cell : basis < o.basis;
  }
  SiteRef shifted(const std::array<int32_t, 3>& by) const {
    return {basis, {cell[0] + by[0], cell[1] + by[1], cell[2] + by[2]}};
  }
};

// One space-group operation as a site map: (b, n) -> (to_basis[b], W n + shift[b]).
struct SymmetryOp {
  std::array<std::array<int32_t, 3>, 3> W{};
  std::vector<int32_t> to_basis;
  std::vector<std::array<int32_t, 3>> shift;
  SiteRef apply(const SiteRef& s) const;
  // The same operation followed by a translation by -t cells.
  SymmetryOp translated(const std::array<int32_t, 3>& t) const;
};

// The operations that map the crystal onto itself, one per coset of the
// lattice translations: integer matrices W (entries -1, 0, 1 in the cell's
// basis) that keep the metric, with every translation w that sends each basis
// site onto one of the same kind (sublattice label, mobility, transition
// flag, species). 2D lattices keep the third vector. The identity is first.
std::vector<SymmetryOp> space_group(const LatticeDescription& d);

// The operations of `group` (translations added) that map the hop {from, to}
// onto itself or its reverse: the hop's point group.
std::vector<SymmetryOp> hop_group(const std::vector<SymmetryOp>& group, const SiteRef& from,
                                  const SiteRef& to);

// An operation of `group` (translation added) that sends the directed hop
// a_from -> a_to onto b_from -> b_to, or onto b_to -> b_from when `reverse`
// is allowed and no direct one exists; sets *reversed accordingly.
std::optional<SymmetryOp> op_between_hops(const std::vector<SymmetryOp>& group,
                                          const SiteRef& a_from, const SiteRef& a_to,
                                          const SiteRef& b_from, const SiteRef& b_to,
                                          bool* reversed = nullptr);

// The hop slots of `hops` (slot b * zmax + k: basis site b, direction k)
// grouped into classes: a slot joins the class of the first earlier slot
// whose hop an operation of `group` maps onto its own (or onto its reverse).
// The one place hop classes are formed: the compiler's hop orbits
// (compile_environment) and the generated orbits' hop classes
// (EnvironmentOrbits hop_classes, "h0", "h1", ...) both read it.
struct HopSlotClass {
  int ref_slot = -1;              // the class's first slot
  SiteRef from, to;               // its hop, from in cell 0
  std::vector<SymmetryOp> group;  // the hop's point group (hop_group)
  int slots = 0;                  // slots in the class
};
struct HopSlotClasses {
  std::vector<HopSlotClass> classes;  // in the order of their first slot
  std::vector<int> class_of;          // per slot: its class, -1 where there is no hop
  // Per slot: an operation taking the class's reference hop onto the slot's
  // hop (or its reverse); the identity (group's first) for the reference slot.
  std::vector<SymmetryOp> op;
};
HopSlotClasses classify_hop_slots(const std::vector<std::vector<HopTemplate>>& hops, int zmax,
                                  const std::vector<SymmetryOp>& group);

// Cartesian position (Å) of a site.
Vec3 site_position(const LatticeDescription& d, const SiteRef& s);
// The site at fractional coordinates `f` (within tolerance_A), or nullopt.
std::optional<SiteRef> site_at(const LatticeDescription& d, Vec3 f, double tolerance_A = 1e-3);

}  // namespace coatkmc
