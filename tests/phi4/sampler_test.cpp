// phi^4 samplers: HMC's <exp(-dH)> = 1, HMC vs local Metropolis, the free propagator.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "models/lattice/phi4/samplers.hpp"

namespace fl::phi4 {
namespace {

double pull(const stats::Estimate& a, const stats::Estimate& b) {
  return std::abs(a.value - b.value) / std::sqrt(a.error * a.error + b.error * b.error);
}

TEST(Phi4Hmc, ExpMinusDeltaHAveragesToOne) {
  ChainSettings s;
  s.L = 6;
  s.n_chains = 32;
  s.n_thermalise = 50;
  s.n_measure = 100;
  s.hmc = {0.12, 8, 0.0};  // coarse steps: dH is O(1) so the test has power
  s.tune_hmc = false;
  const auto r = run_chains(cpu_backend(), LocalSampler::hmc, ising_couplings(0.537, 0.5), s);
  EXPECT_GT(r.acceptance, 0.3);
  EXPECT_LT(r.acceptance, 0.98);
  EXPECT_LT(std::abs(r.mean_exp_minus_dh - 1.0), 4.0 * r.mean_exp_minus_dh_err)
      << r.mean_exp_minus_dh << " +- " << r.mean_exp_minus_dh_err;
  EXPECT_LT(r.mean_exp_minus_dh_err, 0.05);
}

TEST(Phi4Hmc, AgreesWithLocalMetropolis) {
  const Couplings c = ising_couplings(0.537, 0.5);
  ChainSettings s;
  s.L = 6;
  s.n_chains = 32;
  s.n_thermalise = 200;
  s.n_measure = 600;
  s.hmc = {0.1, 10, 0.2};
  const auto hmc = analyse(run_chains(cpu_backend(), LocalSampler::hmc, c, s).series);
  s.metropolis_delta = 1.5;
  s.seed = 2;
  const auto met_run = run_chains(cpu_backend(), LocalSampler::metropolis, c, s);
  const auto met = analyse(met_run.series);
  EXPECT_GT(met_run.acceptance, 0.2);
  EXPECT_LT(pull(hmc.abs_m, met.abs_m), 4.0) << hmc.abs_m.value << " vs " << met.abs_m.value;
  EXPECT_LT(pull(hmc.chi, met.chi), 4.0) << hmc.chi.value << " vs " << met.chi.value;
  EXPECT_LT(pull(hmc.chi_2pt, met.chi_2pt), 4.0);
  // The errors are small enough for the comparison to mean something.
  EXPECT_LT(hmc.abs_m.error, 0.02 * hmc.abs_m.value);
  EXPECT_GT(hmc.tau_abs_m.tau, 0.4);
  // Observables are consistent with each other: chi_2pt = sum_t G~(t) (+ V <m>^2).
  double sum = 0;
  for (const auto& g : hmc.correlator) sum += g.value;
  EXPECT_NEAR(sum + 36 * hmc.m.value * hmc.m.value, hmc.chi_2pt.value, 1e-6 * hmc.chi_2pt.value)
      << "sum_t G~_c(t) + V <m>^2 must equal V <m^2>";
}

TEST(Phi4FreeTheory, MonteCarloReproducesTheExactPropagator) {
  // Standard form, lambda = 0: <|phi~(k)|^2> = V / (m^2 + 4 sum_mu sin^2(k_mu / 2)).
  const int L = 6, V = L * L;
  const double m2 = 0.5;
  const Couplings c = standard_couplings(m2, 0.0);
  ChainSettings s;
  s.L = L;
  s.n_chains = 32;
  s.n_thermalise = 100;
  s.n_measure = 400;
  s.hmc = {0.3, 5, 0.2};
  const auto r = analyse(run_chains(cpu_backend(), LocalSampler::hmc, c, s).series);
  double chi2 = 0;
  for (int n2 = 0; n2 < L; ++n2)
    for (int n1 = 0; n1 < L; ++n1) {
      const double k1 = 2 * std::numbers::pi * n1 / L, k2 = 2 * std::numbers::pi * n2 / L;
      const double exact = V / (m2 + 4 * (std::pow(std::sin(k1 / 2), 2) + std::pow(std::sin(k2 / 2), 2)));
      const auto& e = r.power[n1 + L * n2];
      EXPECT_LT(std::abs(e.value - exact), 4.5 * e.error) << "k = (" << n1 << ", " << n2 << ")";
      chi2 += std::pow((e.value - exact) / e.error, 2);
    }
  // The pulls are O(1) on average (errors neither wildly over- nor under-estimated).
  EXPECT_LT(chi2 / V, 2.0);
  EXPECT_GT(chi2 / V, 0.3);
}

TEST(Phi4DecoupledSites, HmcAndMetropolisMatchOneSiteQuadrature) {
  // c_is = 0: independent sites with weight exp(-c2 phi^2 - c4 phi^4); <phi^2> by quadrature,
  // so chi_2pt = V <m^2> = <phi^2> exactly.
  const Couplings c{0.0, -0.5, 0.4};  // double well
  double z = 0, z2 = 0;
  for (double x = -8; x <= 8; x += 1e-4) {
    const double w = std::exp(-c.c_2 * x * x - c.c_4 * x * x * x * x);
    z += w;
    z2 += x * x * w;
  }
  const double exact = z2 / z;
  ChainSettings s;
  s.L = 4;
  s.n_chains = 32;
  s.n_thermalise = 100;
  s.n_measure = 400;
  s.hmc = {0.3, 6, 0.2};
  for (LocalSampler kind : {LocalSampler::hmc, LocalSampler::metropolis}) {
    s.metropolis_delta = 2.0;
    const auto r = analyse(run_chains(cpu_backend(), kind, c, s).series);
    EXPECT_LT(std::abs(r.chi_2pt.value - exact), 4 * r.chi_2pt.error)
        << (kind == LocalSampler::hmc ? "hmc " : "metropolis ") << r.chi_2pt.value << " +- " << r.chi_2pt.error
        << " vs " << exact;
  }
}

TEST(Phi4Observables, AnalyseRejectsTooFewMeasurements) {
  MeasurementSeries s(4);
  std::vector<double> phi(16, 0.1);
  s.add(phi.data(), 1);
  EXPECT_THROW(analyse(s), InputError);
}

}  // namespace
}  // namespace fl::phi4
