// CPU backend: dense linear algebra through OpenBLAS (CBLAS) and LAPACKE.
//
// Why direct calls rather than EIGEN_USE_BLAS / EIGEN_USE_LAPACKE in this file: those
// switches change the bodies of Eigen templates that other translation units instantiate
// too (an ODR violation; the linker keeps one version at random) and let Eigen's own
// OpenMP split a GEMM into per-thread BLAS calls that each spawn OpenBLAS threads. The
// routines reached are the same ones the switches would reach (dgemm, dsyrk, dpotrf, dpotrs,
// and dsyevd for eigh, which the switches would not use).
#include <cblas.h>
#include <lapacke.h>

#include <climits>
#include <cmath>
#include <memory>
#include <string>

#include "core/cpu_ops.hpp"
#include "core/error.hpp"

namespace fl::cpu_ops {

namespace {

// BLAS/LAPACK take 32-bit ints (non-ILP64 OpenBLAS).
int blas_int(index_t v, const char* op) {
  if (v > INT_MAX) throw std::invalid_argument(std::string(op) + ": dimension exceeds 32-bit BLAS");
  return static_cast<int>(v);
}

CBLAS_TRANSPOSE cblas_trans(Trans t) { return t == Trans::no ? CblasNoTrans : CblasTrans; }

void blas_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, float alpha,
               const float* A, int lda, const float* B, int ldb, float beta, float* C, int ldc) {
  cblas_sgemm(CblasColMajor, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
void blas_gemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, double alpha,
               const double* A, int lda, const double* B, int ldb, double beta, double* C, int ldc) {
  cblas_dgemm(CblasColMajor, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
void blas_syrk(CBLAS_TRANSPOSE t, int n, int k, float alpha, const float* A, int lda, float beta,
               float* C, int ldc) {
  cblas_ssyrk(CblasColMajor, CblasLower, t, n, k, alpha, A, lda, beta, C, ldc);
}
void blas_syrk(CBLAS_TRANSPOSE t, int n, int k, double alpha, const double* A, int lda,
               double beta, double* C, int ldc) {
  cblas_dsyrk(CblasColMajor, CblasLower, t, n, k, alpha, A, lda, beta, C, ldc);
}

// Upper triangle <- transpose of the lower one, in cache-sized tiles.
template <class T>
void mirror_lower_to_upper(MatrixView<T> C) {
  constexpr index_t kTile = 64;
  const index_t n = C.rows, tiles = (n + kTile - 1) / kTile;
#pragma omp parallel for schedule(dynamic) if (n > 256)
  for (index_t tj = 0; tj < tiles; ++tj)
    for (index_t ti = 0; ti <= tj; ++ti)
      for (index_t j = tj * kTile; j < std::min(n, (tj + 1) * kTile); ++j)
        for (index_t i = ti * kTile; i < std::min(j, (ti + 1) * kTile); ++i)
          C.data[i + j * C.ld] = C.data[j + i * C.ld];
}

void zero_strict_upper(MatrixView<double> A) {
  for (index_t j = 1; j < A.cols; ++j)
    std::fill(A.data + j * A.ld, A.data + j * A.ld + std::min(j, A.rows), 0.0);
}

// Lower triangle (with diagonal) saved and restored column by column.
void copy_lower(const double* src, index_t src_ld, double* dst, index_t dst_ld, index_t n) {
  for (index_t j = 0; j < n; ++j) std::copy(src + j + j * src_ld, src + n + j * src_ld, dst + j + j * dst_ld);
}

}  // namespace

template <class T>
void gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
          MatrixView<T> C) {
  const int k = blas_int(ta == Trans::no ? A.cols : A.rows, "gemm");
  blas_gemm(cblas_trans(ta), cblas_trans(tb), blas_int(C.rows, "gemm"), blas_int(C.cols, "gemm"),
            k, alpha, A.data, blas_int(std::max<index_t>(A.ld, 1), "gemm"), B.data,
            blas_int(std::max<index_t>(B.ld, 1), "gemm"), beta, C.data, blas_int(C.ld, "gemm"));
}

template <class T>
void gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha, MatrixView<const T> A,
                          index_t sA, MatrixView<const T> B, index_t sB, T beta, MatrixView<T> C,
                          index_t sC) {
  backend_detail::check_ld("gemm_strided_batched", A);
  backend_detail::check_ld("gemm_strided_batched", B);
  backend_detail::check_ld("gemm_strided_batched", C);
  auto one = [&](index_t b) {
    MatrixView<const T> Ab{A.data + b * sA, A.rows, A.cols, A.ld, A.device};
    MatrixView<const T> Bb{B.data + b * sB, B.rows, B.cols, B.ld, B.device};
    MatrixView<T> Cb{C.data + b * sC, C.rows, C.cols, C.ld, C.device};
    gemm(ta, tb, alpha, Ab, Bb, beta, Cb);
  };
  // Small products: one batch entry per thread (OpenBLAS runs these single-threaded, far
  // below its multithreading threshold). Large ones: in order, each using all BLAS threads.
  const index_t k = ta == Trans::no ? A.cols : A.rows;
  const bool small = C.rows * C.cols * k <= 32 * 32 * 32;
#pragma omp parallel for schedule(static) if (small && batch > 1)
  for (index_t b = 0; b < batch; ++b) one(b);
}

template <class T>
void syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) {
  backend_detail::check_ld("syrk", A);
  backend_detail::check_ld("syrk", C);
  const index_t k = trans == Trans::no ? A.cols : A.rows;
  blas_syrk(cblas_trans(trans), blas_int(C.rows, "syrk"), blas_int(k, "syrk"), alpha, A.data,
            blas_int(std::max<index_t>(A.ld, 1), "syrk"), beta, C.data, blas_int(C.ld, "syrk"));
  mirror_lower_to_upper(C);
}

