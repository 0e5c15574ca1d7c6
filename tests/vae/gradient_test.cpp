// Hand-written backward passes against central finite differences (double precision).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "core/backend.hpp"
#include "core/philox.hpp"
#include "models/music/synthetic.hpp"
#include "models/vae/lstm_stack.hpp"
#include "models/vae/music_vae.hpp"

using namespace fl;
using namespace fl::vae;

namespace {

std::vector<double> random_vector(index_t n, std::uint32_t stream, double scale = 1.0) {
  PhiloxStream rng(PhiloxKey{77, stream}, 0);
  std::vector<double> v(static_cast<std::size_t>(n));
  for (double& x : v) x = scale * rng.normal();
  return v;
}

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// max over i of |analytic_i - fd_i| / max(1e-3, |analytic_i| + |fd_i|) for the listed indices.
double fd_mismatch(std::vector<double>& x, const std::vector<double>& analytic,
                   const std::function<double()>& loss, const std::vector<std::size_t>& indices,
                   double h = 1e-6, double floor = 1e-3) {
  double worst = 0;
  for (std::size_t i : indices) {
    const double x0 = x[i];
    x[i] = x0 + h;
    const double up = loss();
    x[i] = x0 - h;
    const double down = loss();
    x[i] = x0;
    const double fd = (up - down) / (2 * h);
    const double err = std::fabs(fd - analytic[i]) / std::max(floor, std::fabs(fd) + std::fabs(analytic[i]));
    if (err > worst && std::getenv("FL_FD_VERBOSE"))
      std::printf("index %zu analytic %.10g fd %.10g err %.3g\n", i, analytic[i], fd, err);
    worst = std::max(worst, err);
  }
  return worst;
}

std::vector<std::size_t> all_indices(std::size_t n) {
  std::vector<std::size_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = i;
  return v;
}

std::vector<std::size_t> some_indices(std::size_t n, std::size_t k, std::uint32_t stream) {
  if (n <= k) return all_indices(n);
  PhiloxStream rng(PhiloxKey{5, stream}, 0);
  std::vector<std::size_t> v;
  for (std::size_t j = 0; j < k; ++j) v.push_back(rng.below(static_cast<std::uint32_t>(n)));
  return v;
}

}  // namespace

TEST(VaeGradients, LstmLayerAllInputsAndParameters) {
  Backend& be = cpu_backend();
  auto eng = make_vae_engine(be);
  const index_t In = 3, H = 4, Cd = 2, T = 5, N = 3;
  ParamSet<double> params;
  LstmLayer<double> layer(params, "l", LstmShape{In, H, Cd});
  params.allocate(be, 1);
  // Random (non-zero) biases too.
  std::vector<double> w = random_vector(params.size(), 1, 0.5);
  std::vector<double> X = random_vector(In * T * N, 2), h0 = random_vector(H * N, 3), c0 = random_vector(H * N, 4),
                      cond = random_vector(Cd * N, 5);
  const auto R1 = random_vector(H * T * N, 6), R2 = random_vector(H * N, 7), R3 = random_vector(H * N, 8);
  auto loss = [&]() {
    params.values() = Buffer<double>::from_host(be, w);
    auto bX = Buffer<double>::from_host(be, X), bh = Buffer<double>::from_host(be, h0),
         bc = Buffer<double>::from_host(be, c0), bcond = Buffer<double>::from_host(be, cond);
    layer.begin(be, *eng, T, N, MatrixView<const double>(bh.data(), H, N, be.device()),
                MatrixView<const double>(bc.data(), H, N, be.device()),
                MatrixView<const double>(bcond.data(), Cd, N, be.device()));
    layer.forward(MatrixView<const double>(bX.data(), In, T * N, be.device()));
    std::vector<double> out(H * T * N), hT(H * N), cT(H * N);
    be.download(layer.outputs().flat(), out.data());
    be.download(layer.h(T).flat(), hT.data());
    be.download(layer.c(T).flat(), cT.data());
    return dot(R1, out) + dot(R2, hT) + dot(R3, cT);
  };
  loss();
  // Keep the forward inputs alive for backward.
  auto bcond = Buffer<double>::from_host(be, cond);
  auto bX = Buffer<double>::from_host(be, X), bh = Buffer<double>::from_host(be, h0), bc = Buffer<double>::from_host(be, c0);
  layer.begin(be, *eng, T, N, MatrixView<const double>(bh.data(), H, N, be.device()),
              MatrixView<const double>(bc.data(), H, N, be.device()),
              MatrixView<const double>(bcond.data(), Cd, N, be.device()));
  // Step-wise forward must equal the sequence forward.
  for (index_t t = 0; t < T; ++t)
    layer.step(t, MatrixView<const double>(bX.data() + t * N * In, In, N, be.device()));
  std::vector<double> step_out(H * T * N);
  be.download(layer.outputs().flat(), step_out.data());
  params.zero_grads();
  auto bR1 = Buffer<double>::from_host(be, R1), bR2 = Buffer<double>::from_host(be, R2), bR3 = Buffer<double>::from_host(be, R3);
  Buffer<double> dX(be, In * T * N), dh0(be, H * N), dc0(be, H * N), dcond(be, Cd * N);
  layer.backward(MatrixView<const double>(bR1.data(), H, T * N, be.device()),
                 MatrixView<const double>(bR2.data(), H, N, be.device()),
                 MatrixView<const double>(bR3.data(), H, N, be.device()),
                 MatrixView<double>(dX.data(), In, T * N, be.device()),
                 MatrixView<double>(dh0.data(), H, N, be.device()), MatrixView<double>(dc0.data(), H, N, be.device()),
                 MatrixView<double>(dcond.data(), Cd, N, be.device()));
  const auto g = params.grads().to_host();
  const auto gX = dX.to_host(), gh = dh0.to_host(), gc = dc0.to_host(), gcond = dcond.to_host();
  double base = 0;
  {
    std::vector<double> seq_out(H * T * N);
    base = loss();
    be.download(layer.outputs().flat(), seq_out.data());
    for (std::size_t i = 0; i < seq_out.size(); ++i) EXPECT_NEAR(seq_out[i], step_out[i], 1e-13);
  }
  EXPECT_TRUE(std::isfinite(base));
  EXPECT_LT(fd_mismatch(w, g, loss, all_indices(w.size())), 1e-6);
  EXPECT_LT(fd_mismatch(X, gX, loss, all_indices(X.size())), 1e-6);
  EXPECT_LT(fd_mismatch(h0, gh, loss, all_indices(h0.size())), 1e-6);
  EXPECT_LT(fd_mismatch(c0, gc, loss, all_indices(c0.size())), 1e-6);
  EXPECT_LT(fd_mismatch(cond, gcond, loss, all_indices(cond.size())), 1e-6);
}

