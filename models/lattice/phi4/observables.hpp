#pragma once
// phi^4 observables measured on configurations in lexicographic order, and their analysis
// with autocorrelation-aware errors (fl::stats). Conventions (flows_phi4.md section 3):
//   m = (1/V) sum_x phi(x);  chi_2pt = V <m^2>;  chi = V (<m^2> - <|m|>^2) (anvil's connected
//   susceptibility);  U4 = 1 - <m^4> / (3 <m^2>^2);
//   G~(t) = sum_{x1} G(x1, t), the zero-momentum correlator (averaged over both directions);
//   xi_2nd^2 = (G^(0) / G^(p1) - 1) / (4 sin^2(pi / L)), G^(p) = sum_x e^{ipx} G(x),
//     p1 = (2 pi / L, 0): the standard second-moment correlation length of a periodic lattice
//     (exactly 1/m for the free field at any L; also called the low-momentum estimator);
//   xi_2nd_position^2 = sum_x |x|^2 G_c(x) / (4 sum_x G_c(x)), G_c = G - <m>^2 (minimal-image
//     |x|): its position-space form, which agrees only for L >> xi -- at xi = L/4 it gives
//     L/xi ~ 6 even for the free field (docs/flow-phi4.md).
#include <cstdint>
#include <vector>

#include "core/stats.hpp"

namespace fl::phi4 {

// Time series of primary observables; each entry is the average over the chains measured
// at that time (averaging independent chains leaves the autocorrelation function unchanged).
class MeasurementSeries {
 public:
  explicit MeasurementSeries(int L);
  // fields: V x n_chains, column-major, lexicographic, host memory.
  void add(const double* fields, int n_chains);
  int L() const { return L_; }
  std::size_t size() const { return m_.size(); }

  const std::vector<double>& m() const { return m_; }
  const std::vector<double>& abs_m() const { return abs_m_; }
  const std::vector<double>& m2() const { return m2_; }
  const std::vector<double>& m4() const { return m4_; }
  // correlator()[t][i]: G~(t) at time i
  const std::vector<std::vector<double>>& correlator() const { return corr_; }
  // Mean power spectrum <|phi~(k)|^2>, k = 2 pi (n1, n2) / L at index n1 + L n2, with its
  // series kept so that errors can be estimated (power()[k][i]).
  const std::vector<std::vector<double>>& power() const { return power_; }

 private:
  int L_;
  std::vector<double> m_, abs_m_, m2_, m4_;
  std::vector<std::vector<double>> corr_, power_;
  std::vector<double> cos_, sin_;  // DFT tables, cos(2 pi j / L)
};

struct Phi4Summary {
  std::int64_t n_measurements = 0;
  std::int64_t block_size = 1;
  stats::Estimate m, abs_m, m2, chi, chi_2pt, binder, xi_2nd, xi_2nd_position;
  stats::TauInt tau_abs_m, tau_m2;
  std::vector<stats::Estimate> correlator;      // G~(t), t = 0..L-1 (connected, <m>^2 removed)
  std::vector<stats::Estimate> effective_mass;  // t = 1..L/2-1 (NaN where undefined)
  std::vector<stats::Estimate> power;           // <|phi~(k)|^2>, index n1 + L n2
  std::vector<double> two_point;                // G(x) (V values, lexicographic), mean only
};

// Errors: jackknife over blocks of about 4 tau_int (at least 1, at most N/20 blocks' size).
Phi4Summary analyse(const MeasurementSeries& series);

}  // namespace fl::phi4
