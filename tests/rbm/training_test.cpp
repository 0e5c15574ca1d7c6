// CD/PCD gradients against the exact gradient; Gibbs sampling of the exact bond RBM; a
// trained RBM recovering the 1D Ising couplings.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "core/error.hpp"
#include "models/lattice/ising/chain_sampler.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/rbm/couplings.hpp"
#include "models/rbm/rbm_exact.hpp"
#include "models/rbm/sampler.hpp"
#include "models/rbm/trainer.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

namespace {
std::vector<std::uint8_t> chain_data(int N, bool periodic, double T, std::int64_t n, unsigned seed) {
  const auto s = fl::ising::sample_chain_exact(N, periodic, T, 1.0, n, seed);
  std::vector<std::uint8_t> v(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) v[i] = s[i] > 0 ? 1 : 0;
  return v;
}
}  // namespace

TEST(RbmTraining, Long_cd_chain_gradient_matches_exact_gradient) {
  const auto p = rbm_test::random_rbm(6, 4, 0.8, 0.3, 4);
  const int B = 200;
  const auto data = chain_data(6, false, 1.0, B, 8);
  const auto exact = exact_loglik_gradient(p, data);
  // CD-k with k large is an unbiased estimate of the exact gradient; average independent
  // repeats and compare every component within 4 standard errors.
  Rbm rbm = Rbm::from_params(fl::cpu_backend(), p);
  TrainOptions opt;
  opt.batch_size = B;
  opt.seed = 3;
  RbmTrainer trainer(rbm, data, opt);
  const int reps = 60;
  std::vector<double> sum(p.W.size() + p.n_v + p.n_h, 0.0), sum2(sum.size(), 0.0);
  for (int r = 0; r < reps; ++r) {
    const auto g = trainer.gradient(data, 50);
    std::vector<double> flat(g.W);
    flat.insert(flat.end(), g.b.begin(), g.b.end());
    flat.insert(flat.end(), g.c.begin(), g.c.end());
    for (std::size_t i = 0; i < flat.size(); ++i) sum[i] += flat[i], sum2[i] += flat[i] * flat[i];
  }
  std::vector<double> ex(exact.W);
  ex.insert(ex.end(), exact.b.begin(), exact.b.end());
  ex.insert(ex.end(), exact.c.begin(), exact.c.end());
  for (std::size_t i = 0; i < ex.size(); ++i) {
    const double mean = sum[i] / reps, se = std::sqrt((sum2[i] / reps - mean * mean) / (reps - 1));
    EXPECT_LT(std::abs(mean - ex[i]), 4 * se + 1e-12) << "component " << i << ": CD " << mean << " exact " << ex[i];
  }
}

TEST(RbmTraining, Gibbs_samples_of_bond_rbm_reproduce_ising_observables) {
  const fl::ising::IsingLattice lat{2, 4, fl::ising::Boundary::periodic};
  const double T = 2.5;
  const Rbm rbm = Rbm::from_params(fl::cpu_backend(), rbm_test::bond_rbm(lat, 1 / T));
  GibbsOptions g;
  g.n_chains = 200, g.thermalization = 200, g.n_samples = 50, g.spacing = 5, g.seed = 2;
  const auto v = gibbs_sample(rbm, g);
  const auto bonds = fl::ising::bond_list(lat);
  // Per-chain means of e and |m|; chains are independent, so their spread gives the error.
  std::vector<double> e_chain(g.n_chains, 0.0), m_chain(g.n_chains, 0.0);
  for (int t = 0; t < g.n_samples; ++t)
    for (int c = 0; c < g.n_chains; ++c) {
      const std::uint8_t* x = &v[(static_cast<std::size_t>(t) * g.n_chains + c) * 16];
      int b = 0, m = 0;
      for (auto [i, j] : bonds) b += (2 * x[i] - 1) * (2 * x[j] - 1);
      for (int i = 0; i < 16; ++i) m += 2 * x[i] - 1;
      e_chain[c] += -b / 16.0 / g.n_samples;
      m_chain[c] += std::abs(m) / 16.0 / g.n_samples;
    }
  auto mean_se = [](const std::vector<double>& x) {
    double s = 0, s2 = 0;
    for (double a : x) s += a, s2 += a * a;
    const double m = s / x.size();
    return std::pair{m, std::sqrt((s2 / x.size() - m * m) / (x.size() - 1))};
  };
  const auto ex = fl::ising::ising_enumerate(lat, T);
  const auto [e, e_se] = mean_se(e_chain);
  const auto [m, m_se] = mean_se(m_chain);
  EXPECT_LT(std::abs(e - ex.e), 4 * e_se) << e << " vs " << ex.e;
  EXPECT_LT(std::abs(m - ex.abs_m), 4 * m_se) << m << " vs " << ex.abs_m;
}

