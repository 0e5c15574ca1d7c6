// The GP pipeline's parity harness on the CPU (the CUDA comparison is gpu_gp_test.cpp): two
// runs agree exactly.
#include <gtest/gtest.h>

#include "tests/spectral/gp_parity.hpp"

namespace fl::spectral::test {
namespace {

TEST(GpParity, CpuRunsAreReproducible) {
  const auto a = gp_outputs(cpu_backend(), 60);
  gpu_test::expect_outputs_agree(a, gp_outputs(cpu_backend(), 60), 0.0);
}

}  // namespace
}  // namespace fl::spectral::test
