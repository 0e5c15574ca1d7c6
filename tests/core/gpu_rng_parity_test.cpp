// Philox fills on the CUDA backend: raw words and uniforms bit-identical to the CPU backend
// and to core/philox.hpp evaluated on the host; normals equal up to libm rounding and
// distributed as N(mean, stddev^2). Skipped without a usable CUDA device.
#include <algorithm>
#include <cmath>

#include "tests/core/gpu_parity_util.hpp"

namespace fl::gpu_test {
namespace {

TYPED_TEST_SUITE(GpuTypedTest, Precisions);

const PhiloxKey kKeys[] = {{0u, 0u}, {123u, 7u}, {0xFFFFFFFFu, 0xFFFFFFFEu}};
const std::uint64_t kSteps[] = {0u, 1u, std::uint64_t(1) << 40};
const index_t kSizes[] = {1, 3, 4, 5, 1001};

TEST_F(GpuTest, RawWordsBitIdentical) {
  for (const PhiloxKey key : kKeys)
    for (const std::uint64_t step : kSteps)
      for (const index_t n : kSizes) {
        Buffer<std::uint32_t> c(cpu(), n), g(gpu(), n);
        cpu().fill_raw(c.view(), key, step);
        gpu().fill_raw(g.view(), key, step);
        const auto hg = g.to_host();
        ASSERT_EQ(first_mismatch(hg, c.to_host()), -1) << key.seed << "/" << key.stream << " step " << step << " n " << n;
        for (index_t i = 0; i < n; ++i)
          ASSERT_EQ(hg[i], philox_block(key, std::uint64_t(i / 4), step).v[i % 4]);
      }
}

TYPED_TEST(GpuTypedTest, UniformBitIdentical) {
  using T = TypeParam;
  for (const PhiloxKey key : kKeys)
    for (const std::uint64_t step : kSteps)
      for (const index_t n : {index_t(1), index_t(2), index_t(3), index_t(5), index_t(100003)}) {
        Buffer<T> c(this->cpu(), n), g(this->gpu(), n);
        this->cpu().fill_uniform(c.view(), key, step);
        this->gpu().fill_uniform(g.view(), key, step);
        const auto hg = g.to_host();
        ASSERT_EQ(first_mismatch(hg, c.to_host()), -1) << "n " << n;
        for (index_t i = 0; i < n; i += 97) ASSERT_EQ(hg[i], uniform_at(key, step, std::uint64_t(i), T{}));
      }
}

// More Philox blocks than threads in a capped grid (4096 x 256): the grid-stride loop wraps.
TYPED_TEST(GpuTypedTest, LargeFillsBitIdentical) {
  using T = TypeParam;
  const index_t n = 5'000'003;
  Buffer<T> c(this->cpu(), n), g(this->gpu(), n);
  this->cpu().fill_uniform(c.view(), {8u, 2u}, 5);
  this->gpu().fill_uniform(g.view(), {8u, 2u}, 5);
  EXPECT_EQ(first_mismatch(g.to_host(), c.to_host()), -1);
}

TYPED_TEST(GpuTypedTest, BernoulliBitIdentical) {
  using T = TypeParam;
  const index_t n = 50001;
  auto p = twin<T>(this->cpu(), this->gpu(), n, 1, 7, 0, 0.0, 1.0);
  Buffer<T> c(this->cpu(), n), g(this->gpu(), n);
  this->cpu().fill_bernoulli(c.view(), VectorView<const T>(p.cpu_flat()), {5u, 9u}, 3);
  this->gpu().fill_bernoulli(g.view(), VectorView<const T>(p.gpu_flat()), {5u, 9u}, 3);
  EXPECT_EQ(first_mismatch(g.to_host(), c.to_host()), -1);
}

// Kolmogorov-Smirnov distance between a sample and a continuous CDF.
template <class T, class Cdf>
double ks_distance(std::vector<T> x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  const double n = double(x.size());
  double d = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(double(x[i]));
    d = std::max({d, f - double(i) / n, double(i + 1) / n - f});
  }
  return d;
}
// sqrt(n) D above 1.95 has probability 0.001 under the null hypothesis.
constexpr double kKsCritical = 1.95;

TYPED_TEST(GpuTypedTest, NormalMatchesCpuAndIsGaussian) {
  using T = TypeParam;
  const index_t n = 1 << 20;
  const T mean = T(2), stddev = T(3);
  Buffer<T> c(this->cpu(), n), g(this->gpu(), n);
  this->cpu().fill_normal(c.view(), {11u, 4u}, 0, mean, stddev);
  this->gpu().fill_normal(g.view(), {11u, 4u}, 0, mean, stddev);
  const auto hg = g.to_host(), hc = c.to_host();
  // Same Box-Muller inputs; device and host log/sin/cos may differ in the last ulps.
  const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-12;
  for (index_t i = 0; i < n; ++i)
    ASSERT_NEAR(hg[i], hc[i], tol * (stddev + std::fabs(double(hc[i]) - mean))) << i;

  double s = 0, ss = 0;
  for (T v : hg) {
    const double z = (double(v) - mean) / stddev;
    s += z;
    ss += z * z;
  }
  const double m = s / n, var = ss / n - m * m;
  EXPECT_LT(std::fabs(m), 5.0 / std::sqrt(double(n)));            // independent draws: sd 1/sqrt(n)
  EXPECT_LT(std::fabs(var - 1.0), 5.0 * std::sqrt(2.0 / double(n)));  // sd of the variance: sqrt(2/n)
  const double d = ks_distance(hg, [&](double x) { return 0.5 * std::erfc(-(x - mean) / (stddev * std::sqrt(2.0))); });
  EXPECT_LT(std::sqrt(double(n)) * d, kKsCritical);
}

TYPED_TEST(GpuTypedTest, UniformIsUniform) {
  using T = TypeParam;
  const index_t n = 1 << 20;
  Buffer<T> g(this->gpu(), n);
  this->gpu().fill_uniform(g.view(), {3u, 1u}, 17);
  const auto hg = g.to_host();
  for (T u : hg) ASSERT_TRUE(u > T(0) && u < T(1));
  const double d = ks_distance(hg, [](double x) { return x; });
  EXPECT_LT(std::sqrt(double(n)) * d, kKsCritical);
}

}  // namespace
}  // namespace fl::gpu_test
