// Flow and phi^4 sampler throughput (float32 networks, the anvil architecture: 3 affine
// blocks, one hidden layer of width V, tanh, Z2, input standardisation, global rescaling).
//   BM_flow_train_step/<backend>/L        one reverse-KL optimiser step, batch 1000
//   BM_flow_propose_1e4/<backend>/L/n     10^4 flow proposals with log q and S (frozen mode),
//                                         drawn in batches of n (10^4 or 10^3)
//   BM_phi4_hmc_trajectory/<backend>/L    one trajectory (8 leapfrog steps) of 64 chains
//   BM_phi4_metropolis_sweep/<backend>/L  one local sweep of 64 chains
// Counters use wall-clock time: steps_per_s, proposals_per_s, site_updates_per_s.
// The PyTorch peer is bench/peers/flow_torch.py (same architecture, batch and sizes).
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "bench/bench_backend.hpp"
#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/flows/trainer.hpp"
#include "models/lattice/phi4/couplings.hpp"
#include "models/lattice/phi4/phi4_engine.hpp"

namespace {

using Clock = std::chrono::steady_clock;

fl::flows::FlowSpec anvil_spec(int L) {
  fl::flows::FlowSpec s;
  s.L = L;
  s.affine_blocks = 3;
  return s;
}

const fl::phi4::Couplings kCouplings = fl::phi4::ising_couplings(0.6, 0.5);

void BM_flow_train_step(benchmark::State& state, const std::string& which) {
  fl::Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const int L = static_cast<int>(state.range(0));
  fl::flows::Flow<float> flow(*be, anvil_spec(L), 1);
  fl::flows::TrainSettings ts;
  ts.steps = 1 << 30;
  ts.batch = 1000;
  fl::flows::FlowTrainer<float> trainer(flow, kCouplings, ts);
  trainer.step();
  be->synchronize();
  std::int64_t n = 0;
  const auto t0 = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(trainer.step());
    ++n;
  }
  be->synchronize();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  state.counters["steps_per_s"] = n / secs;
  state.counters["ms_per_step"] = 1e3 * secs / n;
}

void BM_flow_propose_1e4(benchmark::State& state, const std::string& which) {
  fl::Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const int L = static_cast<int>(state.range(0));
  fl::flows::Flow<float> flow(*be, anvil_spec(L), 1);
  const int chunk = static_cast<int>(state.range(1));
  auto batch = fl::flows::make_flow_batch<float>(*be, L, chunk);
  std::uint64_t step = 0;
  std::int64_t n = 0;
  const auto t0 = Clock::now();
  for (auto _ : state) {
    for (int done = 0; done < 10000; done += chunk) {
      flow.sample(batch, {1, 2}, step++, fl::flows::FlowMode::frozen);
      flow.compute_action(batch, kCouplings);
    }
    be->synchronize();
    ++n;
  }
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  state.counters["proposals_per_s"] = 1e4 * n / secs;
  state.counters["ms_per_1e4"] = 1e3 * secs / n;
}

template <bool Hmc>
void BM_phi4_update(benchmark::State& state, const std::string& which) {
  fl::Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const int L = static_cast<int>(state.range(0)), chains = 64;
  auto engine = fl::phi4::make_phi4_engine(*be, L);
  fl::Matrix<double> fields(*be, L * L, chains);
  be->fill_normal(fields.flat(), {3, 4}, 0, 0.0, 0.5);
  fl::Buffer<double> acc(*be, chains), dh(*be, chains);
  const fl::phi4::HmcParams hmc{0.1, 8, 0.2};
  std::uint64_t step = 0;
  const auto t0 = Clock::now();
  for (auto _ : state) {
    if constexpr (Hmc)
      engine->hmc_trajectory(fields.view(), kCouplings, hmc, 5, step++, dh.view(), acc.view());
    else
      engine->metropolis_sweep(fields.view(), kCouplings, 1.5, 5, step++, acc.view());
  }
  be->synchronize();
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  const double updates = static_cast<double>(step) * chains * L * L * (Hmc ? hmc.n_steps : 1);
  state.counters["site_updates_per_s"] = updates / secs;
}

void register_all() {
  for (const std::string which : {"cpu", "cuda"}) {
    for (int L : {8, 12, 16, 20}) {
      benchmark::RegisterBenchmark(("BM_flow_train_step/" + which).c_str(), BM_flow_train_step, which)
          ->Arg(L)->Unit(benchmark::kMillisecond);
      for (int chunk : {10000, 1000})
        benchmark::RegisterBenchmark(("BM_flow_propose_1e4/" + which).c_str(), BM_flow_propose_1e4, which)
            ->Args({L, chunk})->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("BM_phi4_hmc_trajectory/" + which).c_str(), BM_phi4_update<true>, which)
          ->Arg(L)->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark(("BM_phi4_metropolis_sweep/" + which).c_str(), BM_phi4_update<false>, which)
          ->Arg(L)->Unit(benchmark::kMicrosecond);
    }
  }
}

const bool registered = (register_all(), true);

}  // namespace
