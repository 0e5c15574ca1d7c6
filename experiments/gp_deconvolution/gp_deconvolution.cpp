// `fieldlearn gp-deconvolution`: spectral reconstruction of a lattice harmonic-oscillator
// correlator with the infinite-width limits of a network (NNGP, NTK-GP), finite networks of
// growing width, Backus-Gilbert and a Bayesian GP with a linear observable, all compared to the
// smeared exact spectral density (docs/gp-deconvolution.md).
#include <cmath>
#include <limits>
#include <map>

#include "core/buffer.hpp"
#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "experiments/experiment.hpp"
#include "experiments/gp_deconvolution/defaults.hpp"
#include "experiments/gp_deconvolution/settings.hpp"
#include "models/lattice/qho/correlator_analysis.hpp"
#include "models/spectral/backus_gilbert.hpp"
#include "models/spectral/gp_regression.hpp"
#include "models/spectral/linear_gp.hpp"
#include "models/spectral/network_sweep.hpp"

namespace fl::gp_deconvolution {
namespace {

using spectral::InverseProblem;

// Folded correlator with bootstrap samples, from Monte Carlo or from a file.
struct CorrelatorData {
  qho::BootstrapEstimate folded;  // n_t/2 + 1 slices
  double acceptance = 1.0;
  std::string source;
};

std::vector<double> read_correlator_file(const std::string& file, int n_t, int& n_samples) {
  const NpyArray a = read_npy(file);
  const std::vector<double> v = a.to_f64();
  const std::int64_t last = a.shape.empty() ? 1 : a.shape.back();
  require(a.shape.size() == 1 || a.shape.size() == 2,
          file + ": expected a 1-D (n_t) or 2-D (samples x n_t) array");
  require(last == n_t, file + ": correlator length " + std::to_string(last) + " does not match qho.n_t = " +
                           std::to_string(n_t));
  for (double x : v) require(std::isfinite(x), file + ": contains non-finite values");
  n_samples = static_cast<int>(v.size() / n_t);
  return v;
}

CorrelatorData measure_correlator(RunContext& ctx, const Settings& s) {
  CorrelatorData d;
  std::vector<double> series;
  int chains = 1, per_chain = 1;
  if (!s.correlator_file.empty()) {
    series = read_correlator_file(s.correlator_file, s.qho.n_t, per_chain);
    require(per_chain >= 2 * s.block_size, s.correlator_file + ": needs at least 2 blocks of analysis.block_size samples");
    d.source = s.correlator_file;
  } else {
    Progress progress = ctx.progress("qho " + qho::operator_name(s.op), s.mc.n_configs / s.mc.n_chains);
    const qho::CorrelatorSeries mc = qho::run_monte_carlo(ctx.backend, s.qho, s.mc, &progress);
    progress.finish();
    series = mc.of(s.op == qho::Operator::x3);
    chains = mc.n_chains;
    per_chain = mc.per_chain;
    d.acceptance = mc.acceptance();
    d.source = "monte carlo";
  }
  const auto folded = qho::fold_correlators(series, s.qho.n_t, s.fold);
  d.folded = qho::blocked_bootstrap(folded, chains, per_chain, s.qho.n_t / 2 + 1, s.block_size, s.n_boot, ctx.seed);
  return d;
}

// A reconstruction: the prediction from the central correlator and from each bootstrap sample.
struct Reconstruction {
  std::vector<double> central;
  std::vector<std::vector<double>> samples;
  std::vector<double> error;  // std over samples (or the method's own error when no samples)
};

void finish_errors(Reconstruction& r) {
  const std::size_t n = r.central.size(), m = r.samples.size();
  r.error.assign(n, 0.0);
  if (m < 2) return;
  for (std::size_t i = 0; i < n; ++i) {
    double mean = 0, var = 0;
    for (const auto& s : r.samples) mean += s[i] / m;
    for (const auto& s : r.samples) var += (s[i] - mean) * (s[i] - mean) / (m - 1);
    r.error[i] = std::sqrt(var);
  }
}

// Columns of an n x m column-major host matrix.
std::vector<std::vector<double>> columns(const std::vector<double>& a, std::size_t n, std::size_t m) {
  std::vector<std::vector<double>> c(m);
  for (std::size_t j = 0; j < m; ++j) c[j].assign(a.begin() + j * n, a.begin() + (j + 1) * n);
  return c;
}

Reconstruction from_columns(const Matrix<double>& mean) {
  const auto cols = columns(mean.to_host(), static_cast<std::size_t>(mean.rows()), static_cast<std::size_t>(mean.cols()));
  Reconstruction r;
  r.central = cols[0];
  r.samples.assign(cols.begin() + 1, cols.end());
  finish_errors(r);
  return r;
}

nlohmann::json jitter_json(const spectral::GpPrediction& p) {
  return {{"jitter", p.info.jitter}, {"jitter_relative", p.info.jitter_relative}, {"attempts", p.info.attempts},
          {"diag_reg_added", p.diag_added}};
}

// Solves with the configured jitter limit; an indefinite kernel is a configuration problem.
template <class F>
spectral::GpPrediction guarded(const std::string& what, F&& solve) {
  try {
    return solve();
  } catch (const NumericalError& e) {
    throw InputError("kernel: the " + what + " matrix is not positive definite within kernel.max_jitter (" +
                     std::string(e.what()) + "); raise kernel.diag_reg or change kernel.sigma_w/sigma_b");
  }
}

nlohmann::json peak_json(const InverseProblem& ip, const Reconstruction& r, double lo, double hi) {
  const auto c = spectral::peak_summary(ip, r.central, lo, hi);
  double pe = 0, ae = 0;
  if (r.samples.size() >= 2) {
    std::vector<double> pos, area;
    for (const auto& s : r.samples) {
      const auto p = spectral::peak_summary(ip, s, lo, hi);
      pos.push_back(p.position);
      area.push_back(p.area);
    }
    const auto sd = [](const std::vector<double>& v) {
      double m = 0, q = 0;
      for (double x : v) m += x / v.size();
      for (double x : v) q += (x - m) * (x - m) / (v.size() - 1);
      return std::sqrt(q);
    };
    pe = sd(pos);
    ae = sd(area);
  }
  return {{"window", {lo, hi}}, {"position", c.position}, {"position_err", pe}, {"area", c.area}, {"area_err", ae}};
}

double rms_pull(const std::vector<double>& rho, const std::vector<double>& err, const std::vector<double>& target) {
  double s = 0;
  int n = 0;
  for (std::size_t i = 0; i < rho.size(); ++i)
    if (err[i] > 0) {
      const double p = (rho[i] - target[i]) / err[i];
      s += p * p;
      ++n;
    }
  return n ? std::sqrt(s / n) : std::nan("");
}

void run(RunContext& ctx) {
  const Settings s = parse_settings(ctx.config);
  Backend& backend = ctx.backend;
  const InverseProblem& ip = s.inverse;
  const double e1 = qho::energy_gap(s.qho);
  const auto lines = qho::exact_spectral_lines(s.qho, s.op);
  spectral::require_grid_covers(ip, lines, s.smear_sigma, "inverse_problem");

  // --- correlator and its spectrum -------------------------------------------------------
  const CorrelatorData data = measure_correlator(ctx, s);
  const auto& est = data.folded;
  const auto exact_folded = qho::fold_correlators(qho::exact_correlator(s.qho, s.op), s.qho.n_t, s.fold);
  const auto energy_of = [&](const std::vector<double>& c) {
    return qho::cosh_energy_from_ratio(c[s.energy_t1] / c[s.energy_t2], s.energy_t1, s.energy_t2, s.qho.n_t);
  };
  std::vector<double> e_samples, g0_samples;
  for (const auto& b : est.samples) {
    e_samples.push_back(energy_of(b));
    g0_samples.push_back(b[0]);
  }
  const auto sd = [](const std::vector<double>& v) {
    double m = 0, q = 0;
    int n = 0;
    for (double x : v)
      if (std::isfinite(x)) m += x, ++n;
    m /= n;
    for (double x : v)
      if (std::isfinite(x)) q += (x - m) * (x - m);
    return std::sqrt(q / (n - 1));
  };
  auto& M = ctx.metrics;
  M["operator"] = qho::operator_name(s.op);
  M["correlator_source"] = data.source;
  M["mc_acceptance"] = data.acceptance;
  M["aE1_exact"] = e1;
  M["aE1_mc"] = energy_of(est.mean);
  M["aE1_mc_err"] = sd(e_samples);
  // The same estimator on the exact correlator: its excited-state bias at these (t1, t2).
  M["aE1_estimator_on_exact"] = energy_of(exact_folded);
  M["g0_exact"] = exact_folded[0];
  M["g0_mc"] = est.mean[0];
  M["g0_mc_err"] = est.error[0];
  {
    CsvTable table({"tau", "c_mc", "c_err", "c_exact", "e_eff", "e_eff_err", "e_eff_exact"});
    const auto eff = qho::effective_energies(est.mean, s.qho.n_t);
    const auto eff_exact = qho::effective_energies(exact_folded, s.qho.n_t);
    std::vector<std::vector<double>> eff_samples;
    for (const auto& b : est.samples) eff_samples.push_back(qho::effective_energies(b, s.qho.n_t));
    for (int t = 0; t <= s.qho.n_t / 2; ++t) {
      double ee = std::nan(""), ee_err = std::nan(""), ee_exact = std::nan("");
      if (t < s.qho.n_t / 2) {
        std::vector<double> col;
        for (const auto& v : eff_samples) col.push_back(v[t]);
        ee = eff[t];
        ee_err = sd(col);
        ee_exact = eff_exact[t];
      }
      table.add_row({double(t), est.mean[t], est.error[t], exact_folded[t], ee, ee_err, ee_exact});
    }
    table.write(ctx.out.file("correlator.csv"));
    write_npy(ctx.out.file("correlator_covariance.npy"), est.covariance, {est.n, est.n});
  }

  // Inputs of the reconstructions: the central correlator then n_test bootstrap samples (tau < n_tau).
  const int n_test = std::min<int>(s.n_test_samples, static_cast<int>(est.samples.size()));
  std::vector<double> tests;
  const auto push = [&](const std::vector<double>& c) { tests.insert(tests.end(), c.begin(), c.begin() + ip.n_tau); };
  push(est.mean);
  for (int i = 0; i < n_test; ++i) push(est.samples[i]);
  std::vector<double> cov_tau(static_cast<std::size_t>(ip.n_tau) * ip.n_tau);
  for (int j = 0; j < ip.n_tau; ++j)
    for (int i = 0; i < ip.n_tau; ++i) cov_tau[i + j * ip.n_tau] = est.covariance[i + static_cast<std::size_t>(j) * est.n];
  const std::vector<double> central(tests.begin(), tests.begin() + ip.n_tau);

  const auto target = spectral::smeared_lines(ip, lines, s.smear_sigma);
  std::map<std::string, Reconstruction> rec;

  // --- training set, kernels, GP predictions ------------------------------------------------
  const spectral::TrainingSet set = spectral::make_training_set(ip, s.train);
  const Matrix<double> X = Matrix<double>::from_host(backend, ip.n_tau, s.train.size, set.correlators);
  const Matrix<double> Y = Matrix<double>::from_host(backend, ip.n_omega, s.train.size, set.densities);
  const Matrix<double> Xs = Matrix<double>::from_host(backend, ip.n_tau, n_test + 1, tests);
  const auto k_train = kernels::infinite_width_kernels(backend, s.kernel, X.view());
  const auto k_cross = kernels::infinite_width_kernels(backend, s.kernel, X.view(), Xs.view());
  const auto k_test = kernels::infinite_width_kernels(backend, s.kernel, Xs.view());
  const spectral::KernelBlocks K{k_train.nngp.view(), k_cross.nngp.view(), k_test.nngp.view()};
  const spectral::KernelBlocks T{k_train.ntk.view(), k_cross.ntk.view(), k_test.ntk.view()};
  const auto nngp = guarded("NNGP", [&] { return spectral::nngp_posterior(backend, K, Y.view(), s.gp); });
  const auto ntkgp = guarded("NTK", [&] {
    return s.ntk_time > 0 ? spectral::ntk_gp_at_time(backend, T, K, Y.view(), s.ntk_time, s.gp)
                          : spectral::ntk_gp_infinite_time(backend, T, K, Y.view(), s.gp);
  });
  const auto condition = [&](const Matrix<double>& A) {
    Matrix<double> V = Matrix<double>::copy_of(A);
    Buffer<double> w(backend, A.rows());
    backend.eigh(V.view(), w.view());
    const auto h = w.to_host();
    return h.front() > 0 ? h.back() / h.front() : std::numeric_limits<double>::infinity();
  };
  rec["nngp"] = from_columns(nngp.mean);
  rec["ntkgp"] = from_columns(ntkgp.mean);
  M["kernel"] = {{"spec", s.kernel.describe()},
                 {"nngp_solve", jitter_json(nngp)},
                 {"ntk_solve", jitter_json(ntkgp)},
                 {"nngp_condition", condition(k_train.nngp)},
                 {"ntk_condition", condition(k_train.ntk)},
                 // One kernel serves every omega bin: the GP standard deviation is one number per input.
                 {"nngp_sd_central", std::sqrt(std::max(nngp.covariance(0, 0), 0.0))},
                 {"ntkgp_sd_central", std::sqrt(std::max(ntkgp.covariance(0, 0), 0.0))}};

  // --- classical and Bayesian baselines ------------------------------------------------------
  {
    const auto bg = spectral::backus_gilbert(ip, central, cov_tau, s.bg);
    Reconstruction r;
    r.central = bg.rho;
    for (int i = 0; i < n_test; ++i)
      r.samples.push_back(bg.apply(std::vector<double>(tests.begin() + (i + 1) * ip.n_tau, tests.begin() + (i + 2) * ip.n_tau)));
    finish_errors(r);
    rec["backus_gilbert"] = std::move(r);
  }
  {
    const auto lg = spectral::linear_gp_posterior(backend, ip, s.linear_gp, central, cov_tau);
    const auto grid = ip.omega_grid();
    Reconstruction r;
    r.central = spectral::interpolate(lg.omega, lg.mean, grid);
    r.error = spectral::interpolate(lg.omega, lg.sd, grid);  // the posterior sd (a genuine posterior)
    rec["linear_gp"] = std::move(r);
    M["linear_gp"] = {{"log_marginal_likelihood", lg.log_marginal_likelihood}, {"jitter", lg.info.jitter}};
  }

  // --- finite networks -----------------------------------------------------------------------
  nlohmann::json l2_nn = nlohmann::json::object(), nn_to_ntk = nlohmann::json::object(),
                 nn_to_nngp = nlohmann::json::object();
  for (const auto& width_result :
       spectral::train_width_sweep(backend, s.network, X.view(), Y.view(), Xs.view(), ctx.seed, ctx.quiet)) {
    Reconstruction r;
    r.central = width_result.ensemble_mean_central;
    r.samples = width_result.ensemble_mean_samples;
    finish_errors(r);
    const std::string w = std::to_string(width_result.width);
    l2_nn[w] = spectral::l2_distance(ip, r.central, target);
    nn_to_ntk[w] = spectral::l2_distance(ip, r.central, rec["ntkgp"].central);
    nn_to_nngp[w] = spectral::l2_distance(ip, r.central, rec["nngp"].central);
    M["nn_training"][w] = {{"final_loss", width_result.final_loss}, {"seconds", width_result.seconds},
                           {"replica_spread_l2", width_result.replica_spread_l2}};
    rec["nn_" + w] = std::move(r);
  }

  // --- metrics and outputs ---------------------------------------------------------------------
  std::vector<std::pair<double, double>> windows = {{0.0, 2.0 * e1}};
  if (s.op == qho::Operator::x3) windows.push_back({2.0 * e1, std::min(4.0 * e1, ip.omega_max)});
  nlohmann::json exact_peaks = nlohmann::json::array();
  for (const auto& l : lines) exact_peaks.push_back({{"energy", l.energy}, {"weight", l.weight}});
  M["exact_peaks"] = exact_peaks;
  for (const auto& [name, r] : rec) {
    if (name.rfind("nn_", 0) != 0) M["l2_" + name] = spectral::l2_distance(ip, r.central, target);
    M["pull"][name] = rms_pull(r.central, r.error, target);
    for (const auto& [lo, hi] : windows) M["peaks"][name].push_back(peak_json(ip, r, lo, hi));
  }
  M["l2_nn"] = l2_nn;
  M["nn_to_ntkgp"] = nn_to_ntk;
  M["nn_to_nngp"] = nn_to_nngp;
  M["l2_target_norm"] = spectral::l2_distance(ip, target, std::vector<double>(target.size(), 0.0));

  std::vector<std::string> cols = {"omega", "exact_smeared"};
  for (const auto& [name, r] : rec) {
    cols.push_back(name);
    cols.push_back(name + "_err");
  }
  CsvTable t(cols);
  const auto grid = ip.omega_grid();
  for (int i = 0; i < ip.n_omega; ++i) {
    std::vector<double> row = {grid[i], target[i]};
    for (const auto& [name, r] : rec) {
      row.push_back(r.central[i]);
      row.push_back(r.error[i]);
    }
    t.add_row(row);
  }
  t.write(ctx.out.file("rho.csv"));
}

}  // namespace
}  // namespace fl::gp_deconvolution

FL_REGISTER_EXPERIMENT(gp_deconvolution, "gp-deconvolution",
                       "spectral reconstruction of lattice correlators: NNGP, NTK-GP, finite networks, Backus-Gilbert",
                       fl::gp_deconvolution::kDefaults, fl::gp_deconvolution::run);
