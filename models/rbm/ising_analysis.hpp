#pragma once
// Comparing an RBM with the Ising model it was trained on: coupling statistics on the
// lattice, KL divergence by enumeration, and Ising observables of RBM samples.
#include <cstdint>
#include <vector>

#include "models/lattice/ising/lattice.hpp"
#include "models/lattice/ising/observables.hpp"
#include "models/rbm/rbm.hpp"

namespace fl::rbm {

struct CouplingStats {
  double nn_mean = 0, nn_std = 0;              // J2 ({0,1} language) over nearest-neighbour bonds
  double other_max_abs = 0, other_mean_abs = 0; // J2 over all other pairs
  double vertical_h_mean = 0, vertical_h_std = 0;  // H = J2/8 over vertical pairs (j, j+L), no wrap
  int n_nn = 0, n_vertical = 0;
};
// J2: row-major n_v x n_v (couplings_order2). Sites map to visible units one to one.
CouplingStats coupling_stats(const std::vector<double>& J2, const ising::IsingLattice& lat);

// Largest |J_S| over all nearest-neighbour paths of three sites (j, k, l with j-k, k-l bonds).
double max_abs_j3_on_paths(const RbmParams& p, const ising::IsingLattice& lat);

// KL(p_Ising || p_RBM) by enumeration (n_v <= 20).
double kl_ising_rbm(const RbmParams& p, const ising::IsingLattice& lat, double T, double J = 1.0);

// Mean and standard deviation over configurations (rows of {0,1}) of H_Ising(v)/T - F_RBM(v),
// which is constant (log Z_RBM - log Z_Ising) for a perfect machine.
struct Spread {
  double mean = 0, std = 0;
};
Spread energy_gap_spread(const RbmParams& p, const ising::IsingLattice& lat, double T,
                         const std::vector<std::uint8_t>& configs, double J = 1.0);

// Ising observables of samples laid out as gibbs_sample returns them (row t*n_chains + c).
ising::ThermoEstimate observables_of_samples(const std::vector<std::uint8_t>& samples, int n_chains,
                                             const ising::IsingLattice& lat, double T, double J = 1.0);

// Mean log-likelihood -<F>_data - log Z over (at most max_rows) data rows, and <F>_data.
double mean_free_energy(const RbmParams& p, const std::vector<std::uint8_t>& rows, std::int64_t max_rows);
// Standard error of that data average, sd(F) / sqrt(rows): the statistical error of a
// log-likelihood measured on a finite sample (rows treated as independent draws).
double free_energy_standard_error(const RbmParams& p, const std::vector<std::uint8_t>& rows, std::int64_t max_rows);

}  // namespace fl::rbm
