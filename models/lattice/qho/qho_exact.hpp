#pragma once
// Exact results for the lattice oscillator (periodic, N = n_t slices), the reference for the
// Monte Carlo and the truth for the spectral reconstruction. Energies are in lattice units
// (aE): the spectral variable of the inverse problem is w = aE.
//   cosh(aE1) = 1 + a^2 w^2 / 2,  levels equally spaced E_n - E_0 = n E1,
//   G(n) = <x_n x_0> = s [e^{-aE1 n} + e^{-aE1 (N-n)}] / (1 - q),  s = a / (2 m sinh aE1),  q = e^{-aE1 N},
//   <x_n^3 x_0^3> = 9 G(0)^2 G(n) + 6 G(n)^3  (Wick).
#include <string>
#include <vector>

#include "models/lattice/qho/qho_action.hpp"

namespace fl::qho {

enum class Operator { x, x3 };
Operator operator_from_name(const std::string& name, const std::string& where);
std::string operator_name(Operator op);

void validate(const QhoParams& p, const std::string& where = "qho");

double energy_gap(const QhoParams& p);   // aE1
double propagator(const QhoParams& p, int n);  // G(n), any integer n (periodic)
// Exact <O(tau) O(0)>, tau = 0..n_t-1.
std::vector<double> exact_correlator(const QhoParams& p, Operator op);

// The exact spectral density is a sum of delta peaks; with the periodic kernel
// K(tau, w) = e^{-w tau} + e^{-w (N - tau)} it reproduces exact_correlator exactly:
//   x : weight s/(1-q) at aE1;
//   x3: 9 G(0)^2 s/(1-q) + 18 s^3 q/(1-q)^3 at aE1 and 6 s^3/(1-q)^3 at 3 aE1
// (G^3 = s^3/(1-q)^3 [K(3E) + 3q K(E)], so nothing is dropped).
struct SpectralLine {
  double energy;  // lattice units
  double weight;
};
std::vector<SpectralLine> exact_spectral_lines(const QhoParams& p, Operator op);

}  // namespace fl::qho
