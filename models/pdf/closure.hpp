#pragma once
// Closure-test pseudo-data as NNPDF defines them (arXiv:1410.8849):
//   L0: Y = FK f_in;  L1: Y = Y_L0 + eps, eps ~ N(0, C) drawn once for all replicas;
//   L2: Y^(k) = Y_L1 + xi^(k), a fresh N(0, C) draw per replica;  real: Y = measured data.
// Gaussian draws use the Cholesky factor of C and Philox streams (seed, replica).
#include <cstdint>
#include <string>

#include <Eigen/Dense>

#include "models/pdf/fk_dataset.hpp"

namespace fl::pdf {

enum class ClosureLevel { l0, l1, l2, real };
ClosureLevel closure_level_from_string(const std::string& s);  // "0", "1", "2", "real"
std::string closure_level_name(ClosureLevel l);

struct ClosureOptions {
  ClosureLevel level = ClosureLevel::l0;
  bool draw_l1 = false;  // false: the data set's fixed L1 noise when it ships one
  std::uint32_t seed = 0;
};

// The level-1 data D_L1 = FK f_in + eps (also what Delta chi^2 compares against).
Eigen::VectorXd level1_data(const FkDataset& d, const ClosureOptions& o);

// N_dat x replicas matrix of training data.
Eigen::MatrixXd closure_data(const FkDataset& d, const ClosureOptions& o, int replicas);

}  // namespace fl::pdf
