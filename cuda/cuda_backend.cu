// The CUDA backend: cuBLAS for the BLAS-like ops, cuSOLVER for Cholesky and eigh, custom
// kernels (backend_ops.cu) for the rest. Everything runs on the default stream, so calls
// are ordered exactly as issued; results that reach the host synchronise.
#include <climits>
#include <iomanip>
#include <cmath>
#include <memory>
#include <sstream>
#include <string>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "cuda/backend_ops.cuh"
#include "cuda/common.cuh"

namespace fl {
namespace {

cublasOperation_t to_cublas(Trans t) { return t == Trans::no ? CUBLAS_OP_N : CUBLAS_OP_T; }

// cuSOLVER's dense API takes int sizes.
int checked_int(index_t v, const char* what) {
  if (v < 0 || v > INT_MAX) throw std::invalid_argument(std::string("CudaBackend: ") + what + " exceeds INT_MAX");
  return static_cast<int>(v);
}

// Type dispatch for cuBLAS (64-bit size API).
cublasStatus_t gemm_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int64_t m,
                         int64_t n, int64_t k, const float* alpha, const float* A, int64_t lda,
                         const float* B, int64_t ldb, const float* beta, float* C, int64_t ldc) {
  return cublasSgemm_64(h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
cublasStatus_t gemm_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb, int64_t m,
                         int64_t n, int64_t k, const double* alpha, const double* A, int64_t lda,
                         const double* B, int64_t ldb, const double* beta, double* C, int64_t ldc) {
  return cublasDgemm_64(h, ta, tb, m, n, k, alpha, A, lda, B, ldb, beta, C, ldc);
}
cublasStatus_t gemm_batched_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb,
                                 int64_t m, int64_t n, int64_t k, const float* alpha, const float* A,
                                 int64_t lda, long long sA, const float* B, int64_t ldb, long long sB,
                                 const float* beta, float* C, int64_t ldc, long long sC, int64_t batch) {
  return cublasSgemmStridedBatched_64(h, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc,
                                      sC, batch);
}
cublasStatus_t gemm_batched_call(cublasHandle_t h, cublasOperation_t ta, cublasOperation_t tb,
                                 int64_t m, int64_t n, int64_t k, const double* alpha, const double* A,
                                 int64_t lda, long long sA, const double* B, int64_t ldb, long long sB,
                                 const double* beta, double* C, int64_t ldc, long long sC, int64_t batch) {
  return cublasDgemmStridedBatched_64(h, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, beta, C, ldc,
                                      sC, batch);
}
cublasStatus_t syrk_call(cublasHandle_t h, cublasOperation_t t, int64_t n, int64_t k, const float* alpha,
                         const float* A, int64_t lda, const float* beta, float* C, int64_t ldc) {
  return cublasSsyrk_64(h, CUBLAS_FILL_MODE_LOWER, t, n, k, alpha, A, lda, beta, C, ldc);
}
cublasStatus_t syrk_call(cublasHandle_t h, cublasOperation_t t, int64_t n, int64_t k, const double* alpha,
                         const double* A, int64_t lda, const double* beta, double* C, int64_t ldc) {
  return cublasDsyrk_64(h, CUBLAS_FILL_MODE_LOWER, t, n, k, alpha, A, lda, beta, C, ldc);
}

std::string runtime_version_string() {
  return std::to_string(CUDART_VERSION / 1000) + "." + std::to_string((CUDART_VERSION % 1000) / 10);
}

DeviceInfo describe_device(int ordinal) {
  cudaDeviceProp prop{};
  FL_CUDA_CHECK(cudaGetDeviceProperties(&prop, ordinal));
  int driver = 0;
  cudaDriverGetVersion(&driver);
  std::ostringstream details;
  details << std::fixed << std::setprecision(1);
  details << "compute capability " << prop.major << "." << prop.minor << ", "
          << prop.multiProcessorCount << " SMs, "
          << static_cast<double>(prop.totalGlobalMem) / (1024.0 * 1024.0 * 1024.0) << " GiB, driver "
          << driver / 1000 << "." << (driver % 1000) / 10 << ", runtime " << runtime_version_string();
  return {prop.name, details.str()};
}

// One host thread at a time: the cuBLAS/cuSOLVER handles and the scratch buffers are shared
// by all calls (as with any single-stream device queue).
class CudaBackend final : public Backend {
 public:
  CudaBackend() : Backend(Device::cuda) {
    FL_CUDA_CHECK(cudaGetDevice(&ordinal_));
    FL_CUBLAS_CHECK(cublasCreate(&cublas_));
    // cuBLAS/cuSOLVER default to the legacy default stream (stream 0): nothing to set.
    const cusolverStatus_t st = cusolverDnCreate(&cusolver_);
    if (st != CUSOLVER_STATUS_SUCCESS) {
      cublasDestroy(cublas_);
      FL_CUSOLVER_CHECK(st);
    }
    try {
      // Stated, not assumed: no TF32 or other reduced-precision tensor-core paths for float
      // GEMMs (CPU parity), and no atomics (deterministic results); both are cuBLAS's defaults.
      FL_CUBLAS_CHECK(cublasSetMathMode(cublas_, CUBLAS_DEFAULT_MATH));
      FL_CUBLAS_CHECK(cublasSetAtomicsMode(cublas_, CUBLAS_ATOMICS_NOT_ALLOWED));
      reduction_scratch_ = cuda::DeviceArray<double>(cuda::ops::kReductionScratch);
      dev_info_ = cuda::DeviceArray<int>(1);
    } catch (...) {
      cusolverDnDestroy(cusolver_);
      cublasDestroy(cublas_);
      throw;
    }
  }
  ~CudaBackend() override {
    // A backend in a static variable may outlive the CUDA runtime at process exit; the
    // handles then go with the process.
    int device = 0;
    if (cudaGetDevice(&device) == cudaErrorCudartUnloading) return;
    cusolverDnDestroy(cusolver_);
    cublasDestroy(cublas_);
  }

