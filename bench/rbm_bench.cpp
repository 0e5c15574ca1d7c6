// RBM throughput: CD-1 epochs (the workload of scikit-learn's BernoulliRBM peer, see
// bench/peers/rbm_sklearn.py), block Gibbs sweeps over many chains, and AIS runs.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "core/backend.hpp"
#include "core/philox.hpp"
#include "models/rbm/ais.hpp"
#include "models/rbm/sampler.hpp"
#include "models/rbm/trainer.hpp"

namespace {

using namespace fl::rbm;

// n rows of n_v fair bits (the cost of CD-k does not depend on the values).
std::vector<std::uint8_t> random_rows(std::int64_t n, int n_v) {
  std::vector<std::uint8_t> v(static_cast<std::size_t>(n) * n_v);
  fl::PhiloxStream rng({7, 0}, 0);
  for (auto& x : v) x = static_cast<std::uint8_t>(rng.next_u32() & 1u);
  return v;
}

// One epoch of CD-1 or PCD-1 over n fair-bit rows. Args: n_samples, n_v (= n_h), batch size.
void run_epochs(benchmark::State& state, bool persistent, bool fused) {
  const std::int64_t n = state.range(0);
  const int n_v = static_cast<int>(state.range(1));
  const auto data = random_rows(n, n_v);
  Rbm rbm(fl::cpu_backend(), n_v, n_v);
  rbm.init_normal(0.01, 1);
  TrainOptions opt;
  opt.batch_size = static_cast<int>(state.range(2));
  opt.persistent = persistent;
  opt.fused = fused;
  RbmTrainer trainer(rbm, data, opt);
  for (auto _ : state) benchmark::DoNotOptimize(trainer.epoch(0.1, 1));
  state.counters["samples_per_s"] = benchmark::Counter(static_cast<double>(n) * state.iterations(),
                                                       benchmark::Counter::kIsRate);
}
// The fused float path (what training uses) and the generic double path (the reference).
void BM_rbm_cd1_epoch_cpu(benchmark::State& state) { run_epochs(state, false, true); }
void BM_rbm_pcd1_epoch_cpu(benchmark::State& state) { run_epochs(state, true, true); }
void BM_rbm_cd1_epoch_generic_cpu(benchmark::State& state) { run_epochs(state, false, false); }
void BM_rbm_pcd1_epoch_generic_cpu(benchmark::State& state) { run_epochs(state, true, false); }

// Args: n_v (= n_h), chains.
void BM_rbm_gibbs_cpu(benchmark::State& state) {
  const int n_v = static_cast<int>(state.range(0));
  Rbm rbm(fl::cpu_backend(), n_v, n_v);
  rbm.init_normal(0.1, 1);
  GibbsOptions g;
  g.n_chains = static_cast<int>(state.range(1));
  g.thermalization = 0, g.n_samples = 1, g.spacing = 100;
  for (auto _ : state) benchmark::DoNotOptimize(gibbs_sample(rbm, g));
  state.counters["chain_sweeps_per_s"] = benchmark::Counter(100.0 * g.n_chains * state.iterations(),
                                                            benchmark::Counter::kIsRate);
}

// Args: n_v (= n_h), betas, runs.
void BM_rbm_ais_cpu(benchmark::State& state) {
  const int n_v = static_cast<int>(state.range(0));
  Rbm rbm(fl::cpu_backend(), n_v, n_v);
  rbm.init_normal(0.1, 1);
  const auto betas = ais_default_schedule(static_cast<int>(state.range(1)));
  const std::vector<double> base(n_v, 0.0);
  const int runs = static_cast<int>(state.range(2));
  for (auto _ : state) benchmark::DoNotOptimize(ais_log_partition(rbm, base, betas, runs, 3).log_z);
  state.counters["ais_runs_per_s"] = benchmark::Counter(static_cast<double>(runs) * state.iterations(),
                                                        benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(BM_rbm_cd1_epoch_cpu)->Args({10000, 64, 200})->Args({10000, 64, 10})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rbm_pcd1_epoch_cpu)->Args({10000, 64, 200})->Args({10000, 64, 10})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rbm_cd1_epoch_generic_cpu)->Args({10000, 64, 200})->Args({10000, 64, 10})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rbm_pcd1_epoch_generic_cpu)->Args({10000, 64, 200})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rbm_gibbs_cpu)->Args({64, 1000})->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_rbm_ais_cpu)->Args({64, 14500, 100})->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
