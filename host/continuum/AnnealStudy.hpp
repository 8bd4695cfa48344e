#pragma once
#include <optional>
#include <string>
#include <vector>

#include "host/continuum/KmcDiffusivityTable.hpp"
#include "host/continuum/MultilayerDiffusion.hpp"

namespace coatkmc {

// An anneal study: a multilayer stack, one species diffusing out of a film,
// annealed at several temperatures (config: the [anneal] table,
// docs/interdiffusion.md).
struct AnnealLayerSpec {
  std::string name;
  double thickness_nm = 0, cell_nm = 1, initial = 0, partition = 1;
  bool D_from_kmc = false;
  double D0_cm2_s = 0, Ea_eV = 0;
  // [anneal.layer.microstructure]: the layer crystallizes and coarsens during
  // the anneal; D above is then its grain interior's.
  std::optional<FilmMicrostructureSettings> microstructure;
};

// One piece of an [[anneal.segment]] programme: a hold at the current
// temperature, or a move to a temperature (to_case: the case's hold
// temperature, written "T") at a rate or over a duration (0: a jump).
struct AnnealProgramStep {
  bool is_hold = false;
  double hold_s = 0;
  bool to_case = false;
  double to_C = 0;
  double rate_C_per_min = 0;  // > 0, or duration_s is used
  double duration_s = 0;
};

struct AnnealStudySettings {
  std::string name, species, species_name;  // species_name: "cobalt" -> cobalt_remaining_fraction
  std::vector<double> temperatures_C;
  double hold_s = 0, ramp_C_per_min = 0, room_C = 25, detection_limit = 0.01;
  std::string film;  // the source layer (default: the first)
  int steps_per_segment = 300;
  std::optional<double> reference_D_cm2_s;
  std::optional<KmcDiffusivitySettings> kmc;
  std::vector<AnnealLayerSpec> layers;
  // [[anneal.segment]]: the furnace programme from room_C, instead of
  // ramp_C_per_min and hold_s (then hold_s is the time held at "T").
  std::vector<AnnealProgramStep> program;
  // Extra times (s from the start of the schedule) at which the profile is
  // recorded, besides the end of every segment; they split segments.
  std::vector<double> profile_times_s;
};

// The schedule of one case: the [[anneal.segment]] programme with "T" =
// hold_C, or room -> hold_C at ramp_C_per_min, hold_s, and back.
AnnealSchedule anneal_schedule_for(const AnnealStudySettings& s, double hold_C);

struct AnnealCase {
  double temperature_C = 0, time_s = 0, schedule_s = 0;
  double D_model_cm2_s = 0;                      // the source layer's D at the hold temperature
  double D_fit = 0, D_fit_err = 0, fit_rms = 0;  // finite-film fit of the final profile
  double fit_sqrt_Dt_nm = 0;
  bool D_resolved = false;  // the fitted sqrt(Dt) spans at least one cell of the grid
  double penetration_depth_nm = 0;
  double film_remaining_fraction = 0;
  double mass_balance_rel_error = 0;
  int steps = 0;
  std::vector<double> depth_nm, c;
  // The profile against time: at the end of every schedule segment (and at
  // anneal.profile_times_s), the last one being the final profile.
  struct Snapshot {
    double time_s = 0, temperature_C = 0;
    double film_remaining_fraction = 0, penetration_depth_nm = 0;
    std::vector<double> c;
  };
  std::vector<Snapshot> snapshots;
  // One entry per layer with a microstructure: its state at the end of the
  // schedule and its D at the hold temperature before and after.
  struct EvolvingLayer {
    std::string layer;
    double crystallized_fraction = 0, grain_size_nm = 0, boundary_fraction = 0;
    double D_initial_cm2_s = 0, D_final_cm2_s = 0;
    std::vector<MicrostructurePoint> history;
  };
  std::vector<EvolvingLayer> microstructure;
};

struct AnnealStudyResult {
  std::optional<KmcDiffusivityTable> kmc;
  std::vector<AnnealCase> cases;
  double film_thickness_nm = 0, film_bottom_nm = 0;
};

// Reads and validates a config with an [anneal] table (InputError naming
// FILE:LINE and the key); overrides are "KEY=VALUE" with TOML values.
AnnealStudySettings load_anneal_config(const std::string& path,
                                       const std::vector<std::string>& overrides);

// True when the file parses as TOML and has an [anneal] table.
bool is_anneal_config(const std::string& path);

AnnealStudyResult run_anneal_study(const AnnealStudySettings& settings);

}  // namespace coatkmc
