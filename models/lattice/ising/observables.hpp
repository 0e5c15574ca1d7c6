#pragma once
// Thermodynamic estimates from Ising Monte Carlo series, with honest errors.
//
// Input: for each chain, the time series of the bond sum B = sum_<ij> s_i s_j and of the
// magnetisation M = sum_i s_i (one entry per measurement). Each chain is cut into blocks
// of `block_size` measurements (auto: 5 tau_int, at least 1, at most the chain length); the
// block means of (E, E^2, |m|, m^2) from all chains are then jackknifed, so both the
// autocorrelation inside a chain and the nonlinearity of C_v and chi are accounted for.
#include <cstdint>
#include <vector>

namespace fl::ising {

struct ThermoEstimate {
  double e = 0, e_err = 0;          // <E>/N
  double abs_m = 0, abs_m_err = 0;  // <|m|>, m = M/N
  double m2 = 0, m2_err = 0;        // <m^2>
  double cv = 0, cv_err = 0;        // (<E^2> - <E>^2) / (N T^2)
  double chi = 0, chi_err = 0;      // N (<m^2> - <|m|>^2) / T
  double tau_int_abs_m = 0.5;       // in measurements, averaged over chains
  double tau_int_e = 0.5;
  std::int64_t block_size = 1;
  std::int64_t n_blocks = 0;
};

struct ChainSeries {
  std::vector<double> bond_sum;
  std::vector<double> magnetisation;
};

// block_size = 0 chooses it automatically (see above).
ThermoEstimate estimate_thermo(const std::vector<ChainSeries>& chains, int n_sites, double T, double J = 1.0,
                               std::int64_t block_size = 0);

}  // namespace fl::ising
