// The fused float CD path (models/rbm/fused_cd.hpp) against the generic double path through
// Backend ops (its reference): same random stream, so the same samples except where a uniform
// falls between the float and the double probability (expected ~1e-6 per draw), and gradients
// and parameters that agree to float precision.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/backend.hpp"
#include "core/philox.hpp"
#include "models/rbm/fused_cd.hpp"
#include "models/rbm/trainer.hpp"
#include "rbm_test_util.hpp"

using namespace fl::rbm;

namespace {

std::vector<std::uint8_t> random_bits(std::int64_t rows, int n_v, double p_one, unsigned seed) {
  std::vector<std::uint8_t> v(static_cast<std::size_t>(rows) * n_v);
  fl::PhiloxStream rng({seed, 9}, 0);
  for (auto& x : v) x = rng.uniform() < p_one ? 1 : 0;
  return v;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

int mismatches(const std::vector<double>& a, const std::vector<double>& b) {
  int m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m += a[i] != b[i];
  return m;
}

}  // namespace

TEST(RbmFusedCd, Draws_follow_uniform_at_and_probabilities_are_float_sigmoids) {
  auto kernels = make_cd_kernels(fl::cpu_backend());
  const int n = 37, B = 29;  // odd total: exercises the vector loop and the scalar tail
  std::vector<float> Z(n * B), bias(n), P(n * B), S(n * B);
  for (int i = 0; i < n * B; ++i) Z[i] = static_cast<float>(5 * std::sin(0.31 * i) + (i % 11 == 0 ? 30 : 0));
  for (int r = 0; r < n; ++r) bias[r] = static_cast<float>(0.1 * r - 2);
  for (std::uint64_t step : {0ull, 17ull, 0x1234567890ull}) {
    kernels->sample(Z.data(), bias.data(), n, B, {5, 1}, step, P.data(), S.data(), 1.0f);
    int ones = 0;
    for (int i = 0; i < n * B; ++i) {
      const double z = static_cast<double>(Z[i]) + bias[i % n];
      // float: the rounding of z + bias (|z| 2^-24 in the argument) and of exp (~2 ulp).
      const double exact = 1 / (1 + std::exp(-z));
      EXPECT_NEAR(P[i], exact, exact * (2.5e-7 + 0.6e-7 * std::abs(z))) << i;
      const double u = fl::uniform_at(fl::PhiloxKey{5, 1}, step, static_cast<std::uint64_t>(i), 0.0);
      ASSERT_EQ(S[i], u < static_cast<double>(P[i]) ? 1.0f : 0.0f) << "element " << i << " step " << step;
      ones += S[i] == 1.0f;
    }
    EXPECT_GT(ones, 0);
    EXPECT_LT(ones, n * B);
  }
  // Negated probabilities, no draws.
  std::vector<float> Q(n * B);
  kernels->sample(Z.data(), bias.data(), n, B, {5, 1}, 0, Q.data(), nullptr, -1.0f);
  for (int i = 0; i < n * B; ++i) EXPECT_EQ(Q[i], -P[i]);
}

TEST(RbmFusedCd, Gradient_equals_generic_gradient_with_the_same_random_stream) {
  const int n_v = 20, n_h = 12, B = 100;
  const auto data = random_bits(B, n_v, 0.4, 1);
  const auto params = rbm_test::random_rbm(n_v, n_h, 0.7, 0.5, 2);
  for (bool persistent : {false, true})
    for (int k : {1, 3}) {
      Rbm fast = Rbm::from_params(fl::cpu_backend(), params), slow = Rbm::from_params(fl::cpu_backend(), params);
      TrainOptions opt;
      opt.batch_size = B, opt.persistent = persistent, opt.seed = 11;
      TrainOptions ref = opt;
      ref.fused = false;
      RbmTrainer tf(fast, data, opt), tg(slow, data, ref);
      // Two calls: the second uses the persistent chains in PCD.
      for (int call = 0; call < 2; ++call) {
        const RbmParams gf = tf.gradient(data, k), gg = tg.gradient(data, k);
        const int flips = mismatches(tf.negative_samples(), tg.negative_samples());
        // A flipped sample moves a gradient entry by at most 2/B; none is expected here.
        EXPECT_LE(flips, 2) << "persistent " << persistent << " k " << k;
        const double tol = 2e-6 + flips * 2.0 / B;
        EXPECT_LT(max_abs_diff(gf.W, gg.W), tol) << "persistent " << persistent << " k " << k << " call " << call;
        EXPECT_LT(max_abs_diff(gf.b, gg.b), tol);
        EXPECT_LT(max_abs_diff(gf.c, gg.c), tol);
        EXPECT_GT(max_abs_diff(gg.W, std::vector<double>(gg.W.size(), 0.0)), 0.05);  // not a trivial gradient
      }
    }
}

TEST(RbmFusedCd, Epochs_track_the_generic_path_with_momentum_and_weight_decay) {
  const int n_v = 16, n_h = 10;
  const auto data = random_bits(2000, n_v, 0.3, 3);
  const auto init = rbm_test::random_rbm(n_v, n_h, 0.1, 0.0, 4);
  for (bool persistent : {false, true}) {
    Rbm fast = Rbm::from_params(fl::cpu_backend(), init), slow = Rbm::from_params(fl::cpu_backend(), init);
    TrainOptions opt;
    opt.batch_size = 50, opt.persistent = persistent, opt.momentum = 0.5, opt.weight_decay = 1e-3, opt.seed = 5;
    TrainOptions ref = opt;
    ref.fused = false;
    RbmTrainer tf(fast, data, opt), tg(slow, data, ref);
    double rf = 0, rg = 0;
    for (int e = 0; e < 3; ++e) rf = tf.epoch(0.05, 2), rg = tg.epoch(0.05, 2);
    const RbmParams pf = fast.to_params(), pg = slow.to_params();
    const double moved = max_abs_diff(pg.W, init.W);
    // 120 updates: float rounding (~1e-7 per update) plus any rare flipped draw (lr / B =
    // 1e-3 each, damped by the next updates) stay far below how far the weights moved.
    EXPECT_GT(moved, 0.05);
    EXPECT_LT(max_abs_diff(pf.W, pg.W), 0.01 * moved) << "persistent " << persistent;
    EXPECT_LT(max_abs_diff(pf.b, pg.b), 0.01 * moved);
    EXPECT_LT(max_abs_diff(pf.c, pg.c), 0.01 * moved);
    EXPECT_NEAR(rf, rg, 0.01 * rg);
    EXPECT_EQ(tf.updates(), tg.updates());
  }
}
