#pragma once
// Geometry of hypercubic Ising lattices (1D chains and 2D L x L), reusable by any
// nearest-neighbour lattice model. Sites are numbered x + L*y. Host-side helpers only;
// the device-side physics lives in metropolis.hpp.
#include <cstdint>
#include <string>
#include <vector>

#include "core/hd.hpp"

namespace fl::ising {

enum class Boundary : std::uint8_t { periodic, open };

struct IsingLattice {
  int dim = 2;                    // 1 or 2
  int L = 8;                      // linear size
  Boundary boundary = Boundary::periodic;

  FL_HD int n_sites() const { return dim == 1 ? L : L * L; }
  FL_HD int coordination() const { return 2 * dim; }  // in the bulk
  FL_HD bool periodic() const { return boundary == Boundary::periodic; }
  // Checkerboard colour of a site; a valid two-colouring needs L even when periodic.
  FL_HD int colour(int site) const { return dim == 1 ? site % 2 : (site % L + site / L) % 2; }
  FL_HD bool bipartite() const { return !periodic() || L % 2 == 0; }
  // Neighbour of `site` in direction d (0: +x, 1: -x, 2: +y, 3: -y), -1 across an open edge.
  FL_HD int neighbour(int site, int d) const { return neighbour(site % L, site / L, d); }
  // The same from coordinates (x, y): no integer division, for the inner loops.
  FL_HD int neighbour(int x, int y, int d) const {
    const int axis_pos = d < 2 ? x : y;
    int t = axis_pos + ((d & 1) ? -1 : 1);
    if (t < 0 || t >= L) {
      if (!periodic()) return -1;
      t = t < 0 ? L - 1 : 0;
    }
    return d < 2 ? t + L * y : x + L * t;
  }
};

// Throws InputError (key names in the message) for dim not in {1,2}, L < 2.
void validate(const IsingLattice& lat);
Boundary boundary_from_name(const std::string& name);  // "periodic" / "open"
std::string boundary_name(Boundary b);

// Nearest-neighbour table: row `site` holds coordination() entries, -1 where an open
// boundary cuts the bond. For L = 2 periodic a neighbour appears twice (two bonds), as
// the Hamiltonian sum over bonds requires.
std::vector<int> neighbour_table(const IsingLattice& lat);
// Every bond once, as (i, j) pairs.
std::vector<std::pair<int, int>> bond_list(const IsingLattice& lat);
// Number of neighbours of each site (z_j; less than 2*dim at open ends).
std::vector<int> site_degree(const IsingLattice& lat);

// E = -J sum_<ij> s_i s_j for one configuration of +-1 spins.
double ising_energy(const IsingLattice& lat, const std::vector<std::pair<int, int>>& bonds,
                    const std::int8_t* spins, double J = 1.0);

}  // namespace fl::ising
