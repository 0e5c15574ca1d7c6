// The whole GP pipeline on the CUDA backend (kernels, NNGP posterior, NTK-GP at infinite and
// finite time: GEMM, kernel recursion, Cholesky, eigh) against the CPU backend, with 1500
// training points (cuSOLVER's blocked paths, not only its small-matrix kernels). Skipped
// without a usable CUDA device.
#include <gtest/gtest.h>

#include "tests/spectral/gp_parity.hpp"

namespace fl::spectral::test {
namespace {

TEST(GpGpu, PipelineMatchesCpu) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const auto ref = gp_outputs(cpu_backend(), 1500);
  const auto got = gp_outputs(*gpu, 1500);
  // On the CPU, a 1-ulp perturbation of the inputs or (unstructured, symmetric) of the
  // training kernel matrices changes these outputs by a normalised squared error <= 5e-26:
  // the bound leaves ~5 orders of magnitude for device-vs-host rounding.
  gpu_test::expect_outputs_agree(ref, got, 1e-20);
}

}  // namespace
}  // namespace fl::spectral::test
