#include "models/rbm/spin_couplings.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/philox.hpp"

namespace fl::rbm {

namespace {

// Sums and sums of squares of the per-sample terms over one chunk of samples.
struct Moments {
  std::vector<double> s1, q1, s2, q2;
  explicit Moments(int n) : s1(n, 0.0), q1(n, 0.0), s2(static_cast<std::size_t>(n) * n, 0.0), q2(s2.size(), 0.0) {}
  void add(const Moments& o) {
    for (std::size_t i = 0; i < s1.size(); ++i) s1[i] += o.s1[i], q1[i] += o.q1[i];
    for (std::size_t i = 0; i < s2.size(); ++i) s2[i] += o.s2[i], q2[i] += o.q2[i];
  }
};

constexpr std::int64_t kChunk = 64;  // samples per chunk: fixed, so results do not depend on threads

void accumulate_chunk(const RbmParams& p, std::int64_t first, std::int64_t last, std::uint32_t seed, Moments& m) {
  const int n = p.n_v, nh = p.n_h;
  std::vector<double> s(n), t1(n), t2(static_cast<std::size_t>(n) * n), two_u(n), sp_flip(n);
  for (std::int64_t sample = first; sample < last; ++sample) {
    PhiloxStream rng({seed, 7}, static_cast<std::uint64_t>(sample));
    for (int j = 0; j < n; ++j) s[j] = (rng.next_u32() & 1u) ? 1.0 : -1.0;
    std::fill(t1.begin(), t1.end(), 0.0);
    std::fill(t2.begin(), t2.end(), 0.0);
    for (int i = 0; i < nh; ++i) {
      double Y = p.c[i];
      for (int j = 0; j < n; ++j) Y += p.w(i, j) * 0.5 * (1 + s[j]);
      const double sp_Y = softplus(Y);
      for (int j = 0; j < n; ++j) {
        two_u[j] = s[j] * p.w(i, j);
        sp_flip[j] = softplus(Y - two_u[j]);
        t1[j] += sp_Y - sp_flip[j];
      }
      for (int j = 0; j < n; ++j)
        for (int k = j + 1; k < n; ++k)
          t2[static_cast<std::size_t>(j) * n + k] += (sp_Y - sp_flip[j]) - (sp_flip[k] - softplus(Y - two_u[j] - two_u[k]));
    }
    for (int j = 0; j < n; ++j) {
      const double x = 0.5 * s[j] * t1[j];
      m.s1[j] += x, m.q1[j] += x * x;
      for (int k = j + 1; k < n; ++k) {
        const std::size_t jk = static_cast<std::size_t>(j) * n + k;
        const double y = 0.25 * s[j] * s[k] * t2[jk];
        m.s2[jk] += y, m.q2[jk] += y * y;
      }
    }
  }
}

}  // namespace

SpinCouplingEstimate spin_couplings_mc(const RbmParams& p, std::int64_t n_samples, std::uint32_t seed) {
  require(n_samples >= 2, "spin couplings: need at least 2 samples");
  const int n = p.n_v;
  const std::int64_t chunks = (n_samples + kChunk - 1) / kChunk;
  std::vector<Moments> partial(static_cast<std::size_t>(chunks), Moments(n));
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t c = 0; c < chunks; ++c)
    accumulate_chunk(p, c * kChunk, std::min(n_samples, (c + 1) * kChunk), seed, partial[static_cast<std::size_t>(c)]);
  Moments total(n);
  for (const auto& m : partial) total.add(m);  // in chunk order: deterministic

  SpinCouplingEstimate e;
  e.n_v = n, e.n_samples = n_samples;
  const double N = static_cast<double>(n_samples);
  auto mean_and_error = [N](double s, double q, double& mean, double& err) {
    mean = s / N;
    err = std::sqrt(std::max(0.0, (q / N - mean * mean) / (N - 1)));
  };
  e.K1.resize(n), e.K1_err.resize(n);
  e.K2.assign(static_cast<std::size_t>(n) * n, 0.0), e.K2_err.assign(e.K2.size(), 0.0);
  for (int j = 0; j < n; ++j) {
    mean_and_error(total.s1[j], total.q1[j], e.K1[j], e.K1_err[j]);
    e.K1[j] += 0.5 * p.b[j];
    for (int k = j + 1; k < n; ++k) {
      const std::size_t jk = static_cast<std::size_t>(j) * n + k, kj = static_cast<std::size_t>(k) * n + j;
      mean_and_error(total.s2[jk], total.q2[jk], e.K2[jk], e.K2_err[jk]);
      e.K2[kj] = e.K2[jk], e.K2_err[kj] = e.K2_err[jk];
    }
  }
  return e;
}

}  // namespace fl::rbm
