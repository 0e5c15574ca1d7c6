// CPU backend: reductions, element-wise maps, vector updates and optimiser steps.
// Loops run over fixed chunks (core/cpu_parallel.hpp), so every result, reductions
// included, is independent of the OpenMP thread count. Accumulation is in double.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <Eigen/Core>

#include "core/cpu_ops.hpp"
#include "core/cpu_parallel.hpp"
#include "core/unary_ops.hpp"

namespace fl::cpu_ops {

using cpu_detail::for_chunks;
using cpu_detail::reduce_chunks;

namespace {

// y = f(x) over all elements; y may alias x.
template <class T, class F>
void transform(VectorView<const T> x, VectorView<T> y, F f) {
  for_chunks(x.size, [&](index_t b, index_t e) {
    for (index_t i = b; i < e; ++i) y.data[i] = f(x.data[i]);
  });
}

// max that propagates NaN (a NaN anywhere makes the result NaN).
inline double max_nan(double a, double b) {
  if (a != a) return a;
  if (b != b) return b;
  return a > b ? a : b;
}

}  // namespace

template <class T>
void copy2d(MatrixView<const T> src, MatrixView<T> dst) {
  backend_detail::check_ld("copy", src);
  backend_detail::check_ld("copy", dst);
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
  using Stride = Eigen::OuterStride<>;
  Eigen::Map<Mat, Eigen::Unaligned, Stride>(dst.data, dst.rows, dst.cols, Stride(dst.ld)) =
      Eigen::Map<const Mat, Eigen::Unaligned, Stride>(src.data, src.rows, src.cols, Stride(src.ld));
}

template <class T>
double sum(VectorView<const T> x) {
  return reduce_chunks(
      x.size, 0.0,
      [&](index_t b, index_t e) {
        double s = 0;
        for (index_t i = b; i < e; ++i) s += x.data[i];
        return s;
      },
      [](double a, double p) { return a + p; });
}

template <class T>
double dot(VectorView<const T> x, VectorView<const T> y) {
  return reduce_chunks(
      x.size, 0.0,
      [&](index_t b, index_t e) {
        double s = 0;
        for (index_t i = b; i < e; ++i) s += static_cast<double>(x.data[i]) * y.data[i];
        return s;
      },
      [](double a, double p) { return a + p; });
}

template <class T>
double max_abs(VectorView<const T> x) {
  return reduce_chunks(
      x.size, 0.0,
      [&](index_t b, index_t e) {
        double m = 0;
        for (index_t i = b; i < e; ++i) m = max_nan(m, std::fabs(static_cast<double>(x.data[i])));
        return m;
      },
      max_nan);
}

template <class T>
double nrm2(VectorView<const T> x) {
  // Scaled by max|x| so that squares of large doubles cannot overflow.
  const double scale = max_abs(x);
  if (scale == 0 || !std::isfinite(scale)) return scale;
  const double s = reduce_chunks(
      x.size, 0.0,
      [&](index_t b, index_t e) {
        double acc = 0;
        for (index_t i = b; i < e; ++i) {
          const double t = x.data[i] / scale;
          acc += t * t;
        }
        return acc;
      },
      [](double a, double p) { return a + p; });
  return scale * std::sqrt(s);
}

template <class T>
void row_sums(MatrixView<const T> A, VectorView<T> out) {
  // Each thread owns a range of rows and walks the columns in order (fixed summation order).
  constexpr index_t kRows = 256;
  const index_t blocks = (A.rows + kRows - 1) / kRows;
#pragma omp parallel for schedule(static) if (blocks > 1 && A.rows * A.cols > cpu_detail::kChunk)
  for (index_t blk = 0; blk < blocks; ++blk) {
    const index_t r0 = blk * kRows, r1 = std::min(A.rows, r0 + kRows);
    double acc[kRows] = {};
    for (index_t j = 0; j < A.cols; ++j) {
      const T* col = A.data + j * A.ld;
      for (index_t i = r0; i < r1; ++i) acc[i - r0] += col[i];
    }
    for (index_t i = r0; i < r1; ++i) out.data[i] = static_cast<T>(acc[i - r0]);
  }
}

template <class T>
void col_sums(MatrixView<const T> A, VectorView<T> out) {
#pragma omp parallel for schedule(static) if (A.rows * A.cols > cpu_detail::kChunk)
  for (index_t j = 0; j < A.cols; ++j) {
    const T* col = A.data + j * A.ld;
    double s = 0;
    for (index_t i = 0; i < A.rows; ++i) s += col[i];
    out.data[j] = static_cast<T>(s);
  }
}

template <class T>
void map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y) {
  // One loop per op so that the op is a compile-time constant inside the loop.
  switch (op) {
#define FL_MAP_CASE(OP)                                                                        \
  case UnaryOp::OP:                                                                            \
    if (derivative)                                                                            \
      transform(x, y, [](T v) { return apply_unary_derivative(UnaryOp::OP, v); });             \
    else                                                                                       \
      transform(x, y, [](T v) { return apply_unary(UnaryOp::OP, v); });                        \
    return;
    FL_MAP_CASE(identity)
    FL_MAP_CASE(tanh)
    FL_MAP_CASE(relu)
    FL_MAP_CASE(sigmoid)
    FL_MAP_CASE(softplus)
    FL_MAP_CASE(exp)
    FL_MAP_CASE(log)
    FL_MAP_CASE(square)
    FL_MAP_CASE(erf)
    FL_MAP_CASE(sin)
    FL_MAP_CASE(cos)
#undef FL_MAP_CASE
  }
  throw std::invalid_argument("Backend::map: unknown UnaryOp");
}

