#pragma once
// Per-chain Monte Carlo updates of the lattice oscillator (host-device): one Metropolis sweep
// and one HMC trajectory. The CPU engine runs them with OpenMP over chains, the CUDA engine
// with one thread per chain. Randomness: a PhiloxStream per (chain, sweep), so the chains do
// not depend on how they are scheduled.
#include <cmath>

#include "core/philox.hpp"
#include "models/lattice/qho/qho_action.hpp"

namespace fl::qho {

// Sequential single-site Metropolis with uniform proposals x_i + step * U(-1, 1).
// Returns the number of accepted proposals.
FL_HD int metropolis_sweep_chain(const QhoParams& p, double* x, double step_size, PhiloxStream& rng) {
  int accepted = 0;
  for (int i = 0; i < p.n_t; ++i) {
    const double proposal = x[i] + step_size * (2.0 * rng.uniform() - 1.0);
    const double dS = local_action_change(p, x, i, proposal);
    const double u = rng.uniform();
    if (dS <= 0.0 || u < exp(-dS)) {
      x[i] = proposal;
      ++accepted;
    }
  }
  return accepted;
}

// Leapfrog HMC trajectory with unit masses. `saved` and `mom` are n_t scratch doubles.
// Returns 1 when accepted (x updated), 0 when rejected (x restored); delta_h = H_end - H_start.
FL_HD int hmc_trajectory_chain(const QhoParams& p, double* x, double* saved, double* mom, double eps,
                               int n_leapfrog, PhiloxStream& rng, double& delta_h) {
  double kinetic0 = 0.0;
  for (int i = 0; i < p.n_t; ++i) {
    saved[i] = x[i];
    mom[i] = rng.normal();
    kinetic0 += 0.5 * mom[i] * mom[i];
  }
  const double h0 = kinetic0 + action(p, x);
  for (int i = 0; i < p.n_t; ++i) mom[i] -= 0.5 * eps * action_gradient(p, x, i);
  for (int step = 0; step < n_leapfrog; ++step) {
    for (int i = 0; i < p.n_t; ++i) x[i] += eps * mom[i];
    const double kick = step + 1 == n_leapfrog ? 0.5 * eps : eps;
    for (int i = 0; i < p.n_t; ++i) mom[i] -= kick * action_gradient(p, x, i);
  }
  double kinetic1 = 0.0;
  for (int i = 0; i < p.n_t; ++i) kinetic1 += 0.5 * mom[i] * mom[i];
  delta_h = kinetic1 + action(p, x) - h0;
  const double u = rng.uniform();
  if (delta_h <= 0.0 || u < exp(-delta_h)) return 1;
  for (int i = 0; i < p.n_t; ++i) x[i] = saved[i];
  return 0;
}

}  // namespace fl::qho
