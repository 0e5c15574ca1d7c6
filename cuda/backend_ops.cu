// Custom kernels of the CUDA backend; see backend_ops.cuh.
#include "cuda/backend_ops.cuh"

#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "core/philox.hpp"
#include "core/unary_ops.hpp"
#include "cuda/common.cuh"

namespace fl::cuda::ops {

// 2D kernels use kTile x kTileRows thread blocks over kTile x kTile tiles.
constexpr int kTile = 32, kTileRows = 8;

// --- reductions ----------------------------------------------------------------------

struct PlusOp {
  static __device__ double identity() { return 0.0; }
  __device__ double operator()(double a, double b) const { return a + b; }
};
// For max_abs: every loaded value is >= 0, so 0 is the identity. NaN propagates (as on
// the CPU backend): a NaN anywhere makes the result NaN.
struct MaxOp {
  static __device__ double identity() { return 0.0; }
  __device__ double operator()(double a, double b) const {
    if (a != a) return a;
    if (b != b) return b;
    return a > b ? a : b;
  }
};

// One partial per block: each thread folds a fixed strided subset in order, then a
// fixed-shape shared-memory tree. Same grid for the same n => same result.
template <class Combine, class Load>
__global__ void reduce_blocks_kernel(std::int64_t n, Load load, double* partials) {
  __shared__ double shared[kBlockSize];
  const Combine combine;
  double acc = Combine::identity();
  FL_GRID_STRIDE_LOOP(i, n) { acc = combine(acc, load(i)); }
  shared[threadIdx.x] = acc;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s /= 2) {
    if (threadIdx.x < s) shared[threadIdx.x] = combine(shared[threadIdx.x], shared[threadIdx.x + s]);
    __syncthreads();
  }
  if (threadIdx.x == 0) partials[blockIdx.x] = shared[0];
}

template <class Combine, class Load>
double reduce(std::int64_t n, Load load, double* scratch) {
  if (n <= 0) return 0.0;  // the identity of both PlusOp and MaxOp
  const unsigned blocks = grid_size(n, kBlockSize, kMaxReductionBlocks);
  reduce_blocks_kernel<Combine><<<blocks, kBlockSize>>>(n, load, scratch);
  FL_CUDA_CHECK_LAUNCH();
  const double* partials = scratch;
  auto load_partial = [partials] __device__(std::int64_t i) { return partials[i]; };
  reduce_blocks_kernel<Combine><<<1, kBlockSize>>>(blocks, load_partial, scratch + kMaxReductionBlocks);
  FL_CUDA_CHECK_LAUNCH();
  double result = 0.0;
  FL_CUDA_CHECK(cudaMemcpy(&result, scratch + kMaxReductionBlocks, sizeof(double),
                           cudaMemcpyDeviceToHost));
  return result;
}

template <class T>
double sum(VectorView<const T> x, double* scratch) {
  const T* p = x.data;
  return reduce<PlusOp>(x.size, [p] __device__(std::int64_t i) { return double(p[i]); }, scratch);
}

template <class T>
double dot(VectorView<const T> x, VectorView<const T> y, double* scratch) {
  const T* a = x.data;
  const T* b = y.data;
  return reduce<PlusOp>(
      x.size, [a, b] __device__(std::int64_t i) { return double(a[i]) * double(b[i]); }, scratch);
}

// Scaled by max|x| (as on the CPU backend) so that squares of large doubles cannot overflow.
template <class T>
double nrm2(VectorView<const T> x, double* scratch) {
  const double scale = max_abs(x, scratch);
  if (scale == 0 || !std::isfinite(scale)) return scale;
  const T* p = x.data;
  const double ss = reduce<PlusOp>(
      x.size,
      [p, scale] __device__(std::int64_t i) {
        const double t = double(p[i]) / scale;
        return t * t;
      },
      scratch);
  return scale * std::sqrt(ss);
}

template <class T>
double max_abs(VectorView<const T> x, double* scratch) {
  const T* p = x.data;
  return reduce<MaxOp>(x.size, [p] __device__(std::int64_t i) { return fabs(double(p[i])); }, scratch);
}

