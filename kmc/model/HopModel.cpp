#include "kmc/model/HopModel.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernels/HopEnergy.hpp"

namespace coatkmc {

HopModel::HopModel(const Lattice& lattice, HopParameters params, std::vector<double> site_energy,
                   std::vector<double> bond_barrier)
    : params_(params),
      kT_(kBoltzmannEv * params.temperature),
      zmax_(lattice.max_coordination()),
      nbasis_(lattice.basis_size()),
      site_energy_(std::move(site_energy)),
      bond_barrier_(std::move(bond_barrier)) {
  if (!(params_.temperature > 0)) throw std::invalid_argument("temperature must be positive");
  if (!site_energy_.empty() && static_cast<int64_t>(site_energy_.size()) != lattice.num_sites())
    throw std::invalid_argument("site energies must have one entry per site");
  if (!bond_barrier_.empty() &&
      static_cast<int64_t>(bond_barrier_.size()) != lattice.num_sites() * zmax_)
    throw std::invalid_argument("bond barriers must have one entry per site and hop slot");

  for (int b = 0; b < nbasis_; ++b) basis_energy_.push_back(lattice.description().basis[b].energy);

  const Vec3 f = params_.field;
  auto static_rate_of = [&](int64_t s, int k) {
    const HopTemplate& h = lattice.hop(s, k);
    const int64_t t = lattice.neighbor(s, k);
    const Vec3 d = h.displacement;
    const double barrier = params_.barrier + h.barrier +
                           (bond_barrier_.empty() ? 0.0 : bond_barrier_[s * zmax_ + k]);
    const double e = HopEnergyEvaluator::activation(
        barrier, this->site_energy(s), this->site_energy(t), 0.0, 0, 0,
        HopEnergyEvaluator::field_work(f.x, f.y, f.z, d.x, d.y, d.z));
    return params_.attempt_frequency * std::exp(-e / kT_);
  };

  if (uniform_landscape()) {
    // Site 'b' of cell 0 stands for every copy of basis site b.
    static_.assign(nbasis_ * zmax_, 0.0);
    for (int b = 0; b < nbasis_; ++b)
      for (int k = 0; k < lattice.coordination(b); ++k) static_[b * zmax_ + k] = static_rate_of(b, k);
  } else {
    static_.assign(lattice.num_sites() * zmax_, 0.0);
    for (int64_t s = 0; s < lattice.num_sites(); ++s)
      for (int k = 0; k < lattice.coordination(lattice.basis_of(s)); ++k)
        static_[s * zmax_ + k] = static_rate_of(s, k);
  }

  interaction_.resize(2 * zmax_ + 1);
  for (int dn = -zmax_; dn <= zmax_; ++dn) {
    const double e = HopEnergyEvaluator::activation(0.0, 0.0, 0.0, params_.interaction, 0, dn, 0.0);
    interaction_[dn + zmax_] = std::exp(-e / kT_);
  }
  const double smax = *std::max_element(static_.begin(), static_.end());
  const double imax = has_interaction()
                          ? *std::max_element(interaction_.begin(), interaction_.end())
                          : 1.0;
  max_rate_ = smax * imax;
}

}  // namespace coatkmc
