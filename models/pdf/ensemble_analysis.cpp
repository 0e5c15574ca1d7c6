#include "models/pdf/ensemble_analysis.hpp"

#include <cmath>

namespace fl::pdf {

double relative_change(const Eigen::MatrixXd& next, const Eigen::MatrixXd& prev) {
  return (next - prev).norm() / prev.norm();
}

namespace {
Eigen::MatrixXd eigenvectors_descending(const Eigen::MatrixXd& sym) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(0.5 * (sym + sym.transpose()));
  return es.eigenvectors().rowwise().reverse();
}
}  // namespace

Eigen::MatrixXd alignment(const Eigen::MatrixXd& theta, const Eigen::MatrixXd& M) {
  const Eigen::MatrixXd Z = eigenvectors_descending(theta), Vm = eigenvectors_descending(M);
  return (Z.transpose() * Vm).array().square();
}

Eigen::VectorXd reconstruction_error(const Eigen::MatrixXd& theta, const Eigen::VectorXd& f_in) {
  const Eigen::MatrixXd Z = eigenvectors_descending(theta);
  const Eigen::VectorXd c = (Z.transpose() * f_in).array().square();
  Eigen::VectorXd out(c.size());
  double acc = 0;
  for (Eigen::Index r = 0; r < c.size(); ++r) out[r] = 1 - (acc += c[r]) / f_in.squaredNorm();
  return out;
}

AnalyticEnsemble analytic_ensemble(const std::vector<FrozenNtkSolution>& solutions,
                                   const Eigen::MatrixXd& f0, const Eigen::MatrixXd& Y, double t) {
  const Eigen::Index R = f0.cols();
  AnalyticEnsemble e{Eigen::MatrixXd(f0.rows(), R), Eigen::MatrixXd(f0.rows(), R)};
  for (Eigen::Index k = 0; k < R; ++k) {
    e.uf0.col(k) = solutions[k].apply_U(t, f0.col(k));
    e.vy.col(k) = solutions[k].apply_V(t, Y.col(k));
  }
  return e;
}

namespace {
Eigen::MatrixXd centred(const Eigen::MatrixXd& x) { return x.colwise() - x.rowwise().mean(); }
}  // namespace

CovarianceSplit covariance_split(const AnalyticEnsemble& e) {
  const double R = static_cast<double>(e.uf0.cols());
  const Eigen::MatrixXd u = centred(e.uf0), v = centred(e.vy);
  return {u * u.transpose() / R, (u * v.transpose() + v * u.transpose()) / R, v * v.transpose() / R};
}

BiasVariance bias_variance(const AnalyticEnsemble& e, const Eigen::VectorXd& f_in, const FitProblem& p) {
  const double nd = static_cast<double>(p.n_dat()), R = static_cast<double>(e.uf0.cols());
  const Eigen::VectorXd ubar = e.uf0.rowwise().mean(), vbar = e.vy.rowwise().mean();
  const Eigen::VectorXd dv = vbar - f_in;
  BiasVariance b;
  b.bias_u = ubar.dot(p.M * ubar) / nd;
  b.bias_v = dv.dot(p.M * dv) / nd;
  b.bias_uv = 2 * ubar.dot(p.M * dv) / nd;
  b.bias = b.bias_u + b.bias_v + b.bias_uv;
  const Eigen::MatrixXd u = centred(e.uf0), v = centred(e.vy);
  b.variance_u = (u.transpose() * p.M * u).trace() / (R * nd);
  b.variance_v = (v.transpose() * p.M * v).trace() / (R * nd);
  b.variance_uv = 2 * (u.transpose() * p.M * v).trace() / (R * nd);
  b.variance = b.variance_u + b.variance_v + b.variance_uv;
  return b;
}

ClosureEstimators closure_estimators(const Eigen::MatrixXd& f, const Eigen::VectorXd& f_in,
                                     const Eigen::VectorXd& level1, const FitProblem& p) {
  const double nd = static_cast<double>(p.n_dat()), R = static_cast<double>(f.cols());
  const Eigen::LLT<Eigen::MatrixXd> llt(p.cov);
  const Eigen::MatrixXd T = p.fk * f;
  const Eigen::VectorXd tbar = T.rowwise().mean(), tin = p.fk * f_in;
  const Eigen::MatrixXd dT = centred(T);
  ClosureEstimators c;
  c.bias = (tbar - tin).dot(llt.solve(tbar - tin)) / nd;
  c.variance = (dT.transpose() * llt.solve(dT)).trace() / (R * nd);
  c.r_bv = std::sqrt(c.bias / c.variance);
  int inside = 0;
  for (Eigen::Index i = 0; i < T.rows(); ++i) {
    const double sigma = std::sqrt(dT.row(i).squaredNorm() / R);
    inside += std::fabs(tin[i] - tbar[i]) < sigma;
  }
  c.xi_1sigma = inside / nd;
  const double chi_in = p.chi2(f_in, level1);
  c.delta_chi2 = (p.chi2(f.rowwise().mean(), level1) - chi_in) / chi_in;
  return c;
}

}  // namespace fl::pdf