double mean_diagonal(MatrixView<const double> A, double* scratch) {
  if (A.rows == 0) return 0.0;
  const double* p = A.data;
  const std::int64_t step = A.ld + 1;
  return reduce<PlusOp>(A.rows, [p, step] __device__(std::int64_t i) { return p[i * step]; }, scratch) /
         static_cast<double>(A.rows);
}

std::int64_t count_non_finite(MatrixView<const double> A, bool lower_only, double* scratch) {
  const double* p = A.data;
  const std::int64_t rows = A.rows, ld = A.ld;
  const double count = reduce<PlusOp>(
      A.rows * A.cols,
      [=] __device__(std::int64_t k) {
        const std::int64_t i = k % rows, j = k / rows;
        if (lower_only && i < j) return 0.0;
        return isfinite(p[i + j * ld]) ? 0.0 : 1.0;
      },
      scratch);
  return static_cast<std::int64_t>(count);
}

// out[i] = sum_j A(i, j): a block of kTile x kTileRows threads owns kTile consecutive rows
// (coalesced reads of each column); thread row y sums columns y, y + kTileRows, ... in order,
// then the kTileRows partials are added in a fixed order.
template <class T>
__global__ void row_sums_kernel(const T* a, std::int64_t rows, std::int64_t cols, std::int64_t ld, T* out) {
  __shared__ double partial[kTileRows][kTile];
  for (std::int64_t r0 = std::int64_t(blockIdx.x) * kTile; r0 < rows; r0 += std::int64_t(gridDim.x) * kTile) {
    const std::int64_t i = r0 + threadIdx.x;
    double acc = 0.0;
    if (i < rows)
      for (std::int64_t j = threadIdx.y; j < cols; j += kTileRows) acc += double(a[i + j * ld]);
    partial[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && i < rows) {
      double sum = 0.0;
      for (int y = 0; y < kTileRows; ++y) sum += partial[y][threadIdx.x];
      out[i] = T(sum);
    }
    __syncthreads();  // partial[] is reused by the next group of rows
  }
}

template <class T>
void row_sums(MatrixView<const T> A, VectorView<T> out) {
  if (A.rows == 0) return;
  row_sums_kernel<<<grid_size(A.rows, kTile, kMaxGridBlocks), dim3(kTile, kTileRows)>>>(A.data, A.rows, A.cols,
                                                                                         A.ld, out.data);
  FL_CUDA_CHECK_LAUNCH();
}

// out[j] = sum_i A(i, j): one block per column (grid-stride over columns), fixed tree.
template <class T>
__global__ void col_sums_kernel(const T* a, std::int64_t rows, std::int64_t cols, std::int64_t ld, T* out) {
  __shared__ double shared[kBlockSize];
  for (std::int64_t j = blockIdx.x; j < cols; j += gridDim.x) {
    double acc = 0.0;
    for (std::int64_t i = threadIdx.x; i < rows; i += blockDim.x) acc += double(a[i + j * ld]);
    shared[threadIdx.x] = acc;
    __syncthreads();
    for (unsigned s = blockDim.x / 2; s > 0; s /= 2) {
      if (threadIdx.x < s) shared[threadIdx.x] += shared[threadIdx.x + s];
      __syncthreads();
    }
    if (threadIdx.x == 0) out[j] = T(shared[0]);
    __syncthreads();  // shared[] is reused by the next column
  }
}

template <class T>
void col_sums(MatrixView<const T> A, VectorView<T> out) {
  if (A.cols == 0) return;
  col_sums_kernel<<<grid_size(A.cols, 1, kMaxGridBlocks), kBlockSize>>>(A.data, A.rows, A.cols, A.ld,
                                                                         out.data);
  FL_CUDA_CHECK_LAUNCH();
}

// --- element-wise ----------------------------------------------------------------------

template <class T>
void map(UnaryOp op, bool derivative, VectorView<const T> x, VectorView<T> y) {
  const T* in = x.data;
  T* out = y.data;
  if (derivative)
    for_each_index(x.size, [=] __device__(std::int64_t i) { out[i] = apply_unary_derivative(op, in[i]); });
  else
    for_each_index(x.size, [=] __device__(std::int64_t i) { out[i] = apply_unary(op, in[i]); });
}

