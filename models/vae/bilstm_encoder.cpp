#include "models/vae/bilstm_encoder.hpp"

namespace fl::vae {

namespace {
// dst column block t = src column block (steps - 1 - t), blocks of N columns.
template <class T>
void copy_time_reversed(Backend& be, MatrixView<const T> src, MatrixView<T> dst, index_t steps, index_t N) {
  for (index_t t = 0; t < steps; ++t)
    be.copy(src.col_block((steps - 1 - t) * N, N), dst.col_block(t * N, N));
}
}  // namespace

template <class T>
BiLstmEncoder<T>::BiLstmEncoder(ParamSet<T>& params, const std::string& name, index_t input, index_t width,
                                index_t layers)
    : width_(width) {
  for (index_t l = 0; l < layers; ++l) {
    const std::string suffix = l == 0 ? "" : std::to_string(l);
    const LstmShape shape{l == 0 ? input : 2 * width, width, 0};
    fwd_.emplace_back(params, name + ".fwd" + suffix, shape);
    bwd_.emplace_back(params, name + ".bwd" + suffix, shape);
  }
}

template <class T>
void BiLstmEncoder<T>::forward(Backend& be, VaeEngine& eng, index_t steps, index_t N,
                               VectorView<const std::int32_t> tokens, MatrixView<T> e) {
  be_ = &be;
  steps_ = steps;
  N_ = N;
  const index_t E = width_, layers = static_cast<index_t>(fwd_.size());
  Y_.resize(static_cast<std::size_t>(layers));
  MatrixView<const T> in;  // input of layers 1..
  for (index_t l = 0; l < layers; ++l) {
    fwd_[l].begin(be, eng, steps, N, {}, {}, {});
    bwd_[l].begin(be, eng, steps, N, {}, {}, {});
    if (l == 0) {
      fwd_[0].forward_tokens(tokens);
      for (index_t s = 0; s < steps; ++s) bwd_[0].step_tokens(s, tokens.segment((steps - 1 - s) * N, N));
    } else {
      fwd_[l].forward(in);
      for (index_t s = 0; s < steps; ++s) bwd_[l].step(s, in.col_block((steps - 1 - s) * N, N));
    }
    if (l + 1 == layers) break;
    Y_[l + 1].ensure_size(be, 2 * E * steps * N);
    MatrixView<T> Y = block(Y_[l + 1], 2 * E, steps * N);
    be.copy(fwd_[l].outputs(), Y.row_block(0, E));
    copy_time_reversed(be, bwd_[l].outputs(), Y.row_block(E, E), steps, N);
    in = Y;
  }
  be.copy(fwd_.back().h(steps), e.row_block(0, E));
  be.copy(bwd_.back().h(steps), e.row_block(E, E));
}

template <class T>
void BiLstmEncoder<T>::backward(MatrixView<const T> de) {
  Backend& be = *be_;
  const index_t E = width_, TN = steps_ * N_, layers = static_cast<index_t>(fwd_.size());
  MatrixView<const T> dHf, dHb;  // gradients w.r.t. the layer's outputs (none for the top layer)
  MatrixView<const T> dhTf = de.row_block(0, E), dhTb = de.row_block(E, E);
  for (index_t l = layers - 1; l >= 0; --l) {
    if (l == 0) {
      fwd_[0].backward(dHf, dhTf, {}, {}, {}, {}, {});
      bwd_[0].backward(dHb, dhTb, {}, {}, {}, {}, {});
      break;
    }
    dXf_.ensure_size(be, 2 * E * TN);
    dXb_.ensure_size(be, 2 * E * TN);
    MatrixView<T> dXf = block(dXf_, 2 * E, TN), dXb = block(dXb_, 2 * E, TN);
    fwd_[l].backward(dHf, dhTf, {}, dXf, {}, {}, {});
    bwd_[l].backward(dHb, dhTb, {}, dXb, {}, {}, {});
    // Layer l-1's forward outputs (time order) receive rows 0..E of both input gradients,
    // its backward outputs (step order) rows E..2E; dXb is in step order, i.e. reversed time.
    dHf_.ensure_size(be, E * TN);
    dHb_.ensure_size(be, E * TN);
    tmp_.ensure_size(be, E * TN);
    MatrixView<T> f = block(dHf_, E, TN), b = block(dHb_, E, TN), tmp = block(tmp_, E, TN);
    be.copy(MatrixView<const T>(dXf.row_block(0, E)), f);
    copy_time_reversed(be, MatrixView<const T>(dXb.row_block(0, E)), tmp, steps_, N_);
    be.axpy(T(1), VectorView<const T>(tmp_.view()), dHf_.view());
    be.copy(MatrixView<const T>(dXb.row_block(E, E)), b);
    copy_time_reversed(be, MatrixView<const T>(dXf.row_block(E, E)), tmp, steps_, N_);
    be.axpy(T(1), VectorView<const T>(tmp_.view()), dHb_.view());
    dHf = f;
    dHb = b;
    dhTf = dhTb = {};
  }
}

template class BiLstmEncoder<float>;
template class BiLstmEncoder<double>;

}  // namespace fl::vae
