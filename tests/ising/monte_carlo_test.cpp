// Monte Carlo chains against exact finite-lattice results (4 sigma, fixed seeds).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "models/lattice/ising/exact.hpp"
#include "models/lattice/ising/ising_engine.hpp"
#include "models/lattice/ising/observables.hpp"

using namespace fl::ising;
using fl::Device;
using fl::VectorView;

namespace {

enum class Algo { metropolis, wolff, multispin };

// Runs `chains` chains (single-spin) or chains/64 word groups (multi-spin) at T and returns
// the thermodynamic estimate with errors.
ThermoEstimate run_chains(const IsingLattice& lat, double T, Algo algo, int chains, int n_therm, int n_meas,
                          std::uint32_t seed) {
  auto engine = make_ising_engine(fl::cpu_backend());
  const int n = lat.n_sites();
  std::vector<ChainSeries> series(chains);
  std::vector<double> bonds(chains), mags(chains);
  VectorView<double> bv(bonds.data(), chains, Device::cpu), mv(mags.data(), chains, Device::cpu);
  if (algo == Algo::multispin) {
    const int groups = chains / 64;
    std::vector<std::uint64_t> words(static_cast<std::size_t>(groups) * n);
    std::vector<double> beta(groups, 1.0 / T);
    VectorView<std::uint64_t> wv(words.data(), static_cast<fl::index_t>(words.size()), Device::cpu);
    VectorView<const double> betav(beta.data(), groups, Device::cpu);
    engine->multispin_randomize(lat, wv, seed);
    engine->multispin_metropolis(lat, wv, betav, seed, 0, n_therm);
    for (int t = 0; t < n_meas; ++t) {
      engine->multispin_metropolis(lat, wv, betav, seed, n_therm + t, 1);
      engine->multispin_measure(lat, wv, bv, mv);
      for (int c = 0; c < chains; ++c) series[c].bond_sum.push_back(bonds[c]), series[c].magnetisation.push_back(mags[c]);
    }
  } else {
    std::vector<std::int8_t> spins(static_cast<std::size_t>(chains) * n);
    std::vector<double> beta(chains, 1.0 / T);
    VectorView<std::int8_t> sv(spins.data(), static_cast<fl::index_t>(spins.size()), Device::cpu);
    VectorView<const double> betav(beta.data(), chains, Device::cpu);
    engine->randomize(lat, sv, seed);
    auto step = [&](std::uint64_t k, int count) {
      if (algo == Algo::metropolis) engine->metropolis(lat, sv, betav, seed, k, count);
      else engine->wolff(lat, sv, betav, seed, 4 * k, 4 * count);  // 4 clusters per step
    };
    step(0, n_therm);
    for (int t = 0; t < n_meas; ++t) {
      step(n_therm + t, 1);
      engine->measure(lat, sv, bv, mv);
      for (int c = 0; c < chains; ++c) series[c].bond_sum.push_back(bonds[c]), series[c].magnetisation.push_back(mags[c]);
    }
  }
  // Every chain is one block: chains are independent, so the jackknife over them is exact.
  return estimate_thermo(series, n, T, 1.0, n_meas);
}

void expect_within(double mc, double err, double exact, double nsigma, const char* what, double T) {
  EXPECT_GT(err, 0) << what << " T=" << T;
  EXPECT_LT(std::abs(mc - exact), nsigma * err) << what << " T=" << T << ": MC " << mc << " +- " << err
                                                << ", exact " << exact;
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
