#pragma once
// Site orderings of the periodic L x L lattice and their neighbour tables.
//   lexicographic: x = x1 + L * x2
//   checkerboard:  even sites ((x1 + x2) % 2 == 0) first, then odd, each lexicographic;
//                  the layout of the flows, whose coupling layers update one colour at a time.
#include <string>
#include <vector>

#include "core/error.hpp"

namespace fl::phi4 {

struct Lattice {
  int L = 0;
  int volume() const { return L * L; }
};

// Header-only so that the CUDA drivers (cuda/) can build the same tables.
// nbr[4*x + d]: d = 0 (+x1), 1 (+x2), 2 (-x1), 3 (-x2), in lexicographic indexing.
// checkerboard_to_lexicographic (L even): site position i -> lexicographic site.
// checkerboard_neighbours: the table in checkerboard indexing (L even; InputError otherwise).
inline std::vector<int> lexicographic_neighbours(int L) {
  if (L < 2) throw InputError("lattice.L: must be >= 2, got " + std::to_string(L));
  std::vector<int> nbr(4 * static_cast<std::size_t>(L) * L);
  for (int x2 = 0; x2 < L; ++x2)
    for (int x1 = 0; x1 < L; ++x1) {
      const int x = x1 + L * x2;
      nbr[4 * x + 0] = (x1 + 1) % L + L * x2;
      nbr[4 * x + 1] = x1 + L * ((x2 + 1) % L);
      nbr[4 * x + 2] = (x1 + L - 1) % L + L * x2;
      nbr[4 * x + 3] = x1 + L * ((x2 + L - 1) % L);
    }
  return nbr;
}

inline std::vector<int> checkerboard_to_lexicographic(int L) {
  if (L < 2 || L % 2 != 0)
    throw InputError("lattice.L: the checkerboard partition needs an even L >= 2, got " +
                     std::to_string(L));
  std::vector<int> order;
  order.reserve(static_cast<std::size_t>(L) * L);
  for (int parity = 0; parity < 2; ++parity)
    for (int x = 0; x < L * L; ++x)
      if (((x % L) + (x / L)) % 2 == parity) order.push_back(x);
  return order;
}

inline std::vector<int> checkerboard_neighbours(int L) {
  const std::vector<int> to_lex = checkerboard_to_lexicographic(L);
  std::vector<int> to_cb(to_lex.size());
  for (std::size_t i = 0; i < to_lex.size(); ++i) to_cb[to_lex[i]] = static_cast<int>(i);
  const std::vector<int> lex = lexicographic_neighbours(L);
  std::vector<int> nbr(lex.size());
  for (std::size_t i = 0; i < to_lex.size(); ++i)
    for (int d = 0; d < 4; ++d) nbr[4 * i + d] = to_cb[lex[4 * to_lex[i] + d]];
  return nbr;
}

}  // namespace fl::phi4
