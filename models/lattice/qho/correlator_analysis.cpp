#include "models/lattice/qho/correlator_analysis.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/philox.hpp"

namespace fl::qho {

std::vector<double> fold_correlators(const std::vector<double>& series, int n_t, FoldConvention convention) {
  if (n_t < 2 || series.size() % static_cast<std::size_t>(n_t) != 0)
    throw std::invalid_argument("fold_correlators: series length is not a multiple of n_t");
  const std::size_t rows = series.size() / n_t;
  const int half = n_t / 2 + 1;
  std::vector<double> out(rows * half);
  for (std::size_t r = 0; r < rows; ++r) {
    const double* c = series.data() + r * n_t;
    for (int t = 0; t < half; ++t) {
      const int mirror = convention == FoldConvention::standard ? (n_t - t) % n_t : n_t - 1 - t;
      out[r * half + t] = 0.5 * (c[t] + c[mirror]);
    }
  }
  return out;
}

BootstrapEstimate blocked_bootstrap(const std::vector<double>& series, int n_chains, int per_chain, int n,
                                    int block_size, int n_boot, std::uint32_t seed) {
  if (series.size() != static_cast<std::size_t>(n_chains) * per_chain * n)
    throw std::invalid_argument("blocked_bootstrap: series size does not match chains x measurements x n");
  if (block_size < 1 || block_size > per_chain || n_boot < 2)
    throw std::invalid_argument("blocked_bootstrap: need 1 <= block_size <= measurements per chain, n_boot >= 2");
  const int blocks_per_chain = per_chain / block_size;
  const int n_blocks = n_chains * blocks_per_chain;
  std::vector<double> blocks(static_cast<std::size_t>(n_blocks) * n, 0.0);
  for (int c = 0; c < n_chains; ++c)
    for (int b = 0; b < blocks_per_chain; ++b) {
      double* dst = blocks.data() + (static_cast<std::size_t>(c) * blocks_per_chain + b) * n;
      for (int k = 0; k < block_size; ++k) {
        const double* src = series.data() + (static_cast<std::size_t>(c) * per_chain + b * block_size + k) * n;
        for (int i = 0; i < n; ++i) dst[i] += src[i] / block_size;
      }
    }
  BootstrapEstimate e;
  e.n = n;
  e.mean.assign(n, 0.0);
  for (int b = 0; b < n_blocks; ++b)
    for (int i = 0; i < n; ++i) e.mean[i] += blocks[static_cast<std::size_t>(b) * n + i] / n_blocks;
  e.samples.assign(n_boot, std::vector<double>(n, 0.0));
  for (int r = 0; r < n_boot; ++r) {
    PhiloxStream rng({seed, 0xB0075u}, static_cast<std::uint64_t>(r));
    std::vector<double>& s = e.samples[r];
    for (int k = 0; k < n_blocks; ++k) {
      const double* src = blocks.data() + static_cast<std::size_t>(rng.below(n_blocks)) * n;
      for (int i = 0; i < n; ++i) s[i] += src[i];
    }
    for (double& v : s) v /= n_blocks;
  }
  std::vector<double> centre(n, 0.0);
  for (const auto& s : e.samples)
    for (int i = 0; i < n; ++i) centre[i] += s[i] / n_boot;
  e.covariance.assign(static_cast<std::size_t>(n) * n, 0.0);
  for (const auto& s : e.samples)
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i)
        e.covariance[i + static_cast<std::size_t>(j) * n] += (s[i] - centre[i]) * (s[j] - centre[j]) / (n_boot - 1);
  e.error.resize(n);
  for (int i = 0; i < n; ++i) e.error[i] = std::sqrt(e.covariance[i + static_cast<std::size_t>(i) * n]);
  return e;
}

double cosh_energy_from_ratio(double ratio, int t1, int t2, int n_t) {
  const double h = 0.5 * n_t;
  const auto f = [&](double E) { return std::cosh(E * (h - t1)) / std::cosh(E * (h - t2)); };
  // f is increasing from 1 (E = 0); bracket then bisect.
  if (!(ratio > 1.0) || !std::isfinite(ratio)) return std::numeric_limits<double>::quiet_NaN();
  double lo = 0.0, hi = 1e-3;
  while (f(hi) < ratio) {
    hi *= 2.0;
    if (hi > 50.0) return std::numeric_limits<double>::quiet_NaN();
  }
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (f(mid) < ratio ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::vector<double> effective_energies(const std::vector<double>& folded, int n_t) {
  std::vector<double> e(n_t / 2);
  for (int t = 0; t < n_t / 2; ++t) e[t] = cosh_energy_from_ratio(folded[t] / folded[t + 1], t, t + 1, n_t);
  return e;
}

}  // namespace fl::qho
