// Exact partition functions and the closed-form n-point couplings, by brute force.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>

#include "core/error.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/rbm/couplings.hpp"
#include "models/rbm/rbm_exact.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

namespace {
double brute_log_z(const RbmParams& p) {
  // Sum over both layers.
  double z = 0;
  for (int v = 0; v < (1 << p.n_v); ++v)
    for (int h = 0; h < (1 << p.n_h); ++h) {
      double e = 0;
      for (int j = 0; j < p.n_v; ++j) e += p.b[j] * ((v >> j) & 1);
      for (int i = 0; i < p.n_h; ++i) {
        if (!((h >> i) & 1)) continue;
        e += p.c[i];
        for (int j = 0; j < p.n_v; ++j) e += p.w(i, j) * ((v >> j) & 1);
      }
      z += std::exp(e);
    }
  return std::log(z);
}
RbmParams transpose(const RbmParams& p) {
  auto t = RbmParams::zeros(p.n_h, p.n_v);
  for (int i = 0; i < p.n_h; ++i)
    for (int j = 0; j < p.n_v; ++j) t.w(j, i) = p.w(i, j);
  t.b = p.c, t.c = p.b;
  return t;
}
}  // namespace

TEST(RbmExact, Log_partition_matches_double_sum_over_both_layers) {
  for (auto [nv, nh] : {std::pair{6, 5}, std::pair{5, 7}, std::pair{1, 3}}) {
    const auto p = rbm_test::random_rbm(nv, nh, 1.0, 0.5, 3 + nv);
    EXPECT_NEAR(log_partition_exact(p), brute_log_z(p), 1e-11);
  }
  // Summing over v or over h gives the same answer (a machine and its transpose).
  const auto p = rbm_test::random_rbm(14, 18, 0.7, 0.3, 9);
  EXPECT_NEAR(log_partition_exact(p), log_partition_exact(transpose(p)), 1e-9);
  EXPECT_THROW(log_partition_exact(RbmParams::zeros(25, 25)), fl::InputError);
  EXPECT_NEAR(log_partition_exact(RbmParams::zeros(25, 3)), 28 * std::log(2.0), 1e-10);
}

TEST(RbmCouplings, Expansion_reproduces_minus_free_energy_for_every_state) {
  const auto p = rbm_test::random_rbm(8, 5, 1.5, 1.0, 21);
  // All J_S from the closed form, then sum_{S subset v} J_S must equal -F(v) + F(0).
  std::vector<double> J(1 << p.n_v, 0.0);
  for (int S = 1; S < (1 << p.n_v); ++S) {
    std::vector<int> idx;
    for (int j = 0; j < p.n_v; ++j)
      if ((S >> j) & 1) idx.push_back(j);
    J[S] = coupling(p, idx);
  }
  std::vector<double> zero(p.n_v, 0.0);
  const double f0 = free_energy(p, zero.data());
  for (int v = 0; v < (1 << p.n_v); ++v) {
    double sum = 0;
    for (int S = v;; S = (S - 1) & v) {  // all subsets of v
      if (S) sum += J[S];
      if (S == 0) break;
    }
    std::vector<double> x(p.n_v);
    for (int j = 0; j < p.n_v; ++j) x[j] = (v >> j) & 1;
    EXPECT_NEAR(sum, -free_energy(p, x.data()) + f0, 1e-10) << "v=" << v;
  }
  // The closed form equals the brute-force Moebius inversion, order by order.
  const auto M = couplings_all_moebius(p);
  for (int S = 1; S < (1 << p.n_v); ++S) EXPECT_NEAR(J[S], M[S], 1e-10) << "S=" << S;
  const auto J2 = couplings_order2(p);
  const auto J1 = couplings_order1(p);
  for (int j = 0; j < p.n_v; ++j) {
    EXPECT_NEAR(J1[j], M[1 << j], 1e-11);
    for (int k = 0; k < p.n_v; ++k)
      if (j != k) {
        EXPECT_NEAR(J2[j * p.n_v + k], M[(1 << j) | (1 << k)], 1e-11);
      }
  }
}

TEST(RbmCouplings, Spin_language_Walsh_transform_matches_superset_sums) {
  const auto p = rbm_test::random_rbm(7, 4, 1.2, 0.8, 5);
  const auto K = spin_couplings_all(p);
  const auto K2 = spin_from_binary_couplings(couplings_all_moebius(p), p.n_v);
  for (std::size_t u = 0; u < K.size(); ++u) EXPECT_NEAR(K[u], K2[u], 1e-11) << u;
  // Direct check of the expansion in spins for every state.
  for (int v = 0; v < (1 << p.n_v); ++v) {
    double sum = 0;
    for (std::size_t u = 0; u < K.size(); ++u) {
      int sign = 1;
      for (int j = 0; j < p.n_v; ++j)
        if (((u >> j) & 1) && !((v >> j) & 1)) sign = -sign;
      sum += sign * K[u];
    }
    std::vector<double> x(p.n_v);
    for (int j = 0; j < p.n_v; ++j) x[j] = (v >> j) & 1;
    EXPECT_NEAR(sum, -free_energy(p, x.data()), 1e-10);
  }
}

TEST(RbmCouplings, Stable_in_the_saturated_regime) {
  // Large biases: naive log(1 + e^x) differences would lose everything or overflow.
  auto p = RbmParams::zeros(2, 1);
  p.c[0] = 800, p.w(0, 0) = 3, p.w(0, 1) = -2;
  EXPECT_NEAR(couplings_order2(p)[1], 0.0, 1e-12);  // linear regime: no interaction
  p.c[0] = -40;
  p.w(0, 0) = p.w(0, 1) = 20;
  const double expected = std::log(2.0) - 2 * std::log1p(std::exp(-20.0)) + std::log1p(std::exp(-40.0));
  EXPECT_NEAR(couplings_order2(p)[1], expected, 1e-14);
}

TEST(RbmCouplings, Bond_rbm_is_the_ising_model_exactly) {
  for (const auto lat : {fl::ising::IsingLattice{1, 6, fl::ising::Boundary::periodic},
                         fl::ising::IsingLattice{1, 6, fl::ising::Boundary::open},
                         fl::ising::IsingLattice{2, 4, fl::ising::Boundary::periodic}}) {
    const double T = 2.0, K = 1 / T;
    const auto p = rbm_test::bond_rbm(lat, K);
    const int n = lat.n_sites();
    const auto J2 = couplings_order2(p);
    std::vector<int> bond_count(n * n, 0);
    for (auto [i, j] : fl::ising::bond_list(lat)) ++bond_count[i * n + j], ++bond_count[j * n + i];
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        if (j != k) {
          EXPECT_NEAR(J2[j * n + k], 4 * K * bond_count[j * n + k], 1e-12);
        }
    const auto deg = fl::ising::site_degree(lat);
    const auto J1 = couplings_order1(p);
    for (int j = 0; j < n; ++j) EXPECT_NEAR(J1[j], -2 * deg[j] * K, 1e-12);
    EXPECT_NEAR(coupling(p, {0, 1, 2}), 0.0, 1e-12);
    // Partition functions.
    const double w = 2 * std::acosh(std::exp(2 * K));
    const double nb = static_cast<double>(fl::ising::bond_list(lat).size());
    const double log_z_ising = fl::ising::ising_enumerate(lat, T).ln_z;
    EXPECT_NEAR(log_partition_exact(p), log_z_ising + nb * (std::log1p(std::exp(-w)) - K), 1e-9);
  }
}
