#pragma once
// Monte Carlo ensembles of the lattice oscillator: Metropolis or HMC over many chains on the
// backend, or the exact Gaussian sampler (the action is quadratic, so x = L z with
// L L^T = A^{-1} draws independent configurations). Returns the measured correlators.
#include <cstdint>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/progress.hpp"
#include "models/lattice/qho/qho_engine.hpp"

namespace fl::qho {

enum class Algorithm { metropolis, hmc, exact };
Algorithm algorithm_from_name(const std::string& name, const std::string& where);

struct MonteCarloConfig {
  Algorithm algorithm = Algorithm::hmc;
  int n_chains = 16;
  int n_configs = 1000;       // measurements in total, split evenly over the chains
  int n_therm = 200;          // sweeps / trajectories discarded per chain
  int n_skip = 5;             // sweeps / trajectories between measurements
  double metropolis_step = 1.0;  // in units of sqrt(a/m) (the natural fluctuation scale)
  double hmc_step = 0.1;
  int hmc_leapfrog = 10;
  std::uint32_t seed = 1;
};
void validate(const MonteCarloConfig& c, const std::string& where = "mc");

// Correlators per measurement: element [(chain * per_chain + k) * n_t + tau].
struct CorrelatorSeries {
  int n_chains = 0;
  int per_chain = 0;
  int n_t = 0;
  std::vector<double> cx, cx3;
  SweepStats stats;  // acceptance over the production part
  double acceptance() const { return stats.proposed ? double(stats.accepted) / double(stats.proposed) : 1.0; }
  const std::vector<double>& of(bool x3) const { return x3 ? cx3 : cx; }
};

CorrelatorSeries run_monte_carlo(Backend& backend, const QhoParams& p, const MonteCarloConfig& c,
                                 Progress* progress = nullptr);

}  // namespace fl::qho
