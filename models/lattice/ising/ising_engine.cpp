#include "models/lattice/ising/ising_engine.hpp"

#include <omp.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "models/lattice/ising/ising_physics.hpp"

namespace fl::ising {

#ifdef FL_HAVE_CUDA
std::unique_ptr<IsingEngine> make_ising_engine_cuda(Backend& backend);  // cuda/ising_kernels.cu
#endif

namespace {

// Below this many site updates a call runs on one thread: forking a team for tiny work
// costs more than it saves, and much more when the cores are shared with other jobs.
constexpr index_t kMinParallelWork = index_t{1} << 16;

void fail(const std::string& what) { throw std::invalid_argument("IsingEngine: " + what); }

index_t chains_of(const IsingLattice& lat, index_t size, Device have, Device want) {
  validate(lat);
  if (have != want) fail("buffer lives on another device");
  if (size % lat.n_sites() != 0) fail("spin buffer size is not a multiple of the lattice size");
  return size / lat.n_sites();
}

void check_betas(index_t n, VectorView<const double> beta_j, Device want) {
  if (beta_j.device != want) fail("beta buffer lives on another device");
  if (beta_j.size != n) fail("need one beta per chain (or word group)");
}

class CpuIsingEngine final : public IsingEngine {
  // Philox blocks computed ahead per multi-spin site word (most words need no more).
  static constexpr int kPrefetch = 4;  // a power of two keeps the bulk loop vectorised

 public:
  CpuIsingEngine() : IsingEngine(Device::cpu) {}

 protected:
  void do_randomize(const IsingLattice& lat, VectorView<std::int8_t> spins, std::uint32_t seed) override {
    const index_t n = lat.n_sites(), chains = spins.size / n;
#pragma omp parallel for schedule(static) if (spins.size >= kMinParallelWork)
    for (index_t c = 0; c < chains; ++c) {
      const PhiloxKey key{seed, static_cast<std::uint32_t>(c)};
      for (index_t i = 0; i < n; ++i) {
        const double u = uniform_at(key, rng_step(RngPurpose::init, 0), static_cast<std::uint64_t>(i), 0.0);
        spins.data[c * n + i] = u < 0.5 ? 1 : -1;
      }
    }
  }

  void do_metropolis(const IsingLattice& lat, VectorView<std::int8_t> spins, VectorView<const double> beta_j,
                     std::uint32_t seed, std::uint64_t first_sweep, int n_sweeps) override {
    const index_t n = lat.n_sites(), chains = spins.size / n;
#pragma omp parallel for schedule(dynamic, 1) if (spins.size * n_sweeps >= kMinParallelWork)
    for (index_t c = 0; c < chains; ++c) {
      const MetropolisTable table(beta_j.data[c]);
      const PhiloxKey key{seed, static_cast<std::uint32_t>(c)};
      std::int8_t* s = spins.data + c * n;
      for (int k = 0; k < n_sweeps; ++k)
        for (int colour = 0; colour < 2; ++colour)
          metropolis_half_sweep(lat, s, colour, table, key,
                                rng_step(RngPurpose::metropolis, 2 * (first_sweep + k) + colour));
    }
  }

  void do_wolff(const IsingLattice& lat, VectorView<std::int8_t> spins, VectorView<const double> beta_j,
                std::uint32_t seed, std::uint64_t first_cluster, int n_clusters) override {
    const index_t n = lat.n_sites(), chains = spins.size / n;
#pragma omp parallel if (chains * n_clusters * 64 >= kMinParallelWork)
    {
      std::vector<int> stack(static_cast<std::size_t>(n));
#pragma omp for schedule(dynamic, 1)
      for (index_t c = 0; c < chains; ++c) {
        const double p_add = -std::expm1(-2.0 * beta_j.data[c]);
        for (int k = 0; k < n_clusters; ++k) {
          PhiloxStream rng({seed, static_cast<std::uint32_t>(c)}, rng_step(RngPurpose::wolff, first_cluster + k));
          wolff_cluster(lat, spins.data + c * n, stack.data(), p_add, rng);
        }
      }
    }
  }

  void do_measure(const IsingLattice& lat, VectorView<const std::int8_t> spins, VectorView<double> bond_sum,
                  VectorView<double> magnetisation) override {
    const index_t n = lat.n_sites(), chains = spins.size / n;
#pragma omp parallel for schedule(static) if (spins.size >= kMinParallelWork)
    for (index_t c = 0; c < chains; ++c) {
      const std::int8_t* s = spins.data + c * n;
      long b = 0, m = 0;
      for (int i = 0; i < n; ++i) {
        m += s[i];
        // Bonds in the + directions only, so each bond is counted once.
        for (int d = 0; d < lat.coordination(); d += 2) {
          const int j = lat.neighbour(i, d);
          if (j >= 0) b += s[i] * s[j];
        }
      }
      bond_sum.data[c] = static_cast<double>(b);
      magnetisation.data[c] = static_cast<double>(m);
    }
  }

