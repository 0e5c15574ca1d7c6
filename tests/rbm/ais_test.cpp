// AIS against exact partition functions (random machines, fixed seeds).
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "models/rbm/ais.hpp"
#include "models/rbm/rbm_exact.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

namespace {
AisResult run_ais(const RbmParams& p, int n_betas, int runs, unsigned seed) {
  const Rbm rbm = Rbm::from_params(fl::cpu_backend(), p);
  // Base rate from the model's own biases is not needed: any base works; use the visible
  // marginals of a fixed pseudo-data set as the training code would.
  std::vector<std::uint8_t> data;
  for (int k = 0; k < 50; ++k)
    for (int j = 0; j < p.n_v; ++j) data.push_back(static_cast<std::uint8_t>((k * 7 + j * 3) % 5 < 2));
  return ais_log_partition(rbm, base_rate_biases(data, p.n_v), ais_default_schedule(n_betas), runs, seed);
}
}  // namespace

TEST(RbmAis, Schedule_shape) {
  const auto b = ais_default_schedule();
  ASSERT_EQ(b.size(), 14500u);
  EXPECT_EQ(b.front(), 0.0);
  EXPECT_EQ(b.back(), 1.0);
  EXPECT_NEAR(b[500], 0.5, 1e-15);
  EXPECT_NEAR(b[4500], 0.9, 1e-15);
  for (std::size_t k = 1; k < b.size(); ++k) EXPECT_GT(b[k], b[k - 1]);
}

TEST(RbmAis, Agrees_with_exact_log_z_16x16_and_24x8) {
  for (auto [nv, nh, seed] : {std::tuple{16, 16, 1u}, std::tuple{24, 8, 2u}}) {
    const auto p = rbm_test::random_rbm(nv, nh, 0.5, 0.3, seed);
    const double exact = log_partition_exact(p);
    const auto r = run_ais(p, 14500, 100, seed);
    EXPECT_GT(r.log_z_err, 0);
    EXPECT_LT(std::abs(r.log_z - exact), 3 * r.log_z_err)
        << nv << "x" << nh << ": AIS " << r.log_z << " +- " << r.log_z_err << ", exact " << exact;
    EXPECT_LE(r.log_z_low, exact);
    EXPECT_GE(r.log_z_high, exact);
  }
}

TEST(RbmAis, Error_shrinks_with_more_betas) {
  const auto p = rbm_test::random_rbm(16, 16, 0.5, 0.3, 1);
  const double exact = log_partition_exact(p);
  const auto coarse = run_ais(p, 100, 100, 5);
  const auto fine = run_ais(p, 5000, 100, 5);
  EXPECT_LT(fine.log_z_err, 0.5 * coarse.log_z_err);
  EXPECT_LT(std::abs(fine.log_z - exact), std::abs(coarse.log_z - exact) + 3 * fine.log_z_err);
}
