// LSTM and MusicVAE training throughput (float32).
//   BM_lstm_fwd_bwd/<backend>/H     one LSTM layer, input 90, hidden H, 32 steps, batch 64:
//                                   forward + backward (BPTT, all parameter gradients)
//   BM_vae_train_step/<backend>/E   one 2-bar VAE training step, batch 64, z = 512, encoder
//                                   BiLSTM width E, decoder 2 x LSTM width E/2 (E = 512 is
//                                   the reference's mel2 = cat-mel_2bar_small widths), teacher
//                                   forcing, Adam + global-norm clipping
// Counters use wall-clock time: steps_per_s. The PyTorch peer is bench/peers/vae_torch.py.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>
#include <string>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/music/synthetic.hpp"
#include "models/vae/lstm_layer.hpp"
#include "models/vae/trainer.hpp"

namespace {

using Clock = std::chrono::steady_clock;

fl::Backend* backend_for(benchmark::State& state, const std::string& which) {
  if (which == "cpu") return &fl::cpu_backend();
  static const bool usable = fl::cuda_status().usable;
  if (!usable) {
    state.SkipWithError("no CUDA device");
    return nullptr;
  }
  static std::unique_ptr<fl::Backend> cuda = fl::make_backend("cuda");
  return cuda.get();
}

void BM_lstm_fwd_bwd(benchmark::State& state, const std::string& which) {
  fl::Backend* be = backend_for(state, which);
  if (!be) return;
  const fl::index_t H = state.range(0), In = 90, T = 32, N = 64;
  auto eng = fl::vae::make_vae_engine(*be);
  fl::vae::ParamSet<float> params;
  fl::vae::LstmLayer<float> layer(params, "lstm", fl::vae::LstmShape{In, H, 0});
  params.allocate(*be, 1);
  fl::Buffer<float> X(*be, In * T * N), dH(*be, H * T * N), dX(*be, In * T * N);
  be->fill_normal(X.view(), fl::PhiloxKey{1, 1}, 0, 0.0f, 1.0f);
  be->fill_normal(dH.view(), fl::PhiloxKey{1, 2}, 0, 0.0f, 1.0f);
  const fl::MatrixView<const float> Xv(X.data(), In, T * N, be->device()), dHv(dH.data(), H, T * N, be->device());
  auto pass = [&] {
    layer.begin(*be, *eng, T, N, {}, {}, {});
    layer.forward(Xv);
    layer.backward(dHv, {}, {}, fl::MatrixView<float>(dX.data(), In, T * N, be->device()), {}, {}, {});
  };
  pass();
  be->synchronize();
  std::int64_t n = 0;
  const auto t0 = Clock::now();
  for (auto _ : state) {
    pass();
    be->synchronize();
    ++n;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  state.counters["steps_per_s"] = n / s;
  state.counters["sequences_per_s"] = n * N / s;
}

void BM_vae_train_step(benchmark::State& state, const std::string& which) {
  fl::Backend* be = backend_for(state, which);
  if (!be) return;
  fl::vae::VaeShape shape;
  shape.z = 512;
  shape.enc_width = state.range(0);
  shape.dec_width = state.range(0) / 2;
  shape.dec_layers = 2;
  fl::vae::MusicVae<float> model(*be, shape, 1);
  static const auto corpus = fl::music::make_synthetic_corpus(4096, 7);
  fl::vae::TrainConfig tc;
  tc.batch = 64;
  tc.sampling_k = 0;  // teacher forcing, as the PyTorch peer
  fl::vae::VaeTrainer<float> trainer(model, tc, corpus.windows);
  trainer.step();
  be->synchronize();
  std::int64_t n = 0;
  const auto t0 = Clock::now();
  for (auto _ : state) {
    benchmark::DoNotOptimize(trainer.step());
    be->synchronize();
    ++n;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  state.counters["steps_per_s"] = n / s;
}

BENCHMARK_CAPTURE(BM_lstm_fwd_bwd, cpu, std::string("cpu"))->Arg(256)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_lstm_fwd_bwd, cuda, std::string("cuda"))->Arg(256)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_vae_train_step, cpu, std::string("cpu"))->Arg(128)->Arg(512)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_vae_train_step, cuda, std::string("cuda"))->Arg(128)->Arg(512)->Arg(2048)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