  void do_multispin_randomize(const IsingLattice& lat, VectorView<std::uint64_t> words, std::uint32_t seed) override {
    const index_t n = lat.n_sites(), groups = words.size / n;
#pragma omp parallel for schedule(static) if (words.size >= kMinParallelWork)
    for (index_t g = 0; g < groups; ++g)
      for (index_t i = 0; i < n; ++i) {
        const U32x4 r = philox_block({seed, static_cast<std::uint32_t>(g)}, static_cast<std::uint64_t>(i),
                                     rng_step(RngPurpose::init, 0));
        words.data[g * n + i] = (static_cast<std::uint64_t>(r.v[0]) << 32) | r.v[1];
      }
  }

  void do_multispin_metropolis(const IsingLattice& lat, VectorView<std::uint64_t> words,
                               VectorView<const double> beta_j, std::uint32_t seed, std::uint64_t first_sweep,
                               int n_sweeps) override {
    const index_t n = lat.n_sites(), groups = words.size / n;
    const int rows = lat.dim == 1 ? 1 : lat.L;
    const bool parallel = 64 * words.size * n_sweeps >= 16 * kMinParallelWork;
    if (groups >= omp_get_max_threads()) {
      // Enough independent word groups: each thread takes whole groups through all sweeps,
      // with no barrier at all (barriers are costly when the cores are shared).
#pragma omp parallel if (parallel)
      {
        std::vector<U32x4> scratch(static_cast<std::size_t>(lat.L) * kPrefetch);
#pragma omp for schedule(static)
        for (index_t g = 0; g < groups; ++g)
          for (int k = 0; k < n_sweeps; ++k)
            for (int colour = 0; colour < 2; ++colour)
              for (int y = 0; y < rows; ++y)
                multispin_row(lat, words.data + g * n, y, colour, MultispinThresholds(beta_j.data[g]),
                              PhiloxKey{seed, static_cast<std::uint32_t>(g)},
                              rng_step(RngPurpose::multispin, 2 * (first_sweep + k) + colour), scratch.data());
      }
      return;
    }
    // Few large lattices: rows of one colour are independent, parallelise over (group, row).
#pragma omp parallel if (parallel)
    {
      std::vector<U32x4> scratch(static_cast<std::size_t>(lat.L) * kPrefetch);
      for (int k = 0; k < n_sweeps; ++k)
        for (int colour = 0; colour < 2; ++colour) {
          const std::uint64_t step = rng_step(RngPurpose::multispin, 2 * (first_sweep + k) + colour);
#pragma omp for schedule(static)
          for (index_t gr = 0; gr < groups * rows; ++gr) {
            const index_t g = gr / rows;
            multispin_row(lat, words.data + g * n, static_cast<int>(gr % rows), colour,
                          MultispinThresholds(beta_j.data[g]), PhiloxKey{seed, static_cast<std::uint32_t>(g)}, step,
                          scratch.data());
          }
        }
    }
  }

  // The sites of one colour in row y of one word group. The first kPrefetch Philox blocks of
  // every site are computed in one flat loop (which the compiler vectorises); the rare deeper
  // comparisons draw their blocks lazily inside multispin_site.
  static void multispin_row(const IsingLattice& lat, std::uint64_t* w, int y, int colour,
                            const MultispinThresholds& t, PhiloxKey key, std::uint64_t step, U32x4* pre) {
    const int x0 = (colour + y) & 1;
    const int n_row = (lat.L - x0 + 1) / 2;
    const std::uint64_t lane_first = static_cast<std::uint64_t>(x0 + lat.L * y) * kMultispinBlocks;
    for (int i = 0; i < n_row * kPrefetch; ++i)
      pre[i] = philox_block(key, lane_first + 2 * kMultispinBlocks * (i / kPrefetch) + i % kPrefetch, step);
    for (int x = x0, j = 0; x < lat.L; x += 2, ++j)
      multispin_site(lat, w, x, y, t, key, step, &pre[j * kPrefetch], kPrefetch);
  }

