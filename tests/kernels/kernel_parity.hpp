#pragma once
// Outputs of the infinite-width kernels on a given backend for deterministic inputs: the
// cross kernels of 2 points against `cols` points, and the symmetric kernels of the first
// 40 of them. gpu_infinite_width_test compares CUDA with the CPU (with more columns than
// a 16-wide block grid may have in y); kernel_parity_test runs it twice on the CPU.
#include "core/buffer.hpp"
#include "core/philox.hpp"
#include "models/kernels/infinite_width.hpp"
#include "tests/core/gpu_parity_util.hpp"

namespace fl::kernels::test {

inline gpu_test::Outputs kernel_outputs(Backend& backend, UnaryOp op, index_t cols) {
  const index_t n0 = 3;
  std::vector<double> x(static_cast<std::size_t>(n0 * cols));
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = normal_at(PhiloxKey{4, 2}, 0, i, 0.0);
  const auto X = Matrix<double>::from_host(backend, n0, cols, x);
  const MatrixView<const double> all = X.view(), first2 = all.col_block(0, 2), first40 = all.col_block(0, 40);
  FullyConnectedSpec spec;
  spec.hidden_layers = 2;
  spec.sigma_w = 1.4;
  spec.sigma_b = 0.3;
  spec.activation = op;
  const auto cross = infinite_width_kernels(backend, spec, first2, all);
  const auto sym = infinite_width_kernels(backend, spec, first40);
  const auto diag = infinite_width_diagonal(backend, spec, all);
  return {{"cross nngp", cross.nngp.to_host()}, {"cross ntk", cross.ntk.to_host()},
          {"symmetric nngp", sym.nngp.to_host()}, {"symmetric ntk", sym.ntk.to_host()},
          {"diagonal ntk", diag.ntk.to_host()}};
}

}  // namespace fl::kernels::test
