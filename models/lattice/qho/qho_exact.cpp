#include "models/lattice/qho/qho_exact.hpp"

#include <cmath>

#include "core/error.hpp"

namespace fl::qho {

Operator operator_from_name(const std::string& name, const std::string& where) {
  if (name == "x") return Operator::x;
  if (name == "x3") return Operator::x3;
  throw InputError(where + ": unknown operator '" + name + "' (use x or x3)");
}

std::string operator_name(Operator op) { return op == Operator::x ? "x" : "x3"; }

void validate(const QhoParams& p, const std::string& where) {
  require(std::isfinite(p.m) && p.m > 0, where + ".m: must be finite and > 0");
  require(std::isfinite(p.omega) && p.omega > 0, where + ".omega: must be finite and > 0");
  require(std::isfinite(p.a) && p.a > 0, where + ".a: must be finite and > 0");
  require(p.n_t >= 4 && p.n_t % 2 == 0, where + ".n_t: must be even and >= 4, got " + std::to_string(p.n_t));
}

double energy_gap(const QhoParams& p) { return std::acosh(1.0 + 0.5 * p.a * p.a * p.omega * p.omega); }

namespace {
double amplitude(const QhoParams& p) { return p.a / (2.0 * p.m * std::sinh(energy_gap(p))); }
double wrap_q(const QhoParams& p) { return std::exp(-energy_gap(p) * p.n_t); }
}  // namespace

double propagator(const QhoParams& p, int n) {
  const int N = p.n_t;
  n = ((n % N) + N) % N;
  const double e = energy_gap(p);
  return amplitude(p) * (std::exp(-e * n) + std::exp(-e * (N - n))) / (1.0 - wrap_q(p));
}

std::vector<double> exact_correlator(const QhoParams& p, Operator op) {
  std::vector<double> c(p.n_t);
  const double g0 = propagator(p, 0);
  for (int t = 0; t < p.n_t; ++t) {
    const double g = propagator(p, t);
    c[t] = op == Operator::x ? g : 9.0 * g0 * g0 * g + 6.0 * g * g * g;
  }
  return c;
}

std::vector<SpectralLine> exact_spectral_lines(const QhoParams& p, Operator op) {
  const double e = energy_gap(p), s = amplitude(p), q = wrap_q(p);
  if (op == Operator::x) return {{e, s / (1.0 - q)}};
  const double g0 = propagator(p, 0), c3 = s * s * s / std::pow(1.0 - q, 3);
  return {{e, 9.0 * g0 * g0 * s / (1.0 - q) + 3.0 * q * 6.0 * c3}, {3.0 * e, 6.0 * c3}};
}

}  // namespace fl::qho
