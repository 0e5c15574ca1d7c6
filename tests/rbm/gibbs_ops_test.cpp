// The fused sigmoid-Bernoulli op against the generic backend ops.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/backend.hpp"
#include "models/rbm/gibbs_ops.hpp"

TEST(RbmGibbsOps, Fused_op_equals_map_plus_fill_bernoulli) {
  auto& be = fl::cpu_backend();
  const fl::index_t n = 10007;  // not a multiple of the chunk or block size
  std::vector<double> z(n), p(n), x(n), p2(n), x2(n);
  for (fl::index_t i = 0; i < n; ++i) z[i] = 6 * std::sin(0.37 * i) + (i % 7 == 0 ? 40 : 0);
  fl::rbm::sigmoid_bernoulli(be, {z.data(), n, fl::Device::cpu}, {p.data(), n, fl::Device::cpu},
                             {x.data(), n, fl::Device::cpu}, {3, 4}, 11);
  be.map(fl::UnaryOp::sigmoid, fl::VectorView<const double>(z.data(), n, fl::Device::cpu),
         fl::VectorView<double>(p2.data(), n, fl::Device::cpu));
  be.fill_bernoulli(fl::VectorView<double>(x2.data(), n, fl::Device::cpu),
                    fl::VectorView<const double>(p2.data(), n, fl::Device::cpu), {3, 4}, 11);
  for (fl::index_t i = 0; i < n; ++i) {
    EXPECT_NEAR(p[i], p2[i], 1e-15) << i;
    EXPECT_EQ(x[i], x2[i]) << i;
  }
}
