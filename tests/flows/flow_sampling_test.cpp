// Flow sampling and training plumbing: independence MH with an exact proposal, rejection-run
// tau, checkpoints (round trip, resume, wrong architecture), bad input, a short training run.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "models/flows/flow_mh.hpp"
#include "models/flows/trainer.hpp"
#include "models/lattice/phi4/couplings.hpp"

namespace fl::flows {
namespace {

Backend& be() { return cpu_backend(); }

// All network weights zero: every coupling is the identity and q is the base N(0, 1)^V.
std::unique_ptr<Flow<double>> identity_flow(int L) {
  FlowSpec s;
  s.L = L;
  s.affine_blocks = 1;
  s.hidden = {4};
  s.rescale = false;
  auto flow = std::make_unique<Flow<double>>(be(), s, 1);
  be().fill(flow->params().view(), 0.0);
  return flow;
}

TEST(FlowMetropolis, ExactProposalIsAlwaysAccepted) {
  // Decoupled Gaussian target S = 1/2 sum phi^2 equals the base: w is constant.
  auto flow_ptr = identity_flow(4);
  Flow<double>& flow = *flow_ptr;
  const phi4::Couplings exact{0.0, 0.5, 0.0};
  FlowMhSettings s;
  s.n_samples = 2000;
  s.batch = 500;
  phi4::MeasurementSeries series(4);
  const auto r = flow_metropolis(flow, exact, s, &series);
  EXPECT_DOUBLE_EQ(r.acceptance, 1.0);
  EXPECT_NEAR(r.ess_per_sample, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.tau_rejection, 0.5);
  // log Z of the target with the constant: (V/2) ln 2 pi.
  EXPECT_NEAR(r.log_z, 8 * std::log(2 * M_PI), 1e-9);
  EXPECT_EQ(series.size(), 2000u);
  // <m^2> = 1/V for iid unit Gaussians.
  const auto sum = phi4::analyse(series);
  EXPECT_NEAR(sum.m2.value, 1.0 / 16, 4 * sum.m2.error);

  // A perturbed target: acceptance and ESS drop below 1, smoothly.
  const auto r2 = flow_metropolis(flow, phi4::Couplings{0.0, 0.55, 0.0}, s, nullptr);
  EXPECT_LT(r2.acceptance, 0.99);
  EXPECT_GT(r2.acceptance, 0.7);
  EXPECT_LT(r2.ess_per_sample, 0.99);
  EXPECT_GT(r2.tau_rejection, 0.5);
}

TEST(FlowMetropolis, RejectionTauOfKnownPatterns) {
  EXPECT_DOUBLE_EQ(rejection_tau({1, 1, 1, 1}), 0.5);
  // 1,0,1,0,...: runs of one rejection after every acceptance -> Pr(1 rejection) ~ 1/2.
  std::vector<std::uint8_t> alt;
  for (int i = 0; i < 10000; ++i) alt.push_back(i % 2 == 0);
  EXPECT_NEAR(rejection_tau(alt), 1.0, 1e-3);
}

TEST(FlowTrainer, CheckpointRoundTripAndResume) {
  const phi4::Couplings c = phi4::ising_couplings(0.5, 0.5);
  FlowSpec spec;
  spec.L = 4;
  spec.affine_blocks = 1;
  spec.hidden = {8};
  TrainSettings ts;
  ts.steps = 6;
  ts.batch = 32;
  const auto dir = std::filesystem::temp_directory_path() / "fl_flow_ckpt_test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "checkpoint.bin";

  Flow<double> a(be(), spec, 3);
  FlowTrainer<double> ta(a, c, ts);
  for (int i = 0; i < 6; ++i) ta.step();
  const auto straight = a.params().to_host();

  Flow<double> b(be(), spec, 3);
  FlowTrainer<double> tb(b, c, ts);
  for (int i = 0; i < 3; ++i) tb.step();
  tb.save(file);
  Flow<double> b2(be(), spec, 99);  // other initialisation: the checkpoint must override it
  FlowTrainer<double> tb2(b2, c, ts);
  tb2.load(file);
  EXPECT_EQ(tb2.steps_done(), 3);
  for (int i = 0; i < 3; ++i) tb2.step();
  const auto resumed = b2.params().to_host();
  ASSERT_EQ(straight.size(), resumed.size());
  for (std::size_t i = 0; i < straight.size(); ++i) EXPECT_DOUBLE_EQ(straight[i], resumed[i]);

  FlowSpec other = spec;
  other.hidden = {9};
  Flow<double> c2(be(), other, 3);
  FlowTrainer<double> tc(c2, c, ts);
  EXPECT_THROW(tc.load(file), InputError);
  Flow<float> f(be(), spec, 3);
  FlowTrainer<float> tf(f, c, ts);
  EXPECT_THROW(tf.load(file), InputError);
  EXPECT_THROW(tf.load(dir / "missing.bin"), InputError);
  std::filesystem::remove_all(dir);
}

TEST(FlowSpecValidation, RejectsBadInput) {
  FlowSpec s;
  s.L = 5;  // odd: no checkerboard
  EXPECT_THROW(Flow<double>(be(), s, 1), InputError);
  s.L = 4;
  s.hidden = {0};
  EXPECT_THROW(Flow<double>(be(), s, 1), InputError);
  s.hidden = {4};
  s.activation = UnaryOp::relu;  // not odd: Z2 impossible
  EXPECT_THROW(Flow<double>(be(), s, 1), InputError);
  s.activation = UnaryOp::tanh;
  Flow<double> ok(be(), s, 1);
  TrainSettings ts;
  ts.batch = 0;
  EXPECT_THROW(FlowTrainer<double>(ok, phi4::ising_couplings(0.5, 0.5), ts), InputError);
}

TEST(FlowTrainer, ShortTrainingRaisesAcceptance) {
  // L = 4 at beta = 0.5: a few hundred float32 steps take the flow well above the
  // acceptance of the untrained one (both are printed).
  const phi4::Couplings c = phi4::ising_couplings(0.5, 0.5);
  FlowSpec spec;
  spec.L = 4;
  spec.affine_blocks = 2;
  Flow<float> flow(be(), spec, 2);
  TrainSettings ts;
  ts.steps = 300;
  ts.batch = 256;
  ts.learning_rate = 5e-3;
  FlowTrainer<float> trainer(flow, c, ts);
  FlowMhSettings ms;
  ms.n_samples = 2000;
  ms.batch = 1000;
  trainer.step();
  const double before = flow_metropolis(flow, c, ms, nullptr).acceptance;
  double first = 0, last = 0;
  for (int i = 1; i < ts.steps; ++i) {
    const double l = trainer.step();
    if (i < 20) first += l / 19;
    if (i >= ts.steps - 20) last += l / 20;
  }
  const auto after = flow_metropolis(flow, c, ms, nullptr);
  std::printf("acceptance before %.3f after %.3f, loss %.3f -> %.3f\n", before, after.acceptance, first, last);
  EXPECT_LT(last, first);
  EXPECT_GT(after.acceptance, before + 0.1);
}

}  // namespace
}  // namespace fl::flows
