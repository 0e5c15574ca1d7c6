// Infinite-width NNGP/NTK kernels: closed forms and quadrature against an independent
// numerical 2-D Gaussian integration of the recursion, PSD/symmetry/diagonal identities, and
// the empirical kernels of wide random networks (error shrinking like 1/sqrt(width)).
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <functional>
#include <random>
#include <vector>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "models/kernels/infinite_width.hpp"

namespace {
using namespace fl;
using namespace fl::kernels;
using Fn = std::function<double(double)>;

// Gauss-Legendre nodes/weights on [-1, 1] (Golub-Welsch), independent of the code under test.
struct Legendre {
  std::vector<double> x, w;
  explicit Legendre(int n) {
    Eigen::MatrixXd J = Eigen::MatrixXd::Zero(n, n);
    for (int k = 1; k < n; ++k) J(k, k - 1) = J(k - 1, k) = k / std::sqrt(4.0 * k * k - 1.0);
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> e(J);
    for (int i = 0; i < n; ++i) {
      x.push_back(e.eigenvalues()(i));
      w.push_back(2.0 * e.eigenvectors()(0, i) * e.eigenvectors()(0, i));
    }
  }
};

// E[f(u) g(v)], (u, v) ~ N(0, [[l11, l12], [l12, l22]]), in polar coordinates of the
// whitened variables; the angular range is split at the kinks of ReLU-type functions.
double gaussian_expectation_2d(const Fn& f, const Fn& g, double l11, double l12, double l22) {
  static const Legendre gl(40);
  const double a = std::sqrt(l11), b = l12 / a;
  // x = x' gives l22 - b^2 = rounding noise; treat it as the exact 0 it is.
  const double c2 = l22 - b * b, c = c2 > 1e-13 * l22 ? std::sqrt(c2) : 0.0;
  const double pi = std::acos(-1.0);
  std::vector<double> cuts = {0.0, 2 * pi, pi / 2, 3 * pi / 2};
  const double t0 = std::atan2(-b, c);  // b cos + c sin = 0
  for (double t : {t0, t0 + pi, t0 + 2 * pi})
    if (t > 0 && t < 2 * pi) cuts.push_back(t);
  std::sort(cuts.begin(), cuts.end());
  double total = 0.0;
  for (std::size_t s = 0; s + 1 < cuts.size(); ++s) {
    const double lo = cuts[s], hi = cuts[s + 1];
    if (hi - lo < 1e-15) continue;
    for (std::size_t i = 0; i < gl.x.size(); ++i) {
      const double th = 0.5 * (lo + hi) + 0.5 * (hi - lo) * gl.x[i];
      const double wth = 0.5 * (hi - lo) * gl.w[i];
      double radial = 0.0;
      for (int panel = 0; panel < 6; ++panel)  // r in [0, 12] in 6 panels
        for (std::size_t j = 0; j < gl.x.size(); ++j) {
          const double r = 2.0 * panel + 1.0 + gl.x[j];
          const double u = a * r * std::cos(th), v = r * (b * std::cos(th) + c * std::sin(th));
          radial += gl.w[j] * r * std::exp(-0.5 * r * r) * f(u) * g(v);
        }
      total += wth * radial;
    }
  }
  return total / (2 * pi);
}

// The recursion of tests' own making, every expectation by numerical integration.
void numeric_recursion(const Fn& phi, const Fn& dphi, int L, double sw, double sb, const Eigen::VectorXd& x,
                       const Eigen::VectorXd& y, double& K, double& Theta) {
  const double n0 = static_cast<double>(x.size());
  double k11 = sw * sw * x.dot(x) / n0 + sb * sb, k22 = sw * sw * y.dot(y) / n0 + sb * sb;
  double k12 = sw * sw * x.dot(y) / n0 + sb * sb, th = k12;
  for (int l = 0; l < L; ++l) {
    const double t = gaussian_expectation_2d(phi, phi, k11, k12, k22);
    const double td = gaussian_expectation_2d(dphi, dphi, k11, k12, k22);
    const double n11 = gaussian_expectation_2d(phi, phi, k11, k11, k11);
    const double n22 = gaussian_expectation_2d(phi, phi, k22, k22, k22);
    k12 = sw * sw * t + sb * sb;
    th = k12 + sw * sw * td * th;
    k11 = sw * sw * n11 + sb * sb;
    k22 = sw * sw * n22 + sb * sb;
  }
  K = k12;
  Theta = th;
}

Fn activation_fn(UnaryOp op, bool derivative) {
  return [op, derivative](double z) { return derivative ? apply_unary_derivative(op, z) : apply_unary(op, z); };
}

// n0 x N inputs with varied norms and angles (including a nearly parallel pair).
Eigen::MatrixXd test_inputs(int n0, int N, unsigned seed, double spread = 0.3) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> nd;
  Eigen::MatrixXd X(n0, N);
  for (int j = 0; j < N; ++j)
    for (int i = 0; i < n0; ++i) X(i, j) = nd(rng) * (0.5 + spread * j);
  X.col(N - 1) = X.col(0) * 1.7 + 1e-3 * X.col(1);
  return X;
}

