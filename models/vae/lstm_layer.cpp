#include "models/vae/lstm_layer.hpp"

#include <cmath>
#include <stdexcept>

#include "models/vae/dense.hpp"

namespace fl::vae {

namespace {
template <class T>
MatrixView<const T> cview(MatrixView<T> v) {
  return v;
}
}  // namespace

template <class T>
LstmLayer<T>::LstmLayer(ParamSet<T>& params, const std::string& name, LstmShape shape)
    : params_(&params), shape_(shape) {
  const index_t H = shape.hidden;
  // N(0, 1/fan_in) keeps the gate pre-activations O(1) at initialisation.
  const double s = 1.0 / std::sqrt(static_cast<double>(shape.input + H + shape.cond));
  if (shape.input > 0) Wx_ = params.add(name + ".Wx", 4 * H, shape.input, s);
  Wh_ = params.add(name + ".Wh", 4 * H, H, s);
  b_ = params.add(name + ".b", 4 * H, 1, 0.0);
  if (shape.cond > 0) Wc_ = params.add(name + ".Wc", 4 * H, shape.cond, s);
}

template <class T>
void LstmLayer<T>::begin(Backend& be, VaeEngine& eng, index_t steps, index_t N,
                         MatrixView<const T> h0, MatrixView<const T> c0, MatrixView<const T> cond) {
  be_ = &be;
  eng_ = &eng;
  T_ = steps;
  N_ = N;
  const index_t H = shape_.hidden;
  X_.ensure_size(be, shape_.input * steps * N);
  G_.ensure_size(be, 4 * H * steps * N);
  C_.ensure_size(be, H * (steps + 1) * N);
  H_.ensure_size(be, H * (steps + 1) * N);
  if (h0.data) be.copy(h0, block(H_, H, 0, N));
  else be.fill(block(H_, H, 0, N).flat(), T(0));
  if (c0.data) be.copy(c0, block(C_, H, 0, N));
  else be.fill(block(C_, H, 0, N).flat(), T(0));
  cond_ = cond;
  token_input_ = false;
  packed_ = be.device() == Device::cpu;
  if (packed_) Wh_packed_.pack(cview(params_->value(Wh_)), false);
  if (shape_.cond > 0) {
    GC_.ensure_size(be, 4 * H * N);
    be.gemm(Trans::no, Trans::no, T(1), cview(params_->value(Wc_)), cond, T(0), block(GC_, 4 * H, 0, N));
  }
}

template <class T>
void LstmLayer<T>::recurrent_step(index_t t) {
  const index_t H = shape_.hidden, N = N_;
  MatrixView<T> G = block(G_, 4 * H, t * N, N);
  if (shape_.cond > 0) be_->axpy(T(1), VectorView<const T>(GC_.view()), G.flat());
  if (packed_) Wh_packed_.multiply(cview(block(H_, H, t * N, N)), T(1), G);
  else be_->gemm(Trans::no, Trans::no, T(1), cview(params_->value(Wh_)), cview(block(H_, H, t * N, N)), T(1), G);
  eng_->lstm_forward_gates(G, VectorView<const T>(params_->value_vec(b_)), T(kForgetBias),
                           cview(block(C_, H, t * N, N)), block(C_, H, (t + 1) * N, N),
                           block(H_, H, (t + 1) * N, N));
}

template <class T>
void LstmLayer<T>::step(index_t t, MatrixView<const T> x_t) {
  const index_t H = shape_.hidden, N = N_, In = shape_.input;
  MatrixView<T> G = block(G_, 4 * H, t * N, N);
  if (In > 0) {
    be_->copy(x_t, block(X_, In, t * N, N));
    be_->gemm(Trans::no, Trans::no, T(1), cview(params_->value(Wx_)), x_t, T(0), G);
  } else {
    be_->fill(G.flat(), T(0));
  }
  recurrent_step(t);
}

template <class T>
void LstmLayer<T>::forward(MatrixView<const T> X) {
  const index_t H = shape_.hidden, TN = T_ * N_, In = shape_.input;
  MatrixView<T> G = block(G_, 4 * H, 0, TN);
  if (In > 0) {
    be_->copy(X, block(X_, In, 0, TN));
    be_->gemm(Trans::no, Trans::no, T(1), cview(params_->value(Wx_)), X, T(0), G);
  } else {
    be_->fill(G.flat(), T(0));
  }
  for (index_t t = 0; t < T_; ++t) recurrent_step(t);
}

template <class T>
void LstmLayer<T>::forward_tokens(VectorView<const std::int32_t> tokens) {
  const index_t H = shape_.hidden, TN = T_ * N_;
  if (shape_.input == 0 || tokens.size != TN) throw std::invalid_argument("LstmLayer::forward_tokens: bad shape");
  token_input_ = true;
  tokens_.ensure_size(*be_, TN);
  be_->copy(tokens, tokens_.view());
  eng_->gather_columns(cview(params_->value(Wx_)), tokens, block(G_, 4 * H, 0, TN));
  for (index_t t = 0; t < T_; ++t) recurrent_step(t);
}

template <class T>
void LstmLayer<T>::step_tokens(index_t t, VectorView<const std::int32_t> tokens_t) {
  const index_t H = shape_.hidden, N = N_;
  if (shape_.input == 0 || tokens_t.size != N) throw std::invalid_argument("LstmLayer::step_tokens: bad shape");
  if (t == 0) token_input_ = true;
  tokens_.ensure_size(*be_, T_ * N);
  be_->copy(tokens_t, tokens_.view().segment(t * N, N));
  eng_->gather_columns(cview(params_->value(Wx_)), tokens_t, block(G_, 4 * H, t * N, N));
  recurrent_step(t);
}

template <class T>
MatrixView<const T> LstmLayer<T>::outputs() const {
  return {H_.data() + shape_.hidden * N_, shape_.hidden, T_ * N_, H_.device()};
}
template <class T>
MatrixView<const T> LstmLayer<T>::h(index_t t) const {
  return {H_.data() + shape_.hidden * t * N_, shape_.hidden, N_, H_.device()};
}
template <class T>
MatrixView<const T> LstmLayer<T>::c(index_t t) const {
  return {C_.data() + shape_.hidden * t * N_, shape_.hidden, N_, C_.device()};
}

template <class T>
void LstmLayer<T>::backward(MatrixView<const T> dH, MatrixView<const T> dhT, MatrixView<const T> dcT,
                            MatrixView<T> dX, MatrixView<T> dh0, MatrixView<T> dc0, MatrixView<T> dcond) {
  Backend& be = *be_;
  const index_t H = shape_.hidden, N = N_, TN = T_ * N_, In = shape_.input;
  dG_.ensure_size(be, 4 * H * TN);
  dh_.ensure_size(be, H * N);
  dc_.ensure_size(be, H * N);
  MatrixView<T> dh = block(dh_, H, 0, N), dc = block(dc_, H, 0, N);
  if (dhT.data) be.copy(dhT, dh);
  else be.fill(dh.flat(), T(0));
  if (dcT.data) be.copy(dcT, dc);
  else be.fill(dc.flat(), T(0));
  const MatrixView<const T> Wh = params_->value(Wh_);
  if (packed_) WhT_packed_.pack(Wh, true);
  for (index_t t = T_ - 1; t >= 0; --t) {
    if (dH.data) {
      if (dH.contiguous()) be.axpy(T(1), dH.col_block(t * N, N).flat(), dh.flat());
      else throw std::invalid_argument("LstmLayer::backward: dH must be contiguous");
    }
    MatrixView<T> dG = block(dG_, 4 * H, t * N, N);
    eng_->lstm_backward_gates(cview(block(G_, 4 * H, t * N, N)), cview(block(C_, H, t * N, N)),
                              cview(block(C_, H, (t + 1) * N, N)), cview(dh), dc, dG);
    if (packed_) WhT_packed_.multiply(cview(dG), T(0), dh);
    else be.gemm(Trans::yes, Trans::no, T(1), Wh, cview(dG), T(0), dh);
  }
  if (dh0.data) be.copy(cview(dh), dh0);
  if (dc0.data) be.copy(cview(dc), dc0);
  const MatrixView<const T> dG_all = block(dG_, 4 * H, 0, TN);
  be.gemm(Trans::no, Trans::yes, T(1), dG_all, cview(block(H_, H, 0, TN)), T(1), params_->grad(Wh_));
  add_row_sums(be, dG_all, params_->grad(b_), ones_, T(1));
  if (In > 0 && token_input_) {
    if (dX.data) throw std::invalid_argument("LstmLayer::backward: no input gradient for token inputs");
    eng_->scatter_add_columns(dG_all, VectorView<const std::int32_t>(tokens_.view()), params_->grad(Wx_));
  } else if (In > 0) {
    be.gemm(Trans::no, Trans::yes, T(1), dG_all, cview(block(X_, In, 0, TN)), T(1), params_->grad(Wx_));
    if (dX.data) be.gemm(Trans::yes, Trans::no, T(1), cview(params_->value(Wx_)), dG_all, T(0), dX);
  }
  if (shape_.cond > 0) {
    // S = sum_t dG_t: dG viewed as (4H N) x T times a column of ones.
    S_.ensure_size(be, 4 * H * N);
    add_row_sums(be, MatrixView<const T>(dG_.data(), 4 * H * N, T_, be.device()),
                 block(S_, 4 * H * N, 0, 1), ones_, T(0));
    const MatrixView<const T> S(S_.data(), 4 * H, N, be.device());
    be.gemm(Trans::no, Trans::yes, T(1), S, cond_, T(1), params_->grad(Wc_));
    if (dcond.data) be.gemm(Trans::yes, Trans::no, T(1), cview(params_->value(Wc_)), S, T(0), dcond);
  }
}

template class LstmLayer<float>;
template class LstmLayer<double>;

}  // namespace fl::vae