CholeskyInfo cholesky(MatrixView<double> A, const CholeskyOptions& options) {
  backend_detail::check_ld("cholesky", A);
  const index_t n = A.rows;
  CholeskyInfo info;
  if (n == 0) return info;
  const int ni = blas_int(n, "cholesky"), lda = blas_int(A.ld, "cholesky");

  double mean_diag = 0;
  for (index_t i = 0; i < n; ++i) mean_diag += A.data[i + i * A.ld];
  mean_diag /= static_cast<double>(n);
  if (!std::isfinite(mean_diag)) throw NumericalError("cholesky: matrix has non-finite entries");

  // dpotrf overwrites A even when it fails: keep the lower triangle for the jitter retries.
  std::unique_ptr<double[]> saved(new double[static_cast<std::size_t>(n * n)]);
  copy_lower(A.data, A.ld, saved.get(), n, n);

  double relative = 0;  // 0, initial, 10 initial, ..., max
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      copy_lower(saved.get(), n, A.data, A.ld, n);
      for (index_t i = 0; i < n; ++i) A.data[i + i * A.ld] += relative * mean_diag;
    }
    const int status = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'L', ni, A.data, lda);
    if (status < 0) throw NumericalError("cholesky: matrix has NaN entries (dpotrf info " + std::to_string(status) + ")");
    if (status == 0) {
      // OpenBLAS's dpotrf lets an infinite pivot through; insist on a finite factor.
      for (index_t i = 0; i < n; ++i)
        if (!std::isfinite(A.data[i + i * A.ld])) throw NumericalError("cholesky: non-finite factor");
      zero_strict_upper(A);
      info.attempts = attempt;
      info.jitter_relative = relative;
      info.jitter = relative * mean_diag;
      return info;
    }
    relative = relative == 0 ? options.initial_jitter : relative * 10;
    if (mean_diag <= 0 || options.initial_jitter <= 0 ||
        relative > options.max_jitter * (1 + 1e-9)) {
      copy_lower(saved.get(), n, A.data, A.ld, n);  // leave the caller's matrix as it was
      throw NumericalError("cholesky: matrix of size " + std::to_string(n) +
                           " is not positive definite (leading minor " + std::to_string(status) +
                           " fails) even with relative jitter up to " +
                           std::to_string(options.max_jitter) + " after " +
                           std::to_string(attempt) + " attempts");
    }
  }
}

void cholesky_solve(MatrixView<const double> L, MatrixView<double> B) {
  backend_detail::check_ld("cholesky_solve", L);
  backend_detail::check_ld("cholesky_solve", B);
  if (L.rows == 0 || B.cols == 0) return;
  const int status = LAPACKE_dpotrs(LAPACK_COL_MAJOR, 'L', blas_int(L.rows, "cholesky_solve"),
                                    blas_int(B.cols, "cholesky_solve"), L.data,
                                    blas_int(L.ld, "cholesky_solve"), B.data,
                                    blas_int(B.ld, "cholesky_solve"));
  if (status != 0) throw NumericalError("cholesky_solve: NaN in factor or right-hand side");
}

void eigh(MatrixView<double> A, VectorView<double> w) {
  backend_detail::check_ld("eigh", A);
  if (A.rows == 0) return;
  const int status = LAPACKE_dsyevd(LAPACK_COL_MAJOR, 'V', 'L', blas_int(A.rows, "eigh"), A.data,
                                    blas_int(A.ld, "eigh"), w.data);
  if (status < 0) throw NumericalError("eigh: matrix has NaN entries");
  if (status > 0) throw NumericalError("eigh: dsyevd did not converge (info " + std::to_string(status) + ")");
}

#define FL_INSTANTIATE(T)                                                                      \
  template void gemm<T>(Trans, Trans, T, MatrixView<const T>, MatrixView<const T>, T,          \
                        MatrixView<T>);                                                        \
  template void gemm_strided_batched<T>(Trans, Trans, index_t, T, MatrixView<const T>, index_t, \
                                        MatrixView<const T>, index_t, T, MatrixView<T>, index_t); \
  template void syrk<T>(Trans, T, MatrixView<const T>, T, MatrixView<T>);
FL_INSTANTIATE(float)
FL_INSTANTIATE(double)
#undef FL_INSTANTIATE

}  // namespace fl::cpu_ops