Matrix<double> on_cpu(const Eigen::MatrixXd& X) {
  return Matrix<double>::from_host(cpu_backend(), X.rows(), X.cols(),
                                   std::vector<double>(X.data(), X.data() + X.size()));
}

struct Case {
  UnaryOp op;
  bool quadrature;
  double tolerance;
};

class AgainstNumericalIntegration : public ::testing::TestWithParam<Case> {};

TEST_P(AgainstNumericalIntegration, MatchesRecursionEntryByEntry) {
  const Case c = GetParam();
  FullyConnectedSpec spec;
  spec.hidden_layers = 3;
  spec.sigma_w = 1.4;
  spec.sigma_b = 0.3;
  spec.activation = c.op;
  spec.force_quadrature = c.quadrature;
  spec.quadrature_degree = 64;
  const Eigen::MatrixXd X = test_inputs(7, 4, 11);
  const Matrix<double> Xd = on_cpu(X);
  const auto k = infinite_width_kernels(cpu_backend(), spec, Xd.view());
  for (int i = 0; i < X.cols(); ++i)
    for (int j = i; j < X.cols(); ++j) {
      double K, Th;
      numeric_recursion(activation_fn(c.op, false), activation_fn(c.op, true), 3, 1.4, 0.3, X.col(i),
                        X.col(j), K, Th);
      EXPECT_NEAR(k.nngp(i, j), K, c.tolerance * std::abs(K)) << i << "," << j;
      EXPECT_NEAR(k.ntk(i, j), Th, c.tolerance * std::abs(Th)) << i << "," << j;
    }
}

INSTANTIATE_TEST_SUITE_P(Activations, AgainstNumericalIntegration,
                         // Quadrature cases: Gauss-Hermite (64 points) is limited by the poles of
                         // tanh/sigmoid near the real axis (tanh' = sech^2 is the sharpest).
                         ::testing::Values(Case{UnaryOp::relu, false, 1e-9}, Case{UnaryOp::erf, false, 1e-9},
                                           Case{UnaryOp::tanh, false, 2e-6}, Case{UnaryOp::erf, true, 2e-6},
                                           Case{UnaryOp::sigmoid, false, 2e-6}));

TEST(InfiniteWidth, ReluGaussHermiteConvergesToClosedForm) {
  // The kink makes quadrature converge slowly; it must still approach the arc-cosine formula.
  FullyConnectedSpec spec;
  spec.hidden_layers = 2;
  spec.sigma_w = 1.2;
  spec.sigma_b = 0.5;
  const Matrix<double> X = on_cpu(test_inputs(5, 3, 3));
  const auto exact = infinite_width_kernels(cpu_backend(), spec, X.view());
  spec.force_quadrature = true;
  double previous = 1e9;
  for (int deg : {8, 24, 64}) {
    spec.quadrature_degree = deg;
    const auto q = infinite_width_kernels(cpu_backend(), spec, X.view());
    double err = 0.0;
    for (index_t i = 0; i < 3; ++i)
      for (index_t j = 0; j < 3; ++j) err = std::max(err, std::abs(q.ntk(i, j) / exact.ntk(i, j) - 1.0));
    EXPECT_LT(err, previous);
    previous = err;
  }
  EXPECT_LT(previous, 1e-2);  // measured 5.7e-3 at 64 points
}

TEST(InfiniteWidth, SymmetricCrossAndDiagonalPathsAgree) {
  FullyConnectedSpec spec;
  spec.hidden_layers = 3;
  spec.sigma_w = 3.0;
  spec.sigma_b = 10.0;
  const Matrix<double> X = on_cpu(test_inputs(100, 30, 5));
  const auto sym = infinite_width_kernels(cpu_backend(), spec, X.view());
  const auto cross = infinite_width_kernels(cpu_backend(), spec, X.view(), X.view());
  const auto diag = infinite_width_diagonal(cpu_backend(), spec, X.view());
  for (index_t i = 0; i < 30; ++i) {
    EXPECT_NEAR(diag.nngp[i], sym.nngp(i, i), 1e-12 * diag.nngp[i]);
    EXPECT_NEAR(diag.ntk[i], sym.ntk(i, i), 1e-12 * diag.ntk[i]);
    // On the diagonal the general path sees x.x (GEMM) and |x|^2 (norms) rounded differently, and
    // the ReLU Tdot ~ (pi - sqrt(2(1 - c)))/(2 pi) turns 1e-16 into 1e-8.
    EXPECT_NEAR(sym.ntk(i, i), cross.ntk(i, i), 1e-7 * sym.ntk(i, i));
    for (index_t j = 0; j < 30; ++j) {
      if (i == j) continue;
      EXPECT_DOUBLE_EQ(sym.nngp(i, j), sym.nngp(j, i));
      EXPECT_NEAR(sym.nngp(i, j), cross.nngp(i, j), 1e-12 * std::abs(sym.nngp(i, j)));
      EXPECT_NEAR(sym.ntk(i, j), cross.ntk(i, j), 1e-12 * std::abs(sym.ntk(i, j)));
    }
  }
}

