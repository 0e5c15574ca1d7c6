#include "models/pdf/frozen_ntk.hpp"

#include <cmath>
#include <limits>

namespace fl::pdf {

Eigen::VectorXd eigenvalues_descending(const Eigen::MatrixXd& sym) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (sym + sym.transpose()),
                                                           Eigen::EigenvaluesOnly);
  return es.eigenvalues().reverse();
}

FrozenNtkSolution::FrozenNtkSolution(const Eigen::MatrixXd& theta, const FitProblem& problem,
                                     double eps_tol)
    : M_(problem.M), fk_cinv_(problem.fk_cinv) {
  const Eigen::Index n = theta.rows();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (theta + theta.transpose()));
  const Eigen::VectorXd lam = es.eigenvalues().reverse();       // descending
  const Eigen::MatrixXd Z = es.eigenvectors().rowwise().reverse();
  Eigen::Index d = 0;
  while (d < n && lam[d] > 0 && lam[d] >= eps_tol * lam[0]) ++d;
  lambda_ = lam.head(d);
  const Eigen::MatrixXd Zp = Z.leftCols(d), Zq = Z.rightCols(n - d);
  P_par_ = Zq * Zq.transpose();

  const Eigen::VectorXd sl = lambda_.cwiseSqrt();
  Eigen::MatrixXd H = sl.asDiagonal() * (Zp.transpose() * M_ * Zp) * sl.asDiagonal();
  H = 0.5 * (H + H.transpose());
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> hs(H);
  h_ = hs.eigenvalues().reverse();
  const Eigen::MatrixXd W = hs.eigenvectors().rowwise().reverse();
  Q_ = Zp * sl.asDiagonal() * W;
  Qinv_ = W.transpose() * sl.cwiseInverse().asDiagonal() * Zp.transpose();
  // H_perp is PSD: eigenvalues below round-off of the largest are exact zeros (no source).
  h_cut_ = d > 0 ? 1e-12 * std::max(h_[0], 0.0) : 0.0;
}

Eigen::VectorXd FrozenNtkSolution::phi(double t) const {
  Eigen::VectorXd p(h_.size());
  for (Eigen::Index i = 0; i < h_.size(); ++i) {
    const double h = h_[i];
    if (h <= h_cut_) p[i] = 0;
    else if (std::isinf(t)) p[i] = 1 / h;
    else p[i] = std::fabs(h * t) < 1e-12 ? t : -std::expm1(-h * t) / h;
  }
  return p;
}

Eigen::MatrixXd FrozenNtkSolution::Mcal(double t) const {
  return Q_ * phi(t).asDiagonal() * Q_.transpose();
}

Eigen::VectorXd FrozenNtkSolution::decay(double t) const {
  Eigen::VectorXd d(h_.size());
  for (Eigen::Index i = 0; i < h_.size(); ++i)
    d[i] = h_[i] <= h_cut_ ? 1.0 : (std::isinf(t) ? 0.0 : std::exp(-h_[i] * t));
  return d;
}

Eigen::MatrixXd FrozenNtkSolution::U(double t) const {
  return Q_ * decay(t).asDiagonal() * Qinv_ - Mcal(t) * M_ * P_par_ + P_par_;
}

Eigen::VectorXd FrozenNtkSolution::apply_U(double t, const Eigen::VectorXd& f0) const {
  const Eigen::VectorXd f_par = P_par_ * f0;
  const Eigen::VectorXd perp = decay(t).cwiseProduct(Qinv_ * f0);
  const Eigen::VectorXd check = phi(t).cwiseProduct(Q_.transpose() * (M_ * f_par));
  return Q_ * (perp - check) + f_par;
}

Eigen::VectorXd FrozenNtkSolution::apply_V(double t, const Eigen::VectorXd& y) const {
  return Q_ * phi(t).cwiseProduct(Q_.transpose() * (fk_cinv_ * y));
}

Eigen::MatrixXd FrozenNtkSolution::V(double t) const { return Mcal(t) * fk_cinv_; }

}  // namespace fl::pdf
