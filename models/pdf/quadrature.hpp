#pragma once
// Gauss-Legendre rules and local Lagrange interpolation on a 1-d grid: the numerical tools of
// the x-space DGLAP evolution and of the FK-table construction.
#include <complex>
#include <vector>

namespace fl::pdf {

struct GaussRule {
  std::vector<double> nodes, weights;  // on [-1, 1]
};
GaussRule gauss_legendre(int n);

// Weights w_j with f(x) ~ sum_j w_j f(grid_j): 4-point Lagrange interpolation in the variable
// ln x on the nodes around x (clamped at the grid ends). grid ascending, positive.
// Returns the first stencil index; the weights go to w[0..3].
int lagrange4_ln(const std::vector<double>& grid, double x, double w[4]);

// Dense interpolation matrix (targets x grid): row i gives f(targets_i) from f(grid).
std::vector<double> interpolation_matrix(const std::vector<double>& grid,
                                         const std::vector<double>& targets);  // row-major

// ln Gamma(z) and digamma psi(z) for complex z off the poles (recurrence + Stirling).
std::complex<double> log_gamma(std::complex<double> z);
std::complex<double> digamma(std::complex<double> z);

}  // namespace fl::pdf
