#pragma once
// Training sets of (correlator, spectral function) pairs for the supervised map C -> rho.
// Sample i is drawn from the Philox stream (seed, i), so a set of size N is a prefix of any
// larger set with the same seed.
//
// gaussian_peaks: rho = sum_{k<n_peaks} a_k N(w; mu_k, sigma), mu_k ~ U(mu_min, mu_max),
//   a_k ~ U(weight_min, weight_max); C in closed form (exact integral over w >= 0, so peaks
//   outside the output grid still shape C). repo_peak_norm reproduces the authors'
//   a exp(-((w - mu)/sigma)^2)/(sigma sqrt(2 pi)) = (a/sqrt 2) N(w; mu, sigma/sqrt 2).
// chebyshev (Buzzicotti-De Santis-Tantalo): rho(E) = sum_{n=1}^{n_terms-1} c_n [T_n(1 - 2e^{-E}) -
//   T_n(1 - 2e^{-E0})] for E >= E0 (0 below), c_n ~ U(-1, 1)/n^{1+1e-7}, E0 ~ U(e0_min, e0_max);
//   C by Simpson quadrature on [0, e_max].
#include <cstdint>
#include <string>
#include <vector>

#include "models/spectral/inverse_problem.hpp"

namespace fl::spectral {

enum class Family { gaussian_peaks, chebyshev };
Family family_from_name(const std::string& name, const std::string& where);

struct TrainingSetConfig {
  Family family = Family::gaussian_peaks;
  int size = 1000;
  std::uint32_t seed = 1;
  int n_peaks = 3;
  double peak_sigma = 0.01;
  double mu_min = 0.0, mu_max = 1.0;
  double weight_min = 0.01, weight_max = 1.0;
  bool repo_peak_norm = false;
  int chebyshev_terms = 6;
  double e0_min = 0.2, e0_max = 1.3, e_max = 2.5;
  int chebyshev_quadrature = 4001;  // odd (Simpson)

  void validate(const std::string& where = "train_set") const;
};

// Column-major: correlators n_tau x size, densities n_omega x size.
struct TrainingSet {
  int size = 0;
  std::vector<double> correlators;
  std::vector<double> densities;
};

TrainingSet make_training_set(const InverseProblem& ip, const TrainingSetConfig& config);

// The peaks of sample i of a gaussian_peaks set (for tests and plots).
std::vector<GaussianPeak> gaussian_peak_sample(const TrainingSetConfig& config, int i);

}  // namespace fl::spectral
