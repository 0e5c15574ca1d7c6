#include "experiments/rbm_ising/rbm_ising_study.hpp"

#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "core/progress.hpp"
#include "models/lattice/ising/exact.hpp"
#include "models/rbm/ais.hpp"
#include "models/rbm/couplings.hpp"
#include "models/rbm/ising_analysis.hpp"
#include "models/rbm/rbm_exact.hpp"
#include "models/rbm/spin_couplings.hpp"

namespace fl::rbm_ising {
namespace {

nlohmann::json thermo_json(const ising::ThermoEstimate& e) {
  return {{"e", e.e},   {"e_err", e.e_err},   {"abs_m", e.abs_m}, {"abs_m_err", e.abs_m_err},
          {"cv", e.cv}, {"cv_err", e.cv_err}, {"chi", e.chi},     {"chi_err", e.chi_err}};
}

}  // namespace

void Study::add_spin_couplings(nlohmann::json& j, const rbm::RbmParams& p, const ising::IsingLattice& lat,
                               const std::string& tag, double T) const {
  const int n = p.n_v;
  std::vector<double> K2(static_cast<std::size_t>(n) * n, 0.0), K2_err(K2.size(), 0.0);
  if (n <= 20) {
    const auto K = rbm::spin_couplings_all(p);
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b)
        K2[static_cast<std::size_t>(a) * n + b] = K2[static_cast<std::size_t>(b) * n + a] = K[(1u << a) | (1u << b)];
    j["k2_method"] = "exact";
  } else {
    const auto e = rbm::spin_couplings_mc(p, s_.spin_samples, s_.seed + 29);
    K2 = e.K2, K2_err = e.K2_err;
    j["k2_method"] = "monte_carlo";
    j["k2_samples"] = s_.spin_samples;
  }
  write_npy(out_ / ("k2_" + tag + ".npy"), K2, {n, n});
  const auto cs = rbm::coupling_stats(K2, lat);
  // The pairs share the Monte Carlo samples, so the error of their mean is bounded by the
  // mean of their errors (not divided by sqrt(pairs)).
  double err_sum = 0, err_max = 0;
  const auto bonds = ising::bond_list(lat);
  for (const auto& [a, b] : bonds) err_sum += K2_err[static_cast<std::size_t>(a) * n + b];
  for (double e : K2_err) err_max = std::max(err_max, e);
  j["k2_nn_mean"] = cs.nn_mean;
  j["k2_nn_mean_err"] = bonds.empty() ? 0.0 : err_sum / static_cast<double>(bonds.size());
  j["k2_nn_std"] = cs.nn_std;
  j["k2_nn_expected"] = 1.0 / T;
  j["k2_other_max_abs"] = cs.other_max_abs;
  j["k2_other_mean_abs"] = cs.other_mean_abs;
  j["k2_max_err"] = err_max;
}

void Study::check_feasible(int n_v) const {
  const int n_h = s_.n_hidden > 0 ? s_.n_hidden : n_v;
  rbm::check_shape(n_v, n_h, "rbm.n_hidden");
  require(s_.log_z_mode != "exact" || std::min(n_v, n_h) <= rbm::kMaxExactUnits,
          "monitor.log_z: exact log Z needs a layer of at most " + std::to_string(rbm::kMaxExactUnits) +
              " units, but n_visible = " + std::to_string(n_v) + " and n_hidden = " + std::to_string(n_h));
}

