// CPU backend reductions, element-wise maps, vector updates and optimiser steps against
// naive loops, finite differences and hand-computed values.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <limits>

#include "core/backend.hpp"
#include "core/unary_ops.hpp"
#include "cpu_test_util.hpp"

namespace fl {
namespace {

template <class T>
VectorView<T> vv(std::vector<T>& v) {
  return {v.data(), static_cast<index_t>(v.size()), Device::cpu};
}
template <class T>
VectorView<const T> cv(const std::vector<T>& v) {
  return {v.data(), static_cast<index_t>(v.size()), Device::cpu};
}

template <class T>
class CpuElementwise : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuElementwise, Precisions);

// Sizes around the chunk boundaries (16384) and a multi-chunk size that is not a multiple.
const std::vector<std::size_t> kSizes = {0, 1, 7, 16384, 16385, 100003};

TYPED_TEST(CpuElementwise, ReductionsMatchNaiveLoops) {
  using T = TypeParam;
  for (std::size_t n : kSizes) {
    const auto x = test::random_vector<T>(n, 100 + n), y = test::random_vector<T>(n, 200 + n);
    long double s = 0, d = 0, q = 0, m = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s += x[i];
      d += static_cast<long double>(x[i]) * y[i];
      q += static_cast<long double>(x[i]) * x[i];
      m = std::max<long double>(m, std::fabs(x[i]));
    }
    SCOPED_TRACE(n);
    Backend& be = cpu_backend();
    EXPECT_NEAR(be.sum(cv(x)), static_cast<double>(s), 1e-12 * (1 + n));
    EXPECT_NEAR(be.dot(cv(x), cv(y)), static_cast<double>(d), 1e-12 * (1 + n));
    EXPECT_NEAR(be.nrm2(cv(x)), std::sqrt(static_cast<double>(q)), 1e-12 * (1 + std::sqrt(n)));
    EXPECT_EQ(be.max_abs(cv(x)), static_cast<double>(m));
  }
}

TEST(CpuReductions, Nrm2DoesNotOverflowAndMaxAbsPropagatesNan) {
  std::vector<double> x = {3e200, -4e200};
  EXPECT_NEAR(cpu_backend().nrm2(cv(x)), 5e200, 1e186);
  std::vector<double> z(10, 0.0);
  EXPECT_EQ(cpu_backend().nrm2(cv(z)), 0.0);
  std::vector<double> with_nan(40000, 1.0);
  with_nan[20000] = std::numeric_limits<double>::quiet_NaN();
  with_nan[30000] = 5.0;  // a larger value after the NaN must not hide it
  EXPECT_TRUE(std::isnan(cpu_backend().max_abs(cv(with_nan))));
  EXPECT_TRUE(std::isnan(cpu_backend().nrm2(cv(with_nan))));
}

TEST(CpuReductions, BitIdenticalForAnyThreadCount) {
  const auto x = test::random_vector<double>(300001, 5), y = test::random_vector<double>(300001, 6);
  const int saved = omp_get_max_threads();
  std::vector<double> results[2];
  const int threads[2] = {1, 3};
  for (int t = 0; t < 2; ++t) {
    omp_set_num_threads(threads[t]);
    results[t] = {cpu_backend().sum(cv(x)), cpu_backend().dot(cv(x), cv(y)),
                  cpu_backend().nrm2(cv(x))};
  }
  omp_set_num_threads(saved);
  for (int k = 0; k < 3; ++k) EXPECT_EQ(results[0][k], results[1][k]) << "reduction " << k;
}

TYPED_TEST(CpuElementwise, RowAndColumnSumsOnStridedView) {
  using T = TypeParam;
  for (index_t rows : {5, 300}) {
    const index_t cols = 211, ld = rows + 3;
    const auto A = test::random_matrix<T>(rows, cols, ld, 7);
    std::vector<T> r(rows), c(cols);
    cpu_backend().row_sums<T>(A.cview(), vv(r));
    cpu_backend().col_sums<T>(A.cview(), vv(c));
    for (index_t i = 0; i < rows; ++i) {
      double s = 0;
      for (index_t j = 0; j < cols; ++j) s += A(i, j);
      ASSERT_NEAR(r[i], s, 1e-5 * std::sqrt(cols));
    }
    for (index_t j = 0; j < cols; ++j) {
      double s = 0;
      for (index_t i = 0; i < rows; ++i) s += A(i, j);
      ASSERT_NEAR(c[j], s, 1e-5 * std::sqrt(rows));
    }
  }
}

