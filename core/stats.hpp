#pragma once
// Statistics of Monte Carlo and ensemble data: means with honest errors.
//
// - Autocorrelation: integrated time tau_int with the automatic window of Madras-Sokal /
//   Wolff (window W = smallest W with W >= c * tau_int(W), c = 4..6; Wolff's UWerr error).
// - Binning (blocking) and jackknife / bootstrap for derived quantities.
// Conventions: tau_int = 1/2 + sum_{t>=1} rho(t), so that var(mean) = 2 tau_int var / N and
// an uncorrelated series has tau_int = 1/2.
#include <cstdint>
#include <functional>
#include <vector>

namespace fl::stats {

double mean(const std::vector<double>& x);
double variance(const std::vector<double>& x);  // unbiased (N-1)

// Normalised autocorrelation function rho(t) for t = 0..max_lag (FFT-free, O(N max_lag)
// direct sums; an FFT path is used automatically for long series).
std::vector<double> autocorrelation(const std::vector<double>& x, std::int64_t max_lag);

struct TauInt {
  double tau = 0.5;        // integrated autocorrelation time
  double tau_err = 0.0;    // Wolff's (UWerr) error estimate
  std::int64_t window = 0; // chosen summation window
  bool window_ok = true;   // false when the series is too short for the window rule
};
// Automatic windowing (Madras-Sokal with c = 6 by default), with Wolff's correction for the
// bias of the subtracted mean.
TauInt tau_int(const std::vector<double>& x, double c = 6.0);

// Mean with its error, autocorrelations included: err = sqrt(2 tau_int var / N).
struct Estimate {
  double value = 0.0;
  double error = 0.0;
};
Estimate mean_with_error(const std::vector<double>& x);        // uses tau_int
Estimate naive_mean_error(const std::vector<double>& x);       // assumes independence

// Averages of consecutive blocks of `block_size` (the incomplete tail is dropped).
std::vector<double> block_means(const std::vector<double>& x, std::int64_t block_size);
// Error of the mean for block sizes 1, 2, 4, ... (the blocking / binning analysis).
struct BlockingPoint {
  std::int64_t block_size;
  double error;
};
std::vector<BlockingPoint> blocking_analysis(const std::vector<double>& x);

// Jackknife over blocks of a derived quantity f(means of the series). `series` holds one or
// more observables sampled at the same times; f receives their (leave-one-block-out) means.
using DerivedFn = std::function<double(const std::vector<double>& means)>;
Estimate jackknife(const std::vector<std::vector<double>>& series, const DerivedFn& f,
                   std::int64_t block_size = 1);
// Bootstrap with blocks (moving-block not needed: non-overlapping blocks resampled), seeded.
Estimate bootstrap(const std::vector<std::vector<double>>& series, const DerivedFn& f,
                   std::int64_t n_resamples, std::uint32_t seed, std::int64_t block_size = 1);

}  // namespace fl::stats
