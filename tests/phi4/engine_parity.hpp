#pragma once
// Outputs of the phi^4 engine (ten Metropolis sweeps, then one HMC trajectory, of every chain
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
  // Ten sweeps bring the rough start close to equilibrium, where dH takes both signs.
  for (std::uint64_t sweep = 0; sweep < 10; ++sweep)
    engine->metropolis_sweep(fields.view(), c, 1.2, 5, sweep, accepted.view());
  out["metropolis fields"] = fields.to_host();
  out["metropolis acceptance"] = accepted.to_host();
  // Steps coarse enough that ~20% of the trajectories are rejected (both branches tested) but
  // none diverges (|dH| < 10 for L = 8, 300 chains), so dH compares meaningfully.
  engine->hmc_trajectory(fields.view(), c, HmcParams{0.25, 4, 0.2}, 5, 10, delta_h.view(), accepted.view());
  out["hmc fields"] = fields.to_host();
  out["hmc delta_h"] = delta_h.to_host();
  out["hmc accepted"] = accepted.to_host();
  return out;
}

}  // namespace fl::phi4::test
