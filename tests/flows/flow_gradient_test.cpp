// Flows: every hand-written gradient against central finite differences (double precision),
// exact log-density against the brute-force Jacobian determinant, Z2 equivariance.
#include <gtest/gtest.h>
#include <omp.h>

#include <cmath>
#include <numbers>
#include <vector>

#include "core/backend.hpp"
#include "models/flows/flow.hpp"
#include "models/lattice/phi4/couplings.hpp"

namespace fl::flows {
namespace {

Backend& be() { return cpu_backend(); }

// The finite-difference loops run thousands of passes over a handful of numbers: one thread
// (a parallel region per tiny op costs more than it saves, badly so on a loaded machine).
class SingleThread {
 public:
  SingleThread() : saved_(omp_get_max_threads()) { omp_set_num_threads(1); }
  ~SingleThread() { omp_set_num_threads(saved_); }

 private:
  int saved_;
};

struct Case {
  const char* name;
  FlowSpec spec;
};

FlowSpec base_spec(int L) {
  FlowSpec s;
  s.L = L;
  s.affine_blocks = 1;
  s.hidden = {6};
  return s;
}

std::vector<Case> cases() {
  std::vector<Case> out;
  FlowSpec a = base_spec(4);  // z2, standardised, rescaled (the defaults)
  out.push_back({"affine_z2_std_rescale", a});
  FlowSpec b = base_spec(4);
  b.z2 = false;
  b.standardise = false;
  b.final_tanh = true;
  b.activation = UnaryOp::sigmoid;
  b.hidden = {5, 4};
  b.affine_blocks = 2;
  out.push_back({"affine_plain_two_hidden_final_tanh", b});
  FlowSpec c = base_spec(4);
  c.affine_blocks = 1;
  c.spline_blocks = 1;
  c.spline_knots = 4;
  c.spline_interval = 2.0;  // some inputs fall outside: the identity branch is exercised too
  out.push_back({"affine_then_spline", c});
  return out;
}

// Loss at the current parameters with a fixed base sample (train mode).
double loss_at(Flow<double>& flow, FlowBatch<double>& batch, const phi4::Couplings& c) {
  flow.sample(batch, PhiloxKey{7, 1}, 3, FlowMode::train);
  flow.compute_action(batch, c);
  double l = 0;
  const auto lq = batch.log_q.to_host(), S = batch.action.to_host();
  for (std::size_t b = 0; b < lq.size(); ++b) l += lq[b] + S[b];
  return l / static_cast<double>(lq.size());
}

TEST(FlowGradient, MatchesFiniteDifferencesForEveryParameter) {
  SingleThread one;
  const phi4::Couplings c = phi4::ising_couplings(0.55, 0.5);
  for (const Case& cs : cases()) {
    SCOPED_TRACE(cs.name);
    Flow<double> flow(be(), cs.spec, 11);
    // Move away from the initialisation (rescale != 1) so that no term vanishes by accident.
    std::vector<double> p = flow.params().to_host();
    for (std::size_t i = 0; i < p.size(); ++i) p[i] += 0.05 * std::sin(1.7 * i);
    be().upload(p.data(), flow.params().view());
    FlowBatch<double> batch = make_flow_batch<double>(be(), 4, 5);
    flow.sample(batch, PhiloxKey{7, 1}, 3, FlowMode::train);
    const double loss = flow.loss_and_gradient(batch, c);
    EXPECT_NEAR(loss, loss_at(flow, batch, c), 1e-12 * std::abs(loss));
    const std::vector<double> g = flow.grads().to_host();
    const double h = 1e-6;
    int checked = 0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      std::vector<double> q = p;
      q[i] = p[i] + h;
      be().upload(q.data(), flow.params().view());
      const double lp = loss_at(flow, batch, c);
      q[i] = p[i] - h;
      be().upload(q.data(), flow.params().view());
      const double lm = loss_at(flow, batch, c);
      const double fd = (lp - lm) / (2 * h);
      EXPECT_NEAR(g[i], fd, 2e-6 * (1 + std::abs(fd))) << "parameter " << i << " of " << p.size();
      ++checked;
    }
    be().upload(p.data(), flow.params().view());
    EXPECT_EQ(checked, flow.n_params());
  }
}

// log|det A| by Gaussian elimination with partial pivoting (A is small: V <= 16).
double log_abs_det(std::vector<std::vector<double>> a) {
  const std::size_t n = a.size();
  double log_det = 0;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t p = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (std::abs(a[i][k]) > std::abs(a[p][k])) p = i;
    std::swap(a[k], a[p]);
    log_det += std::log(std::abs(a[k][k]));
    for (std::size_t i = k + 1; i < n; ++i) {
      const double f = a[i][k] / a[k][k];
      for (std::size_t j = k; j < n; ++j) a[i][j] -= f * a[k][j];
    }
  }
  return log_det;
}

