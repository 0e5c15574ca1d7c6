#include "models/nn/optimizer.hpp"

#include "core/error.hpp"

namespace fl::nn {

OptimizerKind optimizer_from_name(const std::string& name) {
  if (name == "gd") return OptimizerKind::gd;
  if (name == "momentum") return OptimizerKind::sgd_momentum;
  if (name == "adam") return OptimizerKind::adam;
  input_error("unknown optimizer '" + name + "' (known: gd, momentum, adam)");
}

template <class T>
Optimizer<T>::Optimizer(Backend& backend, index_t n_params, OptimizerParams params)
    : backend_(&backend), params_(params) {
  require(params_.learning_rate > 0, "learning_rate: must be positive");
  if (params_.kind != OptimizerKind::gd) m_ = Buffer<T>::zeros(backend, n_params);
  if (params_.kind == OptimizerKind::adam) v_ = Buffer<T>::zeros(backend, n_params);
}

template <class T>
void Optimizer<T>::step(VectorView<T> theta, VectorView<const T> grad) {
  ++steps_;
  switch (params_.kind) {
    case OptimizerKind::gd:
      if (params_.weight_decay > 0) backend_->scale<T>(T(1 - params_.learning_rate * params_.weight_decay), theta);
      backend_->axpy<T>(T(-params_.learning_rate), grad, theta);
      return;
    case OptimizerKind::sgd_momentum: {
      SgdParams p{params_.learning_rate, params_.momentum, params_.weight_decay};
      backend_->sgd_step<T>(p, theta, grad, m_.view());
      return;
    }
    case OptimizerKind::adam: {
      AdamParams p{params_.learning_rate, params_.beta1, params_.beta2, params_.eps, params_.weight_decay};
      backend_->adam_step<T>(p, steps_, theta, grad, m_.view(), v_.view());
      return;
    }
  }
}

template class Optimizer<float>;
template class Optimizer<double>;

}  // namespace fl::nn
