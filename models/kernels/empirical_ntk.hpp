#pragma once
// Empirical NTK Theta = J J^T of every replica of a scalar-output EnsembleMlp on B inputs,
// built from layer-wise per-sample factors instead of the Jacobian J (B x P):
//   Theta = sum_l (D_l^T D_l) o (alpha_l^2 A_{l-1}^T A_{l-1} + beta_l^2 1 1^T),
// D_l = df/dz_l (n_l x B, back-propagated from a unit cotangent), A_{l-1} the layer's input.
// Every product is one gemm_strided_batched over replicas on the network's backend.
#include "core/buffer.hpp"
#include "models/nn/ensemble_mlp.hpp"

namespace fl::kernels {

template <class T>
class EmpiricalNtk {
 public:
  explicit EmpiricalNtk(Backend& backend) : backend_(&backend) {}

  // theta: R * B * B values, replica r's B x B kernel (column-major) at offset r * B * B.
  // Runs a forward pass of `net` on X (n_0 x B, shared by the replicas).
  void compute(nn::EnsembleMlp<T>& net, MatrixView<const T> X, VectorView<T> theta);

 private:
  void ensure(index_t R, index_t B);
  Backend* backend_;
  index_t R_ = 0, B_ = 0;
  Buffer<T> ones_, delta_gram_, input_gram_;
};

extern template class EmpiricalNtk<float>;
extern template class EmpiricalNtk<double>;

}  // namespace fl::kernels
