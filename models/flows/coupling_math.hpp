#pragma once
// Per-element formulas of the coupling layers, shared by the CPU loops and CUDA kernels.
// Sampling direction z -> phi (anvil's convention): v_A <- (v_A - t) exp(-s), log q += sum s.
#include <cmath>

#include "core/hd.hpp"
#include "models/flows/activation_math.hpp"

namespace fl::flows {

// Z2-equivariant layers use |s| so that f(-z) = -f(z) with odd networks.
template <class T>
FL_HD T effective_scale(T s_raw, bool abs_s) {
  return abs_s ? (s_raw < T(0) ? -s_raw : s_raw) : s_raw;
}

template <class T>
FL_HD T affine_apply(T v, T s, T t) {
  return (v - t) * fast_exp(-s);
}

// Backward of one element. g_out = dL/dv', v_out = v', w = dL/d(log q) for this sample.
// Writes dL/dv into g_in and dL/ds_raw, dL/dt.
template <class T>
FL_HD void affine_backward_element(T g_out, T v_out, T s_raw, bool abs_s, T w, T& g_in, T& g_s_raw,
                                   T& g_t) {
  const T s = effective_scale(s_raw, abs_s);
  const T e = fast_exp(-s);
  g_in = g_out * e;
  g_t = -g_out * e;
  const T g_s = -g_out * v_out + w;
  g_s_raw = abs_s ? (s_raw < T(0) ? -g_s : g_s) : g_s;
}

}  // namespace fl::flows
