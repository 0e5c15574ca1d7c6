#pragma once
// A flow layer acting on a batch of checkerboard-split fields (sampling direction z -> phi).
// Forward updates the fields in place and adds the layer's contribution to log q; backward
// turns dL/d(output) into dL/d(input) (in place in batch.grad) and writes the layer's
// parameter gradients into its slice of the flat gradient vector.
#include <memory>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "models/flows/flow_kernels.hpp"

namespace fl::flows {

// train: batch statistics (input standardisation) are measured on this batch and stored;
// frozen: the stored statistics are used, so q is a fixed density (needed for exact MH).
enum class FlowMode { train, frozen };

template <class T>
struct FlowBatch {
  Matrix<T> half[2];       // even and odd sites, (V/2) x B each
  Buffer<double> log_q;    // per sample, float64
  Buffer<double> action;   // per sample, float64
  Matrix<T> grad[2];       // dL/d(fields) during backward
  // Whether a layer has changed the half since the base sample: a half still equal to z
  // needs no gradient (z does not depend on the parameters), so its backward GEMMs are skipped.
  bool modified[2] = {false, false};
  index_t size() const { return half[0].cols(); }
};

template <class T>
FlowBatch<T> make_flow_batch(Backend& backend, int L, index_t batch) {
  const index_t h = static_cast<index_t>(L) * L / 2;
  FlowBatch<T> b;
  for (int p = 0; p < 2; ++p) {
    b.half[p] = Matrix<T>(backend, h, batch);
    b.grad[p] = Matrix<T>(backend, h, batch);
  }
  b.log_q = Buffer<double>(backend, batch);
  b.action = Buffer<double>(backend, batch);
  return b;
}

template <class T>
class Layer {
 public:
  virtual ~Layer() = default;
  virtual index_t n_params() const = 0;
  virtual void initialise(std::vector<T>& host_params, PhiloxKey key) const = 0;
  virtual void forward(FlowBatch<T>& batch, VectorView<const T> params, FlowMode mode) = 0;
  // w = dL/d(log q) of every sample (1/B for the mean reverse-KL loss).
  virtual void backward(FlowBatch<T>& batch, VectorView<const T> params, VectorView<T> grads, T w) = 0;
  virtual std::string describe() const = 0;
  // Statistics frozen for sampling (saved in checkpoints).
  virtual std::vector<double> frozen_state() const { return {}; }
  virtual void set_frozen_state(const std::vector<double>&) {}
};

}  // namespace fl::flows
