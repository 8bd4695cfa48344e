#pragma once
#include <optional>
#include <string>
#include <vector>

#include "host/continuum/AnnealSchedule.hpp"
#include "host/continuum/FilmMicrostructure.hpp"
#include "host/continuum/LayerDiffusivity.hpp"

namespace coatkmc {

// One layer of a 1D stack, the depth axis x running from the top surface
// (x = 0) into the substrate.
struct DiffusionLayer {
  std::string name;
  double thickness_cm = 0;
  int cells = 1;       // uniform cells inside the layer
  double initial = 0;  // initial concentration (site fraction)
  LayerDiffusivity D = LayerDiffusivity::arrhenius(1e-12, 0);
  // Equilibrium ratio c(next layer) / c(this layer) at the interface below it
  // (segregation / solubility); 1 means continuous concentration.
  double partition_to_next = 1.0;
  // A microstructure that evolves during the anneal (crystallization, grain
  // growth); D above is then the grain interior's and the layer's D follows
  // the microstructure (FilmMicrostructure). Absent: D is the layer's D.
  std::optional<FilmMicrostructureSettings> microstructure;
};

// The state of an evolving layer at the end of a step.
struct MicrostructurePoint {
  double time_s = 0, temperature_K = 0;
  double crystallized_fraction = 0, grain_size_nm = 0, boundary_fraction = 0;
  double D_cm2_s = 0;  // the layer's D at that temperature (c = 0)
};

// Outer boundary: closed (no flux, the stack conserves mass) or held at a
// fixed concentration (a constant source or a perfect sink).
struct DiffusionBoundary {
  bool fixed = false;
  double value = 0;
};

struct DiffusionSettings {
  DiffusionBoundary top, bottom;
  // Steps per schedule segment; they are spaced evenly in log of the reduced
  // time tau = integral of D_ref dt, from first_step_fraction of the
  // segment's tau, so a sharp initial profile is resolved and the steps cover
  // equal amounts of diffusion on a ramp.
  int steps_per_segment = 400;
  double first_step_fraction = 1e-7;
  int picard_iterations = 50;  // for D(c): fixed-point iterations per step at most
  double picard_tolerance = 1e-12;
  bool sparse_lu = false;  // solve each step with Eigen's SparseLU instead of the tridiagonal sweep
};

// Finite-volume solution of dc/dt = d/dx (D(c,T) dc/dx) on a stack of layers,
// implicit in time (variable-step BDF2, first step backward Euler), with the
// flux through each face written once for both cells: the total amount
// sum c_i dx_i changes only through fixed-value boundaries, to round-off.
// Faces between layers carry the partition coefficient: the flux is
//   J = a b (K c_i - c_j) / (a + b K),  a = 2 D_i / dx_i,  b = 2 D_j / dx_j,
// which is continuous flux with c_right = K c_left at the interface.
class MultilayerDiffusion {
 public:
  MultilayerDiffusion(std::vector<DiffusionLayer> layers, DiffusionSettings settings);

  // Advances the current profile through a schedule (times from its start).
  void run(const AnnealSchedule& schedule);
  // Advances by `duration_s` at fixed temperature.
  void hold(double temperature_K, double duration_s);

  const std::vector<double>& concentration() const { return c_; }
  const std::vector<double>& centres_cm() const { return x_; }
  const std::vector<double>& widths_cm() const { return dx_; }
  const std::vector<int>& layer_of_cell() const { return layer_; }
  const std::vector<DiffusionLayer>& layers() const { return layers_; }
  double layer_top_cm(int layer) const;  // depth of the layer's upper face
  double total_amount() const;           // sum c dx (cm)
  double layer_amount(int layer) const;  // sum c dx over the layer's cells
  double elapsed() const { return elapsed_; }
  int steps_taken() const { return steps_; }
  // Layers with a microstructure: its current state (nullptr otherwise) and
  // its state at the end of every step so far.
  const FilmMicrostructure* microstructure(int layer) const;
  const std::vector<MicrostructurePoint>& microstructure_history(int layer) const {
    return history_[layer];
  }

 private:
  void step(double dt, double T, bool bdf2, double omega);
  void assemble_flux_coefficients(const std::vector<double>& c, double T);
  double reference_D(double T) const;
  double layer_D(int layer, double c, double T) const;
  // Advances every evolving layer from t0 to t1 (seconds into segment s).
  // The step then uses the layer's D at its end-of-step microstructure, as
  // BDF2 evaluates the right-hand side at the new time (second order in
  // time; a step-averaged D would be first order with BDF2's coefficients).
  void advance_microstructure(const AnnealSegment& s, double t0, double t1);
  void record_microstructure(double T);  // appends the evolving layers' states at T
  double effective_temperature(const AnnealSegment& s, double tau0, double tau1, double dt) const;

  std::vector<DiffusionLayer> layers_;
  DiffusionSettings settings_;
  std::vector<double> x_, dx_, c_, c_prev_;
  std::vector<int> layer_;
  // Face f between cells f and f+1: J_f = alpha_f c_f - beta_f c_{f+1}.
  std::vector<double> alpha_, beta_;
  double top_coef_ = 0, bottom_coef_ = 0;  // 2D/dx of the boundary cells
  double elapsed_ = 0, last_dt_ = 0, last_dtau_ = 0;
  bool have_prev_ = false;
  int steps_ = 0;
  std::vector<std::optional<FilmMicrostructure>> micro_, micro_initial_;
  std::vector<std::vector<MicrostructurePoint>> history_;
};

}  // namespace coatkmc
