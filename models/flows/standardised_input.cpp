#include "models/flows/standardised_input.hpp"

#include <cmath>

namespace fl::flows {

template <class T>
MatrixView<const T> StandardisedInput<T>::forward(MatrixView<const T> v, FlowMode mode) {
  if (x_.rows() != v.rows || x_.cols() != v.cols) x_ = Matrix<T>(backend_, v.rows, v.cols);
  backend_.copy(v, x_.view());
  batch_stats_ = enabled_ && mode == FlowMode::train;
  if (batch_stats_) {
    // Unbiased variance over all elements, as torch.var; eps keeps sigma > 0.
    const double n = static_cast<double>(x_.size());
    const double mean = backend_.sum(VectorView<const T>(x_.flat())) / n;
    const double sq = backend_.dot(VectorView<const T>(x_.flat()), VectorView<const T>(x_.flat()));
    sigma_ = std::sqrt((sq - n * mean * mean) / (n - 1) + 1e-6);
    x_mean_ = mean / sigma_;
  }
  if (enabled_) backend_.scale(static_cast<T>(1.0 / sigma_), x_.flat());
  return x_.view();
}

template <class T>
void StandardisedInput<T>::backward(MatrixView<const T> g_x, MatrixView<T> g_v) {
  kernels_.standardise_backward(g_x, x_.view(), enabled_ ? sigma_ : 1.0, x_mean_, !batch_stats_, g_v);
}

template class StandardisedInput<float>;
template class StandardisedInput<double>;

}  // namespace fl::flows