  std::string name() const override { return "cuda"; }
  DeviceInfo info() const override { return describe_device(ordinal_); }
  bool supports(Op op) const override { return op != Op::count_; }
  void synchronize() override { FL_CUDA_CHECK(cudaDeviceSynchronize()); }

  // --- memory ---------------------------------------------------------------------
  void* allocate(std::size_t bytes) override {
    if (bytes == 0) return nullptr;
    void* p = nullptr;
    const cudaError_t err = cudaMalloc(&p, bytes);
    if (err != cudaSuccess) {
      cudaGetLastError();  // reset the error state so later launch checks do not report it
      throw std::runtime_error("CudaBackend: cudaMalloc of " + std::to_string(bytes) +
                               " bytes failed: " + cudaGetErrorString(err));
    }
    return p;
  }
  // Errors are ignored on purpose: at process exit the runtime may already be unloading.
  void deallocate(void* p) noexcept override {
    if (p) cudaFree(p);
  }
  void memset_zero(void* p, std::size_t bytes) override {
    if (bytes) FL_CUDA_CHECK(cudaMemset(p, 0, bytes));
  }
  void upload_bytes(void* dst, const void* host_src, std::size_t bytes) override {
    if (bytes) FL_CUDA_CHECK(cudaMemcpy(dst, host_src, bytes, cudaMemcpyHostToDevice));
  }
  void download_bytes(void* host_dst, const void* src, std::size_t bytes) override {
    if (bytes) FL_CUDA_CHECK(cudaMemcpy(host_dst, src, bytes, cudaMemcpyDeviceToHost));
  }
  void copy_bytes(void* dst, const void* src, std::size_t bytes) override {
    if (bytes) FL_CUDA_CHECK(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice));
  }

