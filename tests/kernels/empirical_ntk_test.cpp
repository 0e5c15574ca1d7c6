// Empirical NTK from layer factors vs (a) explicit J J^T with J from one backward pass per
// sample and (b) J from central finite differences of the network output.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/buffer.hpp"
#include "models/kernels/empirical_ntk.hpp"

namespace {

using fl::index_t;
using fl::Matrix;
using fl::UnaryOp;
using fl::nn::EnsembleMlp;
using fl::nn::InitScheme;
using fl::nn::MlpSpec;

constexpr index_t kB = 7, kR = 3;

std::vector<double> grid_inputs(index_t n_in) {
  std::vector<double> x(n_in * kB);
  for (index_t b = 0; b < kB; ++b) {
    const double v = 0.05 + 0.9 * b / (kB - 1);
    x[b * n_in] = v;
    if (n_in == 2) x[b * n_in + 1] = std::log(v);
  }
  return x;
}

// J (B x P per replica, row-major per replica) from one backward pass per sample.
std::vector<double> jacobian_by_backprop(EnsembleMlp<double>& net, const Matrix<double>& X) {
  auto& be = net.backend();
  const index_t P = net.n_params();
  std::vector<double> J(kR * kB * P);
  fl::Buffer<double> grad(be, kR * P);
  for (index_t a = 0; a < kB; ++a) {
    std::vector<double> cot(kB * kR, 0.0);
    for (index_t r = 0; r < kR; ++r) cot[r * kB + a] = 1.0;
    auto C = Matrix<double>::from_host(be, kB, kR, cot);
    net.forward(X.view());
    net.backward(C.view(), grad.view());
    const auto g = grad.to_host();
    for (index_t r = 0; r < kR; ++r)
      for (index_t p = 0; p < P; ++p) J[(r * kB + a) * P + p] = g[r * P + p];
  }
  return J;
}

std::vector<double> outputs(EnsembleMlp<double>& net, const Matrix<double>& X) {
  std::vector<double> f(kB * kR);
  net.backend().download(net.forward(X.view()).flat(), f.data());
  return f;
}

std::vector<double> jacobian_by_finite_differences(EnsembleMlp<double>& net, const Matrix<double>& X) {
  const index_t P = net.n_params();
  auto p0 = net.parameters_host();
  std::vector<double> J(kR * kB * P);
  const double h = 1e-6;
  for (index_t p = 0; p < P; ++p) {
    auto pp = p0, pm = p0;
    for (index_t r = 0; r < kR; ++r) pp[r * P + p] += h, pm[r * P + p] -= h;
    net.set_parameters_host(pp);
    const auto fp = outputs(net, X);
    net.set_parameters_host(pm);
    const auto fm = outputs(net, X);
    for (index_t r = 0; r < kR; ++r)
      for (index_t a = 0; a < kB; ++a) J[(r * kB + a) * P + p] = (fp[r * kB + a] - fm[r * kB + a]) / (2 * h);
  }
  net.set_parameters_host(p0);
  return J;
}

double max_rel_diff_to_jjt(const std::vector<double>& theta, const std::vector<double>& J, index_t P) {
  double worst = 0, scale = 0;
  for (double t : theta) scale = std::max(scale, std::fabs(t));
  for (index_t r = 0; r < kR; ++r)
    for (index_t a = 0; a < kB; ++a)
      for (index_t b = 0; b < kB; ++b) {
        double jj = 0;
        for (index_t p = 0; p < P; ++p) jj += J[(r * kB + a) * P + p] * J[(r * kB + b) * P + p];
        worst = std::max(worst, std::fabs(theta[r * kB * kB + a + b * kB] - jj) / scale);
      }
  return worst;
}

MlpSpec spec_for(InitScheme init, index_t n_in, UnaryOp act) {
  MlpSpec s = MlpSpec::make(n_in, {6, 5}, 1, act);
  s.init = init;
  s.c_w = init == InitScheme::glorot_truncated ? 2.0 : 1.3;
  s.c_b = init == InitScheme::glorot_truncated ? 0.0 : 0.4;
  return s;
}

TEST(EmpiricalNtk, MatchesExplicitJacobianAndFiniteDifferences) {
  fl::Backend& be = fl::cpu_backend();
  for (auto init : {InitScheme::glorot_truncated, InitScheme::glorot_normal, InitScheme::ntk})
    for (index_t n_in : {1, 2}) {
      const MlpSpec s = spec_for(init, n_in, n_in == 1 ? UnaryOp::tanh : UnaryOp::erf);
      EnsembleMlp<double> net(be, s, kR);
      net.initialize(99);
      auto X = Matrix<double>::from_host(be, n_in, kB, grid_inputs(n_in));
      fl::Buffer<double> theta(be, kR * kB * kB);
      fl::kernels::EmpiricalNtk<double> ntk(be);
      ntk.compute(net, X.view(), theta.view());
      const auto th = theta.to_host();
      EXPECT_LT(max_rel_diff_to_jjt(th, jacobian_by_backprop(net, X), net.n_params()), 1e-13);
      EXPECT_LT(max_rel_diff_to_jjt(th, jacobian_by_finite_differences(net, X), net.n_params()), 1e-8);
      for (index_t r = 0; r < kR; ++r)  // symmetric
        for (index_t a = 0; a < kB; ++a)
          for (index_t b = 0; b < kB; ++b)
            EXPECT_NEAR(th[r * kB * kB + a + b * kB], th[r * kB * kB + b + a * kB], 1e-14);
    }
}

// The fused CPU path and the generic Backend-op path give the same kernels.
TEST(EmpiricalNtk, FusedCpuPathMatchesGenericPath) {
  fl::Backend& be = fl::cpu_backend();
  for (auto init : {InitScheme::glorot_truncated, InitScheme::ntk}) {
    const MlpSpec s = spec_for(init, 2, UnaryOp::tanh);
    std::vector<double> th[2];
    for (int fused = 0; fused < 2; ++fused) {
      EnsembleMlp<double> net(be, s, kR);
      net.set_fused_cpu(fused == 1);
      net.initialize(12);
      auto X = Matrix<double>::from_host(be, 2, kB, grid_inputs(2));
      fl::Buffer<double> theta(be, kR * kB * kB);
      fl::kernels::EmpiricalNtk<double>(be).compute(net, X.view(), theta.view());
      th[fused] = theta.to_host();
    }
    double scale = 0;
    for (double v : th[0]) scale = std::max(scale, std::fabs(v));
    for (std::size_t i = 0; i < th[0].size(); ++i) EXPECT_NEAR(th[1][i], th[0][i], 1e-13 * scale);
  }
}

TEST(EmpiricalNtk, FloatAgreesWithDouble) {
  fl::Backend& be = fl::cpu_backend();
  const MlpSpec s = spec_for(InitScheme::glorot_truncated, 1, UnaryOp::tanh);
  EnsembleMlp<double> nd(be, s, kR);
  EnsembleMlp<float> nf(be, s, kR);
  nd.initialize(4);
  nf.initialize(4);
  const auto xh = grid_inputs(1);
  auto Xd = Matrix<double>::from_host(be, 1, kB, xh);
  auto Xf = Matrix<float>::from_host(be, 1, kB, std::vector<float>(xh.begin(), xh.end()));
  fl::Buffer<double> td(be, kR * kB * kB);
  fl::Buffer<float> tf(be, kR * kB * kB);
  fl::kernels::EmpiricalNtk<double>(be).compute(nd, Xd.view(), td.view());
  fl::kernels::EmpiricalNtk<float>(be).compute(nf, Xf.view(), tf.view());
  const auto a = td.to_host();
  const auto b = tf.to_host();
  double scale = 0;
  for (double v : a) scale = std::max(scale, std::fabs(v));
  for (std::size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(b[i], a[i], 1e-5 * scale);
}

}  // namespace
