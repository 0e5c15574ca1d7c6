// Longer Monte Carlo validations (label slow): larger lattices and more temperatures.
#include <gtest/gtest.h>

#include "core/backend.hpp"
#include "models/lattice/ising/exact.hpp"
#include "mc_helpers.hpp"

using namespace ising_test;

TEST(IsingSlow, L16_energy_and_specific_heat_vs_Kaufman_metropolis_and_multispin) {
  const IsingLattice lat{2, 16, Boundary::periodic};
  for (double T : {1.8, 2.0, ising2d_tc(), 2.5, 3.0}) {
    const auto ex = ising2d_exact(16, T);
    const auto m = run_chains(fl::cpu_backend(), lat, T, Algo::multispin, 256, 2000, 4000, 51);
    expect_within(m.e, m.e_err, ex.e, 4, "e multispin", T);
    expect_within(m.cv, m.cv_err, ex.cv, 4, "cv multispin", T);
    const auto w = run_chains(fl::cpu_backend(), lat, T, Algo::wolff, 64, 200, 2000, 52);
    expect_within(w.e, w.e_err, ex.e, 4, "e wolff", T);
    expect_within(w.cv, w.cv_err, ex.cv, 4, "cv wolff", T);
  }
}

TEST(IsingSlow, L4_every_training_temperature_vs_enumeration) {
  const IsingLattice lat{2, 4, Boundary::periodic};
  for (int k = 0; k <= 12; ++k) {
    const double T = 1.8 + 0.1 * k;
    const auto ex = ising_enumerate(lat, T);
    const auto w = run_chains(fl::cpu_backend(), lat, T, Algo::wolff, 128, 200, 2000, 60 + k);
    expect_within(w.abs_m, w.abs_m_err, ex.abs_m, 4, "|m|", T);
    expect_within(w.chi, w.chi_err, ex.chi, 4, "chi", T);
    expect_within(w.cv, w.cv_err, ex.cv, 4, "cv", T);
  }
}
