#include "models/flows/dense_net.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
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
  if (shape_.hidden.empty() || shape_.heads < 1)
    throw std::invalid_argument("DenseNet: needs at least one hidden layer and one head");
  dims_.push_back(shape_.n_in);
  for (index_t h : shape_.hidden) dims_.push_back(h);
  dims_.push_back(shape_.n_out);
  // Layout per layer: weights (layer 0: one stacked matrix; deeper: one per head), then the
  // biases of all heads.
  index_t at = offset_;
  for (std::size_t l = 0; l < n_layers(); ++l) {
    w_offset_.push_back(at);
    at += shape_.heads * dims_[l + 1] * dims_[l];
    b_offset_.push_back(at);
    if (shape_.bias) at += shape_.heads * dims_[l + 1];
  }
  n_params_ = at - offset_;
}

template <class T>
void DenseNet<T>::initialise(std::vector<T>& host, PhiloxKey key) const {
  PhiloxStream rng(key, 0);
  for (std::size_t l = 0; l < n_layers(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(dims_[l]));
    const index_t n = shape_.heads * dims_[l + 1] * (dims_[l] + (shape_.bias ? 1 : 0));
    for (index_t i = 0; i < n; ++i) host[w_offset_[l] + i] = static_cast<T>(bound * (2 * rng.uniform() - 1));
  }
}

template <class T>
MatrixView<const T> DenseNet<T>::weight(VectorView<const T> p, std::size_t l, int head) const {
  if (l == 0) return {p.data + w_offset_[0], stacked_rows(0), dims_[0], p.device};
  return {p.data + w_offset_[l] + head * dims_[l + 1] * dims_[l], dims_[l + 1], dims_[l], p.device};
}

template <class T>
MatrixView<T> DenseNet<T>::weight_grad(VectorView<T> g, std::size_t l, int head) const {
  if (l == 0) return {g.data + w_offset_[0], stacked_rows(0), dims_[0], g.device};
  return {g.data + w_offset_[l] + head * dims_[l + 1] * dims_[l], dims_[l + 1], dims_[l], g.device};
}

template <class T>
void DenseNet<T>::ensure_batch(index_t batch) {
  if (batch == batch_) return;
  batch_ = batch;
  post_.clear();
  index_t widest = 0;
  for (std::size_t l = 0; l + 1 < n_layers(); ++l) {
    post_.emplace_back(backend_, stacked_rows(l), batch);
    widest = std::max(widest, stacked_rows(l));
  }
  grad_a_ = Matrix<T>(backend_, widest, batch);
  grad_b_ = Matrix<T>(backend_, widest, batch);
}

template <class T>
void DenseNet<T>::forward(VectorView<const T> params, MatrixView<const T> x, std::span<const MatrixView<T>> outs,
                          T x_scale) {
  if (static_cast<int>(outs.size()) != shape_.heads) throw std::invalid_argument("DenseNet: one output per head");
  for (const auto& o : outs)
    if (!o.contiguous()) throw std::invalid_argument("DenseNet: outputs must be contiguous");
  ensure_batch(x.cols);
  input_ = x;
  input_scale_ = x_scale;
  outputs_.assign(outs.begin(), outs.end());
  const std::size_t last = n_layers() - 1;
  const auto bias = [&](std::size_t l, int head) {
    if (!shape_.bias) return VectorView<const T>{};
    return VectorView<const T>{params.data + b_offset_[l] + head * dims_[l + 1], dims_[l + 1], params.device};
  };
  // First layer, all heads at once.
  backend_.gemm(Trans::no, Trans::no, x_scale, weight(params, 0, -1), x, T(0), post_[0].view());
  kernels_.bias_activation(shape_.activation,
                           shape_.bias ? VectorView<const T>{params.data + b_offset_[0], stacked_rows(0), params.device}
                                       : VectorView<const T>{},
                           post_[0].view());
  for (std::size_t l = 1; l <= last; ++l) {
    const MatrixView<const T> a_all(post_[l - 1].view());
    if (l < last) {
      for (int k = 0; k < shape_.heads; ++k)
        backend_.gemm(Trans::no, Trans::no, T(1), weight(params, l, k), head_rows(a_all, dims_[l], k), T(0),
                      head_rows(post_[l].view(), dims_[l + 1], k));
      kernels_.bias_activation(shape_.activation,
                               shape_.bias ? VectorView<const T>{params.data + b_offset_[l], stacked_rows(l), params.device}
                                           : VectorView<const T>{},
                               post_[l].view());
    } else {
      const UnaryOp act = shape_.final_tanh ? UnaryOp::tanh : UnaryOp::identity;
      for (int k = 0; k < shape_.heads; ++k) {
        backend_.gemm(Trans::no, Trans::no, T(1), weight(params, l, k), head_rows(a_all, dims_[l], k), T(0), outs[k]);
        if (shape_.bias || act != UnaryOp::identity) kernels_.bias_activation(act, bias(l, k), outs[k]);
      }
    }
  }
}

