#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace coatkmc::macro {

// Where a transport number comes from: a kMC run the model asks for inline
// (a coatkmc configuration plus overrides, optionally at several
// temperatures for an Arrhenius fit), a finished run's result.json, or a
// collected sweep's sweep.json.
struct KmcSourceSpec {
  std::string name, where;
  std::string config;                  // absolute path of a coatkmc configuration, or ""
  std::vector<std::string> overrides;  // "KEY=VALUE" as for --set
  std::vector<double> temperatures;    // K; empty: the configuration's own temperature
  std::string result;                  // result.json path, or ""
  std::string sweep;                   // sweep.json path, or ""
  nlohmann::json select = nlohmann::json::object();  // sweep points: varied key -> value
  // Which component of the transport tensor the model takes: "z", the film
  // normal (default), "x", "y", or "mean" (the isotropic average).
  std::string component = "z";
};

// A value that is either a number or "kmc:NAME" (the conductivity of that source).
struct ConductivitySpec {
  double value = 0;  // S/cm when kmc is empty
  std::string kmc;   // source name
  double scale = 1;  // multiplies the kMC value (stated in the config when used)
};

struct PhaseSpec {
  ConductivitySpec conductivity;
  double fraction = 0;
};

struct LayerSpec {
  std::string name, where;
  double thickness_cm = 0;
  ConductivitySpec conductivity;  // or, for a composite, the phases (Bruggeman)
  std::vector<PhaseSpec> phases;
  double electronic_conductivity = 0;
  double epsilon_r = 0;  // 0: no capacitance given (a bare resistor in the spectrum)
  double cpe_alpha = 1;
  double coverage = 1;
  double patch_fraction = 0;  // > 0: patches on this fraction of the surface, bypassable
};

// An explicit area-specific resistance, each reported on its own.
struct InterphaseSpec {
  std::string name, where;
  double asr = 0;                          // Ohm cm^2
  std::string basis = "particle surface";  // or "electrode area"
  double capacitance = 1e-6;               // F/cm^2, for its arc in the spectrum
  double cpe_alpha = 1;
};

// A Co-doped mixed-conducting zone grown by annealing a cathode film on a
// solid electrolyte (seeds/000): a finite-film diffusion profile, and the
// transmission line that lets charge transfer spread into it.
struct MixedZoneSpec {
  bool enabled = false;
  std::string where;
  double source_thickness_cm = 0;        // the cathode film (Co source)
  double diffusion_prefactor = 0;        // cm^2/s, D_Co = D0 exp(-Ea / kT)
  double diffusion_activation = 0;       // eV
  std::string diffusion_kmc;             // alternatively a kMC source's Arrhenius fit (D_tracer)
  std::string profile_csv;               // or profiles from a file (depth_nm, one column per case)
  double profile_scale = 1;              // the film's dopant concentration in the file's units
  ConductivitySpec host_ionic;           // electrolyte ionic conductivity, S/cm
  double ionic_at_saturation_ratio = 1;  // sigma_ion(doped) / sigma_ion(host)
  double electronic_host = 1e-9;         // S/cm at zero doping
  double electronic_doped = 1e-6;        // S/cm at and above the saturation doping
  double saturation_fraction = 0.1;      // Co fraction (of the film's) at which doping saturates
  double transfer_conductance = 0;       // S/cm^3 at saturation (volumetric charge transfer)
  double planar_charge_transfer = 0;     // Ohm cm^2 of the sharp interface
  double planar_capacitance = 1e-6;      // F/cm^2
  double depth_cm = 0;                   // depth resolved (0: 8 diffusion lengths, >= 50 nm)
  int cells = 400;
};

struct CaseSpec {
  std::string name, where;
  std::vector<LayerSpec> layers;
  std::vector<InterphaseSpec> interphases;
  double exchange_current = -1;   // A/cm^2 of particle surface; < 0: the cathode's
  double anneal_temperature = 0;  // K (mixed zone); 0: as deposited
  double anneal_time = 0;         // s
  std::string profile_column;     // the column of [mixed_zone] profile_csv for this case
  nlohmann::json paper;           // the paper's numbers for this case, copied to the summary
};

