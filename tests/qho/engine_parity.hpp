#pragma once
// Outputs of the QHO engine's correlator measurement on a given backend, from deterministic
// fields. gpu_qho_test compares the CUDA engine with the CPU one (with more chains than a
// grid dimension may hold); engine_parity_test runs it twice on the CPU.
#include <cmath>

#include "core/buffer.hpp"
#include "core/philox.hpp"
#include "models/lattice/qho/qho_engine.hpp"
#include "tests/core/gpu_parity_util.hpp"

namespace fl::qho::test {

inline gpu_test::Outputs qho_measure_outputs(Backend& backend, int n_t, index_t chains) {
  const QhoParams p{1.0, 1.0, 0.25, n_t};
  std::vector<double> x(static_cast<std::size_t>(n_t) * chains);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = uniform_at(PhiloxKey{5, 1}, 0, i, 0.0) - 0.5;
  const auto fields = Matrix<double>::from_host(backend, n_t, chains, x);
  auto cx = Matrix<double>::zeros(backend, n_t, chains), cx3 = Matrix<double>::zeros(backend, n_t, chains);
  make_qho_engine(backend)->measure(p, fields.view(), cx.view(), cx3.view());
  return {{"cx", cx.to_host()}, {"cx3", cx3.to_host()}};
}

}  // namespace fl::qho::test
