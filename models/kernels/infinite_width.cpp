#include "models/kernels/infinite_width.hpp"

#include <Eigen/Eigenvalues>
#include <cmath>
#include <sstream>

#include "core/error.hpp"

namespace fl::kernels {

std::string FullyConnectedSpec::describe() const {
  std::ostringstream s;
  s << "fc(L=" << hidden_layers << ", sigma_w=" << sigma_w << ", sigma_b=" << sigma_b
    << ", phi=" << unary_op_name(activation)
    << (force_quadrature || !has_closed_form(activation) ? ", gauss-hermite " + std::to_string(quadrature_degree) : "")
    << (repo_ntk_variant ? ", repo NTK variant" : "") << ")";
  return s.str();
}

GaussHermiteRule gauss_hermite_rule(int n) {
  if (n < 1 || n > GaussHermiteRule::kMaxPoints)
    throw InputError("gauss_hermite_rule: degree must be in [1, " +
                     std::to_string(GaussHermiteRule::kMaxPoints) + "], got " + std::to_string(n));
  // Jacobi matrix of the probabilists' Hermite polynomials: x He_k = He_{k+1} + k He_{k-1}.
  Eigen::MatrixXd J = Eigen::MatrixXd::Zero(n, n);
  for (int k = 1; k < n; ++k) J(k, k - 1) = J(k - 1, k) = std::sqrt(static_cast<double>(k));
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(J);
  GaussHermiteRule r;
  r.n = n;
  for (int i = 0; i < n; ++i) {
    r.x[i] = eig.eigenvalues()(i);
    const double v0 = eig.eigenvectors()(0, i);
    r.w[i] = v0 * v0;  // the normal distribution has total mass 1
  }
  return r;
}

KernelRecursionParams recursion_params(const FullyConnectedSpec& spec, const std::string& where) {
  require(spec.hidden_layers >= 0, where + ".depth: must be >= 0, got " + std::to_string(spec.hidden_layers));
  require(std::isfinite(spec.sigma_w) && spec.sigma_w > 0.0, where + ".sigma_w: must be finite and > 0");
  require(std::isfinite(spec.sigma_b) && spec.sigma_b >= 0.0, where + ".sigma_b: must be finite and >= 0");
  require(spec.activation != UnaryOp::log, where + ".activation: log is not defined on the real line");
  KernelRecursionParams p;
  p.hidden_layers = spec.hidden_layers;
  p.sw2 = spec.sigma_w * spec.sigma_w;
  p.sb2 = spec.sigma_b * spec.sigma_b;
  p.activation = spec.activation;
  p.quadrature = spec.force_quadrature || !has_closed_form(spec.activation);
  p.repo_ntk_variant = spec.repo_ntk_variant;
  if (p.quadrature) {
    require(spec.quadrature_degree >= 2 && spec.quadrature_degree <= GaussHermiteRule::kMaxPoints,
            where + ".quadrature_degree: must be in [2, 64]");
    p.rule = gauss_hermite_rule(spec.quadrature_degree);
  }
  return p;
}

namespace {

class CpuKernelRecursionEngine final : public KernelRecursionEngine {
 public:
  void apply(const KernelRecursionParams& p, MatrixView<const double> gram, VectorView<const double> n1,
             VectorView<const double> n2, bool symmetric, MatrixView<double> nngp,
             MatrixView<double> ntk) override {
    const index_t rows = gram.rows, cols = gram.cols;
#pragma omp parallel for schedule(dynamic, 4)
    for (index_t j = 0; j < cols; ++j) {
      const index_t end = symmetric ? j + 1 : rows;
      for (index_t i = 0; i < end; ++i) {
        // On the diagonal of a symmetric problem use |x|^2 itself, so the diagonal agrees with
        // infinite_width_diagonal() exactly (ReLU's Tdot is sqrt-sensitive at x = x').
        const double g = symmetric && i == j ? n1.data[i] : gram.data[i + j * gram.ld];
        kernel_entry(p, g, n1.data[i], n2.data[j], nngp.data[i + j * nngp.ld], ntk.data[i + j * ntk.ld]);
      }
    }
    if (!symmetric) return;
#pragma omp parallel for schedule(static)
    for (index_t j = 0; j < cols; ++j)
      for (index_t i = j + 1; i < rows; ++i) {
        nngp.data[i + j * nngp.ld] = nngp.data[j + i * nngp.ld];
        ntk.data[i + j * ntk.ld] = ntk.data[j + i * ntk.ld];
      }
  }

