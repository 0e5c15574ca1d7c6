#pragma once
// `heads` fully connected networks of the same shape reading the same input (samples in
// columns), e.g. the s and t networks of an affine coupling:
//   Linear(n_in -> h_1) -> act -> ... -> Linear(h_k -> n_out) [-> tanh]   (per head)
// The heads' first layers are stacked into one (heads h_1) x n_in weight matrix, so the
// first-layer forward, weight gradient and input gradient are one GEMM each for all heads
// (the shared input is packed once); deeper layers act per head on row blocks of the stacked
// activations. Weights live in a slice of a flat parameter buffer owned by the flow, so one
// Adam step updates every layer. Bias-free nets with an odd activation are odd functions
// (the Z2-equivariant option).
#include <span>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/flows/flow_kernels.hpp"

namespace fl::flows {

struct DenseNetShape {
  index_t n_in = 0;
  std::vector<index_t> hidden;  // at least one hidden layer
  index_t n_out = 0;
  UnaryOp activation = UnaryOp::tanh;
  bool bias = true;
  bool final_tanh = false;
  int heads = 1;
};

template <class T>
class DenseNet {
 public:
  DenseNet(Backend& backend, FlowKernels<T>& kernels, DenseNetShape shape, index_t param_offset);
  index_t n_params() const { return n_params_; }
  index_t param_offset() const { return offset_; }
  const DenseNetShape& shape() const { return shape_; }

  // Uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)) weights and biases (PyTorch's default), written
  // into the host copy of the parameter vector.
  void initialise(std::vector<T>& host_params, PhiloxKey key) const;

  // outs[k] (n_out x B) = head_k(x_scale * x), x is n_in x B. `params` is the flow's flat
  // parameter buffer; the input scale enters as the first GEMM's alpha (no pass over x).
  void forward(VectorView<const T> params, MatrixView<const T> x, std::span<const MatrixView<T>> outs,
               T x_scale = T(1));
  // Given dL/d(outs[k]) (overwritten as scratch), writes the parameter gradients into this
  // net's slice of `grads` and, when g_x has columns, dL/dx into g_x (added when accumulate).
  void backward(VectorView<const T> params, std::span<const MatrixView<T>> g_outs, VectorView<T> grads,
                MatrixView<T> g_x, bool accumulate);

 private:
  std::size_t n_layers() const { return dims_.size() - 1; }
  index_t stacked_rows(std::size_t l) const { return shape_.heads * dims_[l + 1]; }
  // Layer 0: all heads stacked (head < 0); deeper layers: one head.
  MatrixView<const T> weight(VectorView<const T> p, std::size_t layer, int head) const;
  MatrixView<T> weight_grad(VectorView<T> g, std::size_t layer, int head) const;
  // The biases of every head of a layer, contiguous (heads * dims[l+1]).
  index_t bias_offset(std::size_t layer) const { return b_offset_[layer]; }
  // Rows of head k in a stacked (heads * rows) x B matrix.
  template <class U>
  static MatrixView<U> head_rows(MatrixView<U> m, index_t rows, int head) {
    return {m.data + head * rows, rows, m.cols, m.ld, m.device};
  }
  void ensure_batch(index_t batch);

  Backend& backend_;
  FlowKernels<T>& kernels_;
  DenseNetShape shape_;
  index_t offset_;
  index_t n_params_ = 0;
  std::vector<index_t> dims_;              // n_in, hidden..., n_out
  std::vector<index_t> w_offset_, b_offset_;
  index_t batch_ = -1;
  MatrixView<const T> input_;              // the last forward's input (caller keeps it alive)
  T input_scale_ = T(1);
  std::vector<MatrixView<T>> outputs_;     // the last forward's outputs (caller keeps them alive)
  std::vector<Matrix<T>> post_;            // per hidden layer: its activation, heads stacked
  Matrix<T> grad_a_, grad_b_;              // ping-pong gradient scratch, heads stacked
};

}  // namespace fl::flows
