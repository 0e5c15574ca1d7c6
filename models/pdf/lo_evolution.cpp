#include "models/pdf/lo_evolution.hpp"

#include <cmath>
#include <complex>
#include <numbers>

#include <unsupported/Eigen/MatrixFunctions>

#include "models/pdf/quadrature.hpp"

namespace fl::pdf {

namespace {
constexpr double kCF = 4.0 / 3.0;
constexpr double kEulerGamma = 0.57721566490153286061;
}  // namespace

double LoCoupling::alphas(double q2) const {
  return alphas_q0 / (1 + beta0() * alphas_q0 / (4 * std::numbers::pi) * std::log(q2 / (q0 * q0)));
}

double LoCoupling::tau(double q2) const { return -2.0 / beta0() * std::log(alphas(q2) / alphas_q0); }

std::vector<double> LoNonSingletEvolution::default_grid() {
  std::vector<double> g;
  const int n_log = 60, n_lin = 80;
  for (int i = 0; i < n_log; ++i) g.push_back(1e-5 * std::pow(0.1 / 1e-5, double(i) / n_log));
  for (int i = 0; i < n_lin; ++i) g.push_back(0.1 + 0.9 * double(i) / (n_lin - 1));
  g.back() = 1.0;  // exactly, whatever the rounding above
  return g;
}

LoNonSingletEvolution::LoNonSingletEvolution(std::vector<double> grid, int gauss_points)
    : grid_(std::move(grid)) {
  const int n = static_cast<int>(grid_.size());
  K_ = Eigen::MatrixXd::Zero(n, n);
  const GaussRule g = gauss_legendre(gauss_points);
  for (int i = 0; i + 1 < n; ++i) {  // the row of x = 1 stays zero
    const double x = grid_[i];
    // Integrate over y = x/z in [x, 1], node interval by node interval, in the variable ln y
    // (dz = -z d ln y), where the interpolant of F is one polynomial.
    for (int k = i; k + 1 < n; ++k) {
      const double l0 = std::log(grid_[k]), l1 = std::log(grid_[k + 1]);
      for (int q = 0; q < gauss_points; ++q) {
        const double ly = 0.5 * (l0 + l1) + 0.5 * (l1 - l0) * g.nodes[q];
        const double wq = 0.5 * (l1 - l0) * g.weights[q];
        const double y = std::exp(ly), z = x / y;
        double w[4];
        const int s = lagrange4_ln(grid_, y, w);
        const double common = kCF * wq * z / (1 - z);
        for (int j = 0; j < 4; ++j) K_(i, s + j) += common * (1 + z * z) * w[j];
        K_(i, i) -= common * 2;
      }
    }
    K_(i, i) += kCF * (2 * std::log1p(-x) + 1.5);
  }
}

Eigen::MatrixXd LoNonSingletEvolution::operator_at(double tau) const {
  const Eigen::MatrixXd A = tau * K_;
  return A.exp();
}

double mellin_evolved_power(double x, double a, double b, double tau) {
  using cd = std::complex<double>;
  // Contour N = c + t e^{i phi}: q(x) = (1/pi) int_0^inf Im[e^{i phi} x^{-N} q(N)] dt.
  const double c = std::max(1.0 - a, 0.0) + 1.0, phi = 0.75 * std::numbers::pi;
  const cd e = std::polar(1.0, phi);
  const double lnx = std::log(x);
  const double lg_b1 = std::lgamma(b + 1);
  auto integrand = [&](double t) {
    const cd N = c + t * e;
    const cd lnB = log_gamma(N + a - 1.0) + lg_b1 - log_gamma(N + a + b);
    const cd gamma_n = kCF * (1.5 + 1.0 / (N * (N + 1.0)) - 2.0 * (digamma(N + 1.0) + kEulerGamma));
    return (e * std::exp(-N * lnx + lnB + tau * gamma_n)).imag();
  };
  const GaussRule g = gauss_legendre(20);
  const double panel = 1.0;
  double total = 0;
  for (int p = 0; p < 200000; ++p) {
    double part = 0;
    for (std::size_t q = 0; q < g.nodes.size(); ++q)
      part += g.weights[q] * 0.5 * panel * integrand(panel * (p + 0.5 + 0.5 * g.nodes[q]));
    total += part;
    if (p > 10 && std::fabs(part) < 1e-17 * std::fabs(total)) break;
  }
  return x * total / std::numbers::pi;
}

}  // namespace fl::pdf
