#include "models/pdf/fit_problem.hpp"

namespace fl::pdf {

FitProblem make_fit_problem(const FkDataset& d) {
  FitProblem p;
  p.fk = d.fk;
  p.cov = 0.5 * (d.cov + d.cov.transpose());  // symmetric to round-off only in the files
  p.cov_llt.compute(p.cov);
  p.fk_cinv = p.cov_llt.solve(d.fk).transpose();
  p.M = p.fk_cinv * d.fk;
  p.M = 0.5 * (p.M + p.M.transpose());
  return p;
}

double FitProblem::chi2(const Eigen::VectorXd& f, const Eigen::VectorXd& y) const {
  const Eigen::VectorXd r = y - fk * f;
  return r.dot(cov_llt.solve(r));
}

int numerical_rank(const Eigen::MatrixXd& sym, double eps) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(sym, Eigen::EigenvaluesOnly);
  const double top = es.eigenvalues().maxCoeff();
  int r = 0;
  for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) r += es.eigenvalues()[i] > eps * top;
  return r;
}

}  // namespace fl::pdf