template <class T>
void fill(VectorView<T> x, T value) {
  T* p = x.data;
  for_each_index(x.size, [=] __device__(std::int64_t i) { p[i] = value; });
}

template <class T>
void scale(T alpha, VectorView<T> x) {
  T* p = x.data;
  for_each_index(x.size, [=] __device__(std::int64_t i) { p[i] *= alpha; });
}

template <class T>
void axpy(T alpha, VectorView<const T> x, VectorView<T> y) {
  const T* xp = x.data;
  T* yp = y.data;
  for_each_index(x.size, [=] __device__(std::int64_t i) { yp[i] += alpha * xp[i]; });
}

template <class T>
void mul(VectorView<const T> x, VectorView<const T> y, VectorView<T> z) {
  const T* xp = x.data;
  const T* yp = y.data;
  T* zp = z.data;
  for_each_index(x.size, [=] __device__(std::int64_t i) { zp[i] = xp[i] * yp[i]; });
}

template <class T>
void add_column_vector(VectorView<const T> b, MatrixView<T> Y) {
  const T* bp = b.data;
  T* yp = Y.data;
  const std::int64_t rows = Y.rows, ld = Y.ld;
  for_each_index(Y.rows * Y.cols, [=] __device__(std::int64_t k) {
    const std::int64_t i = k % rows, j = k / rows;
    yp[i + j * ld] += bp[i];
  });
}

// --- matrix fix-ups --------------------------------------------------------------------

template <class T>
void scale_matrices(MatrixView<T> C, std::int64_t batch, std::int64_t stride, T beta) {
  T* c = C.data;
  const std::int64_t rows = C.rows, ld = C.ld, per = C.rows * C.cols;
  if (per == 0) return;
  for_each_index(batch * per, [=] __device__(std::int64_t k) {
    const std::int64_t b = k / per, r = k % per;
    T& x = c[b * stride + (r % rows) + (r / rows) * ld];
    x = beta == T(0) ? T(0) : beta * x;
  });
}

// Block (tj, ti) with ti <= tj fills the upper tile (ti, tj) from the lower tile (tj, ti)
// through shared memory, so both the reads and the writes are coalesced. A diagonal tile
// reads itself completely before writing its upper half; no two blocks touch the same
// upper element, and lower elements are only read.

template <class T>
__global__ void mirror_lower_to_upper_kernel(T* c, std::int64_t n, std::int64_t ld) {
  __shared__ T tile[kTile][kTile + 1];  // +1: no shared-memory bank conflicts on the transpose
  const std::int64_t ti = blockIdx.y, tj = blockIdx.x;
  if (ti > tj) return;
  for (int y = threadIdx.y; y < kTile; y += kTileRows) {
    const std::int64_t row = tj * kTile + threadIdx.x, col = ti * kTile + y;  // lower tile
    if (row < n && col < n) tile[y][threadIdx.x] = c[row + col * ld];
  }
  __syncthreads();
  for (int y = threadIdx.y; y < kTile; y += kTileRows) {
    const std::int64_t row = ti * kTile + threadIdx.x, col = tj * kTile + y;  // upper tile
    if (row < col && col < n) c[row + col * ld] = tile[threadIdx.x][y];      // = C(col, row)
  }
}

template <class T>
void mirror_lower_to_upper(MatrixView<T> C) {
  const std::int64_t n = C.rows, tiles = (n + kTile - 1) / kTile;
  if (n < 2) return;
  if (tiles > 65535) throw std::invalid_argument("mirror_lower_to_upper: matrix too large");
  const dim3 grid(static_cast<unsigned>(tiles), static_cast<unsigned>(tiles));
  mirror_lower_to_upper_kernel<<<grid, dim3(kTile, kTileRows)>>>(C.data, n, C.ld);
  FL_CUDA_CHECK_LAUNCH();
}

void zero_strict_upper(MatrixView<double> A) {
  double* a = A.data;
  const std::int64_t n = A.rows, ld = A.ld;
  for_each_index(n * n, [=] __device__(std::int64_t k) {
    const std::int64_t i = k % n, j = k / n;
    if (i < j) a[i + j * ld] = 0.0;
  });
}