  // The hooks are public here (protected in Backend) only so that this file stays simple;
  // callers still go through Backend's checked wrappers.
#define FL_CUDA_TYPED_OVERRIDES(T)                                                                 \
  void do_copy2d(MatrixView<const T> src, MatrixView<T> dst) override { copy2d(src, dst); }       \
  void do_gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,  \
               MatrixView<T> C) override {                                                         \
    gemm_impl(ta, tb, alpha, A, B, beta, C);                                                       \
  }                                                                                                \
  void do_gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha, MatrixView<const T> A,  \
                               index_t sA, MatrixView<const T> B, index_t sB, T beta,              \
                               MatrixView<T> C, index_t sC) override {                             \
    gemm_batched_impl(ta, tb, batch, alpha, A, sA, B, sB, beta, C, sC);                            \
  }                                                                                                \
  void do_syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) override {    \
    syrk_impl(trans, alpha, A, beta, C);                                                           \
  }                                                                                                \
  double do_sum(VectorView<const T> x) override { return cuda::ops::sum(x, scratch()); }          \
  double do_dot(VectorView<const T> x, VectorView<const T> y) override {                           \
    return cuda::ops::dot(x, y, scratch());                                                        \
  }                                                                                                \
  double do_nrm2(VectorView<const T> x) override { return cuda::ops::nrm2(x, scratch()); }        \
  double do_max_abs(VectorView<const T> x) override { return cuda::ops::max_abs(x, scratch()); }  \
  void do_row_sums(MatrixView<const T> A, VectorView<T> out) override { cuda::ops::row_sums(A, out); } \
  void do_col_sums(MatrixView<const T> A, VectorView<T> out) override { cuda::ops::col_sums(A, out); } \
  void do_map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y) override {     \
    cuda::ops::map(op, derivative, x, y);                                                          \
  }                                                                                                \
  void do_fill(VectorView<T> x, T value) override { cuda::ops::fill(x, value); }                  \
  void do_scale(T alpha, VectorView<T> x) override { cuda::ops::scale(alpha, x); }                \
  void do_axpy(T alpha, VectorView<const T> x, VectorView<T> y) override { cuda::ops::axpy(alpha, x, y); } \
  void do_mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z) override {            \
    cuda::ops::mul(x, y, z);                                                                       \
  }                                                                                                \
  void do_add_column_vector(VectorView<const T> b, MatrixView<T> Y) override {                     \
    cuda::ops::add_column_vector(b, Y);                                                            \
  }                                                                                                \
  void do_sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g,                     \
                   VectorView<T> velocity) override {                                              \
    cuda::ops::sgd_step(p, w, g, velocity);                                                        \
  }                                                                                                \
  void do_adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g, \
                    VectorView<T> m, VectorView<T> v) override {                                   \
    cuda::ops::adam_step(p, step, w, g, m, v);                                                     \
  }                                                                                                \
  void do_fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step) override {              \
    cuda::ops::fill_uniform(x, key, step);                                                         \
  }                                                                                                \
  void do_fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev) override { \
    cuda::ops::fill_normal(x, key, step, mean, stddev);                                            \
  }                                                                                                \
  void do_fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key,                    \
                         std::uint64_t step) override {                                            \
    cuda::ops::fill_bernoulli(x, p, key, step);                                                    \
  }

  FL_CUDA_TYPED_OVERRIDES(float)
  FL_CUDA_TYPED_OVERRIDES(double)
