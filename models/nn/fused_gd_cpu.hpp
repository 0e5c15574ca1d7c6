#pragma once
// One full-batch gradient-descent epoch of every replica of a scalar-output EnsembleMlp on
// the per-replica quadratic loss
//   L_r = s (1/2 f_r^T M f_r - c_r^T f_r),   f_r = net_r(X) on B inputs shared by all replicas
// (the PDF fit: M = FK^T C^-1 FK, c_r = FK^T C^-1 Y_r, s = 1 for 1/2 chi^2), fused on the CPU.
//
// Why: the generic path issues one batched GEMM per layer and operation over 100 replicas of
// tiny matrices (50 x 25 x 20) and spends most of its time in scalar tanh calls. Here the
// replicas are processed in groups of kLanes (models/nn/lane_math.hpp): the group's
// parameters are interleaved so every operation of the network is one SIMD operation over
// the group, the products use 4 x 4 register tiles, tanh is vectorised and its derivative
// taken from the output, and forward, dL/df, back-propagation and the update
// theta -= eta dL/dtheta run in one pass on per-thread scratch that stays in cache (no
// allocation per epoch). OpenMP over groups. Equal to EnsembleMlp::forward/backward + axpy
// up to round-off (tests/nn/fused_gd_test.cpp).
#include <vector>

#include "models/nn/lane_math.hpp"
#include "models/nn/mlp_spec.hpp"

namespace fl::nn {

template <class T>
class FusedQuadraticGd {
 public:
  // X: n_in x B inputs (column-major), M: B x B, c: B x R (column r for replica r), all copied.
  FusedQuadraticGd(const MlpSpec& spec, index_t replicas, index_t B, const T* X, const T* M, const T* c,
                   T loss_scale);

  // params: R * P values in the EnsembleMlp layout (replica r at r * P), updated in place.
  void step(T* params, T learning_rate);

 private:
  using V = lanes::Lanes<T>;
  struct Scratch {
    std::vector<V> theta;              // the group's parameters, one vector per parameter
    std::vector<std::vector<V>> a, d;  // per layer l = 1..L: activations and act'(z), n_l x B
    std::vector<V> delta, delta_prev;  // dL/dz of the current and the previous layer
    std::vector<V> c;                  // the group's c_r, B
  };
  void group_step(index_t first_replica, T* params, T learning_rate, Scratch& s) const;
  void forward(Scratch& s) const;
  void backward_and_update(Scratch& s, T learning_rate) const;

  MlpSpec spec_;
  index_t R_, B_, P_;
  std::vector<V> input_;  // n_in x B, the same in every lane
  std::vector<T> M_, c_;
  T scale_;
  std::vector<Scratch> scratch_;  // one per OpenMP thread
};

extern template class FusedQuadraticGd<float>;
extern template class FusedQuadraticGd<double>;

}  // namespace fl::nn
