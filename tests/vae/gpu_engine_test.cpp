// CPU vs CUDA parity of the VAE engine and of a whole loss/gradient evaluation (gpu label;
// skipped without a usable device).
#include <gtest/gtest.h>

#include <cmath>

#include "core/backend.hpp"
#include "core/buffer.hpp"
#include "models/music/synthetic.hpp"
#include "models/vae/music_vae.hpp"

using namespace fl;
using namespace fl::vae;

namespace {
double normalised_sq_error(const std::vector<double>& a, const std::vector<double>& b) {
  double num = 0, den = 0;
  for (std::size_t i = 0; i < a.size(); ++i) num += (a[i] - b[i]) * (a[i] - b[i]), den += b[i] * b[i];
  return den > 0 ? num / den : num;
}
}  // namespace

TEST(VaeGpu, LossAndGradientsMatchTheCpu) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  Backend& cpu = cpu_backend();
  for (const std::string kind : {"2bar", "16bar"}) {
    VaeShape shape;
    shape.kind = kind;
    shape.z = 16;
    shape.enc_width = 12;
    shape.dec_width = 10;
    shape.conductor_width = 8;
    MusicVae<double> on_cpu(cpu, shape, 5), on_gpu(*gpu, shape, 5);
    on_gpu.params().values() = Buffer<double>::from_host(*gpu, on_cpu.params().values().to_host());
    const auto batch = music::make_synthetic_corpus(6, 2, static_cast<int>(shape.bars())).windows;
    for (double p : {0.0, 0.5}) {
      const LossParts a = on_cpu.loss_and_gradient(batch, 0.3, 1.0, p, 7);
      const LossParts b = on_gpu.loss_and_gradient(batch, 0.3, 1.0, p, 7);
      EXPECT_NEAR(a.loss, b.loss, 1e-9 * std::fabs(a.loss)) << kind << " p " << p;
      EXPECT_LT(normalised_sq_error(on_gpu.params().grads().to_host(), on_cpu.params().grads().to_host()), 1e-18)
          << kind << " p " << p;
    }
  }
}
