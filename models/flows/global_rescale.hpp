#pragma once
// Learnable global rescaling phi <- c phi, log q -= V ln c (c initialised to 1).
#include "models/flows/layer.hpp"

namespace fl::flows {

template <class T>
class GlobalRescale final : public Layer<T> {
 public:
  GlobalRescale(Backend& backend, FlowKernels<T>& kernels, int L, index_t param_offset);
  index_t n_params() const override { return 1; }
  void initialise(std::vector<T>& host, PhiloxKey) const override { host[offset_] = T(1); }
  void forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) override;
  void backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) override;
  std::string describe() const override { return "rescale"; }

 private:
  T read_scale(VectorView<const T> params) const;

  Backend& backend_;
  FlowKernels<T>& kernels_;
  index_t volume_, offset_;
  Matrix<T> out_[2];
};

}  // namespace fl::flows
