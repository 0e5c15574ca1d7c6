// Statistical quality of the Philox fills: Kolmogorov-Smirnov for uniform and normal
// (float and double), chi-square for Bernoulli, and independence of streams (different
// seed, stream, step or neighbouring elements). Fixed seeds; every threshold is the
// critical value at the stated significance level, not a tuned number.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/backend.hpp"

namespace fl {
namespace {

template <class T>
std::vector<T> uniforms(std::size_t n, PhiloxKey key, std::uint64_t step) {
  std::vector<T> x(n);
  cpu_backend().fill_uniform<T>({x.data(), static_cast<index_t>(n), Device::cpu}, key, step);
  return x;
}
template <class T>
std::vector<T> normals(std::size_t n, PhiloxKey key, std::uint64_t step) {
  std::vector<T> x(n);
  cpu_backend().fill_normal<T>({x.data(), static_cast<index_t>(n), Device::cpu}, key, step);
  return x;
}

// sqrt(n) * D, the Kolmogorov-Smirnov statistic of the sample against the CDF.
template <class T, class Cdf>
double ks_statistic(std::vector<T> x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(static_cast<double>(x[i]));
    d = std::max({d, (i + 1) / n - f, f - i / n});
  }
  return std::sqrt(n) * d;
}

// Asymptotic Kolmogorov distribution: P(sqrt(n) D > 1.9495) = 0.001.
constexpr double kKsCritical001 = 1.9495;
constexpr std::size_t kSamples = 200000;

const PhiloxKey kKeys[] = {{0, 0}, {1, 0}, {1, 1}, {0xdeadbeef, 12345}};

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

TEST(RngStatistics, UniformPassesKolmogorovSmirnov) {
  for (const PhiloxKey& key : kKeys)
    for (std::uint64_t step : {0ull, 77ull}) {
      SCOPED_TRACE(testing::Message() << "seed " << key.seed << " stream " << key.stream << " step " << step);
      EXPECT_LT(ks_statistic(uniforms<double>(kSamples, key, step), [](double u) { return u; }), kKsCritical001);
      EXPECT_LT(ks_statistic(uniforms<float>(kSamples, key, step), [](double u) { return u; }), kKsCritical001);
    }
}

TEST(RngStatistics, NormalPassesKolmogorovSmirnov) {
  for (const PhiloxKey& key : kKeys)
    for (std::uint64_t step : {0ull, 77ull}) {
      SCOPED_TRACE(testing::Message() << "seed " << key.seed << " stream " << key.stream << " step " << step);
      EXPECT_LT(ks_statistic(normals<double>(kSamples, key, step), normal_cdf), kKsCritical001);
      EXPECT_LT(ks_statistic(normals<float>(kSamples, key, step), normal_cdf), kKsCritical001);
    }
}

TEST(RngStatistics, KolmogorovSmirnovDetectsAWrongDistribution) {
  // The test has power: a normal sample is rejected against a Student-like wider CDF,
  // and a uniform sample squeezed by 1% is rejected too.
  const auto z = normals<double>(kSamples, {3, 3}, 0);
  EXPECT_GT(ks_statistic(z, [](double x) { return normal_cdf(x / 1.02); }), kKsCritical001);
  auto u = uniforms<double>(kSamples, {3, 3}, 0);
  for (auto& v : u) v *= 0.99;
  EXPECT_GT(ks_statistic(u, [](double x) { return x; }), kKsCritical001);
}

// Chi-square over probability classes: x_i ~ Bernoulli(p_{i mod 5}); with k ones out of N
// in a class, sum (k - N p)^2 / (N p (1-p)) ~ chi2 with 5 degrees of freedom.
template <class T>
double bernoulli_chi2(PhiloxKey key, std::uint64_t step) {
  const T probs[5] = {T(0.05), T(0.3), T(0.5), T(0.77), T(0.95)};
  std::vector<T> p(kSamples), x(kSamples);
  for (std::size_t i = 0; i < kSamples; ++i) p[i] = probs[i % 5];
  cpu_backend().fill_bernoulli<T>({x.data(), static_cast<index_t>(kSamples), Device::cpu},
                                  {p.data(), static_cast<index_t>(kSamples), Device::cpu}, key, step);
  double ones[5] = {};
  for (std::size_t i = 0; i < kSamples; ++i) {
    EXPECT_TRUE(x[i] == T(0) || x[i] == T(1));
    ones[i % 5] += x[i];
  }
  const double per_class = kSamples / 5.0;
  double chi2 = 0;
  for (int c = 0; c < 5; ++c) {
    const double pc = probs[c];
    chi2 += std::pow(ones[c] - per_class * pc, 2) / (per_class * pc * (1 - pc));
  }
  return chi2;
}

constexpr double kChi2Dof5Critical001 = 20.515;  // P(chi2_5 > 20.515) = 0.001

TEST(RngStatistics, BernoulliPassesChiSquare) {
  for (const PhiloxKey& key : kKeys) {
    SCOPED_TRACE(testing::Message() << "seed " << key.seed << " stream " << key.stream);
    EXPECT_LT(bernoulli_chi2<double>(key, 5), kChi2Dof5Critical001);
    EXPECT_LT(bernoulli_chi2<float>(key, 5), kChi2Dof5Critical001);
  }
}

// Pearson correlation times sqrt(n): standard normal for independent samples.
template <class T>
double correlation_z(const std::vector<T>& a, const std::vector<T>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
  ma /= n, mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb) * std::sqrt(static_cast<double>(n));
}

