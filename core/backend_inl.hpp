#pragma once
// Shape-checked public wrappers of Backend (included by core/backend.hpp).
#include <stdexcept>
#include <string>

namespace fl {
namespace backend_detail {
[[noreturn]] void shape_error(const char* op, const std::string& what);
inline index_t op_rows(Trans t, index_t r, index_t c) { return t == Trans::no ? r : c; }
inline index_t op_cols(Trans t, index_t r, index_t c) { return t == Trans::no ? c : r; }
template <class V>
void check_ld(const char* op, const V& v) {
  if (v.rows < 0 || v.cols < 0 || v.ld < (v.rows > 0 ? v.rows : 1))
    shape_error(op, "invalid matrix view");
}
}  // namespace backend_detail

template <class T>
void Backend::copy(VectorView<const T> src, VectorView<T> dst) {
  check_device(src.device);
  check_device(dst.device);
  if (src.size != dst.size) backend_detail::shape_error("copy", "sizes differ");
  copy_bytes(dst.data, src.data, sizeof(T) * src.size);
}

template <class T>
void Backend::copy(MatrixView<const T> src, MatrixView<T> dst) {
  check_device(src.device);
  check_device(dst.device);
  if (src.rows != dst.rows || src.cols != dst.cols) backend_detail::shape_error("copy", "shapes differ");
  do_copy2d(src, dst);
}

template <class T>
void Backend::gemm(Trans ta, Trans tb, T alpha, MatrixView<const T> A, MatrixView<const T> B,
                   T beta, MatrixView<T> C) {
  using namespace backend_detail;
  check_device(A.device), check_device(B.device), check_device(C.device);
  check_ld("gemm", A), check_ld("gemm", B), check_ld("gemm", C);
  const index_t m = op_rows(ta, A.rows, A.cols), k = op_cols(ta, A.rows, A.cols);
  const index_t kb = op_rows(tb, B.rows, B.cols), n = op_cols(tb, B.rows, B.cols);
  if (k != kb || C.rows != m || C.cols != n)
    shape_error("gemm", "op(A) is " + std::to_string(m) + "x" + std::to_string(k) + ", op(B) is " +
                            std::to_string(kb) + "x" + std::to_string(n) + ", C is " +
                            std::to_string(C.rows) + "x" + std::to_string(C.cols));
  if (m == 0 || n == 0) return;
  do_gemm(ta, tb, alpha, A, B, beta, C);
}

template <class T>
void Backend::gemm_strided_batched(Trans ta, Trans tb, index_t batch, T alpha,
                                   MatrixView<const T> A, index_t sA, MatrixView<const T> B,
                                   index_t sB, T beta, MatrixView<T> C, index_t sC) {
  using namespace backend_detail;
  check_device(A.device), check_device(B.device), check_device(C.device);
  check_ld("gemm_strided_batched", A), check_ld("gemm_strided_batched", B);
  check_ld("gemm_strided_batched", C);
  const index_t m = op_rows(ta, A.rows, A.cols), k = op_cols(ta, A.rows, A.cols);
  const index_t kb = op_rows(tb, B.rows, B.cols), n = op_cols(tb, B.rows, B.cols);
  if (k != kb || C.rows != m || C.cols != n || batch < 0 || sA < 0 || sB < 0 || sC <= 0)
    shape_error("gemm_strided_batched", "inconsistent shapes or strides");
  // Batches of C may not overlap: they are written concurrently (A and B may be shared, sA = 0).
  if (batch > 1 && n > 0 && sC < C.ld * (n - 1) + m)
    shape_error("gemm_strided_batched", "the stride of C makes batches overlap");
  if (batch == 0 || m == 0 || n == 0) return;
  do_gemm_strided_batched(ta, tb, batch, alpha, A, sA, B, sB, beta, C, sC);
}

template <class T>
void Backend::syrk(Trans trans, T alpha, MatrixView<const T> A, T beta, MatrixView<T> C) {
  using namespace backend_detail;
  check_device(A.device), check_device(C.device);
  check_ld("syrk", A), check_ld("syrk", C);
  const index_t n = trans == Trans::no ? A.rows : A.cols;
  if (C.rows != n || C.cols != n) shape_error("syrk", "C must be square of size op(A).rows");
  if (n == 0) return;
  do_syrk(trans, alpha, A, beta, C);
}

inline CholeskyInfo Backend::cholesky(MatrixView<double> A, const CholeskyOptions& options) {
  check_device(A.device);
  if (A.rows != A.cols) backend_detail::shape_error("cholesky", "matrix not square");
  return do_cholesky(A, options);
}

inline void Backend::cholesky_solve(MatrixView<const double> L, MatrixView<double> B) {
  check_device(L.device), check_device(B.device);
  if (L.rows != L.cols || B.rows != L.rows) backend_detail::shape_error("cholesky_solve", "shape mismatch");
  do_cholesky_solve(L, B);
}

inline void Backend::eigh(MatrixView<double> A, VectorView<double> w) {
  check_device(A.device), check_device(w.device);
  if (A.rows != A.cols || w.size != A.rows) backend_detail::shape_error("eigh", "shape mismatch");
  do_eigh(A, w);
}

#define FL_CHECKED_REDUCTION(NAME)                                  \
  template <class T>                                                \
  double Backend::NAME(VectorView<const T> x) {                     \
    check_device(x.device);                                         \
    return do_##NAME(x);                                            \
  }
FL_CHECKED_REDUCTION(sum)
FL_CHECKED_REDUCTION(nrm2)
FL_CHECKED_REDUCTION(max_abs)
#undef FL_CHECKED_REDUCTION

template <class T>
double Backend::dot(VectorView<const T> x, VectorView<const T> y) {
  check_device(x.device), check_device(y.device);
  if (x.size != y.size) backend_detail::shape_error("dot", "sizes differ");
  return do_dot(x, y);
}

template <class T>
void Backend::row_sums(MatrixView<const T> A, VectorView<T> out) {
  check_device(A.device), check_device(out.device);
  if (out.size != A.rows) backend_detail::shape_error("row_sums", "out.size != rows");
  do_row_sums(A, out);
}

template <class T>
void Backend::col_sums(MatrixView<const T> A, VectorView<T> out) {
  check_device(A.device), check_device(out.device);
  if (out.size != A.cols) backend_detail::shape_error("col_sums", "out.size != cols");
  do_col_sums(A, out);
}

template <class T>
void Backend::map(UnaryOp op, VectorView<const T> x, VectorView<T> y) {
  check_device(x.device), check_device(y.device);
  if (x.size != y.size) backend_detail::shape_error("map", "sizes differ");
  do_map(op, false, x, y);
}

template <class T>
void Backend::map_derivative(UnaryOp op, VectorView<const T> x, VectorView<T> y) {
  check_device(x.device), check_device(y.device);
  if (x.size != y.size) backend_detail::shape_error("map_derivative", "sizes differ");
  do_map(op, true, x, y);
}

template <class T>
void Backend::fill(VectorView<T> x, T value) {
  check_device(x.device);
  do_fill(x, value);
}

template <class T>
void Backend::scale(T alpha, VectorView<T> x) {
  check_device(x.device);
  do_scale(alpha, x);
}

template <class T>
void Backend::axpy(T alpha, VectorView<const T> x, VectorView<T> y) {
  check_device(x.device), check_device(y.device);
  if (x.size != y.size) backend_detail::shape_error("axpy", "sizes differ");
  do_axpy(alpha, x, y);
}

template <class T>
void Backend::mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z) {
  check_device(x.device), check_device(y.device), check_device(z.device);
  if (x.size != y.size || x.size != z.size) backend_detail::shape_error("mul", "sizes differ");
  do_mul(x, y, z);
}

