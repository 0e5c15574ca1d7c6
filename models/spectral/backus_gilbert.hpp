#pragma once
// Backus-Gilbert reconstruction, the classical linear baseline. For every target energy w*
// the estimate is rho_hat(w*) = sum_tau g_tau(w*) C(tau): a smeared spectral function with the
// resolution function Delta(w*, w) = sum_tau g_tau K(tau, w), normalised (int Delta = 1), that
// minimises its second moment about w* plus lambda times the statistical variance:
//   W(w*) = int_0^{w_max} (w - w*)^2 K(tau, w) K(tau', w) dw + lambda Cov(tau, tau') / C(0)^2,
//   g = W^{-1} R / (R^T W^{-1} R),  R(tau) = int_0^{w_max} K(tau, w) dw.
// The w-integrals use composite Gauss-Legendre; the moment matrices are formed once and
// W(w*) = M2 - 2 w* M1 + w*^2 M0 + lambda Sigma for each w*.
#include <string>
#include <vector>

#include "models/spectral/inverse_problem.hpp"

namespace fl::spectral {

struct BackusGilbertConfig {
  double lambda = 1e-3;      // trade-off: resolution (small) vs statistical error (large)
  double omega_max = 2.0;    // upper end of the w-integrals
  int quadrature_panels = 200;  // 8-point Gauss-Legendre panels on [0, omega_max]
  void validate(const std::string& where = "backus_gilbert") const;
};

struct BackusGilbertResult {
  std::vector<double> rho;    // on ip.omega_grid()
  std::vector<double> error;  // sqrt(g^T Cov g)
  std::vector<double> spread; // int (w - w*)^2 Delta^2 dw, the resolution functional
  std::vector<double> coefficients;  // g_tau(w*): n_omega x n_tau, column-major (rho_hat = G C)

  // The estimate for another correlator (e.g. a bootstrap sample): the method is linear in C.
  std::vector<double> apply(const std::vector<double>& C) const;
};

// C: n_tau correlator values; covariance: n_tau x n_tau (column-major) of C.
BackusGilbertResult backus_gilbert(const InverseProblem& ip, const std::vector<double>& C,
                                   const std::vector<double>& covariance, const BackusGilbertConfig& config);

}  // namespace fl::spectral
