// Physics validation of flow-based sampling against HMC and published numbers (minutes on
// 2 cores; ctest label "slow"). Every comparison is an n-sigma bound with autocorrelation-
// aware errors on both sides.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <numbers>

#include "core/backend.hpp"
#include "models/flows/flow_mh.hpp"
#include "models/flows/trainer.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "models/lattice/phi4/samplers.hpp"

namespace fl::flows {
namespace {

Backend& be() { return cpu_backend(); }

double pull(const stats::Estimate& a, const stats::Estimate& b) {
  return std::abs(a.value - b.value) / std::sqrt(a.error * a.error + b.error * b.error);
}

struct FlowRun {
  phi4::Phi4Summary summary;
  FlowMhResult mh;
};

FlowRun train_and_sample(const phi4::Couplings& c, int L, std::int64_t steps, std::int64_t n_samples,
                         std::uint32_t seed, index_t batch = 1000) {
  FlowSpec spec;
  spec.L = L;
  spec.affine_blocks = 3;
  Flow<float> flow(be(), spec, seed);
  TrainSettings ts;
  ts.steps = steps;
  ts.batch = batch;
  ts.learning_rate = 5e-3;
  ts.seed = seed;
  FlowTrainer<float> trainer(flow, c, ts);
  for (std::int64_t i = 0; i < steps; ++i) trainer.step();
  FlowMhSettings ms;
  ms.n_samples = n_samples;
  ms.n_thermalise = 200;
  ms.batch = 2000;
  ms.key = PhiloxKey{seed, 77};
  phi4::MeasurementSeries series(L);
  FlowRun r;
  r.mh = flow_metropolis(flow, c, ms, &series);
  r.summary = phi4::analyse(series);
  std::printf("flow L=%d: acceptance %.3f, tau_rej %.2f, tau(|m|) %.2f, ESS/N %.3f\n", L, r.mh.acceptance,
              r.mh.tau_rejection, r.summary.tau_abs_m.tau, r.mh.ess_per_sample);
  return r;
}

phi4::Phi4Summary hmc(const phi4::Couplings& c, int L, std::int64_t per_chain) {
  phi4::ChainSettings s;
  s.L = L;
  s.n_chains = 32;
  s.n_thermalise = 300;
  s.n_measure = per_chain;
  s.hmc = {0.15, 8, 0.2};
  const auto r = phi4::run_chains(be(), phi4::LocalSampler::hmc, c, s);
  std::printf("hmc L=%d: acceptance %.3f step %.3f\n", L, r.acceptance, r.hmc_used.step_size);
  return phi4::analyse(r.series);
}

TEST(FlowValidation, AgreesWithHmcAtL6Beta0537) {
  const phi4::Couplings c = phi4::ising_couplings(0.537, 0.5);
  const auto flow = train_and_sample(c, 6, 1500, 40000, 5);
  const auto ref = hmc(c, 6, 1500);
  EXPECT_GT(flow.mh.acceptance, 0.2);
  for (auto [name, a, b] : {std::tuple{"abs_m", flow.summary.abs_m, ref.abs_m},
                            std::tuple{"chi", flow.summary.chi, ref.chi},
                            std::tuple{"chi_2pt", flow.summary.chi_2pt, ref.chi_2pt},
                            std::tuple{"xi_2nd", flow.summary.xi_2nd, ref.xi_2nd},
                            std::tuple{"binder", flow.summary.binder, ref.binder}}) {
    std::printf("%-8s flow %.4f +- %.4f   hmc %.4f +- %.4f\n", name, a.value, a.error, b.value, b.error);
    EXPECT_LT(pull(a, b), 4.0) << name;
  }
  EXPECT_LT(std::abs(flow.summary.m.value), 4 * flow.summary.m.error);  // both Z2 modes visited
}

TEST(FlowValidation, AlbergoTutorialPointTwoPointSusceptibility) {
  // L = 8, albergo form m^2 = -4, lambda = 8: published HMC chi_2 = 0.75(1) (arXiv:2101.08176).
  const phi4::Couplings c = phi4::albergo_couplings(-4.0, 8.0);
  const auto ref = hmc(c, 8, 1500);
  // An under-trained flow biases the MH estimate low within the chain lengths one can afford:
  // 2000 x 1000 steps (acceptance 0.20, tau_rej ~ 100) gave 0.647(22), 4000 x 2000 (acceptance
  // 0.34, tau_rej 15) 0.718(9) -- the rarely proposed large-|m| configurations are missed and
  // the windowed tau_int underestimates the error. 8000 x 2000 reaches acceptance ~0.5,
  // tau_rej 3-5 and agrees with HMC and the published value (docs/flow-phi4.md).
  const auto flow = train_and_sample(c, 8, 8000, 100000, 6, 2000);
  const stats::Estimate published{0.75, 0.01};
  std::printf("chi_2pt: hmc %.4f +- %.4f, flow %.4f +- %.4f, published 0.75(1)\n", ref.chi_2pt.value,
              ref.chi_2pt.error, flow.summary.chi_2pt.value, flow.summary.chi_2pt.error);
  EXPECT_LT(pull(ref.chi_2pt, published), 4.0);
  EXPECT_LT(pull(flow.summary.chi_2pt, published), 4.0);
  EXPECT_LT(pull(flow.summary.chi_2pt, ref.chi_2pt), 4.0);
}

TEST(FlowValidation, TrainedFlowReproducesFreePropagator) {
  // Standard form, lambda = 0, m^2 = 0.5 on L = 6: <|phi~(k)|^2> = V / (m^2 + 4 sum sin^2(k/2)).
  const int L = 6, V = L * L;
  const double m2 = 0.5;
  const phi4::Couplings c = phi4::standard_couplings(m2, 0.0);
  const auto flow = train_and_sample(c, L, 800, 20000, 7);
  EXPECT_GT(flow.mh.acceptance, 0.3);
  double chi2 = 0;
  for (int n2 = 0; n2 < L; ++n2)
    for (int n1 = 0; n1 < L; ++n1) {
      const double k1 = 2 * std::numbers::pi * n1 / L, k2 = 2 * std::numbers::pi * n2 / L;
      const double exact = V / (m2 + 4 * (std::pow(std::sin(k1 / 2), 2) + std::pow(std::sin(k2 / 2), 2)));
      const auto& e = flow.summary.power[n1 + L * n2];
      EXPECT_LT(std::abs(e.value - exact), 4.5 * e.error) << "k = (" << n1 << ", " << n2 << ")";
      chi2 += std::pow((e.value - exact) / e.error, 2);
    }
  std::printf("free propagator: chi2 / dof = %.2f\n", chi2 / V);
  EXPECT_LT(chi2 / V, 2.5);
}

}  // namespace
}  // namespace fl::flows
