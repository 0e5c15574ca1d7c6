#include "models/rbm/couplings.hpp"

#include <bit>
#include <string>

#include "core/error.hpp"

namespace fl::rbm {

double coupling(const RbmParams& p, const std::vector<int>& S) {
  const int n = static_cast<int>(S.size());
  require(n >= 1 && n <= 30, "coupling: the set must have 1..30 elements");
  for (int j : S) require(j >= 0 && j < p.n_v, "coupling: visible index out of range");
  double J = n == 1 ? p.b[S[0]] : 0.0;
  for (int i = 0; i < p.n_h; ++i) {
    double sum = 0;
    for (std::uint32_t T = 1; T < (1u << n); ++T) {  // T = {} contributes G(0) = 0
      double t = 0;
      for (int k = 0; k < n; ++k)
        if ((T >> k) & 1) t += p.w(i, S[k]);
      const int sign = ((n - std::popcount(T)) & 1) ? -1 : 1;
      sum += sign * softplus_shift(p.c[i], t);
    }
    J += sum;
  }
  return J;
}

std::vector<double> couplings_order1(const RbmParams& p) {
  std::vector<double> J(p.n_v);
  for (int j = 0; j < p.n_v; ++j) J[j] = coupling(p, {j});
  return J;
}

std::vector<double> couplings_order2(const RbmParams& p) {
  const int n = p.n_v;
  std::vector<double> J(static_cast<std::size_t>(n) * n, 0.0);
#pragma omp parallel for schedule(dynamic, 4) if (n >= 32)
  for (int j = 0; j < n; ++j)
    for (int k = j + 1; k < n; ++k) {
      double s = 0;
      for (int i = 0; i < p.n_h; ++i) {
        const double c = p.c[i], a = p.w(i, j), b = p.w(i, k);
        s += softplus_shift(c, a + b) - softplus_shift(c, a) - softplus_shift(c, b);
      }
      J[static_cast<std::size_t>(j) * n + k] = J[static_cast<std::size_t>(k) * n + j] = s;
    }
  return J;
}

namespace {
std::vector<double> minus_free_energy_table(const RbmParams& p) {
  require(p.n_v <= 20, "all couplings: at most 20 visible units, got " + std::to_string(p.n_v));
  const std::int64_t n_states = std::int64_t{1} << p.n_v;
  std::vector<double> f(n_states);
#pragma omp parallel for schedule(static) if (n_states >= 4096)
  for (std::int64_t s = 0; s < n_states; ++s) {
    std::vector<double> v(p.n_v);
    for (int j = 0; j < p.n_v; ++j) v[j] = (s >> j) & 1;
    f[s] = -free_energy(p, v.data());
  }
  return f;
}
}  // namespace

std::vector<double> couplings_all_moebius(const RbmParams& p) {
  auto f = minus_free_energy_table(p);
  // In-place Moebius transform over the subset lattice: J_S = sum_{T subset S} (-1)^{|S-T|} f(T).
  for (int j = 0; j < p.n_v; ++j)
    for (std::size_t s = 0; s < f.size(); ++s)
      if ((s >> j) & 1) f[s] -= f[s ^ (std::size_t{1} << j)];
  return f;
}

std::vector<double> spin_couplings_all(const RbmParams& p) {
  // Bit j of the state index is v_j, i.e. s_j = 2 v_j - 1. K_U = 2^{-N} sum_s g(s) prod_U s_j,
  // computed by the fast Walsh-Hadamard transform (butterflies with (+1, -1) per bit).
  auto g = minus_free_energy_table(p);
  for (int j = 0; j < p.n_v; ++j)
    for (std::size_t s = 0; s < g.size(); ++s)
      if (!((s >> j) & 1)) {
        const std::size_t t = s | (std::size_t{1} << j);
        const double lo = g[s], hi = g[t];  // v_j = 0 (s_j = -1), v_j = 1 (s_j = +1)
        g[s] = 0.5 * (hi + lo);
        g[t] = 0.5 * (hi - lo);
      }
  return g;
}

std::vector<double> spin_from_binary_couplings(const std::vector<double>& J, int n_v) {
  require(J.size() == (std::size_t{1} << n_v), "spin_from_binary_couplings: table size is not 2^n_v");
  std::vector<double> K(J.size());
  for (std::size_t s = 0; s < J.size(); ++s) K[s] = J[s] / static_cast<double>(std::size_t{1} << std::popcount(s));
  // Superset sums: K_U = sum_{S superset U} K'_S.
  for (int j = 0; j < n_v; ++j)
    for (std::size_t s = 0; s < K.size(); ++s)
      if (!((s >> j) & 1)) K[s] += K[s | (std::size_t{1} << j)];
  return K;
}

}  // namespace fl::rbm
