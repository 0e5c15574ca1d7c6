#include "models/spectral/gp_regression.hpp"

#include <cmath>
#include <stdexcept>

namespace fl::spectral {
namespace {

void check_blocks(const KernelBlocks& k, MatrixView<const double> Y, const char* what) {
  const index_t n = k.train.rows;
  if (k.train.cols != n || k.cross.rows != n || k.test.rows != k.cross.cols || k.test.cols != k.cross.cols ||
      Y.cols != n)
    throw std::invalid_argument(std::string(what) + ": inconsistent kernel block / target shapes");
}

// A (contiguous, square) += value * I, via the diagonal seen as a 1 x N view with stride N + 1.
double add_relative_diagonal(Backend& backend, Matrix<double>& A, double relative) {
  if (relative == 0.0) return 0.0;
  const index_t n = A.rows();
  Buffer<double> diag(backend, n);
  backend.copy<double>(MatrixView<const double>(A.data(), 1, n, n + 1, A.device()),
                       MatrixView<double>(diag.data(), 1, n, 1, diag.device()));
  const double value = relative * backend.sum<double>(diag.view()) / static_cast<double>(n);
  const Buffer<double> v = Buffer<double>::from_host(backend, {value});
  backend.add_column_vector<double>(v.view(), MatrixView<double>(A.data(), 1, n, n + 1, A.device()));
  return value;
}

// mean = Y B; cov = K_xx + B^T K B - B^T K_x - K_x^T B  (NNGP: B = K^{-1} K_x reduces this to
// K_xx - K_x^T K^{-1} K_x).
void predict_from(Backend& backend, const KernelBlocks& K, MatrixView<const double> Y, const Matrix<double>& B,
                  bool posterior_form, GpPrediction& out) {
  const index_t n = K.train.rows, m = K.cross.cols;
  out.mean = Matrix<double>(backend, Y.rows, m);
  backend.gemm(Trans::no, Trans::no, 1.0, Y, B.view(), 0.0, out.mean.view());
  out.covariance = Matrix<double>(backend, m, m);
  backend.copy(K.test, out.covariance.view());
  if (posterior_form) {
    backend.gemm(Trans::yes, Trans::no, -1.0, K.cross, B.view(), 1.0, out.covariance.view());
    return;
  }
  Matrix<double> KB(backend, n, m);
  backend.gemm(Trans::no, Trans::no, 1.0, K.train, B.view(), 0.0, KB.view());
  backend.gemm(Trans::yes, Trans::no, 1.0, B.view(), MatrixView<const double>(KB.view()), 1.0, out.covariance.view());
  backend.gemm(Trans::yes, Trans::no, -1.0, B.view(), K.cross, 1.0, out.covariance.view());
  backend.gemm(Trans::yes, Trans::no, -1.0, K.cross, B.view(), 1.0, out.covariance.view());
}

// B = (A + reg)^{-1} C by Cholesky.
Matrix<double> solve(Backend& backend, MatrixView<const double> A, MatrixView<const double> C,
                     const GpOptions& options, GpPrediction& out) {
  Matrix<double> L(backend, A.rows, A.cols);
  backend.copy(A, L.view());
  out.diag_added = add_relative_diagonal(backend, L, options.diag_reg);
  out.info = backend.cholesky(L.view(), options.cholesky);
  Matrix<double> B(backend, C.rows, C.cols);
  backend.copy(C, B.view());
  backend.cholesky_solve(L.view(), B.view());
  return B;
}

}  // namespace

GpPrediction nngp_posterior(Backend& backend, const KernelBlocks& K, MatrixView<const double> Y,
                            const GpOptions& options) {
  check_blocks(K, Y, "nngp_posterior");
  GpPrediction out;
  const Matrix<double> B = solve(backend, K.train, K.cross, options, out);
  predict_from(backend, K, Y, B, true, out);
  return out;
}

GpPrediction ntk_gp_infinite_time(Backend& backend, const KernelBlocks& theta, const KernelBlocks& K,
                                  MatrixView<const double> Y, const GpOptions& options) {
  check_blocks(theta, Y, "ntk_gp_infinite_time");
  check_blocks(K, Y, "ntk_gp_infinite_time");
  GpPrediction out;
  const Matrix<double> B = solve(backend, theta.train, theta.cross, options, out);
  predict_from(backend, K, Y, B, false, out);
  return out;
}

GpPrediction ntk_gp_at_time(Backend& backend, const KernelBlocks& theta, const KernelBlocks& K,
                            MatrixView<const double> Y, double eta_t, const GpOptions& options) {
  check_blocks(theta, Y, "ntk_gp_at_time");
  check_blocks(K, Y, "ntk_gp_at_time");
  if (!(eta_t >= 0.0)) throw std::invalid_argument("ntk_gp_at_time: eta_t must be >= 0");
  const index_t n = theta.train.rows, m = theta.cross.cols;
  GpPrediction out;
  Matrix<double> V(backend, n, n);
  backend.copy(theta.train, V.view());
  out.diag_added = add_relative_diagonal(backend, V, options.diag_reg);
  Buffer<double> lambda(backend, n);
  backend.eigh(V.view(), lambda.view());
  // B = V diag(f) V^T Theta_x with f = (1 - e^{-lambda t}) / lambda.
  Matrix<double> VtT(backend, n, m);
  backend.gemm(Trans::yes, Trans::no, 1.0, MatrixView<const double>(V.view()), theta.cross, 0.0, VtT.view());
  // Scale the columns of V (contiguous) by f after V^T Theta_x has been formed.
  const std::vector<double> lam = lambda.to_host();
  for (index_t i = 0; i < n; ++i) {
    const double l = lam[static_cast<std::size_t>(i)];
    backend.scale(l > 0.0 ? -std::expm1(-l * eta_t) / l : eta_t, V.col(i));
  }
  Matrix<double> B(backend, n, m);
  backend.gemm(Trans::no, Trans::no, 1.0, MatrixView<const double>(V.view()), MatrixView<const double>(VtT.view()),
               0.0, B.view());
  predict_from(backend, K, Y, B, false, out);
  return out;
}

}  // namespace fl::spectral
