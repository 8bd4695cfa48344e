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

bool SpeciesSettings::any_region() const {
  for (const SpeciesSpec& s : species)
    if (s.region) return true;
  return false;
}

std::vector<int64_t> SpeciesSettings::counts(const std::vector<int64_t>& region_sites) const {
  std::vector<int64_t> n;
  for (size_t q = 0; q < species.size(); ++q)
    n.push_back(species[q].count >= 0
                    ? species[q].count
                    : std::llround(species[q].fraction * static_cast<double>(region_sites.at(q))));
  return n;
}

namespace {

double site_height(const Lattice& lat, int64_t site) {
  const int nz = lat.cells()[2];
  const int cz =
      static_cast<int>((site / lat.basis_size()) / (int64_t(lat.cells()[0]) * lat.cells()[1]));
  return height_fraction(cz, nz, lat.description().basis[lat.basis_of(site)].fractional.z);
}

bool open_host(const Lattice& lat, int64_t s, const std::vector<uint8_t>& blocked) {
  return lat.is_host(s) && (blocked.empty() || !blocked[s]);
}

}  // namespace

std::vector<int64_t> SpeciesSettings::region_sites(const Lattice& lat,
                                                   const std::vector<uint8_t>& blocked) const {
  std::vector<int64_t> n(species.size(), 0);
  for (int64_t s = 0; s < lat.num_sites(); ++s) {
    if (!open_host(lat, s, blocked)) continue;
    const double h = site_height(lat, s);
    for (size_t q = 0; q < species.size(); ++q) n[q] += species[q].in_region(h);
  }
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

namespace coatkmc {

SystemState place_species(const Lattice& lat, const SpeciesSettings& settings,
                          const std::vector<int64_t>& counts, uint64_t seed, uint32_t replica,
                          const std::vector<uint8_t>& blocked) {
  std::vector<char> taken(lat.num_sites(), 0);
  std::vector<double> height(lat.num_sites(), 0.0);
  for (int64_t s = 0; s < lat.num_sites(); ++s) height[s] = site_height(lat, s);
  std::vector<size_t> order;  // species with a region first: the others fill what is left
  for (size_t q = 0; q < settings.species.size(); ++q)
    if (settings.species[q].region) order.push_back(q);
  for (size_t q = 0; q < settings.species.size(); ++q)
    if (!settings.species[q].region) order.push_back(q);

  SystemState st;
  st.replica = replica;
  st.site_ion.assign(lat.num_sites(), -1);
  st.occupied.assign(lat.num_sites(), 0);
  for (size_t q : order) {
    const SpeciesSpec& spec = settings.species[q];
    std::vector<int32_t> free;
    for (int64_t s = 0; s < lat.num_sites(); ++s)
      if (!taken[s] && open_host(lat, s, blocked) && spec.in_region(height[s]))
        free.push_back(static_cast<int32_t>(s));
    const int64_t n = counts.at(q);
    if (n > static_cast<int64_t>(free.size()))
      throw std::invalid_argument("occupancy.species: species '" + spec.name + "' places " +
                                  std::to_string(n) + " ions on " + std::to_string(free.size()) +
                                  " free open host sites" +
                                  (spec.region ? " of its z_range" : " left by the others"));
    // Partial Fisher-Yates over the free sites; one counter row per species.
    for (int64_t i = 0; i < n; ++i) {
      const auto w = CounterRng::words(seed, kStreamPlacement, replica,
                                       static_cast<uint32_t>(1 + q), static_cast<uint32_t>(i));
      const uint64_t j = i + CounterRng::below(w[0], w[1], free.size() - i);
      std::swap(free[i], free[j]);
      const int32_t site = free[i];
      taken[site] = 1;
      st.site_ion[site] = static_cast<int32_t>(st.ion_site.size());
      st.occupied[site] = 1;
      st.ion_site.push_back(site);
      st.ion_species.push_back(static_cast<uint8_t>(q));
    }
  }
  st.displacement.assign(st.ion_site.size(), Vec3{});
  st.recount_neighbors(lat);
  return st;
}

}  // namespace coatkmc
