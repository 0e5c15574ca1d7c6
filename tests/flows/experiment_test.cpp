// `fieldlearn flow-phi4` end to end (in-process): bad input -> exit status 2 and no run
// directory; a tiny run writes the metrics the interface names.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/files.hpp"
#include "experiments/cli.hpp"

namespace {

namespace fs = std::filesystem;

int run(std::vector<std::string> args) {
  args.insert(args.begin(), "fieldlearn");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  return fl::run_cli(static_cast<int>(argv.size()), argv.data());
}

fs::path fresh_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("fl_flow_phi4_" + name);
  fs::remove_all(d);
  return d;
}

TEST(FlowPhi4Experiment, BadInputExitsWithStatus2) {
  for (const std::string bad : {"lattice.L=5", "train.batch=0", "action.lambda=-0.1", "sampler=\"gibbs\"",
                                "action.parametrisation=\"bosetti\"", "flow.activation=\"relu\""}) {
    const fs::path out = fresh_dir("bad");
    EXPECT_EQ(run({"flow-phi4", "--quiet", "--out", out.string(), "--set", bad}), 2) << bad;
    EXPECT_FALSE(fs::exists(out)) << bad;
  }
}

TEST(FlowPhi4Experiment, TinyRunWritesTheInterfaceMetrics) {
  const fs::path out = fresh_dir("tiny");
  ASSERT_EQ(run({"flow-phi4", "--quiet", "--out", out.string(), "--set", "lattice.L=4", "--set", "train.steps=30",
                 "--set", "train.batch=100", "--set", "train.eval_every=10", "--set", "train.eval_samples=200",
                 "--set", "n_samples=400", "--set", "proposal_batch=200", "--set", "hmc.n_chains=4", "--set",
                 "metropolis.n_chains=4"}),
            0);
  const auto m = nlohmann::json::parse(fl::read_text(out / "metrics.json"));
  for (const char* key : {"acceptance", "tau_int_abs_m", "abs_m", "abs_m_err", "chi", "chi_err", "chi_2pt", "xi_2nd",
                          "xi_2nd_err", "binder", "ess_per_sample", "train_steps"})
    EXPECT_TRUE(m.contains(key)) << key;
  EXPECT_EQ(m["train_steps"], 30);
  EXPECT_TRUE(m["hmc"].contains("abs_m"));
  for (const char* f : {"training.csv", "acceptance.csv", "flow_correlator.csv", "checkpoint.bin", "hmc_correlator.csv"})
    EXPECT_TRUE(fs::exists(out / f)) << f;
  fs::remove_all(out);
}

}  // namespace
