// Fuzz target: the readers of run results: `coatkmc collect` over a single
// run's folder and over a sweep folder (tasks.csv, each task's result.json or
// task.json), and the result.json / sweep.json readers of `coatkmc macro`.
// Input parts (NUL-separated): result.json, tasks.csv, task.json. The only
// failure allowed is InputError.
#include "FuzzSupport.hpp"
#include "host/macro/KmcSources.hpp"
#include "host/sweep/SweepCollect.hpp"
#include "host/sweep/TaskTable.hpp"

using namespace coatkmc_fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static ScratchFolder folder;
  std::vector<std::string> parts = split_parts(data, size);
  parts.resize(3);
  const std::string& result = parts[0];
  const std::string& tasks = parts[1];
  const std::string& task = parts[2];

  const std::string dir = folder.fresh();
  folder.put("run/result.json", result);
  accepts("collect_sweep", [&] { coatkmc::collect_sweep(dir + "/run"); });
  accepts("read_result_json", [&] { coatkmc::macro::read_result_json(dir + "/run/result.json"); });
  accepts("read_sweep_json", [&] { coatkmc::macro::read_sweep_json(dir + "/run/result.json", {}); });

  // A sweep: the first two task folders of the table get the result and the task status.
  folder.put("sweep/tasks.csv", tasks);
  coatkmc::TaskTable table;
  if (!accepts("read_task_table", [&] { table = coatkmc::read_task_table(dir + "/sweep/tasks.csv"); }))
    return 0;
  for (size_t t = 0; t < table.tasks.size() && t < 2; ++t)
    folder.put("sweep/" + table.tasks[t].dir + (t == 0 ? "/result.json" : "/task.json"),
               t == 0 ? result : task);
  accepts("collect_sweep", [&] { coatkmc::collect_sweep(dir + "/sweep"); });
  return 0;
}
