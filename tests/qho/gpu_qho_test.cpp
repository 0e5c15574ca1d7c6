// CUDA QHO engine: bit-level agreement of one Metropolis sweep with the CPU (same Philox
// streams; transcendental functions may differ in the last bits, so fields are compared to
// 1e-12), and HMC correlators against the exact lattice result (skipped without a device).
#include <gtest/gtest.h>

#include <cmath>

#include "core/buffer.hpp"
#include "models/lattice/qho/correlator_analysis.hpp"
#include "models/lattice/qho/qho_exact.hpp"
#include "models/lattice/qho/qho_monte_carlo.hpp"
#include "tests/qho/engine_parity.hpp"

namespace {
using namespace fl;
using namespace fl::qho;

TEST(GpuQho, SweepsFollowTheCpuChains) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const QhoParams p{1.0, 1.0, 0.25, 32};
  std::vector<double> init(32 * 64);
  for (std::size_t i = 0; i < init.size(); ++i) init[i] = 0.1 * std::sin(0.37 * i);
  auto fc = Matrix<double>::from_host(cpu_backend(), 32, 64, init);
  auto fg = Matrix<double>::from_host(*gpu, 32, 64, init);
  const auto sc = make_qho_engine(cpu_backend())->metropolis(p, fc.view(), 0.5, 3, 11, 0);
  const auto sg = make_qho_engine(*gpu)->metropolis(p, fg.view(), 0.5, 3, 11, 0);
  EXPECT_EQ(sc.accepted, sg.accepted);
  const auto hc = fc.to_host(), hg = fg.to_host();
  for (std::size_t i = 0; i < hc.size(); ++i) EXPECT_NEAR(hc[i], hg[i], 1e-12);
  const auto tc = make_qho_engine(cpu_backend())->hmc(p, fc.view(), 0.1, 10, 2, 5, 3);
  const auto tg = make_qho_engine(*gpu)->hmc(p, fg.view(), 0.1, 10, 2, 5, 3);
  EXPECT_EQ(tc.accepted, tg.accepted);
}

// 70000 chains: more than gridDim.y allows (65535), which the first measurement kernel used
// for the chain index and so could not launch for this many chains.
TEST(GpuQho, MeasurementMatchesCpuForManyChains) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const auto ref = test::qho_measure_outputs(cpu_backend(), 8, 70000);
  gpu_test::expect_outputs_agree(ref, test::qho_measure_outputs(*gpu, 8, 70000), 1e-26);
  // Wrong shapes are errors on both engines, not silent no-ops.
  const QhoParams p{1.0, 1.0, 0.25, 8};
  auto f = Matrix<double>::zeros(*gpu, 7, 3), cx = Matrix<double>::zeros(*gpu, 8, 3);
  EXPECT_THROW(make_qho_engine(*gpu)->measure(p, f.view(), cx.view(), cx.view()), std::invalid_argument);
  // Host operands are refused (a host pointer in a kernel would end the CUDA context).
  auto host_fields = Matrix<double>::zeros(cpu_backend(), 8, 3);
  EXPECT_THROW(make_qho_engine(*gpu)->measure(p, host_fields.view(), cx.view(), cx.view()), std::invalid_argument);
  EXPECT_THROW(make_qho_engine(*gpu)->metropolis(p, host_fields.view(), 0.5, 1, 1, 0), std::invalid_argument);
}

TEST(GpuQho, HmcCorrelatorMatchesExact) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const QhoParams p{1.0, 1.0, 0.25, 32};
  MonteCarloConfig c;
  c.algorithm = Algorithm::hmc;
  c.n_chains = 256;
  c.n_configs = 256 * 100;
  c.n_therm = 100;
  c.n_skip = 2;
  c.hmc_leapfrog = 12;
  c.seed = 31;
  const auto s = run_monte_carlo(*gpu, p, c);
  const int half = p.n_t / 2 + 1;
  const auto est = blocked_bootstrap(fold_correlators(s.cx, p.n_t, FoldConvention::standard), s.n_chains, s.per_chain,
                                     half, 20, 400, 3);
  const auto exact = fold_correlators(exact_correlator(p, Operator::x), p.n_t, FoldConvention::standard);
  for (int t = 0; t < half; ++t) EXPECT_NEAR(est.mean[t], exact[t], 4.5 * est.error[t]) << t;
}

}  // namespace
