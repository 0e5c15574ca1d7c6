#include "models/lattice/ising/lattice.hpp"

#include "core/error.hpp"

namespace fl::ising {

void validate(const IsingLattice& lat) {
  require(lat.dim == 1 || lat.dim == 2,
          "lattice.dim: must be 1 or 2, got " + std::to_string(lat.dim));
  require(lat.L >= 2, "lattice.L: must be at least 2, got " + std::to_string(lat.L));
  require(lat.dim == 1 || lat.L <= 1 << 15, "lattice.L: too large");
}

Boundary boundary_from_name(const std::string& name) {
  if (name == "periodic") return Boundary::periodic;
  if (name == "open") return Boundary::open;
  input_error("lattice.boundary: must be 'periodic' or 'open', got '" + name + "'");
}

std::string boundary_name(Boundary b) { return b == Boundary::periodic ? "periodic" : "open"; }

std::vector<int> neighbour_table(const IsingLattice& lat) {
  const int n = lat.n_sites(), z = lat.coordination(), L = lat.L;
  std::vector<int> nb(static_cast<std::size_t>(n) * z, -1);
  // Neighbour of coordinate c in direction +-1 along an axis of length L, or -1.
  auto step = [&](int c, int d) {
    const int t = c + d;
    if (t >= 0 && t < L) return t;
    return lat.periodic() ? (t + L) % L : -1;
  };
  for (int s = 0; s < n; ++s) {
    const int x = s % L, y = s / L;
    int* row = &nb[static_cast<std::size_t>(s) * z];
    const int xp = step(x, +1), xm = step(x, -1);
    row[0] = xp < 0 ? -1 : xp + L * y;
    row[1] = xm < 0 ? -1 : xm + L * y;
    if (lat.dim == 2) {
      const int yp = step(y, +1), ym = step(y, -1);
      row[2] = yp < 0 ? -1 : x + L * yp;
      row[3] = ym < 0 ? -1 : x + L * ym;
    }
  }
  return nb;
}

std::vector<std::pair<int, int>> bond_list(const IsingLattice& lat) {
  // Each site owns its bonds in the + directions (entries 0 and 2 of the table).
  const auto nb = neighbour_table(lat);
  const int z = lat.coordination();
  std::vector<std::pair<int, int>> bonds;
  for (int s = 0; s < lat.n_sites(); ++s)
    for (int d = 0; d < z; d += 2) {
      const int t = nb[static_cast<std::size_t>(s) * z + d];
      if (t >= 0) bonds.emplace_back(s, t);
    }
  return bonds;
}

std::vector<int> site_degree(const IsingLattice& lat) {
  std::vector<int> deg(lat.n_sites(), 0);
  for (auto [i, j] : bond_list(lat)) ++deg[i], ++deg[j];
  return deg;
}

double ising_energy(const IsingLattice&, const std::vector<std::pair<int, int>>& bonds,
                    const std::int8_t* spins, double J) {
  long sum = 0;
  for (auto [i, j] : bonds) sum += spins[i] * spins[j];
  return -J * static_cast<double>(sum);
}

}  // namespace fl::ising