template <class T>
void Backend::add_column_vector(VectorView<const T> b, MatrixView<T> Y) {
  check_device(b.device), check_device(Y.device);
  if (b.size != Y.rows) backend_detail::shape_error("add_column_vector", "b.size != Y.rows");
  do_add_column_vector(b, Y);
}

template <class T>
void Backend::sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g,
                       VectorView<T> velocity) {
  check_device(w.device), check_device(g.device);
  if (w.size != g.size || (p.momentum > 0 && velocity.size != w.size))
    backend_detail::shape_error("sgd_step", "sizes differ");
  do_sgd_step(p, w, g, velocity);
}

template <class T>
void Backend::adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w,
                        VectorView<const T> g, VectorView<T> m, VectorView<T> v) {
  check_device(w.device), check_device(g.device), check_device(m.device), check_device(v.device);
  if (w.size != g.size || w.size != m.size || w.size != v.size || step < 1)
    backend_detail::shape_error("adam_step", "sizes differ or step < 1");
  do_adam_step(p, step, w, g, m, v);
}

template <class T>
void Backend::fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step) {
  check_device(x.device);
  do_fill_uniform(x, key, step);
}

template <class T>
void Backend::fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev) {
  check_device(x.device);
  do_fill_normal(x, key, step, mean, stddev);
}

template <class T>
void Backend::fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key,
                             std::uint64_t step) {
  check_device(x.device), check_device(p.device);
  if (x.size != p.size) backend_detail::shape_error("fill_bernoulli", "sizes differ");
  do_fill_bernoulli(x, p, key, step);
}

inline void Backend::fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step) {
  check_device(x.device);
  do_fill_raw(x, key, step);
}

}  // namespace fl
