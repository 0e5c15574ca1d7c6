// EnsembleMlp: batched forward against a scalar host reference, back-propagation against
// central finite differences (every init scheme, activations, input gradients), replica
// independence, initialisation statistics, optimisers.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/buffer.hpp"
#include "models/nn/ensemble_mlp.hpp"
#include "models/nn/mlp_init.hpp"
#include "models/nn/optimizer.hpp"

namespace {

using fl::Backend;
using fl::index_t;
using fl::Matrix;
using fl::UnaryOp;
using fl::nn::EnsembleMlp;
using fl::nn::InitScheme;
using fl::nn::MlpSpec;

// Plain host evaluation of one replica at one input: the definition of the network.
std::vector<double> reference_forward(const MlpSpec& s, const std::vector<double>& p,
                                      const double* x) {
  std::vector<double> a(x, x + s.n_in());
  for (index_t l = 1; l <= s.layers(); ++l) {
    std::vector<double> z(s.sizes[l]);
    for (index_t i = 0; i < s.sizes[l]; ++i) {
      double acc = s.bias_scale(l) * p[s.bias_offset(l) + i];
      for (index_t j = 0; j < s.sizes[l - 1]; ++j)
        acc += s.weight_scale(l) * p[s.weight_offset(l) + i + j * s.sizes[l]] * a[j];
      z[i] = acc;
    }
    a.resize(s.sizes[l]);
    for (index_t i = 0; i < s.sizes[l]; ++i) {
      const double v = z[i];
      switch (s.activations[l - 1]) {
        case UnaryOp::tanh: a[i] = std::tanh(v); break;
        case UnaryOp::identity: a[i] = v; break;
        case UnaryOp::erf: a[i] = std::erf(v); break;
        case UnaryOp::sigmoid: a[i] = 1 / (1 + std::exp(-v)); break;
        case UnaryOp::softplus: a[i] = std::log1p(std::exp(v)); break;
        default: ADD_FAILURE() << "activation not in the reference"; break;
      }
    }
  }
  return a;
}

struct Case {
  InitScheme init;
  std::vector<UnaryOp> acts;
  double c_w, c_b;
};

MlpSpec make_spec(const Case& c) {
  MlpSpec s;
  s.sizes = {2, 5, 4, 3};
  s.activations = c.acts;
  s.init = c.init;
  s.c_w = c.c_w;
  s.c_b = c.c_b;
  return s;
}

std::vector<Case> cases() {
  return {
      {InitScheme::glorot_truncated, {UnaryOp::tanh, UnaryOp::tanh, UnaryOp::identity}, 2.0, 0.0},
      {InitScheme::glorot_normal, {UnaryOp::erf, UnaryOp::sigmoid, UnaryOp::identity}, 1.0, 1.0},
      {InitScheme::standard, {UnaryOp::softplus, UnaryOp::tanh, UnaryOp::tanh}, 1.5, 0.1},
      {InitScheme::ntk, {UnaryOp::tanh, UnaryOp::erf, UnaryOp::identity}, 1.7, 0.3},
  };
}

// Biases are zero for glorot_truncated; give them values so their gradients are exercised.
void perturb_biases(EnsembleMlp<double>& net) {
  auto p = net.parameters_host();
  const auto& s = net.spec();
  for (index_t r = 0; r < net.replicas(); ++r)
    for (index_t l = 1; l <= s.layers(); ++l)
      for (index_t i = 0; i < s.sizes[l]; ++i)
        p[r * net.n_params() + s.bias_offset(l) + i] += 0.1 * std::sin(1.0 + i + 3 * l + 7 * r);
  net.set_parameters_host(p);
}

const index_t kB = 6, kR = 3;

std::vector<double> inputs(const MlpSpec& s) {
  std::vector<double> x(s.n_in() * kB);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.7 * i + 0.3);
  return x;
}

