#include "core/stats.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <stdexcept>
#include <string>

#include <unsupported/Eigen/FFT>

#include "core/philox.hpp"

namespace fl::stats {

namespace {

void require_length(const std::vector<double>& x, std::size_t n, const char* what) {
  if (x.size() < n)
    throw std::invalid_argument(std::string("stats::") + what + ": needs at least " +
                                std::to_string(n) + " values, got " + std::to_string(x.size()));
}

// Autocovariance with the 1/(N-t) normalisation (Wolff 2004), direct sums.
std::vector<double> autocovariance_direct(const std::vector<double>& d, std::int64_t max_lag) {
  const std::int64_t n = static_cast<std::int64_t>(d.size());
  std::vector<double> c(static_cast<std::size_t>(max_lag + 1));
  for (std::int64_t t = 0; t <= max_lag; ++t) {
    // Four partial sums: independent dependency chains the CPU can overlap.
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    std::int64_t i = 0;
    for (; i + 3 + t < n; i += 4)
      for (int k = 0; k < 4; ++k) s[k] += d[i + k] * d[i + k + t];
    for (; i + t < n; ++i) s[0] += d[i] * d[i + t];
    c[t] = ((s[0] + s[1]) + (s[2] + s[3])) / static_cast<double>(n - t);
  }
  return c;
}

// Same via the Wiener-Khinchin theorem: zero-pad to >= 2N (no wrap-around), |FFT|^2, inverse.
std::vector<double> autocovariance_fft(const std::vector<double>& d, std::int64_t max_lag) {
  const std::size_t n = d.size();
  std::size_t m = 1;
  while (m < 2 * n) m <<= 1;
  std::vector<double> padded(m, 0.0);
  std::copy(d.begin(), d.end(), padded.begin());
  Eigen::FFT<double> fft;
  std::vector<std::complex<double>> spectrum;
  fft.fwd(spectrum, padded);
  for (auto& z : spectrum) z = std::norm(z);
  std::vector<double> sums;
  fft.inv(sums, spectrum);
  std::vector<double> c(static_cast<std::size_t>(max_lag + 1));
  for (std::int64_t t = 0; t <= max_lag; ++t) c[t] = sums[t] / static_cast<double>(n - t);
  return c;
}

// Direct sums cost N (max_lag + 1) multiply-adds; the two FFTs of size m >= 2N about
// 10 m log2(m) flops. Take whichever is cheaper.
bool direct_is_cheaper(std::size_t n, std::int64_t max_lag) {
  double m = 1.0;
  while (m < 2.0 * static_cast<double>(n)) m *= 2.0;
  return static_cast<double>(n) * static_cast<double>(max_lag + 1) <= 10.0 * m * std::log2(m);
}

std::vector<double> autocovariance(const std::vector<double>& x, std::int64_t max_lag) {
  const double m = mean(x);
  std::vector<double> d(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) d[i] = x[i] - m;
  return direct_is_cheaper(x.size(), max_lag) ? autocovariance_direct(d, max_lag)
                                              : autocovariance_fft(d, max_lag);
}

// Sums of consecutive blocks of block_size values (the incomplete tail is dropped).
std::vector<double> block_sums(const std::vector<double>& x, std::int64_t block_size,
                               std::int64_t n_blocks) {
  std::vector<double> sums(static_cast<std::size_t>(n_blocks), 0.0);
  for (std::int64_t k = 0; k < n_blocks; ++k)
    for (std::int64_t i = k * block_size; i < (k + 1) * block_size; ++i) sums[k] += x[i];
  return sums;
}

// Checks the series of a jackknife/bootstrap and returns the number of blocks.
std::int64_t count_blocks(const std::vector<std::vector<double>>& series, std::int64_t block_size,
                          const char* what) {
  if (series.empty()) throw std::invalid_argument(std::string("stats::") + what + ": no series");
  if (block_size < 1)
    throw std::invalid_argument(std::string("stats::") + what + ": block_size must be >= 1");
  const std::size_t n = series[0].size();
  for (const auto& s : series)
    if (s.size() != n)
      throw std::invalid_argument(std::string("stats::") + what + ": series of unequal length");
  const std::int64_t n_blocks = static_cast<std::int64_t>(n) / block_size;
  if (n_blocks < 2)
    throw std::invalid_argument(std::string("stats::") + what + ": fewer than 2 blocks of size " +
                                std::to_string(block_size) + " in " + std::to_string(n) +
                                " values");
  return n_blocks;
}

std::vector<double> full_means(const std::vector<std::vector<double>>& series) {
  std::vector<double> m;
  for (const auto& s : series) m.push_back(mean(s));
  return m;
}

}  // namespace

double mean(const std::vector<double>& x) {
  require_length(x, 1, "mean");
  double s = 0.0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double variance(const std::vector<double>& x) {
  require_length(x, 2, "variance");
  // Two-pass with the compensating term: accurate even when |mean| >> spread.
  const double m = mean(x);
  double ss = 0.0, s = 0.0;
  for (double v : x) {
    ss += (v - m) * (v - m);
    s += v - m;
  }
  const double n = static_cast<double>(x.size());
  return (ss - s * s / n) / (n - 1.0);
}

std::vector<double> autocorrelation(const std::vector<double>& x, std::int64_t max_lag) {
  require_length(x, 2, "autocorrelation");
  if (max_lag < 0) throw std::invalid_argument("stats::autocorrelation: max_lag < 0");
  max_lag = std::min<std::int64_t>(max_lag, static_cast<std::int64_t>(x.size()) - 1);
  std::vector<double> c = autocovariance(x, max_lag);
  const double c0 = c[0];
  if (!(c0 > 0.0)) {  // a constant series: no fluctuations to correlate
    std::fill(c.begin(), c.end(), 0.0);
    c[0] = 1.0;
    return c;
  }
  for (double& v : c) v /= c0;
  return c;
}

TauInt tau_int(const std::vector<double>& x, double c) {
  require_length(x, 2, "tau_int");
  if (!(c > 0.0)) throw std::invalid_argument("stats::tau_int: c must be positive");
  const std::int64_t n = static_cast<std::int64_t>(x.size());
  const std::int64_t max_window = std::max<std::int64_t>(1, n / 2);

  // Windows are usually short: look at few lags first (cheap direct sums), more if needed.
  TauInt r;
  r.window_ok = false;
  double tau = 0.5;
  std::int64_t w = 1;
  for (std::int64_t lags = std::min<std::int64_t>(max_window, 64);; lags = std::min(max_window, 8 * lags)) {
    const std::vector<double> rho = autocorrelation(x, lags);
    for (tau = 0.5, w = 1; w <= lags; ++w) {
      tau += rho[w];
      if (static_cast<double>(w) >= c * tau) {
        r.window_ok = true;
        break;
      }
    }
    if (r.window_ok || lags == max_window) break;
  }
  w = std::min(w, max_window);
  // Bias from subtracting the sample mean (Wolff 2004, sec. 3.3): every autocovariance is low
  // by about C_F / N = 2 tau C(0) / N; adding it back to C(0..W) rescales tau as below.
  const double window_term = static_cast<double>(2 * w + 1) / static_cast<double>(n);
  r.tau = tau * (1.0 + window_term) / (1.0 + 2.0 * tau / static_cast<double>(n));
  // Error: Wolff (2004) eq. (42), var(tau) ~ 4 (W + 1/2 - tau) / N tau^2, which refines the
  // Madras-Sokal 2 (2W + 1) / N tau^2 (used when the window rule failed). For AR(1) at c = 6
  // Bartlett's formula gives a true spread ~0.87x (Wolff) and ~0.8x (Madras-Sokal) of these.
  const double wolff_term = static_cast<double>(w) + 0.5 - r.tau;
  r.tau_err = std::abs(r.tau) *
              (r.window_ok && wolff_term > 0.0 ? std::sqrt(4.0 * wolff_term / static_cast<double>(n))
                                               : std::sqrt(2.0 * window_term));
  r.window = w;
  return r;
}

Estimate mean_with_error(const std::vector<double>& x) {
  require_length(x, 2, "mean_with_error");
  // Anticorrelated series can give tau < 1/2; we never quote less than the naive error.
  const double tau = std::max(0.5, tau_int(x).tau);
  return {mean(x), std::sqrt(2.0 * tau * variance(x) / static_cast<double>(x.size()))};
}

Estimate naive_mean_error(const std::vector<double>& x) {
  require_length(x, 2, "naive_mean_error");
  return {mean(x), std::sqrt(variance(x) / static_cast<double>(x.size()))};
}

std::vector<double> block_means(const std::vector<double>& x, std::int64_t block_size) {
  if (block_size < 1) throw std::invalid_argument("stats::block_means: block_size must be >= 1");
  const std::int64_t n_blocks = static_cast<std::int64_t>(x.size()) / block_size;
  std::vector<double> m = block_sums(x, block_size, n_blocks);
  for (double& v : m) v /= static_cast<double>(block_size);
  return m;
}

std::vector<BlockingPoint> blocking_analysis(const std::vector<double>& x) {
  require_length(x, 2, "blocking_analysis");
  std::vector<BlockingPoint> points;
  for (std::int64_t b = 1; static_cast<std::int64_t>(x.size()) / b >= 2; b *= 2)
    points.push_back({b, naive_mean_error(block_means(x, b)).error});
  return points;
}

Estimate jackknife(const std::vector<std::vector<double>>& series, const DerivedFn& f,
                   std::int64_t block_size) {
  const std::int64_t n_blocks = count_blocks(series, block_size, "jackknife");
  const double n_used = static_cast<double>(n_blocks * block_size);
  std::vector<std::vector<double>> sums;
  std::vector<double> totals;
  for (const auto& s : series) {
    sums.push_back(block_sums(s, block_size, n_blocks));
    double t = 0.0;
    for (double v : sums.back()) t += v;
    totals.push_back(t);
  }
  std::vector<double> theta(static_cast<std::size_t>(n_blocks));
  std::vector<double> means(series.size());
  for (std::int64_t k = 0; k < n_blocks; ++k) {
    for (std::size_t j = 0; j < series.size(); ++j)
      means[j] = (totals[j] - sums[j][k]) / (n_used - static_cast<double>(block_size));
    theta[k] = f(means);
  }
  const double theta_bar = mean(theta);
  double ss = 0.0;
  for (double t : theta) ss += (t - theta_bar) * (t - theta_bar);
  const double kb = static_cast<double>(n_blocks);
  return {f(full_means(series)), std::sqrt((kb - 1.0) / kb * ss)};
}

Estimate bootstrap(const std::vector<std::vector<double>>& series, const DerivedFn& f,
                   std::int64_t n_resamples, std::uint32_t seed, std::int64_t block_size) {
  const std::int64_t n_blocks = count_blocks(series, block_size, "bootstrap");
  if (n_resamples < 2) throw std::invalid_argument("stats::bootstrap: n_resamples must be >= 2");
  if (n_blocks > static_cast<std::int64_t>(UINT32_MAX))
    throw std::invalid_argument("stats::bootstrap: too many blocks");
  std::vector<std::vector<double>> sums;
  for (const auto& s : series) sums.push_back(block_sums(s, block_size, n_blocks));

  const double n_used = static_cast<double>(n_blocks * block_size);
  std::vector<double> theta(static_cast<std::size_t>(n_resamples));
  std::vector<double> means(series.size());
  for (std::int64_t r = 0; r < n_resamples; ++r) {
    // Resample r draws from its own Philox counter range: reproducible for any loop split.
    PhiloxStream rng(PhiloxKey{seed, 0}, static_cast<std::uint64_t>(r));
    std::fill(means.begin(), means.end(), 0.0);
    for (std::int64_t k = 0; k < n_blocks; ++k) {
      const std::uint32_t pick = rng.below(static_cast<std::uint32_t>(n_blocks));
      for (std::size_t j = 0; j < series.size(); ++j) means[j] += sums[j][pick];
    }
    for (double& m : means) m /= n_used;
    theta[r] = f(means);
  }
  return {f(full_means(series)), std::sqrt(variance(theta))};
}

}  // namespace fl::stats
