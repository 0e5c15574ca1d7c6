// The CUDA Ising engine: bit-identical initial states with the CPU engine, and Monte Carlo
// results against the exact finite-lattice values (same criteria as the CPU tests).
#include <gtest/gtest.h>

#include "core/backend.hpp"
#include "tests/core/gpu_parity_util.hpp"
#include "models/lattice/ising/exact.hpp"
#include "mc_helpers.hpp"

using namespace ising_test;

namespace {
fl::Backend* gpu() { return fl::gpu_test::shared_gpu(); }
}  // namespace


TEST(IsingGpu, Initial_states_match_cpu_bit_for_bit) {
  FL_REQUIRE_GPU();
  const IsingLattice lat{2, 16, Boundary::periodic};
  auto cpu_engine = make_ising_engine(fl::cpu_backend());
  auto gpu_engine = make_ising_engine(*gpu());
  fl::Buffer<std::int8_t> a(fl::cpu_backend(), 7 * 256), b(*gpu(), 7 * 256);
  cpu_engine->randomize(lat, a.view(), 9);
  gpu_engine->randomize(lat, b.view(), 9);
  EXPECT_EQ(a.to_host(), b.to_host());
  fl::Buffer<std::uint64_t> wa(fl::cpu_backend(), 3 * 256), wb(*gpu(), 3 * 256);
  cpu_engine->multispin_randomize(lat, wa.view(), 9);
  gpu_engine->multispin_randomize(lat, wb.view(), 9);
  EXPECT_EQ(wa.to_host(), wb.to_host());
  // Multi-spin updates use integer thresholds and integer random planes: identical too,
  // unless exp() differs in the last bit exactly at a threshold boundary (never seen).
  auto beta_c = fl::Buffer<double>::from_host(fl::cpu_backend(), std::vector<double>(3, 0.44));
  auto beta_g = fl::Buffer<double>::from_host(*gpu(), std::vector<double>(3, 0.44));
  cpu_engine->multispin_metropolis(lat, wa.view(), beta_c.view(), 9, 0, 10);
  gpu_engine->multispin_metropolis(lat, wb.view(), beta_g.view(), 9, 0, 10);
  EXPECT_EQ(wa.to_host(), wb.to_host());
}

TEST(IsingGpu, L8_energy_and_specific_heat_vs_Kaufman_all_algorithms) {
  FL_REQUIRE_GPU();
  const IsingLattice lat{2, 8, Boundary::periodic};
  for (Algo algo : {Algo::metropolis, Algo::wolff, Algo::multispin})
    for (double T : {1.8, ising2d_tc(), 3.0}) {
      const auto est = run_chains(*gpu(), lat, T, algo, algo == Algo::multispin ? 256 : 128, 300, 1500, 41);
      const auto ex = ising2d_exact(8, T);
      expect_within(est.e, est.e_err, ex.e, 4, "e", T);
      expect_within(est.cv, est.cv_err, ex.cv, 4, "cv", T);
    }
}

TEST(IsingGpu, L4_magnetisation_vs_enumeration) {
  FL_REQUIRE_GPU();
  const IsingLattice lat{2, 4, Boundary::periodic};
  for (Algo algo : {Algo::metropolis, Algo::wolff, Algo::multispin})
    for (double T : {1.8, ising2d_tc(), 3.0}) {
      const auto est = run_chains(*gpu(), lat, T, algo, 128, 200, 1000, 43);
      const auto ex = ising_enumerate(lat, T);
      expect_within(est.abs_m, est.abs_m_err, ex.abs_m, 4, "|m|", T);
      expect_within(est.chi, est.chi_err, ex.chi, 4, "chi", T);
    }
}
