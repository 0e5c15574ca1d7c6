#include "models/lattice/phi4/observables.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

#include "core/error.hpp"

namespace fl::phi4 {

MeasurementSeries::MeasurementSeries(int L)
    : L_(L), corr_(static_cast<std::size_t>(L)), power_(static_cast<std::size_t>(L) * L) {
  cos_.resize(L);
  sin_.resize(L);
  for (int j = 0; j < L; ++j) {
    cos_[j] = std::cos(2.0 * std::numbers::pi * j / L);
    sin_[j] = std::sin(2.0 * std::numbers::pi * j / L);
  }
}

void MeasurementSeries::add(const double* fields, int n_chains) {
  const int L = L_, V = L * L;
  double m = 0, am = 0, m2 = 0, m4 = 0;
  std::vector<double> corr(L, 0.0), power(V, 0.0);
  std::vector<double> row(L), col(L);            // slice sums along x1 and along x2
  std::vector<double> re1(V), im1(V);            // DFT over x1 (index n1 + L x2)
  for (int ch = 0; ch < n_chains; ++ch) {
    const double* phi = fields + static_cast<std::size_t>(ch) * V;
    std::fill(row.begin(), row.end(), 0.0);
    std::fill(col.begin(), col.end(), 0.0);
    double sum = 0;
    for (int x2 = 0; x2 < L; ++x2)
      for (int x1 = 0; x1 < L; ++x1) {
        const double p = phi[x1 + L * x2];
        row[x2] += p;
        col[x1] += p;
        sum += p;
      }
    const double mc = sum / V;
    m += mc;
    am += std::abs(mc);
    m2 += mc * mc;
    m4 += mc * mc * mc * mc;
    // G~(t) = (1/V) sum_tau M(tau) M(tau + t), averaged over the two directions.
    for (int t = 0; t < L; ++t) {
      double c = 0;
      for (int tau = 0; tau < L; ++tau)
        c += row[tau] * row[(tau + t) % L] + col[tau] * col[(tau + t) % L];
      corr[t] += 0.5 * c / V;
    }
    // |phi~(k)|^2 with phi~(k) = sum_x exp(-i k x) phi(x), separable DFT.
    for (int x2 = 0; x2 < L; ++x2)
      for (int n1 = 0; n1 < L; ++n1) {
        double re = 0, im = 0;
        for (int x1 = 0; x1 < L; ++x1) {
          const int j = (n1 * x1) % L;
          re += cos_[j] * phi[x1 + L * x2];
          im -= sin_[j] * phi[x1 + L * x2];
        }
        re1[n1 + L * x2] = re;
        im1[n1 + L * x2] = im;
      }
    for (int n2 = 0; n2 < L; ++n2)
      for (int n1 = 0; n1 < L; ++n1) {
        double re = 0, im = 0;
        for (int x2 = 0; x2 < L; ++x2) {
          const int j = (n2 * x2) % L;
          const double c = cos_[j], s = -sin_[j];
          re += c * re1[n1 + L * x2] - s * im1[n1 + L * x2];
          im += c * im1[n1 + L * x2] + s * re1[n1 + L * x2];
        }
        power[n1 + L * n2] += re * re + im * im;
      }
  }
  const double inv = 1.0 / n_chains;
  m_.push_back(m * inv);
  abs_m_.push_back(am * inv);
  m2_.push_back(m2 * inv);
  m4_.push_back(m4 * inv);
  for (int t = 0; t < L; ++t) corr_[t].push_back(corr[t] * inv);
  for (int k = 0; k < V; ++k) power_[k].push_back(power[k] * inv);
}

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

int min_image(int t, int L) { return std::min(t, L - t); }

}  // namespace

