#pragma once
// Checkerboard rational-quadratic spline coupling: v_A <- g_theta(x)(v_A), element-wise, with
// theta = net(x), x = standardised v_P; K segments on [-a, a], identity outside (counted: a
// warning is due when more than 0.1% of inputs fall outside). Networks keep their biases
// (no Z2 symmetry, as recommended by anvil v1.0).
#include "models/flows/dense_net.hpp"
#include "models/flows/layer.hpp"
#include "models/flows/standardised_input.hpp"

namespace fl::flows {

struct SplineSpec {
  int active = 0;
  std::vector<index_t> hidden;
  UnaryOp activation = UnaryOp::tanh;
  int knots = 8;
  double interval = 5.0;
  bool standardise = true;
};

template <class T>
class SplineCoupling final : public Layer<T> {
 public:
  SplineCoupling(Backend& backend, FlowKernels<T>& kernels, int L, const SplineSpec& spec, index_t param_offset);
  index_t n_params() const override { return net_.n_params(); }
  void initialise(std::vector<T>& host, PhiloxKey key) const override { net_.initialise(host, key); }
  void forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) override;
  void backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) override;
  std::string describe() const override;
  std::vector<double> frozen_state() const override { return {input_.sigma()}; }
  void set_frozen_state(const std::vector<double>& s) override;
  // Fraction of inputs outside [-a, a] in the last forward pass.
  double outside_fraction() const { return outside_fraction_; }

 private:
  Backend& backend_;
  FlowKernels<T>& kernels_;
  SplineSpec spec_;
  index_t half_;
  DenseNet<T> net_;
  StandardisedInput<T> input_;
  Matrix<T> theta_, in_, g_theta_, g_x_;
  double outside_fraction_ = 0;
  bool passive_needs_grad_ = true;
};

}  // namespace fl::flows