TEST(EnsembleMlp, ForwardMatchesScalarReference) {
  Backend& be = fl::cpu_backend();
  for (const auto& c : cases()) {
    const MlpSpec s = make_spec(c);
    EnsembleMlp<double> net(be, s, kR);
    net.initialize(11);
    perturb_biases(net);
    const auto xh = inputs(s);
    auto X = Matrix<double>::from_host(be, s.n_in(), kB, xh);
    net.forward(X.view());
    std::vector<double> f(s.n_out() * kB * kR);
    be.download(net.output().flat(), f.data());
    const auto p = net.parameters_host();
    for (index_t r = 0; r < kR; ++r) {
      std::vector<double> pr(p.begin() + r * net.n_params(), p.begin() + (r + 1) * net.n_params());
      for (index_t b = 0; b < kB; ++b) {
        const auto ref = reference_forward(s, pr, &xh[b * s.n_in()]);
        for (index_t o = 0; o < s.n_out(); ++o)
          EXPECT_NEAR(f[r * s.n_out() * kB + b * s.n_out() + o], ref[o], 1e-13)
              << fl::nn::init_scheme_name(c.init);
      }
    }
  }
}

// <cotangent, f(theta)> for all replicas, on the host reference.
double pairing(const MlpSpec& s, const std::vector<double>& p, index_t P, const std::vector<double>& x,
               const std::vector<double>& cot) {
  double acc = 0;
  for (index_t r = 0; r < kR; ++r) {
    std::vector<double> pr(p.begin() + r * P, p.begin() + (r + 1) * P);
    for (index_t b = 0; b < kB; ++b) {
      const auto f = reference_forward(s, pr, &x[b * s.n_in()]);
      for (index_t o = 0; o < s.n_out(); ++o) acc += cot[r * s.n_out() * kB + b * s.n_out() + o] * f[o];
    }
  }
  return acc;
}

TEST(EnsembleMlp, BackwardMatchesFiniteDifferences) {
  Backend& be = fl::cpu_backend();
  for (const auto& c : cases()) {
    const MlpSpec s = make_spec(c);
    EnsembleMlp<double> net(be, s, kR);
    net.initialize(5);
    perturb_biases(net);
    const index_t P = net.n_params();
    const auto xh = inputs(s);
    std::vector<double> cot(s.n_out() * kB * kR);
    for (std::size_t i = 0; i < cot.size(); ++i) cot[i] = std::sin(1.3 * i + 0.2);
    auto X = Matrix<double>::from_host(be, s.n_in(), kB, xh);
    auto C = Matrix<double>::from_host(be, s.n_out() * kB, kR, cot);
    auto grad = fl::Buffer<double>(be, kR * P);
    auto gin = Matrix<double>(be, s.n_in() * kB, kR);
    net.forward(X.view());
    fl::MatrixView<double> gin_view = gin.view();
    net.backward(C.view(), grad.view(), &gin_view);
    const auto g = grad.to_host();
    const auto gi = gin.to_host();
    const auto p = net.parameters_host();
    const double h = 1e-6;
    double worst = 0;
    for (index_t k = 0; k < kR * P; ++k) {
      auto pp = p, pm = p;
      pp[k] += h, pm[k] -= h;
      const double fd = (pairing(s, pp, P, xh, cot) - pairing(s, pm, P, xh, cot)) / (2 * h);
      worst = std::max(worst, std::fabs(fd - g[k]) / (1e-6 + std::fabs(fd)));
      EXPECT_NEAR(g[k], fd, 1e-7 * (1 + std::fabs(fd))) << fl::nn::init_scheme_name(c.init) << " k=" << k;
    }
    // Input gradients: each replica's own pull-back of its cotangent.
    for (index_t r = 0; r < kR; ++r)
      for (index_t i = 0; i < s.n_in() * kB; ++i) {
        auto xp = xh, xm = xh;
        xp[i] += h, xm[i] -= h;
        std::vector<double> cr(cot.size(), 0.0);
        for (index_t j = 0; j < s.n_out() * kB; ++j) cr[r * s.n_out() * kB + j] = cot[r * s.n_out() * kB + j];
        const double fd = (pairing(s, p, P, xp, cr) - pairing(s, p, P, xm, cr)) / (2 * h);
        EXPECT_NEAR(gi[r * s.n_in() * kB + i], fd, 1e-7 * (1 + std::fabs(fd)));
      }
  }
}

