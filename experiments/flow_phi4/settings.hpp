#pragma once
// The flow-phi4 experiment's configuration: defaults (the complete key set) and parsing.
#include <cstdint>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "models/flows/flow.hpp"
#include "models/flows/trainer.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "models/lattice/phi4/samplers.hpp"

namespace fl::flow_phi4 {

extern const char* const kDefaults;

struct Settings {
  std::string mode;      // single | scaling
  std::string sampler;   // flow | hmc | metropolis
  std::string precision; // float | double (network parameters and activations)
  std::int64_t n_samples = 0;
  std::int64_t n_thermalise = 0;
  index_t proposal_batch = 0;
  bool compare_baselines = true;
  phi4::Parametrisation parametrisation = phi4::Parametrisation::ising;
  double beta = 0, lambda = 0, m2 = 0;
  int L = 6;
  flows::FlowSpec flow;
  int hidden_width = 0;  // 0: V (the h = V scaling rule)
  int hidden_layers = 1;
  flows::TrainSettings train;
  std::int64_t eval_every = 100;
  std::int64_t eval_samples = 2000;
  std::int64_t checkpoint_every = 500;
  phi4::ChainSettings hmc, metropolis;
  std::int64_t baseline_measurements = 0;
  std::vector<int> scaling_L;
  std::vector<double> scaling_beta;
  std::vector<double> scaling_targets;

  phi4::Couplings couplings() const;
  // The flow and chain settings for lattice size L (hidden width follows V when 0).
  flows::FlowSpec flow_for(int L) const;
};

Settings parse_settings(const Config& cfg, std::uint32_t seed);

}  // namespace fl::flow_phi4
