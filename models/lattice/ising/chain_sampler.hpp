#pragma once
// Exact independent sampling of the 1D Ising chain (no Markov chain, no autocorrelation).
// Open chain: s_1 = +-1 with probability 1/2, then bonds tau_i = s_i s_{i+1} i.i.d. with
// P(tau = +1) = e^K / (2 cosh K). Periodic chain: an open chain accepted with probability
// e^{K (s_N s_1 - 1)}, which adds the closing bond exactly (rejection sampling).
#include <cstdint>
#include <vector>

namespace fl::ising {

// n configurations of N spins (+-1), row-major [config][site]. Configuration k uses the
// Philox stream (seed, k), so the result is independent of threading.
std::vector<std::int8_t> sample_chain_exact(int N, bool periodic, double T, double J, std::int64_t n,
                                            std::uint32_t seed);

}  // namespace fl::ising
