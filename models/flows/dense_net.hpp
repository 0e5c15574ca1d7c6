#pragma once
// A fully connected network applied to a batch (samples in columns):
//   Linear(n_in -> h_1) -> act -> ... -> Linear(h_k -> n_out) [-> tanh]
// Its weights live in a slice of a flat parameter buffer owned by the flow, so one Adam step
// updates every layer. Forward caches what backward needs; all heavy work is Backend GEMMs.
// Bias-free nets with an odd activation are odd functions (the Z2-equivariant option).
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/flows/flow_kernels.hpp"

namespace fl::flows {

struct DenseNetShape {
  index_t n_in = 0;
  std::vector<index_t> hidden;
  index_t n_out = 0;
  UnaryOp activation = UnaryOp::tanh;
  bool bias = true;
  bool final_tanh = false;
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

  // out (n_out x B) = net(x_scale * x (n_in x B)). `params` is the flow's flat parameter
  // buffer; the input scale enters as the first GEMM's alpha (no pass over x).
  void forward(VectorView<const T> params, MatrixView<const T> x, MatrixView<T> out, T x_scale = T(1));
  // Given dL/dout (overwritten as scratch), writes this net's parameter gradients into its
  // slice of `grads` and, when g_x has columns, writes dL/dx into g_x (adds to it when
  // accumulate is true).
  void backward(VectorView<const T> params, MatrixView<T> g_out, VectorView<T> grads,
                MatrixView<T> g_x, bool accumulate);

 private:
  MatrixView<const T> weight(VectorView<const T> p, std::size_t layer) const;
  VectorView<const T> bias(VectorView<const T> p, std::size_t layer) const;
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
  MatrixView<const T> output_;             // the last forward's output (caller keeps it alive)
  std::vector<Matrix<T>> post_;            // per hidden layer: its activation
  Matrix<T> grad_a_, grad_b_;              // ping-pong gradient scratch
};

}  // namespace fl::flows