// The fused CPU path (default on the CPU backend) and the generic Backend-op path agree.
TEST(EnsembleMlp, FusedCpuPathMatchesGenericPath) {
  Backend& be = fl::cpu_backend();
  for (const auto& c : cases()) {
    const MlpSpec s = make_spec(c);
    std::vector<double> out[2], grad[2], gin[2];
    for (int fused = 0; fused < 2; ++fused) {
      EnsembleMlp<double> net(be, s, kR);
      net.set_fused_cpu(fused == 1);
      ASSERT_EQ(net.fused_cpu(), fused == 1);
      net.initialize(8);
      perturb_biases(net);
      auto X = Matrix<double>::from_host(be, s.n_in(), kB, inputs(s));
      out[fused].resize(s.n_out() * kB * kR);
      be.download(net.forward(X.view()).flat(), out[fused].data());
      auto C = Matrix<double>::from_host(be, s.n_out() * kB, kR, out[fused]);
      fl::Buffer<double> g(be, kR * net.n_params());
      Matrix<double> gi(be, s.n_in() * kB, kR);
      fl::MatrixView<double> giv = gi.view();
      net.backward(C.view(), g.view(), &giv);
      grad[fused] = g.to_host();
      gin[fused] = gi.to_host();
    }
    for (std::size_t i = 0; i < out[0].size(); ++i) EXPECT_NEAR(out[1][i], out[0][i], 1e-13);
    for (std::size_t i = 0; i < grad[0].size(); ++i) EXPECT_NEAR(grad[1][i], grad[0][i], 1e-12 * (1 + std::fabs(grad[0][i])));
    for (std::size_t i = 0; i < gin[0].size(); ++i) EXPECT_NEAR(gin[1][i], gin[0][i], 1e-12 * (1 + std::fabs(gin[0][i])));
  }
}

TEST(EnsembleMlp, FloatAgreesWithDouble) {
  Backend& be = fl::cpu_backend();
  const MlpSpec s = make_spec(cases()[0]);
  EnsembleMlp<double> nd(be, s, kR);
  EnsembleMlp<float> nf(be, s, kR);
  nd.initialize(3);
  nf.initialize(3);
  const auto xh = inputs(s);
  std::vector<float> xf(xh.begin(), xh.end());
  auto Xd = Matrix<double>::from_host(be, s.n_in(), kB, xh);
  auto Xf = Matrix<float>::from_host(be, s.n_in(), kB, xf);
  std::vector<double> fd(s.n_out() * kB * kR);
  std::vector<float> ff(fd.size());
  be.download(nd.forward(Xd.view()).flat(), fd.data());
  be.download(nf.forward(Xf.view()).flat(), ff.data());
  for (std::size_t i = 0; i < fd.size(); ++i) EXPECT_NEAR(ff[i], fd[i], 1e-5);
}

// A replica's parameters depend on (seed, its index) only, not on the ensemble size.
TEST(EnsembleMlp, ReplicaStreamsAreIndependentOfEnsembleSize) {
  Backend& be = fl::cpu_backend();
  const MlpSpec s = make_spec(cases()[1]);
  EnsembleMlp<double> small(be, s, 2), large(be, s, 5);
  small.initialize(42);
  large.initialize(42);
  const auto a = small.parameters_host(), b = large.parameters_host();
  for (std::size_t i = 0; i < a.size(); ++i) ASSERT_EQ(a[i], b[i]);
  EnsembleMlp<double> shifted(be, s, 1);
  shifted.initialize(42, 1);  // stream 1 = replica 1 of the others
  const auto c = shifted.parameters_host();
  for (index_t i = 0; i < s.n_params(); ++i) ASSERT_EQ(c[i], a[s.n_params() + i]);
}

