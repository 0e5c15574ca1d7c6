// The shipped BCDMS arrays (arXiv:2512.24116): loading, M's rank, the L0 t -> infinity limit of
// the frozen-NTK solution with a real network's kernel; and bad-input handling of the loader.
#include <gtest/gtest.h>

#include <filesystem>
#include <limits>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/io/npy.hpp"
#include "models/kernels/empirical_ntk.hpp"
#include "models/pdf/fit_problem.hpp"
#include "models/pdf/fk_dataset.hpp"
#include "models/pdf/frozen_ntk.hpp"

namespace {
using namespace fl::pdf;
namespace fs = std::filesystem;

const fs::path kBcdms = fs::path(FL_SHARED_DATA_DIR) / "bcdms";

// The BCDMS arrays are public data kept outside the project (../shared/data); without them
// these tests skip rather than fail.
class BcdmsData : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::is_regular_file(kBcdms / "FK.npy")) GTEST_SKIP() << "no BCDMS arrays at " << kBcdms;
  }
};

TEST_F(BcdmsData, LoadsWithExpectedShapes) {
  const FkDataset d = load_fk_dataset(kBcdms);
  EXPECT_EQ(d.n_dat(), 248);
  EXPECT_EQ(d.n_grid(), 50);
  EXPECT_EQ(d.f_true.size(), 50);
  EXPECT_EQ(d.l1_noise.size(), 248);
  // Cy.npy is Fortran-ordered and symmetric only to round-off: the loader keeps it as is.
  EXPECT_GT(d.cov(0, 0), 0);
  EXPECT_NEAR(d.cov(3, 7), d.cov(7, 3), 1e-12 * d.cov.cwiseAbs().maxCoeff());
  // Only the last 22 grid columns carry data.
  for (int a = 0; a < 28; ++a) EXPECT_EQ(d.fk.col(a).cwiseAbs().maxCoeff(), 0.0);
  for (int a = 28; a < 50; ++a) EXPECT_GT(d.fk.col(a).cwiseAbs().maxCoeff(), 0.0);
}

TEST_F(BcdmsData, MHasNumericalRank20) {
  const FitProblem p = make_fit_problem(load_fk_dataset(kBcdms));
  EXPECT_EQ(numerical_rank(p.M, 1e-7), 20);
}

// L0: lim V Y = f_in_perp + Mcal_inf M f_in_par exactly (when H_perp has no zero mode), with the
// NTK of a [25,20] network at initialisation (paper's architecture and init).
TEST_F(BcdmsData, L0InfiniteTimeReproducesFinOutsideKerTheta) {
  const FkDataset d = load_fk_dataset(kBcdms);
  const FitProblem p = make_fit_problem(d);
  fl::Backend& be = fl::cpu_backend();
  fl::nn::EnsembleMlp<double> net(be, fl::nn::MlpSpec::make(1, {25, 20}, 1), 3);
  net.initialize(2312441);
  const std::vector<double> x(d.grid.data(), d.grid.data() + 50);
  const auto X = fl::Matrix<double>::from_host(be, 1, 50, x);
  fl::Buffer<double> theta(be, 3 * 50 * 50);
  fl::kernels::EmpiricalNtk<double>(be).compute(net, X.view(), theta.view());
  const auto th = theta.to_host();
  const Eigen::VectorXd y = d.fk * d.f_true;
  const double inf = std::numeric_limits<double>::infinity();
  for (int r = 0; r < 3; ++r) {
    const FrozenNtkSolution sol(Eigen::Map<const Eigen::MatrixXd>(th.data() + r * 2500, 50, 50), p);
    ASSERT_GT(sol.d_perp(), 2);
    ASSERT_GT(sol.h()[sol.d_perp() - 1], 0);  // no zero mode of H_perp
    const Eigen::VectorXd f_par = sol.P_parallel() * d.f_true, f_perp = d.f_true - f_par;
    const Eigen::VectorXd lim = sol.V(inf) * y;
    EXPECT_LT((lim - sol.Mcal(inf) * p.M * f_par - f_perp).norm() / f_perp.norm(), 1e-6) << r;
    // U(inf) keeps exactly the prior's ker-Theta part of f0 up to the Mcal term.
    const Eigen::VectorXd f0 = Eigen::VectorXd::LinSpaced(50, -1, 1);
    EXPECT_LT((sol.U(inf) * f0 - (sol.P_parallel() * f0 - sol.Mcal(inf) * p.M * sol.P_parallel() * f0)).norm(),
              1e-8 * f0.norm());
  }
}

// ---- bad input --------------------------------------------------------------------------
class BadFkData : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = fs::temp_directory_path() / ("fl_ntk_bad_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                       "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir);
    write("FK.npy", std::vector<double>(6, 1.0), {3, 2});
    write("Cy.npy", {1, 0, 0, 0, 1, 0, 0, 0, 1}, {3, 3});
    write("data.npy", {1, 2, 3}, {3});
    write("fk_grid.npy", {0.1, 0.5}, {2});
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const std::string& name, const std::vector<double>& v, const std::vector<std::int64_t>& shape) {
    fl::write_npy(dir / name, v, shape);
  }
  // Loading must fail with an InputError whose message names `file` and contains `what`.
  void expect_error(const std::string& file, const std::string& what) {
    try {
      load_fk_dataset(dir);
      ADD_FAILURE() << "no error for " << file;
    } catch (const fl::InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find(file), std::string::npos) << msg;
      EXPECT_NE(msg.find(what), std::string::npos) << msg;
    }
  }
  fs::path dir;
};

TEST_F(BadFkData, ValidSetLoads) { EXPECT_NO_THROW(load_fk_dataset(dir)); }
TEST_F(BadFkData, MissingFile) {
  fs::remove(dir / "data.npy");
  expect_error("data.npy", "not found");
}
TEST_F(BadFkData, CovarianceShapeMismatch) {
  write("Cy.npy", {1, 0, 0, 1}, {2, 2});
  expect_error("Cy.npy", "3 data points");
}
TEST_F(BadFkData, DataLengthMismatch) {
  write("data.npy", {1, 2}, {2});
  expect_error("data.npy", "does not match");
}
TEST_F(BadFkData, GridLengthMismatch) {
  write("fk_grid.npy", {0.1, 0.2, 0.3}, {3});
  expect_error("fk_grid.npy", "does not match");
}
TEST_F(BadFkData, NaN) {
  write("FK.npy", {1, 2, 3, std::nan(""), 5, 6}, {3, 2});
  expect_error("FK.npy", "NaN");
}
TEST_F(BadFkData, NotPositiveDefinite) {
  write("Cy.npy", {1, 2, 0, 2, 1, 0, 0, 0, 1}, {3, 3});
  expect_error("Cy.npy", "not positive definite");
}
TEST_F(BadFkData, NotSymmetric) {
  write("Cy.npy", {1, 0.5, 0, 0, 1, 0, 0, 0, 1}, {3, 3});
  expect_error("Cy.npy", "not symmetric");
}

}  // namespace
