#pragma once
// N_rep independent replicas of one MLP architecture, evaluated and trained as a single
// batched computation: every layer is one gemm_strided_batched over replicas on the Backend.
//
// Storage (all on the backend's device):
//   parameters  R * P, replica r at offset r * P (layout in MlpSpec)
//   inputs      n_0 x B per replica (shared by all replicas: replica stride 0)
//   per layer   z_l, a_l, delta_l: n_l x B per replica, replica r at offset r * n_l * B
//   outputs     a_L seen as an (n_L * B) x R matrix: column r is replica r
#include <cstdint>
#include <vector>

#include "core/buffer.hpp"
#include "models/nn/mlp_spec.hpp"

namespace fl::nn {

template <class T>
class EnsembleMlp {
 public:
  EnsembleMlp(Backend& backend, MlpSpec spec, index_t replicas);

  const MlpSpec& spec() const { return spec_; }
  Backend& backend() const { return *backend_; }
  index_t replicas() const { return replicas_; }
  index_t n_params() const { return n_params_; }

  // Draws the parameters of replica r from the Philox stream (seed, first_stream + r), so a
  // replica's weights do not depend on how many replicas are trained together.
  void initialize(std::uint32_t seed, std::uint32_t first_stream = 0);

  VectorView<T> parameters() { return params_.view(); }
  VectorView<const T> parameters() const { return params_.view(); }
  VectorView<T> replica_parameters(index_t r) { return params_.view().segment(r * n_params_, n_params_); }
  std::vector<T> parameters_host() const { return params_.to_host(); }
  void set_parameters_host(const std::vector<T>& all);  // R * P values

  // Forward pass on B inputs (X: n_0 x B). replica_stride = 0 shares X between replicas;
  // n_0 * B (with X pointing at replica 0) gives each replica its own inputs. Caches what
  // backward() needs. Returns the outputs, (n_L * B) x R.
  MatrixView<const T> forward(MatrixView<const T> X, index_t replica_stride = 0);
  MatrixView<const T> output() const;

  // Back-propagation of an output cotangent (same shape as the output) through the last
  // forward pass: grad (R * P) receives d<cotangent, f>/d theta for every replica. When
  // input_grad is given ((n_0 * B) x R) it receives the cotangent pulled back to the inputs.
  void backward(MatrixView<const T> cotangent, VectorView<T> grad,
                MatrixView<T>* input_grad = nullptr);

  // Only the deltas delta_l = d<cotangent, f>/d z_l (what the empirical NTK contracts).
  void backward_deltas(MatrixView<const T> cotangent);

  // Cached factors of the last forward/backward, per replica n_l x B with replica stride
  // n_l * B. layer_input(l) is a_{l-1} (the inputs for l = 1, with input_stride()).
  index_t batch() const { return batch_; }
  MatrixView<const T> layer_input(index_t l) const;
  index_t layer_input_stride(index_t l) const;
  MatrixView<const T> delta(index_t l) const;
  index_t delta_stride(index_t l) const { return spec_.sizes[l] * batch_; }

  // On the CPU backend the passes run fused (one OpenMP loop over replicas, models/nn/
  // ensemble_mlp_cpu.*); false forces the generic Backend-op path (tests compare the two).
  void set_fused_cpu(bool on) { fused_cpu_ = on; }
  bool fused_cpu() const { return fused_cpu_ && backend_->device() == Device::cpu; }

 private:
  void ensure_batch(index_t B);
  template <class Layers> Layers fused_layers() const;

  Backend* backend_;
  MlpSpec spec_;
  index_t replicas_;
  index_t n_params_;
  Buffer<T> params_;
  index_t batch_ = 0;
  MatrixView<const T> input_;
  index_t input_stride_ = 0;
  std::vector<Buffer<T>> z_, a_, delta_;  // index l = 1..L (entry 0 unused)
  Buffer<T> ones_, dact_;
  bool fused_cpu_ = true;
};

extern template class EnsembleMlp<float>;
extern template class EnsembleMlp<double>;

}  // namespace fl::nn
