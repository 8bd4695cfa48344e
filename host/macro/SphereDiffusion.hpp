#pragma once
#include <Eigen/Sparse>
#include <vector>

namespace coatkmc::macro {

// Fickian diffusion in a sphere, dx/dt = D (1/r^2) d/dr (r^2 dx/dr), with a
// prescribed flux through the surface, D dx/dr (R) = J (J > 0 fills the
// sphere; x and J in the same concentration unit, J per cm^2 and s).
// Finite volumes on N shells of equal thickness (exactly conservative: the
// content changes by exactly the surface flux times area times dt), implicit
// in time: BDF2, started (and restarted whenever J or dt changes) by one
// backward-Euler step, so it is second order in dt and dr and stable for any dt.
class SphereDiffusion {
 public:
  SphereDiffusion(double radius_cm, double diffusivity_cm2_s, int shells, double initial_value);

  // Advances by dt (s) with surface flux J held constant over the step.
  void step(double dt, double surface_flux);

  // For a flux not known before the step (particles in parallel share a
  // voltage, not a current): one backward-Euler step is linear in J, so its
  // surface value is base + slope J. euler_response() prepares the step from
  // the current state; euler_commit(J) then takes it without another solve.
  struct Response {
    double base = 0, slope = 0;
  };
  Response euler_response(double dt);
  void euler_commit(double surface_flux);

  // The surface value, extrapolated from the outer shell with the imposed gradient.
  double surface_value() const;
  // The volume average (the content divided by the sphere's volume).
  double mean() const;
  const Eigen::VectorXd& values() const { return x_; }
  std::vector<double> shell_centres() const;
  double radius() const { return radius_; }
  double diffusivity() const { return diffusivity_; }
  double last_flux() const { return flux_; }

 private:
  void factorize(double dt);

  double radius_, diffusivity_, dr_;
  int n_;
  Eigen::VectorXd volume_;                 // shell volumes, cm^3
  Eigen::SparseMatrix<double> stiffness_;  // K: (K x)_i = -sum of outward diffusive flows
  Eigen::VectorXd x_, x_previous_;
  bool have_previous_ = false;
  double flux_ = 0, dt_ = 0;
  Eigen::SimplicialLDLT<Eigen::SparseMatrix<double>> euler_, bdf2_;
  Eigen::VectorXd unit_response_;  // backward-Euler state change per unit flux (for dt_)
  Eigen::VectorXd pending_base_;   // the zero-flux backward-Euler step, from euler_response()
};

}  // namespace coatkmc::macro
