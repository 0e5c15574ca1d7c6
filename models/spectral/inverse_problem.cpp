#include "models/spectral/inverse_problem.hpp"

#include <cmath>

#include "core/error.hpp"

namespace fl::spectral {

namespace {
constexpr double kSqrt2 = 1.4142135623730950488;
constexpr double kSqrt2Pi = 2.5066282746310005024;
double normal_pdf(double x, double mu, double s) {
  const double z = (x - mu) / s;
  return std::exp(-0.5 * z * z) / (s * kSqrt2Pi);
}
}  // namespace

void InverseProblem::validate(const std::string& where) const {
  require(n_tau >= 2, where + ".n_tau: must be >= 2");
  require(time_extent >= n_tau, where + ".time_extent: must be >= n_tau");
  require(n_omega >= 3, where + ".n_omega: must be >= 3");
  require(std::isfinite(omega_min) && std::isfinite(omega_max) && omega_min >= 0 && omega_max > omega_min,
          where + ": need 0 <= omega_min < omega_max");
}

std::vector<double> InverseProblem::omega_grid() const {
  std::vector<double> w(n_omega);
  const double h = (omega_max - omega_min) / (n_omega - 1);
  for (int i = 0; i < n_omega; ++i) w[i] = omega_min + h * i;
  return w;
}

std::vector<double> InverseProblem::quadrature_weights() const {
  const double h = (omega_max - omega_min) / (n_omega - 1);
  std::vector<double> q(n_omega, h);
  q.front() = q.back() = 0.5 * h;
  return q;
}

double InverseProblem::kernel(int tau, double omega) const {
  return std::exp(-omega * tau) + std::exp(-omega * (time_extent - tau));
}

double gaussian_laplace(double t, double mu, double sigma) {
  // e^{-mu t + s^2 t^2/2} erfc(x)/2 with x = (s^2 t - mu)/(sqrt2 s); for large x use the
  // scaled form e^{-x^2} erfcx(x) to avoid inf * 0: exponent combines to -mu^2/(2 s^2).
  const double x = (sigma * sigma * t - mu) / (kSqrt2 * sigma);
  const double log_pref = -mu * t + 0.5 * sigma * sigma * t * t;
  if (x < 5.0) return std::exp(log_pref) * 0.5 * std::erfc(x);
  // erfc(x) ~ e^{-x^2} / (x sqrt(pi)) (1 - 1/(2x^2) + 3/(4x^4)); log_pref - x^2 = -mu^2/(2 s^2).
  const double inv2 = 1.0 / (x * x);
  const double series = 1.0 - 0.5 * inv2 + 0.75 * inv2 * inv2 - 1.875 * inv2 * inv2 * inv2;
  return 0.5 * std::exp(-mu * mu / (2 * sigma * sigma)) * series / (x * 1.7724538509055160273);
}

std::vector<double> correlator_of_peaks(const InverseProblem& ip, const std::vector<GaussianPeak>& peaks) {
  std::vector<double> c(ip.n_tau, 0.0);
  for (int t = 0; t < ip.n_tau; ++t)
    for (const auto& p : peaks)
      c[t] += p.weight * (gaussian_laplace(t, p.mu, p.sigma) + gaussian_laplace(ip.time_extent - t, p.mu, p.sigma));
  return c;
}

std::vector<double> density_of_peaks(const InverseProblem& ip, const std::vector<GaussianPeak>& peaks) {
  const auto w = ip.omega_grid();
  std::vector<double> rho(w.size(), 0.0);
  for (std::size_t i = 0; i < w.size(); ++i)
    for (const auto& p : peaks) rho[i] += p.weight * normal_pdf(w[i], p.mu, p.sigma);
  return rho;
}

std::vector<double> correlator_of_lines(const InverseProblem& ip, const std::vector<qho::SpectralLine>& lines) {
  std::vector<double> c(ip.n_tau, 0.0);
  for (int t = 0; t < ip.n_tau; ++t)
    for (const auto& l : lines) c[t] += l.weight * ip.kernel(t, l.energy);
  return c;
}

std::vector<double> smeared_lines(const InverseProblem& ip, const std::vector<qho::SpectralLine>& lines,
                                  double sigma) {
  const auto w = ip.omega_grid();
  std::vector<double> rho(w.size(), 0.0);
  for (const auto& l : lines) {
    const double z = 0.5 * (1.0 + std::erf(l.energy / (kSqrt2 * sigma)));
    for (std::size_t i = 0; i < w.size(); ++i) rho[i] += l.weight * normal_pdf(w[i], l.energy, sigma) / z;
  }
  return rho;
}

void require_grid_covers(const InverseProblem& ip, const std::vector<qho::SpectralLine>& lines, double sigma,
                         const std::string& where) {
  for (const auto& l : lines)
    require(l.energy - 2 * sigma >= ip.omega_min - 1e-300 && l.energy + 2 * sigma <= ip.omega_max,
            where + ": the omega grid [" + std::to_string(ip.omega_min) + ", " + std::to_string(ip.omega_max) +
                "] does not cover the peak at " + std::to_string(l.energy) + " (+- 2 sigma)");
}

double l2_distance(const InverseProblem& ip, const std::vector<double>& a, const std::vector<double>& b) {
  const auto q = ip.quadrature_weights();
  double s = 0.0;
  for (std::size_t i = 0; i < q.size(); ++i) s += q[i] * (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

PeakSummary peak_summary(const InverseProblem& ip, const std::vector<double>& rho, double lo, double hi) {
  const auto w = ip.omega_grid();
  const auto q = ip.quadrature_weights();
  double area = 0.0, first = 0.0;
  for (std::size_t i = 0; i < w.size(); ++i)
    if (w[i] >= lo && w[i] <= hi) {
      area += q[i] * rho[i];
      first += q[i] * rho[i] * w[i];
    }
  return {area != 0.0 ? first / area : std::nan(""), area};
}

}  // namespace fl::spectral