Phi4Summary analyse(const MeasurementSeries& s) {
  const int L = s.L(), V = L * L;
  const std::int64_t n = static_cast<std::int64_t>(s.size());
  if (n < 20) throw InputError("n_samples: at least 20 measurements are needed for errors");
  Phi4Summary out;
  out.n_measurements = n;
  out.tau_abs_m = stats::tau_int(s.abs_m());
  out.tau_m2 = stats::tau_int(s.m2());
  const double tau_max = std::max(out.tau_abs_m.tau, out.tau_m2.tau);
  out.block_size = std::clamp<std::int64_t>(std::llround(4.0 * tau_max), 1, std::max<std::int64_t>(1, n / 20));
  const std::int64_t b = out.block_size;

  // Primary series: 0 m, 1 |m|, 2 m^2, 3 m^4, 4.. G~(t).
  std::vector<std::vector<double>> prim = {s.m(), s.abs_m(), s.m2(), s.m4()};
  for (int t = 0; t < L; ++t) prim.push_back(s.correlator()[t]);
  auto jk = [&](const stats::DerivedFn& f) { return stats::jackknife(prim, f, b); };
  auto corr_c = [L](const std::vector<double>& mu, int t) { return mu[4 + t] - L * mu[0] * mu[0]; };

  out.m = jk([](const auto& mu) { return mu[0]; });
  out.abs_m = jk([](const auto& mu) { return mu[1]; });
  out.m2 = jk([](const auto& mu) { return mu[2]; });
  out.chi = jk([V](const auto& mu) { return V * (mu[2] - mu[1] * mu[1]); });
  out.chi_2pt = jk([V](const auto& mu) { return V * mu[2]; });
  out.binder = jk([](const auto& mu) { return 1.0 - mu[3] / (3.0 * mu[2] * mu[2]); });
  out.xi_2nd_position = jk([L, V, corr_c](const auto& mu) {
    double num = 0, den = V * (mu[2] - mu[0] * mu[0]);
    for (int t = 0; t < L; ++t) num += 2.0 * min_image(t, L) * min_image(t, L) * corr_c(mu, t);
    const double xi2 = num / (4.0 * den);
    return xi2 > 0 ? std::sqrt(xi2) : kNaN;
  });
  out.xi_2nd = jk([L](const auto& mu) {
    double g0 = 0, g1 = 0;
    for (int t = 0; t < L; ++t) {
      g0 += mu[4 + t];
      g1 += std::cos(2.0 * std::numbers::pi * t / L) * mu[4 + t];
    }
    const double sn = std::sin(std::numbers::pi / L);
    const double xi2 = (g0 / g1 - 1.0) / (4.0 * sn * sn);
    return xi2 > 0 ? std::sqrt(xi2) : kNaN;
  });
  for (int t = 0; t < L; ++t) out.correlator.push_back(jk([t, corr_c](const auto& mu) { return corr_c(mu, t); }));
  for (int t = 1; t < L / 2; ++t)
    out.effective_mass.push_back(jk([t, L, corr_c](const auto& mu) {
      const double r = (corr_c(mu, t - 1) + corr_c(mu, (t + 1) % L)) / (2.0 * corr_c(mu, t));
      return r >= 1.0 ? std::acosh(r) : kNaN;
    }));
  // Power spectrum: means with their own tau_int (modes decorrelate at different rates);
  // G(x) from its inverse DFT.
  std::vector<double> pk(V);
  for (int k = 0; k < V; ++k) {
    const stats::Estimate e = stats::mean_with_error(s.power()[k]);
    out.power.push_back(e);
    pk[k] = e.value;
  }
  out.two_point.assign(V, 0.0);
  for (int x2 = 0; x2 < L; ++x2)
    for (int x1 = 0; x1 < L; ++x1) {
      double g = 0;
      for (int n2 = 0; n2 < L; ++n2)
        for (int n1 = 0; n1 < L; ++n1)
          g += pk[n1 + L * n2] * std::cos(2.0 * std::numbers::pi * (n1 * x1 + n2 * x2) / L);
      out.two_point[x1 + L * x2] = g / (static_cast<double>(V) * V);
    }
  return out;
}

}  // namespace fl::phi4
