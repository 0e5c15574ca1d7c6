// NTK study throughput (arXiv:2512.24116 setup): 100 replicas, 50 grid points, float64.
//   BM_ntk_build/<backend>/<w1>_<w2>   empirical NTK of every replica (forward + deltas + layer
//                                      Gram products); counter replica_ntks_per_s
//   BM_ntk_epoch/<backend>/<w1>_<w2>   one full-batch GD epoch of all replicas on the built-in
//                                      LO data (forward, chi2 gradient, backward, update);
//                                      counter replica_epochs_per_s
// Peers: bench/peers/ntk_compare.py (torch.func and neural-tangents, same weights).
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "bench/bench_backend.hpp"
#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/kernels/empirical_ntk.hpp"
#include "models/pdf/closure.hpp"
#include "models/pdf/lo_fk_generator.hpp"
#include "models/pdf/replica_trainer.hpp"

namespace {

constexpr int kReplicas = 100;
// The default seed of `fieldlearn ntk-pdf`: the networks are those of a default run, whose
// written weights bench/peers/ntk_compare.py gives to the peers.
constexpr std::uint32_t kSeed = 2143141;

const fl::pdf::FkDataset& dataset() {
  static const fl::pdf::FkDataset d = fl::pdf::generate_lo_dataset();
  return d;
}

void BM_ntk_build(benchmark::State& state, std::string which, fl::index_t w1, fl::index_t w2) {
  fl::Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  fl::nn::EnsembleMlp<double> net(*be, fl::nn::MlpSpec::make(1, {w1, w2}, 1), kReplicas);
  net.initialize(kSeed);
  const auto& g = dataset().grid;
  const auto X = fl::Matrix<double>::from_host(*be, 1, g.size(), std::vector<double>(g.data(), g.data() + g.size()));
  fl::Buffer<double> theta(*be, kReplicas * g.size() * g.size());
  fl::kernels::EmpiricalNtk<double> ntk(*be);
  for (auto _ : state) {
    ntk.compute(net, X.view(), theta.view());
    be->synchronize();
  }
  state.counters["replica_ntks_per_s"] =
      benchmark::Counter(static_cast<double>(kReplicas) * state.iterations(), benchmark::Counter::kIsRate);
}

void BM_ntk_epoch(benchmark::State& state, std::string which, fl::index_t w1, fl::index_t w2) {
  fl::Backend* be = fl::bench::backend_for(state, which);
  if (!be) return;
  const auto& d = dataset();
  static const fl::pdf::FitProblem problem = fl::pdf::make_fit_problem(d);
  fl::nn::EnsembleMlp<double> net(*be, fl::nn::MlpSpec::make(1, {w1, w2}, 1), kReplicas);
  net.initialize(kSeed);
  fl::pdf::ReplicaTrainer<double> trainer(net, problem, fl::pdf::closure_data(d, {}, kReplicas), d.grid,
                                          fl::nn::InputMap::x, 1e-5);
  for (auto _ : state) {
    trainer.step();
    be->synchronize();
  }
  state.counters["replica_epochs_per_s"] =
      benchmark::Counter(static_cast<double>(kReplicas) * state.iterations(), benchmark::Counter::kIsRate);
}

void register_all() {
  for (const char* which : {"cpu", "cuda"})
    for (auto [w1, w2] : {std::pair<fl::index_t, fl::index_t>{25, 20}, {100, 100}}) {
      const std::string arch = std::to_string(w1) + "_" + std::to_string(w2);
      benchmark::RegisterBenchmark(("BM_ntk_build/" + std::string(which) + "/" + arch).c_str(), BM_ntk_build,
                                   std::string(which), w1, w2)->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("BM_ntk_epoch/" + std::string(which) + "/" + arch).c_str(), BM_ntk_epoch,
                                   std::string(which), w1, w2)->Unit(benchmark::kMillisecond);
    }
}

const int kRegistered = (register_all(), 0);

}  // namespace
