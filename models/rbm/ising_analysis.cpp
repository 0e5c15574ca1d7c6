#include "models/rbm/ising_analysis.hpp"

#include <cmath>

#include "core/error.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/rbm/couplings.hpp"
#include "models/rbm/rbm_exact.hpp"

namespace fl::rbm {

namespace {
double mean_of(const std::vector<double>& x) {
  double s = 0;
  for (double a : x) s += a;
  return x.empty() ? 0 : s / x.size();
}
double std_of(const std::vector<double>& x) {
  if (x.size() < 2) return 0;
  const double m = mean_of(x);
  double s = 0;
  for (double a : x) s += (a - m) * (a - m);
  return std::sqrt(s / (x.size() - 1));
}
}  // namespace

CouplingStats coupling_stats(const std::vector<double>& J2, const ising::IsingLattice& lat) {
  const int n = lat.n_sites();
  require(J2.size() == static_cast<std::size_t>(n) * n, "coupling_stats: J2 does not match the lattice");
  std::vector<char> is_nn(static_cast<std::size_t>(n) * n, 0);
  for (auto [i, j] : ising::bond_list(lat)) is_nn[i * n + j] = is_nn[j * n + i] = 1;
  std::vector<double> nn, other, vertical;
  for (int j = 0; j < n; ++j)
    for (int k = j + 1; k < n; ++k) (is_nn[j * n + k] ? nn : other).push_back(J2[j * n + k]);
  if (lat.dim == 2)
    for (int j = 0; j + lat.L < n; ++j) vertical.push_back(J2[j * n + j + lat.L] / 8);
  CouplingStats s;
  s.nn_mean = mean_of(nn), s.nn_std = std_of(nn), s.n_nn = static_cast<int>(nn.size());
  for (double x : other) {
    s.other_max_abs = std::max(s.other_max_abs, std::abs(x));
    s.other_mean_abs += std::abs(x) / other.size();
  }
  s.vertical_h_mean = mean_of(vertical), s.vertical_h_std = std_of(vertical);
  s.n_vertical = static_cast<int>(vertical.size());
  return s;
}

double max_abs_j3_on_paths(const RbmParams& p, const ising::IsingLattice& lat) {
  const auto nb = ising::neighbour_table(lat);
  const int z = lat.coordination();
  double best = 0;
  for (int k = 0; k < lat.n_sites(); ++k)  // k is the middle site of the path j-k-l
    for (int a = 0; a < z; ++a)
      for (int b = a + 1; b < z; ++b) {
        const int j = nb[k * z + a], l = nb[k * z + b];
        if (j < 0 || l < 0 || j == l) continue;
        best = std::max(best, std::abs(coupling(p, {j, k, l})));
      }
  return best;
}

double kl_ising_rbm(const RbmParams& p, const ising::IsingLattice& lat, double T, double J) {
  require(p.n_v == lat.n_sites(), "kl: RBM and lattice sizes differ");
  const auto lp = log_prob_all_states(p);
  const auto bonds = ising::bond_list(lat);
  const double lz = ising::ising_enumerate(lat, T, J).ln_z;
  double kl = 0;
  for (std::size_t v = 0; v < lp.size(); ++v) {
    int b = 0;
    for (auto [i, j] : bonds) b += (2 * static_cast<int>((v >> i) & 1) - 1) * (2 * static_cast<int>((v >> j) & 1) - 1);
    const double lq = J * b / T - lz;
    kl += std::exp(lq) * (lq - lp[v]);
  }
  return kl;
}

Spread energy_gap_spread(const RbmParams& p, const ising::IsingLattice& lat, double T,
                         const std::vector<std::uint8_t>& configs, double J) {
  const int n = p.n_v;
  const auto bonds = ising::bond_list(lat);
  std::vector<double> gap, v(n);
  for (std::size_t k = 0; k + n <= configs.size(); k += n) {
    int b = 0;
    for (auto [i, j] : bonds) b += (2 * configs[k + i] - 1) * (2 * configs[k + j] - 1);
    for (int j = 0; j < n; ++j) v[j] = configs[k + j];
    gap.push_back(-J * b / T - free_energy(p, v.data()));
  }
  return {mean_of(gap), std_of(gap)};
}

ising::ThermoEstimate observables_of_samples(const std::vector<std::uint8_t>& samples, int n_chains,
                                             const ising::IsingLattice& lat, double T, double J) {
  const int n = lat.n_sites();
  const auto bonds = ising::bond_list(lat);
  std::vector<ising::ChainSeries> series(n_chains);
  const std::size_t rows = samples.size() / n;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::uint8_t* x = &samples[r * n];
    long b = 0, m = 0;
    for (auto [i, j] : bonds) b += (2 * x[i] - 1) * (2 * x[j] - 1);
    for (int i = 0; i < n; ++i) m += 2 * x[i] - 1;
    series[r % n_chains].bond_sum.push_back(static_cast<double>(b));
    series[r % n_chains].magnetisation.push_back(static_cast<double>(m));
  }
  return ising::estimate_thermo(series, n, T, J);
}

double mean_free_energy(const RbmParams& p, const std::vector<std::uint8_t>& rows, std::int64_t max_rows) {
  const int n = p.n_v;
  const std::int64_t total = static_cast<std::int64_t>(rows.size() / n);
  const std::int64_t use = std::min(total, max_rows);
  double s = 0;
#pragma omp parallel for reduction(+ : s) schedule(static) if (use * n * p.n_h >= (1 << 18))
  for (std::int64_t k = 0; k < use; ++k) {
    std::vector<double> v(rows.begin() + k * n, rows.begin() + (k + 1) * n);
    s += free_energy(p, v.data());
  }
  return s / static_cast<double>(use);
}

double free_energy_standard_error(const RbmParams& p, const std::vector<std::uint8_t>& rows, std::int64_t max_rows) {
  const int n = p.n_v;
  const std::int64_t use = std::min(static_cast<std::int64_t>(rows.size() / n), max_rows);
  if (use < 2) return 0.0;
  double s = 0, s2 = 0;
#pragma omp parallel for reduction(+ : s, s2) schedule(static) if (use * n * p.n_h >= (1 << 18))
  for (std::int64_t k = 0; k < use; ++k) {
    std::vector<double> v(rows.begin() + k * n, rows.begin() + (k + 1) * n);
    const double f = free_energy(p, v.data());
    s += f, s2 += f * f;
  }
  const double mean = s / static_cast<double>(use);
  const double var = std::max(0.0, s2 / static_cast<double>(use) - mean * mean) * use / (use - 1.0);
  return std::sqrt(var / static_cast<double>(use));
}

}  // namespace fl::rbm
