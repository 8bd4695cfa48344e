#pragma once
// The pieces of a macro study (host/macro/MacroStudy.cpp): each case's model
// (layer conductivities from kMC numbers or inputs, the mixed-conducting zone,
// the stack), the particle cell and cycling protocol, the one-parameter fit
// and the case's impedance spectrum. Internal to host/macro.
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "host/macro/ImpedanceSpectrum.hpp"
#include "host/macro/MacroConfig.hpp"
#include "host/macro/MacroStudy.hpp"
#include "host/macro/MixedConductingZone.hpp"
#include "host/macro/SingleParticleModel.hpp"
#include "host/macro/StackResistance.hpp"

namespace coatkmc::macro::study {

using json = nlohmann::json;

struct Sigma {
  double value = 0, rel_err = 0;
  std::string origin;
};

struct ZoneResult {
  bool present = false;
  double asr = NAN;                     // interface ASR (sharp interface and zone), Ohm cm^2
  double asr_undoped_electronic = NAN;  // the same zone with the host's electronic conductivity
  double diffusivity = 0, diffusion_length = 0, film_left = 1, planar_share = 1, depth = 0;
  bool film_consumed = false;
  DopantProfile profile;
};

struct CaseModel {
  const CaseSpec* spec = nullptr;
  std::vector<StackLayer> layers;
  std::vector<Sigma> sigmas;
  std::vector<InterphaseSpec> interphases;
  double coating_sum = 0;  // the layers in series (series_resistance), Ohm cm^2 of particle surface
  std::vector<double> increments;  // each layer's share of coating_sum
  double exchange_current = 0;
  ZoneResult zone;
};

struct FitResult {
  double value = NAN, achieved = NAN;
  std::string status;
  int evaluations = 0;
};

std::string fmt(const char* f, double v);
json num(double v);
Sigma conductivity(const ConductivitySpec& c, const KmcValues& kmc, double t,
                   const std::string& where);
Sigma layer_conductivity(const LayerSpec& l, const KmcValues& kmc, double t);
void read_profile_column(const std::string& path, const std::string& column,
                         std::vector<double>* depth_cm, std::vector<double>* values);
ZoneResult evaluate_zone(const MacroConfig& m, const CaseSpec& c, const KmcValues& kmc,
                         double transfer_conductance);
CaseModel build_case(const MacroConfig& m, const CaseSpec& c, const KmcValues& kmc,
                     double transfer_conductance);
double interphase_sum(const CaseModel& cm, const std::string& basis);
SpmCell make_cell(const MacroConfig& m, const CaseModel& cm, double constriction, double spread);
CycleProtocol make_protocol(const MacroConfig& m, double c_rate);
FitResult solve_monotone(const std::function<double(double)>& value, double target, double lo,
                         double hi, bool log_scale = true, double tolerance = 1e-6);
FitResult bisect(const std::function<double(double)>& value, double target, double lo, double hi);
ImpedanceSpectrum case_spectrum(const MacroConfig& m, const CaseModel& cm, const SpmCell* cell,
                                double constriction);

}  // namespace coatkmc::macro::study
