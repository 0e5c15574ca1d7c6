#pragma once
// Infinite-width kernels of fully connected networks (NTK parameterisation):
// the NNGP kernel K (the prior covariance of the network function at initialisation) and the
// neural tangent kernel Theta, for L hidden layers of width -> infinity and a linear readout.
//
//   FullyConnectedSpec spec;            // relu, 3 hidden layers, sigma_w = 3, sigma_b = 10
//   spec.hidden_layers = 3; spec.sigma_w = 3.0; spec.sigma_b = 10.0;
//   auto train = infinite_width_kernels(backend, spec, X);          // N x N, symmetric
//   auto cross = infinite_width_kernels(backend, spec, Xtest, X);   // Ntest x N
//
// Inputs are the COLUMNS of X (n0 x N, column-major, on the backend); the first layer sees
// x.x'/n0. Everything stays on the backend: the Gram matrix is one GEMM, the layer recursion
// one element-wise pass (models/kernels/infinite_width_formulas.hpp, CPU or CUDA engine).
// ReLU, erf and identity use closed forms; any other activation (tanh, sigmoid, softplus,
// sin, cos, ...) uses tensor Gauss-Hermite quadrature of degree `quadrature_degree`.
#include <memory>
#include <string>

#include "core/buffer.hpp"
#include "models/kernels/infinite_width_formulas.hpp"

namespace fl::kernels {

struct FullyConnectedSpec {
  int hidden_layers = 1;
  double sigma_w = 1.0;
  double sigma_b = 0.0;
  UnaryOp activation = UnaryOp::relu;
  bool force_quadrature = false;  // use Gauss-Hermite even for relu/erf (tests, cross-checks)
  int quadrature_degree = 25;     // points per dimension, <= GaussHermiteRule::kMaxPoints
  bool repo_ntk_variant = false;  // reproduce the authors' NTK recursion without +K^{l+1}

  std::string describe() const;
};

// Validates the spec (InputError naming `where`) and fills the device-ready parameters.
KernelRecursionParams recursion_params(const FullyConnectedSpec& spec, const std::string& where = "kernel");

// Probabilists' Gauss-Hermite rule with n points (Golub-Welsch), exact for polynomials of
// degree < 2n against the standard normal.
GaussHermiteRule gauss_hermite_rule(int n);

struct InfiniteWidthKernels {
  Matrix<double> nngp;  // K^{L+1}(X1, X2), N1 x N2
  Matrix<double> ntk;   // Theta^{L+1}(X1, X2)
};
InfiniteWidthKernels infinite_width_kernels(Backend& backend, const FullyConnectedSpec& spec,
                                            MatrixView<const double> X1, MatrixView<const double> X2);
// Symmetric case X1 = X2 (only one triangle is computed, the other mirrored).
InfiniteWidthKernels infinite_width_kernels(Backend& backend, const FullyConnectedSpec& spec,
                                            MatrixView<const double> X);

// K(x, x) and Theta(x, x) for every column of X (what GP variances need for test points).
struct InfiniteWidthDiagonal {
  Buffer<double> nngp;
  Buffer<double> ntk;
};
InfiniteWidthDiagonal infinite_width_diagonal(Backend& backend, const FullyConnectedSpec& spec,
                                              MatrixView<const double> X);

// The element-wise pass, one implementation per device. nngp/ntk may alias nothing; gram is
// read-only. symmetric: gram is square and only j >= i is evaluated, then mirrored.
class KernelRecursionEngine {
 public:
  virtual ~KernelRecursionEngine() = default;
  virtual void apply(const KernelRecursionParams& params, MatrixView<const double> gram,
                     VectorView<const double> norms1, VectorView<const double> norms2, bool symmetric,
                     MatrixView<double> nngp, MatrixView<double> ntk) = 0;
  // K(x, x), Theta(x, x) from norms = |x|^2 / n0.
  virtual void diagonal(const KernelRecursionParams& params, VectorView<const double> norms,
                        VectorView<double> nngp, VectorView<double> ntk) = 0;
};
std::unique_ptr<KernelRecursionEngine> make_kernel_recursion_engine(Backend& backend);
#ifdef FL_HAVE_CUDA
std::unique_ptr<KernelRecursionEngine> make_kernel_recursion_engine_cuda(Backend& backend);
#endif

}  // namespace fl::kernels
