









#include "models/nn/fused_gd_cpu.hpp"

#include <algorithm>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core/error.hpp"
#include "core/unary_ops.hpp"

namespace fl::nn {

namespace {

// One register tile of C(r, c) = sum_k X[r * xr + k * xk] * Y[k * yk + c * yc] (strides in
// vectors), handed to out(r, c, value). TR x TC accumulators stay in registers.
template <int TR, int TC, class V, class Out>
inline void product_tile(index_t r0, index_t c0, index_t depth, const V* X, index_t xr, index_t xk, const V* Y,
                         index_t yk, index_t yc, Out& out) {
  V acc[TR][TC] = {};
  for (index_t k = 0; k < depth; ++k) {
    V x[TR], y[TC];
    for (int i = 0; i < TR; ++i) x[i] = X[(r0 + i) * xr + k * xk];
    for (int j = 0; j < TC; ++j) y[j] = Y[k * yk + (c0 + j) * yc];
    for (int i = 0; i < TR; ++i)
      for (int j = 0; j < TC; ++j) acc[i][j] += x[i] * y[j];
  }
  for (int i = 0; i < TR; ++i)
    for (int j = 0; j < TC; ++j) out(r0 + i, c0 + j, acc[i][j]);
}

// The whole rows x cols product in 4 x 6 tiles (4 x 1, 1 x 6, 1 x 1 at the edges). 24
// accumulators plus 10 operands fit the 32 vector registers of AVX-512; 4x4 ... 3x8 tiles
// measured within 10% of each other.
template <class V, class Out>
void product(index_t rows, index_t cols, index_t depth, const V* X, index_t xr, index_t xk, const V* Y, index_t yk,
             index_t yc, Out out) {
  constexpr int tr = 4, tc = 6;
  index_t r = 0;
  for (; r + tr <= rows; r += tr) {
    index_t c = 0;
    for (; c + tc <= cols; c += tc) product_tile<tr, tc>(r, c, depth, X, xr, xk, Y, yk, yc, out);
    for (; c < cols; ++c) product_tile<tr, 1>(r, c, depth, X, xr, xk, Y, yk, yc, out);
  }
  for (; r < rows; ++r) {
    index_t c = 0;
    for (; c + tc <= cols; c += tc) product_tile<1, tc>(r, c, depth, X, xr, xk, Y, yk, yc, out);
    for (; c < cols; ++c) product_tile<1, 1>(r, c, depth, X, xr, xk, Y, yk, yc, out);
  }
}

// a = act(z) in place and d = act'(z); tanh vectorised with act' = 1 - a^2, other
// activations lane by lane through the scalar definitions.
template <class V, class T>
void activate(UnaryOp op, std::vector<V>& a, std::vector<V>& d) {
  const std::size_t n = a.size();
  if (op == UnaryOp::identity) {
    std::fill(d.begin(), d.end(), lanes::splat(T(1)));
  } else if (op == UnaryOp::tanh) {
    for (std::size_t k = 0; k < n; ++k) {
      const V t = lanes::tanh_lanes(a[k]);
      a[k] = t;
      d[k] = T(1) - t * t;
    }
  } else {
    for (std::size_t k = 0; k < n; ++k)
      for (int v = 0; v < lanes::kLanes; ++v) {
        const T z = a[k][v];
        a[k][v] = apply_unary(op, z);
        d[k][v] = apply_unary_derivative(op, z);
      }
  }
}

}  // namespace

template <class T>
FusedQuadraticGd<T>::FusedQuadraticGd(const MlpSpec& spec, index_t replicas, index_t B, const T* X, const T* M,
                                      const T* c, T loss_scale)
    : spec_(spec), R_(replicas), B_(B), P_(spec.n_params()), M_(M, M + B * B), c_(c, c + B * replicas),
      scale_(loss_scale) {
  require(spec_.n_out() == 1, "FusedQuadraticGd: the network must have one output");
  input_.resize(static_cast<std::size_t>(spec_.n_in() * B));
  for (std::size_t k = 0; k < input_.size(); ++k) input_[k] = lanes::splat(X[k]);
  int threads = 1;
#ifdef _OPENMP
  threads = omp_get_max_threads();
#endif
  scratch_.resize(static_cast<std::size_t>(threads));
  index_t widest = 0;
  for (index_t n : spec_.sizes) widest = std::max(widest, n);
  for (auto& s : scratch_) {
    s.theta.resize(static_cast<std::size_t>(P_));
    s.a.resize(static_cast<std::size_t>(spec_.layers() + 1));
    s.d.resize(s.a.size());
    for (index_t l = 1; l <= spec_.layers(); ++l)
      s.a[l].resize(static_cast<std::size_t>(spec_.sizes[l] * B)), s.d[l].resize(s.a[l].size());
    s.delta.resize(static_cast<std::size_t>(widest * B));
    s.delta_prev.resize(s.delta.size());
    s.c.resize(static_cast<std::size_t>(B));
  }
}

template <class T>
void FusedQuadraticGd<T>::step(T* params, T learning_rate) {
  const index_t groups = (R_ + lanes::kLanes - 1) / lanes::kLanes;
#pragma omp parallel for schedule(static) num_threads(static_cast<int>(scratch_.size()))
  for (index_t g = 0; g < groups; ++g) {
    int thread = 0;
#ifdef _OPENMP
    thread = omp_get_thread_num();
#endif
    group_step(g * lanes::kLanes, params, learning_rate, scratch_[static_cast<std::size_t>(thread)]);
  }
}

template <class T>
void FusedQuadraticGd<T>::group_step(index_t r0, T* params, T learning_rate, Scratch& s) const {
  const int live = static_cast<int>(std::min<index_t>(lanes::kLanes, R_ - r0));  // the last group may be partial
  // Interleave the group's parameters and c_r; unused lanes hold zeros (a finite dummy network).
  for (index_t p = 0; p < P_; ++p) {
    V v{};
    for (int l = 0; l < live; ++l) v[l] = params[(r0 + l) * P_ + p];
    s.theta[p] = v;
  }
  for (index_t b = 0; b < B_; ++b) {
    V v{};
    for (int l = 0; l < live; ++l) v[l] = c_[b + B_ * (r0 + l)];
    s.c[b] = v;
  }
  forward(s);
  backward_and_update(s, learning_rate);
  for (index_t p = 0; p < P_; ++p)
    for (int l = 0; l < live; ++l) params[(r0 + l) * P_ + p] = s.theta[p][l];
}

template <class T>
void FusedQuadraticGd<T>::forward(Scratch& s) const {
  for (index_t l = 1; l <= spec_.layers(); ++l) {
    const index_t n = spec_.sizes[l], m = spec_.sizes[l - 1];
    const V* W = s.theta.data() + spec_.weight_offset(l);
    const V* bias = s.theta.data() + spec_.bias_offset(l);
    const V* in = l == 1 ? input_.data() : s.a[l - 1].data();
    const T alpha = T(spec_.weight_scale(l)), beta = T(spec_.bias_scale(l));
    V* z = s.a[l].data();
    // z(i, b) = alpha sum_j W(i, j) a(j, b) + beta bias(i); W(i, j) at i + n j, a(j, b) at j + m b.
    product(n, B_, m, W, 1, n, in, 1, m, [&](index_t i, index_t b, V v) { z[i + n * b] = alpha * v + beta * bias[i]; });
    activate<V, T>(spec_.activations[l - 1], s.a[l], s.d[l]);
  }
}

template <class T>
void FusedQuadraticGd<T>::backward_and_update(Scratch& s, T eta) const {
  const index_t L = spec_.layers();
  // delta_L = dL/dz_L = s (M f - c) o act'(z_L), f(b) = a_L(0, b).
  const V* f = s.a[L].data();
  for (index_t b = 0; b < B_; ++b) s.delta[b] = -s.c[b];
  for (index_t c = 0; c < B_; ++c)
    for (index_t b = 0; b < B_; ++b) s.delta[b] += M_[b + B_ * c] * f[c];
  for (index_t b = 0; b < B_; ++b) s.delta[b] *= scale_ * s.d[L][b];

  for (index_t l = L; l >= 1; --l) {
    const index_t n = spec_.sizes[l], m = spec_.sizes[l - 1];
    V* W = s.theta.data() + spec_.weight_offset(l);
    V* bias = s.theta.data() + spec_.bias_offset(l);
    const V* in = l == 1 ? input_.data() : s.a[l - 1].data();
    const T alpha = T(spec_.weight_scale(l)), beta = T(spec_.bias_scale(l));
    const V* delta = s.delta.data();
    if (l > 1) {  // delta_{l-1}(j, b) = act'(z_{l-1}) alpha sum_i W(i, j) delta(i, b), with W before its update
      V* prev = s.delta_prev.data();
      const V* d = s.d[l - 1].data();
      product(m, B_, n, W, n, 1, delta, 1, n,
              [&](index_t j, index_t b, V v) { prev[j + m * b] = alpha * v * d[j + m * b]; });
    }
    // W(i, j) -= eta alpha sum_b delta(i, b) a(j, b);  bias(i) -= eta beta sum_b delta(i, b).
    product(n, m, B_, delta, 1, n, in, m, 1, [&](index_t i, index_t j, V v) { W[i + n * j] -= (eta * alpha) * v; });
    for (index_t i = 0; i < n; ++i) {
      V sum{};
      for (index_t b = 0; b < B_; ++b) sum += delta[i + n * b];
      bias[i] -= (eta * beta) * sum;
    }
    std::swap(s.delta, s.delta_prev);
  }
}

template class FusedQuadraticGd<float>;
template class FusedQuadraticGd<double>;

}  // namespace fl::nn
