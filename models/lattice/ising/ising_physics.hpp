#pragma once
// Ising update rules written once for the CPU loops and the CUDA kernels (FL_HD, no Eigen).
//
// Random-number layout (part of the engine's contract, so CPU and CUDA chains match):
//   key = (seed, chain) for single-spin chains, (seed, word group) for multi-spin words;
//   step = purpose << 56 | index, where index is the half-sweep 2*sweep + colour (Metropolis)
//   or the cluster number (Wolff).
#include <cstdint>

#include "core/hd.hpp"
#include "core/philox.hpp"
#include "models/lattice/ising/lattice.hpp"

namespace fl::ising {

enum class RngPurpose : std::uint64_t { init = 1, metropolis = 2, wolff = 3, multispin = 4 };

FL_HD std::uint64_t rng_step(RngPurpose p, std::uint64_t index) {
  return (static_cast<std::uint64_t>(p) << 56) | index;
}

// Sum of the neighbouring spins of the site at (x, y) (open edges contribute nothing).
FL_HD int local_field(const IsingLattice& lat, const std::int8_t* s, int x, int y) {
  int h = 0;
  for (int d = 0; d < lat.coordination(); ++d) {
    const int t = lat.neighbour(x, y, d);
    if (t >= 0) h += s[t];
  }
  return h;
}

// exp(-2 beta J m) for m = s_i h_i = 1..4: the Metropolis acceptance of an uphill flip.
struct MetropolisTable {
  double p[5];
  FL_HD explicit MetropolisTable(double beta_j) {
    p[0] = 1.0;
    for (int m = 1; m <= 4; ++m) p[m] = exp(-2.0 * beta_j * m);
  }
};

// One Metropolis attempt at site (x, y). Its uniform is element `site` of the Philox fill
// (key, step), i.e. uniform_at(key, step, site).
FL_HD void metropolis_site(const IsingLattice& lat, std::int8_t* s, int x, int y,
                           const MetropolisTable& table, PhiloxKey key, std::uint64_t step) {
  const int site = x + lat.L * y;
  const int m = s[site] * local_field(lat, s, x, y);  // Delta E = 2 J m
  if (m <= 0 || uniform_at(key, step, static_cast<std::uint64_t>(site), 0.0) < table.p[m])
    s[site] = static_cast<std::int8_t>(-s[site]);
}

// One colour of a checkerboard sweep of one chain: every site of `colour` is attempted.
FL_HD void metropolis_half_sweep(const IsingLattice& lat, std::int8_t* s, int colour,
                                 const MetropolisTable& table, PhiloxKey key, std::uint64_t step) {
  const int rows = lat.dim == 1 ? 1 : lat.L;
  for (int y = 0; y < rows; ++y)
    for (int x = (colour + y) & 1; x < lat.L; x += 2) metropolis_site(lat, s, x, y, table, key, step);
}

// ---- Wolff cluster update ------------------------------------------------------------
// Grows and flips one cluster in chain `s` with bond probability p_add = 1 - exp(-2 beta J).
// `stack` has room for n_sites ints. Returns the cluster size.
FL_HD int wolff_cluster(const IsingLattice& lat, std::int8_t* s, int* stack, double p_add,
                        PhiloxStream& rng) {
  const int n = lat.n_sites();
  const int seed_site = static_cast<int>(rng.below(static_cast<std::uint32_t>(n)));
  const std::int8_t old = s[seed_site];
  // Sites are flipped when added, so "still equal to old" means "not yet in the cluster".
  s[seed_site] = static_cast<std::int8_t>(-old);
  int top = 0, size = 1;
  stack[top++] = seed_site;
  while (top > 0) {
    const int i = stack[--top];
    for (int d = 0; d < lat.coordination(); ++d) {
      const int j = lat.neighbour(i, d);
      if (j >= 0 && s[j] == old && rng.uniform() < p_add) {
        s[j] = static_cast<std::int8_t>(-old);
        stack[top++] = j;
        ++size;
      }
    }
  }
  return size;
}

// ---- multi-spin coding: 64 replicas per uint64 word, bit r = replica r (1 = spin up) ----
// Periodic lattices only (z = 2 or 4), where Delta E = 2 J (z - 2 a) with a the number of
// anti-aligned neighbours, so only a < z/2 needs a random number.

// Thresholds floor(p * 2^32) for Delta E = 4J (a = z/2 - 1) and 8J (a = z/2 - 2).
FL_HD std::uint32_t threshold32(double p) {
  const double scaled = p * 4294967296.0;
  return scaled >= 4294967295.0 ? 0xFFFFFFFFu : static_cast<std::uint32_t>(scaled);
}
struct MultispinThresholds {
  std::uint32_t p4, p8;
  FL_HD explicit MultispinThresholds(double beta_j)
      : p4(threshold32(exp(-4.0 * beta_j))), p8(threshold32(exp(-8.0 * beta_j))) {}
};

// Philox blocks per site word: 16 blocks = 32 bit planes = a full 32-bit comparison.
constexpr int kMultispinBlocks = 16;

// Bitwise "U < P" for 64 independent 32-bit uniforms U (bit planes drawn MSB first) against
// the per-bit threshold P = p4 on mask4, p8 on mask8. Planes are drawn lazily until every
// relevant bit is decided, so the result equals a full 32-bit comparison per bit. Block b of
// the word at lane0 is Philox lane lane0 + b; the first n_pre blocks may be passed in
// precomputed (the CPU engine computes them in bulk, which pipelines far better).
FL_HD std::uint64_t bitsliced_accept(std::uint64_t mask4, std::uint64_t mask8,
                                     const MultispinThresholds& t, PhiloxKey key,
                                     std::uint64_t step, std::uint64_t lane0,
                                     const U32x4* pre = nullptr, int n_pre = 0) {
  std::uint64_t undecided = mask4 | mask8, less = 0;
  for (int block = 0; block < kMultispinBlocks && undecided; ++block) {
    const U32x4 r = block < n_pre ? pre[block] : philox_block(key, lane0 + block, step);
    for (int half = 0; half < 2 && undecided; ++half) {
      const std::uint64_t plane =
          (static_cast<std::uint64_t>(r.v[2 * half]) << 32) | r.v[2 * half + 1];
      const int k = 31 - 2 * block - half;
      const std::uint64_t tbit = (((t.p4 >> k) & 1u) ? mask4 : 0) | (((t.p8 >> k) & 1u) ? mask8 : 0);
      less |= undecided & tbit & ~plane;     // threshold bit 1, random bit 0: U < P
      undecided &= ~(tbit ^ plane);          // equal bits: still undecided
    }
  }
  return less;
}

// Multi-spin Metropolis at one site word. `words` is one group's lattice of n_sites words.
FL_HD void multispin_site(const IsingLattice& lat, std::uint64_t* words, int x, int y,
                          const MultispinThresholds& t, PhiloxKey key, std::uint64_t step,
                          const U32x4* pre = nullptr, int n_pre = 0) {
  const int site = x + lat.L * y;
  const std::uint64_t s = words[site];
  const std::uint64_t lane0 = static_cast<std::uint64_t>(site) * kMultispinBlocks;
  std::uint64_t always, mask4, mask8;  // Delta E <= 0, = 4J, = 8J
  const std::uint64_t a = s ^ words[lat.neighbour(x, y, 0)], b = s ^ words[lat.neighbour(x, y, 1)];
  if (lat.dim == 1) {
    mask4 = ~(a | b);
    mask8 = 0;
    always = a | b;
  } else {
    const std::uint64_t c = s ^ words[lat.neighbour(x, y, 2)], d = s ^ words[lat.neighbour(x, y, 3)];
    const std::uint64_t s1 = a ^ b, c1 = a & b, s2 = c ^ d, c2 = c & d;
    mask4 = (s1 ^ s2) & ~(c1 | c2);  // exactly one anti-aligned neighbour
    mask8 = ~(a | b | c | d);        // none anti-aligned
    always = ~(mask4 | mask8);
  }
  words[site] = s ^ (always | bitsliced_accept(mask4, mask8, t, key, step, lane0, pre, n_pre));
}

}  // namespace fl::ising
