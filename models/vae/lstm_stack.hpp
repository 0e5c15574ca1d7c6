#pragma once
// A stack of LSTM layers whose initial states come from a vector v per sequence,
// [h0, c0]_l = split(tanh(Dense(v))) (MusicVAE's decoder and conductor initialisation), and
// MelodyDecoder: such a stack reading the previous token (one-hot, 90) with a conditioning
// vector on every step, followed by a 90-way output layer.
#include <memory>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "models/vae/dense.hpp"
#include "models/vae/lstm_layer.hpp"

namespace fl::vae {

struct StackShape {
  index_t input = 0;
  index_t hidden = 0;
  index_t layers = 1;
  index_t cond = 0;       // conditioning of the first layer (0 = none)
  index_t init_from = 0;  // size of v
  double init_stddev = 0.001;  // of Dense(v) (MusicVAE: N(0, 0.001^2))
};

template <class T>
class LstmStack {
 public:
  LstmStack() = default;
  LstmStack(ParamSet<T>& params, const std::string& name, StackShape shape);

  void begin(Backend& be, VaeEngine& eng, index_t steps, index_t N, MatrixView<const T> v,
             MatrixView<const T> cond);
  void step(index_t t, MatrixView<const T> x_t);
  void forward(MatrixView<const T> X);
  // Token inputs of the first layer (LstmLayer::forward_tokens / step_tokens).
  void step_tokens(index_t t, VectorView<const std::int32_t> tokens_t);
  void forward_tokens(VectorView<const std::int32_t> tokens);
  MatrixView<const T> outputs() const { return layers_.back().outputs(); }
  MatrixView<const T> top_h(index_t t) const { return layers_.back().h(t); }
  // dTop: gradient w.r.t. outputs(). Writes dv (init_from x N) and dcond (cond x N) when given.
  void backward(MatrixView<const T> dTop, MatrixView<T> dv, MatrixView<T> dcond);

 private:
  StackShape shape_;
  Dense<T> init_;
  std::vector<LstmLayer<T>> layers_;
  Backend* be_ = nullptr;
  MatrixView<const T> v_;
  index_t steps_ = 0, N_ = 0;
  Buffer<T> P_, A_, dA_, dX_;  // init pre-activation, tanh(P), its gradient, inter-layer grads
};

template <class T>
class MelodyDecoder {
 public:
  MelodyDecoder() = default;
  MelodyDecoder(ParamSet<T>& params, const std::string& name, index_t hidden, index_t layers,
                index_t cond_and_init, double init_stddev = 0.001);

  // Decodes `steps` steps for N sequences. inputs (steps*N, step-major, device) are the
  // ground-truth previous tokens (-1 = zero input); p_sample = 0 is teacher forcing, else
  // from step 1 on each input is replaced with probability p_sample by a token drawn from
  // (or, with argmax, the argmax of) the previous step's softmax. Logits: 90 x steps*N.
  void forward(Backend& be, VaeEngine& eng, index_t steps, index_t N, MatrixView<const T> v,
               VectorView<const std::int32_t> inputs, double p_sample, bool argmax, PhiloxKey key,
               std::uint64_t rng_step);
  MatrixView<const T> logits() const { return {logits_.data(), 90, steps_ * N_, logits_.device()}; }
  // Back-propagates d logits into parameter gradients and dv = d(init) + d(cond).
  void backward(MatrixView<const T> dlogits, MatrixView<T> dv);

 private:
  LstmStack<T> stack_;
  Dense<T> out_;
  Backend* be_ = nullptr;
  index_t steps_ = 0, N_ = 0;
  Buffer<T> logits_, dtop_, dcond_;
  Buffer<std::int32_t> tokens_;
};

}  // namespace fl::vae
