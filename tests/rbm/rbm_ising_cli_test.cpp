// `fieldlearn rbm-ising` refuses bad values of the keys added for the fused path and the
// Monte Carlo couplings with one `error:` line and exit status 2, before any work.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

struct Result {
  int status = -1;
  std::string err;
};

Result run_fieldlearn(const std::string& args) {
  const auto dir = std::filesystem::temp_directory_path() / "fl_rbm_ising_cli";
  std::filesystem::create_directories(dir);
  const std::string cmd = "cd '" + dir.string() + "' && '" + std::string(FL_BINARY_DIR) + "/fieldlearn' " + args +
                          " >/dev/null 2>stderr.txt";
  const int raw = std::system(cmd.c_str());
  Result r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  std::ifstream in(dir / "stderr.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  r.err = ss.str();
  std::filesystem::remove_all(dir);
  return r;
}

}  // namespace

TEST(RbmIsingCli, Bad_coupling_samples_and_fused_flag_are_input_errors) {
  for (const char* set : {"couplings.spin_samples=1", "train.fused=3"}) {
    const Result r = run_fieldlearn(std::string("rbm-ising --config quick --quiet --out bad_run --set ") + set);
    EXPECT_EQ(r.status, 2) << set;
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}
