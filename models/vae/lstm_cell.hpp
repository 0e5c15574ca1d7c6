#pragma once
// LSTM gate math, written once for the CPU loops and the CUDA kernels (no Eigen here).
// Gate rows of the pre-activation matrix G (4H x N, column n = one sequence) are ordered
// [i; f; g; o]:  i = s(a_i), f = s(a_f + forget_bias), g = tanh(a_g), o = s(a_o),
//                c' = f c + i g,  h' = o tanh(c').
#include <cmath>

#include "core/hd.hpp"

namespace fl::vae {

// Precision-matched math: an unqualified exp(float) would resolve to the double C function.
// On the host, float exp is a branch-free Cody-Waite reduction + degree-7 polynomial (relative
// error < 2e-7 on [-87, 88], clamped outside) so that the CPU gate loops vectorise: libm's
// expf is an opaque call that keeps them scalar. The device keeps CUDA's expf.
#if defined(__CUDA_ARCH__)
FL_HD float vae_exp(float x) { return expf(x); }
#else
inline float vae_exp(float x) {
  x = x < -87.0f ? -87.0f : x;
  x = x > 88.0f ? 88.0f : x;
  // n = round(x / ln2) by the 1.5 * 2^23 trick (a rounding function would not vectorise
  // here), so that x = n ln2 + r with |r| <= ln2 / 2.
  constexpr float kRound = 12582912.0f;
  const float n = (x * 1.44269504089f + kRound) - kRound;
  const float r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-06f;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const int bits = (static_cast<int>(n) + 127) << 23;  // 2^n, n in -126..127
  float scale;
  __builtin_memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}
#endif
FL_HD double vae_exp(double x) { return exp(x); }
// tanh through one exp (libm's tanhf goes through the much slower expm1f): absolute error
// ~ machine epsilon, which is all the gates need. e = exp(-2|x|) never overflows. Written
// as selects, not branches, so that loops over units vectorise.
template <class T>
FL_HD T vae_tanh(T x) {
  const T e = vae_exp(T(-2) * (x < T(0) ? -x : x));
  const T t = (T(1) - e) / (T(1) + e);
  return x < T(0) ? -t : t;
}

template <class T>
FL_HD T lstm_sigmoid(T x) {
  const T e = vae_exp(x < T(0) ? x : -x);  // exp(-|x|) <= 1
  const T r = T(1) / (T(1) + e);
  return x >= T(0) ? r : e * r;
}

// One unit j of one column: reads the four pre-activations (bias not yet added), writes
// the activations back in place, returns c' and h'.
template <class T>
FL_HD void lstm_cell_forward(T& gi, T& gf, T& gg, T& go, T bi, T bf, T bg, T bo, T forget_bias,
                             T c_prev, T& c, T& h) {
  gi = lstm_sigmoid(gi + bi);
  gf = lstm_sigmoid(gf + bf + forget_bias);
  gg = vae_tanh(gg + bg);
  go = lstm_sigmoid(go + bo);
  c = gf * c_prev + gi * gg;
  h = go * vae_tanh(c);
}

// Back-propagation through one cell. Inputs: activations (i, f, g, o), c_prev, c, the
// gradient dh w.r.t. h' and dc w.r.t. c' (from the next step). Outputs: gradients w.r.t.
// the four pre-activations and dc_prev w.r.t. c_prev.
template <class T>
FL_HD void lstm_cell_backward(T i, T f, T g, T o, T c_prev, T c, T dh, T dc, T& dai, T& daf,
                              T& dag, T& dao, T& dc_prev) {
  const T tc = vae_tanh(c);
  const T dct = dc + dh * o * (T(1) - tc * tc);
  dao = dh * tc * o * (T(1) - o);
  dai = dct * g * i * (T(1) - i);
  dag = dct * i * (T(1) - g * g);
  daf = dct * c_prev * f * (T(1) - f);
  dc_prev = dct * f;
}

// Softplus and its derivative for the sigma head, overflow-safe.
template <class T>
FL_HD T vae_softplus(T x) {
  return (x > T(0) ? x : T(0)) + log1p(vae_exp(x > T(0) ? -x : x));
}

}  // namespace fl::vae
