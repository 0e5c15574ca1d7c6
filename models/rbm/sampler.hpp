#pragma once
// Block Gibbs sampling of an RBM: all chains advance together (two GEMMs, two sigmoid maps
// and two Bernoulli fills per sweep, whatever the number of chains).
#include <cstdint>
#include <vector>

#include "models/rbm/rbm.hpp"

namespace fl::rbm {

struct GibbsOptions {
  int n_chains = 100;
  int thermalization = 1000;  // sweeps before the first sample
  int n_samples = 100;        // per chain
  int spacing = 10;           // sweeps between samples
  std::uint32_t seed = 1;
};

// Rows of n_v values in {0,1}: sample t of chain c is row t * n_chains + c. Chains start
// from v = 0.
std::vector<std::uint8_t> gibbs_sample(const Rbm& rbm, const GibbsOptions& o);

}  // namespace fl::rbm
