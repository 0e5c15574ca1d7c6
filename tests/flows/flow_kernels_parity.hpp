#pragma once
// Outputs of every FlowKernels<T> method on a given backend, from the same deterministic
// inputs (L x L lattice, B samples). gpu_flow_kernels_test compares the CUDA kernels with the
// CPU ones; flow_kernels_parity_test runs it twice on the CPU.
#include <cmath>
#include <string>

#include "core/buffer.hpp"
#include "models/flows/flow_kernels.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "tests/core/gpu_parity_util.hpp"

namespace fl::flows::test {

template <class T>
gpu_test::Outputs flow_kernel_outputs(Backend& backend, int L, index_t B) {
  using gpu_test::random_values;
  const index_t half = static_cast<index_t>(L) * L / 2;
  const auto kernels = make_flow_kernels<T>(backend, L);
  std::uint32_t seed = 100;  // every input its own Philox stream
  const auto matrix = [&](index_t rows, double lo, double hi) {
    return Matrix<T>::from_host(backend, rows, B, random_values<T>(rows * B, ++seed, lo, hi));
  };
  const auto log_q = [&] { return Buffer<double>::from_host(backend, random_values<double>(B, ++seed)); };
  gpu_test::Outputs out;
  const auto put = [&](const std::string& name, const auto& buffer) { out[name] = gpu_test::as_doubles(buffer.to_host()); };

  auto z = matrix(half, 0.0, 1.0);  // uniforms in (0, 1)
  kernels->box_muller(z.view());
  put("box_muller", z);

  auto lq = log_q();
  kernels->add_gaussian_log_density(matrix(half, -2, 2).view(), 0.7, lq.view());
  kernels->add_constant(lq.view(), -0.25);
  put("gaussian log_q + constant", lq);

  for (UnaryOp op : {UnaryOp::identity, UnaryOp::tanh, UnaryOp::sigmoid, UnaryOp::relu, UnaryOp::softplus})
    for (bool with_bias : {false, true}) {
      const std::string name = std::string(unary_op_name(op)) + (with_bias ? " with bias" : "");
      auto x = matrix(half, -3, 3);
      const auto bias = Buffer<T>::from_host(backend, random_values<T>(half, ++seed));
      kernels->bias_activation(op, with_bias ? bias.view() : VectorView<const T>{}, x.view());
      put("activation " + name, x);
      auto g = matrix(half, -1, 1);
      kernels->activation_backward(op, x.view(), g.view());
      put("activation backward " + name, g);
    }

  for (bool abs_s : {false, true})
    for (bool copy : {false, true}) {
      const std::string name = std::string(abs_s ? " |s|" : " s") + (copy ? " copy" : "");
      auto v = matrix(half, -2, 2), v_copy = Matrix<T>::zeros(backend, half, copy ? B : 0);
      const auto s_raw = matrix(half, -1, 1), t = matrix(half, -1, 1);
      auto lqa = log_q();
      kernels->affine_forward(v.view(), s_raw.view(), t.view(), abs_s, lqa.view(), v_copy.view());
      put("affine forward v" + name, v);
      put("affine forward log_q" + name, lqa);
      if (copy) put("affine forward copy" + name, v_copy);
      auto g = matrix(half, -1, 1), g_s = Matrix<T>::zeros(backend, half, B), g_t = Matrix<T>::zeros(backend, half, B);
      kernels->affine_backward(v.view(), g.view(), s_raw.view(), abs_s, T(0.7), g_s.view(), g_t.view());
      put("affine backward g" + name, g);
      put("affine backward g_s" + name, g_s);
      put("affine backward g_t" + name, g_t);
    }

  {
    const int K = 5, P = 3 * K - 1;
    const double a = 2.5;
    const auto theta = matrix(P * half, -1.5, 1.5);
    const auto v_in = matrix(half, -3, 3);  // about 1/6 of the elements outside [-a, a]
    auto v = Matrix<T>::copy_of(v_in);
    auto lqs = log_q();
    const index_t outside = kernels->spline_forward(v.view(), theta.view(), K, a, lqs.view());
    out["spline outside count"] = {static_cast<double>(outside)};
    put("spline forward v", v);
    put("spline forward log_q", lqs);
    auto g = matrix(half, -1, 1), g_theta = Matrix<T>::zeros(backend, P * half, B);
    kernels->spline_backward(v_in.view(), theta.view(), K, a, T(-0.6), g.view(), g_theta.view());
    put("spline backward g", g);
    put("spline backward g_theta", g_theta);
  }

  {
    const auto v = matrix(half, -1, 3);
    auto copied = Matrix<T>::zeros(backend, half, B);
    const auto [sum, sum_sq] = kernels->copy_with_moments(v.view(), copied.view());
    out["moments"] = {sum, sum_sq};
    put("moments copy", copied);
    for (bool frozen : {false, true}) {
      auto g_v = matrix(half, -1, 1);
      kernels->standardise_backward(matrix(half, -1, 1).view(), v.view(), 1.3, 0.4, frozen, g_v.view());
      put(frozen ? "standardise backward frozen" : "standardise backward", g_v);
    }
  }

  {
    const auto even = matrix(half, -1.5, 1.5), odd = matrix(half, -1.5, 1.5);
    const phi4::Couplings c = phi4::ising_couplings(0.55, 0.5);
    auto S = Buffer<double>::zeros(backend, B), S_only = Buffer<double>::zeros(backend, B);
    auto g_even = Matrix<T>::zeros(backend, half, B), g_odd = Matrix<T>::zeros(backend, half, B);
    kernels->action(even.view(), odd.view(), c, S.view(), T(-0.8), g_even.view(), g_odd.view());
    kernels->action(even.view(), odd.view(), c, S_only.view(), T(1), MatrixView<T>{}, MatrixView<T>{});
    put("action S", S);
    put("action S without gradient", S_only);
    put("action gradient even", g_even);
    put("action gradient odd", g_odd);
  }

  // An odd number of uniforms is an error on every backend (the last one has no partner).
  auto odd_count = Matrix<T>::from_host(backend, 3, 1, {T(0.2), T(0.5), T(0.7)});
  EXPECT_THROW(kernels->box_muller(odd_count.view()), std::invalid_argument);
  return out;
}

}  // namespace fl::flows::test
