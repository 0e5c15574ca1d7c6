#include "models/spectral/backus_gilbert.hpp"

#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>

#include "core/error.hpp"

namespace fl::spectral {

void BackusGilbertConfig::validate(const std::string& where) const {
  require(std::isfinite(lambda) && lambda > 0, where + ".lambda: must be > 0");
  require(std::isfinite(omega_max) && omega_max > 0, where + ".omega_max: must be > 0");
  require(quadrature_panels >= 1, where + ".quadrature_panels: must be >= 1");
}

BackusGilbertResult backus_gilbert(const InverseProblem& ip, const std::vector<double>& C,
                                   const std::vector<double>& covariance, const BackusGilbertConfig& cfg) {
  cfg.validate();
  const int n = ip.n_tau;
  require(static_cast<int>(C.size()) == n && static_cast<int>(covariance.size()) == n * n,
          "backus_gilbert: correlator/covariance sizes do not match n_tau");
  // 8-point Gauss-Legendre nodes on [-1, 1].
  static const double x8[] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
                              0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
  static const double w8[] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
                              0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
  const int nq = 8 * cfg.quadrature_panels;
  Eigen::VectorXd omega(nq), weight(nq);
  const double h = cfg.omega_max / cfg.quadrature_panels;
  for (int p = 0; p < cfg.quadrature_panels; ++p)
    for (int k = 0; k < 8; ++k) {
      omega(8 * p + k) = h * (p + 0.5 + 0.5 * x8[k]);
      weight(8 * p + k) = 0.5 * h * w8[k];
    }
  Eigen::MatrixXd Kq(n, nq);
  for (int t = 0; t < n; ++t)
    for (int j = 0; j < nq; ++j) Kq(t, j) = ip.kernel(t, omega(j));
  const Eigen::MatrixXd Kw = Kq * weight.asDiagonal();
  const Eigen::MatrixXd M0 = Kw * Kq.transpose();
  const Eigen::MatrixXd M1 = Kw * omega.asDiagonal() * Kq.transpose();
  const Eigen::MatrixXd M2 = Kw * omega.array().square().matrix().asDiagonal() * Kq.transpose();
  const Eigen::VectorXd R = Kw.rowwise().sum();
  const Eigen::Map<const Eigen::MatrixXd> cov(covariance.data(), n, n);
  const Eigen::Map<const Eigen::VectorXd> c(C.data(), n);
  const Eigen::MatrixXd base = M2 + (cfg.lambda / (C[0] * C[0])) * cov;

  const auto grid = ip.omega_grid();
  BackusGilbertResult out;
  out.rho.resize(grid.size());
  out.error.resize(grid.size());
  out.spread.resize(grid.size());
  out.coefficients.resize(grid.size() * n);
#pragma omp parallel for schedule(dynamic, 8)
  for (std::size_t i = 0; i < grid.size(); ++i) {
    const double ws = grid[i];
    const Eigen::MatrixXd W = base - 2.0 * ws * M1 + ws * ws * M0;
    const Eigen::VectorXd WinvR = W.ldlt().solve(R);
    const Eigen::VectorXd g = WinvR / R.dot(WinvR);
    out.rho[i] = g.dot(c);
    out.error[i] = std::sqrt(std::max(g.dot(cov * g), 0.0));
    const double spread = g.dot((M2 - 2.0 * ws * M1 + ws * ws * M0) * g);
    out.spread[i] = spread;
    for (int t = 0; t < n; ++t) out.coefficients[i + grid.size() * t] = g(t);
  }
  return out;
}

std::vector<double> BackusGilbertResult::apply(const std::vector<double>& C) const {
  const std::size_t m = rho.size(), n = C.size();
  if (coefficients.size() != m * n) throw std::invalid_argument("BackusGilbertResult::apply: wrong correlator length");
  std::vector<double> out(m, 0.0);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t i = 0; i < m; ++i) out[i] += coefficients[i + m * t] * C[t];
  return out;
}

}  // namespace fl::spectral
