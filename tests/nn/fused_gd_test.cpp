// The fused CPU gradient-descent epoch (models/nn/fused_gd_cpu) against the reference built
// from the generic Backend-op path of EnsembleMlp (forward, dL/df, backward, axpy), and the
// vectorised tanh it relies on against libm.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/buffer.hpp"
#include "models/nn/ensemble_mlp.hpp"
#include "models/nn/fused_gd_cpu.hpp"
#include "models/nn/lane_math.hpp"

namespace {

using fl::index_t;
using fl::Matrix;
using fl::UnaryOp;
using fl::nn::EnsembleMlp;
using fl::nn::InitScheme;
using fl::nn::MlpSpec;
namespace lanes = fl::nn::lanes;

TEST(LaneMath, TanhMatchesLibmToAFewUlp) {
  double worst = 0;
  for (double x = -30; x <= 30; x += 1.3e-4)
    for (double scale : {1.0, 1e-3, 1e-7, 0.021}) {
      const double arg = x * scale;
      const lanes::LanesD t = lanes::tanh_lanes(lanes::splat(arg));
      const long double ref = std::tanh(static_cast<long double>(arg));
      if (ref != 0) worst = std::max(worst, static_cast<double>(std::fabs((t[0] - ref) / ref)));
    }
  EXPECT_LT(worst, 4 * 1.1102230246251565e-16) << "max relative error " << worst;
  EXPECT_EQ(lanes::tanh_lanes(lanes::splat(0.0))[0], 0.0);
  EXPECT_EQ(lanes::tanh_lanes(lanes::splat(-1e300))[0], -1.0);
  EXPECT_EQ(lanes::tanh_lanes(lanes::splat(1e300))[0], 1.0);
  EXPECT_TRUE(std::isnan(lanes::tanh_lanes(lanes::splat(std::nan("")))[0]));
  // Lanes are independent: different arguments per lane.
  lanes::LanesD x{};
  for (int l = 0; l < lanes::kLanes; ++l) x[l] = 0.4 * l - 0.7;
  const lanes::LanesD t = lanes::tanh_lanes(x);
  for (int l = 0; l < lanes::kLanes; ++l) EXPECT_NEAR(t[l], std::tanh(x[l]), 1e-15);
}

struct Problem {
  index_t B;
  std::vector<double> X, M, c;
};

// A symmetric positive definite M and data c with entries of order one, like FK^T C^-1 FK.
Problem make_problem(index_t n_in, index_t B, index_t R) {
  Problem p{B, std::vector<double>(n_in * B), std::vector<double>(B * B, 0.0), std::vector<double>(B * R)};
  for (index_t b = 0; b < B; ++b) {
    const double x = 0.02 + 0.9 * b / B;
    p.X[n_in * b] = x;
    if (n_in == 2) p.X[n_in * b + 1] = std::log(x);
  }
  std::vector<double> A(B * B);
  for (std::size_t k = 0; k < A.size(); ++k) A[k] = std::sin(1.3 * k + 0.2);
  for (index_t i = 0; i < B; ++i)
    for (index_t j = 0; j < B; ++j) {
      for (index_t k = 0; k < B; ++k) p.M[i + B * j] += A[i + B * k] * A[j + B * k] / B;
      if (i == j) p.M[i + B * j] += 0.5;
    }
  for (std::size_t k = 0; k < p.c.size(); ++k) p.c[k] = std::cos(0.37 * k);
  return p;
}

// Reference epoch: the generic path's forward and backward, g = s (M f - c), theta -= eta J^T g.
void reference_step(EnsembleMlp<double>& net, const Problem& p, double s, double eta) {
  fl::Backend& be = net.backend();
  const index_t R = net.replicas(), B = p.B;
  const auto X = Matrix<double>::from_host(be, net.spec().n_in(), B, p.X);
  std::vector<double> f(B * R);
  be.download(net.forward(X.view()).flat(), f.data());
  std::vector<double> g(B * R);
  for (index_t r = 0; r < R; ++r)
    for (index_t b = 0; b < B; ++b) {
      double acc = -p.c[b + B * r];
      for (index_t k = 0; k < B; ++k) acc += p.M[b + B * k] * f[k + B * r];
      g[b + B * r] = s * acc;
    }
  const auto G = Matrix<double>::from_host(be, B, R, g);
  fl::Buffer<double> grad(be, R * net.n_params());
  net.backward(G.view(), grad.view());
  be.axpy<double>(-eta, grad.view(), net.parameters());
}

struct Arch {
  std::vector<index_t> sizes;
  std::vector<UnaryOp> acts;
  InitScheme init;
  index_t R;
  double scale;
};

TEST(FusedQuadraticGd, MatchesTheGenericPathOverSeveralEpochs) {
  fl::Backend& be = fl::cpu_backend();
  const std::vector<Arch> archs = {
      {{1, 25, 20, 1}, {UnaryOp::tanh, UnaryOp::tanh, UnaryOp::identity}, InitScheme::glorot_truncated, 10, 1.0},
      {{2, 7, 9, 6, 1}, {UnaryOp::tanh, UnaryOp::erf, UnaryOp::sigmoid, UnaryOp::tanh}, InitScheme::ntk, 5, 2.0},
      {{1, 3, 1}, {UnaryOp::softplus, UnaryOp::identity}, InitScheme::standard, 1, 1.0},
  };
  const index_t B = 13;
  const double eta = 2e-3;
  for (const auto& a : archs) {
    MlpSpec s;
    s.sizes = a.sizes;
    s.activations = a.acts;
    s.init = a.init;
    s.c_b = 0.5;
    const Problem p = make_problem(s.n_in(), B, a.R);
    EnsembleMlp<double> ref(be, s, a.R), fused(be, s, a.R);
    ref.set_fused_cpu(false);
    ref.initialize(31);
    auto theta0 = ref.parameters_host();
    for (std::size_t k = 0; k < theta0.size(); ++k) theta0[k] += 0.05 * std::sin(0.9 * k);  // non-zero biases
    ref.set_parameters_host(theta0);
    fused.set_parameters_host(theta0);
    fl::nn::FusedQuadraticGd<double> step(s, a.R, B, p.X.data(), p.M.data(), p.c.data(), a.scale);
    for (int e = 0; e < 4; ++e) {
      reference_step(ref, p, a.scale, eta);
      step.step(fused.parameters().data, eta);
    }
    const auto want = ref.parameters_host(), got = fused.parameters_host();
    double moved = 0;
    for (std::size_t k = 0; k < want.size(); ++k) {
      EXPECT_NEAR(got[k], want[k], 1e-13 * (1 + std::fabs(want[k]))) << "parameter " << k;
      moved = std::max(moved, std::fabs(want[k] - theta0[k]));
    }
    EXPECT_GT(moved, 1e-4);  // the epochs did change the parameters
  }
}

// Float runs the same algorithm; agreement with the double result at float accuracy.
TEST(FusedQuadraticGd, FloatAgreesWithDouble) {
  MlpSpec s = MlpSpec::make(1, {6, 5}, 1);
  const index_t R = 6, B = 9;
  const Problem p = make_problem(1, B, R);
  fl::Backend& be = fl::cpu_backend();
  EnsembleMlp<double> nd(be, s, R);
  nd.initialize(4);
  const auto pd = nd.parameters_host();
  std::vector<float> pf(pd.begin(), pd.end());
  std::vector<float> Xf(p.X.begin(), p.X.end()), Mf(p.M.begin(), p.M.end()), cf(p.c.begin(), p.c.end());
  fl::nn::FusedQuadraticGd<double> sd(s, R, B, p.X.data(), p.M.data(), p.c.data(), 1.0);
  fl::nn::FusedQuadraticGd<float> sf(s, R, B, Xf.data(), Mf.data(), cf.data(), 1.0f);
  std::vector<double> qd = pd;
  for (int e = 0; e < 3; ++e) sd.step(qd.data(), 1e-2), sf.step(pf.data(), 1e-2f);
  for (std::size_t k = 0; k < qd.size(); ++k) EXPECT_NEAR(pf[k], qd[k], 2e-5 * (1 + std::fabs(qd[k])));
}

}  // namespace
