// HopModel: rate = nu exp(-E/kT) with
//   E = Eb + 1/2 (E_site(t) - E_site(o)) + 1/2 J (n_t - n_o) - 1/2 q F.dr,
// checked against values worked out here, and detailed balance against total
// energies computed independently from whole configurations.
#include <gtest/gtest.h>

#include <cmath>
#include <optional>
#include <ostream>
#include <random>
#include <vector>

#include "kernels/HopEnergy.hpp"
#include "kmc/lattice/Lattice.hpp"
#include "kmc/lattice/TextbookLattices.hpp"
#include "kmc/model/HopModel.hpp"
#include "kmc/solvers/BklSolver.hpp"
#include "kmc/state/SystemState.hpp"

using namespace coatkmc;

namespace {

// Relative tolerance for rates: the model and the test evaluate the same
// exponent in a different order; |E/kT| < 40 here, so the exponent differs by
// a few 1e-15 at most and the rate by as much relatively.
constexpr double kRateTol = 1e-12;

constexpr double kB = 8.617333262e-5;  // eV/K, CODATA 2018

std::vector<double> random_energies(int64_t n, double spread, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-spread, spread);
  std::vector<double> e(n);
  for (auto& x : e) x = u(rng);
  return e;
}

TEST(HopModel, RateOfOneHopWorkedByHand) {
  // Simple cubic, a = 4 A, T = 600 K. Hop +x from origin (E = 0.10 eV, 2
  // occupied neighbours) to target (E = -0.05 eV, 3 occupied neighbours besides
  // the hopping ion), J = 0.04 eV, field 1e6 V/cm along +x:
  //   E = 0.30 + (-0.05 - 0.10)/2 + 0.04 (3 - 2)/2 - (1e6 V/cm * 4e-8 cm)/2
  //     = 0.30 - 0.075 + 0.02 - 0.02 = 0.225 eV.
  const Lattice lattice(make_textbook_lattice("sc", 4.0), {4, 4, 4});
  int kx = -1;
  for (int k = 0; k < lattice.max_coordination(); ++k)
    if (lattice.hop(0, k).displacement.x > 3.9) kx = k;
  ASSERT_GE(kx, 0);
  const int32_t target = lattice.neighbor(0, kx);
  std::vector<double> energy(lattice.num_sites(), 0.0);
  energy[0] = 0.10;
  energy[target] = -0.05;
  HopParameters p;
  p.barrier = 0.30;
  p.attempt_frequency = 1e13;
  p.temperature = 600;
  p.interaction = 0.04;
  p.field = {1e6, 0, 0};
  const HopModel model(lattice, p, energy);
  const double expected = 1e13 * std::exp(-0.225 / (kB * 600));
  EXPECT_NEAR(model.rate(0, kx, 2, 3), expected, kRateTol * expected);
  EXPECT_NEAR(model.kT(), kB * 600, 1e-15);
  // The same hop against the field, from the other side: E = 0.30 + 0.075 + 0.02 + 0.02.
  const int back = lattice.reverse_direction(lattice.basis_of(0), kx);
  const double expected_back = 1e13 * std::exp(-0.415 / (kB * 600));
  EXPECT_NEAR(model.rate(target, back, 2, 3), expected_back, kRateTol * expected_back);
}

struct Landscape {
  const char* lattice;
  std::array<int, 3> cells;
  bool site_energies;
  double interaction;
  Vec3 field;  // V/cm
};

const Landscape kLandscapes[] = {
    {"sc", {4, 4, 4}, true, 0.05, {4e5, -2e5, 1e5}},
    {"sc", {4, 4, 4}, false, -0.03, {3e5, 0, 0}},
    {"bcc", {3, 3, 3}, true, 0.02, {0, 0, -5e5}},
    {"honeycomb", {4, 4, 1}, true, 0.04, {2e5, 3e5, 0}},
    {"fcc", {3, 3, 3}, false, 0.0, {1e5, 1e5, 1e5}},
};

void PrintTo(const Landscape& l, std::ostream* os) {
  *os << l.lattice << (l.site_energies ? " disordered" : " uniform") << " J=" << l.interaction;
}

