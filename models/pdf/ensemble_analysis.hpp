#pragma once
// Ensemble-level analysis of a replica fit (arXiv:2512.24116 Sec. 5-6 and NNPDF closure tests).
// Replica k pairs its own frozen kernel Theta^(k) with its own f_0^(k) and Y^(k).
#include <vector>

#include <Eigen/Dense>

#include "models/pdf/fit_problem.hpp"
#include "models/pdf/frozen_ntk.hpp"

namespace fl::pdf {

// ---- NTK diagnostics ------------------------------------------------------------------
double relative_change(const Eigen::MatrixXd& next, const Eigen::MatrixXd& prev);  // ||a-b||_F/||b||_F
// A_kk' = (z_k . v_k')^2 for the eigenvectors of theta and of M (both by decreasing eigenvalue).
Eigen::MatrixXd alignment(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& M);
// C(r) = 1 - sum_{k<=r} (z_k . f_in)^2 / |f_in|^2 for r = 1..n.
Eigen::VectorXd reconstruction_error(const Eigen::MatrixXd& theta, const Eigen::VectorXd& f_in);

// ---- analytic ensemble: U f_0 and V Y per replica -------------------------------------
struct AnalyticEnsemble {
  Eigen::MatrixXd uf0;  // N_grid x R: U^(k)(t) f_0^(k)
  Eigen::MatrixXd vy;   // N_grid x R: V^(k)(t) Y^(k)
  Eigen::MatrixXd f() const { return uf0 + vy; }
};
AnalyticEnsemble analytic_ensemble(const std::vector<FrozenNtkSolution>& solutions,
                                   const Eigen::MatrixXd& f0, const Eigen::MatrixXd& Y, double t);

// Cov[f_t] = C00 + C0Y + CYY over replicas (1/R normalisation, exact identity).
struct CovarianceSplit {
  Eigen::MatrixXd c00, c0y, cyy;
};
CovarianceSplit covariance_split(const AnalyticEnsemble& e);

// Bias and variance in data space through M (paper): B = (fbar - f_in)^T M (.)/N_dat,
// V = E[(fbar - f)^T M (.)]/N_dat, with the U / V / cross parts.
struct BiasVariance {
  double bias = 0, bias_u = 0, bias_v = 0, bias_uv = 0;
  double variance = 0, variance_u = 0, variance_v = 0, variance_uv = 0;
};
BiasVariance bias_variance(const AnalyticEnsemble& e, const Eigen::VectorXd& f_in, const FitProblem& p);

// ---- NNPDF closure estimators on an ensemble of fitted PDFs -------------------------
struct ClosureEstimators {
  double bias = 0;        // (T[<f>] - T[f_in])^T C^-1 (.)/N_dat
  double variance = 0;    // E_rep[(T[f] - <T[f]>)^T C^-1 (.)]/N_dat
  double r_bv = 0;        // sqrt(bias / variance)
  double xi_1sigma = 0;   // fraction of data points with |T[f_in] - <T[f]>| < sigma_rep
  double delta_chi2 = 0;  // [chi2(T[<f>], D_L1) - chi2(T[f_in], D_L1)] / chi2(T[f_in], D_L1)
};
ClosureEstimators closure_estimators(const Eigen::MatrixXd& f, const Eigen::VectorXd& f_in,
                                     const Eigen::VectorXd& level1, const FitProblem& p);

}  // namespace fl::pdf
