#pragma once
// The spectral inverse problem C(tau) = int_0^inf dw K(tau, w) rho(w) of a periodic lattice
// correlator, K(tau, w) = e^{-w tau} + e^{-w (T - tau)}, tau = 0..n_tau-1 (the folded half).
// Energies are in lattice units. Spectral functions are tabulated on a uniform w grid.
#include <string>
#include <vector>

#include "models/lattice/qho/qho_exact.hpp"

namespace fl::spectral {

struct InverseProblem {
  int n_tau = 100;        // correlator inputs tau = 0..n_tau-1
  double time_extent = 200.0;  // T of the kernel
  int n_omega = 10000;    // output grid points
  double omega_min = 0.0;
  double omega_max = 0.2;

  void validate(const std::string& where = "inverse_problem") const;
  std::vector<double> omega_grid() const;      // n_omega uniform points, both ends included
  std::vector<double> quadrature_weights() const;  // trapezoid weights on the grid
  double kernel(int tau, double omega) const;
};

// A Gaussian peak weight * N(w; mu, sigma) restricted to w >= 0 (not renormalised: the
// correlator integral starts at 0).
struct GaussianPeak {
  double mu;
  double sigma;
  double weight;
};
// int_0^inf K(tau, w) N(w; mu, sigma) dw in closed form:
//   int_0^inf e^{-w t} N(w; mu, s) dw = e^{-mu t + s^2 t^2/2} erfc((s^2 t - mu)/(sqrt 2 s)) / 2.
double gaussian_laplace(double t, double mu, double sigma);
std::vector<double> correlator_of_peaks(const InverseProblem& ip, const std::vector<GaussianPeak>& peaks);
std::vector<double> density_of_peaks(const InverseProblem& ip, const std::vector<GaussianPeak>& peaks);

// Exact (delta) lines and their Gaussian-smeared version
//   rho_sigma(w) = sum_n w_n N(w; E_n, sigma) / Z_n,  Z_n = [1 + erf(E_n/(sqrt 2 sigma))]/2,
// so each smeared peak keeps its weight on w >= 0.
std::vector<double> correlator_of_lines(const InverseProblem& ip, const std::vector<qho::SpectralLine>& lines);
std::vector<double> smeared_lines(const InverseProblem& ip, const std::vector<qho::SpectralLine>& lines,
                                  double sigma);
// InputError unless every line lies inside [omega_min, omega_max] (away from the ends by 2 sigma).
void require_grid_covers(const InverseProblem& ip, const std::vector<qho::SpectralLine>& lines, double sigma,
                         const std::string& where);

// Distance measures on the grid (trapezoid rule): L2 = sqrt(int (a - b)^2 dw).
double l2_distance(const InverseProblem& ip, const std::vector<double>& a, const std::vector<double>& b);
// Position and area of the peak of `rho` inside [lo, hi]: area = int rho, position = int w rho / area.
struct PeakSummary {
  double position;
  double area;
};
PeakSummary peak_summary(const InverseProblem& ip, const std::vector<double>& rho, double lo, double hi);

}  // namespace fl::spectral
