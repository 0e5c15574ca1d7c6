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
// The newest `final_path`.partial-XXXX, or an empty path.
fs::path latest_partial(const fs::path& final_path) {
  const fs::path parent = final_path.has_parent_path() ? final_path.parent_path() : fs::path(".");
  const std::string prefix = final_path.filename().string() + ".partial-";
  fs::path best;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec))
    if (e.is_directory() && e.path().filename().string().rfind(prefix, 0) == 0 &&
        (best.empty() || fs::last_write_time(e.path()) > fs::last_write_time(best)))
      best = e.path();
  return best;
}
}  // namespace

RunDirectory::RunDirectory(fs::path final_path, Mode mode) : final_(std::move(final_path)) {
  if (mode == Mode::resume) {
    work_ = final_;
    if (!fs::is_directory(final_)) {
      // A run stopped before its commit (killed, crashed) left only its partial directory:
      // continue in there and commit at the end as usual.
      work_ = latest_partial(final_);
      if (work_.empty()) input_error("--resume: run directory '" + final_.string() + "' does not exist");
    }
    committed_ = work_ == final_;  // already visible: files inside are replaced atomically one by one
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
  if (!committed_ && !resumed_ && !work_.empty()) {  // a resumed partial keeps its snapshots
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
