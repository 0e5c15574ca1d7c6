#pragma once
// The device abstraction. A Backend owns a device's memory and runs whole operations on
// it: one virtual call = one GEMM, one Cholesky solve, one sweep over all chains. Never
// per element. The CPU backend (Eigen) is the reference; the CUDA backend must agree
// with it (tests/core/gpu_*.cpp).
//
// Conventions
// - Matrices are column-major views (core/view.hpp). Every operand must live on this
//   backend's device; a mismatch is a programming error and throws. Data moves between
//   devices only through upload/download/copy_to (explicit, never hidden).
// - Float and double overloads exist for everything a network trains with; the
//   factorisations (Cholesky, eigh) are double only.
// - Shape checks happen here, once, in the non-virtual public wrappers (tiny-cuda-nn
//   style); implementations override the do_* hooks.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/philox.hpp"
#include "core/view.hpp"

namespace fl {

enum class Trans : std::uint8_t { no, yes };

// Element-wise maps. map() computes f(x); map_derivative() computes f'(x) from x.
enum class UnaryOp : std::uint8_t {
  identity, tanh, relu, sigmoid, softplus, exp, log, square, erf, sin, cos
};
std::string_view unary_op_name(UnaryOp op);
UnaryOp unary_op_from_name(std::string_view name);  // throws InputError on unknown name

// Operations a backend may or may not provide (capability query, ggml style).
enum class Op : std::uint8_t {
  gemm, gemm_strided_batched, syrk, cholesky, cholesky_solve, eigh, reductions, map,
  optimizers, random, count_
};

struct CholeskyOptions {
  // Jitter added to the diagonal, relative to mean(diag(A)), tried in the order
  // 0, initial, 10*initial, ... up to max. A failure past max throws NumericalError.
  double initial_jitter = 1e-12;
  double max_jitter = 1e-4;
};

// What the factorisation had to do. Jitter is never silent: callers log or store it.
struct CholeskyInfo {
  double jitter = 0.0;           // absolute value added to the diagonal (0 = none)
  double jitter_relative = 0.0;  // jitter / mean(diag)
  int attempts = 1;
};

struct SgdParams {
  double learning_rate = 1e-3;
  double momentum = 0.0;  // heavy-ball; velocity buffer used only when > 0
  double weight_decay = 0.0;
};

struct AdamParams {
  double learning_rate = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;  // decoupled (AdamW) when > 0
};

struct DeviceInfo {
  std::string name;        // e.g. "NVIDIA H200" or the CPU model
  std::string details;     // memory, compute capability, threads, ...
};

class Backend {
 public:
  virtual ~Backend() = default;
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  Device device() const { return device_; }
  virtual std::string name() const = 0;
  virtual DeviceInfo info() const = 0;
  virtual bool supports(Op op) const = 0;
  // Waits for queued work (no-op on CPU).
  virtual void synchronize() = 0;

  // --- memory ---------------------------------------------------------------------
  virtual void* allocate(std::size_t bytes) = 0;
  virtual void deallocate(void* p) noexcept = 0;
  virtual void memset_zero(void* p, std::size_t bytes) = 0;
  // Host memory <-> this device. On the CPU backend these are plain copies.
  virtual void upload_bytes(void* dst, const void* host_src, std::size_t bytes) = 0;
  virtual void download_bytes(void* host_dst, const void* src, std::size_t bytes) = 0;
  // Device-to-device on this backend.
  virtual void copy_bytes(void* dst, const void* src, std::size_t bytes) = 0;

  template <class T>
  void upload(const T* host, VectorView<T> dst) {
    check_device(dst.device);
    upload_bytes(dst.data, host, sizeof(T) * dst.size);
  }
  template <class T>
  void download(VectorView<const T> src, T* host) {
    check_device(src.device);
    download_bytes(host, src.data, sizeof(T) * src.size);
  }
  template <class T>
  void copy(VectorView<const T> src, VectorView<T> dst);
  template <class T>
  void copy(MatrixView<const T> src, MatrixView<T> dst);  // strided, same shape