nlohmann::json Study::run_temperature(const ising::IsingLattice& lat, const ising::TemperatureSamples& data,
                                      const std::string& tag, bool have_mc) {
  const int n_v = lat.n_sites(), n_h = s_.n_hidden > 0 ? s_.n_hidden : n_v;
  const double T = data.T;
  check_feasible(n_v);
  const bool exact_possible = std::min(n_v, n_h) <= rbm::kMaxExactUnits;
  const bool use_exact = s_.log_z_mode == "exact" || (s_.log_z_mode == "auto" && exact_possible);
  const bool small = n_v <= 20;  // KL and full enumeration of visible states

  rbm::Rbm machine(backend_, n_v, n_h);
  machine.init_normal(s_.init_std, s_.seed);
  rbm::RbmTrainer trainer(machine, data.configs, s_.train);
  const auto base = rbm::base_rate_biases(data.configs, n_v);
  const auto betas = rbm::ais_default_schedule(s_.ais_betas);
  ising::ExactThermo exact;
  const bool have_exact = ising::ising_exact(lat, T, 1.0, exact);

  struct LogLik {
    double ll, err, log_z;
  };
  std::uint32_t ais_seed = s_.seed + 1000;
  auto loglik = [&](const rbm::RbmParams& p) {
    const double f_data = rbm::mean_free_energy(p, data.configs, s_.ll_max_configs);
    if (use_exact) {
      const double lz = rbm::log_partition_exact(p);
      return LogLik{-f_data - lz, 0.0, lz};
    }
    const auto r = rbm::ais_log_partition(machine, base, betas, s_.ais_runs, ais_seed++);
    return LogLik{-f_data - r.log_z, r.log_z_err, r.log_z};
  };

  CsvTable history({"epoch", "loglik", "loglik_err", "reconstruction_error", "free_energy_gap", "kl"});
  int total_epochs = 0;
  for (const auto& st : s_.stages) total_epochs += st.epochs;
  Progress progress("rbm-ising " + tag, total_epochs, quiet_);
  int epoch = 0;
  double recon = std::numeric_limits<double>::quiet_NaN(), gap = recon, kl = recon;
  LogLik last{};
  auto monitor = [&]() {
    const auto p = machine.to_params();
    last = loglik(p);
    const auto neg = trainer.negative_samples();  // n_v x batch, column-major: rows of n_v
    std::vector<std::uint8_t> neg_rows(neg.size());
    for (std::size_t i = 0; i < neg.size(); ++i) neg_rows[i] = neg[i] > 0.5 ? 1 : 0;
    gap = rbm::mean_free_energy(p, data.configs, s_.ll_max_configs) -
          rbm::mean_free_energy(p, neg_rows, static_cast<std::int64_t>(neg_rows.size()));
    if (small) kl = rbm::kl_ising_rbm(p, lat, T);
    history.add_row({static_cast<double>(epoch), last.ll, last.err, recon, gap, kl});
  };
  monitor();
  for (const auto& st : s_.stages)
    for (int e = 0; e < st.epochs; ++e) {
      recon = trainer.epoch(st.learning_rate, st.k);
      ++epoch;
      if (epoch % s_.monitor_every == 0 || epoch == total_epochs) monitor();
      progress.update(epoch, "LL " + std::to_string(last.ll));
    }
  progress.finish();
  history.write(out_ / ("history_" + tag + ".csv"));

  // Final analysis.
  const auto p = machine.to_params();
  const auto J2 = rbm::couplings_order2(p);
  write_npy(out_ / ("j2_" + tag + ".npy"), J2, {n_v, n_v});
  write_npy(out_ / ("rbm_" + tag + "_W.npy"), p.W, {n_v, n_h}, true);  // W is n_h x n_v column-major
  write_npy(out_ / ("rbm_" + tag + "_b.npy"), p.b, {n_v});
  write_npy(out_ / ("rbm_" + tag + "_c.npy"), p.c, {n_h});
  const auto cs = rbm::coupling_stats(J2, lat);
  const auto samples = rbm::gibbs_sample(machine, s_.gibbs);
  const auto rbm_obs = rbm::observables_of_samples(samples, s_.gibbs.n_chains, lat, T);

  nlohmann::json j = {{"T", T},
                      {"n_visible", n_v},
                      {"n_hidden", n_h},
                      {"n_configs", static_cast<std::int64_t>(data.configs.size() / n_v)},
                      {"epochs", total_epochs},
                      {"loglik", last.ll},
                      {"loglik_err", last.err},
                      {"log_z", last.log_z},
                      {"log_z_method", use_exact ? "exact" : "ais"},
                      {"reconstruction_error", recon},
                      {"free_energy_gap", gap},
                      {"j2_nn_mean", cs.nn_mean},
                      {"j2_nn_std", cs.nn_std},
                      {"j2_nn_expected", 4.0 / T},
                      {"j2_other_max_abs", cs.other_max_abs},
                      {"j2_other_mean_abs", cs.other_mean_abs},
                      {"j3_path_max_abs", rbm::max_abs_j3_on_paths(p, lat)},
                      {"rbm", thermo_json(rbm_obs)}};
  add_spin_couplings(j, p, lat, tag, T);
  if (lat.dim == 2) {
    j["h_vertical_mean"] = cs.vertical_h_mean;
    j["h_vertical_std"] = cs.vertical_h_std;
  }
  // Statistical error of the data average in the log-likelihood (separate from the AIS error).
  const double ll_data_err = rbm::free_energy_standard_error(p, data.configs, s_.ll_max_configs);
  j["loglik_data_err"] = ll_data_err;
  if (have_exact) {
    j["entropy_exact"] = exact.entropy;
    j["loglik_bound"] = -exact.entropy;
    j["loglik_minus_bound_sigma"] = (last.ll + exact.entropy) / std::hypot(ll_data_err, last.err);
    nlohmann::json ex = {{"e", exact.e}, {"cv", exact.cv}, {"ln_z", exact.ln_z}};
    if (std::isfinite(exact.abs_m)) ex["abs_m"] = exact.abs_m, ex["chi"] = exact.chi;
    j["exact"] = ex;
  }
  if (have_mc) j["mc"] = thermo_json(data.estimate);
  if (small) {
    j["kl_ising_rbm"] = kl;
    const auto spread = rbm::energy_gap_spread(p, lat, T, data.configs);
    j["energy_gap_mean"] = spread.mean;  // H/T - F: constant for a perfect machine
    j["energy_gap_std"] = spread.std;
    if (have_exact) j["energy_gap_exact"] = last.log_z - exact.ln_z;
  }
  return j;
}

}  // namespace fl::rbm_ising
