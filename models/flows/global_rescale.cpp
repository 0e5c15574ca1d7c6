#include "models/flows/global_rescale.hpp"

#include <cmath>

#include "core/error.hpp"

namespace fl::flows {

template <class T>
GlobalRescale<T>::GlobalRescale(Backend& backend, FlowKernels<T>& kernels, int L, index_t param_offset)
    : backend_(backend), kernels_(kernels), volume_(static_cast<index_t>(L) * L), offset_(param_offset) {}

template <class T>
T GlobalRescale<T>::read_scale(VectorView<const T> params) const {
  T c;
  backend_.download(params.segment(offset_, 1), &c);
  if (!(c > T(0))) throw NumericalError("flow: the global rescaling factor left (0, inf)");
  return c;
}

template <class T>
void GlobalRescale<T>::forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) {
  const T c = read_scale(params);
  batch.modified[0] = batch.modified[1] = true;
  for (int p = 0; p < 2; ++p) {
    backend_.scale(c, batch.half[p].flat());
    if (mode == FlowMode::frozen) continue;  // no backward follows
    if (out_[p].cols() != batch.size()) out_[p] = Matrix<T>(backend_, batch.half[p].rows(), batch.size());
    backend_.copy(MatrixView<const T>(batch.half[p].view()), out_[p].view());
  }
  kernels_.add_constant(batch.log_q.view(), -static_cast<double>(volume_) * std::log(static_cast<double>(c)));
}

template <class T>
void GlobalRescale<T>::backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) {
  // dL/dc = sum g' phi_in - w B V / c, phi_in = phi_out / c; dL/dphi_in = c g'.
  const double c = read_scale(params);
  double g = 0;
  for (int p = 0; p < 2; ++p) {
    g += backend_.dot(VectorView<const T>(batch.grad[p].flat()), VectorView<const T>(out_[p].flat())) / c;
    backend_.scale(static_cast<T>(c), batch.grad[p].flat());
  }
  g -= static_cast<double>(w) * batch.size() * volume_ / c;
  const T gc = static_cast<T>(g);
  backend_.upload(&gc, grads.segment(offset_, 1));
}

template class GlobalRescale<float>;
template class GlobalRescale<double>;

}  // namespace fl::flows
