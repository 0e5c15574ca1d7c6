// CUDA Ising engine: the same update rules as the CPU engine (models/lattice/ising/
// ising_physics.hpp) with the same Philox layout, one thread per site (checkerboard colour)
// per chain, so chains x temperatures x sites run in one launch per half sweep.
#include <memory>

#include "cuda/common.cuh"
#include "models/lattice/ising/ising_engine.hpp"
#include "models/lattice/ising/ising_physics.hpp"

namespace fl::ising {
namespace {

using fl::cuda::DeviceArray;
using fl::cuda::for_each_index;

class CudaIsingEngine final : public IsingEngine {
 public:
  CudaIsingEngine() : IsingEngine(Device::cuda) {}

  // The hooks are public here only because nvcc's extended lambdas may not live in
  // protected member functions; callers still go through IsingEngine's checked wrappers.
  void do_randomize(const IsingLattice& lat, VectorView<std::int8_t> spins, std::uint32_t seed) override {
    const index_t n = lat.n_sites();
    std::int8_t* s = spins.data;
    for_each_index(spins.size, [=] __device__(std::int64_t idx) {
      const index_t c = idx / n, i = idx % n;
      const double u = uniform_at(PhiloxKey{seed, static_cast<std::uint32_t>(c)}, rng_step(RngPurpose::init, 0),
                                  static_cast<std::uint64_t>(i), 0.0);
      s[idx] = u < 0.5 ? 1 : -1;
    });
  }

  void do_metropolis(const IsingLattice& lat, VectorView<std::int8_t> spins, VectorView<const double> beta_j,
                     std::uint32_t seed, std::uint64_t first_sweep, int n_sweeps) override {
    const index_t n = lat.n_sites();
    const int L = lat.L;
    std::int8_t* s = spins.data;
    const double* beta = beta_j.data;
    // Threads cover (chain, half of the sites): thread k of a chain handles the k-th site of
    // the colour in row-major order, x = 2 (k mod ceil(L/2)) + ((colour + y) & 1).
    const int half_row = (L + 1) / 2, rows = lat.dim == 1 ? 1 : L;
    const index_t per_chain = static_cast<index_t>(half_row) * rows;
    for (int k = 0; k < n_sweeps; ++k)
      for (int colour = 0; colour < 2; ++colour) {
        const std::uint64_t step = rng_step(RngPurpose::metropolis, 2 * (first_sweep + k) + colour);
        for_each_index(spins.size / n * per_chain, [=] __device__(std::int64_t idx) {
          const index_t c = idx / per_chain, r = idx % per_chain;
          const int y = static_cast<int>(r / half_row);
          const int x = 2 * static_cast<int>(r % half_row) + ((colour + y) & 1);
          if (x >= L) return;
          const double bj = beta[c];
          std::int8_t* sc = s + c * n;
          const int site = x + L * y;
          const int m = sc[site] * local_field(lat, sc, x, y);
          if (m <= 0 || uniform_at(PhiloxKey{seed, static_cast<std::uint32_t>(c)}, step,
                                   static_cast<std::uint64_t>(site), 0.0) < exp(-2.0 * bj * m))
            sc[site] = static_cast<std::int8_t>(-sc[site]);
        });
      }
  }

  void do_wolff(const IsingLattice& lat, VectorView<std::int8_t> spins, VectorView<const double> beta_j,
                std::uint32_t seed, std::uint64_t first_cluster, int n_clusters) override {
    // One thread grows one chain's clusters (clusters are inherently sequential); the
    // parallelism is over chains.
    const index_t n = lat.n_sites(), chains = spins.size / n;
    DeviceArray<int> stacks(static_cast<std::size_t>(chains * n));
    int* stack = stacks.get();
    std::int8_t* s = spins.data;
    const double* beta = beta_j.data;
    for_each_index(chains, [=] __device__(std::int64_t c) {
      const double p_add = -expm1(-2.0 * beta[c]);
      for (int k = 0; k < n_clusters; ++k) {
        PhiloxStream rng({seed, static_cast<std::uint32_t>(c)}, rng_step(RngPurpose::wolff, first_cluster + k));
        wolff_cluster(lat, s + c * n, stack + c * n, p_add, rng);
      }
    });
    FL_CUDA_CHECK(cudaDeviceSynchronize());  // the scratch stack is freed on return
  }