TEST(RbmTraining, Rbm_trained_on_1d_periodic_chain_learns_nearest_neighbour_couplings) {
  // N = 6 periodic chain at T = 2 (every one of the 64 states is well sampled), 12 hidden
  // units (the exact bond construction needs 6), PCD with a two-stage schedule.
  const int N = 6;
  const double T = 2.0;
  const std::int64_t n_data = 20000;
  const auto data = chain_data(N, true, T, n_data, 12);
  Rbm rbm(fl::cpu_backend(), N, 12);
  rbm.init_normal(0.01, 5);
  TrainOptions opt;
  opt.batch_size = 200, opt.momentum = 0.5, opt.seed = 6, opt.persistent = true;
  RbmTrainer trainer(rbm, data, opt);
  for (auto stage : {TrainStage{0.1, 1, 150}, TrainStage{0.01, 5, 150}})
    for (int e = 0; e < stage.epochs; ++e) trainer.epoch(stage.learning_rate, stage.k);
  const auto p = rbm.to_params();
  const auto J2 = couplings_order2(p);
  double nn = 0, nn_dev = 0, other = 0;
  for (int j = 0; j < N; ++j)
    for (int k = j + 1; k < N; ++k) {
      const bool neighbour = k == j + 1 || (j == 0 && k == N - 1);
      if (neighbour) {
        nn += J2[j * N + k] / N;
        nn_dev = std::max(nn_dev, std::abs(J2[j * N + k] - 4 / T));
      } else {
        other = std::max(other, std::abs(J2[j * N + k]));
      }
    }
  // KL(Ising || RBM) by enumeration. With n_data samples of 64 states the empirical law
  // itself sits ~63 / (2 n_data) = 0.0016 nats from the truth.
  const auto lp = log_prob_all_states(p);
  const double lz = fl::ising::ising1d_exact(N, true, T).ln_z;
  double kl = 0;
  for (int v = 0; v < (1 << N); ++v) {
    int b = 0;
    for (int i = 0; i < N; ++i) b += (2 * ((v >> i) & 1) - 1) * (2 * ((v >> ((i + 1) % N)) & 1) - 1);
    const double lq = b / T - lz;
    kl += std::exp(lq) * (lq - lp[v]);
  }
  std::printf("J2 nn mean %.4f (4/T = %.4f), max nn deviation %.4f, max |J2| elsewhere %.4f, KL %.5f\n", nn, 4 / T,
              nn_dev, other, kl);
  EXPECT_NEAR(nn, 4 / T, 0.05 * 4 / T);
  EXPECT_LT(nn_dev, 0.1 * 4 / T);
  EXPECT_LT(other, 0.15 * 4 / T);
  EXPECT_LT(kl, 0.005);
}

TEST(RbmTraining, Bad_input) {
  Rbm rbm(fl::cpu_backend(), 4, 3);
  std::vector<std::uint8_t> bad(7, 0);
  EXPECT_THROW(RbmTrainer(rbm, bad, TrainOptions{}), fl::InputError);
  EXPECT_THROW(validate(TrainOptions{}, {TrainStage{0.1, 0, 10}}), fl::InputError);
  EXPECT_THROW(validate(TrainOptions{}, {}), fl::InputError);
}