class HopModelOn : public ::testing::TestWithParam<Landscape> {
 protected:
  void SetUp() override {
    const Landscape& l = GetParam();
    lattice_.emplace(make_textbook_lattice(l.lattice, 3.5), l.cells);
    if (l.site_energies) energy_ = random_energies(lattice_->num_sites(), 0.08, 3);
    params_.barrier = 0.25;
    params_.attempt_frequency = 2e12;
    params_.temperature = 450;
    params_.interaction = l.interaction;
    params_.field = l.field;
    model_.emplace(*lattice_, params_, energy_);
  }
  double e_site(int64_t s) const { return energy_.empty() ? 0.0 : energy_[s]; }
  // The formula of the SPEC, written out.
  double by_hand(int64_t s, int k, int n_origin, int n_target) const {
    const Vec3 dr = lattice_->hop(s, k).displacement;
    const Vec3 f = params_.field;
    const double work = (f.x * dr.x + f.y * dr.y + f.z * dr.z) * 1e-8;  // V/cm * A -> eV for +1 e
    const double e = params_.barrier + 0.5 * (e_site(lattice_->neighbor(s, k)) - e_site(s)) +
                     0.5 * params_.interaction * (n_target - n_origin) - 0.5 * work;
    return params_.attempt_frequency * std::exp(-e / (kB * params_.temperature));
  }
  std::optional<Lattice> lattice_;
  std::vector<double> energy_;
  HopParameters params_;
  std::optional<HopModel> model_;
};

TEST_P(HopModelOn, RatesMatchTheFormulaForEveryHopAndNeighbourCount) {
  const int z = lattice_->max_coordination();
  double largest = 0;
  for (int64_t s = 0; s < lattice_->num_sites(); ++s)
    for (int k = 0; k < lattice_->coordination(lattice_->basis_of(s)); ++k)
      for (int n_o = 0; n_o <= z; ++n_o)
        for (int n_t = 0; n_t < z; ++n_t) {
          const double expected = by_hand(s, k, n_o, n_t);
          const double got = model_->rate(s, k, n_o, n_t);
          ASSERT_NEAR(got, expected, kRateTol * expected)
              << "site " << s << " k " << k << " n_o " << n_o << " n_t " << n_t;
          largest = std::max(largest, got);
        }
  // max_rate() bounds every rate (rejection solvers rely on it).
  EXPECT_GE(model_->max_rate() * (1 + kRateTol), largest);
}

TEST_P(HopModelOn, BklSiteRatesSumTheHopsToEmptyNeighbours) {
  // The n-fold way's rate of an ion: the sum over empty neighbours, with n_t
  // counting the target's occupied neighbours other than the hopping ion.
  Occupancy occ;
  occ.fraction = 0.45;
  const SystemState state = place_ions(*lattice_, occ, 17, 0);
  const BklSolver solver(*lattice_, *model_, 1);
  auto occupied_around = [&](int64_t s) {
    int n = 0;
    for (int k = 0; k < lattice_->coordination(lattice_->basis_of(s)); ++k)
      n += state.site_ion[lattice_->neighbor(s, k)] >= 0;
    return n;
  };
  int checked = 0;
  for (int64_t s = 0; s < lattice_->num_sites(); ++s) {
    double expected = 0;
    if (state.site_ion[s] >= 0)
      for (int k = 0; k < lattice_->coordination(lattice_->basis_of(s)); ++k) {
        const int32_t t = lattice_->neighbor(s, k);
        if (state.site_ion[t] < 0)
          expected += by_hand(s, k, occupied_around(s), occupied_around(t) - 1);
      }
    checked += expected > 0;
    ASSERT_NEAR(solver.site_rate(state, s), expected, kRateTol * expected) << "site " << s;
  }
  EXPECT_GT(checked, 0);
}

