// CPU backend dense linear algebra against naive loops and exact identities.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <numbers>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "cpu_test_util.hpp"

namespace fl {
namespace {

using test::HostMatrix;
using test::op_at;
using test::random_matrix;

template <class T>
double tolerance() {
  return std::is_same_v<T, float> ? 2e-5 : 1e-12;
}

template <class T>
class CpuGemm : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(CpuGemm, Precisions);

// C = alpha op(A) op(B) + beta C by the triple loop, accumulated in double.
template <class T>
HostMatrix<T> naive_gemm(Trans ta, Trans tb, T alpha, const HostMatrix<T>& A,
                         const HostMatrix<T>& B, T beta, HostMatrix<T> C) {
  const index_t k = ta == Trans::no ? A.cols : A.rows;
  for (index_t i = 0; i < C.rows; ++i)
    for (index_t j = 0; j < C.cols; ++j) {
      double s = 0;
      for (index_t l = 0; l < k; ++l)
        s += static_cast<double>(op_at(A, ta, i, l)) * op_at(B, tb, l, j);
      C(i, j) = static_cast<T>(alpha * s + static_cast<double>(beta) * C(i, j));
    }
  return C;
}

template <class T>
void expect_matrix_near(const HostMatrix<T>& got, const HostMatrix<T>& want, double tol) {
  ASSERT_EQ(got.data.size(), want.data.size());
  for (std::size_t i = 0; i < got.data.size(); ++i)  // padding included: must be untouched
    ASSERT_NEAR(got.data[i], want.data[i], tol * (1 + std::fabs(want.data[i]))) << "flat index " << i;
}

TYPED_TEST(CpuGemm, AllTransposeCasesOnStridedViews) {
  using T = TypeParam;
  const index_t m = 37, n = 23, k = 41;
  int seed = 1;
  for (Trans ta : {Trans::no, Trans::yes})
    for (Trans tb : {Trans::no, Trans::yes}) {
      const index_t ar = ta == Trans::no ? m : k, ac = ta == Trans::no ? k : m;
      const index_t br = tb == Trans::no ? k : n, bc = tb == Trans::no ? n : k;
      const auto A = random_matrix<T>(ar, ac, ar + 3, seed++);
      const auto B = random_matrix<T>(br, bc, br + 5, seed++);
      auto C = random_matrix<T>(m, n, m + 2, seed++);
      const T alpha = T(0.75), beta = T(-1.25);
      const auto want = naive_gemm(ta, tb, alpha, A, B, beta, C);
      cpu_backend().gemm<T>(ta, tb, alpha, A.cview(), B.cview(), beta, C.view());
      SCOPED_TRACE(testing::Message() << "ta=" << int(ta) << " tb=" << int(tb));
      expect_matrix_near(C, want, tolerance<T>() * k);
    }
}

TYPED_TEST(CpuGemm, BetaZeroIgnoresNanInOutputAndEmptyInnerDimensionScales) {
  using T = TypeParam;
  const auto A = random_matrix<T>(8, 5, 8, 11), B = random_matrix<T>(5, 6, 5, 12);
  HostMatrix<T> C(8, 6, 8, std::numeric_limits<T>::quiet_NaN());
  cpu_backend().gemm<T>(Trans::no, Trans::no, T(1), A.cview(), B.cview(), T(0), C.view());
  expect_matrix_near(C, naive_gemm(Trans::no, Trans::no, T(1), A, B, T(0), HostMatrix<T>(8, 6, 8)),
                     tolerance<T>() * 5);

  // k = 0: C = beta C
  HostMatrix<T> A0(8, 0, 8), B0(0, 6, 1);
  auto C2 = random_matrix<T>(8, 6, 8, 13);
  auto want = C2;
  for (auto& x : want.data) x *= T(3);
  cpu_backend().gemm<T>(Trans::no, Trans::no, T(1), A0.cview(), B0.cview(), T(3), C2.view());
  expect_matrix_near(C2, want, 0);
}

TEST(CpuGemm, ShapeMismatchThrows) {
  const auto A = random_matrix<double>(4, 3, 4, 1), B = random_matrix<double>(4, 3, 4, 2);
  HostMatrix<double> C(4, 3, 4);
  EXPECT_THROW(cpu_backend().gemm<double>(Trans::no, Trans::no, 1.0, A.cview(), B.cview(), 0.0,
                                          C.view()),
               std::invalid_argument);
  MatrixView<double> on_gpu{C.data.data(), 4, 3, 4, Device::cuda};
  EXPECT_THROW(cpu_backend().gemm<double>(Trans::no, Trans::yes, 1.0, A.cview(), B.cview(), 0.0,
                                          on_gpu),
               std::logic_error);
}

TEST(CpuGemm, InvalidLeadingDimensionIsRejectedByEveryMatrixOp) {
  std::vector<double> storage(64, 1.0), w(8);
  const MatrixView<double> bad{storage.data(), 8, 8, 4, Device::cpu};  // ld < rows
  const MatrixView<double> good{storage.data(), 8, 8, 8, Device::cpu};
  Backend& be = cpu_backend();
  EXPECT_THROW(be.syrk<double>(Trans::no, 1.0, bad, 0.0, good), std::invalid_argument);
  EXPECT_THROW(be.cholesky(bad), std::invalid_argument);
  EXPECT_THROW(be.cholesky_solve(bad, good), std::invalid_argument);
  EXPECT_THROW(be.eigh(bad, {w.data(), 8, Device::cpu}), std::invalid_argument);
  EXPECT_THROW(be.copy<double>(bad, good), std::invalid_argument);
  EXPECT_THROW(be.gemm_strided_batched<double>(Trans::no, Trans::no, 2, 1.0, bad, 0, good, 0, 0.0,
                                               good, 64),
               std::invalid_argument);
  // Batches of C written concurrently may not overlap (stride 63 < 8 * 7 + 8).
  EXPECT_THROW(be.gemm_strided_batched<double>(Trans::no, Trans::no, 2, 1.0, good, 0, good, 0, 0.0,
                                               good, 63),
               std::invalid_argument);
}

// Batched products, each operand packed with its own stride; stride 0 broadcasts.
template <class T>
void check_batched(index_t m, index_t n, index_t k, index_t batch, bool broadcast_a,
                   bool broadcast_b, Trans ta, Trans tb) {
  const index_t ar = ta == Trans::no ? m : k, ac = ta == Trans::no ? k : m;
  const index_t br = tb == Trans::no ? k : n, bc = tb == Trans::no ? n : k;
  const index_t lda = ar + 1, ldb = br + 2, ldc = m + 1;
  const index_t sA = broadcast_a ? 0 : lda * ac + 7, sB = broadcast_b ? 0 : ldb * bc + 3,
                sC = ldc * n + 5;
  const auto Aall = test::random_vector<T>(static_cast<std::size_t>(sA * (batch - 1) + lda * ac), 21);
  const auto Ball = test::random_vector<T>(static_cast<std::size_t>(sB * (batch - 1) + ldb * bc), 22);
  auto Call = test::random_vector<T>(static_cast<std::size_t>(sC * batch), 23);
  const auto Cbefore = Call;
  const T alpha = T(1.5), beta = T(0.5);
  cpu_backend().gemm_strided_batched<T>(ta, tb, batch, alpha, {Aall.data(), ar, ac, lda, Device::cpu}, sA,
                                        {Ball.data(), br, bc, ldb, Device::cpu}, sB, beta,
                                        {Call.data(), m, n, ldc, Device::cpu}, sC);
  for (index_t b = 0; b < batch; ++b) {
    HostMatrix<T> A(ar, ac, lda), B(br, bc, ldb), C(m, n, ldc);
    std::copy_n(Aall.begin() + b * sA, lda * ac, A.data.begin());
    std::copy_n(Ball.begin() + b * sB, ldb * bc, B.data.begin());
    std::copy_n(Cbefore.begin() + b * sC, ldc * n, C.data.begin());
    const auto want = naive_gemm(ta, tb, alpha, A, B, beta, C);
    for (index_t j = 0; j < n; ++j)
      for (index_t i = 0; i < m; ++i)
        ASSERT_NEAR(Call[static_cast<std::size_t>(b * sC + i + j * ldc)], want(i, j),
                    tolerance<T>() * k * 4)
            << "batch " << b << " (" << i << "," << j << ")";
    // Gaps between batch entries (padding rows, stride slack) stay untouched.
    for (index_t j = 0; j < n; ++j)
      EXPECT_EQ(Call[static_cast<std::size_t>(b * sC + m + j * ldc)],
                Cbefore[static_cast<std::size_t>(b * sC + m + j * ldc)]);
  }
}

TYPED_TEST(CpuGemm, StridedBatchedSmallParallelPathWithBroadcast) {
  for (bool ba : {false, true})
    for (bool bb : {false, true})
      check_batched<TypeParam>(7, 5, 6, 33, ba, bb, Trans::no, Trans::yes);
  check_batched<TypeParam>(9, 4, 3, 17, false, true, Trans::yes, Trans::no);
}

TYPED_TEST(CpuGemm, StridedBatchedLargeSequentialPath) {
  check_batched<TypeParam>(70, 50, 60, 3, true, false, Trans::yes, Trans::yes);
}

TYPED_TEST(CpuGemm, SyrkBothTransposesWritesFullSymmetricMatrix) {
  using T = TypeParam;
  const index_t n = 29, k = 13;
  for (Trans t : {Trans::no, Trans::yes}) {
    const auto A = t == Trans::no ? random_matrix<T>(n, k, n + 4, 31) : random_matrix<T>(k, n, k + 4, 32);
    auto C = random_matrix<T>(n, n, n + 1, 33);
    for (index_t j = 0; j < n; ++j)  // symmetric input C, as syrk requires
      for (index_t i = 0; i < j; ++i) C(i, j) = C(j, i);
    const T alpha = T(-0.5), beta = T(2);
    const auto want = naive_gemm(t, t == Trans::no ? Trans::yes : Trans::no, alpha, A, A, beta, C);
    cpu_backend().syrk<T>(t, alpha, A.cview(), beta, C.view());
    expect_matrix_near(C, want, tolerance<T>() * k);
  }
}

// --- factorisations ---------------------------------------------------------------------

double max_abs_diff_llt(const HostMatrix<double>& L, const HostMatrix<double>& A, double shift) {
  double worst = 0;
  for (index_t i = 0; i < A.rows; ++i)
    for (index_t j = 0; j <= i; ++j) {
      double s = 0;
      for (index_t k = 0; k <= j; ++k) s += L(i, k) * L(j, k);
      worst = std::max(worst, std::fabs(s - A(i, j) - (i == j ? shift : 0.0)));
    }
  return worst;
}

TEST(CpuCholesky, FactorOfSpdMatrixNeedsNoJitterAndSolves) {
  const index_t n = 150, ld = 153;
  const auto A = test::random_spd(n, ld, 41);
  auto L = A;
  const CholeskyInfo info = cpu_backend().cholesky(L.view());
  EXPECT_EQ(info.jitter, 0.0);
  EXPECT_EQ(info.attempts, 1);
  EXPECT_LT(max_abs_diff_llt(L, A, 0.0), 1e-12);
  for (index_t j = 1; j < n; ++j)
    for (index_t i = 0; i < j; ++i) ASSERT_EQ(L(i, j), 0.0) << "upper triangle must be zeroed";
  for (index_t i = n; i < ld; ++i) ASSERT_EQ(L(i, 0), -777.0) << "padding untouched";

  // Solve A X = B for 3 right-hand sides; residual |A X - B| relative to |B|.
  const auto B = random_matrix<double>(n, 3, n + 2, 42);
  auto X = B;
  cpu_backend().cholesky_solve(L.cview(), X.view());
  for (index_t c = 0; c < 3; ++c)
    for (index_t i = 0; i < n; ++i) {
      double s = 0;
      for (index_t k = 0; k < n; ++k) s += (i >= k ? A(i, k) : A(k, i)) * X(k, c);
      ASSERT_NEAR(s, B(i, c), 1e-11);
    }
}

TEST(CpuCholesky, SingularPsdMatrixGetsReportedJitter) {
  // Rank 3 Gram matrix of size 40: singular, positive semi-definite.
  const index_t n = 40, r = 3;
  const auto X = random_matrix<double>(n, r, n, 51);
  HostMatrix<double> A(n, n, n);
  for (index_t i = 0; i < n; ++i)
    for (index_t j = 0; j < n; ++j)
      for (index_t k = 0; k < r; ++k) A(i, j) += X(i, k) * X(j, k);
  auto L = A;
  const CholeskyOptions opt{1e-12, 1e-4};
  const CholeskyInfo info = cpu_backend().cholesky(L.view(), opt);
  EXPECT_GT(info.jitter, 0.0);
  EXPECT_GT(info.attempts, 1);
  EXPECT_LE(info.jitter_relative, opt.max_jitter * (1 + 1e-9));
  double mean_diag = 0;
  for (index_t i = 0; i < n; ++i) mean_diag += A(i, i) / n;
  EXPECT_NEAR(info.jitter, info.jitter_relative * mean_diag, 1e-15 * mean_diag);
  // The attempts follow the documented ladder: 0, initial, 10 initial, ...
  EXPECT_NEAR(info.jitter_relative, opt.initial_jitter * std::pow(10.0, info.attempts - 2),
              1e-9 * info.jitter_relative);
  EXPECT_LT(max_abs_diff_llt(L, A, info.jitter), 1e-12 * n);
}

TEST(CpuCholesky, IndefiniteMatrixThrowsAndLeavesInputIntact) {
  const index_t n = 20;
  auto A = test::random_spd(n, n, 61);
  A(7, 7) = -5.0;  // a negative diagonal entry: indefinite whatever the jitter
  const auto before = A;
  EXPECT_THROW(cpu_backend().cholesky(A.view()), NumericalError);
  for (index_t j = 0; j < n; ++j)
    for (index_t i = j; i < n; ++i) ASSERT_EQ(A(i, j), before(i, j));

  auto B = test::random_spd(n, n, 62);
  B(3, 2) = std::numeric_limits<double>::quiet_NaN();
  EXPECT_THROW(cpu_backend().cholesky(B.view()), NumericalError);
}

TEST(CpuEigh, DecompositionSatisfiesAVEqualsVDiagW) {
  const index_t n = 64, ld = 66;
  auto A = random_matrix<double>(n, n, ld, 71);
  for (index_t j = 0; j < n; ++j)
    for (index_t i = 0; i < j; ++i) A(i, j) = A(j, i);
  const auto A0 = A;
  std::vector<double> w(n);
  cpu_backend().eigh(A.view(), {w.data(), n, Device::cpu});
  for (index_t i = 1; i < n; ++i) EXPECT_LE(w[i - 1], w[i]) << "ascending";
  for (index_t c = 0; c < n; ++c) {
    for (index_t i = 0; i < n; ++i) {
      double av = 0;
      for (index_t k = 0; k < n; ++k) av += A0(i, k) * A(k, c);
      ASSERT_NEAR(av, w[c] * A(i, c), 1e-12);
    }
    for (index_t d = 0; d < n; ++d) {  // orthonormal columns
      double vv = 0;
      for (index_t k = 0; k < n; ++k) vv += A(k, c) * A(k, d);
      ASSERT_NEAR(vv, c == d ? 1.0 : 0.0, 1e-12);
    }
  }
}

TEST(CpuEigh, KnownSpectrumOfDiscreteLaplacian) {
  // tridiag(-1, 2, -1) of size n has eigenvalues 2 - 2 cos(k pi / (n + 1)), k = 1..n.
  const index_t n = 50;
  HostMatrix<double> A(n, n, n);
  for (index_t i = 0; i < n; ++i) {
    A(i, i) = 2;
    if (i + 1 < n) A(i + 1, i) = A(i, i + 1) = -1;
  }
  std::vector<double> w(n);
  cpu_backend().eigh(A.view(), {w.data(), n, Device::cpu});
  for (index_t k = 1; k <= n; ++k)
    EXPECT_NEAR(w[k - 1], 2 - 2 * std::cos(k * std::numbers::pi / (n + 1)), 1e-13);
}

}  // namespace
}  // namespace fl
