#include "kmc/solvers/WalkerBatch.hpp"

#include <algorithm>

#include "kernels/WalkerEngine.hpp"
#include "kernels/WalkerStep.hpp"
#include "kmc/core/Error.hpp"
#include "kmc/solvers/EngineWindows.hpp"

namespace coatkmc {

// The engine of the batch's backend (kernels/WalkerEngine.hpp), made at the first round.
struct WalkerBatch::Device {
  std::unique_ptr<WalkerEngine> engine;
};

WalkerBatch::WalkerBatch(const Lattice& lattice, BackendKind backend, int threads)
    : lattice_(lattice),
      backend_(backend),
      threads_(std::max(1, threads)),
      hops_(make_hop_steps(lattice)),
      device_(std::make_unique<Device>()) {
  if (backend_ == BackendKind::Cuda && !backend_info().cuda_compiled)
    throw CannotProceed("walkers: this build has no CUDA support");
}

WalkerBatch::~WalkerBatch() = default;

int WalkerBatch::add_group(const HopModel& model, uint64_t seed, SystemState& state) {
  if (started_) throw std::logic_error("WalkerBatch: groups are added before the first round");
  if (model.has_interaction())
    throw CannotProceed("walkers do not see each other, so they take no hop.interaction");
  Group g;
  g.model = &model;
  g.state = &state;
  g.seed = seed;
  g.first = walkers_;
  g.count = state.num_ions();
  g.per_site = !model.uniform_landscape();
  const int z = lattice_.max_coordination();
  const int64_t rows = g.per_site ? lattice_.num_sites() : lattice_.basis_size();
  g.cumulative.assign(rows * z, 0.0);
  for (int64_t r = 0; r < rows; ++r) {
    // Site r stands for its basis site when the landscape is uniform (site b of cell 0).
    const int coordination = lattice_.coordination(lattice_.basis_of(r));
    double sum = 0.0;
    for (int k = 0; k < z; ++k) {
      if (k < coordination) sum += model.static_rate(r, k);
      g.cumulative[r * z + k] = sum;
    }
  }
  hops_.begin_travel(state);
  walkers_ += g.count;
  if (walkers_ > INT32_MAX) throw CannotProceed("walkers: more than 2^31 walkers in one batch");
  groups_.push_back(std::move(g));
  return static_cast<int>(groups_.size()) - 1;
}

void WalkerBatch::start() {
  started_ = true;
  site_.assign(walkers_, 0);
  cells_.assign(3 * walkers_, 0);
  // The kernels count cells on from each walker's travel record (cells since placement).
  for (const Group& g : groups_) {
    const SystemState& st = *g.state;
    std::copy(st.ion_site.begin(), st.ion_site.end(), site_.begin() + g.first);
    for (int64_t w = 0; w < g.count; ++w)
      for (int a = 0; a < 3; ++a) cells_[a * walkers_ + g.first + w] = st.travel_cells[3 * w + a];
  }
  if (hops_.length_sq.size() * groups_.size() > 8192)
    throw CannotProceed("walkers: too many groups times hop lengths in one batch");
  WalkerSetup setup;
  setup.lattice = hops_.view(lattice_);
  setup.walkers = walkers_;
  for (const Group& g : groups_)
    setup.tables.push_back({g.cumulative.data(), static_cast<int64_t>(g.cumulative.size())});
  setup.length_class = hops_.length_class;
  setup.lengths = static_cast<int32_t>(hops_.length_sq.size());
  setup.threads = threads_;
  setup.replay_shuffle = replay_shuffle_;
  switch (backend_) {
    case BackendKind::Cuda: device_->engine = cuda::make_walker_engine(setup); break;
    case BackendKind::Replay: device_->engine = replay::make_walker_engine(setup); break;
    default: device_->engine = cpu::make_walker_engine(setup); break;
  }
  device_->engine->upload(site_.data(), cells_.data());
}

IonWindows& WalkerBatch::bind_windows(int group, const ObservableLayout& layout) {
  if (!started_) start();
  const Group& g = groups_.at(group);
  return device_->engine->bind_windows(
      EngineWindows::setup(*g.state, layout, hops_, lattice_, g.first));
}

double WalkerBatch::total_rate(int group) const {
  const Group& g = groups_.at(group);
  if (stale_) {
    WalkerGroup w;
    w.per_site = g.per_site;
    w.first_walker = static_cast<int32_t>(g.first);
    w.walkers = static_cast<int32_t>(g.count);
    return device_->engine->escape_rate_sum(w, group);
  }
  const int z = lattice_.max_coordination();
  double sum = 0.0;
  for (int32_t site : g.state->ion_site) {
    const int64_t row = g.per_site ? site : lattice_.basis_of(site);
    sum += g.cumulative[row * z + z - 1];
  }
  return sum;
}

void WalkerBatch::sync_states() {
  if (!stale_) return;
  device_->engine->download(site_.data(), cells_.data());
  for (Group& g : groups_) sync(g);
  stale_ = false;
}

void WalkerBatch::sync(Group& g) {
  SystemState& st = *g.state;
  for (int64_t w = 0; w < g.count; ++w) {
    const int64_t i = g.first + w;
    for (int a = 0; a < 3; ++a) st.travel_cells[3 * w + a] = cells_[a * walkers_ + i];
    st.ion_site[w] = site_[i];
    hops_.set_displacement(st, lattice_, static_cast<int32_t>(w), site_[i]);
  }
}

void WalkerBatch::advance_to(const std::vector<double>& times) {
  if (times.size() != groups_.size()) throw std::logic_error("WalkerBatch: one time per group");
  if (!started_) start();
  const int lengths = static_cast<int>(hops_.length_sq.size());
  std::vector<WalkerGroup> launch(groups_.size());
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    const Group& g = groups_[gi];
    if (g.state->rng_step >= (uint64_t(1) << (64 - WalkerStep::kDrawBits)))
      throw CannotProceed("walkers: round counter exhausted");
    WalkerGroup& w = launch[gi];
    w.cumulative = g.cumulative.data();
    w.per_site = g.per_site;
    w.replica = g.state->replica;
    w.seed = g.seed;
    w.round = g.state->rng_step;
    w.t_begin = g.state->time;
    w.t_end = std::max(times[gi], g.state->time);
    w.first_walker = static_cast<int32_t>(g.first);
    w.walkers = static_cast<int32_t>(g.count);
  }
  std::vector<uint64_t> counts(groups_.size() * lengths, 0);
  device_->engine->run(launch.data(), static_cast<int32_t>(launch.size()), counts.data());
  if (!resident_) device_->engine->download(site_.data(), cells_.data());
  for (size_t gi = 0; gi < groups_.size(); ++gi) {
    Group& g = groups_[gi];
    SystemState& st = *g.state;
    uint64_t hops = 0;
    for (int l = 0; l < lengths; ++l) {
      const uint64_t c = counts[gi * lengths + l];
      hops += c;
      st.hops_by_length[l] += c;
    }
    st.sum_hop_length_sq = hops_.sum_length_sq(st.hops_by_length);
    st.hops += hops;
    st.attempts += hops;  // rejection-free: every step is a hop
    st.time = launch[gi].t_end;
    ++st.rng_step;
    if (!resident_) sync(g);
  }
  stale_ = resident_;
}

}  // namespace coatkmc

