// Training dynamics against the NTK theory: the time convention of the trainer and linearised
// GD converging to the frozen-NTK solution as eta -> 0 (width studies: slow_width_test.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "core/buffer.hpp"
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

// keras_chi2 (loss chi^2) at eta is the same flow as 1/2 chi^2 at 2 eta: t = 2 eta T.
TEST(ReplicaTrainer, KerasChi2IsTwiceTheTime) {
  Problem pr;
  const Eigen::MatrixXd Y = closure_data(pr.d, {}, 3);
  nn::EnsembleMlp<double> a(cpu_backend(), nn::MlpSpec::make(1, {8, 6}, 1), 3), b(cpu_backend(), a.spec(), 3);
  a.initialize(3), b.initialize(3);
  ReplicaTrainer<double> ta(a, pr.p, Y, pr.d.grid, nn::InputMap::x, 1e-5, true);
  ReplicaTrainer<double> tb(b, pr.p, Y, pr.d.grid, nn::InputMap::x, 2e-5, false);
  for (int i = 0; i < 20; ++i) ta.step(), tb.step();
  EXPECT_DOUBLE_EQ(ta.time(), tb.time());
  EXPECT_LT((ta.f() - tb.f()).norm(), 1e-12 * tb.f().norm());
  EXPECT_GT((ta.f() - Eigen::MatrixXd::Zero(50, 3)).norm(), 0);
}

// The trainer's fused CPU epoch against its Backend-op path (the reference), in two rounds
// with evaluations of the network in between.
TEST(ReplicaTrainer, FusedEpochMatchesTheBackendPath) {
  Problem pr;
  const int R = 11;  // one full and one partial group of lanes
  const Eigen::MatrixXd Y = closure_data(pr.d, {}, R);
  nn::EnsembleMlp<double> fused(cpu_backend(), nn::MlpSpec::make(1, {25, 20}, 1), R), ref(cpu_backend(), fused.spec(), R);
  fused.initialize(5), ref.initialize(5);
  ref.set_fused_cpu(false);
  ReplicaTrainer<double> tf(fused, pr.p, Y, pr.d.grid, nn::InputMap::x, 1e-5);
  ReplicaTrainer<double> tr(ref, pr.p, Y, pr.d.grid, nn::InputMap::x, 1e-5);
  const Eigen::MatrixXd f0 = tr.f();
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < 25; ++i) tf.step(), tr.step();
    const Eigen::MatrixXd ff = tf.f(), fr = tr.f();
    EXPECT_LT((ff - fr).norm(), 1e-12 * fr.norm()) << "round " << round;
    EXPECT_GT((fr - f0).norm(), 1e-3 * fr.norm());  // training moved f
    const auto pf = fused.parameters_host(), pref = ref.parameters_host();
    for (std::size_t k = 0; k < pf.size(); ++k) ASSERT_NEAR(pf[k], pref[k], 1e-12 * (1 + std::abs(pref[k])));
  }
}

// GD on the linearised model obeys f_{T+1} = f_T - eta Theta_0 (M f_T - FK^T C^-1 Y); it
// approaches the closed form at t = eta T with an O(eta) error.
TEST(FrozenNtk, LinearisedGradientDescentConvergesToClosedForm) {
  Problem pr;
  nn::EnsembleMlp<double> net(cpu_backend(), nn::MlpSpec::make(1, {25, 20}, 1), 1);
  net.initialize(17);
  ReplicaTrainer<double> tr(net, pr.p, closure_data(pr.d, {}, 1), pr.d.grid, nn::InputMap::x, 1e-5);
  const Eigen::MatrixXd theta = tr.ntk()[0];
  const Eigen::VectorXd f0 = tr.f().col(0), y = pr.d.data;
  const FrozenNtkSolution sol(theta, pr.p, 1e-12);  // keep every direction the recursion feels
  const double lam = eigenvalues_descending(theta * pr.p.M)[0];
  const double t = 3.0 / lam * 50;  // well into the flow of the slower modes
  double err[2];
  for (int k = 0; k < 2; ++k) {
    const double eta = 0.05 / lam / (1 << k);
    const long steps = std::lround(t / eta);
    Eigen::VectorXd f = f0;
    for (long s = 0; s < steps; ++s) f -= eta * theta * (pr.p.M * f - pr.p.fk_cinv * y);
    err[k] = (f - sol.evolve(f0, y, eta * steps)).norm() / f.norm();
  }
  EXPECT_LT(err[1], 0.6 * err[0]);  // O(eta): halving eta halves the error
  EXPECT_LT(err[1], 1e-2);
}

}  // namespace
