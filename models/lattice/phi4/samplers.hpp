#pragma once
// Baseline Markov-chain samplers for phi^4 over many chains: thermalise, then measure every
// `thin` updates. The per-chain work runs in a Phi4Engine on the backend's device.
#include <cstdint>
#include <functional>

#include "core/backend.hpp"
#include "models/lattice/phi4/observables.hpp"
#include "models/lattice/phi4/phi4_engine.hpp"

namespace fl::phi4 {

enum class LocalSampler { metropolis, hmc };

struct ChainSettings {
  int L = 6;
  int n_chains = 16;
  std::int64_t n_thermalise = 200;    // updates discarded per chain
  std::int64_t n_measure = 1000;      // measurements per chain
  std::int64_t thin = 1;              // updates between measurements
  std::uint32_t seed = 1;
  double metropolis_delta = 1.0;      // proposal half-width
  HmcParams hmc;
  bool tune_hmc = true;               // adapt the step (n_steps fixed) during thermalisation
  double hmc_target_acceptance = 0.8;
};

struct ChainResult {
  MeasurementSeries series;
  double acceptance = 0.0;            // mean over the measurement phase
  double mean_exp_minus_dh = 0.0;     // HMC: <exp(-dH)> over all measurement trajectories
  double mean_exp_minus_dh_err = 0.0; // its naive error (chains are independent)
  HmcParams hmc_used;                 // after tuning
  double seconds = 0.0;               // wall time of the measurement phase
};

// Called after each measurement with (done, total), e.g. for a progress line.
using ProgressFn = std::function<void(std::int64_t, std::int64_t)>;

ChainResult run_chains(Backend& backend, LocalSampler kind, const Couplings& c,
                       const ChainSettings& settings, const ProgressFn& progress = {});

}  // namespace fl::phi4
