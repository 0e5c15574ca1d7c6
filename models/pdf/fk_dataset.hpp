#pragma once
// An FK-table data set: predictions are linear in the PDF on an x-grid, T = FK f.
// Either loaded from a directory of .npy files (layout of the BCDMS arrays of
// arXiv:2512.24116) or generated at LO by generate_lo_dataset().
#include <filesystem>
#include <string>

#include <Eigen/Dense>

namespace fl::pdf {

struct FkDataset {
  std::string origin;          // directory or "built-in LO generator"
  Eigen::MatrixXd fk;          // N_dat x N_grid
  Eigen::MatrixXd cov;         // N_dat x N_dat experimental covariance C_Y
  Eigen::VectorXd data;        // N_dat measured (or generated) central values
  Eigen::VectorXd grid;        // N_grid x values
  Eigen::VectorXd f_true;      // N_grid true xT3 for closure tests (empty if unknown)
  Eigen::VectorXd l1_noise;    // N_dat fixed level-1 noise (empty if not shipped)

  Eigen::Index n_dat() const { return fk.rows(); }
  Eigen::Index n_grid() const { return fk.cols(); }
};

// FK.npy, Cy.npy, data.npy, fk_grid.npy (required); f_bcdms.npy, L1_noise_BCDMS.npy
// (optional). InputError naming the file for a missing file, a wrong shape, a NaN, a
// non-symmetric or non-positive-definite covariance.
FkDataset load_fk_dataset(const std::filesystem::path& dir);

// Checks shapes, finiteness, symmetry and positive definiteness (InputError, naming `origin`).
void validate(const FkDataset& d);

}  // namespace fl::pdf
