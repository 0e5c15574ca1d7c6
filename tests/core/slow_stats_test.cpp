// Longer validations of fl::stats (label "slow"): with hundreds of independent replicas the
// estimators must be unbiased and their quoted errors must have the right size (pull
// distributions), and the resampling errors must give correct coverage.
#include <gtest/gtest.h>

#include <cmath>

#include "core/philox.hpp"
#include "core/stats.hpp"
#include "tests/core/ar1.hpp"

namespace {

namespace st = fl::stats;

using fl::test::ar1;
using fl::test::ar1_tau;

double mean_of(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
double sd_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

TEST(StatsSlow, TauIntOverManyAr1ChainsHasOnlyTheKnownBiasAndAnHonestError) {
  const std::size_t n = 200000;
  const int replicas = 200;
  for (double phi : {0.5, 0.9, 0.99}) {
    const double exact = ar1_tau(phi);
    // Deviation of each estimate from what a window W can see: the exact tau minus the
    // truncated tail sum_{t>W} phi^t (the method's systematic error, ~exp(-c)).
    std::vector<double> deviations, errors;
    for (int r = 0; r < replicas; ++r) {
      const st::TauInt t = st::tau_int(ar1(phi, n, 2024, static_cast<std::uint32_t>(r)));
      ASSERT_TRUE(t.window_ok);
      const double truncated = exact - std::pow(phi, static_cast<double>(t.window + 1)) / (1.0 - phi);
      deviations.push_back(t.tau - truncated);
      errors.push_back(t.tau_err);
    }
    const double spread = sd_of(deviations);
    const double bias_sigma = spread / std::sqrt(static_cast<double>(replicas));
    const double error_ratio = mean_of(errors) / spread;  // quoted error / true spread
    std::printf("phi %.2f  tau %.2f  mean deviation %+.4f +- %.4f  quoted error / spread %.3f\n", phi,
                exact, mean_of(deviations), bias_sigma, error_ratio);
    EXPECT_NEAR(mean_of(deviations), 0.0, 3.5 * bias_sigma) << "phi " << phi;
    // Bartlett's formula for AR(1) at c = 6 predicts a ratio of 1/0.87 = 1.15 (Wolff's error
    // formula is slightly conservative); the measured spread has relative error 1/sqrt(2(R-1)).
    const double ratio_sigma = 1.15 / std::sqrt(2.0 * (replicas - 1));
    EXPECT_NEAR(error_ratio, 1.15, 3.5 * ratio_sigma) << "phi " << phi;
  }
}

TEST(StatsSlow, ResamplingErrorsHaveCorrectCoverage) {
  // Ratio of means <a>/<b> with exact value 2/4; a one-sigma interval must contain it in
  // 68.3% of the replicas (binomial error sqrt(p (1 - p) / replicas)).
  const int replicas = 400;
  const std::size_t n = 1000;
  const st::DerivedFn ratio = [](const std::vector<double>& m) { return m[0] / m[1]; };
  int jk_hits = 0, bs_hits = 0;
  for (int r = 0; r < replicas; ++r) {
    fl::PhiloxStream rng(fl::PhiloxKey{77, static_cast<std::uint32_t>(r)}, 0);
    std::vector<double> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = rng.normal(), v = rng.normal();
      a[i] = 2.0 + 0.5 * u;
      b[i] = 4.0 + 0.3 * u + 0.6 * v;
    }
    const st::Estimate jk = st::jackknife({a, b}, ratio);
    const st::Estimate bs = st::bootstrap({a, b}, ratio, 400, static_cast<std::uint32_t>(r));
    jk_hits += std::abs(jk.value - 0.5) < jk.error;
    bs_hits += std::abs(bs.value - 0.5) < bs.error;
  }
  const double p = std::erf(1.0 / std::sqrt(2.0));
  const double sigma = std::sqrt(p * (1.0 - p) / replicas);
  std::printf("coverage: jackknife %.3f  bootstrap %.3f  (expected %.3f +- %.3f)\n",
              static_cast<double>(jk_hits) / replicas, static_cast<double>(bs_hits) / replicas, p, sigma);
  EXPECT_NEAR(static_cast<double>(jk_hits) / replicas, p, 4 * sigma);
  EXPECT_NEAR(static_cast<double>(bs_hits) / replicas, p, 4 * sigma);
}

}  // namespace
