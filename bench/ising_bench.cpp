// Ising Monte Carlo throughput: spin-flip attempts per nanosecond (flips_per_ns).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/lattice/ising/ising_engine.hpp"

namespace {

using namespace fl::ising;

fl::Backend& bench_backend(bool cuda) {
  static std::unique_ptr<fl::Backend> gpu;
  if (!cuda) return fl::cpu_backend();
  if (!gpu) gpu = fl::make_backend("cuda");
  return *gpu;
}

// Args: L, number of chains (single-spin) or word groups of 64 replicas (multi-spin).
void run_metropolis(benchmark::State& state, bool cuda, bool multispin) {
  if (cuda && !fl::cuda_status().usable) {
    state.SkipWithError("no usable CUDA device");
    return;
  }
  fl::Backend& backend = bench_backend(cuda);
  const IsingLattice lat{2, static_cast<int>(state.range(0)), Boundary::periodic};
  const fl::index_t units = state.range(1), n = lat.n_sites();
  auto engine = make_ising_engine(backend);
  auto beta = fl::Buffer<double>::from_host(backend, std::vector<double>(units, 1.0 / ising2d_tc()));
  std::uint64_t sweep = 0;
  const int sweeps_per_call = 4;
  double flips_per_call = 0;
  if (multispin) {
    fl::Buffer<std::uint64_t> words(backend, units * n);
    engine->multispin_randomize(lat, words.view(), 1);
    for (auto _ : state) {
      engine->multispin_metropolis(lat, words.view(), beta.view(), 1, sweep, sweeps_per_call);
      backend.synchronize();
      sweep += sweeps_per_call;
    }
    flips_per_call = 64.0 * units * n * sweeps_per_call;
  } else {
    fl::Buffer<std::int8_t> spins(backend, units * n);
    engine->randomize(lat, spins.view(), 1);
    for (auto _ : state) {
      engine->metropolis(lat, spins.view(), beta.view(), 1, sweep, sweeps_per_call);
      backend.synchronize();
      sweep += sweeps_per_call;
    }
    flips_per_call = static_cast<double>(units) * n * sweeps_per_call;
  }
  state.counters["flips_per_ns"] =
      benchmark::Counter(flips_per_call * state.iterations() * 1e-9, benchmark::Counter::kIsRate);
}

void BM_ising_metropolis_cpu(benchmark::State& s) { run_metropolis(s, false, false); }
void BM_ising_multispin_cpu(benchmark::State& s) { run_metropolis(s, false, true); }
void BM_ising_metropolis_cuda(benchmark::State& s) { run_metropolis(s, true, false); }
void BM_ising_multispin_cuda(benchmark::State& s) { run_metropolis(s, true, true); }

void BM_ising_wolff_cpu(benchmark::State& state) {
  const IsingLattice lat{2, static_cast<int>(state.range(0)), Boundary::periodic};
  const fl::index_t chains = state.range(1), n = lat.n_sites();
  auto engine = make_ising_engine(fl::cpu_backend());
  auto beta = fl::Buffer<double>::from_host(fl::cpu_backend(), std::vector<double>(chains, 1.0 / ising2d_tc()));
  fl::Buffer<std::int8_t> spins(fl::cpu_backend(), chains * n);
  engine->randomize(lat, spins.view(), 1);
  std::uint64_t k = 0;
  for (auto _ : state) engine->wolff(lat, spins.view(), beta.view(), 1, k++ * 16, 16);
  state.counters["clusters_per_s"] = benchmark::Counter(16.0 * chains * state.iterations(), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_ising_metropolis_cpu)->Args({64, 16})->Args({256, 2})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ising_multispin_cpu)->Args({64, 1})->Args({256, 1})->Args({1024, 1})->Args({64, 16})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ising_wolff_cpu)->Args({64, 16})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ising_metropolis_cuda)->Args({1024, 64})->Args({4096, 4})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ising_multispin_cuda)->Args({256, 256})->Args({1024, 16})->Args({4096, 1})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
