#include "models/lattice/ising/exact.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"

namespace fl::ising {
namespace {

// x + x' dK + x'' dK^2/2 style second-order dual number: value, d/dK, d^2/dK^2.
struct Dual2 {
  double v, d, dd;
};
Dual2 cst(double c) { return {c, 0, 0}; }
Dual2 operator+(Dual2 a, Dual2 b) { return {a.v + b.v, a.d + b.d, a.dd + b.dd}; }
Dual2 operator-(Dual2 a, Dual2 b) { return {a.v - b.v, a.d - b.d, a.dd - b.dd}; }
Dual2 operator*(Dual2 a, Dual2 b) {
  return {a.v * b.v, a.d * b.v + a.v * b.d, a.dd * b.v + 2 * a.d * b.d + a.v * b.dd};
}
Dual2 operator*(double c, Dual2 a) { return {c * a.v, c * a.d, c * a.dd}; }
// f(a) from f, f', f'' at a.v (chain rule to second order).
Dual2 apply(Dual2 a, double f, double f1, double f2) {
  return {f, f1 * a.d, f2 * a.d * a.d + f1 * a.dd};
}
Dual2 exp(Dual2 a) {
  const double e = std::exp(a.v);
  return apply(a, e, e, e);
}
Dual2 log(Dual2 a) { return apply(a, std::log(a.v), 1 / a.v, -1 / (a.v * a.v)); }
Dual2 cosh(Dual2 a) { return apply(a, std::cosh(a.v), std::sinh(a.v), std::cosh(a.v)); }
Dual2 sinh(Dual2 a) { return apply(a, std::sinh(a.v), std::cosh(a.v), std::sinh(a.v)); }
Dual2 tanh(Dual2 a) {
  const double t = std::tanh(a.v);
  return apply(a, t, 1 - t * t, -2 * t * (1 - t * t));
}
Dual2 acosh(Dual2 a) {
  const double q = a.v * a.v - 1;
  return apply(a, std::acosh(a.v), 1 / std::sqrt(q), -a.v / (q * std::sqrt(q)));
}
Dual2 recip(Dual2 a) { return apply(a, 1 / a.v, -1 / (a.v * a.v), 2 / (a.v * a.v * a.v)); }
// ln(2 cosh x) and ln|2 sinh x| for x of either size without overflow.
Dual2 log_2cosh(Dual2 x) {
  const double ax = std::abs(x.v);
  const double t = std::tanh(x.v);
  return apply(x, ax + std::log1p(std::exp(-2 * ax)), t, 1 - t * t);
}
Dual2 log_2sinh_abs(Dual2 x) {
  const double ax = std::abs(x.v);
  const double c = 1 / std::tanh(x.v);  // coth
  return apply(x, ax + std::log1p(-std::exp(-2 * ax)), c, 1 - c * c);
}

// ln(sum_i p_i exp(a_i)) with signed prefactors p_i of order one; the total must be positive.
Dual2 signed_logsumexp(const std::vector<Dual2>& a, const std::vector<Dual2>& p) {
  double m = -std::numeric_limits<double>::infinity();
  for (const auto& x : a) m = std::max(m, x.v);
  Dual2 s = cst(0);
  for (std::size_t i = 0; i < a.size(); ++i) s = s + p[i] * exp(a[i] - cst(m));
  if (!(s.v > 0)) throw NumericalError("Kaufman partition function: non-positive sum");
  return log(s) + cst(m);
}

ExactThermo from_lnz(Dual2 lnz, int n_sites, double K, double J) {
  ExactThermo t;
  t.ln_z = lnz.v;
  t.e = -J * lnz.d / n_sites;
  t.cv = K * K * lnz.dd / n_sites;
  t.entropy = lnz.v - K * lnz.d;
  t.abs_m = t.m2 = t.chi = std::numeric_limits<double>::quiet_NaN();
  return t;
}

void check_temperature(double T, double J) {
  require(T > 0 && std::isfinite(T), "temperature: must be > 0, got " + std::to_string(T));
  require(J > 0, "coupling J: exact results need J > 0");
}

}  // namespace

double ising2d_tc(double J) { return 2 * J / std::log(1 + std::sqrt(2.0)); }

ExactThermo ising1d_exact(int N, bool periodic, double T, double J) {
  check_temperature(T, J);
  require(N >= 2, "lattice.L: must be at least 2");
  const double K = J / T;
  const Dual2 k{K, 1, 0};
  Dual2 lnz;
  if (periodic) {
    // ln[(2 cosh K)^N + (2 sinh K)^N] = N ln 2cosh K + ln(1 + tanh^N K)
    const Dual2 t = tanh(k);
    Dual2 tn = cst(1);
    for (int i = 0; i < N; ++i) tn = tn * t;
    lnz = static_cast<double>(N) * log_2cosh(k) + log(cst(1) + tn);
  } else {
    lnz = cst(std::log(2.0)) + static_cast<double>(N - 1) * log_2cosh(k);
  }
  return from_lnz(lnz, N, K, J);
}

double ising1d_correlator(int N, bool periodic, double T, int r, double J) {
  check_temperature(T, J);
  const double t = std::tanh(J / T);
  if (!periodic) return std::pow(t, r);
  return (std::pow(t, r) + std::pow(t, N - r)) / (1 + std::pow(t, N));
}

ExactThermo ising2d_exact(int L, double T, double J) {
  check_temperature(T, J);
  require(L >= 2, "lattice.L: must be at least 2");
  const double K = J / T;
  const Dual2 k{K, 1, 0};
  const Dual2 two_k = 2.0 * k;
  const Dual2 c = cosh(two_k) * cosh(two_k) * recip(sinh(two_k));  // cosh 2K coth 2K
  auto gamma = [&](int l) {
    if (l == 0) return two_k + log(tanh(k));  // sign kept: negative below T_c
    return acosh(c - cst(std::cos(M_PI * l / L)));
  };
  const double half_l = 0.5 * L;
  // Z_4 contains 2 sinh(L gamma_0 / 2), which changes sign at T_c: that factor is kept
  // as a signed prefactor instead of going through a logarithm (no log 0 at T_c).
  const Dual2 g0 = half_l * gamma(0);
  Dual2 a1 = cst(0), a2 = cst(0), a3 = log_2cosh(g0), a4 = cst(0);
  for (int r = 0; r < L; ++r) {
    const Dual2 g_odd = half_l * gamma(2 * r + 1);
    a1 = a1 + log_2cosh(g_odd);
    a2 = a2 + log_2sinh_abs(g_odd);
    if (r > 0) {
      const Dual2 g_even = half_l * gamma(2 * r);
      a3 = a3 + log_2cosh(g_even);
      a4 = a4 + log_2sinh_abs(g_even);
    }
  }
  const Dual2 sum =
      signed_logsumexp({a1, a2, a3, a4}, {cst(1), cst(1), cst(1), 2.0 * sinh(g0)});
  const Dual2 lnz = cst(-std::log(2.0)) + (0.5 * L * L) * log(2.0 * sinh(two_k)) + sum;
  return from_lnz(lnz, L * L, K, J);
}

ExactThermo ising_enumerate(const IsingLattice& lat, double T, double J) {
  check_temperature(T, J);
  validate(lat);
  const int n = lat.n_sites();
  require(n <= 24, "enumeration: at most 24 sites, got " + std::to_string(n));
  const auto bonds = bond_list(lat);
  const int nb = static_cast<int>(bonds.size());
  // Density of states in (bond sum, |M|): counts are exact integers.
  std::vector<double> count(static_cast<std::size_t>(2 * nb + 1) * (n + 1), 0.0);
  std::vector<std::int8_t> s(n);
  for (std::uint64_t state = 0; state < (std::uint64_t{1} << n); ++state) {
    int mag = 0;
    for (int i = 0; i < n; ++i) {
      s[i] = (state >> i) & 1 ? 1 : -1;
      mag += s[i];
    }
    int bsum = 0;
    for (auto [i, j] : bonds) bsum += s[i] * s[j];
    count[static_cast<std::size_t>(bsum + nb) * (n + 1) + std::abs(mag)] += 1;
  }
  const double K = J / T;
  double wmax = -std::numeric_limits<double>::infinity();
  for (int b = -nb; b <= nb; ++b) wmax = std::max(wmax, K * b);
  double z = 0, sb = 0, sb2 = 0, sm = 0, sm2 = 0;
  for (int b = -nb; b <= nb; ++b)
    for (int m = 0; m <= n; ++m) {
      const double c = count[static_cast<std::size_t>(b + nb) * (n + 1) + m];
      if (c == 0) continue;
      const double w = c * std::exp(K * b - wmax);
      const double am = static_cast<double>(m) / n;
      z += w, sb += w * b, sb2 += w * b * b, sm += w * am, sm2 += w * am * am;
    }
  ExactThermo t;
  t.ln_z = std::log(z) + wmax;
  const double mean_b = sb / z, var_b = sb2 / z - mean_b * mean_b;
  t.e = -J * mean_b / n;
  t.cv = J * J * var_b / (n * T * T);
  t.entropy = t.ln_z - K * mean_b;
  t.abs_m = sm / z;
  t.m2 = sm2 / z;
  t.chi = n * (t.m2 - t.abs_m * t.abs_m) / T;
  return t;
}

bool ising_exact(const IsingLattice& lat, double T, double J, ExactThermo& out) {
  if (lat.n_sites() <= 16) {
    out = ising_enumerate(lat, T, J);
    return true;
  }
  if (lat.dim == 1) {
    out = ising1d_exact(lat.L, lat.periodic(), T, J);
    return true;
  }
  if (lat.periodic()) {
    out = ising2d_exact(lat.L, T, J);
    return true;
  }
  return false;
}

}  // namespace fl::ising
