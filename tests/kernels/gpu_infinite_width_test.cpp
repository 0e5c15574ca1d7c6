// CUDA kernel-recursion engine against the CPU reference (skipped without a usable device).
#include <gtest/gtest.h>

#include <cmath>

#include "core/buffer.hpp"
#include "core/philox.hpp"
#include "models/kernels/infinite_width.hpp"
#include "tests/kernels/kernel_parity.hpp"

namespace {
using namespace fl;
using namespace fl::kernels;

TEST(GpuInfiniteWidth, MatchesCpuForEveryActivation) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const index_t n0 = 100, N = 300, M = 7;
  std::vector<double> x(n0 * N), y(n0 * M);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = normal_at(PhiloxKey{1, 0}, 0, i, 0.0);
  for (std::size_t i = 0; i < y.size(); ++i) y[i] = normal_at(PhiloxKey{1, 1}, 0, i, 0.0);
  for (UnaryOp op : {UnaryOp::relu, UnaryOp::erf, UnaryOp::tanh}) {
    FullyConnectedSpec spec;
    spec.hidden_layers = 3;
    spec.sigma_w = 1.5;
    spec.sigma_b = 0.5;
    spec.activation = op;
    const auto Xc = Matrix<double>::from_host(cpu_backend(), n0, N, x), Yc = Matrix<double>::from_host(cpu_backend(), n0, M, y);
    const auto Xg = transfer(Xc, *gpu), Yg = transfer(Yc, *gpu);
    const auto cs = infinite_width_kernels(cpu_backend(), spec, Xc.view());
    const auto gs = infinite_width_kernels(*gpu, spec, Xg.view());
    const auto cc = infinite_width_kernels(cpu_backend(), spec, Xc.view(), Yc.view());
    const auto gc = infinite_width_kernels(*gpu, spec, Xg.view(), Yg.view());
    const auto cd = infinite_width_diagonal(cpu_backend(), spec, Yc.view());
    const auto gd = infinite_width_diagonal(*gpu, spec, Yg.view());
    const auto close = [](const std::vector<double>& a, const std::vector<double>& b) {
      double num = 0, den = 0;
      for (std::size_t i = 0; i < a.size(); ++i) num += (a[i] - b[i]) * (a[i] - b[i]), den += a[i] * a[i];
      return std::sqrt(num / den);
    };
    EXPECT_LT(close(cs.nngp.to_host(), gs.nngp.to_host()), 1e-12) << unary_op_name(op);
    EXPECT_LT(close(cs.ntk.to_host(), gs.ntk.to_host()), 1e-12) << unary_op_name(op);
    EXPECT_LT(close(cc.ntk.to_host(), gc.ntk.to_host()), 1e-12) << unary_op_name(op);
    EXPECT_LT(close(cd.ntk.to_host(), gd.ntk.to_host()), 1e-12) << unary_op_name(op);
  }
}

// 1.1 M columns: more 16-column tiles than gridDim.y may hold (65535), which the first
// version of the CUDA engine launched as one tile row per y block and so could not run.
TEST(GpuInfiniteWidth, CrossKernelWithMoreColumnsThanOneGridHolds) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  for (UnaryOp op : {UnaryOp::relu, UnaryOp::erf}) {  // closed forms: the CPU side stays fast
    const auto ref = kernels::test::kernel_outputs(cpu_backend(), op, 1'100'000);
    gpu_test::expect_outputs_agree(ref, kernels::test::kernel_outputs(*gpu, op, 1'100'000), 1e-24);
  }
}

// The engine refuses host operands (a host pointer in a kernel would end the CUDA context).
TEST(GpuInfiniteWidth, EngineRejectsHostOperands) {
  if (!cuda_status().usable) GTEST_SKIP() << cuda_status().message;
  auto gpu = make_backend("cuda");
  const auto params = recursion_params(FullyConnectedSpec{});
  const auto host = Matrix<double>::zeros(cpu_backend(), 3, 3);
  const auto n_host = Buffer<double>::zeros(cpu_backend(), 3);
  auto k = Matrix<double>::zeros(*gpu, 3, 3), t = Matrix<double>::zeros(*gpu, 3, 3);
  auto engine = make_kernel_recursion_engine(*gpu);
  EXPECT_THROW(engine->apply(params, host.view(), n_host.view(), n_host.view(), true, k.view(), t.view()),
               std::invalid_argument);
}

}  // namespace
