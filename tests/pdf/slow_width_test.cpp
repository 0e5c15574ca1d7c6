// Width studies (slow): the lazy limit of training and the NTK at initialisation vs width.
#include <gtest/gtest.h>

#include <cmath>

#include "core/buffer.hpp"
#include "experiments/ntk_pdf/init_study.hpp"
#include "models/kernels/infinite_width.hpp"
#include "models/pdf/closure.hpp"
#include "models/pdf/ensemble_analysis.hpp"
#include "models/pdf/frozen_ntk.hpp"
#include "models/pdf/lo_fk_generator.hpp"
#include "models/pdf/replica_trainer.hpp"

namespace {
using namespace fl;
using namespace fl::pdf;

struct Problem {
  FkDataset d = generate_lo_dataset();
  FitProblem p = make_fit_problem(d);
};

// Lazy limit in the NTK parameterisation: the gap between the frozen-NTK prediction from
// T_ref = 0 and real training at a fixed time shrinks ~ 1/sqrt(width).
TEST(LazyLimit, GapShrinksWithWidth) {
  Problem pr;
  const int R = 16;
  const Eigen::MatrixXd Y = closure_data(pr.d, {}, R);
  std::vector<double> widths = {16, 64, 256, 1024}, gaps;
  double t_total = 0;
  for (double w : widths) {
    nn::MlpSpec s = nn::MlpSpec::make(1, {index_t(w)}, 1);  // one hidden layer: cost ~ width
    s.init = nn::InitScheme::ntk;
    s.c_w = 1.0;
    s.c_b = 0.1;
    nn::EnsembleMlp<double> net(cpu_backend(), s, R);
    net.initialize(2024);
    ReplicaTrainer<double> probe(net, pr.p, Y, pr.d.grid, nn::InputMap::x, 1.0);
    const auto theta0 = probe.ntk();
    const Eigen::MatrixXd f0 = probe.f();
    if (t_total == 0) {  // same time for every width: 3 e-folds of the fastest mode at init
      double top = 0;
      for (const auto& th : theta0) top = std::max(top, eigenvalues_descending(th * pr.p.M)[0]);
      t_total = 3.0 / top;
    }
    double top = 0;
    for (const auto& th : theta0) top = std::max(top, eigenvalues_descending(th * pr.p.M)[0]);
    const int steps = 200;
    const double eta = t_total / steps;
    ASSERT_LT(eta * top, 0.5) << "unstable step for width " << w;
    ReplicaTrainer<double> tr(net, pr.p, Y, pr.d.grid, nn::InputMap::x, eta);
    for (int i = 0; i < steps; ++i) tr.step();
    std::vector<FrozenNtkSolution> sols;
    for (const auto& th : theta0) sols.emplace_back(th, pr.p, 1e-7);
    const Eigen::MatrixXd f_lin = analytic_ensemble(sols, f0, Y, tr.time()).f();
    const Eigen::MatrixXd f_nn = tr.f();
    gaps.push_back((f_lin - f_nn).norm() / f_nn.norm());
  }
  // Least-squares slope of log(gap) vs log(width): the replica ensemble is finite, so single
  // widths fluctuate; the trend must be ~ -1/2.
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  const double n = static_cast<double>(gaps.size());
  for (std::size_t i = 0; i < gaps.size(); ++i) {
    const double lx = std::log(widths[i]), ly = std::log(gaps[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  EXPECT_GT(slope, -0.8) << "gaps " << gaps[0] << " " << gaps[1] << " " << gaps[2] << " " << gaps[3];
  EXPECT_LT(slope, -0.3) << "gaps " << gaps[0] << " " << gaps[1] << " " << gaps[2] << " " << gaps[3];
  EXPECT_LT(gaps.back(), gaps.front() / 4);
  EXPECT_LT(gaps.back(), 0.01);
  std::printf("lazy-limit gaps: width 16 %.4g, 64 %.4g, 256 %.4g, 1024 %.4g (slope %.3f)\n", gaps[0], gaps[1],
              gaps[2], gaps[3], slope);
}

// Relative spread of ||Theta_0||_F over 100 replicas falls with width (paper: ~O(1/sqrt n)).
TEST(NtkAtInit, RelativeSpreadFallsWithWidth) {
  Problem pr;
  std::vector<double> rel, err;
  for (index_t w : {10, 40, 160}) {
    const auto row = ntk_pdf::ntk_at_init(cpu_backend(), nn::MlpSpec::make(1, {w, w}, 1), 100, 50, 2312441,
                                          pr.d.grid, nn::InputMap::x);
    rel.push_back(row.norm_rel_sd);
    err.push_back(row.rel_sd_error);
  }
  for (std::size_t i = 0; i + 1 < rel.size(); ++i)
    EXPECT_LT(rel[i + 1] + 3 * err[i + 1], rel[i] - 3 * err[i]) << rel[i] << " vs " << rel[i + 1];
  std::printf("||Theta_0|| relative sd: width 10 %.3f, 40 %.3f, 160 %.3f\n", rel[0], rel[1], rel[2]);
}

// NTK parameterisation: the replica mean of Theta_0 approaches the infinite-width recursion
// (models/kernels/infinite_width, tanh by Gauss-Hermite) as the width grows.
TEST(NtkAtInit, EnsembleMeanApproachesInfiniteWidth) {
  Problem pr;
  const double sw2 = 1.5, sb2 = 0.1;
  kernels::FullyConnectedSpec inf;
  inf.hidden_layers = 2;
  inf.sigma_w = std::sqrt(sw2);
  inf.sigma_b = std::sqrt(sb2);
  inf.activation = UnaryOp::tanh;
  const std::vector<double> x(pr.d.grid.data(), pr.d.grid.data() + 50);
  const auto X = Matrix<double>::from_host(cpu_backend(), 1, 50, x);
  const auto kinf = kernels::infinite_width_kernels(cpu_backend(), inf, X.view());
  const auto th_inf_h = kinf.ntk.to_host();
  const Eigen::Map<const Eigen::MatrixXd> th_inf(th_inf_h.data(), 50, 50);
  std::vector<double> dist;
  for (index_t w : {16, 64, 256}) {
    nn::MlpSpec s = nn::MlpSpec::make(1, {w, w}, 1);
    s.init = nn::InitScheme::ntk, s.c_w = sw2, s.c_b = sb2;
    const auto row = ntk_pdf::ntk_at_init(cpu_backend(), s, 200, 50, 77, pr.d.grid, nn::InputMap::x);
    dist.push_back((row.theta_mean - th_inf).norm() / th_inf.norm());
  }
  std::printf("mean Theta_0 vs infinite width: width 16 %.4f, 64 %.4f, 256 %.4f\n", dist[0], dist[1], dist[2]);
  EXPECT_LT(dist[2], dist[0] / 2);
  EXPECT_LT(dist[2], 0.02);
}

}  // namespace
