// The flow trainer's vectorised CPU Adam against the Backend's reference Adam (double
// arithmetic): same iterates over several steps, to rounding.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/flows/adam_cpu.hpp"

namespace fl::flows {
namespace {

template <class T>
double max_relative_deviation(double tolerance_scale) {
  Backend& be = cpu_backend();
  const index_t n = 1001;  // not a multiple of the vector width: the tail is exercised
  AdamParams p;
  p.learning_rate = 5e-3;
  Buffer<T> w_ref(be, n), m_ref = Buffer<T>::zeros(be, n), v_ref = Buffer<T>::zeros(be, n);
  be.fill_normal(w_ref.view(), {5, 1}, 0, T(0), T(1));
  Buffer<T> w = Buffer<T>::from_host(be, w_ref.to_host()), m = Buffer<T>::zeros(be, n), v = Buffer<T>::zeros(be, n);
  Buffer<T> g(be, n);
  for (std::int64_t step = 1; step <= 5; ++step) {
    be.fill_normal(g.view(), {5, 2}, static_cast<std::uint64_t>(step), T(0), T(step % 2 ? 1e-3 : 2.0));
    be.adam_step(p, step, w_ref.view(), VectorView<const T>(g.view()), m_ref.view(), v_ref.view());
    adam_step_cpu(p, step, w.view(), VectorView<const T>(g.view()), m.view(), v.view());
  }
  const auto a = w.to_host(), b = w_ref.to_host();
  double worst = 0;
  for (index_t i = 0; i < n; ++i)
    worst = std::max(worst, std::abs(static_cast<double>(a[i]) - b[i]) / (std::abs(static_cast<double>(b[i])) + 1e-3));
  return worst / tolerance_scale;
}

TEST(FlowAdamCpu, MatchesTheBackendAdam) {
  EXPECT_LT(max_relative_deviation<double>(1e-12), 1.0);
  EXPECT_LT(max_relative_deviation<float>(2e-6), 1.0);
}

}  // namespace
}  // namespace fl::flows
