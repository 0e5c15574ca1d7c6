// GP deconvolution study: infinite-width kernels and GP predictions, and the QHO sampler.
//   BM_kernel_build/<N>    NNGP + NTK matrices of N training correlators (n0 = 100), depth-3 ReLU
//                          net; counter mentries_per_s = N^2 / 1e6 / s
//   BM_gp_predict/<N>      the neural-tangents workload of bench/peers/gp_neural_tangents.py:
//                          K, Theta for train/train, train/test (20), test/test, then the NNGP
//                          posterior and the t -> inf NTK-GP mean and covariance (Cholesky,
//                          diag_reg 1e-6) for 1000 output bins; counter seconds
//   BM_gp_width_train/<w>  Adam/MSE training of 4 replicas of 100 -> w -> w -> w -> 1000 (ReLU,
//                          float32, batch 16) for one epoch over 512 pairs; counter
//                          samples_per_s = replica-samples per second (peer: bench/peers/gp_torch_width.py)
//   BM_gp_qho_hmc/<chains> HMC trajectories (40 leapfrog steps, N_T = 200, a = 0.05) over many
//                          chains; counter site_updates_per_s (leapfrog site updates)
#include <benchmark/benchmark.h>

#include <chrono>

#include "core/buffer.hpp"
#include "models/kernels/infinite_width.hpp"
#include "models/lattice/qho/qho_engine.hpp"
#include "models/spectral/gp_regression.hpp"
#include "models/spectral/network_sweep.hpp"
#include "models/spectral/training_set.hpp"

namespace {
using namespace fl;

struct Workload {
  Matrix<double> X, Xt, Y;
};

Workload make_workload(index_t n) {
  spectral::InverseProblem ip;
  ip.n_omega = 1000;
  spectral::TrainingSetConfig c;
  c.size = static_cast<int>(n);
  const auto train = spectral::make_training_set(ip, c);
  c.size = 20;
  c.seed = 99;
  const auto test = spectral::make_training_set(ip, c);
  Backend& b = cpu_backend();
  return {Matrix<double>::from_host(b, ip.n_tau, n, train.correlators),
          Matrix<double>::from_host(b, ip.n_tau, 20, test.correlators),
          Matrix<double>::from_host(b, ip.n_omega, n, train.densities)};
}

kernels::FullyConnectedSpec bench_spec() {
  kernels::FullyConnectedSpec s;
  s.hidden_layers = 3;
  s.sigma_w = 1.5;
  s.sigma_b = 0.1;
  return s;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void BM_kernel_build(benchmark::State& state) {
  const index_t n = state.range(0);
  const Workload w = make_workload(n);
  double total = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto k = kernels::infinite_width_kernels(cpu_backend(), bench_spec(), w.X.view());
    benchmark::DoNotOptimize(k.ntk.data());
    total += seconds_since(t0);
  }
  state.counters["seconds"] = total / state.iterations();
  state.counters["mentries_per_s"] = double(n) * n * state.iterations() / total / 1e6;
}
BENCHMARK(BM_kernel_build)->Arg(1000)->Arg(2000)->Arg(4000)->Arg(8000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_gp_predict(benchmark::State& state) {
  const index_t n = state.range(0);
  const Workload w = make_workload(n);
  Backend& b = cpu_backend();
  spectral::GpOptions opt;
  opt.diag_reg = 1e-6;
  double total = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto tr = kernels::infinite_width_kernels(b, bench_spec(), w.X.view());
    const auto cr = kernels::infinite_width_kernels(b, bench_spec(), w.X.view(), w.Xt.view());
    const auto te = kernels::infinite_width_kernels(b, bench_spec(), w.Xt.view());
    const spectral::KernelBlocks K{tr.nngp.view(), cr.nngp.view(), te.nngp.view()};
    const spectral::KernelBlocks T{tr.ntk.view(), cr.ntk.view(), te.ntk.view()};
    const auto nngp = spectral::nngp_posterior(b, K, w.Y.view(), opt);
    const auto ntk = spectral::ntk_gp_infinite_time(b, T, K, w.Y.view(), opt);
    benchmark::DoNotOptimize(nngp.mean.data());
    benchmark::DoNotOptimize(ntk.covariance.data());
    total += seconds_since(t0);
  }
  state.counters["seconds"] = total / state.iterations();
}
BENCHMARK(BM_gp_predict)->Arg(1000)->Arg(2000)->Arg(4000)->Arg(8000)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_gp_width_train(benchmark::State& state) {
  const Workload w = make_workload(512);
  spectral::NetworkSweepConfig c;
  c.widths = {state.range(0)};
  c.replicas = 4;
  c.epochs = 1;
  c.batch_size = 16;
  c.ntk_parameterization = false;
  double total = 0.0, samples = 0.0;
  for (auto _ : state) {
    try {
      const auto r = spectral::train_width_sweep(cpu_backend(), c, w.X.view(), w.Y.view(), w.Xt.view(), 1, true);
      total += r[0].seconds;
      samples += double(r[0].samples_processed);
    } catch (const std::exception& e) {
      state.SkipWithError(e.what());
      return;
    }
  }
  state.counters["samples_per_s"] = samples / total;
}
BENCHMARK(BM_gp_width_train)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond)->Iterations(1);

void BM_gp_qho_hmc(benchmark::State& state) {
  const index_t chains = state.range(0);
  const qho::QhoParams p;
  Backend& b = cpu_backend();
  Matrix<double> fields(b, p.n_t, chains);
  b.fill_normal(fields.flat(), {1, 0}, 0, 0.0, 0.2);
  auto engine = qho::make_qho_engine(b);
  const int trajectories = 5, leapfrog = 40;
  double total = 0.0;
  std::uint64_t step = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto st = engine->hmc(p, fields.view(), 0.1, leapfrog, trajectories, 7, step);
    step += trajectories;
    benchmark::DoNotOptimize(st.accepted);
    total += seconds_since(t0);
  }
  state.counters["site_updates_per_s"] =
      double(chains) * p.n_t * leapfrog * trajectories * state.iterations() / total;
}
BENCHMARK(BM_gp_qho_hmc)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace
