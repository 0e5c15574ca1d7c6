#include <random>

#include "core/error.hpp"
#include "experiments/experiment.hpp"

namespace fl {

namespace fs = std::filesystem;

std::vector<ExperimentSpec>& experiment_registry() {
  static std::vector<ExperimentSpec> registry;
  return registry;
}

RunDirectory::RunDirectory(fs::path final_path, Mode mode) : final_(std::move(final_path)) {
  if (mode == Mode::resume) {
    if (!fs::is_directory(final_))
      input_error("--resume: run directory '" + final_.string() + "' does not exist");
    work_ = final_;
    committed_ = true;  // already visible: files inside are replaced atomically one by one
    resumed_ = true;
    return;
  }
  if (fs::exists(final_))
    input_error("output directory '" + final_.string() +
                "' already exists (choose another --out, or --resume to continue it)");
  std::error_code ec;
  if (final_.has_parent_path()) fs::create_directories(final_.parent_path(), ec);
  if (ec) input_error("cannot create '" + final_.parent_path().string() + "': " + ec.message());
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path candidate = final_;
    candidate += ".partial-" + std::to_string(rd() % 1000000);
    if (fs::create_directory(candidate, ec)) {
      work_ = candidate;
      return;
    }
    if (ec) input_error("cannot create run directory '" + candidate.string() + "': " + ec.message());
  }
  input_error("cannot create a run directory next to '" + final_.string() + "'");
}

RunDirectory::~RunDirectory() {
  if (!committed_ && !work_.empty()) {
    std::error_code ec;
    fs::remove_all(work_, ec);
  }
}

void RunDirectory::commit() {
  if (committed_) return;
  fs::rename(work_, final_);
  work_ = final_;
  committed_ = true;
}

}  // namespace fl
