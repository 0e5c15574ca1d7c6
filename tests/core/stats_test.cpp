// fl::stats against exact results: AR(1) processes with known tau_int, identities of the
// jackknife for linear functions, and the delta method for a ratio of means.
// All random inputs come from Philox with fixed keys; statistical checks use n-sigma bounds
// whose sigma is the estimator's own (or a known) standard error.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "core/philox.hpp"
#include "core/stats.hpp"
#include "tests/core/ar1.hpp"

namespace {

namespace st = fl::stats;

using fl::test::ar1;
using fl::test::ar1_tau;

std::vector<double> iid_normal(std::size_t n, double mu, double sigma, std::uint32_t stream) {
  fl::PhiloxStream rng(fl::PhiloxKey{99, stream}, 0);
  std::vector<double> x(n);
  for (auto& v : x) v = mu + sigma * rng.normal();
  return x;
}

// Root mean square of a set of pulls; for honest errors it is 1 within ~1/sqrt(2 n).
double rms(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x * x;
  return std::sqrt(s / static_cast<double>(v.size()));
}

TEST(Stats, MeanAndVarianceExact) {
  EXPECT_DOUBLE_EQ(st::mean({1.0, 2.0, 3.0, 6.0}), 3.0);
  EXPECT_DOUBLE_EQ(st::variance({1.0, 2.0, 3.0, 6.0}), 14.0 / 3.0);
  // A large offset must not destroy the small spread (two-pass algorithm).
  EXPECT_NEAR(st::variance({1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0, 1e9 + 6.0}), 14.0 / 3.0, 1e-6);
  EXPECT_EQ(st::variance({5.0, 5.0, 5.0}), 0.0);
  EXPECT_THROW(st::mean({}), std::invalid_argument);
  EXPECT_THROW(st::variance({1.0}), std::invalid_argument);
}

// Reference: rho(t) = [1/(N-t) sum (x_i - m)(x_{i+t} - m)] / [1/N sum (x_i - m)^2].
std::vector<double> naive_autocorrelation(const std::vector<double>& x, std::int64_t max_lag) {
  const double m = st::mean(x);
  const std::int64_t n = static_cast<std::int64_t>(x.size());
  std::vector<double> c(max_lag + 1);
  for (std::int64_t t = 0; t <= max_lag; ++t) {
    long double s = 0;
    for (std::int64_t i = 0; i + t < n; ++i) s += (x[i] - m) * (x[i + t] - m);
    c[t] = static_cast<double>(s / (n - t));
  }
  for (std::int64_t t = max_lag; t >= 0; --t) c[t] /= c[0];
  return c;
}

TEST(Stats, AutocorrelationDirectAndFftPathsAgreeWithReference) {
  const std::vector<double> x = ar1(0.7, 5000, 1, 0);
  const std::vector<double> ref = naive_autocorrelation(x, 4999);
  const std::vector<double> short_lags = st::autocorrelation(x, 100);   // direct sums
  const std::vector<double> all_lags = st::autocorrelation(x, 4999);   // FFT path
  ASSERT_EQ(short_lags.size(), 101u);
  ASSERT_EQ(all_lags.size(), 5000u);
  EXPECT_EQ(short_lags[0], 1.0);
  for (std::size_t t = 0; t <= 100; ++t) EXPECT_NEAR(short_lags[t], ref[t], 1e-12) << t;
  for (std::size_t t = 0; t < 5000; ++t) ASSERT_NEAR(all_lags[t], ref[t], 1e-9) << t;
  // max_lag is clamped to N - 1; a constant series has rho = (1, 0, 0, ...).
  EXPECT_EQ(st::autocorrelation({1.0, 2.0, 4.0}, 10).size(), 3u);
  EXPECT_EQ(st::autocorrelation({3.0, 3.0, 3.0}, 2), (std::vector<double>{1.0, 0.0, 0.0}));
}

TEST(Stats, Ar1AutocorrelationIsGeometric) {
  // Bartlett: var(rho_hat(1)) ~ (1 - phi^2) / N for AR(1).
  const double phi = 0.6;
  const std::size_t n = 200000;
  const std::vector<double> rho = st::autocorrelation(ar1(phi, n, 2, 0), 3);
  for (int t = 1; t <= 3; ++t) {
    const double sigma = std::sqrt((1 + phi * phi) * (1 - std::pow(phi, 2 * t)) / (1 - phi * phi) /
                                   static_cast<double>(n));
    EXPECT_NEAR(rho[t], std::pow(phi, t), 5 * sigma) << "lag " << t;
  }
}

TEST(Stats, TauIntWindowFollowsMadrasSokalRule) {
  const std::vector<double> x = ar1(0.8, 20000, 3, 0);
  const st::TauInt r = st::tau_int(x, 6.0);
  ASSERT_TRUE(r.window_ok);
  const std::vector<double> rho = st::autocorrelation(x, r.window);
  double tau = 0.5;
  for (std::int64_t w = 1; w <= r.window; ++w) {
    tau += rho[w];
    if (w < r.window) {
      EXPECT_LT(static_cast<double>(w), 6.0 * tau) << "window not the smallest";
    }
  }
  EXPECT_GE(static_cast<double>(r.window), 6.0 * tau);
  const double bias_factor = (1.0 + (2.0 * r.window + 1.0) / 20000.0) / (1.0 + 2.0 * tau / 20000.0);
  EXPECT_NEAR(r.tau, tau * bias_factor, 1e-12);
  EXPECT_NEAR(r.tau_err, r.tau * std::sqrt(4.0 * (r.window + 0.5 - r.tau) / 20000.0), 1e-12);
  // A larger c gives a larger window.
  EXPECT_GT(st::tau_int(x, 12.0).window, r.window);
}

TEST(Stats, TauIntOfAr1MatchesExactValueWithinErrors) {
  // For each phi, 16 independent chains: every estimate within 4 sigma of the exact value,
  // and the pulls (estimate - exact) / error have rms ~ 1, i.e. the error bars are honest.
  const std::size_t n = 100000;
  const int replicas = 16;
  for (double phi : {0.0, 0.5, 0.8, 0.95}) {
    SCOPED_TRACE("phi = " + std::to_string(phi));
    const double exact = ar1_tau(phi);
    std::vector<double> pulls;
    for (int r = 0; r < replicas; ++r) {
      const st::TauInt t = st::tau_int(ar1(phi, n, 7, static_cast<std::uint32_t>(r)));
      EXPECT_TRUE(t.window_ok);
      EXPECT_NEAR(t.tau, exact, 4 * t.tau_err);
      pulls.push_back((t.tau - exact) / t.tau_err);
    }
    // rms of 16 standard normal pulls: 1 +- 0.18; allow 3.5 sigma either side.
    const double pull_rms = rms(pulls);
    EXPECT_GT(pull_rms, 1.0 - 3.5 * 0.18);
    EXPECT_LT(pull_rms, 1.0 + 3.5 * 0.18);
    // The mean pull tests for bias: 0 +- 1/sqrt(16).
    EXPECT_NEAR(std::accumulate(pulls.begin(), pulls.end(), 0.0) / replicas, 0.0, 3.5 / 4.0);
  }
}

TEST(Stats, MeanWithErrorIsHonestForCorrelatedData) {
  // Spread of chain means against their quoted errors; the exact mean is 0.
  const double phi = 0.9;
  const std::size_t n = 20000;
  const int replicas = 24;
  std::vector<double> pulls;
  for (int r = 0; r < replicas; ++r) {
    const std::vector<double> x = ar1(phi, n, 11, static_cast<std::uint32_t>(r));
    const st::Estimate e = st::mean_with_error(x);
    // Expected error sqrt(2 tau / N) with tau = 9.5: about 0.031.
    EXPECT_NEAR(e.error, std::sqrt(2.0 * ar1_tau(phi) / n), 0.25 * std::sqrt(2.0 * ar1_tau(phi) / n));
    // The naive error misses the factor sqrt(2 tau) = sqrt(19).
    EXPECT_LT(st::naive_mean_error(x).error, e.error / 3.0);
    pulls.push_back(e.value / e.error);
  }
  const double pull_rms = rms(pulls);  // 1 +- 0.14
  EXPECT_GT(pull_rms, 1.0 - 3.5 * 0.14);
  EXPECT_LT(pull_rms, 1.0 + 3.5 * 0.14);
}

TEST(Stats, BlockMeans) {
  EXPECT_EQ(st::block_means({1, 2, 3, 4, 5, 6, 7}, 3), (std::vector<double>{2.0, 5.0}));
  EXPECT_EQ(st::block_means({1, 2}, 3), std::vector<double>{});
  EXPECT_THROW(st::block_means({1, 2}, 0), std::invalid_argument);
}

TEST(Stats, BlockingPlateauMatchesTauInt) {
  const double phi = 0.9;
  const std::size_t n = 1 << 17;
  const std::vector<double> x = ar1(phi, n, 5, 0);
  const std::vector<st::BlockingPoint> points = st::blocking_analysis(x);
  ASSERT_EQ(points.front().block_size, 1);
  EXPECT_DOUBLE_EQ(points.front().error, st::naive_mean_error(x).error);
  ASSERT_EQ(points.back().block_size, static_cast<std::int64_t>(n / 2));
  for (std::size_t k = 1; k < points.size(); ++k)
    ASSERT_EQ(points[k].block_size, 2 * points[k - 1].block_size);
  // At block size 1024 (~100 tau) the blocks are nearly independent: the error is
  // sqrt(2 tau var / N) with the exact tau (var = 1), up to the blocking estimate's own
  // relative spread 1/sqrt(2 (K - 1)) for K = 128 blocks, and agrees with mean_with_error.
  const double exact = std::sqrt(2.0 * ar1_tau(phi) / static_cast<double>(n));
  const auto plateau = std::find_if(points.begin(), points.end(),
                                    [](const st::BlockingPoint& p) { return p.block_size == 1024; });
  ASSERT_NE(plateau, points.end());
  const double rel_sigma = 1.0 / std::sqrt(2.0 * 127.0);
  EXPECT_NEAR(plateau->error / exact, 1.0, 4 * rel_sigma);
  EXPECT_NEAR(plateau->error / st::mean_with_error(x).error, 1.0, 4 * rel_sigma);
}

TEST(Stats, JackknifeOfLinearFunctionEqualsNaiveErrorOfBlockMeans) {
  const std::vector<double> x = iid_normal(1001, 3.0, 2.0, 0);
  const st::DerivedFn identity = [](const std::vector<double>& m) { return m[0]; };
  const st::Estimate jk1 = st::jackknife({x}, identity, 1);
  EXPECT_DOUBLE_EQ(jk1.value, st::mean(x));
  EXPECT_NEAR(jk1.error, st::naive_mean_error(x).error, 1e-12);
  // With blocks, the error is that of the block means (the tail of 1001 % 10 is dropped for
  // the error; the value uses all data).
  const st::Estimate jk10 = st::jackknife({x}, identity, 10);
  EXPECT_DOUBLE_EQ(jk10.value, st::mean(x));
  EXPECT_NEAR(jk10.error, st::naive_mean_error(st::block_means(x, 10)).error, 1e-12);
}

// Ratio of means r = <a>/<b>, delta method with sample moments:
// var(r) = [var_a / mb^2 + ma^2 var_b / mb^4 - 2 ma cov_ab / mb^3] / N.
struct RatioData {
  std::vector<double> a, b;
  double delta_error;
};
RatioData correlated_ratio_data(std::size_t n) {
  RatioData d;
  const std::vector<double> u = iid_normal(n, 0.0, 1.0, 1), v = iid_normal(n, 0.0, 1.0, 2);
  for (std::size_t i = 0; i < n; ++i) {
    d.a.push_back(2.0 + 0.5 * u[i]);
    d.b.push_back(4.0 + 0.3 * u[i] + 0.6 * v[i]);  // correlated with a
  }
  const double ma = st::mean(d.a), mb = st::mean(d.b);
  double cov = 0.0;
  for (std::size_t i = 0; i < n; ++i) cov += (d.a[i] - ma) * (d.b[i] - mb);
  cov /= static_cast<double>(n - 1);
  const double var_r = (st::variance(d.a) / (mb * mb) + ma * ma * st::variance(d.b) / std::pow(mb, 4) -
                        2.0 * ma * cov / std::pow(mb, 3)) /
                       static_cast<double>(n);
  d.delta_error = std::sqrt(var_r);
  return d;
}
const st::DerivedFn ratio = [](const std::vector<double>& m) { return m[0] / m[1]; };

TEST(Stats, JackknifeOfRatioMatchesDeltaMethod) {
  const RatioData d = correlated_ratio_data(20000);
  const st::Estimate jk = st::jackknife({d.a, d.b}, ratio);
  EXPECT_DOUBLE_EQ(jk.value, st::mean(d.a) / st::mean(d.b));
  // Both are first-order estimates of the same variance; they differ at O(1/N).
  EXPECT_NEAR(jk.error / d.delta_error, 1.0, 1e-3);
}

TEST(Stats, BootstrapOfRatioMatchesDeltaMethod) {
  const RatioData d = correlated_ratio_data(20000);
  const std::int64_t resamples = 2000;
  const st::Estimate bs = st::bootstrap({d.a, d.b}, ratio, resamples, 42);
  EXPECT_DOUBLE_EQ(bs.value, st::mean(d.a) / st::mean(d.b));
  // Monte Carlo spread of a bootstrap standard deviation: 1/sqrt(2 R) relative.
  EXPECT_NEAR(bs.error / d.delta_error, 1.0, 4.0 / std::sqrt(2.0 * resamples));
  // Reproducible for a seed, different for another.
  const st::Estimate small = st::bootstrap({d.a, d.b}, ratio, 100, 42);
  EXPECT_EQ(st::bootstrap({d.a, d.b}, ratio, 100, 42).error, small.error);
  EXPECT_NE(st::bootstrap({d.a, d.b}, ratio, 100, 43).error, small.error);
}

TEST(Stats, BlockedJackknifeAndBootstrapCaptureAutocorrelation) {
  const double phi = 0.9;
  const std::size_t n = 1 << 16;
  const std::vector<double> x = ar1(phi, n, 13, 0);
  const st::DerivedFn identity = [](const std::vector<double>& m) { return m[0]; };
  const double exact = std::sqrt(2.0 * ar1_tau(phi) / static_cast<double>(n));
  const std::int64_t block = 512;  // ~50 tau; K = 128 blocks
  const double rel_sigma = 1.0 / std::sqrt(2.0 * 127.0);
  EXPECT_NEAR(st::jackknife({x}, identity, block).error / exact, 1.0, 4 * rel_sigma);
  EXPECT_NEAR(st::bootstrap({x}, identity, 1000, 1, block).error / exact, 1.0,
              4 * (rel_sigma + 1.0 / std::sqrt(2000.0)));
  // Without blocking both miss the autocorrelation by a factor ~sqrt(2 tau) = 4.4.
  EXPECT_LT(st::jackknife({x}, identity, 1).error, exact / 3.0);
}

TEST(Stats, ResamplingInputChecks) {
  const st::DerivedFn f = [](const std::vector<double>& m) { return m[0]; };
  EXPECT_THROW(st::jackknife({}, f), std::invalid_argument);
  EXPECT_THROW(st::jackknife({{1, 2, 3}, {1, 2}}, f), std::invalid_argument);
  EXPECT_THROW(st::jackknife({{1, 2, 3}}, f, 2), std::invalid_argument);  // 1 block
  EXPECT_THROW(st::jackknife({{1, 2, 3}}, f, 0), std::invalid_argument);
  EXPECT_THROW(st::bootstrap({{1, 2, 3}}, f, 1, 0), std::invalid_argument);
  EXPECT_THROW(st::tau_int({1.0}), std::invalid_argument);
}

}  // namespace
