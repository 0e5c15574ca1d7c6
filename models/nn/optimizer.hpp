#pragma once
// Optimisers over a flat parameter vector (all replicas at once: the updates are
// element-wise, so replicas stay independent). State lives on the parameters' backend.
#include <cstdint>
#include <string>

#include "core/buffer.hpp"

namespace fl::nn {

enum class OptimizerKind : std::uint8_t { gd, sgd_momentum, adam };
OptimizerKind optimizer_from_name(const std::string& name);  // "gd", "momentum", "adam"

struct OptimizerParams {
  OptimizerKind kind = OptimizerKind::gd;
  double learning_rate = 1e-3;
  double momentum = 0.9;  // sgd_momentum only
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // adam only
  double weight_decay = 0.0;
};

template <class T>
class Optimizer {
 public:
  Optimizer(Backend& backend, index_t n_params, OptimizerParams params);
  // theta <- update(theta, grad). Plain GD is theta -= lr * grad.
  void step(VectorView<T> theta, VectorView<const T> grad);
  std::int64_t steps() const { return steps_; }
  const OptimizerParams& params() const { return params_; }

 private:
  Backend* backend_;
  OptimizerParams params_;
  Buffer<T> m_, v_;
  std::int64_t steps_ = 0;
};

extern template class Optimizer<float>;
extern template class Optimizer<double>;

}  // namespace fl::nn