constexpr double kSigmas = 4.0;  // two-sided p = 6.3e-5 per comparison

TEST(RngStatistics, StreamsWithDifferentKeysOrStepsAreUncorrelated) {
  const auto base = uniforms<double>(kSamples, {7, 0}, 0);
  const std::pair<PhiloxKey, std::uint64_t> others[] = {
      {{7, 1}, 0}, {{8, 0}, 0}, {{7, 0}, 1}, {{0, 7}, 0}};
  for (const auto& [key, step] : others) {
    SCOPED_TRACE(testing::Message() << "seed " << key.seed << " stream " << key.stream << " step " << step);
    EXPECT_LT(std::fabs(correlation_z(base, uniforms<double>(kSamples, key, step))), kSigmas);
    EXPECT_LT(std::fabs(correlation_z(normals<double>(kSamples, {7, 0}, 0),
                                      normals<double>(kSamples, key, step))),
              kSigmas);
  }
  // Neighbouring elements of one stream (lags 1..4 cover the words of one block).
  const auto z = normals<float>(kSamples, {7, 0}, 0);
  for (std::size_t lag = 1; lag <= 4; ++lag) {
    const std::vector<float> head(z.begin(), z.end() - lag), tail(z.begin() + lag, z.end());
    EXPECT_LT(std::fabs(correlation_z(head, tail)), kSigmas) << "lag " << lag;
  }
}

TEST(RngStatistics, RawBitsOfAdjacentStreamsAgreeHalfTheTime) {
  // Bits of stream 0 and stream 1 match with probability 1/2 each: binomial(32 n, 1/2).
  const std::size_t n = 100000;
  std::vector<std::uint32_t> a(n), b(n);
  cpu_backend().fill_raw({a.data(), static_cast<index_t>(n), Device::cpu}, {11, 0}, 0);
  cpu_backend().fill_raw({b.data(), static_cast<index_t>(n), Device::cpu}, {11, 1}, 0);
  double equal = 0;
  for (std::size_t i = 0; i < n; ++i) equal += 32 - __builtin_popcount(a[i] ^ b[i]);
  const double bits = 32.0 * n;
  EXPECT_LT(std::fabs(equal - bits / 2) / std::sqrt(bits / 4), kSigmas);
}

}  // namespace
}  // namespace fl
