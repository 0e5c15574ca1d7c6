#include "models/flows/affine_coupling.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace fl::flows {
namespace {

DenseNetShape net_shape(index_t half, const AffineSpec& s) {
  return {half, s.hidden, half, s.activation, !s.z2, s.final_tanh, 2};
}
}  // namespace

template <class T>
AffineCoupling<T>::AffineCoupling(Backend& backend, FlowKernels<T>& kernels, int L, const AffineSpec& spec,
                                  index_t param_offset)
    : backend_(backend),
      kernels_(kernels),
      spec_(spec),
      half_(static_cast<index_t>(L) * L / 2),
      nets_(backend, kernels, net_shape(half_, spec), param_offset),
      input_(backend, kernels, spec.standardise) {
  if (spec.z2 && spec.activation != UnaryOp::tanh && spec.activation != UnaryOp::identity)
    throw InputError("flow.activation: the Z2-equivariant flow needs an odd activation (tanh)");
}

template <class T>
void AffineCoupling<T>::initialise(std::vector<T>& host, PhiloxKey key) const {
  nets_.initialise(host, key);
}

template <class T>
void AffineCoupling<T>::ensure_batch(index_t batch) {
  if (batch == batch_) return;
  batch_ = batch;
  for (Matrix<T>* m : {&s_raw_, &t_, &out_, &g_s_, &g_t_, &g_x_}) *m = Matrix<T>(backend_, half_, batch);
}

template <class T>
void AffineCoupling<T>::forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) {
  ensure_batch(batch.size());
  const int a = spec_.active;
  passive_needs_grad_ = batch.modified[1 - a];
  batch.modified[a] = true;
  const ScaledInput<T> x = input_.forward(batch.half[1 - a].view(), mode);
  const MatrixView<T> outs[2] = {s_raw_.view(), t_.view()};
  nets_.forward(params, x.values, outs, x.scale);
  // Backward needs this layer's output; frozen mode has no backward and skips the copy.
  kernels_.affine_forward(batch.half[a].view(), s_raw_.view(), t_.view(), spec_.z2, batch.log_q.view(),
                          mode == FlowMode::train ? out_.view() : MatrixView<T>{});
}

template <class T>
void AffineCoupling<T>::backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) {
  const int a = spec_.active;
  kernels_.affine_backward(out_.view(), batch.grad[a].view(), s_raw_.view(), spec_.z2, w, g_s_.view(), g_t_.view());
  const MatrixView<T> g_x = passive_needs_grad_ ? g_x_.view() : MatrixView<T>{};
  const MatrixView<T> g_outs[2] = {g_s_.view(), g_t_.view()};
  nets_.backward(params, g_outs, grads, g_x, false);
  if (passive_needs_grad_) input_.backward(g_x_.view(), batch.grad[1 - a].view());
}

template <class T>
std::string AffineCoupling<T>::describe() const {
  std::ostringstream os;
  os << "affine(" << (spec_.active == 0 ? "even" : "odd") << ";h=";
  for (std::size_t i = 0; i < spec_.hidden.size(); ++i) os << (i ? "," : "") << spec_.hidden[i];
  os << ";act=" << unary_op_name(spec_.activation) << (spec_.final_tanh ? ";final_tanh" : "")
     << (spec_.z2 ? ";z2" : "") << (spec_.standardise ? ";std" : "") << ")";
  return os.str();
}

template <class T>
void AffineCoupling<T>::set_frozen_state(const std::vector<double>& s) {
  if (s.size() != 1 || !(s[0] > 0)) throw InputError("checkpoint: bad affine-layer state");
  input_.set_sigma(s[0]);
}

template class AffineCoupling<float>;
template class AffineCoupling<double>;

}  // namespace fl::flows
