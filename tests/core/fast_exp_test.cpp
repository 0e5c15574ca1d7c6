#include "core/fast_exp.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace {

TEST(BranchlessExpf, RelativeErrorBelow3e7OverTheWholeRangeAndClampsOutside) {
  double worst = 0.0;
  for (int i = 0; i <= 200000; ++i) {
    const float x = -87.0f + 175.0f * static_cast<float>(i) / 200000.0f;
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(fl::branchless_expf(x) - exact) / exact);
  }
  EXPECT_LT(worst, 3e-7);
  EXPECT_EQ(fl::branchless_expf(0.0f), 1.0f);
  EXPECT_EQ(fl::branchless_expf(-1000.0f), fl::branchless_expf(-87.0f));
  EXPECT_EQ(fl::branchless_expf(1000.0f), fl::branchless_expf(88.0f));
  EXPECT_TRUE(std::isfinite(fl::branchless_expf(88.0f)));
}

TEST(BranchlessExp, DoubleIsAccurateToAnUlpOrTwo) {
  double worst = 0;
  for (double x = -707; x < 709; x += 0.00731) {
    const double a = fl::branchless_exp(x), b = std::exp(x);
    worst = std::max(worst, std::abs(a - b) / b);
  }
  EXPECT_LT(worst, 5e-16);
  EXPECT_EQ(fl::branchless_exp(0.0), 1.0);
}

}  // namespace
