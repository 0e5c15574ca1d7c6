// Lattice harmonic oscillator: exact formulas against direct matrix inversion, action
// pieces against finite differences, and Metropolis / HMC / exact-sampler correlators against
// the exact lattice correlators within blocked-bootstrap errors.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "core/backend.hpp"
#include "models/lattice/qho/correlator_analysis.hpp"
#include "models/lattice/qho/qho_exact.hpp"
#include "models/lattice/qho/qho_monte_carlo.hpp"

namespace {
using namespace fl;
using namespace fl::qho;

Eigen::MatrixXd action_matrix(const QhoParams& p) {
  const int N = p.n_t;
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(N, N);
  for (int i = 0; i < N; ++i) {
    A(i, i) += 2 * p.m / p.a + p.a * p.m * p.omega * p.omega;
    A(i, (i + 1) % N) -= p.m / p.a;
    A(i, (i + N - 1) % N) -= p.m / p.a;
  }
  return A;
}

TEST(QhoExact, PropagatorIsInverseOfActionMatrix) {
  for (QhoParams p : {QhoParams{1.0, 1.0, 0.05, 200}, QhoParams{0.7, 1.3, 0.4, 12}}) {
    const Eigen::MatrixXd G = action_matrix(p).inverse();
    for (int n = 0; n < p.n_t; ++n) EXPECT_NEAR(propagator(p, n), G(n, 0), 1e-11 * G(0, 0)) << n;
    // The action is x^T A x / 2.
    Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(p.n_t, -1.0, 2.0).array().sin();
    EXPECT_NEAR(action(p, x.data()), 0.5 * x.dot(action_matrix(p) * x), 1e-9 * x.squaredNorm() / p.a);
  }
}

TEST(QhoExact, EnergyGapAndEffectiveEnergyPlateau) {
  const QhoParams p;  // m = omega = 1, a = 0.05, N = 200
  const double e = energy_gap(p);
  EXPECT_NEAR(std::cosh(e), 1 + 0.5 * 0.05 * 0.05, 1e-15);
  const std::vector<double> c = exact_correlator(p, Operator::x);
  const std::vector<double> folded = fold_correlators(c, p.n_t, FoldConvention::standard);
  const std::vector<double> eff = effective_energies(folded, p.n_t);
  for (int t = 0; t < p.n_t / 2 - 1; ++t) EXPECT_NEAR(eff[t], e, 1e-9) << t;
  // x^3: excited state (3 aE1) at short times, plateau at aE1 at long times.
  const auto eff3 = effective_energies(fold_correlators(exact_correlator(p, Operator::x3), p.n_t,
                                                        FoldConvention::standard), p.n_t);
  EXPECT_GT(eff3[0], 1.05 * e);
  EXPECT_NEAR(eff3[80], e, 1e-3 * e);
}

TEST(QhoExact, SpectralLinesReproduceCorrelatorThroughPeriodicKernel) {
  const QhoParams p;
  for (Operator op : {Operator::x, Operator::x3}) {
    const auto lines = exact_spectral_lines(p, op);
    const auto c = exact_correlator(p, op);
    for (int t = 0; t < p.n_t; ++t) {
      double sum = 0;
      for (const auto& l : lines) sum += l.weight * (std::exp(-l.energy * t) + std::exp(-l.energy * (p.n_t - t)));
      EXPECT_NEAR(sum, c[t], 1e-12 * c[0]) << operator_name(op) << " t=" << t;
    }
  }
  // Continuum matrix elements as a -> 0 (energies in lattice units: weight/a^k -> continuum).
  const QhoParams fine{1.0, 1.0, 0.001, 20000};
  const auto l = exact_spectral_lines(fine, Operator::x3);
  EXPECT_NEAR(l[1].weight, 6.0 / 8.0, 1e-3);   // |<3|x^3|0>|^2 = 6/(2 m w)^3
  EXPECT_NEAR(l[0].weight, 9.0 / 8.0, 1e-3);   // |<1|x^3|0>|^2 = 9/(2 m w)^3
}

TEST(QhoAction, LocalChangeAndGradientMatchDirectDifferences) {
  const QhoParams p{1.0, 1.0, 0.05, 10};
  std::vector<double> x(10);
  for (int i = 0; i < 10; ++i) x[i] = std::sin(1.3 * i) * 0.3;
  for (int i = 0; i < 10; ++i) {
    std::vector<double> y = x;
    y[i] += 0.37;
    EXPECT_NEAR(local_action_change(p, x.data(), i, y[i]), action(p, y.data()) - action(p, x.data()), 1e-10);
    const double h = 1e-5;
    std::vector<double> up = x, down = x;
    up[i] += h;
    down[i] -= h;
    EXPECT_NEAR(action_gradient(p, x.data(), i), (action(p, up.data()) - action(p, down.data())) / (2 * h), 1e-6);
  }
}

TEST(QhoAnalysis, BlockedBootstrapErrorOfIndependentData) {
  // Independent normal data: error of the mean must be 1/sqrt(n) (within the bootstrap's own noise).
  const int chains = 4, per = 1000;
  std::vector<double> data(chains * per);
  for (int i = 0; i < chains * per; ++i) {
    PhiloxStream r({5, 0}, static_cast<std::uint64_t>(i));
    data[i] = r.normal();
  }
  const auto e = blocked_bootstrap(data, chains, per, 1, 10, 800, 3);
  EXPECT_NEAR(e.error[0], 1.0 / std::sqrt(chains * per), 0.1 / std::sqrt(chains * per));
}

TEST(QhoAnalysis, FoldingConventions) {
  std::vector<double> c = {0, 1, 2, 3, 4, 5};
  EXPECT_EQ(fold_correlators(c, 6, FoldConvention::standard), (std::vector<double>{0, 3, 3, 3}));
  EXPECT_EQ(fold_correlators(c, 6, FoldConvention::repo), (std::vector<double>{2.5, 2.5, 2.5, 2.5}));
}

// Comparison of a folded MC correlator with the exact one: every pull < 4.5 and the correlated
// chi^2 = d^T Cov^{-1} d (bootstrap covariance) below dof + 5 sqrt(2 dof), inflated by the
// Hotelling factor (n_blocks - 1)/(n_blocks - dof) for an estimated covariance.
void expect_agrees_with_exact(const CorrelatorSeries& s, const QhoParams& p, Operator op, int block) {
  const int half = p.n_t / 2 + 1;
  const auto folded = fold_correlators(s.of(op == Operator::x3), p.n_t, FoldConvention::standard);
  const auto est = blocked_bootstrap(folded, s.n_chains, s.per_chain, half, block, 1000, 17);
  const auto exact = fold_correlators(exact_correlator(p, op), p.n_t, FoldConvention::standard);
  Eigen::VectorXd d(half);
  for (int t = 0; t < half; ++t) {
    d(t) = est.mean[t] - exact[t];
    EXPECT_LT(std::abs(d(t) / est.error[t]), 4.5) << operator_name(op) << " t=" << t << " mc=" << est.mean[t]
                                                  << " exact=" << exact[t] << " err=" << est.error[t];
  }
  const Eigen::Map<const Eigen::MatrixXd> cov(est.covariance.data(), half, half);
  const double chi2 = d.dot(cov.ldlt().solve(d));
  const double n_blocks = static_cast<double>(s.n_chains) * (s.per_chain / block);
  const double bound = (half + 5.0 * std::sqrt(2.0 * half)) * (n_blocks - 1) / (n_blocks - half);
  EXPECT_LT(chi2, bound) << operator_name(op) << " dof=" << half;
}

TEST(QhoMonteCarlo, MetropolisMatchesExactCorrelators) {
  const QhoParams p{1.0, 1.0, 0.25, 32};
  MonteCarloConfig c;
  c.algorithm = Algorithm::metropolis;
  c.n_chains = 32;
  c.n_configs = 32 * 400;
  c.n_therm = 300;
  c.n_skip = 4;
  c.seed = 2024;
  const auto s = run_monte_carlo(cpu_backend(), p, c);
  EXPECT_GT(s.acceptance(), 0.3);
  EXPECT_LT(s.acceptance(), 0.9);
  expect_agrees_with_exact(s, p, Operator::x, 40);
  expect_agrees_with_exact(s, p, Operator::x3, 40);
}

TEST(QhoMonteCarlo, HmcMatchesExactCorrelators) {
  const QhoParams p{1.0, 1.0, 0.25, 32};
  MonteCarloConfig c;
  c.algorithm = Algorithm::hmc;
  c.n_chains = 32;
  c.n_configs = 32 * 300;
  c.n_therm = 100;
  c.n_skip = 2;
  c.hmc_step = 0.1;
  c.hmc_leapfrog = 12;
  c.seed = 77;
  const auto s = run_monte_carlo(cpu_backend(), p, c);
  EXPECT_GT(s.acceptance(), 0.6);
  EXPECT_NEAR(s.stats.mean_exp_minus_dh, 1.0, 0.05);  // exact identity <e^{-dH}> = 1
  expect_agrees_with_exact(s, p, Operator::x, 30);
  expect_agrees_with_exact(s, p, Operator::x3, 30);
}

TEST(QhoMonteCarlo, ExactSamplerAtDefaultSetupAndEnergyPlateau) {
  const QhoParams p;  // a = 0.05, N = 200
  MonteCarloConfig c;
  c.algorithm = Algorithm::exact;
  c.n_chains = 8;
  c.n_configs = 4000;
  c.seed = 9;
  const auto s = run_monte_carlo(cpu_backend(), p, c);
  expect_agrees_with_exact(s, p, Operator::x, 10);
  expect_agrees_with_exact(s, p, Operator::x3, 10);
  // aE1 from C(10)/C(60) on every bootstrap sample.
  const auto folded = fold_correlators(s.cx, p.n_t, FoldConvention::standard);
  const auto est = blocked_bootstrap(folded, s.n_chains, s.per_chain, p.n_t / 2 + 1, 10, 400, 4);
  std::vector<double> e;
  for (const auto& b : est.samples) e.push_back(cosh_energy_from_ratio(b[10] / b[60], 10, 60, p.n_t));
  double m = 0, v = 0;
  for (double x : e) m += x / e.size();
  for (double x : e) v += (x - m) * (x - m) / (e.size() - 1);
  const double central = cosh_energy_from_ratio(est.mean[10] / est.mean[60], 10, 60, p.n_t);
  EXPECT_NEAR(central, energy_gap(p), 4.0 * std::sqrt(v));
  EXPECT_LT(std::sqrt(v), 0.1 * energy_gap(p));
}

}  // namespace
