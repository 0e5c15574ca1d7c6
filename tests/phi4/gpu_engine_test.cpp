// The CUDA phi^4 engine runs the same FL_HD chain code and Philox streams as the CPU engine,
// so after ten Metropolis sweeps and one HMC trajectory every chain must agree with the CPU
// up to device-vs-host rounding (FMA contraction, exp). 300 chains: more than one block.
// Sensitivity measured on the CPU: perturbing the start by 1 ulp changes fields and dH by a
// normalised squared error of ~1e-28 (no accept/reject flip), far inside the bound.
// Skipped without a usable CUDA device.
#include <gtest/gtest.h>

#include "tests/phi4/engine_parity.hpp"

namespace fl::phi4::test {
namespace {

TEST(Phi4GpuEngine, ChainsFollowTheCpuChains) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const auto ref = phi4_engine_outputs(cpu_backend(), 8, 300);
  const auto got = phi4_engine_outputs(*gpu, 8, 300);
  // Bound: relative error 1e-11; accept/reject decisions identical (a flip
  // would change a whole chain and the acceptance vectors).
  gpu_test::expect_outputs_agree(ref, got, 1e-22);
  EXPECT_EQ(ref.at("hmc accepted"), got.at("hmc accepted"));
  EXPECT_EQ(ref.at("metropolis acceptance"), got.at("metropolis acceptance"));
}

// A host pointer in a kernel would be a sticky illegal-address error for the whole process:
// the engine must refuse operands that are not on the device.
TEST(Phi4GpuEngine, RejectsHostOperands) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  auto engine = make_phi4_engine(*gpu, 4);
  auto host_fields = Matrix<double>::zeros(cpu_backend(), 16, 3);
  auto dev_fields = Matrix<double>::zeros(*gpu, 16, 3);
  auto host_out = Buffer<double>::zeros(cpu_backend(), 3), dev_out = Buffer<double>::zeros(*gpu, 3);
  const Couplings c = ising_couplings(0.5, 0.5);
  EXPECT_THROW(engine->metropolis_sweep(host_fields.view(), c, 1.0, 1, 0, dev_out.view()), std::invalid_argument);
  EXPECT_THROW(engine->metropolis_sweep(dev_fields.view(), c, 1.0, 1, 0, host_out.view()), std::invalid_argument);
  EXPECT_THROW(engine->hmc_trajectory(dev_fields.view(), c, HmcParams{}, 1, 0, host_out.view(), dev_out.view()),
               std::invalid_argument);
  EXPECT_NO_THROW(engine->metropolis_sweep(dev_fields.view(), c, 1.0, 1, 0, dev_out.view()));
}

}  // namespace
}  // namespace fl::phi4::test
