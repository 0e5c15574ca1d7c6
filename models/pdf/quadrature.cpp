#include "models/pdf/quadrature.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace fl::pdf {

GaussRule gauss_legendre(int n) {
  GaussRule r;
  r.nodes.resize(n);
  r.weights.resize(n);
  for (int i = 0; i < n; ++i) {
    // Newton iteration on P_n from the Chebyshev-like initial guess.
    double x = std::cos(std::numbers::pi * (i + 0.75) / (n + 0.5)), dp = 0;
    for (int it = 0; it < 100; ++it) {
      double p0 = 1, p1 = x;
      for (int k = 2; k <= n; ++k) {
        const double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
        p0 = p1, p1 = p2;
      }
      dp = n * (x * p1 - p0) / (x * x - 1);
      const double dx = p1 / dp;
      x -= dx;
      if (std::fabs(dx) < 1e-16) break;
    }
    r.nodes[i] = x;
    r.weights[i] = 2 / ((1 - x * x) * dp * dp);
  }
  return r;
}

int lagrange4_ln(const std::vector<double>& grid, double x, double w[4]) {
  const int n = static_cast<int>(grid.size());
  int k = static_cast<int>(std::upper_bound(grid.begin(), grid.end(), x) - grid.begin()) - 1;
  int s = std::clamp(k - 1, 0, n - 4);
  const double t = std::log(x);
  double u[4];
  for (int j = 0; j < 4; ++j) u[j] = std::log(grid[s + j]);
  for (int j = 0; j < 4; ++j) {
    double v = 1;
    for (int m = 0; m < 4; ++m)
      if (m != j) v *= (t - u[m]) / (u[j] - u[m]);
    w[j] = v;
  }
  return s;
}

std::vector<double> interpolation_matrix(const std::vector<double>& grid,
                                         const std::vector<double>& targets) {
  const std::size_t n = grid.size();
  std::vector<double> m(targets.size() * n, 0.0);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    double w[4];
    const int s = lagrange4_ln(grid, targets[i], w);
    for (int j = 0; j < 4; ++j) m[i * n + s + j] += w[j];
  }
  return m;
}

namespace {
using cd = std::complex<double>;
int shift_count(cd z) { return z.real() < 12 ? static_cast<int>(std::ceil(12 - z.real())) : 0; }
}  // namespace

cd log_gamma(cd z) {
  const int n = shift_count(z);
  cd acc = 0;
  for (int k = 0; k < n; ++k) acc -= std::log(z + double(k));
  const cd w = z + double(n), w2 = 1.0 / (w * w);
  const cd series = (1.0 / 12 + w2 * (-1.0 / 360 + w2 * (1.0 / 1260 + w2 * (-1.0 / 1680 + w2 / 1188.0)))) / w;
  return acc + (w - 0.5) * std::log(w) - w + 0.5 * std::log(2 * std::numbers::pi) + series;
}

cd digamma(cd z) {
  const int n = shift_count(z);
  cd acc = 0;
  for (int k = 0; k < n; ++k) acc -= 1.0 / (z + double(k));
  const cd w = z + double(n), w2 = 1.0 / (w * w);
  const cd series = w2 * (1.0 / 12 + w2 * (-1.0 / 120 + w2 * (1.0 / 252 + w2 * (-1.0 / 240 + w2 / 132.0))));
  return acc + std::log(w) - 0.5 / w - series;
}

}  // namespace fl::pdf