TEST(InfiniteWidth, KernelsArePositiveSemidefinite) {
  for (UnaryOp op : {UnaryOp::relu, UnaryOp::erf, UnaryOp::tanh}) {
    FullyConnectedSpec spec;
    spec.hidden_layers = 2;
    spec.sigma_w = 1.5;
    spec.sigma_b = 0.2;
    spec.activation = op;
    // Moderate pre-activations: Gauss-Hermite of a saturating tanh at std >> 1 is a step
    // function seen by 25 nodes and need not stay PSD (documented limitation).
    const Matrix<double> X = on_cpu(test_inputs(6, 25, 9, 0.02));
    const auto k = infinite_width_kernels(cpu_backend(), spec, X.view());
    for (const Matrix<double>* m : {&k.nngp, &k.ntk}) {
      const auto h = m->to_host();
      const Eigen::Map<const Eigen::MatrixXd> M(h.data(), 25, 25);
      const Eigen::VectorXd ev = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(M).eigenvalues();
      EXPECT_GT(ev.minCoeff(), -1e-10 * ev.maxCoeff()) << unary_op_name(op);
    }
  }
}

TEST(InfiniteWidth, KnownLimits) {
  // Identity activation: a deep linear network; K^{L+1} = sw^2 K^L + sb^2 exactly, and the NTK
  // of one hidden layer is K^2 + sw^2 K^1.
  FullyConnectedSpec spec;
  spec.hidden_layers = 1;
  spec.sigma_w = 0.9;
  spec.sigma_b = 0.4;
  spec.activation = UnaryOp::identity;
  const Eigen::MatrixXd X = test_inputs(4, 3, 2);
  const auto k = infinite_width_kernels(cpu_backend(), spec, on_cpu(X).view());
  const double k1 = 0.81 * X.col(0).dot(X.col(1)) / 4 + 0.16;
  EXPECT_NEAR(k.nngp(0, 1), 0.81 * k1 + 0.16, 1e-13);
  EXPECT_NEAR(k.ntk(0, 1), 0.81 * k1 + 0.16 + 0.81 * k1, 1e-13);
  // The authors' variant drops +K^{l+1}: Theta^2 = sw^2 Tdot Theta^1.
  spec.repo_ntk_variant = true;
  const auto r = infinite_width_kernels(cpu_backend(), spec, on_cpu(X).view());
  EXPECT_NEAR(r.ntk(0, 1), 0.81 * k1, 1e-13);
}

TEST(InfiniteWidth, BadSpecsAreInputErrors) {
  FullyConnectedSpec spec;
  const Matrix<double> X = on_cpu(test_inputs(3, 2, 1));
  spec.sigma_w = -1.0;
  EXPECT_THROW(infinite_width_kernels(cpu_backend(), spec, X.view()), InputError);
  spec.sigma_w = 1.0;
  spec.activation = UnaryOp::log;
  EXPECT_THROW(infinite_width_kernels(cpu_backend(), spec, X.view()), InputError);
  spec.activation = UnaryOp::tanh;
  spec.quadrature_degree = 100;
  EXPECT_THROW(infinite_width_kernels(cpu_backend(), spec, X.view()), InputError);
}

