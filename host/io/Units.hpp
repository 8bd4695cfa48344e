#pragma once
#include <nlohmann/json.hpp>
#include <string>

namespace coatkmc {

// The unit of an output field from its name: a table of the names the outputs
// use without a unit in them (D_tracer: cm^2/s), then the unit a name ends in
// (D_kmc_cm2_s, thickness_nm, asr_ohm_cm2). "1" is a pure number, "count" a
// whole number of things. "" when the name says nothing.
std::string unit_of_field(const std::string& name);

// The `units` object of a JSON output (result.json, sweep.json, summary.json):
// for every numeric field outside the `config` echo (whose keys are
// documented in docs/configuration.md), its name -> its unit. A field whose
// own name has no unit takes that of "parent.name", else of the nearest
// enclosing key that has one (capacity_mAh_g: {"0.1C": 134.7} is in mAh/g);
// the object then holds the key the unit was found under. Numbers in arrays
// count as fields of the array's key. Fields with no unit found are left
// out (tests/python/test_outputs.py checks that none is, on every output the
// shipped configurations write).
nlohmann::json units_object(const nlohmann::json& document);

}  // namespace coatkmc
