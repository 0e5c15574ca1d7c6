#pragma once
// The three parametrisations of lattice phi^4 (reference: flows_phi4.md section 2) and the
// exact field rescalings that map one onto another.
//
//   ising    (beta, lambda):  -beta sum phi phi + phi^2 + lambda (phi^2 - 1)^2   (lambda V dropped)
//   albergo  (m2, lambda):    sum [phi (-box) phi + m2 phi^2 + lambda phi^4]
//   standard (m2, g):         1/2 (d phi)^2 + 1/2 m2 phi^2 + g/4! phi^4
#include <string>

#include "models/lattice/phi4/action.hpp"

namespace fl::phi4 {

enum class Parametrisation { ising, albergo, standard };

Parametrisation parametrisation_from_name(const std::string& name);  // InputError if unknown
std::string parametrisation_name(Parametrisation p);

Couplings ising_couplings(double beta, double lambda);
Couplings albergo_couplings(double m2, double lambda);
Couplings standard_couplings(double m2, double g);

// Couplings of a parametrisation from its two parameters. For ising `a` is beta and `b` is
// lambda; for albergo and standard `a` is m2 and `b` is the quartic coupling (lambda or g).
Couplings make_couplings(Parametrisation p, double a, double b);

// The same theory in another parametrisation: S_from(phi) = S_to(scale * phi).
struct Reparametrised {
  double m2 = 0.0;
  double quartic = 0.0;     // lambda (albergo) or g (standard)
  double field_scale = 1.0;
};
Reparametrised ising_to_standard(double beta, double lambda);
Reparametrised ising_to_albergo(double beta, double lambda);

// Throws InputError (naming `origin`) for a theory that is not bounded below: negative
// quartic coupling, or a free theory (c_4 = 0) whose quadratic form is not positive.
void validate(const Couplings& c, const std::string& origin);

// Eigenvalue of the quadratic form for c_4 = 0: S = 1/2 phi^T A phi, A_k = 2 c_2 + 2 c_is
// (cos k1 + cos k2). The exact free propagator is <|phi~(k)|^2> = V / A_k.
double free_eigenvalue(const Couplings& c, double k1, double k2);

}  // namespace fl::phi4
