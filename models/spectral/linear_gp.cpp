#include "models/spectral/linear_gp.hpp"

#include <algorithm>
#include <cmath>

#include "core/buffer.hpp"
#include "core/error.hpp"

namespace fl::spectral {

void LinearGpConfig::validate(const std::string& where) const {
  require(std::isfinite(amplitude) && amplitude > 0, where + ".amplitude: must be > 0");
  require(std::isfinite(length) && length > 0, where + ".length: must be > 0");
  require(std::isfinite(omega_max) && omega_max > 0, where + ".omega_max: must be > 0");
  require(n_omega >= 3, where + ".n_omega: must be >= 3");
}

std::vector<double> LinearGpConfig::grid() const {
  std::vector<double> w(n_omega);
  for (int i = 0; i < n_omega; ++i) w[i] = omega_max * i / (n_omega - 1);
  return w;
}

std::vector<double> linear_gp_prior(const LinearGpConfig& c) {
  const auto w = c.grid();
  const int n = c.n_omega;
  std::vector<double> k(static_cast<std::size_t>(n) * n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) {
      const double d = (w[i] - w[j]) / c.length;
      k[i + static_cast<std::size_t>(j) * n] = c.amplitude * c.amplitude * std::exp(-0.5 * d * d);
    }
  return k;
}

std::vector<double> linear_gp_forward(const InverseProblem& ip, const LinearGpConfig& c) {
  const auto w = c.grid();
  const double h = c.omega_max / (c.n_omega - 1);
  std::vector<double> kq(static_cast<std::size_t>(ip.n_tau) * c.n_omega);
  for (int j = 0; j < c.n_omega; ++j) {
    const double q = (j == 0 || j == c.n_omega - 1) ? 0.5 * h : h;
    for (int t = 0; t < ip.n_tau; ++t) kq[t + static_cast<std::size_t>(j) * ip.n_tau] = q * ip.kernel(t, w[j]);
  }
  return kq;
}

LinearGpResult linear_gp_posterior(Backend& backend, const InverseProblem& ip, const LinearGpConfig& c,
                                   const std::vector<double>& C, const std::vector<double>& Sigma) {
  c.validate();
  const int nt = ip.n_tau, ng = c.n_omega;
  require(static_cast<int>(C.size()) == nt && static_cast<int>(Sigma.size()) == nt * nt,
          "linear_gp: correlator/covariance sizes do not match n_tau");
  const Matrix<double> k = Matrix<double>::from_host(backend, ng, ng, linear_gp_prior(c));
  const Matrix<double> Kq = Matrix<double>::from_host(backend, nt, ng, linear_gp_forward(ip, c));
  // kKt = k K_q^T (ng x nt); S = K_q kKt + Sigma.
  Matrix<double> kKt(backend, ng, nt);
  backend.gemm(Trans::no, Trans::yes, 1.0, k.view(), Kq.view(), 0.0, kKt.view());
  Matrix<double> S = Matrix<double>::from_host(backend, nt, nt, Sigma);
  backend.gemm(Trans::no, Trans::no, 1.0, Kq.view(), MatrixView<const double>(kKt.view()), 1.0, S.view());
  LinearGpResult r;
  r.info = backend.cholesky(S.view());
  // alpha = S^{-1} C; mean = kKt alpha.
  Matrix<double> alpha = Matrix<double>::from_host(backend, nt, 1, C);
  backend.cholesky_solve(S.view(), alpha.view());
  Matrix<double> mean(backend, ng, 1);
  backend.gemm(Trans::no, Trans::no, 1.0, MatrixView<const double>(kKt.view()),
               MatrixView<const double>(alpha.view()), 0.0, mean.view());
  // cov = k - kKt S^{-1} kKt^T.
  Matrix<double> SinvKk;
  r.omega = c.grid();
  r.mean = mean.to_host();
  // S^{-1} (K_q k) with K_q k = kKt^T (k symmetric): transpose through the host (nt x ng is small).
  {
    const std::vector<double> h = kKt.to_host();
    std::vector<double> t(static_cast<std::size_t>(nt) * ng);
    for (int j = 0; j < ng; ++j)
      for (int i = 0; i < nt; ++i) t[i + static_cast<std::size_t>(j) * nt] = h[j + static_cast<std::size_t>(i) * ng];
    SinvKk = Matrix<double>::from_host(backend, nt, ng, t);
  }
  backend.cholesky_solve(S.view(), SinvKk.view());
  Matrix<double> cov = Matrix<double>::copy_of(k);
  backend.gemm(Trans::no, Trans::no, -1.0, MatrixView<const double>(kKt.view()),
               MatrixView<const double>(SinvKk.view()), 1.0, cov.view());
  r.covariance = cov.to_host();
  r.sd.resize(ng);
  for (int i = 0; i < ng; ++i) r.sd[i] = std::sqrt(std::max(r.covariance[i + static_cast<std::size_t>(i) * ng], 0.0));
  // log p(C) = -C^T S^{-1} C / 2 - log det S / 2 - n log(2 pi) / 2.
  const std::vector<double> L = S.to_host(), a = alpha.to_host();
  double quad = 0.0, logdet = 0.0;
  for (int i = 0; i < nt; ++i) {
    quad += C[i] * a[i];
    logdet += 2.0 * std::log(L[i + static_cast<std::size_t>(i) * nt]);
  }
  r.log_marginal_likelihood = -0.5 * quad - 0.5 * logdet - 0.5 * nt * std::log(2.0 * 3.141592653589793);
  return r;
}

std::vector<double> interpolate(const std::vector<double>& x, const std::vector<double>& y,
                                const std::vector<double>& at) {
  std::vector<double> out(at.size(), 0.0);
  for (std::size_t i = 0; i < at.size(); ++i) {
    const double v = at[i];
    if (v < x.front() || v > x.back()) continue;
    const auto it = std::upper_bound(x.begin(), x.end(), v);
    const std::size_t hi = std::min<std::size_t>(static_cast<std::size_t>(it - x.begin()), x.size() - 1);
    const std::size_t lo = hi == 0 ? 0 : hi - 1;
    const double f = x[hi] > x[lo] ? (v - x[lo]) / (x[hi] - x[lo]) : 0.0;
    out[i] = y[lo] + f * (y[hi] - y[lo]);
  }
  return out;
}

}  // namespace fl::spectral
