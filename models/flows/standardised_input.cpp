#include "models/flows/standardised_input.hpp"

#include <cmath>

namespace fl::flows {

template <class T>
ScaledInput<T> StandardisedInput<T>::forward(MatrixView<const T> v, FlowMode mode) {
  batch_stats_ = enabled_ && mode == FlowMode::train;
  const T scale = static_cast<T>(enabled_ ? 1.0 / sigma_ : 1.0);
  if (mode == FlowMode::frozen) return {v, scale};
  if (v_.rows() != v.rows || v_.cols() != v.cols) v_ = Matrix<T>(backend_, v.rows, v.cols);
  const auto [sum, sq] = kernels_.copy_with_moments(v, v_.view());
  if (batch_stats_) {
    // Unbiased variance over all elements, as torch.var; eps keeps sigma > 0.
    const double n = static_cast<double>(v_.size());
    const double mean = sum / n;
    sigma_ = std::sqrt((sq - n * mean * mean) / (n - 1) + 1e-6);
    v_mean_ = mean;
  }
  return {v_.view(), static_cast<T>(enabled_ ? 1.0 / sigma_ : 1.0)};
}

template <class T>
void StandardisedInput<T>::backward(MatrixView<const T> g_x, MatrixView<T> g_v) {
  kernels_.standardise_backward(g_x, v_.view(), enabled_ ? sigma_ : 1.0, v_mean_, !batch_stats_, g_v);
}

template class StandardisedInput<float>;
template class StandardisedInput<double>;

}  // namespace fl::flows
