// The exact 1D sampler and the configuration generator against exact results.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "models/lattice/ising/chain_sampler.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/lattice/ising/generate.hpp"

using namespace fl::ising;

TEST(IsingChainSampler, Correlators_and_energy_match_exact) {
  for (bool periodic : {false, true}) {
    const int N = 6;
    const double T = 1.0;
    const std::int64_t n = 200000;
    const auto s = sample_chain_exact(N, periodic, T, 1.0, n, 5);
    for (int r = 1; r <= 3; ++r) {
      double sum = 0, sum2 = 0;
      for (std::int64_t k = 0; k < n; ++k) {
        const double c = s[k * N + 1] * s[k * N + 1 + r];
        sum += c, sum2 += c * c;
      }
      const double mean = sum / n, err = std::sqrt((sum2 / n - mean * mean) / n);
      EXPECT_NEAR(mean, ising1d_correlator(N, periodic, T, r), 4 * err) << "r=" << r << " periodic=" << periodic;
    }
  }
}

TEST(IsingGenerate, All_algorithms_reproduce_exact_observables_L4) {
  for (Algorithm algo : {Algorithm::metropolis, Algorithm::wolff}) {
    GenerateOptions o;
    o.lattice = IsingLattice{2, 4, Boundary::periodic};
    o.temperatures = {1.8, 3.0};
    o.algorithm = algo;
    o.n_configs = 4000;
    o.chains_per_temperature = 8;
    o.thermalization = 100;
    o.pilot = 400;
    o.wolff_clusters = 2;
    const auto out = generate_ising_samples(fl::cpu_backend(), o);
    ASSERT_EQ(out.size(), 2u);
    for (const auto& t : out) {
      const auto ex = ising_enumerate(o.lattice, t.T);
      ASSERT_EQ(t.configs.size(), 4000u * 16);
      for (auto v : t.configs) ASSERT_LE(v, 1);
      EXPECT_GE(t.spacing, 2 * t.tau_int_abs_m);
      EXPECT_LT(std::abs(t.estimate.e - ex.e), 4 * t.estimate.e_err) << algorithm_name(algo) << " T=" << t.T;
      EXPECT_LT(std::abs(t.estimate.abs_m - ex.abs_m), 4 * t.estimate.abs_m_err) << algorithm_name(algo);
      EXPECT_LT(std::abs(t.estimate.cv - ex.cv), 4 * t.estimate.cv_err) << algorithm_name(algo);
      // The stored {0,1} configurations carry the same <|m|>.
      double am = 0;
      for (std::size_t k = 0; k < 4000; ++k) {
        int m = 0;
        for (int i = 0; i < 16; ++i) m += 2 * t.configs[k * 16 + i] - 1;
        am += std::abs(m) / 16.0;
      }
      EXPECT_LT(std::abs(am / 4000 - ex.abs_m), 6 * t.estimate.abs_m_err);
    }
  }
}

TEST(IsingGenerate, Bad_options_are_input_errors) {
  GenerateOptions o;
  o.lattice = IsingLattice{2, 4, Boundary::periodic};
  o.temperatures = {0.0};
  EXPECT_THROW(validate(o), fl::InputError);
  o.temperatures = {2.0};
  o.lattice.L = 1;
  EXPECT_THROW(validate(o), fl::InputError);
  o.lattice.L = 4;
  o.algorithm = Algorithm::exact;
  EXPECT_THROW(validate(o), fl::InputError);
  EXPECT_THROW(algorithm_from_name("heatbath"), fl::InputError);
}
