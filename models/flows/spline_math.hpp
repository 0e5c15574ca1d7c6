#pragma once
// Rational-quadratic spline (Durkan et al. arXiv:1906.04032) of one element, forward and
// hand-written reverse mode, shared by CPU and CUDA. theta holds 3K - 1 unconstrained
// numbers: K width logits, K height logits, K - 1 interior derivative pre-activations.
// widths/heights = 2a softmax, interior derivatives = softplus, end derivatives = 1; the map
// is the identity outside [-a, a]. Computed in double whatever the storage type.
#include <cmath>

#include "core/hd.hpp"

namespace fl::flows {

constexpr int kMaxSplineKnots = 32;

struct SplineKnots {
  double w[kMaxSplineKnots], h[kMaxSplineKnots];  // bin widths and heights
  double pw[kMaxSplineKnots], ph[kMaxSplineKnots];  // their softmax probabilities
  double d[kMaxSplineKnots + 1];                     // knot derivatives, d[0] = d[K] = 1
};

FL_HD double softplus_d(double x) { return x > 30 ? x : log1p(exp(x)); }
FL_HD double sigmoid_d(double x) { return 1.0 / (1.0 + exp(-x)); }

template <class T>
FL_HD void spline_knots(const T* theta, int K, double a, SplineKnots& s) {
  for (int part = 0; part < 2; ++part) {
    const T* th = theta + part * K;
    double mx = th[0];
    for (int k = 1; k < K; ++k) mx = th[k] > mx ? static_cast<double>(th[k]) : mx;
    double z = 0;
    double* p = part == 0 ? s.pw : s.ph;
    for (int k = 0; k < K; ++k) z += (p[k] = exp(th[k] - mx));
    double* out = part == 0 ? s.w : s.h;
    for (int k = 0; k < K; ++k) {
      p[k] /= z;
      out[k] = 2.0 * a * p[k];
    }
  }
  s.d[0] = s.d[K] = 1.0;
  for (int k = 1; k < K; ++k) s.d[k] = softplus_d(theta[2 * K + k - 1]);
}

// Bin of x in [-a, a) and its left knot positions.
FL_HD int spline_bin(const SplineKnots& s, int K, double a, double x, double& xk, double& yk) {
  xk = -a;
  yk = -a;
  int k = 0;
  while (k < K - 1 && x >= xk + s.w[k]) {
    xk += s.w[k];
    yk += s.h[k];
    ++k;
  }
  return k;
}

// The rational-quadratic segment that contains x, with the intermediate quantities both the
// forward map and its reverse-mode derivative need.
struct SplineSegment {
  SplineKnots s;
  int k;
  double xk, yk, wk, hk, dk, dk1, xi, sk, q, D, N, M;
};

template <class T>
FL_HD void spline_segment(double x, const T* theta, int K, double a, SplineSegment& g) {
  spline_knots(theta, K, a, g.s);
  g.k = spline_bin(g.s, K, a, x, g.xk, g.yk);
  g.wk = g.s.w[g.k], g.hk = g.s.h[g.k], g.dk = g.s.d[g.k], g.dk1 = g.s.d[g.k + 1];
  g.xi = (x - g.xk) / g.wk, g.sk = g.hk / g.wk, g.q = g.xi * (1.0 - g.xi);
  g.D = g.sk + (g.dk1 + g.dk - 2.0 * g.sk) * g.q;
  g.N = g.sk * g.xi * g.xi + g.dk * g.q;
  g.M = g.dk1 * g.xi * g.xi + 2.0 * g.sk * g.q + g.dk * (1.0 - g.xi) * (1.0 - g.xi);
}

// y = g(x) and log g'(x).
template <class T>
FL_HD void spline_forward_element(double x, const T* theta, int K, double a, double& y, double& log_grad) {
  if (x <= -a || x >= a) {
    y = x;
    log_grad = 0.0;
    return;
  }
  SplineSegment g;
  spline_segment(x, theta, K, a, g);
  y = g.yk + g.hk * g.N / g.D;
  log_grad = 2.0 * log(g.sk) + log(g.M) - 2.0 * log(g.D);
}

// Reverse mode: given g_y = dL/dy and g_l = dL/d(log g'), writes dL/dx and dL/dtheta.
template <class T>
FL_HD void spline_backward_element(double x, const T* theta, int K, double a, double g_y, double g_l,
                                   double& g_x, T* g_theta) {
  for (int j = 0; j < 3 * K - 1; ++j) g_theta[j] = T(0);
  if (x <= -a || x >= a) {
    g_x = g_y;
    return;
  }
  SplineSegment seg;
  spline_segment(x, theta, K, a, seg);
  const SplineKnots& s = seg.s;
  const int k = seg.k;
  const double wk = seg.wk, hk = seg.hk, dk = seg.dk, dk1 = seg.dk1;
  const double xi = seg.xi, sk = seg.sk, q = seg.q, D = seg.D, N = seg.N, M = seg.M;
  // y = yk + hk N / D;  log g' = 2 log sk + log M - 2 log D
  double b_yk = g_y, b_hk = g_y * N / D, b_N = g_y * hk / D, b_D = -g_y * hk * N / (D * D);
  double b_s = 2.0 * g_l / sk, b_M = g_l / M;
  b_D += -2.0 * g_l / D;
  double b_dk1 = b_M * xi * xi, b_dk = b_M * (1.0 - xi) * (1.0 - xi);
  double b_q = b_M * 2.0 * sk, b_xi = b_M * (2.0 * dk1 * xi - 2.0 * dk * (1.0 - xi));
  b_s += b_M * 2.0 * q;
  b_s += b_N * xi * xi;
  b_xi += b_N * 2.0 * sk * xi;
  b_dk += b_N * q;
  b_q += b_N * dk;
  b_s += b_D * (1.0 - 2.0 * q);
  b_dk1 += b_D * q;
  b_dk += b_D * q;
  b_q += b_D * (dk1 + dk - 2.0 * sk);
  b_xi += b_q * (1.0 - 2.0 * xi);
  b_hk += b_s / wk;
  double b_wk = -b_s * hk / (wk * wk);
  g_x = b_xi / wk;
  const double b_xk = -b_xi / wk;
  b_wk += -b_xi * xi / wk;
  // Knot positions are cumulative sums of the bins to the left.
  double bw[kMaxSplineKnots], bh[kMaxSplineKnots];
  for (int j = 0; j < K; ++j) {
    bw[j] = j < k ? b_xk : 0.0;
    bh[j] = j < k ? b_yk : 0.0;
  }
  bw[k] += b_wk;
  bh[k] += b_hk;
  // Softmax: dL/dtheta_i = 2a p_i (b_i - sum_j b_j p_j).
  double sw = 0, sh = 0;
  for (int j = 0; j < K; ++j) {
    sw += bw[j] * s.pw[j];
    sh += bh[j] * s.ph[j];
  }
  for (int j = 0; j < K; ++j) {
    g_theta[j] = static_cast<T>(2.0 * a * s.pw[j] * (bw[j] - sw));
    g_theta[K + j] = static_cast<T>(2.0 * a * s.ph[j] * (bh[j] - sh));
  }
  if (k >= 1) g_theta[2 * K + k - 1] = static_cast<T>(b_dk * sigmoid_d(theta[2 * K + k - 1]));
  if (k + 1 <= K - 1) g_theta[2 * K + k] = static_cast<T>(b_dk1 * sigmoid_d(theta[2 * K + k]));
}

}  // namespace fl::flows