// Total energy of a configuration: site energies, J per occupied neighbour
// pair, and -q F.r of each ion at its unwrapped position.
double total_energy(const Lattice& lattice, const std::vector<double>& energy, double J, Vec3 field,
                    const std::vector<int>& occupied, const std::vector<Vec3>& ion_positions) {
  double e = 0;
  int64_t pairs2 = 0;  // each pair seen from both ends
  for (int64_t s = 0; s < lattice.num_sites(); ++s) {
    if (!occupied[s]) continue;
    if (!energy.empty()) e += energy[s];
    for (int k = 0; k < lattice.coordination(lattice.basis_of(s)); ++k)
      pairs2 += occupied[lattice.neighbor(s, k)];
  }
  e += J * static_cast<double>(pairs2) / 2;
  for (const Vec3& r : ion_positions) e -= (field.x * r.x + field.y * r.y + field.z * r.z) * 1e-8;
  return e;
}

TEST_P(HopModelOn, ForwardAndBackwardRatesObeyDetailedBalance) {
  // rate(s->t) / rate(t->s) = exp(-(H_after - H_before) / kT) for random
  // configurations, H from total_energy() above. Tolerance 1e-10: H is summed
  // over ~100 terms of 0.1 eV, so its differences carry round-off ~1e-15 eV,
  // and the rates are good to kRateTol each.
  std::mt19937_64 rng(11);
  const int64_t n = lattice_->num_sites();
  const double kT = kB * params_.temperature;
  int checked = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::vector<int> occ(n);
    for (auto& o : occ) o = (rng() % 2) ? 1 : 0;
    const int64_t s = static_cast<int64_t>(rng() % n);
    const int k = static_cast<int>(rng() % lattice_->coordination(lattice_->basis_of(s)));
    const int32_t t = lattice_->neighbor(s, k);
    occ[s] = 1;
    occ[t] = 0;
    std::vector<Vec3> before, after;
    for (int64_t i = 0; i < n; ++i)
      if (occ[i]) {
        before.push_back(lattice_->position(i));
        // The hopping ion moves by the hop vector, across the boundary if it must.
        after.push_back(i == s ? lattice_->position(i) + lattice_->hop(s, k).displacement
                               : lattice_->position(i));
      }
    std::vector<int> occ_after = occ;
    occ_after[s] = 0;
    occ_after[t] = 1;
    auto count = [&](const std::vector<int>& o, int64_t site) {
      int c = 0;
      for (int q = 0; q < lattice_->coordination(lattice_->basis_of(site)); ++q)
        c += o[lattice_->neighbor(site, q)];
      return c;
    };
    const double forward = model_->rate(s, k, count(occ, s), count(occ, t) - 1);
    const int back = lattice_->reverse_direction(lattice_->basis_of(s), k);
    ASSERT_EQ(lattice_->neighbor(t, back), s);
    const double backward = model_->rate(t, back, count(occ_after, t), count(occ_after, s) - 1);
    const double dH =
        total_energy(*lattice_, energy_, params_.interaction, params_.field, occ_after, after) -
        total_energy(*lattice_, energy_, params_.interaction, params_.field, occ, before);
    EXPECT_NEAR(std::log(forward / backward), -dH / kT, 1e-10) << "trial " << trial;
    ++checked;
  }
  EXPECT_EQ(checked, 300);
}

INSTANTIATE_TEST_SUITE_P(Landscapes, HopModelOn, ::testing::ValuesIn(kLandscapes),
                         [](const auto& info) {
                           const Landscape& l = info.param;
                           return std::string(l.lattice) +
                                  (l.site_energies ? "_disordered" : "_uniform") + "_" +
                                  std::to_string(info.index);
                         });

TEST(HopEnergyEvaluator, FieldWorkIsVoltsPerCmTimesAngstrom) {
  // 1 V/cm over 1 A = 1e-8 V, so +1 e gains 1e-8 eV.
  EXPECT_DOUBLE_EQ(HopEnergyEvaluator::field_work(1, 0, 0, 1, 0, 0), 1e-8);
  EXPECT_DOUBLE_EQ(HopEnergyEvaluator::field_work(1e5, 2e5, -1e5, 2, 1, 3), 1e-3);
  // Each term of the activation energy enters with half weight, the barrier whole.
  EXPECT_DOUBLE_EQ(HopEnergyEvaluator::activation(0.3, 0.1, 0.5, 0.02, 1, 4, 0.06),
                   0.3 + 0.2 + 0.03 - 0.03);
}

}  // namespace
