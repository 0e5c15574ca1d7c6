#pragma once
// Bernoulli-Bernoulli restricted Boltzmann machine with {0,1} units.
//   E(v, h) = -h^T W v - c.h - b.v,  W is n_h x n_v,
//   p(h_i = 1 | v) = sigma(c_i + W_i v),  p(v_j = 1 | h) = sigma(b_j + W^T_j h),
//   F(v) = -b.v - sum_i softplus(c_i + W_i v).
// Parameters live in one flat backend buffer [W (column-major) | b | c] so an optimiser step
// is one call. Samples are columns (n_v x batch), so a Gibbs step for all chains is one GEMM.
#include <cstdint>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"

namespace fl::rbm {

// Host copy of the parameters, for analysis (exact sums, couplings, files).
struct RbmParams {
  int n_v = 0, n_h = 0;
  std::vector<double> W;  // column-major n_h x n_v: W[i + n_h * j]
  std::vector<double> b;  // n_v
  std::vector<double> c;  // n_h
  double w(int i, int j) const { return W[static_cast<std::size_t>(i) + static_cast<std::size_t>(n_h) * j]; }
  double& w(int i, int j) { return W[static_cast<std::size_t>(i) + static_cast<std::size_t>(n_h) * j]; }
  static RbmParams zeros(int n_v, int n_h);
};

// Free energy F(v) of one visible configuration (v has n_v entries in {0,1}, or any reals).
double free_energy(const RbmParams& p, const double* v);
// Stable softplus difference G(c, t) = softplus(c + t) - softplus(c) (the hidden unit's
// cumulant generating function, FP64).
double softplus(double x);
double softplus_shift(double c, double t);

class Rbm {
 public:
  Rbm(Backend& backend, int n_v, int n_h);
  static Rbm from_params(Backend& backend, const RbmParams& p);

  int n_v() const { return n_v_; }
  int n_h() const { return n_h_; }
  Backend& backend() const { return params_.backend(); }
  // W ~ N(0, stddev^2) (Philox key (seed, 0)), zero biases.
  void init_normal(double stddev, std::uint32_t seed);

  MatrixView<double> W() { return {params_.data(), n_h_, n_v_, backend().device()}; }
  MatrixView<const double> W() const { return {params_.data(), n_h_, n_v_, backend().device()}; }
  VectorView<double> b() { return params_.view().segment(w_size(), n_v_); }
  VectorView<const double> b() const { return params_.view().segment(w_size(), n_v_); }
  VectorView<double> c() { return params_.view().segment(w_size() + n_v_, n_h_); }
  VectorView<const double> c() const { return params_.view().segment(w_size() + n_v_, n_h_); }
  VectorView<double> flat() { return params_.view(); }
  index_t w_size() const { return static_cast<index_t>(n_h_) * n_v_; }

  RbmParams to_params() const;
  void set_params(const RbmParams& p);

  // PH = sigma(beta (W V + c)) for the columns of V (n_v x m) into PH (n_h x m).
  void hidden_probs(MatrixView<const double> V, MatrixView<double> PH, double beta = 1.0) const;
  // PV = sigma(W^T H + b) for H (n_h x m) into PV (n_v x m).
  void visible_probs(MatrixView<const double> H, MatrixView<double> PV) const;
  // Gibbs half-steps: PH = sigma(W V + c), H ~ Bernoulli(PH) (and the visible analogue), with
  // the fused sigmoid-Bernoulli op; random numbers from (key, step) in fill_bernoulli layout.
  void sample_hidden(MatrixView<const double> V, MatrixView<double> PH, MatrixView<double> H, PhiloxKey key,
                     std::uint64_t step) const;
  void sample_visible(MatrixView<const double> H, MatrixView<double> PV, MatrixView<double> V, PhiloxKey key,
                      std::uint64_t step) const;

 private:
  int n_v_, n_h_;
  Buffer<double> params_;
};

// Validates n_v, n_h (InputError naming `what`).
void check_shape(int n_v, int n_h, const char* what);

}  // namespace fl::rbm
