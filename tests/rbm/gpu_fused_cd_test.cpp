// The fused CD path on the CUDA backend (cuda/rbm_kernels.cu + cuBLAS float GEMMs) against the
// fused CPU path and the generic double path (label gpu; skipped without a device). Same random
// stream on both devices, so the samples agree except where a uniform falls between the two
// devices' float sigmoids.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "tests/core/gpu_parity_util.hpp"
#include "core/philox.hpp"
#include "models/rbm/fused_cd.hpp"
#include "models/rbm/trainer.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

namespace {
fl::Backend* gpu() { return fl::gpu_test::shared_gpu(); }

std::vector<std::uint8_t> random_bits(std::int64_t rows, int n_v, unsigned seed) {
  std::vector<std::uint8_t> v(static_cast<std::size_t>(rows) * n_v);
  fl::PhiloxStream rng({seed, 9}, 0);
  for (auto& x : v) x = rng.uniform() < 0.4 ? 1 : 0;
  return v;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}
}  // namespace


TEST(RbmFusedCdGpu, Kernels_draw_the_cpu_stream) {
  FL_REQUIRE_GPU();
  const int n = 37, B = 29;
  std::vector<float> Z(n * B), bias(n);
  for (int i = 0; i < n * B; ++i) Z[i] = static_cast<float>(5 * std::sin(0.31 * i));
  for (int r = 0; r < n; ++r) bias[r] = static_cast<float>(0.1 * r - 2);
  auto dz = fl::Buffer<float>::from_host(*gpu(), Z), db = fl::Buffer<float>::from_host(*gpu(), bias);
  fl::Buffer<float> dp(*gpu(), n * B), ds(*gpu(), n * B);
  make_cd_kernels(*gpu())->sample(dz.data(), db.data(), n, B, {5, 1}, 17, dp.data(), ds.data(), 1.0f);
  std::vector<float> P(n * B), S(n * B);
  make_cd_kernels(fl::cpu_backend())->sample(Z.data(), bias.data(), n, B, {5, 1}, 17, P.data(), S.data(), 1.0f);
  const auto gp = dp.to_host(), gs = ds.to_host();
  int flips = 0;
  for (int i = 0; i < n * B; ++i) {
    EXPECT_NEAR(gp[i], P[i], 1e-6);
    flips += gs[i] != S[i];
  }
  EXPECT_LE(flips, 1);
}

TEST(RbmFusedCdGpu, Gradient_and_epochs_match_the_cpu_paths) {
  FL_REQUIRE_GPU();
  const int n_v = 20, n_h = 12, B = 100;
  const auto data = random_bits(2000, n_v, 1);
  const auto init = rbm_test::random_rbm(n_v, n_h, 0.5, 0.3, 2);
  for (bool persistent : {false, true}) {
    TrainOptions opt;
    opt.batch_size = B, opt.persistent = persistent, opt.momentum = 0.5, opt.seed = 3;
    Rbm g = Rbm::from_params(*gpu(), init), c = Rbm::from_params(fl::cpu_backend(), init);
    RbmTrainer tg(g, data, opt), tc(c, data, opt);
    const std::vector<std::uint8_t> batch(data.begin(), data.begin() + B * n_v);
    const RbmParams gg = tg.gradient(batch, 2), gc = tc.gradient(batch, 2);
    EXPECT_LT(max_abs_diff(gg.W, gc.W), 2e-5 + 4.0 / B);  // float rounding; a flipped draw moves an entry by <= 2/B
    for (int e = 0; e < 2; ++e) tg.epoch(0.05, 1), tc.epoch(0.05, 1);
    const auto pg = g.to_params(), pc = c.to_params();
    const double moved = max_abs_diff(pc.W, init.W);
    EXPECT_GT(moved, 0.02);
    EXPECT_LT(max_abs_diff(pg.W, pc.W), 0.02 * moved) << "persistent " << persistent;
    EXPECT_LT(max_abs_diff(pg.b, pc.b), 0.02 * moved);
  }
}