// Sample variance of the initial weights vs the scheme's target (5 sigma of the sampling error).
TEST(EnsembleMlp, InitialisationVariances) {
  MlpSpec s = MlpSpec::make(30, {50}, 20);
  struct Expect { InitScheme init; double c_w, c_b, var_w1, var_b1; };
  const std::vector<Expect> ex = {
      {InitScheme::glorot_truncated, 2.0, 0.0, 2.0 / 80, 0.0},
      {InitScheme::glorot_normal, 1.0, 1.0, 1.0 / 80, 1.0},
      {InitScheme::standard, 1.5, 0.5, 1.5 / 30, 0.5},
      {InitScheme::ntk, 1.5, 0.5, 1.0, 1.0},
  };
  for (const auto& e : ex) {
    s.init = e.init, s.c_w = e.c_w, s.c_b = e.c_b;
    double sw = 0, sw4 = 0, sb = 0, maxabs = 0;
    index_t nw = 0, nb = 0;
    for (std::uint32_t r = 0; r < 40; ++r) {
      const auto p = fl::nn::init_parameters(s, {7, r});
      for (index_t i = 0; i < 50 * 30; ++i) {
        const double w = p[s.weight_offset(1) + i];
        sw += w * w, sw4 += w * w * w * w, ++nw;
        maxabs = std::max(maxabs, std::fabs(w));
      }
      for (index_t i = 0; i < 50; ++i) sb += p[s.bias_offset(1) + i] * p[s.bias_offset(1) + i], ++nb;
    }
    const double var = sw / nw, err = std::sqrt((sw4 / nw - var * var) / nw);
    EXPECT_NEAR(var, e.var_w1, 5 * err) << fl::nn::init_scheme_name(e.init);
    if (e.init == InitScheme::glorot_truncated) {
      EXPECT_LT(maxabs, 2.0 * std::sqrt(e.var_w1 / fl::nn::kTruncatedNormalVar));
      EXPECT_EQ(sb, 0.0);
    } else {
      EXPECT_NEAR(sb / nb, e.var_b1, 5 * e.var_b1 * std::sqrt(2.0 / nb));
    }
  }
}

// On a convex problem (linear net, least squares over 5 points;
// Hessian eigenvalues 5 (bias) and 2.5 (weight)) GD and heavy
// ball converge geometrically to the minimum; Adam (steps ~ lr) gets close to it.
TEST(Optimizer, DescendsOnLeastSquares) {
  Backend& be = fl::cpu_backend();
  for (auto kind : {fl::nn::OptimizerKind::gd, fl::nn::OptimizerKind::sgd_momentum,
                    fl::nn::OptimizerKind::adam}) {
    MlpSpec s = MlpSpec::make(1, {}, 1, UnaryOp::identity, UnaryOp::identity);
    EnsembleMlp<double> net(be, s, 2);
    net.initialize(1);
    std::vector<double> xh = {-1, -0.5, 0, 0.5, 1}, yh;
    for (double x : xh) yh.push_back(2 * x - 0.5);
    auto X = Matrix<double>::from_host(be, 1, 5, xh);
    fl::Buffer<double> grad(be, 2 * net.n_params());
    fl::nn::OptimizerParams op;
    op.kind = kind;
    op.learning_rate = kind == fl::nn::OptimizerKind::adam ? 0.05 : 0.2;
    op.momentum = 0.5;
    fl::nn::Optimizer<double> opt(be, 2 * net.n_params(), op);
    auto loss = [&](bool step) {
      net.forward(X.view());
      std::vector<double> f(10);
      be.download(net.output().flat(), f.data());
      std::vector<double> res(10);
      double L = 0;
      for (int i = 0; i < 10; ++i) res[i] = f[i] - yh[i % 5], L += 0.5 * res[i] * res[i];
      if (step) {
        auto Rm = Matrix<double>::from_host(be, 5, 2, res);
        net.backward(Rm.view(), grad.view());
        opt.step(net.parameters(), grad.view());
      }
      return L;
    };
    const double L0 = loss(false);
    for (int it = 0; it < 150; ++it) loss(true);
    EXPECT_LT(loss(false), (kind == fl::nn::OptimizerKind::adam ? 1e-3 : 1e-10) * L0);
  }
}

}  // namespace
