#pragma once
// The Ising Monte Carlo engine: whole sweeps over many independent chains in one call
// (engine pattern: CPU implementation here, CUDA in cuda/ising_kernels.cu).
//
// Single-spin layout: spins[c * N + i] in {-1, +1} (int8) for chain c and site i; each chain
// has its own beta_j[c] = J / T_c, so chains x temperatures run in one launch. Chain c draws
// from Philox key (seed, c).
// Multi-spin layout: words[g * N + i] holds site i of 64 replicas (bit r = replica 64 g + r,
// 1 = up); all 64 replicas of group g share beta_j[g] but have independent random numbers.
#include <cstdint>
#include <memory>

#include "core/backend.hpp"
#include "models/lattice/ising/lattice.hpp"

namespace fl::ising {

class IsingEngine {
 public:
  virtual ~IsingEngine() = default;

  // Hot start: every spin +-1 with probability 1/2.
  void randomize(const IsingLattice& lat, VectorView<std::int8_t> spins, std::uint32_t seed);
  // n_sweeps checkerboard sweeps (both colours), sweep numbers first_sweep, first_sweep+1...
  // Needs a two-colourable lattice (L even when periodic).
  void metropolis(const IsingLattice& lat, VectorView<std::int8_t> spins,
                  VectorView<const double> beta_j, std::uint32_t seed, std::uint64_t first_sweep,
                  int n_sweeps);
  // n_clusters Wolff clusters per chain, cluster numbers first_cluster, ...
  void wolff(const IsingLattice& lat, VectorView<std::int8_t> spins, VectorView<const double> beta_j,
             std::uint32_t seed, std::uint64_t first_cluster, int n_clusters);
  // Per chain: bond_sum[c] = sum_<ij> s_i s_j (E = -J bond_sum) and magnetisation[c] = sum_i s_i.
  void measure(const IsingLattice& lat, VectorView<const std::int8_t> spins,
               VectorView<double> bond_sum, VectorView<double> magnetisation);

  void multispin_randomize(const IsingLattice& lat, VectorView<std::uint64_t> words, std::uint32_t seed);
  // Periodic lattices with L even only.
  void multispin_metropolis(const IsingLattice& lat, VectorView<std::uint64_t> words,
                            VectorView<const double> beta_j, std::uint32_t seed,
                            std::uint64_t first_sweep, int n_sweeps);
  // Per replica (64 per group): bond sums and magnetisations.
  void multispin_measure(const IsingLattice& lat, VectorView<const std::uint64_t> words,
                         VectorView<double> bond_sum, VectorView<double> magnetisation);

 protected:
  explicit IsingEngine(Device device) : device_(device) {}
  virtual void do_randomize(const IsingLattice& lat, VectorView<std::int8_t> spins, std::uint32_t seed) = 0;
  virtual void do_metropolis(const IsingLattice& lat, VectorView<std::int8_t> spins,
                             VectorView<const double> beta_j, std::uint32_t seed,
                             std::uint64_t first_sweep, int n_sweeps) = 0;
  virtual void do_wolff(const IsingLattice& lat, VectorView<std::int8_t> spins,
                        VectorView<const double> beta_j, std::uint32_t seed,
                        std::uint64_t first_cluster, int n_clusters) = 0;
  virtual void do_measure(const IsingLattice& lat, VectorView<const std::int8_t> spins,
                          VectorView<double> bond_sum, VectorView<double> magnetisation) = 0;
  virtual void do_multispin_randomize(const IsingLattice& lat, VectorView<std::uint64_t> words,
                                      std::uint32_t seed) = 0;
  virtual void do_multispin_metropolis(const IsingLattice& lat, VectorView<std::uint64_t> words,
                                       VectorView<const double> beta_j, std::uint32_t seed,
                                       std::uint64_t first_sweep, int n_sweeps) = 0;
  virtual void do_multispin_measure(const IsingLattice& lat, VectorView<const std::uint64_t> words,
                                    VectorView<double> bond_sum, VectorView<double> magnetisation) = 0;

 private:
  Device device_;
};

// CPU engine (OpenMP over chains) or, on a cuda backend, the CUDA engine.
std::unique_ptr<IsingEngine> make_ising_engine(Backend& backend);

}  // namespace fl::ising
