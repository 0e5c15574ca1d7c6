#include "models/rbm/ais.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "models/rbm/gibbs_ops.hpp"

namespace fl::rbm {

std::vector<double> ais_linear_schedule(int total) {
  require(total >= 2, "ais.betas: need at least 2 betas");
  std::vector<double> b(total);
  for (int k = 0; k < total; ++k) b[k] = static_cast<double>(k) / (total - 1);
  return b;
}

std::vector<double> ais_default_schedule(int total) {
  require(total >= 10, "ais.betas: need at least 10 betas");
  const int n1 = std::max(1, static_cast<int>(std::lround(total * 500.0 / 14500)));
  const int n2 = std::max(1, static_cast<int>(std::lround(total * 4000.0 / 14500)));
  const int n3 = total - n1 - n2;
  std::vector<double> b;
  for (int k = 0; k < n1; ++k) b.push_back(0.5 * k / n1);
  for (int k = 0; k < n2; ++k) b.push_back(0.5 + 0.4 * k / n2);
  for (int k = 0; k < n3; ++k) b.push_back(0.9 + 0.1 * k / (n3 - 1));
  return b;
}

std::vector<double> base_rate_biases(const std::vector<std::uint8_t>& data, int n_v, double eps) {
  require(n_v >= 1 && !data.empty() && data.size() % n_v == 0, "base-rate model: data size is not a multiple of n_v");
  const std::size_t n = data.size() / n_v;
  std::vector<double> a(n_v, 0.0);
  for (std::size_t k = 0; k < n; ++k)
    for (int j = 0; j < n_v; ++j) a[j] += data[k * n_v + j];
  for (double& x : a) {
    const double p = std::clamp(x / static_cast<double>(n), eps, 1 - eps);
    x = std::log(p / (1 - p));
  }
  return a;
}

AisResult ais_log_partition(const Rbm& rbm, const std::vector<double>& base, const std::vector<double>& betas,
                            int n_runs, std::uint32_t seed) {
  const int n_v = rbm.n_v(), n_h = rbm.n_h(), M = n_runs;
  require(static_cast<int>(base.size()) == n_v, "ais: base-rate biases need one entry per visible unit");
  require(n_runs >= 2, "ais.runs: need at least 2 runs");
  require(betas.size() >= 2 && betas.front() == 0.0 && betas.back() == 1.0, "ais: betas must run from 0 to 1");
  for (std::size_t k = 1; k < betas.size(); ++k) require(betas[k] >= betas[k - 1], "ais: betas must not decrease");
  Backend& be = rbm.backend();
  const Device dev = be.device();

  auto a = Buffer<double>::from_host(be, base);
  Buffer<double> bias_mix(be, n_v), b_minus_a(be, n_v), lw = Buffer<double>::zeros(be, M), tmp(be, M);
  be.copy(rbm.b(), b_minus_a.view());
  be.axpy(-1.0, VectorView<const double>(a.view()), b_minus_a.view());
  Matrix<double> V(be, n_v, M), PV(be, n_v, M), X(be, n_h, M), Y(be, n_h, M), H(be, n_h, M);
  MatrixView<const double> dba(b_minus_a.data(), n_v, 1, dev);
  MatrixView<double> row(tmp.data(), 1, M, dev);
  std::uint64_t step = 0;
  // p = sigmoid(logits) in place and out ~ Bernoulli(p).
  auto sample = [&](MatrixView<double> logits, MatrixView<double> out) {
    sigmoid_bernoulli(be, VectorView<const double>(logits.flat()), logits.flat(), out.flat(), PhiloxKey{seed, 3}, step++);
  };
  // sum_i softplus(beta X_i) per column, added to lw with `sign`.
  auto add_softplus_sums = [&](double beta, double sign) {
    be.copy(VectorView<const double>(X.flat()), Y.flat());
    be.scale(beta, Y.flat());
    be.map(UnaryOp::softplus, VectorView<const double>(Y.flat()), Y.flat());
    be.col_sums(MatrixView<const double>(Y.view()), tmp.view());
    be.axpy(sign, VectorView<const double>(tmp.view()), lw.view());
  };

  // v_0 from the base-rate model.
  be.fill(PV.flat(), 0.0);
  be.add_column_vector(VectorView<const double>(a.view()), PV.view());
  sample(PV.view(), V.view());
  for (std::size_t k = 1; k < betas.size(); ++k) {
    const double b0 = betas[k - 1], b1 = betas[k];
    // log p*_k(v) - log p*_{k-1}(v) = (b1 - b0) (b - a).v + sum_i [softplus(b1 X_i) - softplus(b0 X_i)]
    be.gemm<double>(Trans::no, Trans::no, 1.0, rbm.W(), V.view(), 0.0, X.view());
    be.add_column_vector(rbm.c(), X.view());
    be.gemm<double>(Trans::yes, Trans::no, b1 - b0, dba, V.view(), 0.0, row);
    be.axpy(1.0, VectorView<const double>(tmp.view()), lw.view());
    add_softplus_sums(b1, 1.0);
    add_softplus_sums(b0, -1.0);
    if (k + 1 == betas.size()) break;  // the last transition needs no Gibbs sweep
    // Gibbs sweep at b1: h ~ sigma(b1 X), v ~ sigma((1 - b1) a + b1 (b + W^T h)).
    be.copy(VectorView<const double>(X.flat()), Y.flat());
    be.scale(b1, Y.flat());
    sample(Y.view(), H.view());
    be.copy(rbm.b(), bias_mix.view());
    be.scale(b1, bias_mix.view());
    be.axpy(1.0 - b1, VectorView<const double>(a.view()), bias_mix.view());
    be.gemm<double>(Trans::yes, Trans::no, b1, rbm.W(), H.view(), 0.0, PV.view());
    be.add_column_vector(VectorView<const double>(bias_mix.view()), PV.view());
    sample(PV.view(), V.view());
  }

  AisResult r;
  r.log_weights = lw.to_host();
  r.log_z_base = n_h * std::log(2.0);
  for (double x : base) r.log_z_base += softplus(x);
  const double mx = *std::max_element(r.log_weights.begin(), r.log_weights.end());
  double s = 0, s2 = 0;
  for (double x : r.log_weights) {
    const double w = std::exp(x - mx);
    s += w, s2 += w * w;
  }
  const double mean = s / M, var = std::max(0.0, (s2 / M - mean * mean) * M / (M - 1));
  const double se = std::sqrt(var / M);
  r.log_z = r.log_z_base + mx + std::log(mean);
  r.log_z_err = se / mean;
  r.log_z_high = r.log_z_base + mx + std::log(mean + 3 * se);
  r.log_z_low = mean > 3 * se ? r.log_z_base + mx + std::log(mean - 3 * se) : -std::numeric_limits<double>::infinity();
  return r;
}

}  // namespace fl::rbm
