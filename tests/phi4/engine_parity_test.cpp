// The phi^4 engine's parity harness on the CPU (the CUDA comparison is gpu_engine_test.cpp):
// two runs agree exactly, and the run exercises both accept and reject branches.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/phi4/engine_parity.hpp"

namespace fl::phi4::test {
namespace {

TEST(Phi4EngineParity, CpuRunsAreReproducibleAndMixAcceptAndReject) {
  const auto a = phi4_engine_outputs(cpu_backend(), 6, 40);
  const auto b = phi4_engine_outputs(cpu_backend(), 6, 40);
  gpu_test::expect_outputs_agree(a, b, 0.0);
  const auto& acc = a.at("hmc accepted");
  const auto n_acc = std::count(acc.begin(), acc.end(), 1.0);
  EXPECT_GT(n_acc, 0) << "no trajectory accepted";
  EXPECT_LT(n_acc, 40) << "no trajectory rejected";
  for (double f : a.at("metropolis acceptance")) {
    EXPECT_GT(f, 0.05);
    EXPECT_LT(f, 0.95);
  }
}

}  // namespace
}  // namespace fl::phi4::test
