#pragma once
// The conditioner input of a coupling layer: the passive half divided by its standard
// deviation over the batch and sites (anvil's input standardisation, a single scalar).
// In train mode sigma is measured on the batch (and its gradient flows back); in frozen mode
// the last measured sigma is a constant, so q is a fixed density.
// The division is not applied to the data: the network's first GEMM takes 1/sigma as its
// scale factor (ScaledInput), which saves a pass over the batch, and in frozen mode (no
// backward follows) the passive half is used in place without a copy.
#include "core/buffer.hpp"
#include "models/flows/flow_kernels.hpp"
#include "models/flows/layer.hpp"

namespace fl::flows {

// The network input is scale * values.
template <class T>
struct ScaledInput {
  MatrixView<const T> values;
  T scale = T(1);
};

template <class T>
class StandardisedInput {
 public:
  StandardisedInput(Backend& backend, FlowKernels<T>& kernels, bool enabled)
      : backend_(backend), kernels_(kernels), enabled_(enabled) {}

  // x = v / sigma (or v when disabled). In train mode v is copied (later layers overwrite it
  // before backward needs it); in frozen mode the returned view aliases v.
  ScaledInput<T> forward(MatrixView<const T> v, FlowMode mode);
  // g_v += dL/dv given dL/dx (after a train-mode forward).
  void backward(MatrixView<const T> g_x, MatrixView<T> g_v);
  double sigma() const { return sigma_; }
  void set_sigma(double s) { sigma_ = s; }

 private:
  Backend& backend_;
  FlowKernels<T>& kernels_;
  bool enabled_;
  double sigma_ = 1.0, v_mean_ = 0.0;
  bool batch_stats_ = false;
  Matrix<T> v_;  // train mode: the input, unscaled
};

}  // namespace fl::flows
