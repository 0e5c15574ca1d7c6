#include "models/lattice/ising/observables.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "core/stats.hpp"

namespace fl::ising {

ThermoEstimate estimate_thermo(const std::vector<ChainSeries>& chains, int n_sites, double T, double J,
                               std::int64_t block_size) {
  if (chains.empty()) throw std::invalid_argument("estimate_thermo: no chains");
  const double n = n_sites;
  std::size_t len = chains[0].bond_sum.size();
  for (const auto& c : chains)
    if (c.bond_sum.size() != len || c.magnetisation.size() != len)
      throw std::invalid_argument("estimate_thermo: chains of unequal length");
  if (len == 0) throw std::invalid_argument("estimate_thermo: empty series");

  ThermoEstimate est;
  // Per-chain series of the four primary observables.
  std::vector<std::vector<std::vector<double>>> obs(chains.size(), std::vector<std::vector<double>>(4));
  double tau_m = 0, tau_e = 0;
  for (std::size_t c = 0; c < chains.size(); ++c) {
    auto& o = obs[c];
    for (std::size_t t = 0; t < len; ++t) {
      const double e = -J * chains[c].bond_sum[t] / n, m = chains[c].magnetisation[t] / n;
      o[0].push_back(e);
      o[1].push_back(e * e);
      o[2].push_back(std::abs(m));
      o[3].push_back(m * m);
    }
    if (len >= 4) {
      tau_e += stats::tau_int(o[0]).tau;
      tau_m += stats::tau_int(o[2]).tau;
    } else {
      tau_e += 0.5, tau_m += 0.5;
    }
  }
  est.tau_int_e = tau_e / chains.size();
  est.tau_int_abs_m = tau_m / chains.size();
  if (block_size <= 0)
    block_size = static_cast<std::int64_t>(std::ceil(5 * std::max(est.tau_int_e, est.tau_int_abs_m)));
  block_size = std::clamp<std::int64_t>(block_size, 1, static_cast<std::int64_t>(len));
  est.block_size = block_size;

  // Block means from every chain, pooled; then a plain jackknife over blocks.
  std::vector<std::vector<double>> blocks(4);
  for (const auto& o : obs)
    for (int k = 0; k < 4; ++k) {
      const auto b = stats::block_means(o[k], block_size);
      blocks[k].insert(blocks[k].end(), b.begin(), b.end());
    }
  est.n_blocks = static_cast<std::int64_t>(blocks[0].size());
  // e^2 here is (E/N)^2, so Var(E)/(N T^2) = N Var(e) / T^2.
  const auto e = stats::jackknife(blocks, [](const std::vector<double>& m) { return m[0]; });
  const auto am = stats::jackknife(blocks, [](const std::vector<double>& m) { return m[2]; });
  const auto m2 = stats::jackknife(blocks, [](const std::vector<double>& m) { return m[3]; });
  const auto cv = stats::jackknife(
      blocks, [&](const std::vector<double>& m) { return n * (m[1] - m[0] * m[0]) / (T * T); });
  const auto chi = stats::jackknife(
      blocks, [&](const std::vector<double>& m) { return n * (m[3] - m[2] * m[2]) / T; });
  est.e = e.value, est.e_err = e.error;
  est.abs_m = am.value, est.abs_m_err = am.error;
  est.m2 = m2.value, est.m2_err = m2.error;
  est.cv = cv.value, est.cv_err = cv.error;
  est.chi = chi.value, est.chi_err = chi.error;
  return est;
}

}  // namespace fl::ising
