#include "models/vae/lstm_stack.hpp"

#include <cmath>

#include "models/music/melody.hpp"

namespace fl::vae {

template <class T>
LstmStack<T>::LstmStack(ParamSet<T>& params, const std::string& name, StackShape shape) : shape_(shape) {
  const index_t H = shape.hidden;
  init_ = Dense<T>(params, name + ".init", shape.init_from, 2 * shape.layers * H, shape.init_stddev);
  for (index_t l = 0; l < shape.layers; ++l)
    layers_.emplace_back(params, name + ".lstm" + std::to_string(l),
                         LstmShape{l == 0 ? shape.input : H, H, l == 0 ? shape.cond : 0});
}

template <class T>
void LstmStack<T>::begin(Backend& be, VaeEngine& eng, index_t steps, index_t N, MatrixView<const T> v,
                         MatrixView<const T> cond) {
  be_ = &be;
  v_ = v;
  steps_ = steps;
  N_ = N;
  const index_t H = shape_.hidden, R = 2 * shape_.layers * H;
  P_.ensure_size(be, R * N);
  A_.ensure_size(be, R * N);
  MatrixView<T> P(P_.data(), R, N, be.device()), A(A_.data(), R, N, be.device());
  init_.forward(be, v, P);
  be.map(UnaryOp::tanh, VectorView<const T>(P_.view()), A_.view());
  for (index_t l = 0; l < shape_.layers; ++l)
    layers_[l].begin(be, eng, steps, N, A.row_block(2 * l * H, H), A.row_block(2 * l * H + H, H),
                     l == 0 ? cond : MatrixView<const T>());
}

template <class T>
void LstmStack<T>::step(index_t t, MatrixView<const T> x_t) {
  layers_[0].step(t, x_t);
  for (std::size_t l = 1; l < layers_.size(); ++l) layers_[l].step(t, layers_[l - 1].h(t + 1));
}

template <class T>
void LstmStack<T>::forward(MatrixView<const T> X) {
  layers_[0].forward(X);
  for (std::size_t l = 1; l < layers_.size(); ++l) layers_[l].forward(layers_[l - 1].outputs());
}

template <class T>
void LstmStack<T>::step_tokens(index_t t, VectorView<const std::int32_t> tokens_t) {
  layers_[0].step_tokens(t, tokens_t);
  for (std::size_t l = 1; l < layers_.size(); ++l) layers_[l].step(t, layers_[l - 1].h(t + 1));
}

template <class T>
void LstmStack<T>::forward_tokens(VectorView<const std::int32_t> tokens) {
  layers_[0].forward_tokens(tokens);
  for (std::size_t l = 1; l < layers_.size(); ++l) layers_[l].forward(layers_[l - 1].outputs());
}

template <class T>
void LstmStack<T>::backward(MatrixView<const T> dTop, MatrixView<T> dv, MatrixView<T> dcond) {
  Backend& be = *be_;
  const index_t H = shape_.hidden, R = 2 * shape_.layers * H, L = shape_.layers, TN = steps_ * N_;
  dA_.ensure_size(be, R * N_);
  dX_.ensure_size(be, 2 * H * TN);  // ping-pong between two inter-layer gradient blocks
  MatrixView<T> dA(dA_.data(), R, N_, be.device());
  MatrixView<const T> dH = dTop;
  for (index_t l = L - 1; l >= 0; --l) {
    MatrixView<T> dX = l > 0 ? MatrixView<T>(dX_.data() + (l % 2) * H * TN, H, TN, be.device())
                             : MatrixView<T>();
    layers_[l].backward(dH, {}, {}, dX, dA.row_block(2 * l * H, H), dA.row_block(2 * l * H + H, H),
                        l == 0 ? dcond : MatrixView<T>());
    dH = dX;
  }
  // Through tanh: dP = dA * tanh'(P), stored in place in dA.
  Buffer<T>& tmp = A_;  // A is no longer needed after the layers' backward passes
  be.map_derivative(UnaryOp::tanh, VectorView<const T>(P_.view()), tmp.view());
  be.mul(VectorView<const T>(dA_.view()), VectorView<const T>(tmp.view()), dA_.view());
  init_.backward(be, v_, MatrixView<const T>(dA), dv);
}

template <class T>
MelodyDecoder<T>::MelodyDecoder(ParamSet<T>& params, const std::string& name, index_t hidden,
                                index_t layers, index_t cond_and_init, double init_stddev)
    : stack_(params, name,
             StackShape{music::kNumClasses, hidden, layers, cond_and_init, cond_and_init, init_stddev}),
      out_(params, name + ".out", hidden, music::kNumClasses, 1.0 / std::sqrt(double(hidden))) {}

template <class T>
void MelodyDecoder<T>::forward(Backend& be, VaeEngine& eng, index_t steps, index_t N, MatrixView<const T> v,
                               VectorView<const std::int32_t> inputs, double p_sample, bool argmax,
                               PhiloxKey key, std::uint64_t rng_step) {
  be_ = &be;
  steps_ = steps;
  N_ = N;
  const index_t K = music::kNumClasses, TN = steps * N;
  logits_.ensure_size(be, K * TN);
  MatrixView<T> Lg(logits_.data(), K, TN, be.device());
  stack_.begin(be, eng, steps, N, v, v);
  if (p_sample <= 0.0) {
    stack_.forward_tokens(inputs);
    out_.forward(be, stack_.outputs(), Lg);
    return;
  }
  tokens_.ensure_size(be, N);
  for (index_t t = 0; t < steps; ++t) {
    if (t == 0) {
      stack_.step_tokens(0, inputs.segment(0, N));
    } else {
      eng.choose_tokens(MatrixView<const T>(Lg.col_block((t - 1) * N, N)), inputs.segment(t * N, N),
                        p_sample, argmax, key, rng_step * static_cast<std::uint64_t>(steps) + t,
                        tokens_.view());
      stack_.step_tokens(t, VectorView<const std::int32_t>(tokens_.view()));
    }
    out_.forward(be, stack_.top_h(t + 1), Lg.col_block(t * N, N));
  }
}

template <class T>
void MelodyDecoder<T>::backward(MatrixView<const T> dlogits, MatrixView<T> dv) {
  Backend& be = *be_;
  const index_t H = out_.in(), TN = steps_ * N_, V = dv.rows;
  dtop_.ensure_size(be, H * TN);
  dcond_.ensure_size(be, V * N_);
  MatrixView<T> dtop(dtop_.data(), H, TN, be.device()), dcond(dcond_.data(), V, N_, be.device());
  out_.backward(be, stack_.outputs(), dlogits, dtop);
  stack_.backward(MatrixView<const T>(dtop), dv, dcond);
  be.axpy(T(1), VectorView<const T>(dcond_.view()), dv.flat());
}

template class LstmStack<float>;
template class LstmStack<double>;
template class MelodyDecoder<float>;
template class MelodyDecoder<double>;

}  // namespace fl::vae
