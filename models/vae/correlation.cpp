#include "models/vae/correlation.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "core/philox.hpp"

namespace fl::vae {
namespace {

std::vector<double> average_ranks(const std::vector<double>& x) {
  const std::size_t n = x.size();
  std::vector<std::size_t> idx(n);
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
  std::vector<double> r(n);
  for (std::size_t i = 0; i < n;) {
    std::size_t j = i;
    while (j + 1 < n && x[idx[j + 1]] == x[idx[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j);  // 0-based average rank
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

struct Table {
  int rows = 0, cols = 0;
  std::vector<double> p;       // joint fractions, row-major
  std::vector<double> pr, pc;  // marginals
  double n = 0;
};

Table contingency(const std::vector<int>& a, const std::vector<int>& b, int bins) {
  Table t;
  t.rows = t.cols = bins;
  t.n = static_cast<double>(a.size());
  t.p.assign(static_cast<std::size_t>(bins * bins), 0.0);
  t.pr.assign(bins, 0.0);
  t.pc.assign(bins, 0.0);
  for (std::size_t i = 0; i < a.size(); ++i) {
    t.p[a[i] * bins + b[i]] += 1.0 / t.n;
    t.pr[a[i]] += 1.0 / t.n;
    t.pc[b[i]] += 1.0 / t.n;
  }
  return t;
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Inverse normal CDF by bisection on erfc (only a few dozen calls per coefficient).
double normal_quantile(double p) {
  if (p <= 0) return -8.0;
  if (p >= 1) return 8.0;
  double lo = -8.0, hi = 8.0;
  for (int it = 0; it < 80; ++it) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Edges in normal space for the non-empty bins' cumulative fractions.
std::vector<double> normal_edges(const std::vector<double>& marginal) {
  std::vector<double> e = {-8.0};
  double cum = 0;
  for (double m : marginal) {
    if (m <= 0) continue;
    cum += m;
    e.push_back(normal_quantile(cum));
  }
  e.back() = 8.0;
  return e;
}

// Pearson chi^2 / N of the bivariate normal with correlation rho binned at the edges.
double model_chi2_per_n(double rho, const std::vector<double>& xe, const std::vector<double>& ye) {
  const double s = std::sqrt(1.0 - rho * rho);
  const std::size_t R = xe.size() - 1, C = ye.size() - 1;
  std::vector<double> P(R * C, 0.0), pr(R, 0.0), pc(C, 0.0);
  constexpr int kSimpson = 48;  // even number of Simpson intervals per x bin
  for (std::size_t a = 0; a < R; ++a) {
    const double h = (xe[a + 1] - xe[a]) / kSimpson;
    std::vector<double> cdf_prev(C + 1, 0.0);
    for (std::size_t j = 0; j <= C; ++j) {
      double acc = 0;
      for (int k = 0; k <= kSimpson; ++k) {
        const double x = xe[a] + k * h;
        const double w = (k == 0 || k == kSimpson) ? 1.0 : (k % 2 ? 4.0 : 2.0);
        const double phi = std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
        const double inner = j == 0 ? 0.0 : j == C ? 1.0 : normal_cdf((ye[j] - rho * x) / s);
        acc += w * phi * inner;
      }
      cdf_prev[j] = acc * h / 3.0;
    }
    for (std::size_t b = 0; b < C; ++b) P[a * C + b] = std::max(0.0, cdf_prev[b + 1] - cdf_prev[b]);
  }
  for (std::size_t a = 0; a < R; ++a)
    for (std::size_t b = 0; b < C; ++b) pr[a] += P[a * C + b], pc[b] += P[a * C + b];
  double chi2 = 0;
  for (std::size_t a = 0; a < R; ++a)
    for (std::size_t b = 0; b < C; ++b) {
      const double e = pr[a] * pc[b];
      if (e > 0) chi2 += (P[a * C + b] - e) * (P[a * C + b] - e) / e;
    }
  return chi2;
}

std::vector<double> permuted(const std::vector<double>& y, PhiloxStream& rng) {
  std::vector<double> p = y;
  for (std::size_t i = p.size(); i > 1; --i) std::swap(p[i - 1], p[rng.below(static_cast<std::uint32_t>(i))]);
  return p;
}

}  // namespace

std::vector<int> quantile_bins(const std::vector<double>& x, int bins) {
  const std::vector<double> r = average_ranks(x);
  const double n = static_cast<double>(x.size());
  std::vector<int> b(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    b[i] = std::min(bins - 1, static_cast<int>(std::floor((r[i] + 0.5) / n * bins)));
  return b;
}

double spearman(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.size() != y.size() || x.size() < 3) throw std::invalid_argument("spearman: need >= 3 paired values");
  return pearson(average_ranks(x), average_ranks(y));
}

double binned_mutual_information(const std::vector<double>& x, const std::vector<double>& y, int bins) {
  const Table t = contingency(quantile_bins(x, bins), quantile_bins(y, bins), bins);
  double mi = 0;
  for (int a = 0; a < bins; ++a)
    for (int b = 0; b < bins; ++b) {
      const double p = t.p[a * bins + b];
      if (p > 0) mi += p * std::log(p / (t.pr[a] * t.pc[b]));
    }
  return mi;
}

namespace {
double pearson_chi2(const Table& t) {
  double chi2 = 0;
  for (int a = 0; a < t.rows; ++a)
    for (int b = 0; b < t.cols; ++b) {
      const double e = t.pr[a] * t.pc[b];
      if (e > 0) chi2 += t.n * (t.p[a * t.cols + b] - e) * (t.p[a * t.cols + b] - e) / e;
    }
  return chi2;
}
}  // namespace

double phik(const std::vector<double>& x, const std::vector<double>& y, int bins) {
  const Table t = contingency(quantile_bins(x, bins), quantile_bins(y, bins), bins);
  int nr = 0, nc = 0;
  for (int a = 0; a < bins; ++a) nr += t.pr[a] > 0;
  for (int b = 0; b < bins; ++b) nc += t.pc[b] > 0;
  if (nr < 2 || nc < 2) return 0.0;  // a constant variable carries no association
  const double chi2 = pearson_chi2(t);
  const double excess = chi2 - static_cast<double>((nr - 1) * (nc - 1));
  if (excess <= 0) return 0.0;
  const std::vector<double> xe = normal_edges(t.pr), ye = normal_edges(t.pc);
  const double target = excess / t.n;
  double lo = 0.0, hi = 0.999;
  if (model_chi2_per_n(hi, xe, ye) <= target) return hi;
  for (int it = 0; it < 40; ++it) {
    const double mid = 0.5 * (lo + hi);
    (model_chi2_per_n(mid, xe, ye) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

FeatureAssociation associate(const std::vector<double>& x, const std::vector<double>& y, int bins,
                             int n_permutations, std::uint32_t seed) {
  FeatureAssociation r;
  r.phik.value = phik(x, y, bins);
  r.spearman.value = spearman(x, y);
  r.mutual_information.value = binned_mutual_information(x, y, bins);
  // Permuting y keeps both marginals, and phi_K is a monotone function of chi^2 at fixed
  // marginals: the chi^2 null gives phi_K's p-value without re-solving for rho.
  const std::vector<int> bx = quantile_bins(x, bins), by = quantile_bins(y, bins);
  const double chi2_obs = pearson_chi2(contingency(bx, by, bins));
  int ge_phik = 0, ge_sp = 0, ge_mi = 0;
  PhiloxStream rng(PhiloxKey{seed, 0x7ae4u}, 0);
  std::vector<double> index(y.size());
  std::iota(index.begin(), index.end(), 0.0);
  for (int k = 0; k < n_permutations; ++k) {
    const std::vector<double> perm = permuted(index, rng);
    std::vector<double> yp(y.size());
    std::vector<int> byp(y.size());
    for (std::size_t i = 0; i < y.size(); ++i) {
      yp[i] = y[static_cast<std::size_t>(perm[i])];
      byp[i] = by[static_cast<std::size_t>(perm[i])];
    }
    ge_sp += std::fabs(spearman(x, yp)) >= std::fabs(r.spearman.value);
    const Table tp = contingency(bx, byp, bins);
    ge_phik += pearson_chi2(tp) >= chi2_obs;
    double mi = 0;
    for (int a = 0; a < bins; ++a)
      for (int b = 0; b < bins; ++b) {
        const double p = tp.p[a * bins + b];
        if (p > 0) mi += p * std::log(p / (tp.pr[a] * tp.pc[b]));
      }
    ge_mi += mi >= r.mutual_information.value - 1e-12;
  }
  const double denom = n_permutations + 1.0;
  r.phik.p_value = (1.0 + ge_phik) / denom;
  r.spearman.p_value = (1.0 + ge_sp) / denom;
  r.mutual_information.p_value = (1.0 + ge_mi) / denom;
  return r;
}

}  // namespace fl::vae
