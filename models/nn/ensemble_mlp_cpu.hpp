#pragma once
// Fused CPU path of EnsembleMlp: one OpenMP loop over replicas per pass (instead of one
// backend call per layer and operation), each replica's layers as Eigen products on host
// memory; tanh vectorised (models/nn/lane_math.hpp) and its derivative taken from the cached
// output. Same layout and results as the generic Backend path (tested against it).
#include <vector>

#include "models/nn/mlp_spec.hpp"

namespace fl::nn::cpu_fused {

template <class T>
struct Layers {
  const MlpSpec* spec;
  index_t R, B, P;
  const T* params;
  const T* input;          // n_0 x B (replica r at input + r * input_stride)
  index_t input_stride;
  std::vector<T*> z, a, delta;  // per layer l = 1..L: n_l x B per replica, stride n_l * B
};

template <class T> void forward(const Layers<T>& L);
template <class T> void deltas(const Layers<T>& L, const T* cotangent);
template <class T> void parameter_gradients(const Layers<T>& L, T* grad);

}  // namespace fl::nn::cpu_fused
