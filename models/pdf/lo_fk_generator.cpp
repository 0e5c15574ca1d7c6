#include "models/pdf/lo_fk_generator.hpp"

#include <cmath>
#include <map>

#include "core/philox.hpp"
#include "models/pdf/quadrature.hpp"

namespace fl::pdf {

std::vector<double> paper_like_grid() {
  std::vector<double> g;
  for (int a = 0; a < 27; ++a) g.push_back(2e-7 * std::pow(0.1 / 2e-7, a / 27.0));
  for (int a = 0; a < 23; ++a) g.push_back(0.1 + 0.9 * a / 22.0);
  g.back() = 1.0;
  return g;
}

double lo_true_xt3(double x) { return 1.9 * std::pow(x, 0.6) * std::pow(1 - x, 3.3) * (1 + 1.5 * x); }

FkDataset generate_lo_dataset(const LoGeneratorOptions& o) {
  FkDataset d;
  d.origin = "built-in LO generator";
  const std::vector<double> grid = paper_like_grid();
  const Eigen::Index ng = static_cast<Eigen::Index>(grid.size());
  d.grid = Eigen::Map<const Eigen::VectorXd>(grid.data(), ng);

  // Kinematics.
  std::vector<double> xs, q2s;
  std::vector<int> q2_index;
  for (int i = 0; i < o.n_x_bins; ++i) {
    const double x = 0.07 * std::pow(0.75 / 0.07, double(i) / (o.n_x_bins - 1));
    for (int k = 0; k < o.n_q2; ++k) {
      const double q2 = 7.5 * std::pow(230.0 / 7.5, double(k) / (o.n_q2 - 1));
      if (q2 < 7.5 + 40 * (x - 0.07) - 1e-9) continue;
      xs.push_back(x), q2s.push_back(q2), q2_index.push_back(k);
    }
  }
  const Eigen::Index nd = static_cast<Eigen::Index>(xs.size());

  // FK: fine-grid interpolation of the 50-grid values, evolution, interpolation at x_I, 1/6.
  LoNonSingletEvolution evolution(LoNonSingletEvolution::default_grid());
  const auto& fine = evolution.grid();
  const auto to_fine = interpolation_matrix(grid, fine);
  const Eigen::MatrixXd B =
      Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
          to_fine.data(), static_cast<Eigen::Index>(fine.size()), ng);
  std::map<int, Eigen::MatrixXd> evolved;  // per Q^2 value: exp(tau K) B
  d.fk = Eigen::MatrixXd::Zero(nd, ng);
  for (Eigen::Index I = 0; I < nd; ++I) {
    auto it = evolved.find(q2_index[I]);
    if (it == evolved.end())
      it = evolved.emplace(q2_index[I], evolution.operator_at(o.coupling.tau(q2s[I])) * B).first;
    double w[4];
    const int s = lagrange4_ln(fine, xs[I], w);
    for (int j = 0; j < 4; ++j) d.fk.row(I) += w[j] / 6.0 * it->second.row(s + j);
  }

  // exp(tau K) leaks round-off (<1e-14) into columns far below the data's x: drop it, so
  // that those grid points lie exactly in ker FK as for the real FK tables.
  const double fk_max = d.fk.cwiseAbs().maxCoeff();
  d.fk = d.fk.unaryExpr([fk_max](double v) { return std::fabs(v) < 1e-12 * fk_max ? 0.0 : v; });

  d.f_true.resize(ng);
  for (Eigen::Index a = 0; a < ng; ++a) d.f_true[a] = lo_true_xt3(grid[a]);
  const Eigen::VectorXd t = d.fk * d.f_true;

  // Covariance: statistics + three fully correlated multiplicative systematics.
  d.cov = Eigen::MatrixXd::Zero(nd, nd);
  for (Eigen::Index I = 0; I < nd; ++I) d.cov(I, I) = std::pow(0.05 * std::fabs(t[I]) + 0.002, 2);
  const double sys[3] = {0.03, 0.02, 0.01};
  for (int k = 0; k < 3; ++k) {
    Eigen::VectorXd beta(nd);
    for (Eigen::Index I = 0; I < nd; ++I) {
      const double shape = k == 0 ? 1.0 : k == 1 ? (xs[I] - 0.3) / 0.45 : std::log(q2s[I] / 30.0) / 2.0;
      beta[I] = sys[k] * shape * t[I];
    }
    d.cov += beta * beta.transpose();
  }
  d.data = t;

  // One fixed L1 noise vector, as the shipped BCDMS set has: L eta, eta ~ N(0, 1).
  Eigen::VectorXd eta(nd);
  PhiloxStream rng(PhiloxKey{o.seed, 0xF1u}, 0);
  for (Eigen::Index I = 0; I < nd; ++I) eta[I] = rng.normal();
  d.l1_noise = Eigen::LLT<Eigen::MatrixXd>(d.cov).matrixL() * eta;
  return d;
}

}  // namespace fl::pdf
