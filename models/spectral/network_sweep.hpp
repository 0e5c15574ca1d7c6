#pragma once
// Finite networks for the supervised map correlator -> spectral function:
// n_tau -> w -> w -> w -> n_omega, ReLU hidden layers, linear output, trained on MSE for each
// width w, as an ensemble of independent initialisations batched on the backend
// (models/nn/ensemble_mlp.hpp). Predictions are ensemble means (the finite-width counterpart of
// the NTK-GP mean, which is the mean over initialisations of infinitely wide networks).
#include <cstdint>
#include <string>
#include <vector>

#include "core/backend.hpp"

namespace fl::spectral {

struct NetworkSweepConfig {
  std::vector<std::int64_t> widths = {16, 64, 256};
  int hidden_layers = 3;
  bool ntk_parameterization = true;  // false: standard parameterisation (weights ~ N(0, 1/(3 fan_in)),
                                     // PyTorch's default variance; zero biases)
  double sigma_w = 3.0, sigma_b = 10.0;  // NTK parameterisation scales (as the kernels)
  int replicas = 4;
  int epochs = 20;
  int batch_size = 16;          // 0: full batch
  std::string optimizer = "adam";  // adam or gd
  double learning_rate = 1e-3;
  int lr_step = 0;              // StepLR: lr *= lr_gamma every lr_step iterations (0: never)
  double lr_gamma = 0.1;
  bool mean_loss = true;        // MSE averaged over outputs and batch (PyTorch); false: 1/2 sum (gradient flow)
  bool shuffle = true;
  // Replicas in pairs whose readout layer (W_L, b_L) has opposite signs: in the linearised
  // (wide) regime the initial function cancels exactly in the pair mean, leaving the NTK-GP
  // mean plus finite-width corrections (variance reduction for the ensemble mean).
  bool antithetic = false;

  void validate(const std::string& where = "nn") const;
};

struct WidthResult {
  std::int64_t width = 0;
  std::vector<double> ensemble_mean_central;               // prediction for test input 0
  std::vector<std::vector<double>> ensemble_mean_samples;  // test inputs 1..
  double final_loss = 0.0;         // training MSE (mean over replicas, outputs and samples)
  double replica_spread_l2 = 0.0;  // RMS over replicas of ||f_r - mean|| at test input 0 (Euclidean, per bin)
  double seconds = 0.0;
  std::int64_t samples_processed = 0;  // training samples x replicas (throughput accounting)
};

// X: n_tau x N training correlators, Y: n_omega x N targets, Xtest: n_tau x M (column 0 central).
std::vector<WidthResult> train_width_sweep(Backend& backend, const NetworkSweepConfig& config,
                                           MatrixView<const double> X, MatrixView<const double> Y,
                                           MatrixView<const double> Xtest, std::uint32_t seed, bool quiet);

}  // namespace fl::spectral