template <class T>
void DenseNet<T>::backward(VectorView<const T> params, std::span<const MatrixView<T>> g_outs, VectorView<T> grads,
                           MatrixView<T> g_x, bool accumulate) {
  const std::size_t last = n_layers() - 1;
  const index_t B = batch_;
  const UnaryOp final_act = shape_.final_tanh ? UnaryOp::tanh : UnaryOp::identity;
  // Output layer, per head: its gradients and dL/d(last hidden activation) into g (stacked).
  MatrixView<T> g{grad_a_.data(), stacked_rows(last - 1), B, stacked_rows(last - 1), grad_a_.device()};
  {
    const MatrixView<const T> a_all(post_[last - 1].view());
    for (int k = 0; k < shape_.heads; ++k) {
      kernels_.activation_backward(final_act, MatrixView<const T>(outputs_[k]), g_outs[k]);
      backend_.gemm(Trans::no, Trans::yes, T(1), MatrixView<const T>(g_outs[k]), head_rows(a_all, dims_[last], k), T(0),
                    weight_grad(grads, last, k));
      if (shape_.bias)
        backend_.row_sums(MatrixView<const T>(g_outs[k]),
                          VectorView<T>{grads.data + b_offset_[last] + k * dims_[last + 1], dims_[last + 1], grads.device});
      backend_.gemm(Trans::yes, Trans::no, T(1), weight(params, last, k), MatrixView<const T>(g_outs[k]), T(0),
                    head_rows(g, dims_[last], k));
    }
  }
  // Hidden layers, deepest first; g = dL/d(activation of layer l), heads stacked.
  for (std::size_t l = last; l-- > 0;) {
    kernels_.activation_backward(shape_.activation, MatrixView<const T>(post_[l].view()), g);
    if (shape_.bias)
      backend_.row_sums(MatrixView<const T>(g), VectorView<T>{grads.data + b_offset_[l], stacked_rows(l), grads.device});
    if (l == 0) {
      backend_.gemm(Trans::no, Trans::yes, input_scale_, MatrixView<const T>(g), input_, T(0), weight_grad(grads, 0, -1));
      if (g_x.cols > 0)
        backend_.gemm(Trans::yes, Trans::no, T(1), weight(params, 0, -1), MatrixView<const T>(g), T(accumulate ? 1 : 0),
                      g_x);
      break;
    }
    const MatrixView<const T> a_all(post_[l - 1].view());
    Matrix<T>& next = (g.data == grad_a_.data()) ? grad_b_ : grad_a_;
    MatrixView<T> g_prev{next.data(), stacked_rows(l - 1), B, stacked_rows(l - 1), next.device()};
    for (int k = 0; k < shape_.heads; ++k) {
      const MatrixView<const T> g_k(head_rows(g, dims_[l + 1], k));
      backend_.gemm(Trans::no, Trans::yes, T(1), g_k, head_rows(a_all, dims_[l], k), T(0), weight_grad(grads, l, k));
      backend_.gemm(Trans::yes, Trans::no, T(1), weight(params, l, k), g_k, T(0), head_rows(g_prev, dims_[l], k));
    }
    g = g_prev;
  }
}

template class DenseNet<float>;
template class DenseNet<double>;

}  // namespace fl::flows
