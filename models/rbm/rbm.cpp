#include "models/rbm/rbm.hpp"

#include <cmath>

#include "core/error.hpp"
#include "models/rbm/gibbs_ops.hpp"

namespace fl::rbm {

RbmParams RbmParams::zeros(int n_v, int n_h) {
  RbmParams p;
  p.n_v = n_v, p.n_h = n_h;
  p.W.assign(static_cast<std::size_t>(n_v) * n_h, 0.0);
  p.b.assign(n_v, 0.0);
  p.c.assign(n_h, 0.0);
  return p;
}

double softplus(double x) { return (x > 0 ? x : 0) + std::log1p(std::exp(-std::abs(x))); }

double softplus_shift(double c, double t) {
  // Each softplus is split into its exact max() part and a small log1p part, so the
  // difference loses no more than a few ulps of the log1p terms.
  const double a = c + t;
  return ((a > 0 ? a : 0) - (c > 0 ? c : 0)) + (std::log1p(std::exp(-std::abs(a))) - std::log1p(std::exp(-std::abs(c))));
}

double free_energy(const RbmParams& p, const double* v) {
  double f = 0;
  for (int j = 0; j < p.n_v; ++j) f -= p.b[j] * v[j];
  for (int i = 0; i < p.n_h; ++i) {
    double x = p.c[i];
    for (int j = 0; j < p.n_v; ++j) x += p.w(i, j) * v[j];
    f -= softplus(x);
  }
  return f;
}

void check_shape(int n_v, int n_h, const char* what) {
  require(n_v >= 1 && n_h >= 1, std::string(what) + ": the RBM needs at least one visible and one hidden unit");
  require(n_v <= (1 << 20) && n_h <= (1 << 20), std::string(what) + ": RBM too large");
}

Rbm::Rbm(Backend& backend, int n_v, int n_h)
    : n_v_(n_v), n_h_(n_h), params_(Buffer<double>::zeros(backend, static_cast<index_t>(n_h) * n_v + n_v + n_h)) {
  check_shape(n_v, n_h, "rbm");
}

Rbm Rbm::from_params(Backend& backend, const RbmParams& p) {
  Rbm r(backend, p.n_v, p.n_h);
  r.set_params(p);
  return r;
}

void Rbm::init_normal(double stddev, std::uint32_t seed) {
  backend().fill(flat(), 0.0);
  backend().fill_normal(VectorView<double>(params_.data(), w_size(), backend().device()), PhiloxKey{seed, 0}, 0,
                        0.0, stddev);
}

RbmParams Rbm::to_params() const {
  RbmParams p = RbmParams::zeros(n_v_, n_h_);
  const auto all = params_.to_host();
  std::copy(all.begin(), all.begin() + w_size(), p.W.begin());
  std::copy(all.begin() + w_size(), all.begin() + w_size() + n_v_, p.b.begin());
  std::copy(all.begin() + w_size() + n_v_, all.end(), p.c.begin());
  return p;
}

void Rbm::set_params(const RbmParams& p) {
  if (p.n_v != n_v_ || p.n_h != n_h_) throw std::invalid_argument("Rbm::set_params: shape mismatch");
  std::vector<double> all(p.W);
  all.insert(all.end(), p.b.begin(), p.b.end());
  all.insert(all.end(), p.c.begin(), p.c.end());
  backend().upload(all.data(), params_.view());
}

void Rbm::hidden_probs(MatrixView<const double> V, MatrixView<double> PH, double beta) const {
  Backend& be = backend();
  be.gemm<double>(Trans::no, Trans::no, 1.0, W(), V, 0.0, PH);
  be.add_column_vector(c(), PH);
  if (beta != 1.0) be.scale(beta, PH.flat());
  sigmoid_inplace(be, PH.flat());
}

void Rbm::visible_probs(MatrixView<const double> H, MatrixView<double> PV) const {
  Backend& be = backend();
  be.gemm<double>(Trans::yes, Trans::no, 1.0, W(), H, 0.0, PV);
  be.add_column_vector(b(), PV);
  sigmoid_inplace(be, PV.flat());
}

void Rbm::sample_hidden(MatrixView<const double> V, MatrixView<double> PH, MatrixView<double> H, PhiloxKey key,
                        std::uint64_t step) const {
  Backend& be = backend();
  be.gemm<double>(Trans::no, Trans::no, 1.0, W(), V, 0.0, PH);
  be.add_column_vector(c(), PH);
  sigmoid_bernoulli(be, VectorView<const double>(PH.flat()), PH.flat(), H.flat(), key, step);
}

void Rbm::sample_visible(MatrixView<const double> H, MatrixView<double> PV, MatrixView<double> V, PhiloxKey key,
                         std::uint64_t step) const {
  Backend& be = backend();
  be.gemm<double>(Trans::yes, Trans::no, 1.0, W(), H, 0.0, PV);
  be.add_column_vector(b(), PV);
  sigmoid_bernoulli(be, VectorView<const double>(PV.flat()), PV.flat(), V.flat(), key, step);
}

}  // namespace fl::rbm