void add_to_diagonal(MatrixView<double> A, double value) {
  double* a = A.data;
  const std::int64_t step = A.ld + 1;
  for_each_index(A.rows, [=] __device__(std::int64_t i) { a[i * step] += value; });
}

// --- optimisers --------------------------------------------------------------------------

// Heavy-ball SGD with L2 weight decay (PyTorch's torch.optim.SGD, dampening 0):
//   g' = g + wd w;  v <- mu v + g' (only when mu > 0, else v = g');  w <- w - lr v.
// Arithmetic in double, stored in T.
template <class T>
void sgd_step(const SgdParams& p, VectorView<T> w, VectorView<const T> g, VectorView<T> velocity) {
  const double lr = p.learning_rate, mu = p.momentum, wd = p.weight_decay;
  const bool use_velocity = mu > 0;
  T* wp = w.data;
  const T* gp = g.data;
  T* vp = velocity.data;
  for_each_index(w.size, [=] __device__(std::int64_t i) {
    const double wi = double(wp[i]);
    double d = double(gp[i]) + wd * wi;
    if (use_velocity) {
      d = mu * double(vp[i]) + d;
      vp[i] = T(d);
    }
    wp[i] = T(wi - lr * d);
  });
}

// Adam (Kingma & Ba) with decoupled weight decay (AdamW, PyTorch's formula):
//   m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2
//   w <- w - lr [ (m / (1-b1^t)) / (sqrt(v / (1-b2^t)) + eps) + wd w ]
template <class T>
void adam_step(const AdamParams& p, std::int64_t step, VectorView<T> w, VectorView<const T> g,
               VectorView<T> m, VectorView<T> v) {
  const double lr = p.learning_rate, b1 = p.beta1, b2 = p.beta2, eps = p.eps, wd = p.weight_decay;
  const double bc1 = 1.0 - std::pow(b1, static_cast<double>(step));
  const double bc2 = 1.0 - std::pow(b2, static_cast<double>(step));
  T* wp = w.data;
  const T* gp = g.data;
  T* mp = m.data;
  T* vp = v.data;
  for_each_index(w.size, [=] __device__(std::int64_t i) {
    const double gi = double(gp[i]), wi = double(wp[i]);
    const double mi = b1 * double(mp[i]) + (1.0 - b1) * gi;
    const double vi = b2 * double(vp[i]) + (1.0 - b2) * gi * gi;
    mp[i] = T(mi);
    vp[i] = T(vi);
    wp[i] = T(wi - lr * ((mi / bc1) / (sqrt(vi / bc2) + eps) + wd * wi));
  });
}

// --- Philox fills ------------------------------------------------------------------------
// Layout (core/philox.hpp): double uses 2 elements per block (2 words each), float 4 (1 word
// each). Normals pair the two uniforms of a Box-Muller couple inside the same block.

template <class T>
constexpr std::int64_t elements_per_block() {
  return std::is_same_v<T, double> ? 2 : 4;
}

template <class T>
__device__ T uniform_in_block(const U32x4& r, int k) {
  if constexpr (std::is_same_v<T, double>)
    return u01_double(r.v[2 * k], r.v[2 * k + 1]);
  else
    return u01_float(r.v[k]);
}

// One thread per Philox block b of an n-element fill: f(first element of the block, block words).
template <class T, class F>
void for_each_philox_block(std::int64_t n, PhiloxKey key, std::uint64_t step, F f) {
  constexpr std::int64_t per = elements_per_block<T>();
  for_each_index((n + per - 1) / per, [=] __device__(std::int64_t b) {
    const U32x4 r = philox_block(key, static_cast<std::uint64_t>(b), step);
    f(b * per, r);
  });
}

template <class T>
void fill_uniform(VectorView<T> x, PhiloxKey key, std::uint64_t step) {
  T* out = x.data;
  const std::int64_t n = x.size;
  for_each_philox_block<T>(n, key, step, [=] __device__(std::int64_t first, const U32x4& r) {
    for (int k = 0; k < elements_per_block<T>() && first + k < n; ++k)
      out[first + k] = uniform_in_block<T>(r, k);
  });
}

