#pragma once
// Euclidean lattice action of the quantum harmonic oscillator on a periodic time lattice,
//   S = sum_i [ m (x_{i+1} - x_i)^2 / (2a) + a m w^2 x_i^2 / 2 ],   x_N = x_0,
// as host-device formulas shared by the CPU sweeps and cuda/qho_kernels.cu. One chain is one
// contiguous column of n_t doubles. No Eigen here.
#include "core/hd.hpp"

namespace fl::qho {

struct QhoParams {
  double m = 1.0;
  double omega = 1.0;
  double a = 0.05;
  int n_t = 200;
};

FL_HD int wrap_next(int i, int n) { return i + 1 == n ? 0 : i + 1; }
FL_HD int wrap_prev(int i, int n) { return i == 0 ? n - 1 : i - 1; }

// Total action of one configuration.
FL_HD double action(const QhoParams& p, const double* x) {
  double s = 0.0;
  for (int i = 0; i < p.n_t; ++i) {
    const double d = x[wrap_next(i, p.n_t)] - x[i];
    s += p.m * d * d / (2.0 * p.a) + 0.5 * p.a * p.m * p.omega * p.omega * x[i] * x[i];
  }
  return s;
}

// S(x with x_i -> x_new) - S(x): only the two links and the site term touching i change.
FL_HD double local_action_change(const QhoParams& p, const double* x, int i, double x_new) {
  const double left = x[wrap_prev(i, p.n_t)], right = x[wrap_next(i, p.n_t)], old = x[i];
  const double kin = p.m / (2.0 * p.a);
  const double pot = 0.5 * p.a * p.m * p.omega * p.omega;
  const auto local = [&](double v) {
    return kin * ((right - v) * (right - v) + (v - left) * (v - left)) + pot * v * v;
  };
  return local(x_new) - local(old);
}

// dS/dx_i, the HMC force is its negative.
FL_HD double action_gradient(const QhoParams& p, const double* x, int i) {
  const double left = x[wrap_prev(i, p.n_t)], right = x[wrap_next(i, p.n_t)];
  return p.m / p.a * (2.0 * x[i] - left - right) + p.a * p.m * p.omega * p.omega * x[i];
}

// Translation-averaged correlators of one configuration, tau = 0..n_t-1:
//   cx[tau]  = (1/N) sum_n x_{n+tau} x_n,   cx3[tau] = (1/N) sum_n x_{n+tau}^3 x_n^3.
FL_HD void measure_correlators(const QhoParams& p, const double* x, double* cx, double* cx3) {
  const int n = p.n_t;
  for (int tau = 0; tau < n; ++tau) {
    double s1 = 0.0, s3 = 0.0;
    for (int i = 0; i < n; ++i) {
      const int j = i + tau < n ? i + tau : i + tau - n;
      const double xi = x[i], xj = x[j];
      s1 += xi * xj;
      s3 += xi * xi * xi * xj * xj * xj;
    }
    cx[tau] = s1 / n;
    cx3[tau] = s3 / n;
  }
}

}  // namespace fl::qho
