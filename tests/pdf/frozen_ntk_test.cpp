// Frozen-NTK analytic solution vs the exact solution of the linear ODE (matrix exponential of
// the affine system), its identities, the sign of U-check, and the t -> infinity limits.
#include <gtest/gtest.h>

#include <unsupported/Eigen/MatrixFunctions>

#include "core/philox.hpp"
#include "models/pdf/ensemble_analysis.hpp"
#include "models/pdf/frozen_ntk.hpp"
#include "models/pdf/lo_fk_generator.hpp"

namespace {
using namespace fl::pdf;

Eigen::MatrixXd random_matrix(int rows, int cols, std::uint32_t seed) {
  fl::PhiloxStream rng({seed, 7}, 0);
  Eigen::MatrixXd m(rows, cols);
  for (int j = 0; j < cols; ++j)
    for (int i = 0; i < rows; ++i) m(i, j) = rng.normal();
  return m;
}

// Exact f_t of df/dt = -Theta M f + Theta FK^T C^-1 Y from exp(t G), G the augmented system.
Eigen::VectorXd exact_flow(const Eigen::MatrixXd& theta, const FitProblem& p, const Eigen::VectorXd& f0,
                           const Eigen::VectorXd& y, double t) {
  const Eigen::Index n = f0.size();
  Eigen::MatrixXd G = Eigen::MatrixXd::Zero(n + 1, n + 1);
  G.topLeftCorner(n, n) = -theta * p.M;
  G.topRightCorner(n, 1) = theta * p.fk_cinv * y;
  const Eigen::MatrixXd E = (t * G).exp();
  return E.topLeftCorner(n, n) * f0 + E.topRightCorner(n, 1);
}

struct LoProblem {
  FkDataset d = generate_lo_dataset();
  FitProblem p = make_fit_problem(d);
};

TEST(FrozenNtk, MatchesMatrixExponentialSolution) {
  LoProblem s;
  // Rank-6 PSD kernel (scaled like an NTK: the flow reaches h t ~ 30) with one direction
  // below the 1e-7 cutoff at 1e-13 relative (its effect on f is far below 1e-8).
  const Eigen::MatrixXd A = random_matrix(50, 6, 1);
  Eigen::MatrixXd theta = 1e-3 * A * A.transpose();
  const Eigen::VectorXd tiny = random_matrix(50, 1, 2).col(0).normalized();
  theta += 1e-13 * theta.norm() * tiny * tiny.transpose();
  const FrozenNtkSolution sol(theta, s.p);
  EXPECT_EQ(sol.d_perp(), 6);
  const Eigen::VectorXd f0 = 0.1 * random_matrix(50, 1, 3).col(0), y = s.d.data;
  for (double t : {1e-4, 1e-2, 0.1, 1.0}) {
    const Eigen::VectorXd exact = exact_flow(theta, s.p, f0, y, t);
    EXPECT_LT((sol.evolve(f0, y, t) - exact).norm() / exact.norm(), 1e-8) << "t=" << t;
  }
}

// The authors' code has U-check = +Mcal M P_par: it must NOT reproduce the flow.
TEST(FrozenNtk, OppositeSignOfUCheckFails) {
  LoProblem s;
  const Eigen::MatrixXd A = random_matrix(50, 6, 4);
  const Eigen::MatrixXd theta = 1e-3 * A * A.transpose();
  const FrozenNtkSolution sol(theta, s.p);
  const Eigen::VectorXd f0 = 0.1 * random_matrix(50, 1, 5).col(0), y = s.d.data;
  const double t = 0.1;
  const Eigen::MatrixXd U_wrong = sol.U(t) + 2 * sol.Mcal(t) * s.p.M * sol.P_parallel();
  const Eigen::VectorXd exact = exact_flow(theta, s.p, f0, y, t);
  EXPECT_GT((U_wrong * f0 + sol.V(t) * y - exact).norm() / exact.norm(), 1e-3);
}

TEST(FrozenNtk, Identities) {
  LoProblem s;
  const Eigen::MatrixXd A = random_matrix(50, 8, 6);
  const Eigen::MatrixXd theta = 1e-3 * A * A.transpose();
  const FrozenNtkSolution sol(theta, s.p);
  const int d = sol.d_perp();
  const Eigen::MatrixXd QtMQ = sol.Q().transpose() * s.p.M * sol.Q();
  EXPECT_LT((QtMQ - Eigen::MatrixXd(sol.h().asDiagonal())).norm(), 1e-9 * sol.h()[0]);
  EXPECT_LT((sol.Q_inverse() * sol.Q() - Eigen::MatrixXd::Identity(d, d)).norm(), 1e-10);
  EXPECT_LT((sol.U(0) - Eigen::MatrixXd::Identity(50, 50)).norm(), 1e-10);
  EXPECT_EQ(sol.V(0).norm(), 0.0);
  // The matrix-free products agree with the matrices.
  const Eigen::VectorXd g0 = random_matrix(50, 1, 7).col(0), yy = s.d.data;
  EXPECT_LT((sol.apply_U(0.3, g0) - sol.U(0.3) * g0).norm(), 1e-10 * g0.norm());
  EXPECT_LT((sol.apply_V(0.3, yy) - sol.V(0.3) * yy).norm(), 1e-10 * (sol.V(0.3) * yy).norm());
  // d/dt (U f0 + V y) at 0 = -Theta M f0 + Theta FK^T C^-1 y (Richardson-extrapolated
  // central differences, truncation error O(h^4)).
  const Eigen::VectorXd f0 = 0.1 * random_matrix(50, 1, 8).col(0), y = s.d.data;
  auto central = [&](double h) { return Eigen::VectorXd((sol.evolve(f0, y, h) - sol.evolve(f0, y, -h)) / (2 * h)); };
  const double h = 0.01 / sol.h()[0];  // well inside the fastest mode
  const Eigen::VectorXd deriv = (4 * central(h / 2) - central(h)) / 3;
  const Eigen::VectorXd rhs = -theta * s.p.M * f0 + theta * s.p.fk_cinv * y;
  EXPECT_LT((deriv - rhs).norm() / rhs.norm(), 1e-6);
}

// Theta = identity on an exactly rank-20 problem: f_inf = P_kerM f0 + M^+ FK^T C^-1 Y.
TEST(FrozenNtk, IdentityKernelInfiniteTime) {
  FkDataset d;
  d.fk = random_matrix(30, 20, 21) * random_matrix(20, 50, 22);
  const Eigen::MatrixXd S = random_matrix(30, 30, 23);
  d.cov = S * S.transpose() / 30 + Eigen::MatrixXd::Identity(30, 30);
  const FitProblem p = make_fit_problem(d);
  const FrozenNtkSolution sol(Eigen::MatrixXd::Identity(50, 50), p);
  EXPECT_EQ(sol.d_perp(), 50);
  const Eigen::VectorXd f0 = random_matrix(50, 1, 24).col(0), y = random_matrix(30, 1, 25).col(0);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(p.M);
  Eigen::MatrixXd pinv = Eigen::MatrixXd::Zero(50, 50), ker = Eigen::MatrixXd::Zero(50, 50);
  for (int i = 0; i < 50; ++i) {
    const Eigen::VectorXd v = es.eigenvectors().col(i);
    if (i >= 30) pinv += v * v.transpose() / es.eigenvalues()[i];  // the 20 non-zero ones
    else ker += v * v.transpose();
  }
  ASSERT_LT(es.eigenvalues()[29], 1e-12 * es.eigenvalues()[49]);
  ASSERT_GT(es.eigenvalues()[30], 1e-6 * es.eigenvalues()[49]);
  const Eigen::VectorXd expected = ker * f0 + pinv * p.fk_cinv * y;
  const Eigen::VectorXd got = sol.evolve(f0, y, std::numeric_limits<double>::infinity());
  EXPECT_LT((got - expected).norm() / expected.norm(), 1e-8);
}

// Covariance split: C00 + C0Y + CYY is the replica covariance of U f0 + V Y, exactly.
TEST(EnsembleAnalysis, CovarianceSplitSumsToCovariance) {
  LoProblem s;
  std::vector<FrozenNtkSolution> sols;
  const int R = 12;
  Eigen::MatrixXd f0(50, R), Y(s.d.n_dat(), R);
  for (int k = 0; k < R; ++k) {
    const Eigen::MatrixXd A = random_matrix(50, 5, 100 + k);
    sols.emplace_back(1e-3 * A * A.transpose(), s.p);
    f0.col(k) = 0.1 * random_matrix(50, 1, 200 + k).col(0);
    Y.col(k) = s.d.data + 0.01 * random_matrix(s.d.n_dat(), 1, 300 + k).col(0);
  }
  const AnalyticEnsemble e = analytic_ensemble(sols, f0, Y, 0.05);
  const CovarianceSplit c = covariance_split(e);
  const Eigen::MatrixXd f = e.f();
  const Eigen::MatrixXd fc = f.colwise() - f.rowwise().mean();
  const Eigen::MatrixXd cov = fc * fc.transpose() / R;
  EXPECT_LT((c.c00 + c.c0y + c.cyy - cov).norm(), 1e-12 * cov.norm());
  const BiasVariance bv = bias_variance(e, s.d.f_true, s.p);
  EXPECT_NEAR(bv.bias, bv.bias_u + bv.bias_v + bv.bias_uv, 1e-12 * bv.bias);
  // variance equals the trace form on the full ensemble
  EXPECT_NEAR(bv.variance, (fc.transpose() * s.p.M * fc).trace() / (R * s.p.n_dat()), 1e-10 * bv.variance);
}

TEST(EnsembleAnalysis, ClosureEstimatorsOnExactEnsemble) {
  LoProblem s;
  // Replicas = truth + Gaussian spread along a few directions: bias = 0 exactly when the
  // mean is the truth, and xi = 1 when the spread covers everything.
  const int R = 4;
  Eigen::MatrixXd f(50, R);
  const Eigen::VectorXd dir = random_matrix(50, 1, 11).col(0);
  const double offs[R] = {-1.5, -0.5, 0.5, 1.5};
  for (int k = 0; k < R; ++k) f.col(k) = s.d.f_true + 0.01 * offs[k] * dir;
  const ClosureEstimators c = closure_estimators(f, s.d.f_true, s.d.fk * s.d.f_true + s.d.l1_noise, s.p);
  EXPECT_LT(c.bias, 1e-20);
  EXPECT_GT(c.variance, 0);
  EXPECT_EQ(c.xi_1sigma, 1.0);
  EXPECT_NEAR(c.delta_chi2, 0.0, 1e-12);
}

}  // namespace
