#include "models/rbm/rbm_exact.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <string>

#include "core/error.hpp"

namespace fl::rbm {
namespace {

// Running log-sum-exp.
struct LogSum {
  double max = -std::numeric_limits<double>::infinity(), sum = 0;
  void add(double x) {
    if (x <= max) {
      sum += std::exp(x - max);
    } else {
      sum = sum * std::exp(max - x) + 1;
      max = x;
    }
  }
  void merge(const LogSum& o) {
    if (o.sum == 0) return;
    add(o.max + std::log(o.sum));  // exact up to rounding: o.sum terms folded at once
  }
  double value() const { return max + std::log(sum); }
};

// log sum_{x in {0,1}^n} exp(a.x + sum_k softplus(d_k + sum_i x_i u_{ik})), u row-major n x m.
double enumerate_small_layer(int n, int m, const std::vector<double>& u, const std::vector<double>& a,
                             const std::vector<double>& d) {
  // The top bits select a chunk (one OpenMP task); the low bits run through a Gray code, so
  // each step adds or removes one unit's row.
  const int high = std::min(n, 8), low = n - high;
  const std::int64_t chunks = std::int64_t{1} << high;
  std::vector<LogSum> partial(chunks);
#pragma omp parallel for schedule(dynamic, 1) if (n >= 12)
  for (std::int64_t chunk = 0; chunk < chunks; ++chunk) {
    std::vector<double> field(d);
    double lin = 0;
    for (int i = 0; i < high; ++i)
      if ((chunk >> i) & 1) {
        const int unit = low + i;
        lin += a[unit];
        for (int k = 0; k < m; ++k) field[k] += u[static_cast<std::size_t>(unit) * m + k];
      }
    LogSum acc;
    std::uint64_t gray = 0;
    for (std::uint64_t t = 0;; ++t) {
      double s = lin;
      for (int k = 0; k < m; ++k) s += softplus(field[k]);
      acc.add(s);
      if (t + 1 == (std::uint64_t{1} << low)) break;
      const int unit = std::countr_zero(t + 1);  // the bit that flips between Gray codes t, t+1
      const double sign = (gray >> unit) & 1 ? -1.0 : 1.0;
      gray ^= std::uint64_t{1} << unit;
      lin += sign * a[unit];
      for (int k = 0; k < m; ++k) field[k] += sign * u[static_cast<std::size_t>(unit) * m + k];
    }
    partial[chunk] = acc;
  }
  LogSum total;
  for (const auto& p : partial) total.merge(p);
  return total.value();
}

}  // namespace

bool exact_partition_possible(const RbmParams& p) { return std::min(p.n_v, p.n_h) <= kMaxExactUnits; }

double log_partition_exact(const RbmParams& p) {
  require(exact_partition_possible(p),
          "exact log Z: the smaller RBM layer has " + std::to_string(std::min(p.n_v, p.n_h)) +
              " units; enumeration handles at most " + std::to_string(kMaxExactUnits));
  if (p.n_h <= p.n_v) {
    std::vector<double> u(static_cast<std::size_t>(p.n_h) * p.n_v);  // rows W_i over v
    for (int i = 0; i < p.n_h; ++i)
      for (int j = 0; j < p.n_v; ++j) u[static_cast<std::size_t>(i) * p.n_v + j] = p.w(i, j);
    return enumerate_small_layer(p.n_h, p.n_v, u, p.c, p.b);
  }
  std::vector<double> u(static_cast<std::size_t>(p.n_v) * p.n_h);  // columns W_:j over h
  for (int j = 0; j < p.n_v; ++j)
    for (int i = 0; i < p.n_h; ++i) u[static_cast<std::size_t>(j) * p.n_h + i] = p.w(i, j);
  return enumerate_small_layer(p.n_v, p.n_h, u, p.b, p.c);
}

std::vector<double> log_prob_all_states(const RbmParams& p) {
  require(p.n_v <= 20, "log_prob_all_states: at most 20 visible units");
  const std::int64_t n_states = std::int64_t{1} << p.n_v;
  std::vector<double> lp(n_states);
#pragma omp parallel for schedule(static) if (n_states >= 4096)
  for (std::int64_t s = 0; s < n_states; ++s) {
    std::vector<double> v(p.n_v);
    for (int j = 0; j < p.n_v; ++j) v[j] = (s >> j) & 1;
    lp[s] = -free_energy(p, v.data());
  }
  LogSum z;
  for (double x : lp) z.add(x);
  const double log_z = z.value();
  for (double& x : lp) x -= log_z;
  return lp;
}

RbmParams exact_loglik_gradient(const RbmParams& p, const std::vector<std::uint8_t>& data) {
  require(p.n_v <= 20, "exact gradient: at most 20 visible units");
  require(!data.empty() && data.size() % p.n_v == 0, "exact gradient: data size is not a multiple of n_v");
  RbmParams g = RbmParams::zeros(p.n_v, p.n_h);
  // <sigma(Wv + c) v^T> under a weight function over visible states.
  auto accumulate = [&](const std::vector<double>& v, double weight) {
    for (int i = 0; i < p.n_h; ++i) {
      double x = p.c[i];
      for (int j = 0; j < p.n_v; ++j) x += p.w(i, j) * v[j];
      const double ph = 1 / (1 + std::exp(-x));
      g.c[i] += weight * ph;
      for (int j = 0; j < p.n_v; ++j) g.w(i, j) += weight * ph * v[j];
    }
    for (int j = 0; j < p.n_v; ++j) g.b[j] += weight * v[j];
  };
  const std::size_t n_data = data.size() / p.n_v;
  std::vector<double> v(p.n_v);
  for (std::size_t k = 0; k < n_data; ++k) {
    for (int j = 0; j < p.n_v; ++j) v[j] = data[k * p.n_v + j];
    accumulate(v, 1.0 / static_cast<double>(n_data));
  }
  const auto lp = log_prob_all_states(p);
  for (std::size_t s = 0; s < lp.size(); ++s) {
    for (int j = 0; j < p.n_v; ++j) v[j] = (s >> j) & 1;
    accumulate(v, -std::exp(lp[s]));
  }
  return g;
}

}  // namespace fl::rbm
