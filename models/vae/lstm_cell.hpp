#pragma once
// LSTM gate math, written once for the CPU loops and the CUDA kernels (no Eigen here).
// Gate rows of the pre-activation matrix G (4H x N, column n = one sequence) are ordered
// [i; f; g; o]:  i = s(a_i), f = s(a_f + forget_bias), g = tanh(a_g), o = s(a_o),
//                c' = f c + i g,  h' = o tanh(c').
#include <cmath>

#include "core/fast_exp.hpp"
#include "core/hd.hpp"

namespace fl::vae {

// Precision-matched math: an unqualified exp(float) would resolve to the double C function.
// On the host, float exp is branch-free (core/fast_exp.hpp) so that the CPU gate loops
// vectorise. The device keeps CUDA's expf.
#if defined(__CUDA_ARCH__)
FL_HD float vae_exp(float x) { return expf(x); }
#else
inline float vae_exp(float x) { return branchless_expf(x); }
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
