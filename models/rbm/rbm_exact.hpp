#pragma once
// Exact sums over RBM states, for small machines and for validating AIS and CD.
#include <cstdint>
#include <vector>

#include "models/rbm/rbm.hpp"

namespace fl::rbm {

// Largest layer that exact enumeration accepts (2^24 terms).
constexpr int kMaxExactUnits = 24;

// log Z by summing over the smaller layer (Gray code, OpenMP). InputError when both layers
// have more than kMaxExactUnits units.
double log_partition_exact(const RbmParams& p);
bool exact_partition_possible(const RbmParams& p);

// Exact gradient of the mean log-likelihood of `data` (rows of n_v values in {0,1}) by
// enumerating all 2^n_v visible states (n_v <= 20). Returned in RbmParams layout (ascent).
RbmParams exact_loglik_gradient(const RbmParams& p, const std::vector<std::uint8_t>& data);

// log p(v) = -F(v) - log Z for every visible state v (bit j of the index = v_j), n_v <= 20.
std::vector<double> log_prob_all_states(const RbmParams& p);

}  // namespace fl::rbm