#undef FL_CUDA_TYPED_OVERRIDES

  CholeskyInfo do_cholesky(MatrixView<double> A, const CholeskyOptions& options) override;
  void do_cholesky_solve(MatrixView<const double> L, MatrixView<double> B) override;
  void do_eigh(MatrixView<double> A, VectorView<double> w) override;
  void do_fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step) override {
    cuda::ops::fill_raw(x, key, step);
  }

 private:
  double* scratch() { return reduction_scratch_.get(); }
  // cuSOLVER's devInfo of the last call (synchronises).
  int read_dev_info() {
    int info = 0;
    FL_CUDA_CHECK(cudaMemcpy(&info, dev_info_.get(), sizeof(int), cudaMemcpyDeviceToHost));
    return info;
  }
  // Workspace grown on demand and reused (calls are ordered on the default stream).
  double* workspace(std::size_t doubles) {
    if (workspace_.size() < doubles) workspace_ = cuda::DeviceArray<double>(doubles);
    return workspace_.get();
  }

  template <class T>
  void copy2d(MatrixView<const T> src, MatrixView<T> dst) {
    if (src.rows == 0 || src.cols == 0) return;
    if (src.cols == 1) {
      copy_bytes(dst.data, src.data, sizeof(T) * src.rows);
      return;
    }
    FL_CUDA_CHECK(cudaMemcpy2D(dst.data, sizeof(T) * dst.ld, src.data, sizeof(T) * src.ld,
                               sizeof(T) * src.rows, src.cols, cudaMemcpyDeviceToDevice));
  }

  template <class T>
  void gemm_impl(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
                 MatrixView<T> C) {
    const index_t k = ta == Trans::no ? A.cols : A.rows;
    if (k == 0) {  // C = beta C, without relying on the library for an empty product
      cuda::ops::scale_matrices(C, 1, 0, beta);
      return;
    }
    FL_CUBLAS_CHECK(gemm_call(cublas_, to_cublas(ta), to_cublas(tb), C.rows, C.cols, k, &alpha, A.data,
                              A.ld, B.data, B.ld, &beta, C.data, C.ld));
  }

  template <class T>
  void gemm_batched_impl(Trans ta, Trans tb, index_t batch, T alpha, MatrixView<const T> A, index_t sA,
                         MatrixView<const T> B, index_t sB, T beta, MatrixView<T> C, index_t sC) {
    const index_t k = ta == Trans::no ? A.cols : A.rows;
    if (k == 0) {
      cuda::ops::scale_matrices(C, batch, sC, beta);
      return;
    }
    FL_CUBLAS_CHECK(gemm_batched_call(cublas_, to_cublas(ta), to_cublas(tb), C.rows, C.cols, k, &alpha,
                                      A.data, std::max<index_t>(A.ld, 1), sA, B.data,
                                      std::max<index_t>(B.ld, 1), sB, &beta, C.data, C.ld, sC, batch));
  }

  // cuBLAS writes the lower triangle; a kernel mirrors it so both triangles hold C.
  template <class T>
  void syrk_impl(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) {
    const index_t k = trans == Trans::no ? A.cols : A.rows;
    if (k == 0) {
      cuda::ops::scale_matrices(C, 1, 0, beta);
    } else {
      FL_CUBLAS_CHECK(syrk_call(cublas_, to_cublas(trans), C.rows, k, &alpha, A.data,
                                std::max<index_t>(A.ld, 1), &beta, C.data, C.ld));
    }
    cuda::ops::mirror_lower_to_upper(C);
  }

  // Factors A in place; returns the devInfo of potrf (0 = success, i > 0 = minor i not PD).
  int try_potrf(MatrixView<double> A) {
    const int n = checked_int(A.rows, "cholesky size"), lda = checked_int(A.ld, "cholesky ld");
    int lwork = 0;
    FL_CUSOLVER_CHECK(cusolverDnDpotrf_bufferSize(cusolver_, CUBLAS_FILL_MODE_LOWER, n, A.data, lda, &lwork));
    FL_CUSOLVER_CHECK(cusolverDnDpotrf(cusolver_, CUBLAS_FILL_MODE_LOWER, n, A.data, lda,
                                       workspace(std::max(lwork, 1)), lwork, dev_info_.get()));
    return read_dev_info();
  }

  int ordinal_ = 0;
  cublasHandle_t cublas_ = nullptr;
  cusolverDnHandle_t cusolver_ = nullptr;
  cuda::DeviceArray<double> reduction_scratch_;
  cuda::DeviceArray<int> dev_info_;
  cuda::DeviceArray<double> workspace_;
  cuda::DeviceArray<double> backup_;  // the matrix being factored, for jitter retries
};

// Jitter policy shared with the CPU backend (CholeskyOptions): try 0, then initial,
// 10*initial, ... up to max, each relative to mean(diag(A)); restart from the original
// matrix each time; report what was needed. NaN/Inf input is a NumericalError, as on the CPU.
CholeskyInfo CudaBackend::do_cholesky(MatrixView<double> A, const CholeskyOptions& options) {
  const index_t n = A.rows;
  CholeskyInfo info;
  if (n == 0) return info;
  if (cuda::ops::count_non_finite(A, true, scratch()) > 0)
    throw NumericalError("cholesky: matrix has non-finite entries");
  const double mean_diag = cuda::ops::mean_diagonal(A, scratch());

  // potrf overwrites A even when it fails: keep a copy for the jitter retries.
  if (backup_.size() < static_cast<std::size_t>(n * n)) backup_ = cuda::DeviceArray<double>(n * n);
  const MatrixView<double> saved(backup_.get(), n, n, n, Device::cuda);
  copy2d<double>(A, saved);

  double relative = 0;  // 0, initial, 10 initial, ..., max
  for (int attempt = 1;; ++attempt) {
    if (attempt > 1) {
      copy2d<double>(saved, A);
      cuda::ops::add_to_diagonal(A, relative * mean_diag);
    }
    const int failed_minor = try_potrf(A);
    if (failed_minor < 0)
      throw std::logic_error("cusolverDnDpotrf: invalid argument " + std::to_string(-failed_minor));
    if (failed_minor == 0) {
      if (!std::isfinite(cuda::ops::mean_diagonal(A, scratch())))
        throw NumericalError("cholesky: non-finite factor");
      cuda::ops::zero_strict_upper(A);
      info.attempts = attempt;
      info.jitter_relative = relative;
      info.jitter = relative * mean_diag;
      return info;
    }
    relative = relative == 0 ? options.initial_jitter : relative * 10;
    // 10^k * initial may round just past max: allow for it.
    if (mean_diag <= 0 || options.initial_jitter <= 0 || relative > options.max_jitter * (1 + 1e-9)) {
      copy2d<double>(saved, A);  // leave the caller's matrix as it was
      throw NumericalError("cholesky: matrix of size " + std::to_string(n) +
                           " is not positive definite (leading minor " + std::to_string(failed_minor) +
                           " fails) even with relative jitter up to " + std::to_string(options.max_jitter) +
                           " after " + std::to_string(attempt) + " attempts");
    }
  }
}

