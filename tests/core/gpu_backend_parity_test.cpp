// Every Backend op on the CUDA backend against the CPU backend (the reference), float and
// double, on strided views. Skipped without a usable CUDA device.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/error.hpp"
#include "tests/core/gpu_parity_util.hpp"

namespace fl::gpu_test {
namespace {

TYPED_TEST_SUITE(GpuTypedTest, Precisions);

TEST(GpuStatus, ReportsWhyWhenUnusable) {
  const CudaStatus s = cuda_status();
  if (s.usable) {
    EXPECT_TRUE(s.compiled);
    EXPECT_GT(s.device_count, 0);
    EXPECT_EQ(static_cast<int>(s.devices.size()), s.device_count);
  } else {
    EXPECT_FALSE(s.message.empty());
    // Compiled in but unusable must say so and why (no driver, no device, no kernel image).
    if (s.compiled) {
      EXPECT_NE(s.message.find("CUDA compiled in"), std::string::npos) << s.message;
    }
    EXPECT_THROW(make_backend("cuda"), InputError);
  }
}

TEST_F(GpuTest, BackendDescribesItself) {
  EXPECT_EQ(gpu().device(), Device::cuda);
  EXPECT_EQ(gpu().name(), "cuda");
  EXPECT_FALSE(gpu().info().name.empty());
  for (int op = 0; op < static_cast<int>(Op::count_); ++op) EXPECT_TRUE(gpu().supports(static_cast<Op>(op)));
}

TEST_F(GpuTest, RejectsOperandsOnTheWrongDevice) {
  auto host = Matrix<double>::zeros(cpu(), 4, 4);
  auto dev = Matrix<double>::zeros(gpu(), 4, 4);
  EXPECT_THROW(gpu().gemm(Trans::no, Trans::no, 1.0, MatrixView<const double>(host.view()),
                          MatrixView<const double>(dev.view()), 0.0, dev.view()),
               std::logic_error);
  EXPECT_THROW(gpu().sum(VectorView<const double>(host.flat())), std::logic_error);
}

TYPED_TEST(GpuTypedTest, CopiesRoundTripAndStrided) {
  using T = TypeParam;
  auto src = twin<T>(this->cpu(), this->gpu(), 31, 9, 1, 2);
  auto dst = twin<T>(this->cpu(), this->gpu(), 31, 9, 2, 3);
  this->cpu().copy(MatrixView<const T>(src.cpu_view()), dst.cpu_view());
  this->gpu().copy(MatrixView<const T>(src.gpu_view()), dst.gpu_view());
  EXPECT_EQ(first_mismatch(dst.gpu.to_host(), dst.cpu.to_host()), -1);  // pure data movement: exact
  Buffer<T> copy = Buffer<T>::zeros(this->gpu(), src.gpu.size());
  this->gpu().copy(VectorView<const T>(src.gpu_flat()), copy.view());
  EXPECT_EQ(first_mismatch(copy.to_host(), src.cpu.to_host()), -1);
}

TYPED_TEST(GpuTypedTest, GemmAllTransposeCases) {
  using T = TypeParam;
  const index_t m = 37, n = 29, k = 53;
  for (Trans ta : {Trans::no, Trans::yes})
    for (Trans tb : {Trans::no, Trans::yes}) {
      auto A = ta == Trans::no ? twin<T>(this->cpu(), this->gpu(), m, k, 10, 3)
                               : twin<T>(this->cpu(), this->gpu(), k, m, 10, 3);
      auto B = tb == Trans::no ? twin<T>(this->cpu(), this->gpu(), k, n, 11, 1)
                               : twin<T>(this->cpu(), this->gpu(), n, k, 11, 1);
      auto C = twin<T>(this->cpu(), this->gpu(), m, n, 12, 2);
      this->cpu().gemm(ta, tb, T(0.7), MatrixView<const T>(A.cpu_view()), MatrixView<const T>(B.cpu_view()),
                       T(-0.3), C.cpu_view());
      this->gpu().gemm(ta, tb, T(0.7), MatrixView<const T>(A.gpu_view()), MatrixView<const T>(B.gpu_view()),
                       T(-0.3), C.gpu_view());
      EXPECT_LT(C.nse(), kTol<T>) << "ta=" << int(ta) << " tb=" << int(tb);
    }
}

TYPED_TEST(GpuTypedTest, GemmWithEmptyInnerDimensionScalesC) {
  using T = TypeParam;
  auto C = twin<T>(this->cpu(), this->gpu(), 8, 5, 3, 1);
  auto run = [&](Backend& be, MatrixView<T> c) {
    const MatrixView<const T> A(nullptr, 8, 0, 8, be.device()), B(nullptr, 0, 5, 1, be.device());
    be.gemm(Trans::no, Trans::no, T(1), A, B, T(0.5), c);
  };
  run(this->cpu(), C.cpu_view());
  run(this->gpu(), C.gpu_view());
  EXPECT_LT(C.nse(), kTol<T>);
}

TYPED_TEST(GpuTypedTest, GemmStridedBatchedWithBroadcast) {
  using T = TypeParam;
  const index_t m = 12, n = 7, k = 9, batch = 5, gap = 4;
  for (Trans ta : {Trans::no, Trans::yes})
    for (Trans tb : {Trans::no, Trans::yes}) {
      const index_t ar = ta == Trans::no ? m : k, ac = ta == Trans::no ? k : m;
      const index_t br = tb == Trans::no ? k : n, bc = tb == Trans::no ? n : k;
      const bool broadcast_a = ta == tb;  // half of the cases share one A across the batch
      const index_t sA = broadcast_a ? 0 : ar * ac + gap, sB = br * bc + gap, sC = m * n + gap;
      auto A = twin<T>(this->cpu(), this->gpu(), (broadcast_a ? 1 : batch) * sA + ar * ac, 1, 20);
      auto B = twin<T>(this->cpu(), this->gpu(), batch * sB, 1, 21);
      auto C = twin<T>(this->cpu(), this->gpu(), batch * sC, 1, 22);
      auto run = [&](Backend& be, Matrix<T>& a, Matrix<T>& b, Matrix<T>& c) {
        be.gemm_strided_batched(ta, tb, batch, T(1.1), MatrixView<const T>(a.data(), ar, ac, be.device()), sA,
                                MatrixView<const T>(b.data(), br, bc, be.device()), sB, T(0.25),
                                MatrixView<T>(c.data(), m, n, be.device()), sC);
      };
      run(this->cpu(), A.cpu, B.cpu, C.cpu);
      run(this->gpu(), A.gpu, B.gpu, C.gpu);
      EXPECT_LT(C.nse(), kTol<T>) << "ta=" << int(ta) << " tb=" << int(tb);
    }
}

TYPED_TEST(GpuTypedTest, SyrkWritesBothTriangles) {
  using T = TypeParam;
  const index_t n = 41, k = 23;
  for (Trans trans : {Trans::no, Trans::yes}) {
    auto A = trans == Trans::no ? twin<T>(this->cpu(), this->gpu(), n, k, 30, 2)
                                : twin<T>(this->cpu(), this->gpu(), k, n, 30, 2);
    // Symmetric C on input: beta C is then well defined whichever triangle is read.
    std::vector<T> c0 = random_values<T>(n * n, 31);
    for (index_t j = 0; j < n; ++j)
      for (index_t i = 0; i < j; ++i) c0[i + j * n] = c0[j + i * n];
    auto Cc = Matrix<T>::from_host(this->cpu(), n, n, c0);
    auto Cg = Matrix<T>::from_host(this->gpu(), n, n, c0);
    this->cpu().syrk(trans, T(1.3), MatrixView<const T>(A.cpu_view()), T(0.5), Cc.view());
    this->gpu().syrk(trans, T(1.3), MatrixView<const T>(A.gpu_view()), T(0.5), Cg.view());
    const auto g = Cg.to_host();
    EXPECT_LT(nse(g, Cc.to_host()), kTol<T>);
    for (index_t j = 0; j < n; ++j)
      for (index_t i = 0; i < j; ++i) ASSERT_EQ(g[i + j * n], g[j + i * n]) << i << "," << j;
  }
}

// A = Q diag(lambda) Q^T with a known spectrum, built on the CPU backend.
Matrix<double> with_spectrum(Backend& cpu, const std::vector<double>& lambda, std::uint32_t seed) {
  const index_t n = static_cast<index_t>(lambda.size());
  auto S = Matrix<double>::from_host(cpu, n, n, random_values<double>(n * n, seed));
  for (index_t j = 0; j < n; ++j)
    for (index_t i = 0; i < j; ++i) S(i, j) = S(j, i);
  Buffer<double> w(cpu, n);
  cpu.eigh(S.view(), w.view());  // S now holds an orthogonal Q
  auto QL = Matrix<double>::copy_of(S);
  for (index_t j = 0; j < n; ++j)
    for (index_t i = 0; i < n; ++i) QL(i, j) *= lambda[static_cast<std::size_t>(j)];
  auto A = Matrix<double>::zeros(cpu, n, n);
  cpu.gemm(Trans::no, Trans::yes, 1.0, MatrixView<const double>(QL.view()), MatrixView<const double>(S.view()),
           0.0, A.view());
  for (index_t j = 0; j < n; ++j)
    for (index_t i = 0; i < j; ++i) A(i, j) = A(j, i) = 0.5 * (A(i, j) + A(j, i));
  return A;
}

TEST_F(GpuTest, CholeskyFactorAndSolve) {
  const index_t n = 80, k = 120, nrhs = 7;
  auto X = twin<double>(cpu(), gpu(), n, k, 40);
  auto Ac = Matrix<double>::zeros(cpu(), n + 3, n);  // padded: ld = n + 3
  cpu().syrk(Trans::no, 1.0 / k, MatrixView<const double>(X.cpu_view()), 0.0, Ac.view().row_block(0, n));
  for (index_t i = 0; i < n; ++i) Ac(i, i) += 0.1;
  auto Ag = transfer(Ac, gpu());
  const CholeskyInfo ic = cpu().cholesky(Ac.view().row_block(0, n));
  const CholeskyInfo ig = gpu().cholesky(Ag.view().row_block(0, n));
  EXPECT_EQ(ig.attempts, ic.attempts);
  EXPECT_EQ(ig.jitter, 0.0);
  EXPECT_LT(nse(Ag.to_host(), Ac.to_host()), kTol<double>);

  auto B = twin<double>(cpu(), gpu(), n, nrhs, 41, 1);
  cpu().cholesky_solve(MatrixView<const double>(Ac.view().row_block(0, n)), B.cpu_view());
  gpu().cholesky_solve(MatrixView<const double>(Ag.view().row_block(0, n)), B.gpu_view());
  EXPECT_LT(B.nse(), 1e-22);  // forward + backward substitution, condition number ~10
}

TEST_F(GpuTest, CholeskyJitterPolicyMatchesCpu) {
  // Smallest eigenvalue -3e-8 mean(diag): relative jitter 1e-8 cannot fix it, 1e-7 must.
  const index_t n = 60;
  std::vector<double> lambda(n);
  for (index_t i = 0; i < n; ++i) lambda[i] = 1.0 + double(i) / double(n);
  double mean = 0;
  for (double l : lambda) mean += l / double(n);
  lambda[0] = -3e-8 * mean;
  auto Ac = with_spectrum(cpu(), lambda, 42);
  auto Ag = transfer(Ac, gpu());
  const CholeskyInfo ic = cpu().cholesky(Ac.view());
  const CholeskyInfo ig = gpu().cholesky(Ag.view());
  EXPECT_EQ(ig.attempts, ic.attempts);
  EXPECT_EQ(ig.jitter_relative, ic.jitter_relative);
  EXPECT_NEAR(ig.jitter, ic.jitter, 1e-12 * ic.jitter);
  EXPECT_EQ(ig.attempts, 7);  // 0, 1e-12, ..., 1e-7
  EXPECT_DOUBLE_EQ(ig.jitter_relative, 1e-7);
  EXPECT_LT(nse(Ag.to_host(), Ac.to_host()), 1e-16);  // factor of a condition-~1e7 matrix
}

TEST_F(GpuTest, CholeskyOfIndefiniteMatrixThrowsAndKeepsInput) {
  std::vector<double> lambda(30, 1.0);
  lambda[3] = -0.5;
  auto A = transfer(with_spectrum(cpu(), lambda, 43), gpu());
  const auto before = A.to_host();
  EXPECT_THROW(gpu().cholesky(A.view()), NumericalError);
  EXPECT_EQ(first_mismatch(A.to_host(), before), -1);
  auto N = Matrix<double>::from_host(gpu(), 2, 2, {1.0, NAN, NAN, 1.0});
  EXPECT_THROW(gpu().cholesky(N.view()), NumericalError);
}

TEST_F(GpuTest, EighMatchesUpToEigenvectorSigns) {
  const index_t n = 64;
  std::vector<double> s = random_values<double>(n * n, 50);
  for (index_t j = 0; j < n; ++j)
    for (index_t i = 0; i < j; ++i) s[i + j * n] = s[j + i * n];
  auto Ac = Matrix<double>::from_host(cpu(), n, n, s);
  auto Ag = Matrix<double>::from_host(gpu(), n, n, s);
  Buffer<double> wc(cpu(), n), wg(gpu(), n);
  cpu().eigh(Ac.view(), wc.view());
  gpu().eigh(Ag.view(), wg.view());
  const auto lc = wc.to_host(), lg = wg.to_host();
  EXPECT_LT(nse(lg, lc), kTol<double>);
  EXPECT_TRUE(std::is_sorted(lg.begin(), lg.end()));
  const auto vc = Ac.to_host();
  auto vg = Ag.to_host();
  for (index_t j = 0; j < n; ++j) {  // eigenvectors are defined up to sign
    double d = 0;
    for (index_t i = 0; i < n; ++i) d += vc[i + j * n] * vg[i + j * n];
    for (index_t i = 0; i < n; ++i) vg[i + j * n] *= d < 0 ? -1 : 1;
  }
  EXPECT_LT(nse(vg, vc), 1e-20);  // eigenvector error ~ eps / (eigenvalue gap ~ 1e-2)
}

TYPED_TEST(GpuTypedTest, ReductionsAgreeAndAreDeterministic) {
  using T = TypeParam;
  for (index_t n : {index_t(0), index_t(1), index_t(255), index_t(1000), index_t(100003), index_t((1 << 20) + 7)}) {
    auto x = twin<T>(this->cpu(), this->gpu(), n, 1, 60, 0, -0.5, 1.0);
    auto y = twin<T>(this->cpu(), this->gpu(), n, 1, 61);
    const VectorView<const T> xc = x.cpu_flat(), xg = x.gpu_flat(), yc = y.cpu_flat(), yg = y.gpu_flat();
    double abs_sum = 0, abs_dot = 0;
    const auto hx = x.cpu.to_host(), hy = y.cpu.to_host();
    for (std::size_t i = 0; i < hx.size(); ++i) {
      abs_sum += std::fabs(double(hx[i]));
      abs_dot += std::fabs(double(hx[i]) * double(hy[i]));
    }
    // Both backends accumulate in double; only the summation order differs.
    const double rel = 1e-12 * std::sqrt(double(n) + 1);
    EXPECT_NEAR(this->gpu().sum(xg), this->cpu().sum(xc), rel * abs_sum) << n;
    EXPECT_NEAR(this->gpu().dot(xg, yg), this->cpu().dot(xc, yc), rel * abs_dot) << n;
    EXPECT_NEAR(this->gpu().nrm2(xg), this->cpu().nrm2(xc), rel * this->cpu().nrm2(xc)) << n;
    EXPECT_EQ(this->gpu().max_abs(xg), this->cpu().max_abs(xc)) << n;
    EXPECT_EQ(this->gpu().sum(xg), this->gpu().sum(xg)) << "sum must not depend on timing";
    EXPECT_EQ(this->gpu().dot(xg, yg), this->gpu().dot(xg, yg));
  }
}

TYPED_TEST(GpuTypedTest, ReductionsPropagateNaNAndAvoidOverflow) {
  using T = TypeParam;
  auto x = Buffer<T>::from_host(this->gpu(), {T(1), T(NAN), T(-3)});
  EXPECT_TRUE(std::isnan(this->gpu().max_abs(VectorView<const T>(x.view()))));
  EXPECT_TRUE(std::isnan(this->gpu().sum(VectorView<const T>(x.view()))));
  const T big = std::numeric_limits<T>::max() / 4;  // big^2 overflows even in double for T = double
  auto y = Buffer<T>::from_host(this->gpu(), {big, -big});
  EXPECT_NEAR(this->gpu().nrm2(VectorView<const T>(y.view())), std::sqrt(2.0) * double(big), 1e-12 * double(big));
}

TYPED_TEST(GpuTypedTest, RowAndColumnSums) {
  using T = TypeParam;
  auto A = twin<T>(this->cpu(), this->gpu(), 300, 170, 70, 2);
  for (bool rows : {true, false}) {
    const index_t len = rows ? 300 : 170;
    auto oc = Buffer<T>::zeros(this->cpu(), len);
    auto og = Buffer<T>::zeros(this->gpu(), len);
    if (rows) {
      this->cpu().row_sums(MatrixView<const T>(A.cpu_view()), oc.view());
      this->gpu().row_sums(MatrixView<const T>(A.gpu_view()), og.view());
    } else {
      this->cpu().col_sums(MatrixView<const T>(A.cpu_view()), oc.view());
      this->gpu().col_sums(MatrixView<const T>(A.gpu_view()), og.view());
    }
    EXPECT_LT(nse(og.to_host(), oc.to_host()), kTol<T>) << (rows ? "rows" : "cols");
  }
}

// Shapes past the kernels' grid caps (4096 blocks of 32 rows / of one column): the
// grid-stride loops over row groups and columns wrap.
TYPED_TEST(GpuTypedTest, RowAndColumnSumsOfExtremeShapes) {
  using T = TypeParam;
  for (const auto& [rows, cols] : {std::pair<index_t, index_t>{3, 5000}, {140000, 2}}) {
    auto A = twin<T>(this->cpu(), this->gpu(), rows, cols, 71, 1);
    for (bool by_row : {true, false}) {
      const index_t len = by_row ? rows : cols;
      auto oc = Buffer<T>::zeros(this->cpu(), len);
      auto og = Buffer<T>::zeros(this->gpu(), len);
      if (by_row) {
        this->cpu().row_sums(MatrixView<const T>(A.cpu_view()), oc.view());
        this->gpu().row_sums(MatrixView<const T>(A.gpu_view()), og.view());
      } else {
        this->cpu().col_sums(MatrixView<const T>(A.cpu_view()), oc.view());
        this->gpu().col_sums(MatrixView<const T>(A.gpu_view()), og.view());
      }
      EXPECT_LT(nse(og.to_host(), oc.to_host()), kTol<T>) << rows << "x" << cols << (by_row ? " rows" : " cols");
    }
  }
}

TYPED_TEST(GpuTypedTest, MapsAndDerivatives) {
  using T = TypeParam;
  const index_t n = 10007;
  for (int o = 0; o <= static_cast<int>(UnaryOp::cos); ++o) {
    const auto op = static_cast<UnaryOp>(o);
    const bool positive = op == UnaryOp::log;
    auto x = twin<T>(this->cpu(), this->gpu(), n, 1, 80 + o, 0, positive ? 0.05 : -4.0, 4.0);
    for (bool derivative : {false, true}) {
      auto yc = Buffer<T>::zeros(this->cpu(), n);
      auto yg = Buffer<T>::zeros(this->gpu(), n);
      if (derivative) {
        this->cpu().map_derivative(op, VectorView<const T>(x.cpu_flat()), yc.view());
        this->gpu().map_derivative(op, VectorView<const T>(x.gpu_flat()), yg.view());
      } else {
        this->cpu().map(op, VectorView<const T>(x.cpu_flat()), yc.view());
        this->gpu().map(op, VectorView<const T>(x.gpu_flat()), yg.view());
      }
      EXPECT_LT(nse(yg.to_host(), yc.to_host()), kTol<T>) << unary_op_name(op) << (derivative ? "'" : "");
    }
  }
}

TYPED_TEST(GpuTypedTest, FillScaleAxpyMulBias) {
  using T = TypeParam;
  const index_t n = 4099;
  auto x = twin<T>(this->cpu(), this->gpu(), n, 1, 90);
  auto y = twin<T>(this->cpu(), this->gpu(), n, 1, 91);
  auto run = [&](Backend& be, Matrix<T>& xm, Matrix<T>& ym) {
    be.scale(T(-1.7), xm.flat());
    be.axpy(T(0.3), VectorView<const T>(xm.flat()), ym.flat());
    be.mul(VectorView<const T>(xm.flat()), VectorView<const T>(ym.flat()), xm.flat());  // z aliases x
  };
  run(this->cpu(), x.cpu, y.cpu);
  run(this->gpu(), x.gpu, y.gpu);
  EXPECT_LT(x.nse(), kTol<T>);
  EXPECT_LT(y.nse(), kTol<T>);

  auto Y = twin<T>(this->cpu(), this->gpu(), 33, 21, 92, 2);
  auto b = twin<T>(this->cpu(), this->gpu(), 33, 1, 93);
  this->cpu().add_column_vector(VectorView<const T>(b.cpu_flat()), Y.cpu_view());
  this->gpu().add_column_vector(VectorView<const T>(b.gpu_flat()), Y.gpu_view());
  EXPECT_LT(Y.nse(), kTol<T>);

  this->cpu().fill(y.cpu_flat(), T(2.5));
  this->gpu().fill(y.gpu_flat(), T(2.5));
  EXPECT_EQ(first_mismatch(y.gpu.to_host(), y.cpu.to_host()), -1);
}

// More elements than threads in a capped grid (4096 x 256): the grid-stride loops wrap.
TYPED_TEST(GpuTypedTest, ElementwiseBeyondOneGrid) {
  using T = TypeParam;
  const index_t n = 3'000'017;
  auto x = twin<T>(this->cpu(), this->gpu(), n, 1, 94);
  auto y = twin<T>(this->cpu(), this->gpu(), n, 1, 95);
  this->cpu().axpy(T(-0.5), VectorView<const T>(x.cpu_flat()), y.cpu_flat());
  this->gpu().axpy(T(-0.5), VectorView<const T>(x.gpu_flat()), y.gpu_flat());
  this->cpu().map(UnaryOp::tanh, VectorView<const T>(y.cpu_flat()), x.cpu_flat());
  this->gpu().map(UnaryOp::tanh, VectorView<const T>(y.gpu_flat()), x.gpu_flat());
  EXPECT_LT(x.nse(), kTol<T>);
  EXPECT_LT(y.nse(), kTol<T>);
}

TYPED_TEST(GpuTypedTest, SgdSteps) {
  using T = TypeParam;
  const index_t n = 2053;
  for (const SgdParams p : {SgdParams{0.1, 0.0, 0.0}, SgdParams{0.05, 0.9, 1e-2}}) {
    auto w = twin<T>(this->cpu(), this->gpu(), n, 1, 100);
    auto v = twin<T>(this->cpu(), this->gpu(), n, 1, 101, 0, 0.0, 0.0);
    for (int step = 0; step < 3; ++step) {
      auto g = twin<T>(this->cpu(), this->gpu(), n, 1, 102 + step);
      this->cpu().sgd_step(p, w.cpu_flat(), VectorView<const T>(g.cpu_flat()), v.cpu_flat());
      this->gpu().sgd_step(p, w.gpu_flat(), VectorView<const T>(g.gpu_flat()), v.gpu_flat());
    }
    EXPECT_LT(w.nse(), kTol<T>) << "momentum " << p.momentum;
    EXPECT_LT(v.nse(), kTol<T>) << "momentum " << p.momentum;
  }
}

TYPED_TEST(GpuTypedTest, AdamSteps) {
  using T = TypeParam;
  const index_t n = 2053;
  for (const double wd : {0.0, 0.01}) {
    AdamParams p;
    p.learning_rate = 1e-2;
    p.weight_decay = wd;
    auto w = twin<T>(this->cpu(), this->gpu(), n, 1, 110);
    auto m = twin<T>(this->cpu(), this->gpu(), n, 1, 111, 0, 0.0, 0.0);
    auto v = twin<T>(this->cpu(), this->gpu(), n, 1, 112, 0, 0.0, 0.0);
    for (int step = 1; step <= 4; ++step) {
      auto g = twin<T>(this->cpu(), this->gpu(), n, 1, 113 + step);
      this->cpu().adam_step(p, step, w.cpu_flat(), VectorView<const T>(g.cpu_flat()), m.cpu_flat(), v.cpu_flat());
      this->gpu().adam_step(p, step, w.gpu_flat(), VectorView<const T>(g.gpu_flat()), m.gpu_flat(), v.gpu_flat());
    }
    EXPECT_LT(w.nse(), kTol<T>) << "wd " << wd;
    EXPECT_LT(m.nse(), kTol<T>) << "wd " << wd;
    EXPECT_LT(v.nse(), kTol<T>) << "wd " << wd;
  }
}

}  // namespace
}  // namespace fl::gpu_test
