#include "models/flows/flow_mh.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "models/lattice/phi4/lattice.hpp"

namespace fl::flows {

double rejection_tau(const std::vector<std::uint8_t>& accepted) {
  const std::int64_t n = static_cast<std::int64_t>(accepted.size());
  // run[i] = length of the run of rejections starting at i.
  std::vector<std::int64_t> run(n + 1, 0);
  for (std::int64_t i = n - 1; i >= 0; --i) run[i] = accepted[i] ? 0 : run[i + 1] + 1;
  // count(t) = #{i : run[i+1] >= t} (such a run fits inside the chain by construction).
  std::vector<std::int64_t> at_least(n + 1, 0);
  for (std::int64_t i = 0; i + 1 < n; ++i) ++at_least[run[i + 1]];
  for (std::int64_t t = n - 1; t >= 1; --t) at_least[t - 1] += at_least[t];
  double tau = 0.5;
  for (std::int64_t t = 1; t < n && at_least[t] > 0; ++t)
    tau += static_cast<double>(at_least[t]) / static_cast<double>(n - t);
  return tau;
}

template <class T>
FlowMhResult flow_metropolis(Flow<T>& flow, const phi4::Couplings& c, const FlowMhSettings& s,
                             phi4::MeasurementSeries* series) {
  require(s.n_samples > 0 && s.batch > 0 && s.n_thermalise >= 0,
          "sampler: n_samples and batch must be positive");
  const int L = flow.spec().L, V = L * L, half = V / 2;
  const std::vector<int> to_lex = phi4::checkerboard_to_lexicographic(L);
  Backend& backend = flow.backend();
  FlowBatch<T> batch = make_flow_batch<T>(backend, L, s.batch);

  FlowMhResult r;
  const std::int64_t total = s.n_thermalise + s.n_samples;
  std::vector<double> log_w_all;
  log_w_all.reserve(static_cast<std::size_t>(total));
  std::vector<double> current(V), proposal_lex(static_cast<std::size_t>(V) * s.batch);
  std::vector<T> h0, h1;
  double current_log_w = 0;
  bool have_current = false;
  std::int64_t done = 0, n_acc = 0;
  std::uint64_t step = s.first_step;
  PhiloxStream accept_rng(PhiloxKey{s.key.seed, s.key.stream + 1}, s.first_step);
  const auto t0 = std::chrono::steady_clock::now();
  while (done < total) {
    flow.sample(batch, s.key, step++, FlowMode::frozen);
    flow.compute_action(batch, c);
    const std::vector<double> log_q = batch.log_q.to_host(), S = batch.action.to_host();
    if (s.measure) {
      h0 = batch.half[0].to_host();
      h1 = batch.half[1].to_host();
    }
    for (index_t b = 0; b < s.batch && done < total; ++b, ++done) {
      const double lw = -S[b] - log_q[b];
      if (!std::isfinite(lw)) throw NumericalError("flow sampler: non-finite log-weight");
      log_w_all.push_back(lw);
      const bool acc = !have_current || lw >= current_log_w ||
                       accept_rng.uniform() < std::exp(lw - current_log_w);
      if (acc) {
        current_log_w = lw;
        have_current = true;
        if (s.measure)
          for (int i = 0; i < half; ++i) {
            current[to_lex[i]] = h0[i + b * half];
            current[to_lex[half + i]] = h1[i + b * half];
          }
      }
      if (done >= s.n_thermalise) {
        r.accepted.push_back(acc ? 1 : 0);
        n_acc += acc;
        if (series) series->add(current.data(), 1);
      }
    }
  }
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.acceptance = static_cast<double>(n_acc) / static_cast<double>(s.n_samples);
  r.tau_rejection = rejection_tau(r.accepted);
  const double mx = *std::max_element(log_w_all.begin(), log_w_all.end());
  double sw = 0, sw2 = 0, m = 0, m2 = 0;
  for (double lw : log_w_all) {
    const double w = std::exp(lw - mx);
    sw += w;
    sw2 += w * w;
    m += lw;
    m2 += lw * lw;
  }
  const double n = static_cast<double>(log_w_all.size());
  r.ess_per_sample = sw * sw / (n * sw2);
  r.log_z = mx + std::log(sw / n);
  m /= n;
  r.log_w_std = std::sqrt(std::max(0.0, m2 / n - m * m));
  return r;
}

template FlowMhResult flow_metropolis<float>(Flow<float>&, const phi4::Couplings&, const FlowMhSettings&,
                                             phi4::MeasurementSeries*);
template FlowMhResult flow_metropolis<double>(Flow<double>&, const phi4::Couplings&, const FlowMhSettings&,
                                              phi4::MeasurementSeries*);

}  // namespace fl::flows
