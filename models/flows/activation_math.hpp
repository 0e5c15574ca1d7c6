#pragma once
// Activations of the coupling networks and their derivatives expressed through the
// activation's output y (so backward needs no second transcendental evaluation):
//   tanh' = 1 - y^2, sigmoid' = y (1 - y), relu' = [y > 0], softplus' = 1 - exp(-y).
// float tanh uses a branch-free exp-based formula that compilers vectorise (libm's tanh is
// scalar and, for float arguments, evaluated in double); relative error below ~1e-6.
#include <cmath>
#include <cstdint>
#include <bit>

#include "core/backend.hpp"
#include "core/hd.hpp"

namespace fl::flows {

// exp(x) in float, clamped to [-87, 88]: Cody-Waite reduction x = k ln2 + r, degree-7
// Taylor polynomial for e^r (|r| <= ln2 / 2); relative error ~2e-7.
FL_HD float fast_exp(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  // Round x / ln2 to an integer by adding 1.5 * 2^23 (no float->int conversion, which keeps
  // the loop vectorisable); the integer sits in the low mantissa bits.
  const float shifted = x * 1.44269504f + 12582912.0f;
  const float k = shifted - 12582912.0f;
#ifdef __CUDA_ARCH__
  const std::int32_t ki = __float_as_int(shifted) - 0x4B400000;
#else
  const std::int32_t ki = std::bit_cast<std::int32_t>(shifted) - 0x4B400000;
#endif
  const float r = (x - k * 0.693145752f) - k * 1.42860677e-06f;
  float p = 1.98412698e-4f;
  p = p * r + 1.38888889e-3f;
  p = p * r + 8.33333333e-3f;
  p = p * r + 4.16666667e-2f;
  p = p * r + 1.66666667e-1f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::int32_t bits = (ki + 127) << 23;
#ifdef __CUDA_ARCH__
  const float scale = __int_as_float(bits);
#else
  const float scale = std::bit_cast<float>(bits);
#endif
  return p * scale;
}

FL_HD float fast_tanh(float x) {
  const float a = x < 0.0f ? -x : x;
  const float e = fast_exp(-2.0f * a);
  const float large = (1.0f - e) / (1.0f + e);
  const float a2 = a * a;
  const float small = a * (1.0f + a2 * (-0.333333333f + a2 * (0.133333333f - a2 * 0.0539682540f)));
  const float w = a < 0.125f ? 1.0f : 0.0f;  // arithmetic blend: vectorises (a select may not)
  const float t = w * small + (1.0f - w) * large;
  return x < 0.0f ? -t : t;
}

FL_HD double fast_tanh(double x) { return tanh(x); }
FL_HD double fast_exp(double x) { return exp(x); }

template <class T>
FL_HD T activate(UnaryOp op, T x) {
  switch (op) {
    case UnaryOp::tanh: return fast_tanh(x);
    case UnaryOp::sigmoid: return T(1) / (T(1) + exp(-x));
    case UnaryOp::relu: return x > T(0) ? x : T(0);
    case UnaryOp::softplus: return (x > T(0) ? x : T(0)) + log1p(exp(-fabs(x)));
    default: return x;
  }
}

template <class T>
FL_HD T activation_derivative_from_output(UnaryOp op, T y) {
  switch (op) {
    case UnaryOp::tanh: return T(1) - y * y;
    case UnaryOp::sigmoid: return y * (T(1) - y);
    case UnaryOp::relu: return y > T(0) ? T(1) : T(0);
    case UnaryOp::softplus: return T(1) - exp(-y);
    default: return T(1);
  }
}

// The activations a coupling network may use (their derivative follows from the output).
inline bool supported_activation(UnaryOp op) {
  return op == UnaryOp::tanh || op == UnaryOp::sigmoid || op == UnaryOp::relu || op == UnaryOp::softplus ||
         op == UnaryOp::identity;
}

}  // namespace fl::flows