  void do_measure(const IsingLattice& lat, VectorView<const std::int8_t> spins, VectorView<double> bond_sum,
                  VectorView<double> magnetisation) override {
    const index_t n = lat.n_sites();
    const std::int8_t* s = spins.data;
    double* bs = bond_sum.data;
    double* ms = magnetisation.data;
    for_each_index(spins.size / n, [=] __device__(std::int64_t c) {
      const std::int8_t* sc = s + c * n;
      long b = 0, m = 0;
      for (int i = 0; i < n; ++i) {
        m += sc[i];
        for (int d = 0; d < lat.coordination(); d += 2) {
          const int j = lat.neighbour(i, d);
          if (j >= 0) b += sc[i] * sc[j];
        }
      }
      bs[c] = static_cast<double>(b);
      ms[c] = static_cast<double>(m);
    });
  }

  void do_multispin_randomize(const IsingLattice& lat, VectorView<std::uint64_t> words, std::uint32_t seed) override {
    const index_t n = lat.n_sites();
    std::uint64_t* w = words.data;
    for_each_index(words.size, [=] __device__(std::int64_t idx) {
      const U32x4 r = philox_block({seed, static_cast<std::uint32_t>(idx / n)}, static_cast<std::uint64_t>(idx % n),
                                   rng_step(RngPurpose::init, 0));
      w[idx] = (static_cast<std::uint64_t>(r.v[0]) << 32) | r.v[1];
    });
  }

  void do_multispin_metropolis(const IsingLattice& lat, VectorView<std::uint64_t> words,
                               VectorView<const double> beta_j, std::uint32_t seed, std::uint64_t first_sweep,
                               int n_sweeps) override {
    const index_t n = lat.n_sites();
    const int L = lat.L, half_row = L / 2, rows = lat.dim == 1 ? 1 : L;
    const index_t per_group = static_cast<index_t>(half_row) * rows;
    std::uint64_t* w = words.data;
    const double* beta = beta_j.data;
    for (int k = 0; k < n_sweeps; ++k)
      for (int colour = 0; colour < 2; ++colour) {
        const std::uint64_t step = rng_step(RngPurpose::multispin, 2 * (first_sweep + k) + colour);
        for_each_index(words.size / n * per_group, [=] __device__(std::int64_t idx) {
          const index_t g = idx / per_group, r = idx % per_group;
          const int y = static_cast<int>(r / half_row);
          const int x = 2 * static_cast<int>(r % half_row) + ((colour + y) & 1);
          const MultispinThresholds t(beta[g]);
          multispin_site(lat, w + g * n, x, y, t, PhiloxKey{seed, static_cast<std::uint32_t>(g)}, step);
        });
      }
  }

  void do_multispin_measure(const IsingLattice& lat, VectorView<const std::uint64_t> words,
                            VectorView<double> bond_sum, VectorView<double> magnetisation) override {
    const index_t n = lat.n_sites();
    const std::uint64_t* w = words.data;
    double* bs = bond_sum.data;
    double* ms = magnetisation.data;
    for_each_index(words.size / n * 64, [=] __device__(std::int64_t idx) {
      const index_t g = idx / 64;
      const int r = static_cast<int>(idx % 64);
      const std::uint64_t* wg = w + g * n;
      long up = 0, anti = 0, bonds = 0;
      for (int i = 0; i < n; ++i) {
        up += (wg[i] >> r) & 1;
        for (int d = 0; d < lat.coordination(); d += 2) {
          anti += ((wg[i] ^ wg[lat.neighbour(i, d)]) >> r) & 1;
          ++bonds;
        }
      }
      ms[idx] = static_cast<double>(2 * up - n);
      bs[idx] = static_cast<double>(bonds - 2 * anti);
    });
  }
};

}  // namespace

std::unique_ptr<IsingEngine> make_ising_engine_cuda(Backend&) { return std::make_unique<CudaIsingEngine>(); }

}  // namespace fl::ising
