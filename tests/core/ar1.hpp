#pragma once
// Stationary AR(1) series for the statistics tests: x_t = phi x_{t-1} + sqrt(1 - phi^2) eps_t,
// unit variance, rho(t) = phi^t, so tau_int = (1 + phi) / (2 (1 - phi)) exactly.
#include <cmath>
#include <cstdint>
#include <vector>

#include "core/philox.hpp"

namespace fl::test {

inline std::vector<double> ar1(double phi, std::size_t n, std::uint32_t seed, std::uint32_t stream) {
  PhiloxStream rng(PhiloxKey{seed, stream}, 0);
  std::vector<double> x(n);
  const double s = std::sqrt(1.0 - phi * phi);
  x[0] = rng.normal();
  for (std::size_t t = 1; t < n; ++t) x[t] = phi * x[t - 1] + s * rng.normal();
  return x;
}

inline double ar1_tau(double phi) { return (1.0 + phi) / (2.0 * (1.0 - phi)); }

}  // namespace fl::test