namespace coatkmc {

uint64_t WalkerBatch::advance_rounds(const std::vector<double>& ends) {
  if (groups_.size() != 1) throw std::logic_error("WalkerBatch: advance_rounds takes one group");
  if (ends.empty() || static_cast<int32_t>(ends.size()) > WalkerEngine::kMaxRounds)
    throw std::logic_error("WalkerBatch: 1 to kMaxRounds round ends");
  if (!started_) start();
  Group& g = groups_[0];
  SystemState& st = *g.state;
  if (st.rng_step + ends.size() >= (uint64_t(1) << (64 - WalkerStep::kDrawBits)))
    throw CannotProceed("walkers: round counter exhausted");
  WalkerGroup w;
  w.cumulative = g.cumulative.data();
  w.per_site = g.per_site;
  w.replica = st.replica;
  w.seed = g.seed;
  w.round = st.rng_step;
  w.t_begin = st.time;
  w.t_end = ends.back();
  w.first_walker = static_cast<int32_t>(g.first);
  w.walkers = static_cast<int32_t>(g.count);
  std::vector<double> clamped(ends);
  double previous = st.time;
  for (double& e : clamped) e = previous = std::max(e, previous);  // as advance_to: never back
  const int lengths = static_cast<int>(hops_.length_sq.size());
  std::vector<uint64_t> counts(lengths, 0);
  device_->engine->run_rounds(w, clamped.data(), static_cast<int32_t>(clamped.size()),
                              counts.data());
  if (!resident_) device_->engine->download(site_.data(), cells_.data());
  uint64_t hops = 0;
  for (int l = 0; l < lengths; ++l) {
    hops += counts[l];
    st.hops_by_length[l] += counts[l];
  }
  st.sum_hop_length_sq = hops_.sum_length_sq(st.hops_by_length);
  st.hops += hops;
  st.attempts += hops;
  st.time = clamped.back();
  st.rng_step += clamped.size();
  if (resident_)
    stale_ = true;
  else
    sync(g);
  return hops;
}

}  // namespace coatkmc
