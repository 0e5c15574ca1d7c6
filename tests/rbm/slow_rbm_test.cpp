// Longer RBM validations (label slow): the paper's 1D case and AIS on the exact bond RBM.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "models/lattice/ising/chain_sampler.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/rbm/ais.hpp"
#include "models/rbm/couplings.hpp"
#include "models/rbm/ising_analysis.hpp"
#include "models/rbm/rbm_exact.hpp"
#include "models/rbm/trainer.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

TEST(RbmSlow, Ais_on_bond_rbm_matches_the_ising_partition_function) {
  // 4 x 4 torus at T_c: 16 visible, 32 hidden (one per bond); exact log Z both from the
  // RBM enumeration and from the Ising relation.
  const fl::ising::IsingLattice lat{2, 4, fl::ising::Boundary::periodic};
  const double T = fl::ising::ising2d_tc(), K = 1 / T;
  const auto p = rbm_test::bond_rbm(lat, K);
  const double w = 2 * std::acosh(std::exp(2 * K));
  const double exact = fl::ising::ising_enumerate(lat, T).ln_z + 32 * (std::log1p(std::exp(-w)) - K);
  ASSERT_NEAR(log_partition_exact(p), exact, 1e-9);
  const Rbm rbm = Rbm::from_params(fl::cpu_backend(), p);
  std::vector<double> base(16, 0.0);
  const auto r = ais_log_partition(rbm, base, ais_default_schedule(), 200, 4);
  EXPECT_LT(std::abs(r.log_z - exact), 3 * r.log_z_err) << r.log_z << " +- " << r.log_z_err << " vs " << exact;
}

TEST(RbmSlow, Paper_1d_case_open_chain_N6_T1_reaches_the_entropy_bound) {
  const int N = 6;
  const double T = 1.0;
  const fl::ising::IsingLattice lat{1, N, fl::ising::Boundary::open};
  const auto s = fl::ising::sample_chain_exact(N, false, T, 1.0, 20000, 12);
  std::vector<std::uint8_t> data(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) data[i] = s[i] > 0;
  Rbm rbm(fl::cpu_backend(), N, N);
  rbm.init_normal(0.01, 5);
  TrainOptions opt;
  opt.momentum = 0.5, opt.persistent = false, opt.seed = 6;  // CD-k as the authors
  RbmTrainer trainer(rbm, data, opt);
  for (auto st : {TrainStage{0.1, 1, 150}, TrainStage{0.01, 5, 150}})
    for (int e = 0; e < st.epochs; ++e) trainer.epoch(st.learning_rate, st.k);
  const auto p = rbm.to_params();
  const double kl = kl_ising_rbm(p, lat, T);
  const auto J2 = couplings_order2(p);
  double nn = 0;
  for (int j = 0; j + 1 < N; ++j) nn += J2[j * N + j + 1] / (N - 1);
  std::printf("open chain N=6 T=1: KL %.5f, mean nn J2 %.4f (4/T = 4)\n", kl, nn);
  // 20,000 samples of 64 states: the empirical law alone is ~63/(2*20000) = 0.0016 nats away.
  EXPECT_LT(kl, 0.005);
  EXPECT_NEAR(nn, 4 / T, 0.1 * 4 / T);
}