// log q(phi) = log r(z) - log|det df/dz| with the Jacobian from finite differences.
TEST(FlowLogDensity, MatchesBruteForceJacobianDeterminant) {
  SingleThread one;
  for (int L : {2, 4}) {
    for (Case cs : cases()) {
      SCOPED_TRACE(std::string(cs.name) + " L=" + std::to_string(L));
      cs.spec.L = L;
      Flow<double> flow(be(), cs.spec, 5);
      std::vector<double> p = flow.params().to_host();
      for (std::size_t i = 0; i < p.size(); ++i) p[i] += 0.1 * std::cos(0.9 * i);
      be().upload(p.data(), flow.params().view());
      const int V = L * L, half = V / 2;
      // Measure the standardisation statistics once, then use the flow as a fixed map.
      FlowBatch<double> stats_batch = make_flow_batch<double>(be(), L, 64);
      flow.sample(stats_batch, PhiloxKey{3, 3}, 0, FlowMode::train);

      FlowBatch<double> one = make_flow_batch<double>(be(), L, 1);
      flow.sample(one, PhiloxKey{9, 9}, 0, FlowMode::frozen);
      const double log_q = one.log_q.to_host()[0];
      // Recover z: sample again into a fresh batch without the flow (same Philox draws).
      std::vector<double> z(V);
      {
        Buffer<double> zb(be(), half);
        be().fill_normal(zb.view(), PhiloxKey{9, 9}, 0, 0.0, 1.0);
        auto h0 = zb.to_host();
        be().fill_normal(zb.view(), PhiloxKey{9, 9}, 1, 0.0, 1.0);
        auto h1 = zb.to_host();
        for (int i = 0; i < half; ++i) z[i] = h0[i], z[half + i] = h1[i];
      }
      auto map = [&](const std::vector<double>& zz) {
        FlowBatch<double> bb = make_flow_batch<double>(be(), L, 1);
        be().upload(zz.data(), bb.half[0].flat());
        be().upload(zz.data() + half, bb.half[1].flat());
        flow.forward(bb, FlowMode::frozen);
        std::vector<double> phi(V);
        auto a = bb.half[0].to_host(), b = bb.half[1].to_host();
        for (int i = 0; i < half; ++i) phi[i] = a[i], phi[half + i] = b[i];
        return std::make_pair(phi, bb.log_q.to_host()[0]);
      };
      EXPECT_NEAR(map(z).second, log_q, 1e-12 * std::abs(log_q));
      std::vector<std::vector<double>> J(V, std::vector<double>(V));
      const double h = 1e-6;
      for (int j = 0; j < V; ++j) {
        auto zp = z, zm = z;
        zp[j] += h;
        zm[j] -= h;
        const auto fp = map(zp).first, fm = map(zm).first;
        for (int i = 0; i < V; ++i) J[i][j] = (fp[i] - fm[i]) / (2 * h);
      }
      double log_r = -0.5 * V * std::log(2 * std::numbers::pi);
      for (double x : z) log_r -= 0.5 * x * x;
      const double log_det = log_abs_det(J);
      EXPECT_NEAR(log_q, log_r - log_det, 1e-6);
    }
  }
}

TEST(FlowEquivariance, Z2FlowIsOddAndKeepsLogDensity) {
  FlowSpec s = base_spec(6);
  s.affine_blocks = 2;
  Flow<double> flow(be(), s, 3);
  std::vector<double> p = flow.params().to_host();
  for (std::size_t i = 0; i < p.size(); ++i) p[i] += 0.2 * std::sin(0.3 * i);
  be().upload(p.data(), flow.params().view());
  const int B = 4;
  // Batch [z, -z] in train mode: the batch statistics are symmetric too.
  FlowBatch<double> batch = make_flow_batch<double>(be(), 6, 2 * B);
  for (int h = 0; h < 2; ++h) {
    Buffer<double> zb(be(), 18 * B);
    be().fill_normal(zb.view(), PhiloxKey{1, 2}, h, 0.0, 1.0);
    auto z = zb.to_host();
    std::vector<double> both(z);
    for (double x : z) both.push_back(-x);
    be().upload(both.data(), batch.half[h].flat());
  }
  flow.forward(batch, FlowMode::train);
  const auto a = batch.half[0].to_host(), b = batch.half[1].to_host(), lq = batch.log_q.to_host();
  for (int i = 0; i < 18 * B; ++i) {
    EXPECT_NEAR(a[i], -a[18 * B + i], 1e-12);
    EXPECT_NEAR(b[i], -b[18 * B + i], 1e-12);
  }
  for (int k = 0; k < B; ++k) EXPECT_NEAR(lq[k], lq[B + k], 1e-10);
}

}  // namespace
}  // namespace fl::flows
