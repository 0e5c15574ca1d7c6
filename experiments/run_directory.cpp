#include <algorithm>
#include <random>

#include "core/error.hpp"
#include "experiments/experiment.hpp"

namespace fl {

namespace fs = std::filesystem;

std::vector<ExperimentSpec>& experiment_registry() {
  static std::vector<ExperimentSpec> registry;
  return registry;
}

namespace {

// `<final>.partial-N` directories left by runs that were killed (a failing run removes its
// own): they hold the config and the checkpoints of a started run.
std::vector<fs::path> interrupted_runs(const fs::path& final_path) {
  std::vector<fs::path> found;
  const fs::path parent = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  const std::string prefix = final_path.filename().string() + ".partial-";
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && entry.is_directory() &&
        fs::is_regular_file(entry.path() / "config.toml"))
      found.push_back(entry.path());
  }
  std::sort(found.begin(), found.end());
  return found;
}

}  // namespace

RunDirectory::RunDirectory(fs::path final_path, Mode mode) : final_(std::move(final_path)) {
  if (mode == Mode::resume) {
    resumed_ = true;
    if (fs::is_directory(final_)) {
      work_ = final_;
      committed_ = true;  // already visible: files inside are replaced atomically one by one
      return;
    }
    const auto partial = interrupted_runs(final_);
    if (partial.empty())
      input_error("--resume: run directory '" + final_.string() + "' does not exist");
    if (partial.size() > 1)
      input_error("--resume: several interrupted runs for '" + final_.string() + "' (" +
                  partial[0].filename().string() + ", " + partial[1].filename().string() +
                  (partial.size() > 2 ? ", ..." : "") + "): keep the one to continue");
    // Continue the killed run where it is; it becomes `final_` when it completes, and a
    // failure leaves it in place (its checkpoints are the point of resuming).
    work_ = partial[0];
    keep_on_failure_ = true;
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
  if (!committed_ && !keep_on_failure_ && !work_.empty()) {
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
