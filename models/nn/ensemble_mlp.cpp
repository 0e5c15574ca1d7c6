#include "models/nn/ensemble_mlp.hpp"

#include <stdexcept>
#include <string>

#include "models/nn/ensemble_mlp_cpu.hpp"
#include "models/nn/mlp_init.hpp"

namespace fl::nn {

template <class T>
EnsembleMlp<T>::EnsembleMlp(Backend& backend, MlpSpec spec, index_t replicas)
    : backend_(&backend), spec_(std::move(spec)), replicas_(replicas) {
  spec_.validate();
  require(replicas_ > 0, "replicas: must be positive");
  n_params_ = spec_.n_params();
  params_ = Buffer<T>::zeros(backend, replicas_ * n_params_);
  z_.resize(spec_.layers() + 1);
  a_.resize(spec_.layers() + 1);
  delta_.resize(spec_.layers() + 1);
}

template <class T>
void EnsembleMlp<T>::initialize(std::uint32_t seed, std::uint32_t first_stream) {
  std::vector<T> all(static_cast<std::size_t>(replicas_ * n_params_));
  for (index_t r = 0; r < replicas_; ++r) {
    const auto p = init_parameters(spec_, PhiloxKey{seed, first_stream + static_cast<std::uint32_t>(r)});
    for (index_t i = 0; i < n_params_; ++i) all[r * n_params_ + i] = static_cast<T>(p[i]);
  }
  set_parameters_host(all);
}

template <class T>
void EnsembleMlp<T>::set_parameters_host(const std::vector<T>& all) {
  if (static_cast<index_t>(all.size()) != replicas_ * n_params_)
    throw std::invalid_argument("EnsembleMlp::set_parameters_host: expected " +
                                std::to_string(replicas_ * n_params_) + " values");
  backend_->upload(all.data(), params_.view());
}

template <class T>
void EnsembleMlp<T>::ensure_batch(index_t B) {
  if (B == batch_) return;
  batch_ = B;
  for (index_t l = 1; l <= spec_.layers(); ++l) {
    const index_t n = replicas_ * spec_.sizes[l] * B;
    z_[l] = Buffer<T>(*backend_, n);
    a_[l] = Buffer<T>(*backend_, n);
    delta_[l] = Buffer<T>(*backend_, n);
  }
  index_t widest = 0;
  for (index_t n : spec_.sizes) widest = std::max(widest, n);
  dact_ = Buffer<T>(*backend_, replicas_ * widest * B);
  ones_ = Buffer<T>(*backend_, B);
  backend_->fill<T>(ones_.view(), T(1));
}

template <class T>
template <class Layers>
Layers EnsembleMlp<T>::fused_layers() const {
  Layers L{&spec_, replicas_, batch_, n_params_, params_.data(), input_.data, input_stride_, {}, {}, {}};
  L.z.assign(spec_.layers() + 1, nullptr);
  L.a = L.delta = L.z;
  for (index_t l = 1; l <= spec_.layers(); ++l)
    L.z[l] = const_cast<T*>(z_[l].data()), L.a[l] = const_cast<T*>(a_[l].data()),
    L.delta[l] = const_cast<T*>(delta_[l].data());
  return L;
}

template <class T>
MatrixView<const T> EnsembleMlp<T>::forward(MatrixView<const T> X, index_t replica_stride) {
  if (X.rows != spec_.n_in())
    throw std::invalid_argument("EnsembleMlp::forward: input has " + std::to_string(X.rows) +
                                " rows, the network takes " + std::to_string(spec_.n_in()));
  const index_t B = X.cols;
  ensure_batch(B);
  input_ = X;
  input_stride_ = replica_stride;
  if (fused_cpu()) {
    cpu_fused::forward(fused_layers<cpu_fused::Layers<T>>());
    return output();
  }
  const Device dev = backend_->device();
  const index_t R = replicas_, P = n_params_;
  MatrixView<const T> ones_row(ones_.data(), 1, B, 1, dev);
  for (index_t l = 1; l <= spec_.layers(); ++l) {
    const index_t n = spec_.sizes[l], m = spec_.sizes[l - 1];
    MatrixView<T> Z(z_[l].data(), n, B, dev);
    MatrixView<const T> W(params_.data() + spec_.weight_offset(l), n, m, dev);
    MatrixView<const T> b(params_.data() + spec_.bias_offset(l), n, 1, dev);
    // z = beta b 1^T, then z += alpha W a_{l-1}: two batched products over replicas.
    backend_->gemm_strided_batched<T>(Trans::no, Trans::no, R, T(spec_.bias_scale(l)), b, P, ones_row,
                                   0, T(0), Z, n * B);
    backend_->gemm_strided_batched<T>(Trans::no, Trans::no, R, T(spec_.weight_scale(l)), W, P,
                                   layer_input(l), layer_input_stride(l), T(1), Z, n * B);
    backend_->map<T>(spec_.activations[l - 1], z_[l].view(), a_[l].view());
  }
  return output();
}

template <class T>
MatrixView<const T> EnsembleMlp<T>::output() const {
  const index_t L = spec_.layers();
  return {a_[L].data(), spec_.n_out() * batch_, replicas_, backend_->device()};
}

template <class T>
MatrixView<const T> EnsembleMlp<T>::layer_input(index_t l) const {
  if (l == 1) return input_;
  return {a_[l - 1].data(), spec_.sizes[l - 1], batch_, backend_->device()};
}

template <class T>
index_t EnsembleMlp<T>::layer_input_stride(index_t l) const {
  return l == 1 ? input_stride_ : spec_.sizes[l - 1] * batch_;
}

template <class T>
MatrixView<const T> EnsembleMlp<T>::delta(index_t l) const {
  return {delta_[l].data(), spec_.sizes[l], batch_, backend_->device()};
}

template <class T>
void EnsembleMlp<T>::backward_deltas(MatrixView<const T> cotangent) {
  const index_t L = spec_.layers(), B = batch_, R = replicas_, P = n_params_;
  if (B == 0) throw std::logic_error("EnsembleMlp::backward before forward");
  if (cotangent.rows != spec_.n_out() * B || cotangent.cols != R || !cotangent.contiguous())
    throw std::invalid_argument("EnsembleMlp::backward: cotangent must be contiguous (n_out*B) x R");
  if (fused_cpu()) {
    cpu_fused::deltas(fused_layers<cpu_fused::Layers<T>>(), cotangent.data);
    return;
  }
  const Device dev = backend_->device();
  const index_t nL = spec_.n_out() * B * R;
  VectorView<T> dact_L = dact_.view().segment(0, nL);
  backend_->map_derivative<T>(spec_.activations[L - 1], z_[L].view(), dact_L);
  backend_->mul<T>(cotangent.flat(), VectorView<const T>(dact_L), delta_[L].view());
  for (index_t l = L; l > 1; --l) {
    const index_t n = spec_.sizes[l], m = spec_.sizes[l - 1];
    MatrixView<const T> W(params_.data() + spec_.weight_offset(l), n, m, dev);
    MatrixView<T> D_prev(delta_[l - 1].data(), m, B, dev);
    // delta_{l-1} = (alpha_l W_l^T delta_l) o act'(z_{l-1})
    backend_->gemm_strided_batched<T>(Trans::yes, Trans::no, R, T(spec_.weight_scale(l)), W, P,
                                   delta(l), n * B, T(0), D_prev, m * B);
    VectorView<T> d = dact_.view().segment(0, m * B * R);
    backend_->map_derivative<T>(spec_.activations[l - 2], z_[l - 1].view(), d);
    backend_->mul<T>(delta_[l - 1].view(), VectorView<const T>(d), delta_[l - 1].view());
  }
}

template <class T>
void EnsembleMlp<T>::backward(MatrixView<const T> cotangent, VectorView<T> grad,
                              MatrixView<T>* input_grad) {
  if (grad.size != replicas_ * n_params_)
    throw std::invalid_argument("EnsembleMlp::backward: gradient must hold R * P values");
  backward_deltas(cotangent);
  const index_t B = batch_, R = replicas_, P = n_params_;
  const Device dev = backend_->device();
  MatrixView<const T> ones_col(ones_.data(), B, 1, dev);
  if (fused_cpu()) cpu_fused::parameter_gradients(fused_layers<cpu_fused::Layers<T>>(), grad.data);
  for (index_t l = 1; l <= spec_.layers() && !fused_cpu(); ++l) {
    const index_t n = spec_.sizes[l], m = spec_.sizes[l - 1];
    MatrixView<T> gW(grad.data + spec_.weight_offset(l), n, m, dev);
    MatrixView<T> gb(grad.data + spec_.bias_offset(l), n, 1, dev);
    backend_->gemm_strided_batched<T>(Trans::no, Trans::yes, R, T(spec_.weight_scale(l)), delta(l),
                                   n * B, layer_input(l), layer_input_stride(l), T(0), gW, P);
    backend_->gemm_strided_batched<T>(Trans::no, Trans::no, R, T(spec_.bias_scale(l)), delta(l), n * B,
                                   ones_col, 0, T(0), gb, P);
  }
  if (input_grad) {
    const index_t n = spec_.sizes[1], m = spec_.n_in();
    if (input_grad->rows != m * B || input_grad->cols != R || !input_grad->contiguous())
      throw std::invalid_argument("EnsembleMlp::backward: input_grad must be (n_in*B) x R");
    MatrixView<const T> W(params_.data() + spec_.weight_offset(1), n, m, dev);
    MatrixView<T> G(input_grad->data, m, B, dev);
    backend_->gemm_strided_batched<T>(Trans::yes, Trans::no, R, T(spec_.weight_scale(1)), W, P,
                                   delta(1), n * B, T(0), G, m * B);
  }
}

template class EnsembleMlp<float>;
template class EnsembleMlp<double>;

}  // namespace fl::nn
