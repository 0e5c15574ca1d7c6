#pragma once
// Lattice phi^4 on a periodic L x L lattice, written once for host and device.
//
//   S(phi) = sum_x [ c_is sum_{mu=1,2} phi(x) phi(x+mu) + c_2 phi(x)^2 + c_4 phi(x)^4 ]
//
// Every parametrisation (ising-like beta/lambda, albergo m^2/lambda, standard m^2/g) is a
// choice of (c_is, c_2, c_4); see couplings.hpp. Sites are addressed through a neighbour
// table nbr[4*x + d] (d = 0: +x1, 1: +x2, 2: -x1, 3: -x2) so that the same functions serve
// the lexicographic layout of the samplers and the checkerboard layout of the flows.
// No Eigen here: nvcc includes this header.
#include "core/hd.hpp"

namespace fl::phi4 {

struct Couplings {
  double c_is = 0.0;  // hopping term (negative: ferromagnetic)
  double c_2 = 0.0;   // mass term
  double c_4 = 0.0;   // quartic term (>= 0 for a stable theory)
};

// Sum of the four neighbours of site x.
template <class T>
FL_HD T neighbour_sum(const T* phi, const int* nbr, int x) {
  return phi[nbr[4 * x]] + phi[nbr[4 * x + 1]] + phi[nbr[4 * x + 2]] + phi[nbr[4 * x + 3]];
}

// Action of one configuration (forward neighbours only, so each link counts once).
template <class T>
FL_HD double action(const T* phi, const int* nbr, int volume, Couplings c) {
  double s = 0.0;
  for (int x = 0; x < volume; ++x) {
    const double p = phi[x];
    const double p2 = p * p;
    s += c.c_is * p * (static_cast<double>(phi[nbr[4 * x]]) + phi[nbr[4 * x + 1]]) + c.c_2 * p2 +
         c.c_4 * p2 * p2;
  }
  return s;
}

// S(phi with phi_x -> new_value) - S(phi).
template <class T>
FL_HD double local_delta_action(const T* phi, const int* nbr, int x, double new_value, Couplings c) {
  const double old = phi[x];
  const double o2 = old * old, n2 = new_value * new_value;
  return c.c_is * (new_value - old) * static_cast<double>(neighbour_sum(phi, nbr, x)) +
         c.c_2 * (n2 - o2) + c.c_4 * (n2 * n2 - o2 * o2);
}

// dS/dphi_x (the HMC force is its negative).
template <class T>
FL_HD double action_gradient(const T* phi, const int* nbr, int x, Couplings c) {
  const double p = phi[x];
  return c.c_is * static_cast<double>(neighbour_sum(phi, nbr, x)) + 2.0 * c.c_2 * p +
         4.0 * c.c_4 * p * p * p;
}

// HMC force F_x = -dS/dphi_x.
template <class T>
FL_HD double force(const T* phi, const int* nbr, int x, Couplings c) {
  return -action_gradient(phi, nbr, x, c);
}

// Leapfrog integration of H = p^2/2 + S(phi) for one configuration, in place.
// `f` is scratch of `volume` doubles. Exactly time-reversible in exact arithmetic.
FL_HD void leapfrog(double* phi, double* p, double* f, const int* nbr, int volume, Couplings c,
                    double eps, int n_steps) {
  for (int x = 0; x < volume; ++x) f[x] = force(phi, nbr, x, c);
  for (int step = 0; step < n_steps; ++step) {
    for (int x = 0; x < volume; ++x) p[x] += 0.5 * eps * f[x];
    for (int x = 0; x < volume; ++x) phi[x] += eps * p[x];
    for (int x = 0; x < volume; ++x) f[x] = force(phi, nbr, x, c);
    for (int x = 0; x < volume; ++x) p[x] += 0.5 * eps * f[x];
  }
}

FL_HD double kinetic_energy(const double* p, int volume) {
  double k = 0.0;
  for (int x = 0; x < volume; ++x) k += 0.5 * p[x] * p[x];
  return k;
}

}  // namespace fl::phi4