template <class T>
void fill_normal(VectorView<T> x, PhiloxKey key, std::uint64_t step, T mean, T stddev) {
  T* out = x.data;
  const std::int64_t n = x.size;
  for_each_philox_block<T>(n, key, step, [=] __device__(std::int64_t first, const U32x4& r) {
    T z[elements_per_block<T>()];
    if constexpr (std::is_same_v<T, double>) {
      box_muller(u01_double(r.v[0], r.v[1]), u01_double(r.v[2], r.v[3]), z[0], z[1]);
    } else {
      box_muller(u01_float(r.v[0]), u01_float(r.v[1]), z[0], z[1]);
      box_muller(u01_float(r.v[2]), u01_float(r.v[3]), z[2], z[3]);
    }
    for (int k = 0; k < elements_per_block<T>() && first + k < n; ++k) out[first + k] = mean + stddev * z[k];
  });
}

template <class T>
void fill_bernoulli(VectorView<T> x, VectorView<const T> p, PhiloxKey key, std::uint64_t step) {
  T* out = x.data;
  const T* prob = p.data;
  const std::int64_t n = x.size;
  for_each_philox_block<T>(n, key, step, [=] __device__(std::int64_t first, const U32x4& r) {
    for (int k = 0; k < elements_per_block<T>() && first + k < n; ++k)
      out[first + k] = uniform_in_block<T>(r, k) < prob[first + k] ? T(1) : T(0);
  });
}

void fill_raw(VectorView<std::uint32_t> x, PhiloxKey key, std::uint64_t step) {
  std::uint32_t* out = x.data;
  const std::int64_t n = x.size;
  for_each_index((n + 3) / 4, [=] __device__(std::int64_t b) {
    const U32x4 r = philox_block(key, static_cast<std::uint64_t>(b), step);
    for (int k = 0; k < 4 && 4 * b + k < n; ++k) out[4 * b + k] = r.v[k];
  });
}

// --- explicit instantiations --------------------------------------------------------------

#define FL_INSTANTIATE_OPS(T)                                                                    \
  template double sum<T>(VectorView<const T>, double*);                                         \
  template double dot<T>(VectorView<const T>, VectorView<const T>, double*);                    \
  template double nrm2<T>(VectorView<const T>, double*);                                        \
  template double max_abs<T>(VectorView<const T>, double*);                                     \
  template void row_sums<T>(MatrixView<const T>, VectorView<T>);                                \
  template void col_sums<T>(MatrixView<const T>, VectorView<T>);                                \
  template void map<T>(UnaryOp, bool, VectorView<const T>, VectorView<T>);                      \
  template void fill<T>(VectorView<T>, T);                                                      \
  template void scale<T>(T, VectorView<T>);                                                     \
  template void axpy<T>(T, VectorView<const T>, VectorView<T>);                                 \
  template void mul<T>(VectorView<const T>, VectorView<const T>, VectorView<T>);                \
  template void add_column_vector<T>(VectorView<const T>, MatrixView<T>);                       \
  template void scale_matrices<T>(MatrixView<T>, std::int64_t, std::int64_t, T);                \
  template void mirror_lower_to_upper<T>(MatrixView<T>);                                        \
  template void sgd_step<T>(const SgdParams&, VectorView<T>, VectorView<const T>, VectorView<T>); \
  template void adam_step<T>(const AdamParams&, std::int64_t, VectorView<T>, VectorView<const T>, \
                             VectorView<T>, VectorView<T>);                                     \
  template void fill_uniform<T>(VectorView<T>, PhiloxKey, std::uint64_t);                       \
  template void fill_normal<T>(VectorView<T>, PhiloxKey, std::uint64_t, T, T);                  \
  template void fill_bernoulli<T>(VectorView<T>, VectorView<const T>, PhiloxKey, std::uint64_t);

FL_INSTANTIATE_OPS(float)
FL_INSTANTIATE_OPS(double)
#undef FL_INSTANTIATE_OPS

}  // namespace fl::cuda::ops
