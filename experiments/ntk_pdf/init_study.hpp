#pragma once
// NTK at initialisation vs width: ||Theta_0||_F over replicas (mean, relative spread), the
// replica-mean spectrum, and (NTK parameterisation) the ensemble mean against the
// infinite-width kernel recursion.
#include <filesystem>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "core/backend.hpp"
#include "models/nn/input_features.hpp"
#include "models/nn/mlp_spec.hpp"

namespace fl::ntk_pdf {

struct InitStudySettings {
  std::vector<nn::MlpSpec> specs;
  int replicas = 100;
  int batch = 10;  // replicas built at a time (memory of the widest nets)
  std::uint32_t seed = 0;
};

struct InitStudyRow {
  double norm_mean = 0, norm_sd = 0, norm_rel_sd = 0, rel_sd_error = 0;
  Eigen::VectorXd eigenvalues_mean;
  Eigen::MatrixXd theta_mean;  // ensemble mean Theta_0
};

// Theta_0 statistics of one architecture over `replicas` replicas (built `batch` at a time).
InitStudyRow ntk_at_init(Backend& backend, const nn::MlpSpec& spec, int replicas, int batch,
                         std::uint32_t seed, const Eigen::VectorXd& grid, nn::InputMap input);

void run_init_study(Backend& backend, const InitStudySettings& s, const Eigen::VectorXd& grid,
                    nn::InputMap input, const std::filesystem::path& dir, nlohmann::json& metrics);

}  // namespace fl::ntk_pdf
