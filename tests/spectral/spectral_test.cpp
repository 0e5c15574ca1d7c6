// Spectral reconstruction: inverse-problem formulas, training sets, GP predictions (NNGP,
// NTK-GP at finite and infinite time), Backus-Gilbert, and the coverage of the Bayesian GP with
// a linear observable.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/philox.hpp"
#include "models/kernels/infinite_width.hpp"
#include "models/spectral/backus_gilbert.hpp"
#include "models/spectral/gp_regression.hpp"
#include "models/spectral/linear_gp.hpp"
#include "models/spectral/training_set.hpp"

namespace {
using namespace fl;
using namespace fl::spectral;

InverseProblem small_problem(int n_omega = 60) {
  InverseProblem ip;
  ip.n_omega = n_omega;
  return ip;
}

TEST(InverseProblem, GaussianLaplaceClosedFormMatchesQuadrature) {
  for (double mu : {0.0, 0.05, 0.5}) {
    for (double t : {0.0, 7.0, 99.0, 200.0}) {
      const double s = 0.01;
      double sum = 0.0;
      const int n = 200000;
      const double hi = mu + 12 * s, h = hi / n;
      for (int i = 0; i <= n; ++i) {
        const double w = h * i, f = (i == 0 || i == n) ? 0.5 : 1.0;
        sum += f * h * std::exp(-w * t) * std::exp(-0.5 * (w - mu) * (w - mu) / (s * s)) / (s * std::sqrt(2 * M_PI));
      }
      EXPECT_NEAR(gaussian_laplace(t, mu, s), sum, 1e-8 * std::max(sum, 1e-300) + 1e-300) << mu << " " << t;
    }
  }
  // Far tail (asymptotic branch): mu << 0 relative to sigma^2 t is continuous with the direct form.
  EXPECT_NEAR(gaussian_laplace(200.0, 0.0, 0.1) / gaussian_laplace(200.0, 0.0, 0.1 * (1 + 1e-9)), 1.0, 1e-6);
}

TEST(InverseProblem, ExactLinesReproduceLatticeCorrelator) {
  const qho::QhoParams p;
  const InverseProblem ip = small_problem();
  const auto lines = qho::exact_spectral_lines(p, qho::Operator::x3);
  const auto c = correlator_of_lines(ip, lines);
  const auto exact = qho::exact_correlator(p, qho::Operator::x3);
  for (int t = 0; t < ip.n_tau; ++t) EXPECT_NEAR(c[t], exact[t], 1e-12 * exact[0]);
  // Smeared peaks keep their weights on w >= 0.
  InverseProblem fine = ip;
  fine.n_omega = 20001;
  const auto rho = smeared_lines(fine, lines, 0.01);
  EXPECT_NEAR(peak_summary(fine, rho, 0.0, 0.1).area, lines[0].weight, 1e-6 * lines[0].weight);
  EXPECT_NEAR(peak_summary(fine, rho, 0.1, 0.2).area, lines[1].weight, 1e-6 * lines[1].weight);
  EXPECT_NEAR(peak_summary(fine, rho, 0.1, 0.2).position, lines[1].energy, 1e-6);
  // A grid that misses the 3 aE1 peak is bad input.
  InverseProblem narrow = ip;
  narrow.omega_max = 0.1;
  EXPECT_THROW(require_grid_covers(narrow, lines, 0.01, "grid"), InputError);
}

TEST(TrainingSet, SeededPrefixesAndFamilies) {
  const InverseProblem ip = small_problem();
  TrainingSetConfig c;
  c.size = 12;
  c.seed = 3;
  const auto big = make_training_set(ip, c);
  c.size = 5;
  const auto small = make_training_set(ip, c);
  for (std::size_t i = 0; i < small.correlators.size(); ++i) EXPECT_EQ(small.correlators[i], big.correlators[i]);
  // Correlators equal the closed-form peak integrals; repo normalisation has weight a / sqrt 2.
  const auto peaks = gaussian_peak_sample(c, 2);
  const auto cv = correlator_of_peaks(ip, peaks);
  for (int t = 0; t < ip.n_tau; ++t) EXPECT_DOUBLE_EQ(big.correlators[2 * ip.n_tau + t], cv[t]);
  c.repo_peak_norm = true;
  const auto repo = gaussian_peak_sample(c, 2);
  EXPECT_NEAR(repo[0].weight, peaks[0].weight / std::sqrt(2.0), 1e-15);
  // Chebyshev family: rho vanishes below E0 >= e0_min and C is finite.
  c.family = Family::chebyshev;
  c.e0_min = 0.1;
  c.e0_max = 0.15;
  c.e_max = 1.0;
  c.chebyshev_quadrature = 2001;
  const auto cheb = make_training_set(ip, c);
  const auto grid = ip.omega_grid();
  for (int i = 0; i < c.size; ++i)
    for (int j = 0; j < ip.n_omega; ++j)
      if (grid[j] < 0.1) {
        EXPECT_EQ(cheb.densities[static_cast<std::size_t>(i) * ip.n_omega + j], 0.0);
      }
  for (double v : cheb.correlators) EXPECT_TRUE(std::isfinite(v));
}

// A small GP problem: N training pairs, a few test correlators, erf kernel (well conditioned).
struct GpFixture {
  InverseProblem ip = small_problem(40);
  Matrix<double> X, Xt, Y;
  kernels::InfiniteWidthKernels train, cross, test;
  GpFixture(double sigma_b = 0.1) {
    TrainingSetConfig c;
    c.size = 30;
    c.seed = 5;
    const auto set = make_training_set(ip, c);
    c.seed = 6;
    c.size = 4;
    const auto tset = make_training_set(ip, c);
    Backend& b = cpu_backend();
    X = Matrix<double>::from_host(b, ip.n_tau, 30, set.correlators);
    Y = Matrix<double>::from_host(b, ip.n_omega, 30, set.densities);
    Xt = Matrix<double>::from_host(b, ip.n_tau, 4, tset.correlators);
    kernels::FullyConnectedSpec s;
    s.hidden_layers = 2;
    s.sigma_w = 1.5;
    s.sigma_b = sigma_b;
    s.activation = UnaryOp::erf;
    train = kernels::infinite_width_kernels(b, s, X.view());
    cross = kernels::infinite_width_kernels(b, s, X.view(), Xt.view());
    test = kernels::infinite_width_kernels(b, s, Xt.view());
  }
  KernelBlocks nngp() const { return {train.nngp.view(), cross.nngp.view(), test.nngp.view()}; }
  KernelBlocks ntk() const { return {train.ntk.view(), cross.ntk.view(), test.ntk.view()}; }
};

double frobenius_diff(const Matrix<double>& a, const Matrix<double>& b) {
  const auto x = a.to_host(), y = b.to_host();
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += (x[i] - y[i]) * (x[i] - y[i]);
  return std::sqrt(s);
}

double max_abs_diff(const Matrix<double>& a, const Matrix<double>& b) {
  const auto x = a.to_host(), y = b.to_host();
  double m = 0;
  for (std::size_t i = 0; i < x.size(); ++i) m = std::max(m, std::abs(x[i] - y[i]));
  return m;
}

TEST(GpRegression, NngpInterpolatesTrainingDataAndHasNonNegativeVariance) {
  GpFixture f;
  Backend& b = cpu_backend();
  const auto pred = nngp_posterior(b, f.nngp(), f.Y.view());
  for (index_t i = 0; i < 4; ++i) EXPECT_GE(pred.covariance(i, i), -1e-9 * f.test.nngp(i, i));
  // Predicting at the training inputs returns the training targets, with zero variance.
  const KernelBlocks at_train{f.train.nngp.view(), f.train.nngp.view(), f.train.nngp.view()};
  const auto self = nngp_posterior(b, at_train, f.Y.view());
  EXPECT_LT(max_abs_diff(self.mean, f.Y), 1e-6 * 50);
  for (index_t i = 0; i < 30; ++i) EXPECT_NEAR(self.covariance(i, i), 0.0, 1e-6 * f.train.nngp(i, i));
}

TEST(GpRegression, FiniteTimeNtkGpTendsToInfiniteTime) {
  GpFixture f;
  Backend& b = cpu_backend();
  const auto inf = ntk_gp_infinite_time(b, f.ntk(), f.nngp(), f.Y.view());
  const auto late = ntk_gp_at_time(b, f.ntk(), f.nngp(), f.Y.view(), 1e14);
  const auto early = ntk_gp_at_time(b, f.ntk(), f.nngp(), f.Y.view(), 0.0);
  const double scale = f.Y.to_host().empty() ? 1.0 : 10.0;
  EXPECT_LT(max_abs_diff(late.mean, inf.mean), 1e-5 * scale);
  EXPECT_LT(max_abs_diff(late.covariance, inf.covariance), 1e-5 * f.test.nngp(0, 0));
  // t = 0: the untrained network, mean 0 and covariance K(x*, x*).
  EXPECT_LT(max_abs_diff(early.mean, Matrix<double>::zeros(b, f.ip.n_omega, 4)), 1e-14);
  EXPECT_LT(max_abs_diff(early.covariance, f.test.nngp), 1e-12 * f.test.nngp(0, 0));
  // On the training inputs the residual is Y e^{-Theta t}: its norm shrinks monotonically.
  const KernelBlocks theta_train{f.train.ntk.view(), f.train.ntk.view(), f.train.ntk.view()};
  const KernelBlocks k_train{f.train.nngp.view(), f.train.nngp.view(), f.train.nngp.view()};
  double prev = 1e300;
  for (double t : {1e-3, 1e-1, 1e1, 1e3}) {
    const double d = frobenius_diff(ntk_gp_at_time(b, theta_train, k_train, f.Y.view(), t).mean, f.Y);
    EXPECT_LT(d, prev) << t;
    prev = d;
  }
}

TEST(GpRegression, NtkGpWithThetaEqualKIsTheNngpPosterior) {
  GpFixture f;
  Backend& b = cpu_backend();
  const auto nngp = nngp_posterior(b, f.nngp(), f.Y.view());
  const auto ntk = ntk_gp_infinite_time(b, f.nngp(), f.nngp(), f.Y.view());
  EXPECT_LT(max_abs_diff(nngp.mean, ntk.mean), 1e-6);
  EXPECT_LT(max_abs_diff(nngp.covariance, ntk.covariance), 1e-7 * f.test.nngp(0, 0));
  // With Theta != K the NTK-GP covariance is still PSD (a spread over initialisations).
  const auto real = ntk_gp_infinite_time(b, f.ntk(), f.nngp(), f.Y.view());
  const auto h = real.covariance.to_host();
  const Eigen::Map<const Eigen::MatrixXd> C(h.data(), 4, 4);
  EXPECT_GT(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(C).eigenvalues().minCoeff(), -1e-8 * C.trace());
}

TEST(BackusGilbert, ReproducesAConstantDensityExactly) {
  // C = c R(tau) is the correlator of rho = c on [0, omega_max]; int Delta = 1 makes rho_hat = c.
  InverseProblem ip = small_problem(11);
  BackusGilbertConfig cfg;
  cfg.omega_max = 1.0;
  cfg.lambda = 1e-2;
  std::vector<double> C(ip.n_tau), cov(ip.n_tau * ip.n_tau, 0.0);
  for (int t = 0; t < ip.n_tau; ++t) {
    C[t] = 0.7 * ((1 - std::exp(-t * 1.0)) / std::max(t, 1) * (t > 0) + (t == 0) +
                  (1 - std::exp(-(ip.time_extent - t))) / (ip.time_extent - t));
    cov[t + t * ip.n_tau] = 1e-8 * C[t] * C[t];
  }
  const auto r = backus_gilbert(ip, C, cov, cfg);
  for (double v : r.rho) EXPECT_NEAR(v, 0.7, 2e-3);
}

TEST(BackusGilbert, LocalisesAnIsolatedPeak) {
  // Exact x correlator with 0.1% errors: the estimate peaks near aE1 and its resolution shrinks as
  // lambda decreases.
  const qho::QhoParams p;
  InverseProblem ip = small_problem(81);
  const auto lines = qho::exact_spectral_lines(p, qho::Operator::x);
  const auto C = correlator_of_lines(ip, lines);
  std::vector<double> cov(ip.n_tau * ip.n_tau, 0.0);
  for (int t = 0; t < ip.n_tau; ++t) cov[t + t * ip.n_tau] = 1e-6 * C[t] * C[t];
  BackusGilbertConfig cfg;
  const auto r = backus_gilbert(ip, C, cov, cfg);
  const auto grid = ip.omega_grid();
  const auto it = std::max_element(r.rho.begin(), r.rho.end());
  EXPECT_NEAR(grid[it - r.rho.begin()], lines[0].energy, 0.02);
  cfg.lambda = 1e-6;
  const auto sharp = backus_gilbert(ip, C, cov, cfg);
  const std::size_t i = static_cast<std::size_t>(it - r.rho.begin());
  EXPECT_LT(sharp.spread[i], r.spread[i]);
  EXPECT_GT(sharp.error[i], r.error[i]);
}

TEST(LinearGp, PosteriorCoversTruthDrawnFromItsPrior) {
  // rho ~ prior, C = K_q rho + eps: the pointwise posterior intervals cover the truth at their
  // nominal rates (checked at one random grid point per draw, so the trials are independent).
  InverseProblem ip = small_problem();
  ip.n_tau = 40;
  LinearGpConfig cfg;
  cfg.amplitude = 2.0;
  cfg.length = 0.03;
  cfg.omega_max = 0.3;
  cfg.n_omega = 61;
  const int ng = cfg.n_omega, nt = ip.n_tau, draws = 300;
  const auto k = linear_gp_prior(cfg);
  Eigen::Map<const Eigen::MatrixXd> K(k.data(), ng, ng);
  const Eigen::MatrixXd Lk = (K + 1e-10 * cfg.amplitude * cfg.amplitude * Eigen::MatrixXd::Identity(ng, ng)).llt().matrixL();
  const auto kq = linear_gp_forward(ip, cfg);
  Eigen::Map<const Eigen::MatrixXd> Kq(kq.data(), nt, ng);
  std::vector<double> Sigma(nt * nt, 0.0);
  for (int t = 0; t < nt; ++t) Sigma[t + t * nt] = std::pow(1e-3 * std::exp(-0.02 * t), 2);
  int in1 = 0, in2 = 0;
  for (int d = 0; d < draws; ++d) {
    PhiloxStream rng({42, static_cast<std::uint32_t>(d)}, 0);
    Eigen::VectorXd z(ng);
    for (int i = 0; i < ng; ++i) z(i) = rng.normal();
    const Eigen::VectorXd rho = Lk * z;
    Eigen::VectorXd c = Kq * rho;
    for (int t = 0; t < nt; ++t) c(t) += std::sqrt(Sigma[t + t * nt]) * rng.normal();
    const auto post = linear_gp_posterior(cpu_backend(), ip, cfg, std::vector<double>(c.data(), c.data() + nt), Sigma);
    const int j = static_cast<int>(rng.below(ng));
    const double pull = std::abs(post.mean[j] - rho(j)) / post.sd[j];
    in1 += pull < 1.0;
    in2 += pull < 2.0;
  }
  const double p1 = 0.682689, p2 = 0.954500;
  EXPECT_NEAR(in1 / double(draws), p1, 3.5 * std::sqrt(p1 * (1 - p1) / draws));
  EXPECT_NEAR(in2 / double(draws), p2, 3.5 * std::sqrt(p2 * (1 - p2) / draws));
}

}  // namespace
