// Exact Ising results cross-checked against each other and against enumeration.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "models/lattice/ising/exact.hpp"

using namespace fl::ising;

TEST(IsingExact, Kaufman_matches_enumeration_L4) {
  const IsingLattice lat{2, 4, Boundary::periodic};
  for (double T : {0.8, 1.5, 1.8, ising2d_tc(), 3.0, 10.0}) {
    const auto k = ising2d_exact(4, T);
    const auto b = ising_enumerate(lat, T);
    EXPECT_NEAR(k.ln_z, b.ln_z, 1e-10 * std::abs(b.ln_z)) << "T=" << T;
    EXPECT_NEAR(k.e, b.e, 1e-10) << "T=" << T;
    EXPECT_NEAR(k.cv, b.cv, 1e-9) << "T=" << T;
    EXPECT_NEAR(k.entropy, b.entropy, 1e-9) << "T=" << T;
  }
}

TEST(IsingExact, Kaufman_is_smooth_through_Tc_and_derivatives_match_finite_differences) {
  const double tc = ising2d_tc();
  for (double T : {1.8, tc, 3.0}) {
    const double h = 1e-4;
    // e = -(1/N) d lnZ / dK with K = 1/T, checked by central differences in K.
    const double K = 1 / T;
    const double lp = ising2d_exact(8, 1 / (K + h)).ln_z, lm = ising2d_exact(8, 1 / (K - h)).ln_z;
    const double l0 = ising2d_exact(8, T).ln_z;
    const auto x = ising2d_exact(8, T);
    EXPECT_NEAR(x.e, -(lp - lm) / (2 * h) / 64, 1e-6) << "T=" << T;
    EXPECT_NEAR(x.cv, K * K * (lp - 2 * l0 + lm) / (h * h) / 64, 1e-3) << "T=" << T;
  }
}

TEST(IsingExact, Kaufman_limits) {
  // High T: ln Z -> N ln 2; low T: ln Z -> ln 2 + 2 N K (two ground states).
  EXPECT_NEAR(ising2d_exact(8, 1e4).ln_z, 64 * std::log(2.0), 1e-2);
  const double T = 0.2;
  EXPECT_NEAR(ising2d_exact(8, T).ln_z, std::log(2.0) + 2 * 64 / T, 1e-6);
  EXPECT_NEAR(ising2d_exact(8, T).e, -2.0, 1e-6);
  // Specific heat of a large lattice peaks near T_c.
  const double tc = ising2d_tc();
  EXPECT_GT(ising2d_exact(64, tc).cv, ising2d_exact(64, 1.8).cv);
  EXPECT_GT(ising2d_exact(64, tc).cv, ising2d_exact(64, 3.0).cv);
}

TEST(IsingExact, Chain_matches_enumeration) {
  for (bool periodic : {false, true})
    for (int N : {2, 3, 6, 11})
      for (double T : {0.5, 1.0, 2.5}) {
        const IsingLattice lat{1, N, periodic ? Boundary::periodic : Boundary::open};
        const auto a = ising1d_exact(N, periodic, T);
        const auto b = ising_enumerate(lat, T);
        EXPECT_NEAR(a.ln_z, b.ln_z, 1e-12 * std::abs(b.ln_z) + 1e-12);
        EXPECT_NEAR(a.e, b.e, 1e-12);
        EXPECT_NEAR(a.cv, b.cv, 1e-11);
        EXPECT_NEAR(a.entropy, b.entropy, 1e-11);
      }
  // Reference value quoted for the authors' 1D case: N = 6 open, T = 1.
  EXPECT_NEAR(ising1d_exact(6, false, 1.0).ln_z, std::log(2 * std::pow(2 * std::cosh(1.0), 5)), 1e-13);
  EXPECT_NEAR(ising1d_exact(6, false, 1.0).e * 6, -5 * std::tanh(1.0), 1e-13);
}

TEST(IsingExact, Chain_correlator_matches_enumeration) {
  for (bool periodic : {false, true}) {
    const int N = 8;
    const double T = 1.3, K = 1 / T;
    for (int r = 0; r <= 5; ++r) {
      double z = 0, c = 0;
      for (int st = 0; st < (1 << N); ++st) {
        auto s = [&](int i) { return (st >> i) & 1 ? 1 : -1; };
        int b = 0;
        for (int i = 0; i + 1 < N; ++i) b += s(i) * s(i + 1);
        if (periodic) b += s(N - 1) * s(0);
        const double w = std::exp(K * b);
        z += w;
        c += w * s(1) * s(1 + r);
      }
      EXPECT_NEAR(ising1d_correlator(N, periodic, T, r), c / z, 1e-12) << r;
    }
  }
}

TEST(IsingExact, Enumeration_observables_small_cases) {
  // Two spins, one bond (open chain N = 2): <|m|> = P(aligned) = e^K / (e^K + e^-K).
  const double T = 0.7, K = 1 / T;
  const auto t = ising_enumerate(IsingLattice{1, 2, Boundary::open}, T);
  EXPECT_NEAR(t.abs_m, std::exp(K) / (std::exp(K) + std::exp(-K)), 1e-14);
  EXPECT_NEAR(t.m2, t.abs_m, 1e-14);
}

TEST(IsingExact, Bad_input) {
  EXPECT_THROW(ising2d_exact(8, 0.0), fl::InputError);
  EXPECT_THROW(ising2d_exact(8, -1.0), fl::InputError);
  EXPECT_THROW(ising_enumerate(IsingLattice{2, 5, Boundary::periodic}, 1.0), fl::InputError);
  EXPECT_THROW(validate(IsingLattice{3, 4, Boundary::periodic}), fl::InputError);
  EXPECT_THROW(validate(IsingLattice{2, 1, Boundary::periodic}), fl::InputError);
}

TEST(IsingExact, Kaufman_matches_an_independent_row_transfer_matrix_L8) {
  // Z = Tr M^L with M_ab = exp(K [sum_x a_x a_{x+1} + sum_x a_x b_x]) over row states a, b.
  const int L = 8, S = 1 << L;
  for (double T : {1.8, ising2d_tc(), 3.0}) {
    const double K = 1 / T;
    auto spin = [](int state, int x) { return (state >> x) & 1 ? 1 : -1; };
    std::vector<double> M(S * S), P(S * S), tmp(S * S);
    for (int a = 0; a < S; ++a)
      for (int b = 0; b < S; ++b) {
        int e = 0;
        for (int x = 0; x < L; ++x) e += spin(a, x) * spin(a, (x + 1) % L) + spin(a, x) * spin(b, x);
        M[a * S + b] = std::exp(K * e);
      }
    P = M;
    for (int power = 1; power < L; ++power) {  // P = M^L by repeated multiplication
      std::fill(tmp.begin(), tmp.end(), 0.0);
      for (int i = 0; i < S; ++i)
        for (int k = 0; k < S; ++k) {
          const double pik = P[i * S + k];
          for (int j = 0; j < S; ++j) tmp[i * S + j] += pik * M[k * S + j];
        }
      P.swap(tmp);
    }
    double trace = 0;
    for (int i = 0; i < S; ++i) trace += P[i * S + i];
    EXPECT_NEAR(ising2d_exact(L, T).ln_z, std::log(trace), 1e-10) << "T=" << T;
  }
}
