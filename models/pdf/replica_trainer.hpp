#pragma once
// Full-batch gradient descent of N_rep replicas of a PDF network on L = 1/2 chi^2 (or chi^2,
// "keras_chi2"), all replicas as one batched computation on the backend:
//   f = net(grid) (N_grid x R),  g = dL/df = s (M f - FK^T C^-1 Y),  theta -= eta J^T g.
// Continuous time t = eta T (1/2 chi^2) or 2 eta T (keras_chi2, s = 2).
// When the network runs its fused CPU path the whole epoch is one fused pass
// (nn::FusedQuadraticGd); otherwise (CUDA, or set_fused_cpu(false): the reference the tests
// compare with) it is a sequence of Backend operations.
#include <memory>
#include <vector>

#include <Eigen/Dense>

#include "core/buffer.hpp"
#include "models/kernels/empirical_ntk.hpp"
#include "models/nn/ensemble_mlp.hpp"
#include "models/nn/fused_gd_cpu.hpp"
#include "models/nn/input_features.hpp"
#include "models/pdf/fit_problem.hpp"

namespace fl::pdf {

template <class T>
class ReplicaTrainer {
 public:
  // Y: N_dat x R training data (column k for replica k).
  ReplicaTrainer(nn::EnsembleMlp<T>& net, const FitProblem& problem, const Eigen::MatrixXd& Y,
                 const Eigen::VectorXd& grid, nn::InputMap input, double learning_rate,
                 bool keras_chi2 = false);

  void step();  // one epoch of full-batch gradient descent
  std::int64_t epoch() const { return epoch_; }
  void set_epoch(std::int64_t e) { epoch_ = e; }
  double time() const { return (keras_ ? 2.0 : 1.0) * eta_ * static_cast<double>(epoch_); }
  double time_per_epoch() const { return (keras_ ? 2.0 : 1.0) * eta_; }

  Eigen::MatrixXd f();  // N_grid x R at the current parameters
  // Empirical NTK of every replica on the grid, replica k's N_grid x N_grid kernel.
  std::vector<Eigen::MatrixXd> ntk();

 private:
  nn::EnsembleMlp<T>* net_;
  Backend* backend_;
  index_t n_grid_, R_;
  double eta_;
  bool keras_;
  std::int64_t epoch_ = 0;
  Matrix<T> X_, M_, b_, g_;
  Buffer<T> grad_, theta_;
  kernels::EmpiricalNtk<T> ntk_;
  std::unique_ptr<nn::FusedQuadraticGd<T>> fused_;  // built at the first fused step
};

extern template class ReplicaTrainer<float>;
extern template class ReplicaTrainer<double>;

}  // namespace fl::pdf
