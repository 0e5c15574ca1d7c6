#pragma once
// Annealed importance sampling for log Z of an RBM (Salakhutdinov & Murray, ICML 2008).
// Intermediate distributions p*_k(v) = e^{(1-b_k) a.v} e^{b_k b.v} prod_i (1 + e^{b_k (c_i + W_i v)})
// between a base-rate model (W = 0, visible biases a = logit of the data marginals, so
// log Z_0 = n_h ln 2 + sum_j softplus(a_j)) and the RBM. Every run does one Gibbs sweep at
// each beta (h ~ sigma(b_k (W v + c)), v ~ sigma((1-b_k) a + b_k (b + W^T h))), which leaves
// p*_k invariant. All runs advance together: a few backend ops per beta.
#include <cstdint>
#include <vector>

#include "models/rbm/rbm.hpp"

namespace fl::rbm {

// 500 uniform in [0, 0.5) + 4000 in [0.5, 0.9) + 10000 in [0.9, 1.0], i.e. 14,500 betas
// (scaled proportionally when `total` differs from 14,500).
std::vector<double> ais_default_schedule(int total = 14500);
std::vector<double> ais_linear_schedule(int total);

// logit of the clipped marginals of data rows (n_v values in {0,1}); eps keeps them finite.
std::vector<double> base_rate_biases(const std::vector<std::uint8_t>& data, int n_v, double eps = 1e-3);

struct AisResult {
  double log_z = 0;
  double log_z_err = 0;  // delta-method standard error of log Z-hat: sd(w) / (sqrt(M) mean(w))
  double log_z_low = 0, log_z_high = 0;  // log(mean w -+ 3 sd(w)/sqrt(M)) (low may be -inf)
  double log_z_base = 0;
  std::vector<double> log_weights;  // per run
};

AisResult ais_log_partition(const Rbm& rbm, const std::vector<double>& base_biases, const std::vector<double>& betas,
                            int n_runs, std::uint32_t seed);

}  // namespace fl::rbm