// Empirical kernels of one random NTK-parameterised network, by explicit backpropagation.
struct EmpiricalKernels {
  Eigen::MatrixXd ntk;
  Eigen::VectorXd f;  // outputs at the inputs
};
EmpiricalKernels empirical_kernels(const Eigen::MatrixXd& X, int width, int L, double sw, double sb, UnaryOp op,
                                   std::mt19937_64& rng) {
  std::normal_distribution<double> nd;
  const int N = static_cast<int>(X.cols());
  std::vector<Eigen::MatrixXd> W(L + 1);
  std::vector<Eigen::VectorXd> b(L + 1);
  for (int l = 0; l <= L; ++l) {
    const int in = l == 0 ? static_cast<int>(X.rows()) : width, out = l == L ? 1 : width;
    W[l] = Eigen::MatrixXd::NullaryExpr(out, in, [&] { return nd(rng); });
    b[l] = Eigen::VectorXd::NullaryExpr(out, [&] { return nd(rng); });
  }
  // Forward: h[0] = x, z[l] = sw W[l] h[l] / sqrt(n_l) + sb b[l], h[l+1] = phi(z[l]).
  std::vector<Eigen::MatrixXd> h(L + 1), z(L + 1);
  h[0] = X;
  for (int l = 0; l <= L; ++l) {
    z[l] = (sw / std::sqrt(static_cast<double>(h[l].rows()))) * W[l] * h[l];
    z[l].colwise() += sb * b[l];
    if (l < L) h[l + 1] = z[l].unaryExpr([op](double v) { return apply_unary(op, v); });
  }
  // Backward: delta[l] = df/dz[l] (per input column); Theta = sum_l delta.delta (sw^2 h.h/n + sb^2).
  EmpiricalKernels e;
  e.f = z[L].row(0).transpose();
  e.ntk = Eigen::MatrixXd::Zero(N, N);
  Eigen::MatrixXd delta = Eigen::MatrixXd::Ones(1, N);
  for (int l = L; l >= 0; --l) {
    const double n = static_cast<double>(h[l].rows());
    e.ntk.array() += ((delta.transpose() * delta).array() *
                      (sw * sw * (h[l].transpose() * h[l]).array() / n + sb * sb));
    if (l > 0) {
      delta = ((sw / std::sqrt(n)) * W[l].transpose() * delta).array() *
              z[l - 1].unaryExpr([op](double v) { return apply_unary_derivative(op, v); }).array();
    }
  }
  return e;
}

TEST(InfiniteWidth, EmpiricalNtkOfWideNetworksConvergesLikeInverseSqrtWidth) {
  const int L = 2, n_nets = 6;
  const double sw = 1.5, sb = 0.3;
  const Eigen::MatrixXd X = test_inputs(8, 5, 21);
  FullyConnectedSpec spec;
  spec.hidden_layers = L;
  spec.sigma_w = sw;
  spec.sigma_b = sb;
  for (UnaryOp op : {UnaryOp::relu, UnaryOp::erf}) {
    spec.activation = op;
    const auto k = infinite_width_kernels(cpu_backend(), spec, on_cpu(X).view());
    const auto th = k.ntk.to_host();
    const Eigen::Map<const Eigen::MatrixXd> Theta(th.data(), 5, 5);
    std::vector<double> errors;
    const std::vector<int> widths = {64, 256, 1024};
    std::mt19937_64 rng(7);
    for (int width : widths) {
      double err2 = 0.0;
      for (int r = 0; r < n_nets; ++r)
        err2 += (empirical_kernels(X, width, L, sw, sb, op, rng).ntk - Theta).squaredNorm() / Theta.squaredNorm();
      errors.push_back(std::sqrt(err2 / n_nets));
    }
    // Each 4x in width should halve the relative error; allow for the sampling noise of 6 nets.
    const double slope = std::log(errors.back() / errors.front()) / std::log(16.0);
    EXPECT_GT(slope, -0.8) << unary_op_name(op);
    EXPECT_LT(slope, -0.3) << unary_op_name(op);
    EXPECT_LT(errors.back(), 0.1) << unary_op_name(op);
  }
}

TEST(InfiniteWidth, EmpiricalOutputCovarianceMatchesNngp) {
  // Over many random wide networks, Cov[f(x), f(x')] -> K(x, x').
  const int L = 2, width = 256, n_nets = 400;
  const double sw = 1.3, sb = 0.2;
  const Eigen::MatrixXd X = test_inputs(6, 3, 8);
  FullyConnectedSpec spec;
  spec.hidden_layers = L;
  spec.sigma_w = sw;
  spec.sigma_b = sb;
  spec.activation = UnaryOp::erf;
  const auto k = infinite_width_kernels(cpu_backend(), spec, on_cpu(X).view());
  std::mt19937_64 rng(99);
  Eigen::MatrixXd outer = Eigen::MatrixXd::Zero(3, 3), fourth = Eigen::MatrixXd::Zero(3, 3);
  for (int r = 0; r < n_nets; ++r) {
    const Eigen::VectorXd f = empirical_kernels(X, width, L, sw, sb, UnaryOp::erf, rng).f;
    const Eigen::MatrixXd p = f * f.transpose();
    outer += p;
    fourth.array() += p.array().square();
  }
  outer /= n_nets;
  fourth /= n_nets;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double se = std::sqrt((fourth(i, j) - outer(i, j) * outer(i, j)) / n_nets);
      EXPECT_NEAR(outer(i, j), k.nngp(i, j), 4.0 * se) << i << "," << j;
    }
}

}  // namespace
