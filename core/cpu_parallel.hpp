#pragma once
// Fixed-chunk OpenMP loops for the CPU backend. The chunk boundaries depend only on the
// problem size, never on the thread count, so reductions (sum the chunks' partials in
// chunk order) give bit-identical results with 1 or N threads.
#include <algorithm>
#include <vector>

#include "core/view.hpp"

namespace fl::cpu_detail {

// Elements per chunk: large enough to amortise scheduling, small enough to balance.
constexpr index_t kChunk = 1 << 14;

inline index_t chunk_count(index_t n) { return (n + kChunk - 1) / kChunk; }

// f(begin, end) for every chunk [begin, end) of [0, n), in parallel.
template <class F>
void for_chunks(index_t n, F&& f) {
  const index_t chunks = chunk_count(n);
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (index_t c = 0; c < chunks; ++c) f(c * kChunk, std::min(n, (c + 1) * kChunk));
}

// Each chunk's partial result from partial(begin, end), combined in chunk order by
// combine(acc, partial) starting from init. Deterministic for any thread count.
template <class Partial, class Combine>
double reduce_chunks(index_t n, double init, Partial&& partial, Combine&& combine) {
  const index_t chunks = chunk_count(n);
  std::vector<double> partials(static_cast<std::size_t>(chunks));
#pragma omp parallel for schedule(static) if (chunks > 1)
  for (index_t c = 0; c < chunks; ++c)
    partials[static_cast<std::size_t>(c)] = partial(c * kChunk, std::min(n, (c + 1) * kChunk));
  double acc = init;
  for (double p : partials) acc = combine(acc, p);
  return acc;
}

}  // namespace fl::cpu_detail