// Reference values from <cmath>, written independently of core/unary_ops.hpp.
double reference_map(UnaryOp op, double x) {
  switch (op) {
    case UnaryOp::identity: return x;
    case UnaryOp::tanh: return std::tanh(x);
    case UnaryOp::relu: return std::max(x, 0.0);
    case UnaryOp::sigmoid: return 1 / (1 + std::exp(-x));
    case UnaryOp::softplus: return std::log(1 + std::exp(x));
    case UnaryOp::exp: return std::exp(x);
    case UnaryOp::log: return std::log(x);
    case UnaryOp::square: return x * x;
    case UnaryOp::erf: return std::erf(x);
    case UnaryOp::sin: return std::sin(x);
    case UnaryOp::cos: return std::cos(x);
  }
  return NAN;
}

constexpr UnaryOp kOps[] = {UnaryOp::identity, UnaryOp::tanh, UnaryOp::relu, UnaryOp::sigmoid,
                            UnaryOp::softplus, UnaryOp::exp,  UnaryOp::log,  UnaryOp::square,
                            UnaryOp::erf,      UnaryOp::sin,  UnaryOp::cos};

// Inputs in [-4, 4] away from relu's kink (log gets |x| + 0.1).
std::vector<double> map_inputs(UnaryOp op, std::size_t n) {
  auto x = test::random_vector<double>(n, 77, -4, 4);
  for (auto& v : x) {
    if (std::fabs(v) < 1e-3) v = 0.5;
    if (op == UnaryOp::log) v = std::fabs(v) + 0.1;
  }
  return x;
}

TEST(CpuMaps, ValuesMatchCmathAndDerivativesMatchFiniteDifferences) {
  const std::size_t n = 20000;
  for (UnaryOp op : kOps) {
    SCOPED_TRACE(std::string(unary_op_name(op)));
    const auto x = map_inputs(op, n);
    std::vector<double> y(n), dy(n);
    cpu_backend().map<double>(op, cv(x), vv(y));
    cpu_backend().map_derivative<double>(op, cv(x), vv(dy));
    const double h = 1e-5;
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(y[i], reference_map(op, x[i]), 1e-14 * (1 + std::fabs(y[i]))) << "x=" << x[i];
      const double fd = (reference_map(op, x[i] + h) - reference_map(op, x[i] - h)) / (2 * h);
      ASSERT_NEAR(dy[i], fd, 1e-8 * (1 + std::fabs(fd))) << "x=" << x[i];
    }
  }
}

TEST(CpuMaps, FloatAgreesWithDoubleAndMapMayRunInPlace) {
  const std::size_t n = 5000;
  for (UnaryOp op : kOps) {
    SCOPED_TRACE(std::string(unary_op_name(op)));
    const auto xd = map_inputs(op, n);
    std::vector<float> xf(xd.begin(), xd.end()), yf(n), dyf(n);
    std::vector<double> xr(xf.begin(), xf.end()), yd(n), dyd(n);  // same inputs, rounded
    cpu_backend().map<float>(op, cv(xf), vv(yf));
    cpu_backend().map_derivative<float>(op, cv(xf), vv(dyf));
    cpu_backend().map<double>(op, cv(xr), vv(yd));
    cpu_backend().map_derivative<double>(op, cv(xr), vv(dyd));
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_NEAR(yf[i], yd[i], 1e-6 * (1 + std::fabs(yd[i])));
      ASSERT_NEAR(dyf[i], dyd[i], 1e-6 * (1 + std::fabs(dyd[i])));
    }
    cpu_backend().map<float>(op, cv(xf), vv(xf));  // in place
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(xf[i], yf[i]);
  }
}