TEST(VaeGradients, StackWithTanhInitialisation) {
  Backend& be = cpu_backend();
  auto eng = make_vae_engine(be);
  const index_t In = 2, H = 3, V = 4, T = 4, N = 2;
  ParamSet<double> params;
  LstmStack<double> stack(params, "s", StackShape{In, H, 3, V, V});
  params.allocate(be, 2);
  std::vector<double> w = random_vector(params.size(), 11, 0.6);
  std::vector<double> X = random_vector(In * T * N, 12), v = random_vector(V * N, 13);
  const auto R = random_vector(H * T * N, 14);
  Buffer<double> bX, bv;
  auto forward = [&]() {
    params.values() = Buffer<double>::from_host(be, w);
    bX = Buffer<double>::from_host(be, X);
    bv = Buffer<double>::from_host(be, v);
    const MatrixView<const double> vv(bv.data(), V, N, be.device());
    stack.begin(be, *eng, T, N, vv, vv);
    stack.forward(MatrixView<const double>(bX.data(), In, T * N, be.device()));
    std::vector<double> out(H * T * N);
    be.download(stack.outputs().flat(), out.data());
    return dot(R, out);
  };
  forward();
  params.zero_grads();
  auto bR = Buffer<double>::from_host(be, R);
  Buffer<double> dv(be, V * N), dcond(be, V * N);
  stack.backward(MatrixView<const double>(bR.data(), H, T * N, be.device()), MatrixView<double>(dv.data(), V, N, be.device()),
                 MatrixView<double>(dcond.data(), V, N, be.device()));
  const auto g = params.grads().to_host();
  auto gv = dv.to_host();
  const auto gc = dcond.to_host();
  for (std::size_t i = 0; i < gv.size(); ++i) gv[i] += gc[i];  // v is both init source and cond
  EXPECT_LT(fd_mismatch(w, g, forward, all_indices(w.size())), 1e-6);
  EXPECT_LT(fd_mismatch(v, gv, forward, all_indices(v.size())), 1e-6);
}

