#include "models/lattice/phi4/couplings.hpp"

#include <cmath>
#include <numbers>

#include "core/error.hpp"

namespace fl::phi4 {

Parametrisation parametrisation_from_name(const std::string& name) {
  if (name == "ising") return Parametrisation::ising;
  if (name == "albergo") return Parametrisation::albergo;
  if (name == "standard") return Parametrisation::standard;
  throw InputError("action.parametrisation: unknown '" + name +
                   "' (expected ising, albergo or standard)");
}

std::string parametrisation_name(Parametrisation p) {
  switch (p) {
    case Parametrisation::ising: return "ising";
    case Parametrisation::albergo: return "albergo";
    case Parametrisation::standard: return "standard";
  }
  return "?";
}

Couplings ising_couplings(double beta, double lambda) { return {-beta, 1.0 - 2.0 * lambda, lambda}; }
Couplings albergo_couplings(double m2, double lambda) { return {-2.0, 4.0 + m2, lambda}; }
Couplings standard_couplings(double m2, double g) { return {-1.0, 0.5 * (4.0 + m2), g / 24.0}; }

Couplings make_couplings(Parametrisation p, double a, double b) {
  switch (p) {
    case Parametrisation::ising: return ising_couplings(a, b);
    case Parametrisation::albergo: return albergo_couplings(a, b);
    case Parametrisation::standard: return standard_couplings(a, b);
  }
  throw InputError("action.parametrisation: invalid");
}

// phi_ising = chi / sqrt(beta) turns the hopping term into -sum chi chi.
Reparametrised ising_to_standard(double beta, double lambda) {
  return {2.0 * (1.0 - 2.0 * lambda) / beta - 4.0, 24.0 * lambda / (beta * beta), std::sqrt(beta)};
}
// phi_ising = chi sqrt(2 / beta) turns the hopping term into -2 sum chi chi.
Reparametrised ising_to_albergo(double beta, double lambda) {
  return {2.0 * (1.0 - 2.0 * lambda) / beta - 4.0, 4.0 * lambda / (beta * beta),
          std::sqrt(beta / 2.0)};
}

double free_eigenvalue(const Couplings& c, double k1, double k2) {
  return 2.0 * c.c_2 + 2.0 * c.c_is * (std::cos(k1) + std::cos(k2));
}

void validate(const Couplings& c, const std::string& origin) {
  if (!std::isfinite(c.c_is) || !std::isfinite(c.c_2) || !std::isfinite(c.c_4))
    throw InputError(origin + ": couplings must be finite");
  if (c.c_4 < 0.0)
    throw InputError(origin + ": negative quartic coupling (action unbounded below)");
  // Free theory: the smallest eigenvalue of A over all momenta (k = 0 or k = (pi, pi)).
  if (c.c_4 == 0.0 && !(free_eigenvalue(c, 0, 0) > 0.0 &&
                        free_eigenvalue(c, std::numbers::pi, std::numbers::pi) > 0.0))
    throw InputError(origin + ": free theory (quartic coupling 0) with a non-positive mass term");
}

}  // namespace fl::phi4