TEST(CpuMaps, ExtremeInputsStayFinite) {
  std::vector<double> x = {-800, -40, 40, 800}, y(4), dy(4);
  cpu_backend().map<double>(UnaryOp::softplus, cv(x), vv(y));
  EXPECT_EQ(y[0], 0.0);
  EXPECT_NEAR(y[1], std::exp(-40.0), 1e-30);
  EXPECT_EQ(y[3], 800.0);
  cpu_backend().map<double>(UnaryOp::sigmoid, cv(x), vv(y));
  cpu_backend().map_derivative<double>(UnaryOp::sigmoid, cv(x), vv(dy));
  EXPECT_EQ(y[0], 0.0);
  EXPECT_EQ(y[3], 1.0);
  for (double d : dy) EXPECT_TRUE(std::isfinite(d));
}

TYPED_TEST(CpuElementwise, FillScaleAxpyMulAndBias) {
  using T = TypeParam;
  const std::size_t n = 40001;
  auto x = test::random_vector<T>(n, 1), y = test::random_vector<T>(n, 2);
  const auto x0 = x, y0 = y;
  Backend& be = cpu_backend();
  be.axpy<T>(T(2.5), cv(x), vv(y));
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(y[i], y0[i] + T(2.5) * x0[i]);
  be.scale<T>(T(-3), vv(x));
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(x[i], T(-3) * x0[i]);
  be.mul<T>(cv(x), cv(y), vv(x));  // aliasing z = x
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(x[i], (T(-3) * x0[i]) * y[i]);
  be.fill<T>(vv(x), T(0.25));
  for (T v : x) ASSERT_EQ(v, T(0.25));

  auto Y = test::random_matrix<T>(33, 1500, 35, 3);
  const auto Y0 = Y;
  const auto b = test::random_vector<T>(33, 4);
  be.add_column_vector<T>(cv(b), Y.view());
  for (index_t j = 0; j < 1500; ++j) {
    for (index_t i = 0; i < 33; ++i) ASSERT_EQ(Y(i, j), Y0(i, j) + b[i]);
    for (index_t i = 33; i < 35; ++i) ASSERT_EQ(Y(i, j), Y0(i, j)) << "padding untouched";
  }
}

TYPED_TEST(CpuElementwise, StridedCopy) {
  using T = TypeParam;
  const auto A = test::random_matrix<T>(17, 9, 20, 8);
  test::HostMatrix<T> B(17, 9, 18, T(5));
  cpu_backend().copy<T>(A.cview(), B.view());
  for (index_t j = 0; j < 9; ++j) {
    for (index_t i = 0; i < 17; ++i) ASSERT_EQ(B(i, j), A(i, j));
    ASSERT_EQ(B(17, j), T(5));
  }
}

// --- optimisers: values worked out by hand ------------------------------------------------

TEST(CpuOptimisers, SgdPlainMomentumAndWeightDecay) {
  std::vector<double> w = {1.0, -2.0}, g = {0.5, 0.25}, vel = {0.0, 0.0};
  SgdParams p;
  p.learning_rate = 0.1;
  cpu_backend().sgd_step<double>(p, vv(w), cv(g), {});
  EXPECT_DOUBLE_EQ(w[0], 0.95);   // 1 - 0.1*0.5
  EXPECT_DOUBLE_EQ(w[1], -2.025); // -2 - 0.1*0.25

  w = {1.0, -2.0};
  p.momentum = 0.9;
  p.weight_decay = 0.01;
  // step 1: g' = g + 0.01 w = (0.51, 0.23); v = g'; w = w - 0.1 v
  cpu_backend().sgd_step<double>(p, vv(w), cv(g), vv(vel));
  EXPECT_DOUBLE_EQ(vel[0], 0.51);
  EXPECT_DOUBLE_EQ(vel[1], 0.23);
  EXPECT_DOUBLE_EQ(w[0], 0.949);
  EXPECT_DOUBLE_EQ(w[1], -2.023);
  // step 2: g' = (0.5 + 0.00949, 0.25 - 0.02023) = (0.50949, 0.22977);
  // v = 0.9 v + g' = (0.96849, 0.43677); w = (0.949 - 0.096849, -2.023 - 0.043677)
  cpu_backend().sgd_step<double>(p, vv(w), cv(g), vv(vel));
  EXPECT_NEAR(vel[0], 0.96849, 1e-15);
  EXPECT_NEAR(vel[1], 0.43677, 1e-15);
  EXPECT_NEAR(w[0], 0.852151, 1e-15);
  EXPECT_NEAR(w[1], -2.066677, 1e-15);
}

