#pragma once
// Checkerboard affine coupling (Albergo et al.; anvil's variant with input standardisation):
//   x = v_P / sigma,  v_A <- (v_A - t(x)) exp(-s(x)),  log q += sum_A s(x)
// s and t are separate dense networks (V/2 -> hidden... -> V/2), evaluated as the two heads of
// one DenseNet (their first layers share one GEMM). With z2 the networks have no biases and s
// is replaced by |s|, making the layer odd: f(-v) = -f(v).
#include "models/flows/dense_net.hpp"
#include "models/flows/layer.hpp"
#include "models/flows/standardised_input.hpp"

namespace fl::flows {

struct AffineSpec {
  int active = 0;                 // 0: update even sites from odd, 1: odd from even
  std::vector<index_t> hidden;
  UnaryOp activation = UnaryOp::tanh;
  bool final_tanh = false;
  bool z2 = true;
  bool standardise = true;        // divide the passive input by its batch standard deviation
};

template <class T>
class AffineCoupling final : public Layer<T> {
 public:
  AffineCoupling(Backend& backend, FlowKernels<T>& kernels, int L, const AffineSpec& spec,
                 index_t param_offset);
  index_t n_params() const override { return nets_.n_params(); }
  void initialise(std::vector<T>& host, PhiloxKey key) const override;
  void forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) override;
  void backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) override;
  std::string describe() const override;
  std::vector<double> frozen_state() const override { return {input_.sigma()}; }
  void set_frozen_state(const std::vector<double>& s) override;

 private:
  void ensure_batch(index_t batch);

  Backend& backend_;
  FlowKernels<T>& kernels_;
  AffineSpec spec_;
  index_t half_;
  DenseNet<T> nets_;  // head 0: s, head 1: t
  StandardisedInput<T> input_;
  index_t batch_ = -1;
  bool passive_needs_grad_ = true;
  Matrix<T> s_raw_, t_, out_, g_s_, g_t_, g_x_;
};

}  // namespace fl::flows
