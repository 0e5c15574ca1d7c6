// Finite networks vs their infinite-width limit: NTK-parameterised networks trained by small-step
// gradient descent on 1/2 sum (f - y)^2 for time eta*t converge, as the width grows, to the
// NTK-GP mean at the same eta*t (Lee et al. 2019). Antithetic replica pairs cancel the initial
// function of the linearised dynamics, so what remains is the finite-width deviation.
#include <gtest/gtest.h>

#include <cmath>

#include "core/buffer.hpp"
#include "core/philox.hpp"
#include "models/kernels/infinite_width.hpp"
#include "models/spectral/gp_regression.hpp"
#include "models/spectral/network_sweep.hpp"

namespace {
using namespace fl;

TEST(NetworkSweep, WideNtkNetworksConvergeToTheNtkGpMean) {
  const index_t n_in = 6, N = 8, n_out = 3, M = 4;
  Backend& b = cpu_backend();
  const auto random = [](index_t n, std::uint32_t stream) {
    std::vector<double> v(static_cast<std::size_t>(n));
    for (index_t i = 0; i < n; ++i) v[i] = normal_at(PhiloxKey{3, stream}, 0, static_cast<std::uint64_t>(i), 0.0);
    return v;
  };
  const auto X = Matrix<double>::from_host(b, n_in, N, random(n_in * N, 0));
  const auto Y = Matrix<double>::from_host(b, n_out, N, random(n_out * N, 1));
  const auto Xt = Matrix<double>::from_host(b, n_in, M, random(n_in * M, 2));

  spectral::NetworkSweepConfig c;
  c.widths = {32, 128, 512};
  c.hidden_layers = 2;
  c.sigma_w = 1.5;
  c.sigma_b = 0.2;
  c.replicas = 8;
  c.antithetic = true;
  c.optimizer = "gd";
  c.mean_loss = false;
  c.batch_size = 0;  // full batch: gradient descent on the whole set
  c.shuffle = false;
  c.learning_rate = 0.02;
  c.epochs = 150;  // eta t = 3
  const auto results = spectral::train_width_sweep(b, c, X.view(), Y.view(), Xt.view(), 11, true);

  kernels::FullyConnectedSpec spec;
  spec.hidden_layers = 2;
  spec.sigma_w = 1.5;
  spec.sigma_b = 0.2;
  const auto tr = kernels::infinite_width_kernels(b, spec, X.view());
  const auto cr = kernels::infinite_width_kernels(b, spec, X.view(), Xt.view());
  const auto te = kernels::infinite_width_kernels(b, spec, Xt.view());
  const auto gp = spectral::ntk_gp_at_time(b, {tr.ntk.view(), cr.ntk.view(), te.ntk.view()},
                                           {tr.nngp.view(), cr.nngp.view(), te.nngp.view()}, Y.view(),
                                           c.learning_rate * c.epochs);
  const auto mu = gp.mean.to_host();  // n_out x M
  double norm = 0;
  for (double v : mu) norm += v * v;
  std::vector<double> rel;
  for (const auto& r : results) {
    double d = 0;
    for (index_t j = 0; j < M; ++j) {
      const auto& f = j == 0 ? r.ensemble_mean_central : r.ensemble_mean_samples[j - 1];
      for (index_t i = 0; i < n_out; ++i) d += std::pow(f[i] - mu[i + j * n_out], 2);
    }
    rel.push_back(std::sqrt(d / norm));
  }
  // 16x the width: finite-width deviations (O(1/sqrt(width)) per net) shrink by ~4.
  EXPECT_LT(rel[2], 0.5 * rel[0]) << rel[0] << " " << rel[1] << " " << rel[2];
  EXPECT_LT(rel[2], 0.1) << rel[2];
  std::cout << "relative distance to the NTK-GP mean, widths 32/128/512: " << rel[0] << " " << rel[1] << " "
            << rel[2] << "\n";
}

}  // namespace