template <class T>
void fill(VectorView<T> x, T value) {
  for_chunks(x.size, [&](index_t b, index_t e) { std::fill(x.data + b, x.data + e, value); });
}

template <class T>
void scale(T alpha, VectorView<T> x) {
  transform<T>(x, x, [alpha](T v) { return alpha * v; });
}

template <class T>
void axpy(T alpha, VectorView<const T> x, VectorView<T> y) {
  for_chunks(x.size, [&](index_t b, index_t e) {
    for (index_t i = b; i < e; ++i) y.data[i] += alpha * x.data[i];
  });
}

template <class T>
void mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z) {
  for_chunks(x.size, [&](index_t b, index_t e) {
    for (index_t i = b; i < e; ++i) z.data[i] = x.data[i] * y.data[i];
  });
}

template <class T>
void add_column_vector(VectorView<const T> b, MatrixView<T> Y) {
  const Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> bias(b.data, b.size);
#pragma omp parallel for schedule(static) if (Y.rows * Y.cols > cpu_detail::kChunk)
  for (index_t j = 0; j < Y.cols; ++j)
    Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>(Y.data + j * Y.ld, Y.rows) += bias;
}

// SGD (PyTorch convention): g' = g + wd w;  v <- mu v + g' (only when mu > 0);
// w <- w - lr * (mu > 0 ? v : g').
template <class T>
void sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g, VectorView<T> velocity) {
  const bool heavy_ball = p.momentum > 0;
  for_chunks(w.size, [&](index_t b, index_t e) {
    for (index_t i = b; i < e; ++i) {
      double d = static_cast<double>(g.data[i]) + p.weight_decay * w.data[i];
      if (heavy_ball) {
        d += p.momentum * velocity.data[i];
        velocity.data[i] = static_cast<T>(d);
      }
      w.data[i] = static_cast<T>(w.data[i] - p.learning_rate * d);
    }
  });
}

// Adam (Kingma & Ba) with bias correction; weight decay decoupled as in AdamW:
// w <- w - lr * (m_hat / (sqrt(v_hat) + eps) + wd * w).
template <class T>
void adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g,
               VectorView<T> m, VectorView<T> v) {
  const double bc1 = 1.0 - std::pow(p.beta1, static_cast<double>(step));
  const double bc2 = 1.0 - std::pow(p.beta2, static_cast<double>(step));
  for_chunks(w.size, [&](index_t b, index_t e) {
    for (index_t i = b; i < e; ++i) {
      const double gi = g.data[i];
      const double mi = p.beta1 * m.data[i] + (1.0 - p.beta1) * gi;
      const double vi = p.beta2 * v.data[i] + (1.0 - p.beta2) * gi * gi;
      m.data[i] = static_cast<T>(mi);
      v.data[i] = static_cast<T>(vi);
      const double update = (mi / bc1) / (std::sqrt(vi / bc2) + p.eps) + p.weight_decay * w.data[i];
      w.data[i] = static_cast<T>(w.data[i] - p.learning_rate * update);
    }
  });
}

#define FL_INSTANTIATE(T)                                                                      \
  template void copy2d<T>(MatrixView<const T>, MatrixView<T>);                                 \
  template double sum<T>(VectorView<const T>);                                                 \
  template double dot<T>(VectorView<const T>, VectorView<const T>);                            \
  template double nrm2<T>(VectorView<const T>);                                                \
  template double max_abs<T>(VectorView<const T>);                                             \
  template void row_sums<T>(MatrixView<const T>, VectorView<T>);                               \
  template void col_sums<T>(MatrixView<const T>, VectorView<T>);                               \
  template void map<T>(UnaryOp, bool, VectorView<const T>, VectorView<T>);                     \
  template void fill<T>(VectorView<T>, T);                                                     \
  template void scale<T>(T, VectorView<T>);                                                    \
  template void axpy<T>(T, VectorView<const T>, VectorView<T>);                                \
  template void mul<T>(VectorView<const T>, VectorView<const T>, VectorView<T>);               \
  template void add_column_vector<T>(VectorView<const T>, MatrixView<T>);                      \
  template void sgd_step<T>(const SgdParams&, VectorView<T>, VectorView<const T>, VectorView<T>); \
  template void adam_step<T>(const AdamParams&, std::int64_t, VectorView<T>, VectorView<const T>, \
                             VectorView<T>, VectorView<T>);
FL_INSTANTIATE(float)
FL_INSTANTIATE(double)
#undef FL_INSTANTIATE

}  // namespace fl::cpu_ops
