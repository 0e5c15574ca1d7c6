// The QHO measurement's parity harness on the CPU (the CUDA comparison is in gpu_qho_test):
// two runs agree exactly and the correlators are the translation averages they claim to be.
#include <gtest/gtest.h>

#include "tests/qho/engine_parity.hpp"

namespace fl::qho::test {
namespace {

TEST(QhoEngineParity, CpuMeasurementIsReproducibleAndCorrect) {
  const int n_t = 6;
  const auto a = qho_measure_outputs(cpu_backend(), n_t, 5);
  gpu_test::expect_outputs_agree(a, qho_measure_outputs(cpu_backend(), n_t, 5), 0.0);
  // Chain 4, tau = 2, from the definition.
  double s1 = 0;
  for (int i = 0; i < n_t; ++i)
    s1 += (uniform_at(PhiloxKey{5, 1}, 0, 4 * n_t + i, 0.0) - 0.5) *
          (uniform_at(PhiloxKey{5, 1}, 0, 4 * n_t + (i + 2) % n_t, 0.0) - 0.5);
  EXPECT_NEAR(a.at("cx")[4 * n_t + 2], s1 / n_t, 1e-15);
}

}  // namespace
}  // namespace fl::qho::test
