#pragma once
// The quadratic fit problem behind gradient flow on L = 1/2 (Y - FK f)^T C^-1 (Y - FK f):
//   dL/df = M f - FK^T C^-1 Y,   M = FK^T C^-1 FK (N_grid x N_grid, PSD).
#include <Eigen/Dense>

#include "models/pdf/fk_dataset.hpp"

namespace fl::pdf {

struct FitProblem {
  Eigen::MatrixXd fk;        // N_dat x N_grid
  Eigen::MatrixXd cov;       // C_Y
  Eigen::MatrixXd fk_cinv;   // FK^T C^-1 (N_grid x N_dat)
  Eigen::MatrixXd M;         // FK^T C^-1 FK
  Eigen::LLT<Eigen::MatrixXd> cov_llt;  // of cov (chi2 is evaluated per replica per checkpoint)
  Eigen::Index n_dat() const { return fk.rows(); }
  Eigen::Index n_grid() const { return fk.cols(); }

  double chi2(const Eigen::VectorXd& f, const Eigen::VectorXd& y) const;  // (y - FK f)^T C^-1 (.)
};

FitProblem make_fit_problem(const FkDataset& d);

// Numerical rank of a PSD matrix: eigenvalues above eps * largest.
int numerical_rank(const Eigen::MatrixXd& sym, double eps = 1e-7);

}  // namespace fl::pdf
