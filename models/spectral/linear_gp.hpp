#pragma once
// Bayesian GP with a linear observable (the Bayesian baseline): a GP prior on the spectral
// function, rho ~ GP(0, k) with k(w, w') = amplitude^2 exp(-(w - w')^2 / (2 length^2)) on its own
// uniform grid [0, omega_max], and data C = K_q rho + eps, eps ~ N(0, Sigma), where K_q holds the
// kernel K(tau, w_j) times trapezoid weights. The posterior (on the backend, Cholesky):
//   S = K_q k K_q^T + Sigma,  mean = k K_q^T S^{-1} C,  cov = k - k K_q^T S^{-1} K_q k.
// Unlike the NNGP/NTK-GP of the networks, this is a genuine posterior for rho given C.
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "models/spectral/inverse_problem.hpp"

namespace fl::spectral {

struct LinearGpConfig {
  double amplitude = 5.0;
  double length = 0.01;
  double omega_max = 0.3;
  int n_omega = 301;
  void validate(const std::string& where = "linear_gp") const;
  std::vector<double> grid() const;
};

struct LinearGpResult {
  std::vector<double> omega;  // the prior's grid
  std::vector<double> mean;
  std::vector<double> sd;     // posterior standard deviation per grid point
  std::vector<double> covariance;  // n_omega x n_omega, column-major
  double log_marginal_likelihood = 0.0;
  CholeskyInfo info;
};

// C (n_tau) and Sigma (n_tau x n_tau, column-major) as measured.
LinearGpResult linear_gp_posterior(Backend& backend, const InverseProblem& ip, const LinearGpConfig& config,
                                   const std::vector<double>& C, const std::vector<double>& Sigma);

// The prior covariance k on config.grid() (column-major), for drawing test densities.
std::vector<double> linear_gp_prior(const LinearGpConfig& config);
// K_q: n_tau x n_omega (column-major) on config.grid().
std::vector<double> linear_gp_forward(const InverseProblem& ip, const LinearGpConfig& config);

// Linear interpolation of (x, y) onto `at` (0 outside [x.front(), x.back()]).
std::vector<double> interpolate(const std::vector<double>& x, const std::vector<double>& y,
                                const std::vector<double>& at);

}  // namespace fl::spectral
