// The scaling mode is resumable: a run stopped after a checkpoint (in the middle of the first
// L, at the end of its training before sampling, and in the middle of the second L) and
// continued with --resume gives the same results as an uninterrupted run, wall times aside.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <utility>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/backend.hpp"
#include "core/config.hpp"
#include "experiments/flow_phi4/scaling.hpp"

namespace fl::flow_phi4 {
namespace {

namespace fs = std::filesystem;

Config tiny_config() {
  Config cfg = Config::parse(kDefaults, "flow-phi4 defaults");
  for (const char* s : {"mode=\"scaling\"", "n_samples=300", "n_thermalise=10", "proposal_batch=100",
                        "train.steps=30", "train.batch=64", "train.eval_every=5", "train.eval_samples=100",
                        "train.checkpoint_every=10", "hmc.n_chains=2", "metropolis.n_chains=2",
                        "scaling.L=[4, 6]", "scaling.beta=[0.5, 0.537]", "scaling.targets=[0.05, 0.2, 0.99]",
                        "scaling.baseline_measurements=40"})
    cfg.set(s);
  return cfg;
}

// Runs the study in `dir` (created if missing); returns its metrics, or null when interrupted.
nlohmann::json run_in(const fs::path& dir, bool resume, const InterruptHook& interrupt) {
  fs::create_directories(dir);
  RunDirectory out(dir, RunDirectory::Mode::resume);
  const Config cfg = tiny_config();
  RunContext ctx{"flow-phi4", cfg, cpu_backend(), out, 1234, true, resume};
  const Settings st = parse_settings(cfg, 1234);
  try {
    run_scaling(ctx, st, interrupt);
  } catch (const RunInterrupted&) {
    return nullptr;
  }
  return ctx.metrics;
}

// Wall-clock entries differ between runs; everything else must be identical.
void drop_times(nlohmann::json& j) {
  if (j.is_object()) {
    for (const char* k : {"train_seconds", "seconds"}) j.erase(k);
    for (auto& [k, v] : j.items()) drop_times(v);
  } else if (j.is_array()) {
    for (auto& v : j) drop_times(v);
  }
}

TEST(FlowScaling, ResumedRunMatchesUninterruptedRun) {
  const fs::path base = fs::temp_directory_path() / "fl_flow_scaling_resume";
  fs::remove_all(base);
  nlohmann::json reference = run_in(base / "straight", false, {});
  ASSERT_FALSE(reference.is_null());
  ASSERT_EQ(reference["scaling"].size(), 2u);

  // Each session records the checkpoints it writes: a resumed session must continue after the
  // last one on disk (a restart from scratch would give the same numbers, only slower).
  const fs::path dir = base / "interrupted";
  using Visits = std::vector<std::pair<int, std::int64_t>>;
  auto stop_at = [](Visits& seen, int L_stop, std::int64_t step_stop) {
    return [&seen, L_stop, step_stop](int L, std::int64_t step) {
      seen.emplace_back(L, step);
      return L == L_stop && step == step_stop;
    };
  };
  Visits first, second, third, last;
  EXPECT_TRUE(run_in(dir, false, stop_at(first, 4, 10)).is_null());
  EXPECT_TRUE(run_in(dir, true, stop_at(second, 4, 30)).is_null());
  EXPECT_FALSE(fs::exists(dir / "scaling_done.json"));  // stopped before sampling L = 4
  EXPECT_TRUE(run_in(dir, true, stop_at(third, 6, 20)).is_null());
  EXPECT_TRUE(fs::exists(dir / "scaling_done.json"));
  nlohmann::json resumed = run_in(dir, true, stop_at(last, 0, 0));
  ASSERT_FALSE(resumed.is_null());
  EXPECT_EQ(first, (Visits{{4, 10}}));
  EXPECT_EQ(second, (Visits{{4, 20}, {4, 30}}));
  EXPECT_EQ(third, (Visits{{6, 10}, {6, 20}}));  // L = 4 was not trained again
  EXPECT_EQ(last, (Visits{{6, 30}}));

  // The acceptance histories are complete and without duplicates.
  for (int L : {4, 6}) {
    const std::string text = read_text(dir / ("scaling_L" + std::to_string(L) + "_acceptance.csv"));
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1 + 30 / 5) << L;
  }
  drop_times(reference);
  drop_times(resumed);
  EXPECT_EQ(resumed.dump(1), reference.dump(1));
  fs::remove_all(base);
}

}  // namespace
}  // namespace fl::flow_phi4
