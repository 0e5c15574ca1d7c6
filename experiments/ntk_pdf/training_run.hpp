#pragma once
// Training part of `fieldlearn ntk-pdf`: N_rep replicas trained by full-batch GD with
// checkpoints of f_t and NTK diagnostics every K epochs; the full Theta_t of every replica
// is kept at the requested epochs (T_ref values and the end). Resumable from the run directory.
#include <cstdint>
#include <filesystem>
#include <map>
#include <vector>

#include <Eigen/Dense>

#include "core/backend.hpp"
#include "models/nn/input_features.hpp"
#include "models/nn/mlp_spec.hpp"
#include "models/pdf/fit_problem.hpp"

namespace fl::ntk_pdf {

struct TrainingSettings {
  nn::MlpSpec spec;
  nn::InputMap input = nn::InputMap::x;
  bool single_precision = false;
  int replicas = 100;
  std::int64_t epochs = 50000;
  double learning_rate = 1e-5;
  std::int64_t checkpoint_every = 100;
  bool keras_chi2 = false;
  std::uint32_t seed = 0;
  std::vector<std::int64_t> keep_theta_at;  // epochs whose full Theta is kept (multiples of K)
  std::int64_t resume_every = 0;            // epochs between resume snapshots (0 = never)
  std::filesystem::path resume_dir;         // where snapshots go (run directory)
  std::string label;                        // file prefix / progress label
};

struct TrainingHistory {
  std::vector<std::int64_t> epochs;             // checkpoint epochs (0, K, 2K, ...)
  std::vector<Eigen::MatrixXd> f;               // N_grid x R per checkpoint
  Eigen::MatrixXd ntk_norm;                     // checkpoints x R: ||Theta_t||_F
  Eigen::MatrixXd ntk_delta;                    // checkpoints x R: ||Theta_t - Theta_{t-K}||/||Theta_{t-K}|| (row 0 = 0)
  Eigen::MatrixXd eigenvalues;                  // checkpoints x N_grid: replica mean, descending
  Eigen::MatrixXd chi2;                         // checkpoints x R: chi2/N_dat on the training data
  std::map<std::int64_t, std::vector<Eigen::MatrixXd>> theta;  // kept kernels per epoch
  double time_per_epoch = 0;                    // t = time_per_epoch * T
};

TrainingHistory train_replicas(Backend& backend, const TrainingSettings& s, const pdf::FitProblem& problem,
                               const Eigen::MatrixXd& Y, const Eigen::VectorXd& grid, bool quiet,
                               bool resume);

}  // namespace fl::ntk_pdf
