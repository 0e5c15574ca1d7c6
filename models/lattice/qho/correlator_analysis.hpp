#pragma once
// Error analysis of Monte Carlo correlators: folding tau <-> N - tau, and a blocked bootstrap
// that keeps the correlations between time slices (whole correlator vectors are resampled
// together) and between successive measurements (consecutive measurements of one chain are
// averaged into blocks first). Derived quantities (effective energies) are computed on every
// bootstrap sample, so their errors and covariances come from the same resampling.
#include <cstdint>
#include <vector>

namespace fl::qho {

enum class FoldConvention {
  standard,  // C(tau) <-> C(N - tau), tau = 0..N/2
  repo,      // C(tau) <-> C(N - 1 - tau): the authors' (off-by-one) convention, for comparison
};

// Folds every length-n_t row of `series` (rows are measurements) into n_t/2 + 1 values.
std::vector<double> fold_correlators(const std::vector<double>& series, int n_t, FoldConvention convention);

struct BootstrapEstimate {
  int n = 0;                                // observables per sample (e.g. time slices)
  std::vector<double> mean;                 // sample mean of the data
  std::vector<double> error;                // bootstrap standard deviation of the mean
  std::vector<double> covariance;           // n x n, column-major, of the mean
  std::vector<std::vector<double>> samples; // bootstrap means, n_boot of them
};

// `series` holds n_chains * per_chain rows of n values (chain-major). Blocks of `block_size`
// consecutive rows of one chain are averaged, then n_boot resamples of all blocks are drawn
// with Philox (seed). block_size must divide nothing: an incomplete tail block is dropped.
BootstrapEstimate blocked_bootstrap(const std::vector<double>& series, int n_chains, int per_chain, int n,
                                    int block_size, int n_boot, std::uint32_t seed);

// Energy E (lattice units) of a single cosh state with C(t1)/C(t2) = cosh(E(N/2 - t1))/cosh(E(N/2 - t2)),
// 0 <= t1 < t2 <= N/2. Returns NaN when the ratio admits no solution (noise).
double cosh_energy_from_ratio(double ratio, int t1, int t2, int n_t);

// Effective energies E_eff(t) from C(t)/C(t+1), t = 0..N/2-1, of one folded correlator.
std::vector<double> effective_energies(const std::vector<double>& folded, int n_t);

}  // namespace fl::qho
