// coatkmc macro MODEL.toml: the interface model from kMC transport numbers to
// area resistances, impedance spectra, rate capability and Li-plating
// thresholds (docs/macro-model.md).
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <cxxopts.hpp>
#include <filesystem>
#include <iostream>

#include "host/cli/AnnealCommand.hpp"
#include "host/cli/CommandLine.hpp"
#include "host/cli/Commands.hpp"
#include "host/io/AtomicFile.hpp"
#include "host/io/OptionalFiles.hpp"
#include "host/io/BuildInfo.hpp"
#include "host/io/Units.hpp"
#include "host/macro/KmcSources.hpp"
#include "host/macro/MacroConfig.hpp"
#include "host/macro/MacroPlots.hpp"
#include "host/macro/MacroStudy.hpp"
#include "kmc/core/Error.hpp"

namespace coatkmc {

int macro_command(const std::vector<std::string>& in) {
  // An anneal study has its own verb; `macro` still runs one, unchanged and
  // without a notice (its output and errors are what scripts already read).
  if (is_anneal_command_line(in)) return anneal_command(in);
  namespace fs = std::filesystem;
  // --kmc-set values are TOML and may hold commas: take them out first (as run does for --set).
  std::vector<std::string> kmc_set;
  const std::vector<std::string> args =
      take_option_values(in, {{"--kmc-set", &kmc_set}}, "KEY=VALUE");
  cxxopts::Options opts("coatkmc macro",
                        "Interface model: area resistances, impedance, rate capability, "
                        "Li-plating thresholds from kMC transport numbers.");
  opts.custom_help("MODEL.toml [options]");
  opts.positional_help("");
  opts.add_options()("model", "macro model file", cxxopts::value<std::string>())(
      "out", "output folder (summary.json, CSVs, plots)",
      cxxopts::value<std::string>()->default_value("macro-out"))(
      "threads", "threads for the inline kMC runs",
      cxxopts::value<std::string>()->default_value("1"))(
      "kmc-set", "override a key of every inline kMC run: KEY=VALUE (repeatable)",
      cxxopts::value<std::vector<std::string>>())("no-plots", "write CSV and JSON only")(
      "force", "write into a folder that already holds a summary.json")("h,help", "show this help");
  opts.parse_positional({"model"});
  const cxxopts::ParseResult res = parse_command_line(opts, "coatkmc macro", args);
  if (res.count("help")) {
    std::cout << opts.help() << "\n";
    return 0;
  }
  if (!res.count("model")) throw InputError("command line", "macro needs a MODEL.toml");
  if (!res.unmatched().empty())
    throw InputError("command line", "unexpected argument '" + res.unmatched().front() + "'");
  const std::string threads_text = res["threads"].as<std::string>();
  int threads = 0;
  {
    const auto [ptr, ec] =
        std::from_chars(threads_text.data(), threads_text.data() + threads_text.size(), threads);
    if (ec != std::errc() || ptr != threads_text.data() + threads_text.size() || threads < 1 ||
        threads > 4096)
      throw InputError("--threads", "'" + threads_text + "' is not a whole number in [1, 4096]");
  }

  const macro::MacroConfig config = macro::load_macro_config(res["model"].as<std::string>());

  const std::string out = res["out"].as<std::string>();
  if (out.empty()) throw InputError("--out", "the output folder name is empty");
  if (fs::exists(out + "/summary.json") && !res.count("force"))
    throw InputError("--out", out +
                                  " already holds a summary.json; choose another folder, or "
                                  "--force to overwrite it");
  try {
    make_directories(out);
  } catch (const std::runtime_error& e) {
    throw InputError("--out", e.what());
  }
  if (::access(out.c_str(), W_OK | X_OK) != 0)
    throw InputError("--out", "cannot write into " + out + ": " + std::strerror(errno));

  std::cout << "coatkmc macro: " << config.title << "\n";
  macro::KmcRunOptions ko;
  ko.out_dir = out;
  ko.threads = threads;
  ko.extra_overrides = kmc_set;
  const macro::KmcValues kmc = macro::resolve_kmc_sources(config, ko);

  macro::StudyOutput study = macro::evaluate_study(config, kmc);
  study.summary["version"] = build_info().version;
  study.summary["git_sha"] = build_info().git_sha;
  study.summary["kmc_overrides"] = kmc_set;
  study.summary["units"] = units_object(study.summary);
  try {
    for (const auto& [name, text] : study.files) write_file_atomically(out + "/" + name, text);
    write_file_atomically(out + "/summary.json", study.summary.dump(2) + "\n");
  } catch (const std::runtime_error& e) {
    throw CannotProceed(std::string("the model ran but its results could not be saved: ") +
                        e.what());
  }

  // Plots last (optional files): they read what was just written. A plot
  // script that fails (a full disk) costs the plots, not the results.
  OptionalFiles optional;
  macro::PlotOutcome plots;
  if (res.count("no-plots"))
    plots.reason = "--no-plots";
  else
    plots = macro::make_macro_plots(out);
  if (plots.failed) optional.failed(out + "/plots", plots.reason);
  study.summary["plots"] = plots.files;
  if (!plots.made) study.summary["plots_skipped"] = plots.reason;
  // summary.json again, naming the plots: without it the first one stands.
  optional.write(out + "/summary.json (with the plot list)", [&] {
    write_file_atomically(out + "/summary.json", study.summary.dump(2) + "\n");
  });

  for (const auto& line : study.report) std::cout << "  " << line << "\n";
  for (const auto& c : study.summary["cases"]) {
    std::cout << "  " << c["name"].get<std::string>() << ":";
    if (!c["asr_ohm_cm2"].is_null()) {
      char buf[96];
      std::snprintf(buf, sizeof buf, " ASR %.4g Ohm cm^2 (%s)", c["asr_ohm_cm2"].get<double>(),
                    c["asr_basis"].get<std::string>().c_str());
      std::cout << buf;
    } else if (c.contains("zone") && c["zone"]["film_consumed"].get<bool>()) {
      char buf[128];
      std::snprintf(buf, sizeof buf,
                    " the film is consumed (%.1f %% of its dopant left): no interface",
                    100 * c["zone"]["film_fraction_left"].get<double>());
      std::cout << buf;
    }
    if (c.contains("capacity_mAh_g"))
      for (const auto& [k, v] : c["capacity_mAh_g"].items()) {
        char buf[64];
        std::snprintf(buf, sizeof buf, ", %s %.1f mAh/g", k.c_str(), v.get<double>());
        std::cout << buf;
      }
    std::cout << "\n";
  }
  if (study.summary.contains("plating"))
    for (const auto& a : study.summary["plating"]["alloys"]) {
      const auto& rows = a["thresholds"];
      for (const auto* row : {&rows.front(), &rows.back()}) {
        const double lo = (*row)["threshold_mA_cm2_at_D_min"].get<double>();
        const double hi = row->contains("threshold_mA_cm2_at_D_max")
                              ? (*row)["threshold_mA_cm2_at_D_max"].get<double>()
                              : lo;
        char range[64], buf[200];
        if (hi != lo)
          std::snprintf(range, sizeof range, "%.3g - %.3g", lo, hi);
        else
          std::snprintf(range, sizeof range, "%.3g", lo);
        std::snprintf(buf, sizeof buf, "  %s, %g um: Li plates on top above %s mA/cm^2\n",
                      a["name"].get<std::string>().c_str(), (*row)["thickness_um"].get<double>(),
                      range);
        std::cout << buf;
      }
    }
  std::cout << "  results in " << out << "/summary.json\n";
  if (plots.made) {
    std::cout << "  plots:";
    for (const auto& f : plots.files) std::cout << " " << f;
    std::cout << "\n";
  } else {
    std::cout << "  plots skipped: " << plots.reason << " (CSV and JSON are written)\n";
  }
  return optional.exit_status();
}

}  // namespace coatkmc
