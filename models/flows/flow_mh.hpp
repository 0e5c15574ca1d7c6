#pragma once
// Independence Metropolis-Hastings with flow proposals (Albergo et al.): propose phi' ~ q,
// accept with min(1, w(phi') / w(phi)), w = exp(-S - log q) in float64. Proposals come in
// batches from the flow in frozen mode (q is then a fixed density, so the chain is exact).
#include <cstdint>
#include <vector>

#include "models/flows/flow.hpp"
#include "models/lattice/phi4/observables.hpp"

namespace fl::flows {

struct FlowMhSettings {
  std::int64_t n_samples = 10000;     // chain length after thermalisation
  std::int64_t n_thermalise = 100;
  index_t batch = 1000;               // proposals per flow pass
  PhiloxKey key{1, 0x20000};
  std::uint64_t first_step = 0;       // Philox step of the first batch
  bool measure = true;                // fill the observable series
};

struct FlowMhResult {
  double acceptance = 0.0;
  double tau_rejection = 0.5;         // from runs of consecutive rejections
  double ess_per_sample = 0.0;        // (sum w)^2 / (N sum w^2) over all proposals
  double log_z = 0.0;                 // log mean w (unbiased estimator of Z, with S's constant)
  double log_w_std = 0.0;             // spread of log-weights
  double seconds = 0.0;
  std::vector<std::uint8_t> accepted; // per chain step
};

// Runs the chain; `series` (if non-null) receives the chain's configuration at every step.
template <class T>
FlowMhResult flow_metropolis(Flow<T>& flow, const phi4::Couplings& c, const FlowMhSettings& s,
                             phi4::MeasurementSeries* series);

// tau_int = 1/2 + sum_{t>=1} Pr(t consecutive rejections) from the accept flags.
double rejection_tau(const std::vector<std::uint8_t>& accepted);

}  // namespace fl::flows
