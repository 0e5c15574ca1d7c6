// phi^4 action: force vs finite differences, local Delta S vs full action, parametrisation
// conversions, neighbour tables, leapfrog reversibility.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/error.hpp"
#include "models/lattice/phi4/action.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "models/lattice/phi4/lattice.hpp"

namespace fl::phi4 {
namespace {

std::vector<double> random_field(int V, unsigned seed, double scale = 1.0) {
  std::mt19937 gen(seed);
  std::normal_distribution<double> n(0.0, scale);
  std::vector<double> phi(V);
  for (auto& p : phi) p = n(gen);
  return phi;
}

TEST(Phi4Action, GradientMatchesFiniteDifferences) {
  const int L = 5, V = L * L;
  const auto nbr = lexicographic_neighbours(L);
  const Couplings c = ising_couplings(0.6, 0.5);
  auto phi = random_field(V, 1);
  const double h = 1e-5;
  for (int x = 0; x < V; ++x) {
    const double keep = phi[x];
    phi[x] = keep + h;
    const double sp = action(phi.data(), nbr.data(), V, c);
    phi[x] = keep - h;
    const double sm = action(phi.data(), nbr.data(), V, c);
    phi[x] = keep;
    const double fd = (sp - sm) / (2 * h);
    EXPECT_NEAR(action_gradient(phi.data(), nbr.data(), x, c), fd, 1e-7 * (1 + std::abs(fd)));
    EXPECT_DOUBLE_EQ(force(phi.data(), nbr.data(), x, c), -action_gradient(phi.data(), nbr.data(), x, c));
  }
}

TEST(Phi4Action, LocalDeltaMatchesFullAction) {
  const int L = 4, V = L * L;
  const auto nbr = lexicographic_neighbours(L);
  const Couplings c = albergo_couplings(-4.0, 8.0);
  auto phi = random_field(V, 2);
  for (int x = 0; x < V; ++x) {
    const double s0 = action(phi.data(), nbr.data(), V, c);
    const double proposal = phi[x] + 0.37 * (x % 3 - 1) + 0.1;
    const double ds = local_delta_action(phi.data(), nbr.data(), x, proposal, c);
    const double keep = phi[x];
    phi[x] = proposal;
    EXPECT_NEAR(action(phi.data(), nbr.data(), V, c) - s0, ds, 1e-11);
    phi[x] = keep;
  }
}

TEST(Phi4Action, IsingFormMatchesItsDefinition) {
  // -beta sum_x sum_mu phi phi + phi^2 + lambda (phi^2 - 1)^2 - lambda, summed over sites.
  const int L = 4, V = L * L;
  const auto nbr = lexicographic_neighbours(L);
  const double beta = 0.537, lambda = 0.5;
  const auto phi = random_field(V, 3);
  double s = 0;
  for (int x2 = 0; x2 < L; ++x2)
    for (int x1 = 0; x1 < L; ++x1) {
      const double p = phi[x1 + L * x2];
      s += -beta * p * (phi[(x1 + 1) % L + L * x2] + phi[x1 + L * ((x2 + 1) % L)]) + p * p +
           lambda * (p * p - 1) * (p * p - 1) - lambda;
    }
  EXPECT_NEAR(action(phi.data(), nbr.data(), V, ising_couplings(beta, lambda)), s, 1e-12);
}

TEST(Phi4Action, ParametrisationsAreRescalingsOfEachOther) {
  const int L = 6, V = L * L;
  const auto nbr = lexicographic_neighbours(L);
  for (double beta : {0.3, 0.537, 0.645})
    for (double lambda : {0.0, 0.5, 1.3}) {
      const auto phi = random_field(V, 4);
      const double s_ising = action(phi.data(), nbr.data(), V, ising_couplings(beta, lambda));
      const auto st = ising_to_standard(beta, lambda);
      const auto al = ising_to_albergo(beta, lambda);
      std::vector<double> chi_st(V), chi_al(V);
      for (int x = 0; x < V; ++x) {
        chi_st[x] = st.field_scale * phi[x];
        chi_al[x] = al.field_scale * phi[x];
      }
      EXPECT_NEAR(action(chi_st.data(), nbr.data(), V, standard_couplings(st.m2, st.quartic)),
                  s_ising, 1e-10 * (1 + std::abs(s_ising)));
      EXPECT_NEAR(action(chi_al.data(), nbr.data(), V, albergo_couplings(al.m2, al.quartic)),
                  s_ising, 1e-10 * (1 + std::abs(s_ising)));
    }
  // At lambda = 0.5 the ising form sits on Albergo's m^2 = -4 line with lambda_A = 2/beta^2.
  const auto al = ising_to_albergo(0.5, 0.5);
  EXPECT_NEAR(al.m2, -4.0, 1e-14);
  EXPECT_NEAR(al.quartic, 8.0, 1e-12);
}

TEST(Phi4Action, StandardFormFreePropagator) {
  // A_k of the standard form is m^2 + 4 sum sin^2(k/2).
  const double m2 = 0.7;
  const Couplings c = standard_couplings(m2, 0.0);
  for (double k1 : {0.0, 0.4, 2.1})
    for (double k2 : {0.0, 1.0, 3.14159}) {
      const double expected = m2 + 4 * (std::pow(std::sin(k1 / 2), 2) + std::pow(std::sin(k2 / 2), 2));
      EXPECT_NEAR(free_eigenvalue(c, k1, k2), expected, 1e-12);
    }
}

TEST(Phi4Action, ValidationRejectsUnstableTheories) {
  EXPECT_THROW(validate(ising_couplings(0.5, -0.1), "action"), InputError);
  EXPECT_THROW(validate(standard_couplings(-0.5, 0.0), "action"), InputError);
  EXPECT_THROW(validate(ising_couplings(0.6, 0.0), "action"), InputError);  // beta > 1/2 free
  EXPECT_NO_THROW(validate(ising_couplings(0.4, 0.0), "action"));
  EXPECT_NO_THROW(validate(albergo_couplings(-4.0, 8.0), "action"));
  EXPECT_THROW(parametrisation_from_name("bosetti"), InputError);
}

TEST(Phi4Lattice, CheckerboardNeighboursAreOppositeColour) {
  const int L = 6, V = L * L;
  const auto nbr = checkerboard_neighbours(L);
  const auto to_lex = checkerboard_to_lexicographic(L);
  const auto lex_nbr = lexicographic_neighbours(L);
  for (int i = 0; i < V; ++i)
    for (int d = 0; d < 4; ++d) {
      EXPECT_NE(i < V / 2, nbr[4 * i + d] < V / 2);
      EXPECT_EQ(to_lex[nbr[4 * i + d]], lex_nbr[4 * to_lex[i] + d]);
    }
  // The action does not depend on the ordering.
  const auto phi_lex = random_field(V, 5);
  std::vector<double> phi_cb(V);
  for (int i = 0; i < V; ++i) phi_cb[i] = phi_lex[to_lex[i]];
  const Couplings c = ising_couplings(0.55, 0.5);
  EXPECT_NEAR(action(phi_cb.data(), nbr.data(), V, c), action(phi_lex.data(), lex_nbr.data(), V, c), 1e-12);
  EXPECT_THROW(checkerboard_neighbours(5), InputError);
}

TEST(Phi4Leapfrog, IsReversible) {
  const int L = 6, V = L * L;
  const auto nbr = lexicographic_neighbours(L);
  const Couplings c = ising_couplings(0.537, 0.5);
  auto phi = random_field(V, 6);
  auto p = random_field(V, 7);
  const auto phi0 = phi, p0 = p;
  std::vector<double> f(V);
  leapfrog(phi.data(), p.data(), f.data(), nbr.data(), V, c, 0.05, 40);
  double moved = 0;
  for (int x = 0; x < V; ++x) moved = std::max(moved, std::abs(phi[x] - phi0[x]));
  EXPECT_GT(moved, 0.1);  // the trajectory went somewhere
  for (auto& q : p) q = -q;
  leapfrog(phi.data(), p.data(), f.data(), nbr.data(), V, c, 0.05, 40);
  for (int x = 0; x < V; ++x) {
    EXPECT_NEAR(phi[x], phi0[x], 1e-10);
    EXPECT_NEAR(-p[x], p0[x], 1e-10);
  }
}

TEST(Phi4Leapfrog, EnergyErrorScalesAsStepSquared) {
  // Second-order integrator: |dH| at fixed trajectory length falls ~4x when eps halves.
  const int L = 4, V = L * L;
  const auto nbr = lexicographic_neighbours(L);
  const Couplings c = ising_couplings(0.5, 0.5);
  const auto phi0 = random_field(V, 8, 0.7), p0 = random_field(V, 9);
  auto dh = [&](double eps, int n) {
    auto phi = phi0, p = p0;
    std::vector<double> f(V);
    const double h0 = kinetic_energy(p.data(), V) + action(phi.data(), nbr.data(), V, c);
    leapfrog(phi.data(), p.data(), f.data(), nbr.data(), V, c, eps, n);
    return std::abs(kinetic_energy(p.data(), V) + action(phi.data(), nbr.data(), V, c) - h0);
  };
  const double r = dh(0.02, 50) / dh(0.01, 100);
  EXPECT_GT(r, 3.0);
  EXPECT_LT(r, 5.0);
}

}  // namespace
}  // namespace fl::phi4
