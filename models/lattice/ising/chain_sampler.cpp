#include "models/lattice/ising/chain_sampler.hpp"

#include <cmath>

#include "core/error.hpp"
#include "core/philox.hpp"

namespace fl::ising {

std::vector<std::int8_t> sample_chain_exact(int N, bool periodic, double T, double J, std::int64_t n,
                                            std::uint32_t seed) {
  require(T > 0, "temperature: must be > 0");
  require(N >= 2, "lattice.L: must be at least 2");
  const double K = J / T;
  const double p_aligned = 1 / (1 + std::exp(-2 * K));  // e^K / (2 cosh K)
  require(n >= 0 && n < (std::int64_t{1} << 32), "n_configs: must be in [0, 2^32)");
  std::vector<std::int8_t> out(static_cast<std::size_t>(n) * N);
#pragma omp parallel for schedule(static) if (n * N >= (1 << 16))
  for (std::int64_t k = 0; k < n; ++k) {
    PhiloxStream rng({seed, static_cast<std::uint32_t>(k)}, 0);
    std::int8_t* s = &out[static_cast<std::size_t>(k) * N];
    while (true) {
      s[0] = rng.uniform() < 0.5 ? 1 : -1;
      for (int i = 1; i < N; ++i) s[i] = static_cast<std::int8_t>(rng.uniform() < p_aligned ? s[i - 1] : -s[i - 1]);
      if (!periodic || rng.uniform() < std::exp(K * (s[N - 1] * s[0] - 1))) break;
    }
  }
  return out;
}

}  // namespace fl::ising
