// The flow-kernel parity harness on the CPU (the CUDA comparison is gpu_flow_kernels_test):
// two runs agree exactly and the inputs reach the interesting branches.
#include <gtest/gtest.h>

#include "tests/flows/flow_kernels_parity.hpp"

namespace fl::flows::test {
namespace {

template <class T>
class FlowKernelsParity : public ::testing::Test {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FlowKernelsParity, Precisions);

TYPED_TEST(FlowKernelsParity, CpuRunsAreReproducible) {
  const index_t B = 20;
  const auto a = flow_kernel_outputs<TypeParam>(cpu_backend(), 6, B);
  gpu_test::expect_outputs_agree(a, flow_kernel_outputs<TypeParam>(cpu_backend(), 6, B), 0.0);
  const double outside = a.at("spline outside count")[0];
  EXPECT_GT(outside, 0.05 * 18 * B);  // inputs uniform in [-3, 3], a = 2.5: 1/6 outside
  EXPECT_LT(outside, 0.35 * 18 * B);
}

}  // namespace
}  // namespace fl::flows::test
