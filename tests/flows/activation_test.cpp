// The float fast paths (exp, tanh, the vectorised Box-Muller of the base sample) against libm
// and the Backend reference, and the derivative-from-output identities the network backward
// relies on.
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/flows/activation_math.hpp"
#include "models/flows/flow_kernels.hpp"

namespace fl::flows {
namespace {

TEST(FlowActivation, FastFloatExpAndTanhAreAccurate) {
  double worst_exp = 0, worst_tanh = 0;
  for (double x = -80; x <= 80; x += 7.3e-4) {
    const float xf = static_cast<float>(x);
    const double e = std::exp(static_cast<double>(xf));
    worst_exp = std::max(worst_exp, std::abs(fast_exp(xf) - e) / e);
    if (std::abs(x) < 15) {
      const double t = std::tanh(static_cast<double>(xf));
      worst_tanh = std::max(worst_tanh, std::abs(fast_tanh(xf) - t) / std::max(std::abs(t), 1e-30));
    }
  }
  EXPECT_LT(worst_exp, 5e-7);
  EXPECT_LT(worst_tanh, 5e-7);
  EXPECT_EQ(fast_tanh(0.0f), 0.0f);
  EXPECT_EQ(fast_tanh(-3.0f), -fast_tanh(3.0f));  // odd, as the Z2 flow needs
}

TEST(FlowActivation, DerivativeFromOutputMatchesFiniteDifferences) {
  for (UnaryOp op : {UnaryOp::tanh, UnaryOp::sigmoid, UnaryOp::softplus, UnaryOp::relu, UnaryOp::identity})
    for (double x : {-2.3, -0.4, 0.3, 1.7}) {
      const double h = 1e-6;
      const double fd = (activate(op, x + h) - activate(op, x - h)) / (2 * h);
      EXPECT_NEAR(activation_derivative_from_output(op, activate(op, x)), fd, 1e-8) << static_cast<int>(op) << " " << x;
    }
}

}  // namespace
}  // namespace fl::flows

namespace fl::flows {
namespace {

// The flow's base sample (fill_uniform + the kernels' Box-Muller) reproduces
// Backend::fill_normal: bit for bit in double, to float rounding with the vectorised float path.
template <class T>
double max_abs_difference_from_fill_normal() {
  Backend& be = cpu_backend();
  auto kernels = make_flow_kernels<T>(be, 4);
  Matrix<T> z(be, 8, 1001), ref(be, 8, 1001);  // odd column count: pairs straddle columns
  be.fill_uniform(z.flat(), {9, 3}, 17);
  kernels->box_muller(z.view());
  be.fill_normal(ref.flat(), {9, 3}, 17, T(0), T(1));
  const auto a = z.to_host(), b = ref.to_host();
  double worst = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  return worst;
}

TEST(FlowActivation, FloatBiasTanhKernelIsAccurate) {
  Backend& be = cpu_backend();
  auto kernels = make_flow_kernels<float>(be, 4);
  Matrix<float> x(be, 37, 50);
  be.fill_normal(x.flat(), {3, 3}, 0, 0.0f, 4.0f);
  Buffer<float> bias(be, 37);
  be.fill_normal(bias.view(), {3, 4}, 0, 0.0f, 1.0f);
  const auto x0 = x.to_host(), b = bias.to_host();
  kernels->bias_activation(UnaryOp::tanh, VectorView<const float>(bias.view()), x.view());
  const auto y = x.to_host();
  double worst = 0;
  for (std::size_t k = 0; k < y.size(); ++k)
    worst = std::max(worst, std::abs(y[k] - std::tanh(static_cast<double>(x0[k] + b[k % 37]))));
  EXPECT_LT(worst, 5e-7);
}

TEST(FlowBaseSample, BoxMullerMatchesBackendFillNormal) {
  EXPECT_EQ(max_abs_difference_from_fill_normal<double>(), 0.0);
  EXPECT_LT(max_abs_difference_from_fill_normal<float>(), 2e-6);  // |z| <= 5.6: a few float ulps
}

}  // namespace
}  // namespace fl::flows
