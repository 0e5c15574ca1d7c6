#pragma once
// Runs batches of Ising chains on any backend and returns thermodynamic estimates, for the
// CPU and GPU validation tests alike.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/buffer.hpp"
#include "models/lattice/ising/ising_engine.hpp"
#include "models/lattice/ising/observables.hpp"

namespace ising_test {

using namespace fl::ising;

enum class Algo { metropolis, wolff, multispin };

// `chains` single-spin chains, or chains / 64 word groups for multi-spin, all at T.
inline ThermoEstimate run_chains(fl::Backend& backend, const IsingLattice& lat, double T, Algo algo, int chains,
                                 int n_therm, int n_meas, std::uint32_t seed) {
  auto engine = make_ising_engine(backend);
  const int n = lat.n_sites();
  const int units = algo == Algo::multispin ? chains / 64 : chains;
  std::vector<ChainSeries> series(chains);
  fl::Buffer<double> bonds(backend, chains), mags(backend, chains);
  auto beta = fl::Buffer<double>::from_host(backend, std::vector<double>(units, 1.0 / T));
  auto record = [&] {
    const auto b = bonds.to_host(), m = mags.to_host();
    for (int c = 0; c < chains; ++c) series[c].bond_sum.push_back(b[c]), series[c].magnetisation.push_back(m[c]);
  };
  if (algo == Algo::multispin) {
    fl::Buffer<std::uint64_t> words(backend, static_cast<fl::index_t>(units) * n);
    engine->multispin_randomize(lat, words.view(), seed);
    engine->multispin_metropolis(lat, words.view(), beta.view(), seed, 0, n_therm);
    for (int t = 0; t < n_meas; ++t) {
      engine->multispin_metropolis(lat, words.view(), beta.view(), seed, n_therm + t, 1);
      engine->multispin_measure(lat, words.view(), bonds.view(), mags.view());
      record();
    }
  } else {
    fl::Buffer<std::int8_t> spins(backend, static_cast<fl::index_t>(chains) * n);
    engine->randomize(lat, spins.view(), seed);
    auto step = [&](std::uint64_t k, int count) {
      if (algo == Algo::metropolis) engine->metropolis(lat, spins.view(), beta.view(), seed, k, count);
      else engine->wolff(lat, spins.view(), beta.view(), seed, 4 * k, 4 * count);  // 4 clusters per step
    };
    step(0, n_therm);
    for (int t = 0; t < n_meas; ++t) {
      step(n_therm + t, 1);
      engine->measure(lat, spins.view(), bonds.view(), mags.view());
      record();
    }
  }
  // Every chain is one block: chains are independent, so the jackknife over them is exact.
  return estimate_thermo(series, n, T, 1.0, n_meas);
}

inline void expect_within(double mc, double err, double exact, double nsigma, const char* what, double T) {
  EXPECT_GT(err, 0) << what << " T=" << T;
  EXPECT_LT(std::abs(mc - exact), nsigma * err)
      << what << " T=" << T << ": MC " << mc << " +- " << err << ", exact " << exact;
}

}  // namespace ising_test
