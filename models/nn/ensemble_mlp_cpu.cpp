#include "models/nn/ensemble_mlp_cpu.hpp"

#include <cstring>

#include <Eigen/Dense>

#include "core/unary_ops.hpp"
#include "models/nn/lane_math.hpp"

namespace fl::nn::cpu_fused {

namespace {
template <class T>
using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;
template <class T>
using Map = Eigen::Map<Mat<T>>;
template <class T>
using CMap = Eigen::Map<const Mat<T>>;

// a = act(z) for n values; tanh vectorised (libm's is scalar and dominated the pass).
template <class T>
void activate(UnaryOp op, const T* z, T* a, index_t n) {
  index_t i = 0;
  if (op == UnaryOp::tanh)
    for (; i + lanes::kLanes <= n; i += lanes::kLanes) {
      lanes::Lanes<T> v;
      std::memcpy(&v, z + i, sizeof v);
      v = lanes::tanh_lanes(v);
      std::memcpy(a + i, &v, sizeof v);
    }
  for (; i < n; ++i) a[i] = apply_unary(op, z[i]);
}

// act'(z), from the cached output a = tanh(z) for tanh (no second transcendental call).
template <class T>
T derivative(UnaryOp op, T z, T a) {
  return op == UnaryOp::tanh ? T(1) - a * a : apply_unary_derivative(op, z);
}

template <class T>
CMap<T> layer_input(const Layers<T>& L, index_t l, index_t r) {
  const auto& s = *L.spec;
  if (l == 1) return CMap<T>(L.input + r * L.input_stride, s.sizes[0], L.B);
  return CMap<T>(L.a[l - 1] + r * s.sizes[l - 1] * L.B, s.sizes[l - 1], L.B);
}
}  // namespace

template <class T>
void forward(const Layers<T>& L) {
  const auto& s = *L.spec;
#pragma omp parallel for schedule(static)
  for (index_t r = 0; r < L.R; ++r) {
    const T* p = L.params + r * L.P;
    for (index_t l = 1; l <= s.layers(); ++l) {
      const index_t n = s.sizes[l], m = s.sizes[l - 1];
      Map<T> Z(L.z[l] + r * n * L.B, n, L.B);
      const CMap<T> W(p + s.weight_offset(l), n, m);
      const Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, 1>> b(p + s.bias_offset(l), n);
      Z.noalias() = T(s.weight_scale(l)) * W * layer_input(L, l, r);
      Z.colwise() += T(s.bias_scale(l)) * b;
      activate(s.activations[l - 1], Z.data(), L.a[l] + r * n * L.B, n * L.B);
    }
  }
}

template <class T>
void deltas(const Layers<T>& L, const T* cotangent) {
  const auto& s = *L.spec;
  const index_t Ln = s.layers();
#pragma omp parallel for schedule(static)
  for (index_t r = 0; r < L.R; ++r) {
    const T* p = L.params + r * L.P;
    {
      const index_t n = s.sizes[Ln] * L.B;
      const T *z = L.z[Ln] + r * n, *a = L.a[Ln] + r * n;
      T* d = L.delta[Ln] + r * n;
      for (index_t i = 0; i < n; ++i) d[i] = cotangent[r * n + i] * derivative(s.activations[Ln - 1], z[i], a[i]);
    }
    for (index_t l = Ln; l > 1; --l) {
      const index_t n = s.sizes[l], m = s.sizes[l - 1];
      const CMap<T> W(p + s.weight_offset(l), n, m);
      const CMap<T> D(L.delta[l] + r * n * L.B, n, L.B);
      Map<T> Dp(L.delta[l - 1] + r * m * L.B, m, L.B);
      Dp.noalias() = T(s.weight_scale(l)) * W.transpose() * D;
      const T *z = L.z[l - 1] + r * m * L.B, *a = L.a[l - 1] + r * m * L.B;
      for (index_t i = 0; i < m * L.B; ++i) Dp.data()[i] *= derivative(s.activations[l - 2], z[i], a[i]);
    }
  }
}

template <class T>
void parameter_gradients(const Layers<T>& L, T* grad) {
  const auto& s = *L.spec;
#pragma omp parallel for schedule(static)
  for (index_t r = 0; r < L.R; ++r) {
    T* g = grad + r * L.P;
    for (index_t l = 1; l <= s.layers(); ++l) {
      const index_t n = s.sizes[l], m = s.sizes[l - 1];
      const CMap<T> D(L.delta[l] + r * n * L.B, n, L.B);
      Map<T> gW(g + s.weight_offset(l), n, m);
      gW.noalias() = T(s.weight_scale(l)) * D * layer_input(L, l, r).transpose();
      Eigen::Map<Eigen::Matrix<T, Eigen::Dynamic, 1>>(g + s.bias_offset(l), n) = T(s.bias_scale(l)) * D.rowwise().sum();
    }
  }
}

template void forward<float>(const Layers<float>&);
template void forward<double>(const Layers<double>&);
template void deltas<float>(const Layers<float>&, const float*);
template void deltas<double>(const Layers<double>&, const double*);
template void parameter_gradients<float>(const Layers<float>&, float*);
template void parameter_gradients<double>(const Layers<double>&, double*);

}  // namespace fl::nn::cpu_fused
