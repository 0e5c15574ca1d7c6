#pragma once
// MusicVAE's encoder: a stack of bidirectional LSTM layers over the one-hot tokens. Layer
// l > 0 reads [h_fwd_t ; h_bwd_t] of layer l - 1 at every time t; the code is
// e = [h_fwd_T ; h_bwd_1] of the top layer (the final state of each direction).
// The backward direction runs its steps in reverse time order: its step s sees time T-1-s.
#include <cstdint>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "models/vae/lstm_layer.hpp"

namespace fl::vae {

template <class T>
class BiLstmEncoder {
 public:
  BiLstmEncoder() = default;
  // Parameter names: <name>.fwd / <name>.bwd for layer 0, <name>.fwd<l> / <name>.bwd<l> above.
  BiLstmEncoder(ParamSet<T>& params, const std::string& name, index_t input, index_t width, index_t layers);

  index_t width() const { return width_; }

  // tokens (steps N): entry t N + n = sequence n at time t, one-hot over `input` classes.
  // Writes e (2 width x N).
  void forward(Backend& be, VaeEngine& eng, index_t steps, index_t N, VectorView<const std::int32_t> tokens,
               MatrixView<T> e);
  // de: gradient w.r.t. e. Accumulates parameter gradients (no input gradient).
  void backward(MatrixView<const T> de);

 private:
  MatrixView<T> block(Buffer<T>& b, index_t rows, index_t cols) { return {b.data(), rows, cols, b.device()}; }

  index_t width_ = 0;
  std::vector<LstmLayer<T>> fwd_, bwd_;
  Backend* be_ = nullptr;
  index_t steps_ = 0, N_ = 0;
  std::vector<Buffer<T>> Y_;               // inputs of layers 1.., 2 width x steps N (time order)
  Buffer<T> dXf_, dXb_, dHf_, dHb_, tmp_;  // inter-layer gradients
};

}  // namespace fl::vae
