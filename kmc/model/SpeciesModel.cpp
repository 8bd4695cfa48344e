#include "kmc/model/SpeciesModel.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "kernels/CounterRng.hpp"
#include "kernels/HopEnergy.hpp"
#include "kernels/SpeciesEnergy.hpp"

namespace coatkmc {

std::vector<int64_t> SpeciesSettings::counts(int64_t open_sites) const {
  std::vector<int64_t> n;
  for (const SpeciesSpec& s : species)
    n.push_back(s.count >= 0 ? s.count
                             : std::llround(s.fraction * static_cast<double>(open_sites)));
  return n;
}

int64_t SpeciesSettings::total(int64_t open_sites) const {
  int64_t sum = 0;
  for (int64_t n : counts(open_sites)) sum += n;
  return sum;
}

SpeciesRates::SpeciesRates(const Lattice& lattice, const HopParameters& hop,
                           const SpeciesSettings& settings)
    : species_(static_cast<int>(settings.species.size())),
      nbasis_(lattice.basis_size()),
      zmax_(lattice.max_coordination()) {
  if (species_ < 1 || species_ > kMaxSpecies)
    throw std::invalid_argument("between 1 and 64 species");
  const double kT = kBoltzmannEv * hop.temperature;
  auto eps = [&](int s, int b) {
    const std::vector<double>& e = settings.species[s].basis_energy;
    return e.empty() ? 0.0 : e.at(b);
  };
  vacancy_.assign(static_cast<size_t>(species_) * nbasis_ * zmax_, 0.0);
  exchange_.assign(static_cast<size_t>(species_) * species_ * nbasis_ * zmax_, 0.0);
  for (int s = 0; s < species_; ++s)
    for (int b = 0; b < nbasis_; ++b)
      for (int k = 0; k < lattice.coordination(b); ++k) {
        const int bt = lattice.basis_of(lattice.neighbor(b, k));
        const double de = SpeciesEnergy::vacancy_offset(settings.species[s].barrier, hop.barrier,
                                                        eps(s, b), eps(s, bt));
        const double f = std::exp(-de / kT);
        vacancy_[SpeciesEnergy::slot(s, nbasis_, zmax_, b, k)] = f;
        max_vacancy_ = std::max(max_vacancy_, f);
      }
  for (const ExchangeSpec& x : settings.exchange) {
    if (x.a < 0 || x.a >= species_ || x.b < 0 || x.b >= species_ || x.a == x.b)
      throw std::invalid_argument("an exchange names two different species");
    has_exchange_ = true;
    for (int b = 0; b < nbasis_; ++b)
      for (int k = 0; k < lattice.coordination(b); ++k) {
        const int bt = lattice.basis_of(lattice.neighbor(b, k));
        // The lattice's hop-rule barrier of this pair of sublattices applies too.
        const double e =
            SpeciesEnergy::exchange_activation(x.barrier + lattice.hop(b, k).barrier, eps(x.a, b),
                                               eps(x.a, bt), eps(x.b, b), eps(x.b, bt));
        const double r = hop.attempt_frequency * std::exp(-e / kT);
        exchange_[((static_cast<size_t>(x.a) * species_ + x.b) * nbasis_ + b) * zmax_ + k] = r;
        max_exchange_ = std::max(max_exchange_, r);
      }
  }
}

void assign_species(SystemState& state, const std::vector<int64_t>& counts, uint64_t seed) {
  std::vector<uint8_t> label;
  for (size_t s = 0; s < counts.size(); ++s) label.insert(label.end(), counts[s], uint8_t(s));
  if (static_cast<int64_t>(label.size()) != state.num_ions())
    throw std::invalid_argument("species counts do not add up to the ions placed");
  const uint64_t n = label.size();
  for (uint64_t i = 0; i + 1 < n; ++i) {
    const auto w =
        CounterRng::words(seed, kStreamSpecies, state.replica, 0, static_cast<uint32_t>(i));
    const uint64_t j = i + CounterRng::below(w[0], w[1], n - i);
    std::swap(label[i], label[j]);
  }
  state.ion_species = std::move(label);
}

}  // namespace coatkmc
