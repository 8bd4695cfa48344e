#pragma once
#include <string>
#include <vector>

namespace coatkmc {

// coatkmc clusters CONFIG.toml [--out DIR] [--set KEY=VALUE]...
// Generates the environment model's cluster orbits from the cutoffs of
// CONFIG's [environment] (docs/environment.md, "Generated orbits") and writes
// DIR/clusters.json, DIR/clusters.csv and DIR/coefficients_template.json,
// each atomically. The coefficients file may be left out of CONFIG or not
// exist yet; when it exists it is read and checked as `run` would.
int clusters_command(const std::vector<std::string>& args);

}  // namespace coatkmc
