// Monte Carlo chains against exact finite-lattice results (4 sigma, fixed seeds).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/lattice/ising/exact.hpp"
#include "models/lattice/ising/ising_engine.hpp"
#include "models/lattice/ising/observables.hpp"
#include "mc_helpers.hpp"

using namespace fl::ising;
using fl::Device;
using fl::VectorView;

using namespace ising_test;

namespace {
ThermoEstimate run_chains(const IsingLattice& lat, double T, Algo algo, int chains, int n_therm, int n_meas,
                          std::uint32_t seed) {
  return ising_test::run_chains(fl::cpu_backend(), lat, T, algo, chains, n_therm, n_meas, seed);
}
}  // namespace

TEST(IsingMonteCarlo, Metropolis_L8_energy_and_specific_heat_vs_Kaufman) {
  const IsingLattice lat{2, 8, Boundary::periodic};
  for (double T : {1.8, ising2d_tc(), 3.0}) {
    const auto est = run_chains(lat, T, Algo::metropolis, 64, 300, 1500, 11);
    const auto ex = ising2d_exact(8, T);
    expect_within(est.e, est.e_err, ex.e, 4, "e", T);
    expect_within(est.cv, est.cv_err, ex.cv, 4, "cv", T);
    EXPECT_LT(est.e_err, 0.01);  // the check has teeth
  }
}

TEST(IsingMonteCarlo, Wolff_L8_energy_and_specific_heat_vs_Kaufman) {
  const IsingLattice lat{2, 8, Boundary::periodic};
  for (double T : {1.8, ising2d_tc(), 3.0}) {
    const auto est = run_chains(lat, T, Algo::wolff, 64, 100, 800, 12);
    const auto ex = ising2d_exact(8, T);
    expect_within(est.e, est.e_err, ex.e, 4, "e", T);
    expect_within(est.cv, est.cv_err, ex.cv, 4, "cv", T);
  }
}

TEST(IsingMonteCarlo, Multispin_L8_energy_and_specific_heat_vs_Kaufman) {
  const IsingLattice lat{2, 8, Boundary::periodic};
  for (double T : {1.8, ising2d_tc(), 3.0}) {
    const auto est = run_chains(lat, T, Algo::multispin, 128, 300, 1500, 13);
    const auto ex = ising2d_exact(8, T);
    expect_within(est.e, est.e_err, ex.e, 4, "e", T);
    expect_within(est.cv, est.cv_err, ex.cv, 4, "cv", T);
  }
}

TEST(IsingMonteCarlo, Magnetisation_L4_vs_enumeration_all_algorithms) {
  const IsingLattice lat{2, 4, Boundary::periodic};
  for (Algo algo : {Algo::metropolis, Algo::wolff, Algo::multispin})
    for (double T : {1.8, ising2d_tc(), 3.0}) {
      const auto est = run_chains(lat, T, algo, 128, 200, 1000, 21 + static_cast<int>(algo));
      const auto ex = ising_enumerate(lat, T);
      expect_within(est.abs_m, est.abs_m_err, ex.abs_m, 4, "|m|", T);
      expect_within(est.chi, est.chi_err, ex.chi, 4, "chi", T);
      expect_within(est.e, est.e_err, ex.e, 4, "e", T);
    }
}

TEST(IsingMonteCarlo, Open_chain_and_open_square_vs_enumeration) {
  for (const IsingLattice lat : {IsingLattice{1, 7, Boundary::open}, IsingLattice{1, 10, Boundary::periodic},
                                 IsingLattice{2, 3, Boundary::open}})
    for (Algo algo : {Algo::metropolis, Algo::wolff}) {
      const double T = 1.5;
      const auto est = run_chains(lat, T, algo, 64, 200, 1000, 31);
      const auto ex = ising_enumerate(lat, T);
      expect_within(est.e, est.e_err, ex.e, 4, "e", T);
      expect_within(est.cv, est.cv_err, ex.cv, 4, "cv", T);
      expect_within(est.abs_m, est.abs_m_err, ex.abs_m, 4, "|m|", T);
    }
}

TEST(IsingMonteCarlo, Results_do_not_depend_on_thread_count_and_chains_are_independent_of_batch) {
  // Chain c of a batch evolves exactly as chain c alone would with the same key.
  const IsingLattice lat{2, 6, Boundary::periodic};
  auto engine = make_ising_engine(fl::cpu_backend());
  const int chains = 5, n = lat.n_sites();
  std::vector<std::int8_t> all(chains * n);
  std::vector<double> beta = {0.3, 0.4, 0.44, 0.5, 0.6};
  engine->randomize(lat, {all.data(), chains * n, Device::cpu}, 7);
  std::vector<std::int8_t> first(all.begin(), all.begin() + n);
  engine->metropolis(lat, {all.data(), chains * n, Device::cpu}, {beta.data(), chains, Device::cpu}, 7, 0, 20);
  engine->metropolis(lat, {first.data(), n, Device::cpu}, {beta.data(), 1, Device::cpu}, 7, 0, 20);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), all.begin()));
}

TEST(IsingMonteCarlo, Bad_shapes_throw) {
  auto engine = make_ising_engine(fl::cpu_backend());
  std::vector<std::int8_t> spins(25);
  std::vector<double> beta(1, 0.4);
  EXPECT_THROW(engine->metropolis(IsingLattice{2, 5, Boundary::periodic}, {spins.data(), 25, Device::cpu},
                                  {beta.data(), 1, Device::cpu}, 1, 0, 1),
               std::invalid_argument);  // odd periodic L: no checkerboard
  EXPECT_THROW(engine->metropolis(IsingLattice{2, 4, Boundary::periodic}, {spins.data(), 25, Device::cpu},
                                  {beta.data(), 1, Device::cpu}, 1, 0, 1),
               std::invalid_argument);  // size not a multiple of 16
}
