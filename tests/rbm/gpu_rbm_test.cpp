// The RBM code on the CUDA backend (all of it runs through Backend ops): AIS against the
// exact log Z and training steps against the CPU (label gpu; skipped without a device).
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "tests/core/gpu_parity_util.hpp"
#include "models/rbm/ais.hpp"
#include "models/rbm/rbm_exact.hpp"
#include "models/rbm/trainer.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

namespace {
fl::Backend* gpu() { return fl::gpu_test::shared_gpu(); }
}  // namespace


TEST(RbmGpu, Ais_agrees_with_exact_log_z) {
  FL_REQUIRE_GPU();
  const auto p = rbm_test::random_rbm(16, 16, 0.5, 0.3, 1);
  const Rbm rbm = Rbm::from_params(*gpu(), p);
  const auto r = ais_log_partition(rbm, std::vector<double>(16, 0.0), ais_default_schedule(), 100, 7);
  const double exact = log_partition_exact(p);
  EXPECT_LT(std::abs(r.log_z - exact), 3 * r.log_z_err) << r.log_z << " +- " << r.log_z_err << " vs " << exact;
}

TEST(RbmGpu, Gradient_with_large_k_matches_exact_gradient) {
  FL_REQUIRE_GPU();
  const auto p = rbm_test::random_rbm(6, 4, 0.8, 0.3, 4);
  std::vector<std::uint8_t> data;
  for (int k = 0; k < 200; ++k)
    for (int j = 0; j < 6; ++j) data.push_back(static_cast<std::uint8_t>((k * 5 + j * 3) % 7 < 3));
  const auto exact = exact_loglik_gradient(p, data);
  Rbm rbm = Rbm::from_params(*gpu(), p);
  TrainOptions opt;
  opt.batch_size = 200;
  RbmTrainer trainer(rbm, data, opt);
  const int reps = 60;
  std::vector<double> sum(exact.W.size(), 0.0), sum2(exact.W.size(), 0.0);
  for (int r = 0; r < reps; ++r) {
    const auto g = trainer.gradient(data, 50);
    for (std::size_t i = 0; i < g.W.size(); ++i) sum[i] += g.W[i], sum2[i] += g.W[i] * g.W[i];
  }
  for (std::size_t i = 0; i < exact.W.size(); ++i) {
    const double mean = sum[i] / reps, se = std::sqrt((sum2[i] / reps - mean * mean) / (reps - 1));
    EXPECT_LT(std::abs(mean - exact.W[i]), 4 * se + 1e-12) << i;
  }
}
