#pragma once
// Gaussian-process predictions of the infinite-width networks, all on the Backend
// (Cholesky / eigh + GEMMs). Training inputs X (N of them), test inputs x*, targets Y with one
// COLUMN per training sample (n_out x N; here n_out = N_omega bins sharing one kernel).
// Kernel blocks: K = K(X, X) (N x N), K_x = K(X, x*) (N x n*), K_xx = K(x*, x*) (n* x n*),
// likewise Theta for the NTK.
//
// NNGP (a Bayesian posterior, prior GP(0, K), noiseless or with diag_reg as noise):
//   mean = Y K^{-1} K_x,   cov = K_xx - K_x^T K^{-1} K_x.
// NTK-GP (Lee et al. 2019): the distribution over initialisations of an infinitely wide network
// trained by gradient flow on MSE for time t (eta t in units of the learning rate),
//   M_t = Theta^{-1} (I - e^{-eta Theta t}),  B = M_t Theta_x,
//   mean = Y B,   cov = K_xx + B^T K B - B^T K_x - K_x^T B.
// It is NOT a posterior: the network at t -> inf is the deterministic interpolant
// Theta(x, X) Theta^{-1} Y plus the initial function f_0 with its training values projected out;
// cov is the spread of that random function over initialisations, which equals a posterior
// covariance only when Theta is proportional to K. There is no prior/likelihood pair for
// which this is the conditional distribution.
#include "core/buffer.hpp"

namespace fl::spectral {

struct GpOptions {
  double diag_reg = 0.0;          // added to the training diagonal, relative to its mean (as neural-tangents)
  CholeskyOptions cholesky = {};  // jitter schedule if the (regularised) matrix is still indefinite
};

struct GpPrediction {
  Matrix<double> mean;        // n_out x n*
  Matrix<double> covariance;  // n* x n*
  CholeskyInfo info;          // jitter the solve needed (0 for the eigendecomposition path)
  double diag_added = 0.0;    // absolute diag_reg added
};

struct KernelBlocks {
  MatrixView<const double> train;  // N x N
  MatrixView<const double> cross;  // N x n*
  MatrixView<const double> test;   // n* x n*
};

GpPrediction nngp_posterior(Backend& backend, const KernelBlocks& K, MatrixView<const double> Y,
                            const GpOptions& options = {});
// t -> infinity (Cholesky of Theta).
GpPrediction ntk_gp_infinite_time(Backend& backend, const KernelBlocks& theta, const KernelBlocks& K,
                                  MatrixView<const double> Y, const GpOptions& options = {});
// Finite eta * t (eigendecomposition of Theta; eigenvalues <= 0 are treated as 0, whose
// factor (1 - e^{-lambda t})/lambda -> t).
GpPrediction ntk_gp_at_time(Backend& backend, const KernelBlocks& theta, const KernelBlocks& K,
                            MatrixView<const double> Y, double eta_t, const GpOptions& options = {});

}  // namespace fl::spectral
