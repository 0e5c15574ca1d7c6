#pragma once
// Helpers shared by the RBM tests: random machines and the exact bond-RBM of an Ising model.
#include <cmath>
#include <random>

#include "models/lattice/ising/lattice.hpp"
#include "models/rbm/rbm.hpp"

namespace rbm_test {

inline fl::rbm::RbmParams random_rbm(int n_v, int n_h, double w_std, double bias_std, unsigned seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> w(0, w_std), bias(0, bias_std);
  auto p = fl::rbm::RbmParams::zeros(n_v, n_h);
  for (auto& x : p.W) x = w(gen);
  for (auto& x : p.b) x = bias(gen);
  for (auto& x : p.c) x = bias(gen);
  return p;
}

// One hidden unit per bond <jk>: W_ij = W_ik = w, c_i = -w, w = 2 arccosh(e^{2K}),
// b_j = -2 z_j K - z_j [ln 2 - ln(1 + e^{-w})]. Then p_RBM(v) = p_Ising(v) exactly and
// log Z_RBM = log Z_Ising + N_b [ln(1 + e^{-w}) - K] (reference, validation idea 5).
inline fl::rbm::RbmParams bond_rbm(const fl::ising::IsingLattice& lat, double K) {
  const auto bonds = fl::ising::bond_list(lat);
  const auto deg = fl::ising::site_degree(lat);
  const int n_v = lat.n_sites(), n_h = static_cast<int>(bonds.size());
  const double w = 2 * std::acosh(std::exp(2 * K));
  auto p = fl::rbm::RbmParams::zeros(n_v, n_h);
  for (int i = 0; i < n_h; ++i) {
    p.w(i, bonds[i].first) += w;
    p.w(i, bonds[i].second) += w;
    p.c[i] = -w;
  }
  for (int j = 0; j < n_v; ++j) p.b[j] = -2 * deg[j] * K - deg[j] * (std::log(2.0) - std::log1p(std::exp(-w)));
  return p;
}

}  // namespace rbm_test