  // --- BLAS-like ------------------------------------------------------------------
  // C = alpha op(A) op(B) + beta C
  template <class T>
  void gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B, T beta,
            MatrixView<T> C);
  // For b in [0, batch): C_b = alpha op(A_b) op(B_b) + beta C_b, where X_b = X.data + b*strideX
  // and each view describes one batch entry's shape. A stride of 0 broadcasts that operand.
  template <class T>
  void gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha, MatrixView<const T> A,
                            index_t strideA, MatrixView<const T> B, index_t strideB, T beta,
                            MatrixView<T> C, index_t strideC);
  // C = alpha op(A) op(A)^T + beta C, op(A) = A (trans=no) or A^T. The full symmetric C is
  // written (both triangles).
  template <class T>
  void syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C);

  // --- factorisations (double) ----------------------------------------------------
  // In place: A's lower triangle becomes L with A + jitter*I = L L^T (upper triangle is
  // zeroed). Throws NumericalError when no jitter up to options.max_jitter works.
  CholeskyInfo cholesky(MatrixView<double> A, const CholeskyOptions& options = {});
  // B <- (L L^T)^{-1} B for a factor from cholesky().
  void cholesky_solve(MatrixView<const double> L, MatrixView<double> B);
  // Symmetric eigendecomposition: A is overwritten by the eigenvectors (columns),
  // eigenvalues ascending in w.
  void eigh(MatrixView<double> A, VectorView<double> w);

  // --- reductions (accumulated in double) -----------------------------------------
  template <class T> double sum(VectorView<const T> x);
  template <class T> double dot(VectorView<const T> x, VectorView<const T> y);
  template <class T> double nrm2(VectorView<const T> x);
  template <class T> double max_abs(VectorView<const T> x);
  // out[i] = sum_j A(i, j)  /  out[j] = sum_i A(i, j)
  template <class T> void row_sums(MatrixView<const T> A, VectorView<T> out);
  template <class T> void col_sums(MatrixView<const T> A, VectorView<T> out);

  // --- element-wise ----------------------------------------------------------------
  template <class T> void map(UnaryOp op, VectorView<const T> x, VectorView<T> y);
  template <class T> void map_derivative(UnaryOp op, VectorView<const T> x, VectorView<T> y);
  template <class T> void fill(VectorView<T> x, T value);
  template <class T> void scale(T alpha, VectorView<T> x);
  // y = alpha x + y
  template <class T> void axpy(T alpha, VectorView<const T> x, VectorView<T> y);
  // z = x * y (Hadamard); z may alias x or y
  template <class T> void mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z);
  // Y(i, j) += b(i) for every column j (bias of a layer with samples in columns)
  template <class T> void add_column_vector(VectorView<const T> b, MatrixView<T> Y);

  // --- optimisers (one step over a flat parameter vector) -----------------------
  template <class T>
  void sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g, VectorView<T> velocity);
  // step is 1-based (bias correction uses beta^step).
  template <class T>
  void adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g,
                 VectorView<T> m, VectorView<T> v);

  // --- random fills (Philox4x32-10, layout in core/philox.hpp) --------------------
  template <class T> void fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step);
  template <class T>
  void fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean = 0, T stddev = 1);
  // x_i = 1 if uniform_i < p_i else 0
  template <class T>
  void fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key, std::uint64_t step);
  // Raw 32-bit words: word i = block i/4, word i%4. Used for the CPU/CUDA bit-parity test.
  void fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step);

 protected:
  explicit Backend(Device d) : device_(d) {}
  void check_device(Device d) const;

#define FL_BACKEND_TYPED_HOOKS(T)                                                              \
  virtual void do_copy2d(MatrixView<const T> src, MatrixView<T> dst) = 0;                      \
  virtual void do_gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A,                      \
                       MatrixView<const T> B, T beta, MatrixView<T> C) = 0;                    \
  virtual void do_gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha,              \
                                       MatrixView<const T> A, index_t sA,                      \
                                       MatrixView<const T> B, index_t sB, T beta,              \
                                       MatrixView<T> C, index_t sC) = 0;                       \
  virtual void do_syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) = 0; \
  virtual double do_sum(VectorView<const T> x) = 0;                                            \
  virtual double do_dot(VectorView<const T> x, VectorView<const T> y) = 0;                     \
  virtual double do_nrm2(VectorView<const T> x) = 0;                                           \
  virtual double do_max_abs(VectorView<const T> x) = 0;                                        \
  virtual void do_row_sums(MatrixView<const T> A, VectorView<T> out) = 0;                      \
  virtual void do_col_sums(MatrixView<const T> A, VectorView<T> out) = 0;                      \
  virtual void do_map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y) = 0; \
  virtual void do_fill(VectorView<T> x, T value) = 0;                                          \
  virtual void do_scale(T alpha, VectorView<T> x) = 0;                                         \
  virtual void do_axpy(T alpha, VectorView<const T> x, VectorView<T> y) = 0;                   \
  virtual void do_mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z) = 0;      \
  virtual void do_add_column_vector(VectorView<const T> b, MatrixView<T> Y) = 0;               \
  virtual void do_sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g,          \
                           VectorView<T> velocity) = 0;                                        \
  virtual void do_adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w,            \
                            VectorView<const T> g, VectorView<T> m, VectorView<T> v) = 0;      \
  virtual void do_fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step) = 0;        \
  virtual void do_fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean,       \
                              T stddev) = 0;                                                   \
  virtual void do_fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key,         \
                                 std::uint64_t step) = 0;

  FL_BACKEND_TYPED_HOOKS(float)
  FL_BACKEND_TYPED_HOOKS(double)
#undef FL_BACKEND_TYPED_HOOKS

  virtual CholeskyInfo do_cholesky(MatrixView<double> A, const CholeskyOptions& options) = 0;
  virtual void do_cholesky_solve(MatrixView<const double> L, MatrixView<double> B) = 0;
  virtual void do_eigh(MatrixView<double> A, VectorView<double> w) = 0;
  virtual void do_fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step) = 0;

 private:
  Device device_;
};

// The process-wide CPU backend: host-side buffers and analysis live on it.
Backend& cpu_backend();

// Backend selection from a --device value: "cpu", "cuda" or "auto" (cuda when a device is
// usable, else cpu). Throws InputError for unknown names or when cuda is asked for but not
// available, saying why.
std::unique_ptr<Backend> make_backend(const std::string& which);

// CUDA availability, answered without throwing: compiled in? driver/device present?
struct CudaStatus {
  bool compiled = false;
  bool usable = false;
  int device_count = 0;
  std::string message;  // human-readable reason when not usable
  std::vector<DeviceInfo> devices;
};
CudaStatus cuda_status();

}  // namespace fl

#include "core/backend_inl.hpp"
