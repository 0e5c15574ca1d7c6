#pragma once
// Site orderings of the periodic L x L lattice and their neighbour tables.
//   lexicographic: x = x1 + L * x2
//   checkerboard:  even sites ((x1 + x2) % 2 == 0) first, then odd, each lexicographic;
//                  the layout of the flows, whose coupling layers update one colour at a time.
#include <vector>

namespace fl::phi4 {

struct Lattice {
  int L = 0;
  int volume() const { return L * L; }
};

// nbr[4*x + d]: d = 0 (+x1), 1 (+x2), 2 (-x1), 3 (-x2), in lexicographic indexing.
std::vector<int> lexicographic_neighbours(int L);

// For checkerboard indexing (L even): site position i -> lexicographic site.
std::vector<int> checkerboard_to_lexicographic(int L);
// Neighbour table in checkerboard indexing (L even; InputError otherwise).
std::vector<int> checkerboard_neighbours(int L);

}  // namespace fl::phi4
