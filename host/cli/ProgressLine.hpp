#pragma once
#include <cstdio>

#include "kmc/simulation/Simulation.hpp"

namespace coatkmc {

// A plain progress line on stderr, first after `delay` seconds and then every
// `every` seconds; whole lines only (no carriage returns) so Slurm logs stay readable.
class ProgressLine {
 public:
  explicit ProgressLine(double delay = 5.0, double every = 10.0) : next_(delay), every_(every) {}
  void operator()(const ProgressInfo& p) {
    if (p.wall < next_) return;
    next_ = p.wall + every_;
    const double eta = p.fraction > 0 ? p.wall * (1 - p.fraction) / p.fraction : 0.0;
    std::fprintf(stderr, "coatkmc: progress %5.1f%%  hops %.3e  elapsed %.0f s  eta %.0f s\n",
                 100.0 * p.fraction, static_cast<double>(p.hops), p.wall, eta);
    std::fflush(stderr);
  }

 private:
  double next_, every_;
};

}  // namespace coatkmc
