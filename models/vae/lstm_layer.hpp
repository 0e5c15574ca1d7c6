#pragma once
// One LSTM layer over a batch of sequences, with a hand-written backward pass (BPTT).
// Inputs x_t (In x N), an optional conditioning vector per sequence (Cd x N, e.g. the
// latent z) that enters every step's gates as if concatenated to x_t, and an optional
// initial state. GEMMs go through the Backend; the gate math is the engine's fused op.
// Column t*N + n of the sequence matrices is sequence n at step t.
#include <cstdint>
#include <string>

#include "core/buffer.hpp"
#include "models/vae/packed_gemm.hpp"
#include "models/vae/params.hpp"
#include "models/vae/vae_engine.hpp"

namespace fl::vae {

struct LstmShape {
  index_t input = 0;  // may be 0 (the conductor has no inputs)
  index_t hidden = 0;
  index_t cond = 0;   // 0 = no conditioning
};

template <class T>
class LstmLayer {
 public:
  static constexpr double kForgetBias = 1.0;  // TensorFlow LSTMBlockCell default

  LstmLayer() = default;
  LstmLayer(ParamSet<T>& params, const std::string& name, LstmShape shape);

  const LstmShape& shape() const { return shape_; }

  // Starts a pass over `steps` steps for N sequences. Empty views (data == nullptr) for
  // h0/c0 mean a zero state; cond must be given iff shape.cond > 0 and must stay valid
  // until backward() returns.
  void begin(Backend& be, VaeEngine& eng, index_t steps, index_t N, MatrixView<const T> h0,
             MatrixView<const T> c0, MatrixView<const T> cond);
  // One step with input x_t (In x N); steps must be taken in order t = 0, 1, ...
  void step(index_t t, MatrixView<const T> x_t);
  // All steps at once (inputs known in advance): one input GEMM, then the recurrence.
  void forward(MatrixView<const T> X);
  // Token inputs: x = one-hot(token) over `input` classes (a token < 0 = zero input), without
  // forming the one-hot matrix: the input projection gathers columns of Wx, its gradient
  // scatter-adds them (no dX). A pass uses either matrix or token inputs.
  void forward_tokens(VectorView<const std::int32_t> tokens);      // steps N tokens
  void step_tokens(index_t t, VectorView<const std::int32_t> tokens_t);  // N tokens

  MatrixView<const T> outputs() const;       // h_1..h_T, H x T N
  MatrixView<const T> h(index_t t) const;     // h_t for t = 0..T (0 = initial state)
  MatrixView<const T> c(index_t t) const;

  // Back-propagation through time. dH: gradient w.r.t. outputs() (may be empty); dhT, dcT:
  // gradients w.r.t. the final state (may be empty). Accumulates parameter gradients;
  // writes dX (In x T N), dh0, dc0 (H x N) and dcond (Cd x N) when those views are given.
  void backward(MatrixView<const T> dH, MatrixView<const T> dhT, MatrixView<const T> dcT,
                MatrixView<T> dX, MatrixView<T> dh0, MatrixView<T> dc0, MatrixView<T> dcond);

 private:
  MatrixView<T> block(Buffer<T>& b, index_t rows, index_t col0, index_t cols) {
    return {b.data() + rows * col0, rows, cols, b.device()};
  }
  void recurrent_step(index_t t);

  ParamSet<T>* params_ = nullptr;
  LstmShape shape_;
  ParamSlot Wx_, Wh_, b_, Wc_;
  Backend* be_ = nullptr;
  VaeEngine* eng_ = nullptr;
  index_t T_ = 0, N_ = 0;
  MatrixView<const T> cond_;
  Buffer<T> X_, G_, C_, H_, GC_;  // inputs, gate activations, cell and hidden states, Wc cond
  Buffer<T> dG_, dh_, dc_, S_, ones_;
  Buffer<std::int32_t> tokens_;  // token inputs of this pass
  // CPU: W_h and W_h^T packed once per pass for the per-step products (CUDA: cuBLAS).
  bool packed_ = false;
  PackedMatrix<T> Wh_packed_, WhT_packed_;
  bool token_input_ = false;
};

}  // namespace fl::vae
