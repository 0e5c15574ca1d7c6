#pragma once
// Element-wise NNGP / NTK recursion of a fully connected network in NTK parameterisation,
//   z^{l+1} = sigma_w W^{l+1} phi(z^l) / sqrt(n_l) + sigma_b b^{l+1},   W, b ~ N(0, 1),
// written once as host-device code (CPU loops and cuda/kernel_kernels.cu call it):
//   K^1 = sigma_w^2 x.x'/n0 + sigma_b^2,  Theta^1 = K^1,
//   K^{l+1} = sigma_w^2 T(Lambda^l) + sigma_b^2,  Theta^{l+1} = K^{l+1} + sigma_w^2 Tdot(Lambda^l) Theta^l,
// with T = E[phi(u) phi(v)], Tdot = E[phi'(u) phi'(v)], (u, v) ~ N(0, Lambda^l).
// ReLU (Cho-Saul arc-cosine), erf (Williams) and identity in closed form; every other
// activation by tensor Gauss-Hermite quadrature. No Eigen here (nvcc includes this file).
#include <cmath>

#include "core/hd.hpp"
#include "core/unary_ops.hpp"

namespace fl::kernels {

// Gauss-Hermite rule for the standard normal: E[f(z)] ~ sum_i w_i f(x_i), z ~ N(0, 1).
struct GaussHermiteRule {
  static constexpr int kMaxPoints = 64;
  int n = 0;
  double x[kMaxPoints] = {};
  double w[kMaxPoints] = {};
};

// Everything one matrix element needs; a plain struct so it can be a kernel argument.
struct KernelRecursionParams {
  int hidden_layers = 1;          // L: the output kernels are K^{L+1}, Theta^{L+1}
  double sw2 = 1.0;               // sigma_w^2
  double sb2 = 0.0;               // sigma_b^2
  UnaryOp activation = UnaryOp::relu;
  bool quadrature = false;        // true: Gauss-Hermite even where a closed form exists
  bool repo_ntk_variant = false;  // Theta^{l+1} = sigma_w^2 Tdot Theta^l (drops +K^{l+1}), as the authors' code
  GaussHermiteRule rule;
};

inline constexpr double kPi = 3.141592653589793238462643383279502884;

FL_HD bool has_closed_form(UnaryOp op) {
  return op == UnaryOp::relu || op == UnaryOp::erf || op == UnaryOp::identity;
}

// T and Tdot for the 2x2 covariance [[l11, l12], [l12, l22]].
FL_HD void relu_expectations(double l11, double l12, double l22, double& t, double& tdot) {
  const double s = sqrt(l11 * l22);
  double c = s > 0.0 ? l12 / s : 1.0;
  c = c > 1.0 ? 1.0 : (c < -1.0 ? -1.0 : c);
  const double theta = acos(c);
  t = s / (2.0 * kPi) * (sqrt(1.0 - c * c) + (kPi - theta) * c);
  tdot = (kPi - theta) / (2.0 * kPi);
}

FL_HD void erf_expectations(double l11, double l12, double l22, double& t, double& tdot) {
  const double prod = (1.0 + 2.0 * l11) * (1.0 + 2.0 * l22);
  const double det = prod - 4.0 * l12 * l12;  // det(I + 2 Lambda) > 0 for PSD Lambda
  t = (2.0 / kPi) * atan2(2.0 * l12, sqrt(det));
  tdot = (4.0 / kPi) / sqrt(det);
}

// u = a z1, v = b z1 + c z2 with z1, z2 independent standard normals.
FL_HD void quadrature_expectations(const KernelRecursionParams& p, double l11, double l12,
                                   double l22, double& t, double& tdot) {
  const double a = sqrt(l11 > 0.0 ? l11 : 0.0);
  const double b = a > 0.0 ? l12 / a : 0.0;
  const double c2 = l22 - b * b;
  const double c = sqrt(c2 > 0.0 ? c2 : 0.0);
  const GaussHermiteRule& r = p.rule;
  double st = 0.0, sd = 0.0;
  for (int i = 0; i < r.n; ++i) {
    const double u = a * r.x[i];
    const double pu = apply_unary(p.activation, u), du = apply_unary_derivative(p.activation, u);
    double it = 0.0, id = 0.0;
    for (int j = 0; j < r.n; ++j) {
      const double v = b * r.x[i] + c * r.x[j];
      it += r.w[j] * apply_unary(p.activation, v);
      id += r.w[j] * apply_unary_derivative(p.activation, v);
    }
    st += r.w[i] * pu * it;
    sd += r.w[i] * du * id;
  }
  t = st;
  tdot = sd;
}

FL_HD void expectations(const KernelRecursionParams& p, double l11, double l12, double l22,
                        double& t, double& tdot) {
  if (!p.quadrature && p.activation == UnaryOp::relu) return relu_expectations(l11, l12, l22, t, tdot);
  if (!p.quadrature && p.activation == UnaryOp::erf) return erf_expectations(l11, l12, l22, t, tdot);
  if (!p.quadrature && p.activation == UnaryOp::identity) {
    t = l12;
    tdot = 1.0;
    return;
  }
  quadrature_expectations(p, l11, l12, l22, t, tdot);
}

// E[phi(u)^2], u ~ N(0, l): the next layer's diagonal.
FL_HD double diagonal_expectation(const KernelRecursionParams& p, double l) {
  if (!p.quadrature && p.activation == UnaryOp::relu) return 0.5 * l;
  if (!p.quadrature && p.activation == UnaryOp::erf)
    return (2.0 / kPi) * asin(2.0 * l / (1.0 + 2.0 * l));
  if (!p.quadrature && p.activation == UnaryOp::identity) return l;
  const double a = sqrt(l > 0.0 ? l : 0.0);
  double s = 0.0;
  for (int i = 0; i < p.rule.n; ++i) {
    const double f = apply_unary(p.activation, a * p.rule.x[i]);
    s += p.rule.w[i] * f * f;
  }
  return s;
}

// One kernel entry from the scaled inputs: gram = x.x'/n0, n1 = |x|^2/n0, n2 = |x'|^2/n0.
FL_HD void kernel_entry(const KernelRecursionParams& p, double gram, double n1, double n2,
                        double& nngp, double& ntk) {
  double k11 = p.sw2 * n1 + p.sb2, k22 = p.sw2 * n2 + p.sb2, k12 = p.sw2 * gram + p.sb2;
  double theta = k12;
  for (int l = 0; l < p.hidden_layers; ++l) {
    double t, tdot;
    expectations(p, k11, k12, k22, t, tdot);
    const double next12 = p.sw2 * t + p.sb2;
    theta = (p.repo_ntk_variant ? 0.0 : next12) + p.sw2 * tdot * theta;
    k11 = p.sw2 * diagonal_expectation(p, k11) + p.sb2;
    k22 = p.sw2 * diagonal_expectation(p, k22) + p.sb2;
    k12 = next12;
  }
  nngp = k12;
  ntk = theta;
}

}  // namespace fl::kernels