void CudaBackend::do_cholesky_solve(MatrixView<const double> L, MatrixView<double> B) {
  if (L.rows == 0 || B.cols == 0) return;
  if (cuda::ops::count_non_finite(L, true, scratch()) + cuda::ops::count_non_finite(B, false, scratch()) > 0)
    throw NumericalError("cholesky_solve: NaN or Inf in factor or right-hand side");
  const int n = checked_int(L.rows, "cholesky_solve size");
  FL_CUSOLVER_CHECK(cusolverDnDpotrs(cusolver_, CUBLAS_FILL_MODE_LOWER, n,
                                     checked_int(B.cols, "cholesky_solve columns"), L.data,
                                     checked_int(L.ld, "cholesky_solve ld"), B.data,
                                     checked_int(B.ld, "cholesky_solve ld"), dev_info_.get()));
  const int info = read_dev_info();
  if (info != 0) throw std::logic_error("cusolverDnDpotrs: invalid argument " + std::to_string(-info));
}

// syevd returns eigenvalues in ascending order, eigenvectors in the columns of A.
void CudaBackend::do_eigh(MatrixView<double> A, VectorView<double> w) {
  if (A.rows == 0) return;
  if (cuda::ops::count_non_finite(A, true, scratch()) > 0) throw NumericalError("eigh: matrix has NaN or Inf entries");
  const int n = checked_int(A.rows, "eigh size"), lda = checked_int(A.ld, "eigh ld");
  int lwork = 0;
  FL_CUSOLVER_CHECK(cusolverDnDsyevd_bufferSize(cusolver_, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER,
                                                n, A.data, lda, w.data, &lwork));
  FL_CUSOLVER_CHECK(cusolverDnDsyevd(cusolver_, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, A.data,
                                     lda, w.data, workspace(std::max(lwork, 1)), lwork, dev_info_.get()));
  const int info = read_dev_info();
  if (info < 0) throw std::logic_error("cusolverDnDsyevd: invalid argument " + std::to_string(-info));
  if (info > 0)
    throw NumericalError("eigh: the symmetric eigensolver did not converge (" + std::to_string(info) +
                         " off-diagonal elements, n = " + std::to_string(n) + ")");
}

// Proves that this build has a kernel image the device can run.
__global__ void probe_kernel(int* out) { *out = 42; }

// Empty string when device 0 can allocate and run a kernel of this build, else the reason.
std::string probe_device() {
  int* flag = nullptr;
  cudaError_t err = cudaMalloc(&flag, sizeof(int));
  if (err == cudaSuccess) {
    probe_kernel<<<1, 1>>>(flag);
    err = cudaGetLastError();
    if (err == cudaSuccess) err = cudaDeviceSynchronize();
    cudaFree(flag);
  }
  if (err == cudaSuccess) return {};
  cudaGetLastError();
  return std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err);
}

}  // namespace

namespace cuda_detail {

std::unique_ptr<Backend> make_cuda_backend() { return std::make_unique<CudaBackend>(); }

// Never throws or aborts: a missing driver or device is an answer, not an error. The
// probe (device count, then an allocation and a kernel launch on device 0) runs once.
CudaStatus query_cuda() {
  static const CudaStatus status = [] {
    CudaStatus s;
    s.compiled = true;
    const std::string prefix = "CUDA compiled in (" + runtime_version_string() + ") but ";
    int count = 0;
    cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
      s.message = prefix + "no CUDA driver/device found: " +
                  (err != cudaSuccess ? std::string(cudaGetErrorName(err)) + ": " + cudaGetErrorString(err)
                                      : std::string("no devices"));
      cudaGetLastError();
      return s;
    }
    s.device_count = count;
    if (const std::string why = probe_device(); !why.empty()) {
      s.message = prefix + "device 0 cannot run it: " + why;
      return s;
    }
    try {
      for (int i = 0; i < count; ++i) s.devices.push_back(describe_device(i));
    } catch (const std::exception& e) {
      s.message = prefix + "querying the devices failed: " + e.what();
      return s;
    }
    s.usable = true;
    return s;
  }();
  return status;
}

}  // namespace cuda_detail
}  // namespace fl
