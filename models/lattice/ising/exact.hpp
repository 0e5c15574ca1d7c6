#pragma once
// Exact results for the Ising model (J > 0, h = 0, k_B = 1) used to validate Monte Carlo:
//  - 1D chains of N spins, open or periodic: closed forms.
//  - 2D L x L torus: Kaufman / Ferdinand-Fisher finite-size partition function.
//  - Brute-force enumeration of any small lattice (N <= 24 sites).
// Derivatives of ln Z with respect to K = J/T are taken exactly with second-order
// forward-mode dual numbers, so e and C_v carry no finite-difference error.
#include <cstdint>
#include <vector>

#include "models/lattice/ising/lattice.hpp"

namespace fl::ising {

struct ExactThermo {
  double ln_z = 0;     // ln Z
  double e = 0;        // <E>/N
  double cv = 0;       // (<E^2> - <E>^2) / (N T^2)
  double entropy = 0;  // S = ln Z - K d ln Z/dK (nats per configuration)
  // Only from enumeration (NaN otherwise):
  double abs_m = 0;    // <|m|>, m = sum s / N
  double m2 = 0;       // <m^2>
  double chi = 0;      // N (<m^2> - <|m|>^2) / T
};

// 1D chain of N spins at temperature T with coupling J.
ExactThermo ising1d_exact(int N, bool periodic, double T, double J = 1.0);
// <s_0 s_r> (periodic) or <s_i s_{i+r}> (open, independent of i).
double ising1d_correlator(int N, bool periodic, double T, int r, double J = 1.0);

// 2D L x L periodic lattice (Kaufman 1949, Ferdinand & Fisher 1969).
ExactThermo ising2d_exact(int L, double T, double J = 1.0);

// Enumeration over all 2^N states (N <= 24); includes <|m|>, <m^2>, chi.
ExactThermo ising_enumerate(const IsingLattice& lat, double T, double J = 1.0);

// The exact solution when one exists for this lattice: enumeration for N <= 16,
// 1D closed forms, Kaufman for 2D periodic. Returns false when none is available.
bool ising_exact(const IsingLattice& lat, double T, double J, ExactThermo& out);

// Onsager's critical temperature 2 / ln(1 + sqrt 2) (J = 1).
double ising2d_tc(double J = 1.0);

}  // namespace fl::ising
