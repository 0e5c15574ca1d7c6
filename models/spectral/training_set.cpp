#include "models/spectral/training_set.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/philox.hpp"

namespace fl::spectral {

Family family_from_name(const std::string& name, const std::string& where) {
  if (name == "gaussian_peaks") return Family::gaussian_peaks;
  if (name == "chebyshev") return Family::chebyshev;
  throw InputError(where + ": unknown family '" + name + "' (use gaussian_peaks or chebyshev)");
}

void TrainingSetConfig::validate(const std::string& where) const {
  require(size >= 1, where + ".size: must be >= 1");
  require(n_peaks >= 1 && peak_sigma > 0 && mu_max >= mu_min && weight_max >= weight_min && weight_min >= 0,
          where + ": need n_peaks >= 1, sigma > 0 and ordered ranges");
  require(chebyshev_terms >= 2 && e0_max >= e0_min && e0_min >= 0 && e_max > e0_max,
          where + ": need chebyshev_terms >= 2 and 0 <= e0_min <= e0_max < e_max");
  require(chebyshev_quadrature >= 3 && chebyshev_quadrature % 2 == 1, where + ".chebyshev_quadrature: odd, >= 3");
}

std::vector<GaussianPeak> gaussian_peak_sample(const TrainingSetConfig& c, int i) {
  PhiloxStream rng({c.seed, static_cast<std::uint32_t>(i)}, 0);
  std::vector<GaussianPeak> peaks;
  for (int k = 0; k < c.n_peaks; ++k) {
    const double mu = c.mu_min + (c.mu_max - c.mu_min) * rng.uniform();
    const double a = c.weight_min + (c.weight_max - c.weight_min) * rng.uniform();
    if (c.repo_peak_norm)
      peaks.push_back({mu, c.peak_sigma / std::sqrt(2.0), a / std::sqrt(2.0)});
    else
      peaks.push_back({mu, c.peak_sigma, a});
  }
  return peaks;
}

namespace {

double chebyshev_t(int n, double x) {
  double t0 = 1.0, t1 = x;
  if (n == 0) return t0;
  for (int k = 1; k < n; ++k) {
    const double t2 = 2 * x * t1 - t0;
    t0 = t1;
    t1 = t2;
  }
  return t1;
}

struct ChebyshevSample {
  double e0;
  std::vector<double> c;
  double operator()(double e) const {
    if (e < e0) return 0.0;
    double s = 0.0;
    for (std::size_t n = 1; n < c.size(); ++n)
      s += c[n] * (chebyshev_t(static_cast<int>(n), 1 - 2 * std::exp(-e)) -
                   chebyshev_t(static_cast<int>(n), 1 - 2 * std::exp(-e0)));
    return s;
  }
};

ChebyshevSample chebyshev_sample(const TrainingSetConfig& cfg, int i) {
  PhiloxStream rng({cfg.seed, static_cast<std::uint32_t>(i)}, 0);
  ChebyshevSample s;
  s.e0 = cfg.e0_min + (cfg.e0_max - cfg.e0_min) * rng.uniform();
  s.c.assign(cfg.chebyshev_terms, 0.0);
  for (int n = 1; n < cfg.chebyshev_terms; ++n) s.c[n] = (2 * rng.uniform() - 1) / std::pow(n, 1.0 + 1e-7);
  return s;
}

}  // namespace

TrainingSet make_training_set(const InverseProblem& ip, const TrainingSetConfig& c) {
  ip.validate();
  c.validate();
  TrainingSet set;
  set.size = c.size;
  set.correlators.resize(static_cast<std::size_t>(ip.n_tau) * c.size);
  set.densities.resize(static_cast<std::size_t>(ip.n_omega) * c.size);
  const auto grid = ip.omega_grid();
#pragma omp parallel for schedule(dynamic, 16)
  for (int i = 0; i < c.size; ++i) {
    double* corr = set.correlators.data() + static_cast<std::size_t>(i) * ip.n_tau;
    double* rho = set.densities.data() + static_cast<std::size_t>(i) * ip.n_omega;
    if (c.family == Family::gaussian_peaks) {
      const auto peaks = gaussian_peak_sample(c, i);
      const auto cv = correlator_of_peaks(ip, peaks);
      const auto rv = density_of_peaks(ip, peaks);
      std::copy(cv.begin(), cv.end(), corr);
      std::copy(rv.begin(), rv.end(), rho);
    } else {
      const ChebyshevSample s = chebyshev_sample(c, i);
      for (int j = 0; j < ip.n_omega; ++j) rho[j] = s(grid[j]);
      // Simpson on [e0, e_max] (rho vanishes below e0 and has a kink there).
      const int n = c.chebyshev_quadrature;
      const double h = (c.e_max - s.e0) / (n - 1);
      for (int t = 0; t < ip.n_tau; ++t) {
        double sum = 0.0;
        for (int k = 0; k < n; ++k) {
          const double e = s.e0 + h * k;
          const double w = (k == 0 || k == n - 1) ? 1.0 : (k % 2 ? 4.0 : 2.0);
          sum += w * ip.kernel(t, e) * s(e);
        }
        corr[t] = sum * h / 3.0;
      }
    }
  }
  return set;
}

}  // namespace fl::spectral
