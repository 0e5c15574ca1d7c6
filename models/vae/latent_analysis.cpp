#include "models/vae/latent_analysis.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <Eigen/Dense>

namespace fl::vae {

UnitStatistics unit_statistics(const std::vector<double>& mu, const std::vector<double>& sigma, std::int64_t Z,
                               std::int64_t N, double threshold) {
  if (static_cast<std::int64_t>(mu.size()) != Z * N || sigma.size() != mu.size() || N < 2)
    throw std::invalid_argument("unit_statistics: need Z x N matrices with N >= 2");
  UnitStatistics s;
  s.threshold = threshold;
  s.activity.assign(Z, 0.0);
  s.mean_sigma.assign(Z, 0.0);
  s.mean_kl.assign(Z, 0.0);
  for (std::int64_t u = 0; u < Z; ++u) {
    double m = 0;
    for (std::int64_t n = 0; n < N; ++n) m += mu[u + n * Z];
    m /= static_cast<double>(N);
    double var = 0, sig = 0, kl = 0;
    for (std::int64_t n = 0; n < N; ++n) {
      const double x = mu[u + n * Z], sd = sigma[u + n * Z];
      var += (x - m) * (x - m);
      sig += sd;
      kl += 0.5 * (x * x + sd * sd - 1.0 - 2.0 * std::log(sd));
    }
    s.activity[u] = var / static_cast<double>(N);
    s.mean_sigma[u] = sig / static_cast<double>(N);
    s.mean_kl[u] = kl / static_cast<double>(N);
    s.n_active += s.activity[u] > threshold;
  }
  s.order.resize(Z);
  std::iota(s.order.begin(), s.order.end(), 0);
  std::stable_sort(s.order.begin(), s.order.end(), [&](int a, int b) { return s.activity[a] > s.activity[b]; });
  return s;
}

LatentSpectrum latent_spectrum(const std::vector<double>& mu, std::int64_t Z, std::int64_t N, double threshold) {
  if (static_cast<std::int64_t>(mu.size()) != Z * N || N < 2)
    throw std::invalid_argument("latent_spectrum: need a Z x N matrix with N >= 2");
  const Eigen::Map<const Eigen::MatrixXd> m(mu.data(), Z, N);
  const Eigen::MatrixXd centred = m.colwise() - m.rowwise().mean();
  const Eigen::MatrixXd cov = centred * centred.transpose() / static_cast<double>(N);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(cov);
  LatentSpectrum s;
  for (std::int64_t k = Z - 1; k >= 0; --k) {  // Eigen sorts ascending
    const double v = std::max(eig.eigenvalues()(k), 0.0);
    s.variance.push_back(v);
    s.participation.push_back(1.0 / eig.eigenvectors().col(k).array().pow(4).sum());
    s.n_directions += v > threshold;
  }
  return s;
}

std::vector<double> keep_units(const std::vector<double>& mu, std::int64_t Z, std::int64_t N,
                               const std::vector<int>& keep) {
  std::vector<char> mask(Z, 0);
  for (int u : keep) mask.at(u) = 1;
  std::vector<double> z(mu.size(), 0.0);
  for (std::int64_t n = 0; n < N; ++n)
    for (std::int64_t u = 0; u < Z; ++u)
      if (mask[u]) z[u + n * Z] = mu[u + n * Z];
  return z;
}

std::vector<double> unit_row(const std::vector<double>& m, std::int64_t Z, std::int64_t N, int u) {
  std::vector<double> r(N);
  for (std::int64_t n = 0; n < N; ++n) r[n] = m[u + n * Z];
  return r;
}

}  // namespace fl::vae
