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

// A host pointer in a kernel would be a sticky illegal-address error for the whole process:
// the CUDA kernels refuse operands that are not on the device (empty optional ones aside).
TYPED_TEST(FlowKernelsGpu, RejectsHostOperands) {
  using T = TypeParam;
  const auto kernels = make_flow_kernels<T>(this->gpu(), 4);
  auto host = Matrix<T>::from_host(this->cpu(), 8, 2, std::vector<T>(16, T(0.5)));
  auto dev = Matrix<T>::from_host(this->gpu(), 8, 2, std::vector<T>(16, T(0.5)));
  auto host_q = Buffer<double>::zeros(this->cpu(), 2);
  EXPECT_THROW(kernels->box_muller(host.view()), std::invalid_argument);
  EXPECT_THROW(kernels->add_gaussian_log_density(dev.view(), 0.0, host_q.view()), std::invalid_argument);
  EXPECT_THROW(kernels->activation_backward(UnaryOp::tanh, host.view(), dev.view()), std::invalid_argument);
  EXPECT_NO_THROW(kernels->bias_activation(UnaryOp::tanh, VectorView<const T>{}, dev.view()));
}

}  // namespace
}  // namespace fl::flows::test
