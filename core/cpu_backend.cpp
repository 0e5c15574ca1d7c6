// The CPU backend, reference for every other backend. Memory is 64-byte aligned host
// memory; the operations live in cpu_linalg.cpp (OpenBLAS/LAPACKE), cpu_elementwise.cpp and
// cpu_random.cpp (OpenMP over fixed chunks: results independent of the thread count).
#include <omp.h>

#include <cblas.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>

#include "core/backend.hpp"
#include "core/cpu_ops.hpp"

namespace fl {

namespace {

std::string cpu_model_name() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        const auto start = line.find_first_not_of(' ', colon + 1);
        return start == std::string::npos ? std::string() : line.substr(start);
      }
    }
  }
  return "unknown CPU";
}

class CpuBackend final : public Backend {
 public:
  CpuBackend() : Backend(Device::cpu) {}

  std::string name() const override { return "cpu"; }

  DeviceInfo info() const override {
    std::string blas = openblas_get_config();
    // openblas_get_config() ends with a space-separated list; trim a trailing blank.
    while (!blas.empty() && blas.back() == ' ') blas.pop_back();
    return {cpu_model_name(), std::to_string(omp_get_max_threads()) + " OpenMP threads, " + blas +
                                  ", kernel " + openblas_get_corename()};
  }

  bool supports(Op op) const override { return op != Op::count_; }
  void synchronize() override {}

  void* allocate(std::size_t bytes) override {
    constexpr std::size_t kAlign = 64;
    const std::size_t rounded = ((bytes + kAlign - 1) / kAlign) * kAlign;
    void* p = std::aligned_alloc(kAlign, rounded > 0 ? rounded : kAlign);
    if (!p) throw std::bad_alloc();
    return p;
  }
  void deallocate(void* p) noexcept override { std::free(p); }
  void memset_zero(void* p, std::size_t bytes) override {
    if (bytes) std::memset(p, 0, bytes);
  }
  void upload_bytes(void* dst, const void* src, std::size_t bytes) override {
    if (bytes) std::memcpy(dst, src, bytes);
  }
  void download_bytes(void* dst, const void* src, std::size_t bytes) override {
    if (bytes) std::memcpy(dst, src, bytes);
  }
  void copy_bytes(void* dst, const void* src, std::size_t bytes) override {
    if (bytes) std::memmove(dst, src, bytes);
  }

 protected:
#define FL_CPU_TYPED_HOOKS(T)                                                                   \
  void do_copy2d(MatrixView<const T> src, MatrixView<T> dst) override {                         \
    cpu_ops::copy2d(src, dst);                                                                  \
  }                                                                                             \
  void do_gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B,       \
               T beta, MatrixView<T> C) override {                                              \
    cpu_ops::gemm(ta, tb, alpha, A, B, beta, C);                                                \
  }                                                                                             \
  void do_gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha,                      \
                               MatrixView<const T> A, index_t sA, MatrixView<const T> B,        \
                               index_t sB, T beta, MatrixView<T> C, index_t sC) override {      \
    cpu_ops::gemm_strided_batched(ta, tb, batch, alpha, A, sA, B, sB, beta, C, sC);             \
  }                                                                                             \
  void do_syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) override { \
    cpu_ops::syrk(trans, alpha, A, beta, C);                                                    \
  }                                                                                             \
  double do_sum(VectorView<const T> x) override { return cpu_ops::sum(x); }                     \
  double do_dot(VectorView<const T> x, VectorView<const T> y) override {                        \
    return cpu_ops::dot(x, y);                                                                  \
  }                                                                                             \
  double do_nrm2(VectorView<const T> x) override { return cpu_ops::nrm2(x); }                   \
  double do_max_abs(VectorView<const T> x) override { return cpu_ops::max_abs(x); }             \
  void do_row_sums(MatrixView<const T> A, VectorView<T> out) override {                         \
    cpu_ops::row_sums(A, out);                                                                  \
  }                                                                                             \
  void do_col_sums(MatrixView<const T> A, VectorView<T> out) override {                         \
    cpu_ops::col_sums(A, out);                                                                  \
  }                                                                                             \
  void do_map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y) override {   \
    cpu_ops::map(op, derivative, x, y);                                                         \
  }                                                                                             \
  void do_fill(VectorView<T> x, T value) override { cpu_ops::fill(x, value); }                  \
  void do_scale(T alpha, VectorView<T> x) override { cpu_ops::scale(alpha, x); }                \
  void do_axpy(T alpha, VectorView<const T> x, VectorView<T> y) override {                      \
    cpu_ops::axpy(alpha, x, y);                                                                 \
  }                                                                                             \
  void do_mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z) override {         \
    cpu_ops::mul(x, y, z);                                                                      \
  }                                                                                             \
  void do_add_column_vector(VectorView<const T> b, MatrixView<T> Y) override {                  \
    cpu_ops::add_column_vector(b, Y);                                                           \
  }                                                                                             \
  void do_sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g,                  \
                   VectorView<T> velocity) override {                                           \
    cpu_ops::sgd_step(p, w, g, velocity);                                                       \
  }                                                                                             \
  void do_adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w,                    \
                    VectorView<const T> g, VectorView<T> m, VectorView<T> v) override {         \
    cpu_ops::adam_step(p, step, w, g, m, v);                                                    \
  }                                                                                             \
  void do_fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step) override {           \
    cpu_ops::fill_uniform(x, key, step);                                                        \
  }                                                                                             \
  void do_fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev)     \
      override {                                                                                \
    cpu_ops::fill_normal(x, key, step, mean, stddev);                                           \
  }                                                                                             \
  void do_fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key,                 \
                         std::uint64_t step) override {                                         \
    cpu_ops::fill_bernoulli(x, p, key, step);                                                   \
  }

  FL_CPU_TYPED_HOOKS(float)
  FL_CPU_TYPED_HOOKS(double)
#undef FL_CPU_TYPED_HOOKS

  CholeskyInfo do_cholesky(MatrixView<double> A, const CholeskyOptions& options) override {
    return cpu_ops::cholesky(A, options);
  }
  void do_cholesky_solve(MatrixView<const double> L, MatrixView<double> B) override {
    cpu_ops::cholesky_solve(L, B);
  }
  void do_eigh(MatrixView<double> A, VectorView<double> w) override { cpu_ops::eigh(A, w); }
  void do_fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step) override {
    cpu_ops::fill_raw(x, key, step);
  }
};

}  // namespace

std::unique_ptr<Backend> make_cpu_backend() { return std::make_unique<CpuBackend>(); }

Backend& cpu_backend() {
  static CpuBackend instance;
  return instance;
}

}  // namespace fl
