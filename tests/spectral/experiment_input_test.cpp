// `fieldlearn gp-deconvolution` rejects bad input with one `error:` line and exit status 2:
// correlator files of the wrong length or with non-finite values, an omega grid that misses the
// exact peaks, and a kernel that stays indefinite within the jitter limit.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/io/npy.hpp"

namespace fs = std::filesystem;

namespace {

class GpDeconvolutionInput : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("fl_gp_input_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }

  // Small, fast settings so that the checks after the Monte Carlo are reached quickly.
  static std::string small() {
    return " --quiet --set qho.algorithm=exact --set qho.n_configs=320 --set analysis.block_size=10"
           " --set analysis.n_boot=50 --set analysis.n_test_samples=5 --set train_set.size=150"
           " --set inverse_problem.n_omega=50 --set linear_gp.n_omega=31 --set nn.widths=[4] --set nn.epochs=1";
  }

  void expect_input_error(const std::string& args, const std::string& mentions) {
    const fs::path out = tmp_ / "run";
    const std::string cmd = "'" + std::string(FL_BINARY_DIR) + "/fieldlearn' gp-deconvolution --out '" +
                            out.string() + "'" + small() + " " + args + " >/dev/null 2>'" + (tmp_ / "err").string() + "'";
    const int raw = std::system(cmd.c_str());
    std::ifstream f(tmp_ / "err");
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string err = ss.str();
    EXPECT_EQ(WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, 2) << args << "\n" << err;
    EXPECT_EQ(err.rfind("error: ", 0), 0u) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    EXPECT_NE(err.find(mentions), std::string::npos) << err;
    EXPECT_FALSE(fs::exists(out)) << "run directory left behind";
  }

  fs::path tmp_;
};

TEST_F(GpDeconvolutionInput, CorrelatorFileOfWrongLength) {
  const fs::path file = tmp_ / "short.npy";
  fl::write_npy(file, std::vector<double>(40 * 150, 1.0), {40, 150});
  expect_input_error("--set input.correlator_file='" + file.string() + "'", "does not match qho.n_t");
}

TEST_F(GpDeconvolutionInput, CorrelatorFileWithNonFiniteValues) {
  const fs::path file = tmp_ / "nan.npy";
  std::vector<double> v(40 * 200, 1.0);
  v[77] = std::nan("");
  fl::write_npy(file, v, {40, 200});
  expect_input_error("--set input.correlator_file='" + file.string() + "'", "non-finite");
}

TEST_F(GpDeconvolutionInput, GridThatMissesThePeaks) {
  expect_input_error("--set inverse_problem.omega_max=0.1", "does not cover the peak");
}

TEST_F(GpDeconvolutionInput, KernelNotPositiveDefiniteWithinJitter) {
  // A linear kernel of 100-dimensional inputs has rank <= 101 < 150 training pairs.
  expect_input_error("--set kernel.activation=identity --set kernel.depth=1 --set kernel.max_jitter=1e-13",
                     "not positive definite");
}

}  // namespace
