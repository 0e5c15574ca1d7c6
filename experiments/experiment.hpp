#pragma once
// How an experiment plugs into the `fieldlearn` program.
//
//   FL_REGISTER_EXPERIMENT(ntk_pdf, "ntk-pdf", "NTK analysis of PDF fits", kDefaults, run_ntk_pdf);
//
// kDefaults is the experiment's complete default configuration as TOML text (the
// built-in defaults). Config files in experiments/configs/<name>/*.toml and --set flags
// may only override keys that exist there. `run` receives a RunContext and writes its
// outputs through ctx.out (the run directory, which becomes visible only on success).
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/backend.hpp"
#include "core/config.hpp"
#include "core/progress.hpp"

namespace fl {

class RunDirectory {
 public:
  enum class Mode { create, resume };
  // create: makes `final_path`.partial-XXXX, and commit() renames it to final_path (an
  // existing final_path is an error). resume: reuses an existing run directory in place,
  // or else the single `final_path`.partial-XXXX a killed run left behind (renamed on commit).
  RunDirectory(std::filesystem::path final_path, Mode mode);
  ~RunDirectory();  // removes a new partial directory unless committed
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;

  // Where to write files now (the partial directory until commit).
  const std::filesystem::path& path() const { return work_; }
  std::filesystem::path file(const std::string& name) const { return work_ / name; }
  const std::filesystem::path& final_path() const { return final_; }
  bool resumed() const { return resumed_; }
  void commit();

 private:
  std::filesystem::path final_, work_;
  bool committed_ = false;
  bool resumed_ = false;
  bool keep_on_failure_ = false;
};

struct RunContext {
  std::string experiment;
  Config config;           // effective configuration (already written to config.toml)
  Backend& backend;        // selected by --device
  RunDirectory& out;
  std::uint32_t seed = 0;  // --seed (also config key `seed` when present)
  bool quiet = false;
  bool resume = false;     // --resume: continue from out.path()/checkpoint* if present
  nlohmann::json metrics = nlohmann::json::object();  // written as metrics.json at the end

  Progress progress(const std::string& label, std::int64_t total) const {
    return Progress(label, total, quiet);
  }
};

struct ExperimentSpec {
  std::string name;     // subcommand, e.g. "ntk-pdf"
  std::string summary;  // one line for --help
  std::string defaults; // TOML text
  std::function<void(RunContext&)> run;
};

std::vector<ExperimentSpec>& experiment_registry();

struct ExperimentRegistrar {
  explicit ExperimentRegistrar(ExperimentSpec spec) { experiment_registry().push_back(std::move(spec)); }
};

#define FL_REGISTER_EXPERIMENT(id, name, summary, defaults, fn) \
  static ::fl::ExperimentRegistrar fl_experiment_registrar_##id({name, summary, defaults, fn})

}  // namespace fl
