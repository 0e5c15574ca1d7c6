#pragma once
// Leading-order DGLAP evolution of a non-singlet PDF, in x space, for F(x) = x q(x).
//   dq/d ln Q^2 = alpha_s/(2 pi) P_qq (x) q,  P_qq = C_F [(1+z^2)/(1-z)_+ + 3/2 delta(1-z)]
// With the one-loop coupling and tau = -(2/beta_0) ln(alpha_s(Q^2)/alpha_s(Q0^2)) the
// equation becomes dF/dtau = K F, K = x P_qq (x) (1/x) written for F on a grid:
//   (K F)(x) = C_F [ int_x^1 dz ((1+z^2) F(x/z) - 2 F(x))/(1-z) + F(x)(2 ln(1-x) + 3/2) ].
// F between grid nodes is the 4-point Lagrange interpolant in ln x, so the integral is exact
// Gauss-Legendre quadrature between nodes. The evolution operator is exp(tau K).
#include <vector>

#include <Eigen/Dense>

namespace fl::pdf {

struct LoCoupling {
  double q0 = 1.65;          // GeV, input scale of the fits
  double alphas_q0 = 0.35;   // alpha_s(Q0^2), one loop
  int nf = 4;                // fixed flavour number (documented simplification)
  double beta0() const { return 11.0 - 2.0 * nf / 3.0; }
  double alphas(double q2) const;
  double tau(double q2) const;  // evolution time from Q0^2 to q2
};

class LoNonSingletEvolution {
 public:
  // grid: ascending in (0, 1], last node x = 1 (F(1) is kept at its initial value, 0 for PDFs).
  explicit LoNonSingletEvolution(std::vector<double> grid, int gauss_points = 12);
  const std::vector<double>& grid() const { return grid_; }
  const Eigen::MatrixXd& kernel() const { return K_; }
  Eigen::MatrixXd operator_at(double tau) const;  // exp(tau K)

  // Default internal grid: 60 log-spaced nodes on [1e-5, 0.1), 80 linear on [0.1, 1].
  static std::vector<double> default_grid();

 private:
  std::vector<double> grid_;
  Eigen::MatrixXd K_;
};

// Exact LO solution by Mellin inversion for F0(x) = x^a (1-x)^b (a > 0, b > 0):
// q(N, tau) = B(N + a - 1, b + 1) exp(tau gamma(N)),  gamma(N) = C_F[3/2 + 1/(N(N+1)) - 2 S_1(N)].
double mellin_evolved_power(double x, double a, double b, double tau);

}  // namespace fl::pdf
