#pragma once
// What an anneal study writes (`coatkmc anneal`, docs/interdiffusion.md): the
// CSV tables and summary.json, as text and JSON; the command writes them.
#include <nlohmann/json.hpp>
#include <string>

#include "host/continuum/AnnealStudy.hpp"

namespace coatkmc {

// profiles.csv: depth and one column per anneal temperature.
std::string anneal_profiles_csv(const AnnealStudyResult& result);
// profiles_time.csv: the profiles against time (segment ends, profile_times_s).
std::string anneal_profiles_time_csv(const AnnealStudyResult& result);
// microstructure.csv: the evolving layers' state at the end of every step; "" when none evolves.
std::string anneal_microstructure_csv(const AnnealStudyResult& result);
// kmc_D.csv: the kMC-tabulated D(T); "" without an [anneal.kmc] table.
std::string anneal_kmc_csv(const AnnealStudyResult& result);
// summary.json before the plots are made (plots and plots_note are added by the command).
nlohmann::json anneal_summary_json(const AnnealStudySettings& settings,
                                   const AnnealStudyResult& result, const std::string& config_path,
                                   double wall_s);

}  // namespace coatkmc