  void do_multispin_measure(const IsingLattice& lat, VectorView<const std::uint64_t> words,
                            VectorView<double> bond_sum, VectorView<double> magnetisation) override {
    const index_t n = lat.n_sites(), groups = words.size / n;
#pragma omp parallel for schedule(static) if (words.size * 64 >= kMinParallelWork)
    for (index_t g = 0; g < groups; ++g) {
      long up[64] = {}, anti[64] = {};
      long n_bonds = 0;
      const std::uint64_t* w = words.data + g * n;
      for (int i = 0; i < n; ++i) {
        for (int r = 0; r < 64; ++r) up[r] += (w[i] >> r) & 1;
        for (int d = 0; d < lat.coordination(); d += 2) {
          const std::uint64_t x = w[i] ^ w[lat.neighbour(i, d)];
          ++n_bonds;
          for (int r = 0; r < 64; ++r) anti[r] += (x >> r) & 1;
        }
      }
      for (int r = 0; r < 64; ++r) {
        magnetisation.data[g * 64 + r] = static_cast<double>(2 * up[r] - n);
        bond_sum.data[g * 64 + r] = static_cast<double>(n_bonds - 2 * anti[r]);
      }
    }
  }
};

}  // namespace

// ---- shape-checked public wrappers ---------------------------------------------------

void IsingEngine::randomize(const IsingLattice& lat, VectorView<std::int8_t> spins, std::uint32_t seed) {
  chains_of(lat, spins.size, spins.device, device_);
  do_randomize(lat, spins, seed);
}

void IsingEngine::metropolis(const IsingLattice& lat, VectorView<std::int8_t> spins,
                             VectorView<const double> beta_j, std::uint32_t seed, std::uint64_t first_sweep,
                             int n_sweeps) {
  const index_t chains = chains_of(lat, spins.size, spins.device, device_);
  check_betas(chains, beta_j, device_);
  if (!lat.bipartite()) fail("checkerboard Metropolis needs an even L on a periodic lattice");
  if (n_sweeps > 0) do_metropolis(lat, spins, beta_j, seed, first_sweep, n_sweeps);
}

void IsingEngine::wolff(const IsingLattice& lat, VectorView<std::int8_t> spins, VectorView<const double> beta_j,
                        std::uint32_t seed, std::uint64_t first_cluster, int n_clusters) {
  const index_t chains = chains_of(lat, spins.size, spins.device, device_);
  check_betas(chains, beta_j, device_);
  if (n_clusters > 0) do_wolff(lat, spins, beta_j, seed, first_cluster, n_clusters);
}

void IsingEngine::measure(const IsingLattice& lat, VectorView<const std::int8_t> spins,
                          VectorView<double> bond_sum, VectorView<double> magnetisation) {
  const index_t chains = chains_of(lat, spins.size, spins.device, device_);
  if (bond_sum.size != chains || magnetisation.size != chains) fail("measure: need one output per chain");
  if (bond_sum.device != device_ || magnetisation.device != device_) fail("measure: outputs on another device");
  do_measure(lat, spins, bond_sum, magnetisation);
}

void IsingEngine::multispin_randomize(const IsingLattice& lat, VectorView<std::uint64_t> words,
                                      std::uint32_t seed) {
  chains_of(lat, words.size, words.device, device_);
  do_multispin_randomize(lat, words, seed);
}

void IsingEngine::multispin_metropolis(const IsingLattice& lat, VectorView<std::uint64_t> words,
                                       VectorView<const double> beta_j, std::uint32_t seed,
                                       std::uint64_t first_sweep, int n_sweeps) {
  const index_t groups = chains_of(lat, words.size, words.device, device_);
  check_betas(groups, beta_j, device_);
  if (!lat.periodic() || lat.L % 2 != 0) fail("multi-spin Metropolis needs a periodic lattice with L even");
  if (n_sweeps > 0) do_multispin_metropolis(lat, words, beta_j, seed, first_sweep, n_sweeps);
}

void IsingEngine::multispin_measure(const IsingLattice& lat, VectorView<const std::uint64_t> words,
                                    VectorView<double> bond_sum, VectorView<double> magnetisation) {
  const index_t groups = chains_of(lat, words.size, words.device, device_);
  if (bond_sum.size != 64 * groups || magnetisation.size != 64 * groups)
    fail("multispin_measure: need 64 outputs per word group");
  if (!lat.periodic()) fail("multi-spin measurement needs a periodic lattice");
  do_multispin_measure(lat, words, bond_sum, magnetisation);
}

std::unique_ptr<IsingEngine> make_ising_engine(Backend& backend) {
  if (backend.device() == Device::cuda) {
#ifdef FL_HAVE_CUDA
    return make_ising_engine_cuda(backend);
#else
    throw std::logic_error("make_ising_engine: a cuda backend without CUDA support compiled in");
#endif
  }
  return std::make_unique<CpuIsingEngine>();
}

}  // namespace fl::ising
