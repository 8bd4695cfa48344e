#include "host/io/Provenance.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>

#include "host/io/BuildInfo.hpp"
#include "kmc/core/Sha256.hpp"

namespace coatkmc {

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

namespace {
std::string hostname() {
  char buf[256] = {0};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

nlohmann::json env(const char* name) {
  const char* v = std::getenv(name);
  return v && *v ? nlohmann::json(v) : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json make_provenance(const LoadedConfig& config, const std::string& device,
                               const RunProvenance& run) {
  const BuildInfo& b = build_info();
  nlohmann::json p;
  p["version"] = b.version;
  p["git_sha"] = b.git_sha;
  p["compiler"] = b.compiler;
  p["build_type"] = b.build_type;
  p["build_flags"] = b.flags;
  p["cuda"] = b.cuda;
  p["cuda_version"] = b.cuda_version;
  p["device"] = device;
  p["host"] = hostname();
  p["started_utc"] = run.started_utc.empty() ? nlohmann::json(nullptr) : nlohmann::json(run.started_utc);
  p["finished_utc"] = now_utc();
  p["config_file"] = config.path;
  p["config_sha256"] = sha256_hex(config.resolved_toml);
  p["config_text"] = config.resolved_toml;
  p["seed"] = config.settings.seed;
  p["replicas"] = config.settings.replicas;
  // Slurm sets these in every job (array ids only in job arrays); Open MPI and PMI in ranks.
  p["slurm"] = {{"job_id", env("SLURM_JOB_ID")},
                {"array_job_id", env("SLURM_ARRAY_JOB_ID")},
                {"array_task_id", env("SLURM_ARRAY_TASK_ID")},
                {"cluster", env("SLURM_CLUSTER_NAME")},
                {"node", env("SLURMD_NODENAME")}};
  nlohmann::json rank = env("OMPI_COMM_WORLD_RANK");
  if (rank.is_null()) rank = env("PMI_RANK");
  p["mpi_rank"] = rank;
  for (auto it = run.tags.begin(); it != run.tags.end(); ++it) p[it.key()] = it.value();
  return p;
}

}  // namespace coatkmc