struct CathodeSpec {
  bool enabled = false;
  std::string ocv = "NMC532", ocv_file, where;
  double table_capacity = 0;  // mAh/g for ocv_file (built-ins carry theirs)
  double radius_cm = 2e-4;
  double diffusivity = 1e-10;      // cm^2/s
  double density = 4.7;            // g/cm^3
  double one_c = 160;              // mAh/g
  double loading = 0;              // g/cm^2
  double exchange_current = 1e-3;  // A/cm^2 of particle surface
  double alpha = 0.5;
  double double_layer = 1e-5;  // F/cm^2 of particle surface
  double contact_spread = 0;   // standard deviation of ln(surface resistance) across particles
  int particle_classes = 16;   // equal-mass classes for that spread
};

struct CellSpec {
  double anode_potential = 0;  // V vs Li/Li+
  double v_min = 3.0, v_max = 4.3;
  bool charge_first = true;
  double separator_asr = 0;  // Ohm cm^2 of electrode area
  double anode_asr = 0;      // Ohm cm^2 of electrode area
};

// G multiplies the coating layers' L/sigma in the rate model: the current
// crosses the coating through a fraction 1/G of the particle surface (point
// contacts with a solid electrolyte). G = 1 is a uniform coating.
struct CoatingTransportSpec {
  double constriction_factor = 1;
};

// One scalar parameter fitted so that one case's capacity at one rate
// matches a measured value (bisection in log space; capacity falls
// monotonically as the parameter grows).
struct FitSpec {
  bool enabled = false;
  std::string where;
  std::string parameter;  // "coating_transport.constriction_factor" or
                          // "mixed_zone.transfer_conductance"
  std::string case_name;
  double c_rate = 1;  // for a capacity target
  double target = 0;  // mAh/g (capacity) or Ohm cm^2 (zone ASR)
  double lo = 1, hi = 1e8;
  // Optionally a second parameter, the particles' contact spread, fitted in
  // an outer loop to the same case's capacity at a second rate.
  bool spread = false;
  double spread_c_rate = 0.1, spread_target = 0, spread_lo = 0, spread_hi = 3;
};

struct ExpectSpec {
  std::string where, quantity;     // "capacity" or "asr"
  double c_rate = 1;               // for capacities
  std::vector<std::string> order;  // from highest to lowest
};

struct ImpedanceSpec {
  double f_min = 1e-3, f_max = 1e7;
  int per_decade = 10;
};

struct PlatingAlloySpec {
  std::string name;
  double d_min = 0, d_max = 0;  // cm^2/s
  double li_concentration = 0;  // mol/cm^3
  std::string note;
};

struct PlatingSpec {
  bool enabled = false;
  std::vector<double> thicknesses_cm;
  double nucleation_overpotential = 0.03;  // V
  double current_density = 1.0;            // mA/cm^2 at which onset times are reported
  std::vector<PlatingAlloySpec> alloys;
};

struct MacroConfig {
  std::string path, directory, title, reference;
  double temperature = 298.15;
  std::vector<double> rates{0.1, 1.0};
  int shells = 30, steps = 2000;
  std::vector<KmcSourceSpec> kmc;
  CathodeSpec cathode;
  CellSpec cell;
  CoatingTransportSpec coating_transport;
  MixedZoneSpec mixed_zone;
  std::vector<InterphaseSpec> interphases;  // shared by every case
  std::vector<CaseSpec> cases;
  FitSpec fit;
  std::vector<ExpectSpec> expects;
  ImpedanceSpec impedance;
  PlatingSpec plating;
  nlohmann::json paper;  // study-wide numbers from the paper
};

// Reads and validates a macro model file; InputError at FILE:LINE: key.
MacroConfig load_macro_config(const std::string& path);

// Whether a TOML file is a macro model (has a [macro] table) rather than a run configuration.
bool is_macro_config(const std::string& path);

// "0.1C", "1C", "2C": the key a C-rate has in summary.json.
std::string rate_key(double c_rate);

}  // namespace coatkmc::macro
