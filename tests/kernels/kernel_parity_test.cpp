// The kernel-recursion parity harness on the CPU (the CUDA comparison is in
// gpu_infinite_width_test): two runs agree exactly, and the cross kernel's columns equal the
// symmetric kernel's where the two overlap.
#include <gtest/gtest.h>

#include "tests/kernels/kernel_parity.hpp"

namespace fl::kernels::test {
namespace {

TEST(KernelParity, CpuRunsAreReproducibleAndConsistent) {
  const auto a = kernel_outputs(cpu_backend(), UnaryOp::relu, 50);
  gpu_test::expect_outputs_agree(a, kernel_outputs(cpu_backend(), UnaryOp::relu, 50), 0.0);
  // cross(i, j) for i < 2 is row i of the symmetric 40 x 40 kernel (both computed from the
  // same Gram entries; the diagonal uses |x|^2 in both).
  for (index_t j = 0; j < 40; ++j)
    for (index_t i = 0; i < 2; ++i)
      EXPECT_NEAR(a.at("cross ntk")[i + 2 * j], a.at("symmetric ntk")[i + 40 * j], 1e-12) << i << "," << j;
}

}  // namespace
}  // namespace fl::kernels::test
