#include "models/lattice/phi4/samplers.hpp"

#include <chrono>
#include <cmath>
#include <vector>

#include "core/buffer.hpp"
#include "core/error.hpp"

namespace fl::phi4 {

ChainResult run_chains(Backend& backend, LocalSampler kind, const Couplings& c,
                       const ChainSettings& s, const ProgressFn& progress) {
  require(s.n_chains > 0, "chains: n_chains must be positive");
  require(s.n_measure > 0 && s.thin > 0 && s.n_thermalise >= 0,
          "chains: n_measure and thin must be positive, n_thermalise non-negative");
  const int V = s.L * s.L;
  auto engine = make_phi4_engine(backend, s.L);
  Matrix<double> fields(backend, V, s.n_chains);
  // Hot start, small amplitude; a separate Philox stream from the chains' updates.
  backend.fill_normal(fields.flat(), PhiloxKey{s.seed, 0xFFFF0001u}, 0, 0.0, 0.5);
  Buffer<double> accepted(backend, s.n_chains), delta_h(backend, s.n_chains);

  ChainResult result{MeasurementSeries(s.L), 0.0, 0.0, 0.0, s.hmc, 0.0};
  HmcParams hmc = s.hmc;
  std::uint64_t step = 0;
  auto update = [&]() {
    if (kind == LocalSampler::metropolis)
      engine->metropolis_sweep(fields.view(), c, s.metropolis_delta, s.seed, step++, accepted.view());
    else
      engine->hmc_trajectory(fields.view(), c, hmc, s.seed, step++, delta_h.view(), accepted.view());
  };
  auto mean_of = [](const std::vector<double>& v) {
    double a = 0;
    for (double x : v) a += x;
    return a / static_cast<double>(v.size());
  };

  for (std::int64_t i = 0; i < s.n_thermalise; ++i) {
    update();
    // Robbins-Monro-like step adaptation toward the target acceptance, thermalisation only.
    if (kind == LocalSampler::hmc && s.tune_hmc) {
      const double acc = mean_of(accepted.to_host());
      const double gain = 1.0 / std::sqrt(1.0 + i);
      hmc.step_size *= std::exp(gain * 0.5 * (acc - s.hmc_target_acceptance));
    }
  }
  result.hmc_used = hmc;

  double acc_sum = 0, w_sum = 0, w2_sum = 0;
  std::int64_t n_traj = 0;
  std::vector<double> host(static_cast<std::size_t>(V) * s.n_chains);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::int64_t i = 0; i < s.n_measure; ++i) {
    for (std::int64_t k = 0; k < s.thin; ++k) {
      update();
      acc_sum += mean_of(accepted.to_host());
      if (kind == LocalSampler::hmc)
        for (double dh : delta_h.to_host()) {
          const double w = std::exp(-dh);
          w_sum += w;
          w2_sum += w * w;
          ++n_traj;
        }
    }
    backend.download<double>(fields.flat(), host.data());
    result.series.add(host.data(), s.n_chains);
    if (progress) progress(i + 1, s.n_measure);
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  result.acceptance = acc_sum / static_cast<double>(s.n_measure * s.thin);
  if (n_traj > 1) {
    const double mean = w_sum / n_traj;
    result.mean_exp_minus_dh = mean;
    result.mean_exp_minus_dh_err = std::sqrt((w2_sum / n_traj - mean * mean) / (n_traj - 1));
  }
  return result;
}

}  // namespace fl::phi4
