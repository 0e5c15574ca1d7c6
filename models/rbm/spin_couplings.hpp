#pragma once
// One- and two-body couplings of the visible units in +-1 spin language (v = (1 + s)/2) for
// machines too large for the full Walsh transform (n_v > 20):
//   -F = const + sum_j K_j s_j + sum_{j<k} K_jk s_j s_k + (higher orders),
//   K_U = 2^{-n_v} sum_s (-F(s)) prod_{j in U} s_j   (Walsh coefficient, uniform measure).
// With Y_i = c_i + W_i v the hidden unit's input and u_ij = s_j W_ij / 2 (the part of Y_i due
// to s_j), flipping s_j moves Y_i by -2 u_ij, so for a uniformly drawn s
//   K_j  = b_j / 2 + E[ s_j/2 sum_i (sp(Y_i) - sp(Y_i - 2u_ij)) ],
//   K_jk = E[ s_j s_k/4 sum_i (sp(Y_i) - sp(Y_i - 2u_ij) - sp(Y_i - 2u_ik) + sp(Y_i - 2u_ij - 2u_ik)) ],
// exact identities (the four terms are the four values of (s_j, s_k) with the other spins
// fixed). The expectations are estimated over i.i.d. uniform spin configurations (Philox, one
// stream per sample), with standard errors from the sample variance (independent draws, no
// autocorrelation). Exact for n_v <= 20 by spin_couplings_all (couplings.hpp): the tests
// compare the two.
#include <cstdint>
#include <vector>

#include "models/rbm/rbm.hpp"

namespace fl::rbm {

struct SpinCouplingEstimate {
  int n_v = 0;
  std::int64_t n_samples = 0;
  std::vector<double> K1, K1_err;  // n_v
  std::vector<double> K2, K2_err;  // row-major n_v x n_v, symmetric, zero diagonal
};

// Deterministic for a given seed, whatever the number of OpenMP threads.
SpinCouplingEstimate spin_couplings_mc(const RbmParams& p, std::int64_t n_samples, std::uint32_t seed);

}  // namespace fl::rbm
