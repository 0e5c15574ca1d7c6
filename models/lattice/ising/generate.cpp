#include "models/lattice/ising/generate.hpp"

#include <algorithm>
#include <cmath>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/stats.hpp"
#include "models/lattice/ising/chain_sampler.hpp"
#include "models/lattice/ising/ising_engine.hpp"

namespace fl::ising {

Algorithm algorithm_from_name(const std::string& name) {
  if (name == "metropolis") return Algorithm::metropolis;
  if (name == "wolff") return Algorithm::wolff;
  if (name == "exact") return Algorithm::exact;
  input_error("algorithm: must be 'metropolis', 'wolff' or 'exact' (1D only), got '" + name + "'");
}

std::string algorithm_name(Algorithm a) {
  return a == Algorithm::metropolis ? "metropolis" : a == Algorithm::wolff ? "wolff" : "exact";
}

void validate(const GenerateOptions& o) {
  validate(o.lattice);
  require(!o.temperatures.empty(), "temperatures: the list is empty");
  for (double T : o.temperatures)
    require(T > 0 && std::isfinite(T), "temperatures: every T must be > 0, got " + std::to_string(T));
  require(o.J > 0, "coupling: must be > 0");
  require(o.n_configs >= 1, "n_configs: must be at least 1");
  require(o.chains_per_temperature >= 1, "sampling.chains_per_temperature: must be at least 1");
  require(o.thermalization >= 0, "sampling.thermalization: must be >= 0");
  require(o.pilot >= 16, "sampling.pilot: must be at least 16 updates");
  require(o.min_spacing >= 1, "sampling.min_spacing: must be at least 1");
  require(o.wolff_clusters >= 1, "sampling.wolff_clusters: must be at least 1");
  require(o.algorithm != Algorithm::exact || o.lattice.dim == 1,
          "algorithm: 'exact' sampling exists only for 1D chains");
  require(o.algorithm != Algorithm::metropolis || o.lattice.bipartite(),
          "lattice.L: checkerboard Metropolis on a periodic lattice needs an even L");
  require(static_cast<double>(o.temperatures.size()) * o.chains_per_temperature < 4e9,
          "sampling.chains_per_temperature: too many chains");
}

namespace {

std::uint8_t to_bit(std::int8_t s) { return static_cast<std::uint8_t>(s > 0 ? 1 : 0); }

std::vector<TemperatureSamples> generate_exact(const GenerateOptions& o) {
  std::vector<TemperatureSamples> out;
  const int n = o.lattice.n_sites();
  for (std::size_t t = 0; t < o.temperatures.size(); ++t) {
    TemperatureSamples ts;
    ts.T = o.temperatures[t];
    const auto spins = sample_chain_exact(n, o.lattice.periodic(), ts.T, o.J, o.n_configs,
                                          o.seed + static_cast<std::uint32_t>(7919 * t));
    ChainSeries series;
    for (std::int64_t k = 0; k < o.n_configs; ++k) {
      const std::int8_t* s = &spins[static_cast<std::size_t>(k) * n];
      long b = 0, m = 0;
      for (int i = 0; i < n; ++i) {
        m += s[i];
        ts.configs.push_back(to_bit(s[i]));
        const int j = o.lattice.neighbour(i, 0);
        if (j >= 0) b += s[i] * s[j];
      }
      series.bond_sum.push_back(static_cast<double>(b));
      series.magnetisation.push_back(static_cast<double>(m));
    }
    ts.estimate = estimate_thermo({series}, n, ts.T, o.J, 1);
    out.push_back(std::move(ts));
  }
  return out;
}

}  // namespace

std::vector<TemperatureSamples> generate_ising_samples(Backend& backend, const GenerateOptions& o,
                                                       Progress* progress) {
  validate(o);
  if (o.algorithm == Algorithm::exact) return generate_exact(o);

  const IsingLattice& lat = o.lattice;
  const int n = lat.n_sites(), n_t = static_cast<int>(o.temperatures.size());
  const int cpt = o.chains_per_temperature;
  const index_t chains = static_cast<index_t>(n_t) * cpt;
  auto engine = make_ising_engine(backend);
  std::vector<double> beta_host(chains);
  for (index_t c = 0; c < chains; ++c) beta_host[c] = o.J / o.temperatures[c / cpt];
  auto beta = Buffer<double>::from_host(backend, beta_host);
  Buffer<std::int8_t> spins(backend, chains * n);
  Buffer<double> bond_dev(backend, chains), mag_dev(backend, chains);

  std::uint64_t update = 0;  // global update counter: distinct random numbers for every call
  auto advance = [&](int count) {
    if (o.algorithm == Algorithm::metropolis)
      engine->metropolis(lat, spins.view(), beta.view(), o.seed, update, count);
    else
      engine->wolff(lat, spins.view(), beta.view(), o.seed, update * o.wolff_clusters, count * o.wolff_clusters);
    update += count;
  };
  auto measure = [&](std::vector<double>& bonds, std::vector<double>& mags) {
    engine->measure(lat, spins.view(), bond_dev.view(), mag_dev.view());
    bonds = bond_dev.to_host();
    mags = mag_dev.to_host();
  };

  const std::int64_t per_chain = (o.n_configs + cpt - 1) / cpt;
  engine->randomize(lat, spins.view(), o.seed);
  advance(o.thermalization);

  // Pilot: tau_int of |m| per temperature (mean over its chains), in updates.
  std::vector<std::vector<double>> pilot_abs_m(chains);
  std::vector<double> bonds, mags;
  for (int k = 0; k < o.pilot; ++k) {
    advance(1);
    measure(bonds, mags);
    for (index_t c = 0; c < chains; ++c) pilot_abs_m[c].push_back(std::abs(mags[c]) / n);
  }
  std::vector<TemperatureSamples> out(n_t);
  std::int64_t total_updates = 0;
  for (int t = 0; t < n_t; ++t) {
    double tau = 0;
    for (int c = 0; c < cpt; ++c) tau += stats::tau_int(pilot_abs_m[t * cpt + c]).tau;
    out[t].T = o.temperatures[t];
    out[t].tau_int_abs_m = tau / cpt;
    out[t].spacing = std::max(o.min_spacing, static_cast<int>(std::ceil(2 * out[t].tau_int_abs_m)));
    out[t].configs.reserve(static_cast<std::size_t>(o.n_configs) * n);
    total_updates = std::max(total_updates, out[t].spacing * per_chain);
  }

  // Sampling: chain c records every spacing(T) updates until it holds its quota.
  std::vector<ChainSeries> series(chains);
  std::vector<std::int64_t> taken(n_t, 0);
  std::vector<std::int8_t> host;
  for (std::int64_t k = 1; k <= total_updates; ++k) {
    advance(1);
    bool any = false;
    for (int t = 0; t < n_t; ++t) any |= k % out[t].spacing == 0 && k / out[t].spacing <= per_chain;
    if (!any) continue;
    measure(bonds, mags);
    host = spins.to_host();
    for (int t = 0; t < n_t; ++t) {
      if (k % out[t].spacing != 0 || k / out[t].spacing > per_chain) continue;
      for (int c = 0; c < cpt; ++c) {
        const index_t chain = static_cast<index_t>(t) * cpt + c;
        series[chain].bond_sum.push_back(bonds[chain]);
        series[chain].magnetisation.push_back(mags[chain]);
        if (taken[t] < o.n_configs) {  // the last round may overshoot n_configs: keep n_configs
          const std::int8_t* s = &host[static_cast<std::size_t>(chain) * n];
          for (int i = 0; i < n; ++i) out[t].configs.push_back(to_bit(s[i]));
          ++taken[t];
        }
      }
    }
    if (progress) progress->update(k * 100 / total_updates);
  }
  for (int t = 0; t < n_t; ++t) {
    std::vector<ChainSeries> mine(series.begin() + static_cast<index_t>(t) * cpt,
                                  series.begin() + static_cast<index_t>(t + 1) * cpt);
    out[t].estimate = estimate_thermo(mine, n, out[t].T, o.J);
  }
  return out;
}

}  // namespace fl::ising
