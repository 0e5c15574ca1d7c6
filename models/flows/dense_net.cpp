#include "models/flows/dense_net.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/error.hpp"
#include "models/flows/activation_math.hpp"

namespace fl::flows {

template <class T>
DenseNet<T>::DenseNet(Backend& backend, FlowKernels<T>& kernels, DenseNetShape shape, index_t param_offset)
    : backend_(backend), kernels_(kernels), shape_(std::move(shape)), offset_(param_offset) {
  if (!supported_activation(shape_.activation))
    throw InputError("flow.activation: '" + std::string(unary_op_name(shape_.activation)) +
                     "' is not supported (tanh, sigmoid, relu, softplus, identity)");
  dims_.push_back(shape_.n_in);
  for (index_t h : shape_.hidden) dims_.push_back(h);
  dims_.push_back(shape_.n_out);
  index_t at = offset_;
  for (std::size_t l = 0; l + 1 < dims_.size(); ++l) {
    w_offset_.push_back(at);
    at += dims_[l + 1] * dims_[l];
    b_offset_.push_back(at);
    if (shape_.bias) at += dims_[l + 1];
  }
  n_params_ = at - offset_;
}

template <class T>
void DenseNet<T>::initialise(std::vector<T>& host, PhiloxKey key) const {
  PhiloxStream rng(key, 0);
  for (std::size_t l = 0; l + 1 < dims_.size(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(dims_[l]));
    const index_t n_w = dims_[l + 1] * dims_[l];
    for (index_t i = 0; i < n_w; ++i) host[w_offset_[l] + i] = static_cast<T>(bound * (2 * rng.uniform() - 1));
    if (shape_.bias)
      for (index_t i = 0; i < dims_[l + 1]; ++i)
        host[b_offset_[l] + i] = static_cast<T>(bound * (2 * rng.uniform() - 1));
  }
}

template <class T>
MatrixView<const T> DenseNet<T>::weight(VectorView<const T> p, std::size_t l) const {
  return {p.data + w_offset_[l], dims_[l + 1], dims_[l], p.device};
}
template <class T>
VectorView<const T> DenseNet<T>::bias(VectorView<const T> p, std::size_t l) const {
  return {p.data + b_offset_[l], dims_[l + 1], p.device};
}

template <class T>
void DenseNet<T>::ensure_batch(index_t batch) {
  if (batch == batch_) return;
  batch_ = batch;
  post_.clear();
  index_t widest = 0;
  for (std::size_t l = 0; l + 1 < dims_.size(); ++l) {
    if (l + 2 < dims_.size()) post_.emplace_back(backend_, dims_[l + 1], batch);
    widest = std::max(widest, dims_[l + 1]);
  }
  grad_a_ = Matrix<T>(backend_, widest, batch);
  grad_b_ = Matrix<T>(backend_, widest, batch);
}

template <class T>
void DenseNet<T>::forward(VectorView<const T> params, MatrixView<const T> x, MatrixView<T> out, T x_scale) {
  if (!out.contiguous()) throw std::invalid_argument("DenseNet: output must be contiguous");
  ensure_batch(x.cols);
  input_ = x;
  input_scale_ = x_scale;
  output_ = out;
  const std::size_t n_layers = dims_.size() - 1;
  MatrixView<const T> a = x;
  for (std::size_t l = 0; l < n_layers; ++l) {
    const bool last = l + 1 == n_layers;
    MatrixView<T> y = last ? out : post_[l].view();
    backend_.gemm(Trans::no, Trans::no, l == 0 ? x_scale : T(1), weight(params, l), a, T(0), y);
    const UnaryOp act = last ? (shape_.final_tanh ? UnaryOp::tanh : UnaryOp::identity) : shape_.activation;
    if (shape_.bias || act != UnaryOp::identity)
      kernels_.bias_activation(act, shape_.bias ? bias(params, l) : VectorView<const T>{}, y);
    a = y;
  }
}

template <class T>
void DenseNet<T>::backward(VectorView<const T> params, MatrixView<T> g_out, VectorView<T> grads,
                           MatrixView<T> g_x, bool accumulate) {
  const std::size_t n_layers = dims_.size() - 1;
  const index_t B = batch_;
  MatrixView<T> g = g_out;  // dL/d(activation of layer l)
  for (std::size_t l = n_layers; l-- > 0;) {
    const bool last = l + 1 == n_layers;
    const UnaryOp act = last ? (shape_.final_tanh ? UnaryOp::tanh : UnaryOp::identity) : shape_.activation;
    // dL/d(pre-activation), in place in g, from the activation's output.
    kernels_.activation_backward(act, last ? output_ : MatrixView<const T>(post_[l].view()), g);
    MatrixView<const T> a_prev = l == 0 ? input_ : MatrixView<const T>(post_[l - 1].view());
    MatrixView<T> gw{grads.data + w_offset_[l], dims_[l + 1], dims_[l], grads.device};
    backend_.gemm(Trans::no, Trans::yes, l == 0 ? input_scale_ : T(1), MatrixView<const T>(g), a_prev, T(0), gw);
    if (shape_.bias)
      backend_.row_sums(MatrixView<const T>(g), VectorView<T>{grads.data + b_offset_[l], dims_[l + 1], grads.device});
    if (l == 0) {
      if (g_x.cols > 0)
        backend_.gemm(Trans::yes, Trans::no, T(1), weight(params, 0), MatrixView<const T>(g), T(accumulate ? 1 : 0), g_x);
    } else {
      Matrix<T>& next = (g.data == grad_a_.data()) ? grad_b_ : grad_a_;
      MatrixView<T> g_prev{next.data(), dims_[l], B, dims_[l], next.device()};
      backend_.gemm(Trans::yes, Trans::no, T(1), weight(params, l), MatrixView<const T>(g), T(0), g_prev);
      g = g_prev;
    }
  }
}

template class DenseNet<float>;
template class DenseNet<double>;

}  // namespace fl::flows
