#pragma once
// Outputs of the phi^4 engine (one Metropolis sweep, then one HMC trajectory, of every chain
// from the same deterministic start) on a given backend. gpu_engine_test compares the CUDA
// engine with the CPU one; engine_parity_test runs it twice on the CPU.
#include <cmath>

#include "core/buffer.hpp"
#include "core/philox.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "models/lattice/phi4/phi4_engine.hpp"
#include "tests/core/gpu_parity_util.hpp"

namespace fl::phi4::test {

inline gpu_test::Outputs phi4_engine_outputs(Backend& backend, int L, index_t chains) {
  const index_t V = static_cast<index_t>(L) * L;
  std::vector<double> start(static_cast<std::size_t>(V * chains));
  for (std::size_t i = 0; i < start.size(); ++i) start[i] = normal_at(PhiloxKey{77, 3}, 0, i, 0.0);
  auto fields = Matrix<double>::from_host(backend, V, chains, start);
  auto accepted = Buffer<double>::zeros(backend, chains);
  auto delta_h = Buffer<double>::zeros(backend, chains);
  const Couplings c = ising_couplings(0.537, 0.5);
  auto engine = make_phi4_engine(backend, L);

  gpu_test::Outputs out;
  engine->metropolis_sweep(fields.view(), c, 1.2, 5, 3, accepted.view());
  out["metropolis fields"] = fields.to_host();
  out["metropolis acceptance"] = accepted.to_host();
  // Coarse steps so that a good fraction of trajectories is rejected (both branches tested).
  engine->hmc_trajectory(fields.view(), c, HmcParams{0.5, 4, 0.2}, 5, 4, delta_h.view(), accepted.view());
  out["hmc fields"] = fields.to_host();
  out["hmc delta_h"] = delta_h.to_host();
  out["hmc accepted"] = accepted.to_host();
  return out;
}

}  // namespace fl::phi4::test
