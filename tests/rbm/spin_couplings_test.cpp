// The Monte Carlo estimator of the +-1-language couplings (models/rbm/spin_couplings.hpp)
// against the exact Walsh transform by enumeration (n_v <= 16).
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>

#include "models/rbm/couplings.hpp"
#include "models/rbm/spin_couplings.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

TEST(RbmSpinCouplings, Monte_carlo_estimate_agrees_with_enumeration_within_its_errors) {
  const int n_v = 12, n_h = 8;
  const auto p = rbm_test::random_rbm(n_v, n_h, 0.9, 0.5, 21);
  const auto exact = spin_couplings_all(p);  // index = bitmask of U
  const auto est = spin_couplings_mc(p, 20000, 3);
  double max_z = 0, sum_z2 = 0, max_k2 = 0;
  int terms = 0;
  for (int j = 0; j < n_v; ++j) {
    const double z1 = (est.K1[j] - exact[1u << j]) / est.K1_err[j];
    max_z = std::max(max_z, std::abs(z1)), sum_z2 += z1 * z1, ++terms;
    for (int k = j + 1; k < n_v; ++k) {
      const double K = exact[(1u << j) | (1u << k)];
      const double z = (est.K2[j * n_v + k] - K) / est.K2_err[j * n_v + k];
      EXPECT_EQ(est.K2[j * n_v + k], est.K2[k * n_v + j]);
      max_z = std::max(max_z, std::abs(z)), sum_z2 += z * z, ++terms;
      max_k2 = std::max(max_k2, std::abs(K));
    }
  }
  // 78 correlated estimates: all within 4.5 sigma, and the mean z^2 near 1 (errors neither
  // too small nor grossly too large).
  EXPECT_LT(max_z, 4.5);
  EXPECT_GT(sum_z2 / terms, 0.3);
  EXPECT_LT(sum_z2 / terms, 2.0);
  // The errors are small compared with the couplings themselves.
  double max_err = 0;
  for (double e : est.K2_err) max_err = std::max(max_err, e);
  EXPECT_GT(max_k2, 0.05);
  EXPECT_LT(max_err, 0.1 * max_k2);
}

TEST(RbmSpinCouplings, Errors_shrink_as_one_over_sqrt_n_and_results_do_not_depend_on_threads) {
  const auto p = rbm_test::random_rbm(10, 6, 0.8, 0.3, 5);
  const auto a = spin_couplings_mc(p, 2000, 9), b = spin_couplings_mc(p, 8000, 9);
  double ra = 0, rb = 0;
  for (std::size_t i = 0; i < a.K2_err.size(); ++i) ra += a.K2_err[i], rb += b.K2_err[i];
  EXPECT_NEAR(rb / ra, 0.5, 0.05);
  const int threads = omp_get_max_threads();
  omp_set_num_threads(1);
  const auto one = spin_couplings_mc(p, 2000, 9);
  omp_set_num_threads(threads);
  EXPECT_EQ(one.K2, a.K2);
  EXPECT_EQ(one.K1_err, a.K1_err);
}

TEST(RbmSpinCouplings, Bond_rbm_has_ising_spin_couplings) {
  // The exact bond RBM of the 4 x 4 torus at K = 0.4: K_jk = K on bonds, 0 elsewhere, K_j = 0.
  const fl::ising::IsingLattice lat{2, 4, fl::ising::Boundary::periodic};
  const double K = 0.4;
  const auto p = rbm_test::bond_rbm(lat, K);
  const auto est = spin_couplings_mc(p, 4000, 1);
  const auto nn = fl::ising::bond_list(lat);
  std::vector<int> is_bond(16 * 16, 0);
  for (const auto& [j, k] : nn) is_bond[j * 16 + k] = is_bond[k * 16 + j] = 1;
  for (int j = 0; j < 16; ++j) {
    EXPECT_NEAR(est.K1[j], 0.0, 4 * est.K1_err[j] + 1e-12);
    for (int k = j + 1; k < 16; ++k)
      EXPECT_NEAR(est.K2[j * 16 + k], is_bond[j * 16 + k] ? K : 0.0, 4 * est.K2_err[j * 16 + k] + 1e-12) << j << " " << k;
  }
}
