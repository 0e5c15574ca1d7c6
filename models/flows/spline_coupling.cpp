#include "models/flows/spline_coupling.hpp"

#include "core/error.hpp"
#include "models/flows/spline_math.hpp"

namespace fl::flows {

template <class T>
SplineCoupling<T>::SplineCoupling(Backend& backend, FlowKernels<T>& kernels, int L, const SplineSpec& spec,
                                  index_t param_offset)
    : backend_(backend),
      kernels_(kernels),
      spec_(spec),
      half_(static_cast<index_t>(L) * L / 2),
      net_(backend, kernels, DenseNetShape{half_, spec.hidden, half_ * (3 * spec.knots - 1), spec.activation, true, false},
           param_offset),
      input_(backend, kernels, spec.standardise) {
  if (spec.knots < 2 || spec.knots > kMaxSplineKnots)
    throw InputError("flow.spline_knots: must be in [2, " + std::to_string(kMaxSplineKnots) + "]");
}

template <class T>
void SplineCoupling<T>::forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) {
  const index_t B = batch.size();
  if (theta_.cols() != B) {
    theta_ = Matrix<T>(backend_, half_ * (3 * spec_.knots - 1), B);
    g_theta_ = Matrix<T>(backend_, half_ * (3 * spec_.knots - 1), B);
    in_ = Matrix<T>(backend_, half_, B);
    g_x_ = Matrix<T>(backend_, half_, B);
  }
  const int a = spec_.active;
  passive_needs_grad_ = batch.modified[1 - a];
  batch.modified[a] = true;
  const ScaledInput<T> x = input_.forward(batch.half[1 - a].view(), mode);
  const MatrixView<T> outs[1] = {theta_.view()};
  net_.forward(params, x.values, outs, x.scale);
  if (mode == FlowMode::train) backend_.copy(MatrixView<const T>(batch.half[a].view()), in_.view());
  const index_t outside = kernels_.spline_forward(batch.half[a].view(), theta_.view(), spec_.knots,
                                                  spec_.interval, batch.log_q.view());
  outside_fraction_ = static_cast<double>(outside) / static_cast<double>(half_ * B);
}

template <class T>
void SplineCoupling<T>::backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) {
  const int a = spec_.active;
  kernels_.spline_backward(in_.view(), theta_.view(), spec_.knots, spec_.interval, w, batch.grad[a].view(),
                           g_theta_.view());
  const MatrixView<T> g_outs[1] = {g_theta_.view()};
  net_.backward(params, g_outs, grads, passive_needs_grad_ ? g_x_.view() : MatrixView<T>{}, false);
  if (passive_needs_grad_) input_.backward(g_x_.view(), batch.grad[1 - a].view());
}

template <class T>
std::string SplineCoupling<T>::describe() const {
  return std::string("spline(") + (spec_.active == 0 ? "even" : "odd") + ";K=" + std::to_string(spec_.knots) + ")";
}

template <class T>
void SplineCoupling<T>::set_frozen_state(const std::vector<double>& s) {
  if (s.size() != 1 || !(s[0] > 0)) throw InputError("checkpoint: bad spline-layer state");
  input_.set_sigma(s[0]);
}

template class SplineCoupling<float>;
template class SplineCoupling<double>;

}  // namespace fl::flows
