#pragma once
// Analytic gradient flow with a frozen NTK Theta (arXiv:2512.24116, "AnalyticSol"):
//   df/dt = -Theta M f + Theta FK^T C^-1 Y   =>   f_t = U(t) f_0 + V(t) Y
// Theta z_k = lambda_k z_k; "perp" = {lambda_k >= eps lambda_max}, "par" = the rest (treated
// as lambda = 0). H_perp = Lambda^1/2 Z^T M Z Lambda^1/2 = W diag(h) W^T, Q = Z Lambda^1/2 W.
//   U(t) = Q e^{-h t} Q^-1 - Mcal(t) M P_par + P_par,   V(t) = Mcal(t) FK^T C^-1,
//   Mcal(t) = Q diag'((1 - e^{-h t})/h) Q^T (only h_i > 0; the paper's sign of the U-check term).
// t = +infinity is allowed. Time is in units of the flow of L = 1/2 chi^2 (t = eta T for GD).
#include <Eigen/Dense>

#include "models/pdf/fit_problem.hpp"

namespace fl::pdf {

class FrozenNtkSolution {
 public:
  FrozenNtkSolution(const Eigen::MatrixXd& theta, const FitProblem& problem, double eps_tol = 1e-7);

  Eigen::MatrixXd U(double t) const;
  Eigen::MatrixXd V(double t) const;
  Eigen::MatrixXd Mcal(double t) const;
  // U(t) f0 and V(t) y as matrix-vector products (no N_grid^3 work).
  Eigen::VectorXd apply_U(double t, const Eigen::VectorXd& f0) const;
  Eigen::VectorXd apply_V(double t, const Eigen::VectorXd& y) const;
  Eigen::VectorXd evolve(const Eigen::VectorXd& f0, const Eigen::VectorXd& y, double t) const {
    return apply_U(t, f0) + apply_V(t, y);
  }

  int d_perp() const { return static_cast<int>(lambda_.size()); }
  const Eigen::VectorXd& ntk_eigenvalues() const { return lambda_; }  // perp, descending
  const Eigen::VectorXd& h() const { return h_; }                     // H_perp, descending
  const Eigen::MatrixXd& Q() const { return Q_; }
  const Eigen::MatrixXd& Q_inverse() const { return Qinv_; }
  const Eigen::MatrixXd& P_parallel() const { return P_par_; }

 private:
  Eigen::VectorXd phi(double t) const;    // (1 - e^{-h t})/h, t for h ~ 0 and 0 for h_i = 0 modes
  Eigen::VectorXd decay(double t) const;  // e^{-h t}, 1 for h_i = 0 modes

  Eigen::MatrixXd M_, fk_cinv_;
  Eigen::VectorXd lambda_, h_;
  Eigen::MatrixXd Q_, Qinv_, P_par_;
  double h_cut_ = 0;
};

// Eigenvalues of a symmetric matrix, descending.
Eigen::VectorXd eigenvalues_descending(const Eigen::MatrixXd& sym);

}  // namespace fl::pdf
