// The float fast paths (exp, tanh) against libm in double, and the derivative-from-output
// identities the network backward relies on.
#include <gtest/gtest.h>

#include <cmath>

#include "models/flows/activation_math.hpp"

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
