#pragma once
// Per-unit posterior statistics over held-out windows (Burda et al., arXiv:1509.00519):
//   A_u = Var_x mu_u(x) (population variance, as the official IWAE code), mean sigma_u,
//   KL_u = E_x (mu_u^2 + sigma_u^2 - 1 - ln sigma_u^2) / 2; active ("music") when A_u > threshold.
// Matrices are Z x N column-major (one window per column).
#include <cstdint>
#include <vector>

namespace fl::vae {

struct UnitStatistics {
  std::vector<double> activity, mean_sigma, mean_kl;
  std::vector<int> order;  // units by decreasing activity
  int n_active = 0;
  double threshold = 0;
};

UnitStatistics unit_statistics(const std::vector<double>& mu, const std::vector<double>& sigma, std::int64_t Z,
                               std::int64_t N, double threshold);

// The code's principal directions, which A_u cannot see: A_u counts units, and a code of a few
// directions spread over many units (rotated against the axes; a diagonal-Gaussian posterior
// only aligns it slowly, Rolinek et al. arXiv:1812.06775) has many units above threshold.
// Eigen-decomposition of the population covariance of mu over the windows; for each direction
// (largest variance first) its participation ratio 1 / sum_u v_u^4: 1 for a direction along one
// unit, k for one spread evenly over k units.
struct LatentSpectrum {
  std::vector<double> variance;       // eigenvalues of Cov_x(mu), descending
  std::vector<double> participation;  // of the matching eigenvectors
  int n_directions = 0;               // eigenvalues above the threshold
};

LatentSpectrum latent_spectrum(const std::vector<double>& mu, std::int64_t Z, std::int64_t N, double threshold);

// A copy of mu where every unit not in `keep` is set to 0 (the prior mean).
std::vector<double> keep_units(const std::vector<double>& mu, std::int64_t Z, std::int64_t N,
                               const std::vector<int>& keep);

// Row u of a Z x N matrix.
std::vector<double> unit_row(const std::vector<double>& m, std::int64_t Z, std::int64_t N, int u);

}  // namespace fl::vae
