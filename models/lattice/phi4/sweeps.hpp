#pragma once
// One chain's Markov-chain updates, written once for the CPU loops (OpenMP over chains) and
// the CUDA kernels (one thread per chain). Randomness: Philox stream (seed, chain), counter
// step = the sweep or trajectory number, so a chain's history does not depend on how the
// chains are distributed over threads.
#include <cmath>

#include "core/philox.hpp"
#include "models/lattice/phi4/action.hpp"

namespace fl::phi4 {

// A sequential sweep of local Metropolis updates phi_x -> phi_x + delta (2u - 1).
// Returns the number of accepted updates.
FL_HD int metropolis_sweep_chain(double* phi, const int* nbr, int volume, Couplings c,
                                 double delta, PhiloxKey key, std::uint64_t step) {
  PhiloxStream rng(key, step);
  int accepted = 0;
  for (int x = 0; x < volume; ++x) {
    const double proposal = phi[x] + delta * (2.0 * rng.uniform() - 1.0);
    const double ds = local_delta_action(phi, nbr, x, proposal, c);
    const double u = rng.uniform();
    if (ds <= 0.0 || u < exp(-ds)) {
      phi[x] = proposal;
      ++accepted;
    }
  }
  return accepted;
}

// One HMC trajectory: Gaussian momenta, leapfrog, Metropolis accept/reject on dH. The step is
// drawn uniformly from eps (1 +- jitter), independently of the state, which keeps detailed
// balance and breaks the resonances of fixed-length trajectories (free-field modes with
// omega T near a multiple of pi hardly move otherwise).
// Scratch p, f, saved: `volume` doubles each. Writes dH = H_end - H_start; returns accepted.
FL_HD bool hmc_trajectory_chain(double* phi, double* p, double* f, double* saved, const int* nbr,
                                int volume, Couplings c, double eps, double jitter, int n_steps,
                                PhiloxKey key, std::uint64_t step, double* delta_h) {
  PhiloxStream rng(key, step);
  eps *= 1.0 + jitter * (2.0 * rng.uniform() - 1.0);
  for (int x = 0; x < volume; ++x) {
    p[x] = rng.normal();
    saved[x] = phi[x];
  }
  const double h_start = kinetic_energy(p, volume) + action(phi, nbr, volume, c);
  leapfrog(phi, p, f, nbr, volume, c, eps, n_steps);
  const double h_end = kinetic_energy(p, volume) + action(phi, nbr, volume, c);
  const double dh = h_end - h_start;
  *delta_h = dh;
  const double u = rng.uniform();
  // A NaN dH (diverged trajectory) is rejected.
  if (dh <= 0.0 || u < exp(-dh)) return true;
  for (int x = 0; x < volume; ++x) phi[x] = saved[x];
  return false;
}

}  // namespace fl::phi4
