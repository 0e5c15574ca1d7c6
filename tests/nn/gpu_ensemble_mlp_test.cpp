// CUDA parity of the ensemble MLP and the empirical NTK against the CPU reference.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "core/buffer.hpp"
#include "models/kernels/empirical_ntk.hpp"

namespace {
using fl::index_t;
using fl::Matrix;

double max_rel(const std::vector<double>& a, const std::vector<double>& b) {
  double scale = 0, worst = 0;
  for (double v : b) scale = std::max(scale, std::fabs(v));
  for (std::size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::fabs(a[i] - b[i]));
  return worst / scale;
}

TEST(GpuEnsembleMlp, ForwardBackwardAndNtkMatchCpu) {
  if (!fl::cuda_status().usable) GTEST_SKIP() << fl::cuda_status().message;
  auto gpu = fl::make_backend("cuda");
  fl::Backend& cpu = fl::cpu_backend();
  const auto spec = fl::nn::MlpSpec::make(1, {25, 20}, 1);
  const index_t R = 7, B = 50;
  std::vector<double> x(B);
  for (index_t b = 0; b < B; ++b) x[b] = 0.01 + 0.98 * b / (B - 1);
  std::vector<double> out[2], grad[2], theta[2];
  fl::Backend* bes[2] = {&cpu, gpu.get()};
  for (int d = 0; d < 2; ++d) {
    fl::Backend& be = *bes[d];
    fl::nn::EnsembleMlp<double> net(be, spec, R);
    net.initialize(5);
    const auto X = Matrix<double>::from_host(be, 1, B, x);
    const auto f = net.forward(X.view());
    out[d].resize(B * R);
    be.download(f.flat(), out[d].data());
    const auto C = Matrix<double>::from_host(be, B, R, out[d]);  // cotangent = f
    fl::Buffer<double> g(be, R * net.n_params());
    net.backward(C.view(), g.view());
    grad[d] = g.to_host();
    fl::Buffer<double> th(be, R * B * B);
    fl::kernels::EmpiricalNtk<double>(be).compute(net, X.view(), th.view());
    theta[d] = th.to_host();
  }
  EXPECT_LT(max_rel(out[1], out[0]), 1e-12);
  EXPECT_LT(max_rel(grad[1], grad[0]), 1e-11);
  EXPECT_LT(max_rel(theta[1], theta[0]), 1e-11);
}

}  // namespace