namespace {
// The loss sums O(100) (2bar) to O(1000) (16bar) terms: h is chosen so that the round-off
// in the loss (~1e-16 L per evaluation, amplified by 1/h) stays below the tolerance, and the
// relative error is floored at `floor` (gradients below it are compared in absolute terms).
void check_vae(const std::string& kind, double p_sample, double free_bits, std::size_t n_checked,
               std::size_t per_slot, double h, double floor, index_t enc_layers = 1) {
  Backend& be = cpu_backend();
  VaeShape shape;
  shape.kind = kind;
  shape.z = 3;
  shape.enc_width = 4;
  shape.enc_layers = enc_layers;
  shape.dec_width = 5;
  shape.dec_layers = 2;
  shape.conductor_width = 3;
  shape.conductor_layers = 2;
  MusicVae<double> vae(be, shape, 9);
  std::vector<double> w = random_vector(vae.params().size(), 21, 0.3);
  const auto corpus = fl::music::make_synthetic_corpus(3, 4, static_cast<int>(shape.bars()));
  auto loss = [&]() {
    vae.params().values() = Buffer<double>::from_host(be, w);
    return vae.loss_and_gradient(corpus.windows, 0.7, free_bits, p_sample, 3).loss;
  };
  const double l0 = loss();
  EXPECT_TRUE(std::isfinite(l0));
  const auto g = vae.params().grads().to_host();
  // Every parameter block gets a few checks, plus a random sample overall.
  std::vector<std::size_t> idx = some_indices(w.size(), n_checked, 31);
  for (const auto& slot : vae.params().slots())
    for (std::size_t k = 0; k < per_slot && k < static_cast<std::size_t>(slot.rows * slot.cols); ++k)
      idx.push_back(static_cast<std::size_t>(slot.offset) + k * 7 % static_cast<std::size_t>(slot.rows * slot.cols));
  EXPECT_LT(fd_mismatch(w, g, loss, idx, h, floor), 1e-5) << kind << " p_sample " << p_sample;
}
}  // namespace

TEST(VaeGradients, TwoBarVaeLossTeacherForced) { check_vae("2bar", 0.0, 0.0, 150, 3, 1e-5, 1e-3); }
TEST(VaeGradients, TwoBarVaeLossScheduledSamplingAndFreeBits) { check_vae("2bar", 0.5, 4.0, 60, 2, 1e-5, 1e-3); }
// Three encoder layers: the top, a middle and the bottom BiLSTM layer are all checked.
TEST(VaeGradients, TwoBarVaeLossStackedEncoder) { check_vae("2bar", 0.0, 0.0, 150, 3, 1e-5, 1e-3, 3); }
TEST(VaeGradients, SixteenBarHierarchicalVaeLoss) { check_vae("16bar", 0.0, 0.0, 10, 1, 1e-4, 1e-2); }

// Token inputs (column gather / scatter-add of Wx) give the same outputs and parameter
// gradients as the one-hot matrix through the GEMMs, for the whole pass and step by step.
TEST(VaeGradients, TokenInputsEqualOneHotInputs) {
  Backend& be = cpu_backend();
  const index_t K = 7, H = 5, T = 4, N = 3;
  auto eng = make_vae_engine(be);
  const std::vector<std::int32_t> tokens = {3, -1, 6, 0, 0, 2, 5, 1, 3, 4, -1, 6};
  const auto tok = Buffer<std::int32_t>::from_host(be, tokens);
  std::vector<double> onehot(static_cast<std::size_t>(K * T * N), 0.0);
  for (std::size_t c = 0; c < tokens.size(); ++c)
    if (tokens[c] >= 0) onehot[c * K + static_cast<std::size_t>(tokens[c])] = 1.0;
  const auto X = Buffer<double>::from_host(be, onehot);
  const auto dH = Buffer<double>::from_host(be, random_vector(H * T * N, 41));
  const MatrixView<const double> Xv(X.data(), K, T * N, be.device()), dHv(dH.data(), H, T * N, be.device());
  for (const bool stepwise : {false, true}) {
    std::vector<double> out[2], grad[2];
    for (int mode = 0; mode < 2; ++mode) {
      ParamSet<double> params;
      LstmLayer<double> layer(params, "l", LstmShape{K, H, 0});
      params.allocate(be, 3);
      layer.begin(be, *eng, T, N, {}, {}, {});
      for (index_t t = 0; stepwise && t < T; ++t) {
        if (mode == 0) layer.step(t, Xv.col_block(t * N, N));
        else layer.step_tokens(t, VectorView<const std::int32_t>(tok.view()).segment(t * N, N));
      }
      if (!stepwise && mode == 0) layer.forward(Xv);
      if (!stepwise && mode == 1) layer.forward_tokens(VectorView<const std::int32_t>(tok.view()));
      layer.backward(dHv, {}, {}, {}, {}, {}, {});
      std::vector<double> h(static_cast<std::size_t>(H * T * N));
      be.download(layer.outputs().flat(), h.data());
      out[mode] = h;
      grad[mode] = params.grads().to_host();
    }
    for (std::size_t i = 0; i < out[0].size(); ++i) EXPECT_NEAR(out[0][i], out[1][i], 1e-14) << stepwise;
    for (std::size_t i = 0; i < grad[0].size(); ++i) EXPECT_NEAR(grad[0][i], grad[1][i], 1e-13) << stepwise;
  }
}