  void diagonal(const KernelRecursionParams& p, VectorView<const double> norms, VectorView<double> nngp,
                VectorView<double> ntk) override {
#pragma omp parallel for schedule(static)
    for (index_t i = 0; i < norms.size; ++i)
      kernel_entry(p, norms.data[i], norms.data[i], norms.data[i], nngp.data[i], ntk.data[i]);
  }
};

// |x|^2 / n0 for every column of X.
Buffer<double> scaled_square_norms(Backend& backend, MatrixView<const double> X) {
  Matrix<double> squares(backend, X.rows, X.cols);
  backend.copy(X, squares.view());
  backend.mul<double>(squares.flat(), squares.flat(), squares.flat());
  Buffer<double> norms(backend, X.cols);
  backend.col_sums<double>(squares.view(), norms.view());
  backend.scale(1.0 / static_cast<double>(X.rows), norms.view());
  return norms;
}

void check_inputs(MatrixView<const double> X1, MatrixView<const double> X2) {
  if (X1.rows != X2.rows)
    throw std::invalid_argument("infinite_width_kernels: inputs have different dimensions (" +
                                std::to_string(X1.rows) + " vs " + std::to_string(X2.rows) + ")");
  if (X1.rows == 0) throw std::invalid_argument("infinite_width_kernels: zero-dimensional inputs");
}

InfiniteWidthKernels build(Backend& backend, const FullyConnectedSpec& spec, MatrixView<const double> X1,
                           MatrixView<const double> X2, bool symmetric) {
  check_inputs(X1, X2);
  const KernelRecursionParams params = recursion_params(spec);
  Matrix<double> gram(backend, X1.cols, X2.cols);
  backend.gemm(Trans::yes, Trans::no, 1.0 / static_cast<double>(X1.rows), X1, X2, 0.0, gram.view());
  const Buffer<double> n1 = scaled_square_norms(backend, X1);
  const Buffer<double> n2 = symmetric ? Buffer<double>::copy_of(n1) : scaled_square_norms(backend, X2);
  InfiniteWidthKernels out{Matrix<double>(backend, X1.cols, X2.cols), Matrix<double>(backend, X1.cols, X2.cols)};
  make_kernel_recursion_engine(backend)->apply(params, gram.view(), n1.view(), n2.view(), symmetric,
                                               out.nngp.view(), out.ntk.view());
  return out;
}

}  // namespace

std::unique_ptr<KernelRecursionEngine> make_kernel_recursion_engine(Backend& backend) {
  if (backend.device() == Device::cuda) {
#ifdef FL_HAVE_CUDA
    return make_kernel_recursion_engine_cuda(backend);
#else
    throw std::logic_error("kernel recursion: a CUDA backend without CUDA support compiled in");
#endif
  }
  return std::make_unique<CpuKernelRecursionEngine>();
}

InfiniteWidthKernels infinite_width_kernels(Backend& backend, const FullyConnectedSpec& spec,
                                            MatrixView<const double> X1, MatrixView<const double> X2) {
  return build(backend, spec, X1, X2, false);
}

InfiniteWidthKernels infinite_width_kernels(Backend& backend, const FullyConnectedSpec& spec,
                                            MatrixView<const double> X) {
  return build(backend, spec, X, X, true);
}

InfiniteWidthDiagonal infinite_width_diagonal(Backend& backend, const FullyConnectedSpec& spec,
                                              MatrixView<const double> X) {
  if (X.rows == 0) throw std::invalid_argument("infinite_width_diagonal: zero-dimensional inputs");
  const KernelRecursionParams params = recursion_params(spec);
  const Buffer<double> norms = scaled_square_norms(backend, X);
  InfiniteWidthDiagonal out{Buffer<double>(backend, X.cols), Buffer<double>(backend, X.cols)};
  make_kernel_recursion_engine(backend)->diagonal(params, norms.view(), out.nngp.view(), out.ntk.view());
  return out;
}

}  // namespace fl::kernels
