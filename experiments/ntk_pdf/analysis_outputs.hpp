#pragma once
// Post-training analysis of `fieldlearn ntk-pdf`: NTK diagnostics, the frozen-NTK analytic
// solution against the trained ensemble, covariance split, bias/variance, closure estimators.
// Writes CSV/.npy files into the run directory and headline numbers into `metrics`.
#include <filesystem>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "experiments/ntk_pdf/training_run.hpp"
#include "models/pdf/fit_problem.hpp"

namespace fl::ntk_pdf {

struct AnalysisSettings {
  std::int64_t t_ref = 10000;               // epoch of the frozen NTK for the headline numbers
  std::vector<std::int64_t> t_ref_list;     // extra T_ref for the analytic-vs-trained figure
  double eps_tol = 1e-7;
  double lazy_threshold = 1e-3;             // delta Theta per checkpoint interval
  std::vector<std::int64_t> cov_epochs;     // T values of the covariance-split figure
};

void write_training_series(const std::filesystem::path& dir, const std::string& prefix,
                           const TrainingHistory& h, double lazy_threshold, nlohmann::json& metrics,
                           const std::string& metric_suffix);

void analyse_fit(const std::filesystem::path& dir, const TrainingHistory& h, const AnalysisSettings& a,
                 const pdf::FitProblem& problem, const Eigen::MatrixXd& Y, const Eigen::VectorXd& grid,
                 const Eigen::VectorXd& f_in, const Eigen::VectorXd& level1, nlohmann::json& metrics);

// Epoch after which the replica-mean delta Theta stays below the threshold (-1 if never).
std::int64_t lazy_onset(const TrainingHistory& h, double threshold);

}  // namespace fl::ntk_pdf
