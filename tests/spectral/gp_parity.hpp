#pragma once
// Outputs of the whole GP pipeline on one backend: infinite-width kernels (GEMM + kernel
// recursion), the NNGP posterior and the NTK-GP at infinite and finite time (Cholesky with
// its jitter policy, eigh, GEMMs), from deterministic inputs. gpu_gp_test compares CUDA with
// the CPU; gp_parity_test runs it twice on the CPU.
#include "core/buffer.hpp"
#include "core/philox.hpp"
#include "models/kernels/infinite_width.hpp"
#include "models/spectral/gp_regression.hpp"
#include "tests/core/gpu_parity_util.hpp"

namespace fl::spectral::test {

// n_train training inputs and 20 test inputs of dimension 12; targets 3 x n_train.
inline gpu_test::Outputs gp_outputs(Backend& backend, index_t n_train) {
  const index_t n0 = 12, n_test = 20, n_out = 3;
  const auto normals = [](index_t n, std::uint32_t stream) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = normal_at(PhiloxKey{21, stream}, 0, i, 0.0);
    return v;
  };
  const auto X = Matrix<double>::from_host(backend, n0, n_train, normals(n0 * n_train, 1));
  const auto Xt = Matrix<double>::from_host(backend, n0, n_test, normals(n0 * n_test, 2));
  const auto Y = Matrix<double>::from_host(backend, n_out, n_train, normals(n_out * n_train, 3));
  kernels::FullyConnectedSpec spec;
  spec.hidden_layers = 2;
  spec.sigma_w = 1.5;
  spec.sigma_b = 0.2;
  spec.activation = UnaryOp::erf;
  const auto train = kernels::infinite_width_kernels(backend, spec, X.view());
  const auto cross = kernels::infinite_width_kernels(backend, spec, X.view(), Xt.view());
  const auto test = kernels::infinite_width_kernels(backend, spec, Xt.view());
  const KernelBlocks K{train.nngp.view(), cross.nngp.view(), test.nngp.view()};
  const KernelBlocks Theta{train.ntk.view(), cross.ntk.view(), test.ntk.view()};
  GpOptions options;
  options.diag_reg = 1e-6;  // keeps the condition number ~1e6: differences stay measurable

  gpu_test::Outputs out;
  const auto put = [&](const std::string& name, const GpPrediction& p) {
    out[name + " mean"] = p.mean.to_host();
    out[name + " covariance"] = p.covariance.to_host();
  };
  put("nngp", nngp_posterior(backend, K, Y.view(), options));
  put("ntk infinite time", ntk_gp_infinite_time(backend, Theta, K, Y.view(), options));
  put("ntk at time 10", ntk_gp_at_time(backend, Theta, K, Y.view(), 10.0, options));
  out["train ntk"] = train.ntk.to_host();
  return out;
}

}  // namespace fl::spectral::test
