#pragma once
// The hop-energy evaluator: the one place the activation energy of a hop is
// written. Every solver and backend calls it (directly or through tables the
// host precomputes from it), so CPU and GPU agree on the physics.
#include <cstdint>

#include "kernels/HostDevice.hpp"
#include "kernels/PhysicalConstants.hpp"  // kBoltzmannEv

namespace coatkmc {

struct HopEnergyEvaluator {
  // Activation energy (eV) of a hop from `origin` to an empty `target`:
  //   E = E_b + 1/2 (E_site(target) - E_site(origin))
  //           + 1/2 J (n_target - n_origin)      nearest-neighbour ion-ion term
  //           - 1/2 q F.dr                       field term
  // n_origin counts occupied neighbours of the origin, n_target those of the
  // target without the hopping ion itself. Each term is half the change of the
  // total energy, so forward and backward rates obey detailed balance exactly;
  // the barrier is not clipped at zero for the same reason.
  KMC_HD static double activation(double bare_barrier, double e_origin, double e_target,
                                  double interaction, int n_origin, int n_target,
                                  double field_work_ev) {
    return bare_barrier + 0.5 * (e_target - e_origin) +
           0.5 * interaction * static_cast<double>(n_target - n_origin) - 0.5 * field_work_ev;
  }

  // Environment term (eV) of a hop (kmc/model/EnvironmentTables.hpp): the
  // weighted counts of the hop's local terms, summed from 0.0 in term order.
  // One term of weight J/2 counting dn is bitwise the interaction term of
  // activation() above, (0.5 * J) * double(dn): the nearest-neighbour model is
  // the special case of one pair cluster.
  KMC_HD static double environment(const double* weight_ev, const int32_t* count, int32_t terms) {
    double e = 0.0;
    for (int32_t l = 0; l < terms; ++l) e += weight_ev[l] * static_cast<double>(count[l]);
    return e;
  }

  // Work q F.dr in eV done by a field F (V/cm) on a charge +1 e moving dr (Å).
  KMC_HD static double field_work(double fx, double fy, double fz, double dx, double dy,
                                  double dz) {
    return (fx * dx + fy * dy + fz * dz) * 1e-8;
  }
};

}  // namespace coatkmc
