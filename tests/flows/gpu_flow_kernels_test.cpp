// Every CUDA flow kernel against the CPU one, in float and double, on 300 samples of a 6 x 6
// lattice (per-sample kernels then use more than one block). Both sides evaluate the same
// FL_HD formulas; they differ by summation order, FMA contraction, device libm and (float
// tanh, float Box-Muller) Eigen's vectorised functions on the CPU. Skipped without a device.
#include <gtest/gtest.h>

#include "tests/flows/flow_kernels_parity.hpp"

namespace fl::flows::test {
namespace {

template <class T>
class FlowKernelsGpu : public gpu_test::GpuTest {};
using Precisions = ::testing::Types<float, double>;
TYPED_TEST_SUITE(FlowKernelsGpu, Precisions);

TYPED_TEST(FlowKernelsGpu, EveryKernelMatchesCpu) {
  using T = TypeParam;
  const auto ref = flow_kernel_outputs<T>(this->cpu(), 6, 300);
  const auto got = flow_kernel_outputs<T>(this->gpu(), 6, 300);
  gpu_test::expect_outputs_agree(ref, got, gpu_test::kTol<T>);
  EXPECT_EQ(ref.at("spline outside count"), got.at("spline outside count"));
}

}  // namespace
}  // namespace fl::flows::test
