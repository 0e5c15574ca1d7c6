#include "experiments/ntk_pdf/init_study.hpp"

#include <algorithm>
#include <cmath>

#include "core/buffer.hpp"
#include "core/io/files.hpp"
#include "models/kernels/empirical_ntk.hpp"
#include "models/pdf/frozen_ntk.hpp"

namespace fl::ntk_pdf {

InitStudyRow ntk_at_init(Backend& backend, const nn::MlpSpec& spec, int replicas, int batch,
                         std::uint32_t seed, const Eigen::VectorXd& grid, nn::InputMap input) {
  const index_t ng = grid.size();
  const auto feats = nn::input_features(std::vector<double>(grid.data(), grid.data() + ng), input);
  const auto X = Matrix<double>::from_host(backend, nn::input_dim(input), ng, feats);
  kernels::EmpiricalNtk<double> ntk(backend);
  std::vector<double> norms;
  InitStudyRow row;
  row.eigenvalues_mean = Eigen::VectorXd::Zero(ng);
  row.theta_mean = Eigen::MatrixXd::Zero(ng, ng);
  for (int first = 0; first < replicas; first += batch) {
    const int n = std::min(batch, replicas - first);
    nn::EnsembleMlp<double> net(backend, spec, n);
    net.initialize(seed, static_cast<std::uint32_t>(first));
    Buffer<double> theta(backend, n * ng * ng);
    ntk.compute(net, X.view(), theta.view());
    const auto h = theta.to_host();
    for (int r = 0; r < n; ++r) {
      const Eigen::Map<const Eigen::MatrixXd> t(h.data() + r * ng * ng, ng, ng);
      norms.push_back(t.norm());
      row.eigenvalues_mean += pdf::eigenvalues_descending(t) / replicas;
      row.theta_mean += t / replicas;
    }
  }
  const double R = static_cast<double>(norms.size());
  for (double v : norms) row.norm_mean += v / R;
  for (double v : norms) row.norm_sd += (v - row.norm_mean) * (v - row.norm_mean) / (R - 1);
  row.norm_sd = std::sqrt(row.norm_sd);
  row.norm_rel_sd = row.norm_sd / row.norm_mean;
  row.rel_sd_error = row.norm_rel_sd / std::sqrt(2 * (R - 1));  // Gaussian error of a sample sd
  return row;
}

void run_init_study(Backend& backend, const InitStudySettings& s, const Eigen::VectorXd& grid,
                    nn::InputMap input, const std::filesystem::path& dir, nlohmann::json& metrics) {
  std::vector<std::string> cols = {"width", "n_params", "norm_mean", "norm_sd", "norm_rel_sd", "rel_sd_error"};
  for (int k = 1; k <= 10; ++k) cols.push_back("lambda_" + std::to_string(k));
  CsvTable t(cols);
  nlohmann::json rel = nlohmann::json::array();
  for (const auto& spec : s.specs) {
    const InitStudyRow r = ntk_at_init(backend, spec, s.replicas, s.batch, s.seed, grid, input);
    std::vector<double> row = {double(spec.sizes[1]), double(spec.n_params()), r.norm_mean, r.norm_sd,
                               r.norm_rel_sd, r.rel_sd_error};
    for (int k = 0; k < 10; ++k) row.push_back(r.eigenvalues_mean[k]);
    t.add_row(row);
    rel.push_back(r.norm_rel_sd);
  }
  t.write(dir / "ntk_init_width.csv");
  metrics["ntk_norm0_rel_sd_by_width"] = rel;
}

}  // namespace fl::ntk_pdf