TYPED_TEST(CpuElementwise, AdamTwoStepsByHand) {
  using T = TypeParam;
  std::vector<T> w = {T(1)}, m = {T(0)}, v = {T(0)};
  AdamParams p;
  p.learning_rate = 0.1;  // beta1 0.9, beta2 0.999, eps 1e-8
  std::vector<T> g = {T(0.5)};
  // step 1: m = 0.05, v = 0.00025, m_hat = 0.5, v_hat = 0.25, w = 1 - 0.1 * 0.5/(0.5+1e-8)
  cpu_backend().adam_step<T>(p, 1, vv(w), cv(g), vv(m), vv(v));
  const double tol = std::is_same_v<T, float> ? 1e-6 : 1e-14;
  EXPECT_NEAR(m[0], 0.05, tol);
  EXPECT_NEAR(v[0], 0.00025, tol * 1e-2);
  EXPECT_NEAR(w[0], 1 - 0.1 * 0.5 / (0.5 + 1e-8), tol);
  // step 2 with g = -1: m = 0.045 - 0.1 = -0.055, v = 0.00024975 + 0.001 = 0.00124975,
  // m_hat = -0.055 / 0.19, v_hat = 0.00124975 / 0.001999
  g = {T(-1)};
  const double w1 = w[0];
  cpu_backend().adam_step<T>(p, 2, vv(w), cv(g), vv(m), vv(v));
  EXPECT_NEAR(m[0], -0.055, tol);
  EXPECT_NEAR(v[0], 0.00124975, tol * 1e-2);
  const double expected = w1 - 0.1 * (-0.055 / 0.19) / (std::sqrt(0.00124975 / 0.001999) + 1e-8);
  EXPECT_NEAR(w[0], expected, tol);
  EXPECT_NEAR(w[0], 0.9366096, 1e-6);  // the same number, evaluated by hand
}

TEST(CpuOptimisers, AdamWeightDecayIsDecoupled) {
  // With g = 0 the moments stay 0 and only the decoupled decay acts: w <- w (1 - lr wd).
  std::vector<double> w = {2.0, -4.0}, g = {0.0, 0.0}, m = {0.0, 0.0}, v = {0.0, 0.0};
  AdamParams p;
  p.learning_rate = 0.01;
  p.weight_decay = 0.5;
  cpu_backend().adam_step<double>(p, 1, vv(w), cv(g), vv(m), vv(v));
  EXPECT_DOUBLE_EQ(w[0], 2.0 * (1 - 0.005));
  EXPECT_DOUBLE_EQ(w[1], -4.0 * (1 - 0.005));
}

TEST(CpuBackendInfo, AlignedMemoryAndDescription) {
  Backend& be = cpu_backend();
  for (std::size_t bytes : {1u, 63u, 64u, 1000u}) {
    void* p = be.allocate(bytes);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % 64, 0u);
    be.deallocate(p);
  }
  EXPECT_EQ(be.device(), Device::cpu);
  EXPECT_FALSE(be.info().name.empty());
  EXPECT_NE(be.info().details.find("threads"), std::string::npos);
  for (int op = 0; op < static_cast<int>(Op::count_); ++op) EXPECT_TRUE(be.supports(static_cast<Op>(op)));
  auto b = Buffer<double>::from_host(be, {1, 2, 3});
  EXPECT_EQ(b.to_host(), (std::vector<double>{1, 2, 3}));
  EXPECT_EQ(make_backend("cpu")->name(), "cpu");
}

}  // namespace
}  // namespace fl
