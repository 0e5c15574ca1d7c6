// `fieldlearn flow-phi4`: normalizing flows as trivializing maps for lattice phi^4
// (Del Debbio, Rossney, Wilson arXiv:2105.12481, 2112.15532). Trains a flow by reverse KL,
// samples it with independence Metropolis-Hastings, compares with HMC and local Metropolis,
// and (mode = scaling) records the training cost to reach target acceptances versus L.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "experiments/experiment.hpp"
#include "experiments/flow_phi4/settings.hpp"
#include "models/flows/flow_mh.hpp"

namespace fl::flow_phi4 {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kEvalStream = 0x40000, kSampleStream = 0x50000;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// The headline observables of one ensemble, with the metric names.
json summary_json(const phi4::Phi4Summary& s) {
  return {{"m", s.m.value},           {"m_err", s.m.error},
          {"abs_m", s.abs_m.value},   {"abs_m_err", s.abs_m.error},
          {"chi", s.chi.value},       {"chi_err", s.chi.error},
          {"chi_2pt", s.chi_2pt.value}, {"chi_2pt_err", s.chi_2pt.error},
          {"xi_2nd", s.xi_2nd.value}, {"xi_2nd_err", s.xi_2nd.error},
          {"xi_lowmom", s.xi_lowmom.value}, {"xi_lowmom_err", s.xi_lowmom.error},
          {"binder", s.binder.value}, {"binder_err", s.binder.error},
          {"tau_int_abs_m", s.tau_abs_m.tau}, {"tau_int_abs_m_err", s.tau_abs_m.tau_err},
          {"tau_int_m2", s.tau_m2.tau}, {"n_measurements", s.n_measurements},
          {"jackknife_block", s.block_size}};
}

void write_ensemble_files(RunContext& ctx, const std::string& prefix, const phi4::MeasurementSeries& series,
                          const phi4::Phi4Summary& s) {
  CsvTable corr({"t", "G", "G_err", "m_eff", "m_eff_err"});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (std::size_t t = 0; t < s.correlator.size(); ++t) {
    const bool has = t >= 1 && t - 1 < s.effective_mass.size();
    corr.add_row({static_cast<double>(t), s.correlator[t].value, s.correlator[t].error,
                  has ? s.effective_mass[t - 1].value : nan, has ? s.effective_mass[t - 1].error : nan});
  }
  corr.write(ctx.out.file(prefix + "_correlator.csv"));
  const int L = series.L();
  write_npy(ctx.out.file(prefix + "_magnetisation.npy"), series.m(), {static_cast<std::int64_t>(series.size())});
  write_npy(ctx.out.file(prefix + "_two_point.npy"), s.two_point, {L, L});
}

json run_baseline(RunContext& ctx, const Settings& st, phi4::LocalSampler kind, int L, const phi4::Couplings& c,
                  std::int64_t measurements_per_chain, bool write_files) {
  phi4::ChainSettings cs = kind == phi4::LocalSampler::hmc ? st.hmc : st.metropolis;
  cs.L = L;
  cs.n_measure = measurements_per_chain;
  const std::string name = kind == phi4::LocalSampler::hmc ? "hmc" : "metropolis";
  auto progress = ctx.progress(name + " L=" + std::to_string(L), cs.n_measure);
  const auto r = phi4::run_chains(ctx.backend, kind, c, cs, [&](std::int64_t d, std::int64_t) { progress.update(d); });
  progress.finish();
  const auto s = phi4::analyse(r.series);
  json j = summary_json(s);
  j["acceptance"] = r.acceptance;
  j["n_chains"] = cs.n_chains;
  j["seconds"] = r.seconds;
  if (kind == phi4::LocalSampler::hmc) {
    j["step_size"] = r.hmc_used.step_size;
    j["n_steps"] = r.hmc_used.n_steps;
    j["exp_minus_dh"] = {r.mean_exp_minus_dh, r.mean_exp_minus_dh_err};
  }
  if (write_files) write_ensemble_files(ctx, name, r.series, s);
  return j;
}

// Training with periodic acceptance measurements; resumable from out/checkpoint.bin.
struct TrainingLog {
  CsvTable loss{{"step", "loss", "learning_rate"}};
  CsvTable eval{{"step", "train_seconds", "loss", "acceptance", "ess_per_sample", "tau_rejection"}};
  double train_seconds = 0;
  double last_loss = std::numeric_limits<double>::quiet_NaN();
};

template <class T>
double measure_acceptance(flows::Flow<T>& flow, const phi4::Couplings& c, const Settings& st, std::int64_t step,
                          CsvTable& eval, double train_seconds, double loss) {
  flows::FlowMhSettings ms;
  ms.n_samples = st.eval_samples;
  ms.n_thermalise = 0;
  ms.batch = std::min<index_t>(st.proposal_batch, st.eval_samples);
  ms.key = PhiloxKey{st.train.seed, kEvalStream};
  ms.first_step = static_cast<std::uint64_t>(step) * 1000;
  ms.measure = false;
  const auto r = flows::flow_metropolis(flow, c, ms, nullptr);
  eval.add_row({static_cast<double>(step), train_seconds, loss, r.acceptance, r.ess_per_sample, r.tau_rejection});
  return r.acceptance;
}

// Calls on_eval(step, seconds, acceptance) after every acceptance measurement.
template <class T, class OnEval>
void train(RunContext& ctx, flows::Flow<T>& flow, flows::FlowTrainer<T>& trainer, const phi4::Couplings& c,
           const Settings& st, TrainingLog& log, const std::string& label, bool checkpoints, OnEval on_eval) {
  auto progress = ctx.progress(label, st.train.steps);
  while (trainer.steps_done() < st.train.steps) {
    const auto t0 = Clock::now();
    const double lr = trainer.learning_rate();
    const double loss = trainer.step();
    log.train_seconds += seconds_since(t0);
    log.last_loss = loss;
    const std::int64_t step = trainer.steps_done();
    log.loss.add_row({static_cast<double>(step), loss, lr});
    if (step % st.eval_every == 0 || step == st.train.steps) {
      const double acc = measure_acceptance(flow, c, st, step, log.eval, log.train_seconds, loss);
      on_eval(step, log.train_seconds, acc);
      std::ostringstream extra;
      extra << "loss " << loss << " acc " << acc;
      progress.update(step, extra.str());
    }
    if (checkpoints && (step % st.checkpoint_every == 0 || step == st.train.steps)) {
      trainer.save(ctx.out.file("checkpoint.bin"));
      log.loss.write(ctx.out.file("training.csv"));
      log.eval.write(ctx.out.file("acceptance.csv"));
    }
  }
  progress.finish();
}

// Rows of a CSV written by CsvTable (header skipped), for resuming the training history.
std::vector<std::vector<double>> read_csv_rows(const std::filesystem::path& file) {
  std::vector<std::vector<double>> rows;
  std::istringstream in(read_text(file));
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<double> row;
    std::istringstream ls(line);
    std::string cell;
    while (std::getline(ls, cell, ',')) row.push_back(std::stod(cell));
    rows.push_back(row);
  }
  return rows;
}

template <class T>
flows::FlowMhResult sample_flow(RunContext& ctx, flows::Flow<T>& flow, const phi4::Couplings& c, const Settings& st,
                                phi4::MeasurementSeries& series) {
  flows::FlowMhSettings ms;
  ms.n_samples = st.n_samples;
  ms.n_thermalise = st.n_thermalise;
  ms.batch = st.proposal_batch;
  ms.key = PhiloxKey{st.train.seed, kSampleStream};
  return flows::flow_metropolis(flow, c, ms, &series);
}

template <class T>
void run_single_flow(RunContext& ctx, const Settings& st) {
  const phi4::Couplings c = st.couplings();
  flows::Flow<T> flow(ctx.backend, st.flow_for(st.L), ctx.seed);
  flows::FlowTrainer<T> trainer(flow, c, st.train);
  TrainingLog log;
  const auto checkpoint = ctx.out.file("checkpoint.bin");
  if (ctx.resume && std::filesystem::exists(checkpoint)) {
    trainer.load(checkpoint);
    for (const auto& r : read_csv_rows(ctx.out.file("training.csv"))) log.loss.add_row(r);
    for (const auto& r : read_csv_rows(ctx.out.file("acceptance.csv"))) {
      log.eval.add_row(r);
      log.train_seconds = r[1];
    }
  }
  train(ctx, flow, trainer, c, st, log, "train L=" + std::to_string(st.L), true,
        [](std::int64_t, double, double) {});
  log.loss.write(ctx.out.file("training.csv"));
  log.eval.write(ctx.out.file("acceptance.csv"));

  phi4::MeasurementSeries series(st.L);
  const auto r = sample_flow(ctx, flow, c, st, series);
  const auto s = phi4::analyse(series);
  write_ensemble_files(ctx, "flow", series, s);
  json& m = ctx.metrics;
  m = summary_json(s);
  m["sampler"] = "flow";
  m["acceptance"] = r.acceptance;
  m["tau_rejection"] = r.tau_rejection;
  m["ess_per_sample"] = r.ess_per_sample;
  m["log_z"] = r.log_z;
  m["log_w_std"] = r.log_w_std;
  m["sampling_seconds"] = r.seconds;
  m["train_steps"] = trainer.steps_done();
  m["train_seconds"] = log.train_seconds;
  m["loss_final"] = log.last_loss;
  m["n_params"] = flow.n_params();
  m["architecture"] = flow.spec().describe();
  m["spline_outside_fraction"] = flow.spline_outside_fraction();
  if (flow.spline_outside_fraction() > 1e-3 && !ctx.quiet)
    std::cerr << "warning: " << 100 * flow.spline_outside_fraction()
              << "% of spline inputs fell outside [-a, a] (raise flow.spline_interval)\n";
  if (st.compare_baselines) {
    const std::int64_t per_chain = std::max<std::int64_t>(20, st.n_samples / st.hmc.n_chains);
    m["hmc"] = run_baseline(ctx, st, phi4::LocalSampler::hmc, st.L, c, per_chain, true);
    m["metropolis"] = run_baseline(ctx, st, phi4::LocalSampler::metropolis, st.L, c,
                                   std::max<std::int64_t>(20, st.n_samples / st.metropolis.n_chains), true);
  }
}

void run_single_chains(RunContext& ctx, const Settings& st) {
  const auto kind = st.sampler == "hmc" ? phi4::LocalSampler::hmc : phi4::LocalSampler::metropolis;
  const auto& cs = kind == phi4::LocalSampler::hmc ? st.hmc : st.metropolis;
  ctx.metrics = run_baseline(ctx, st, kind, st.L, st.couplings(), std::max<std::int64_t>(20, st.n_samples / cs.n_chains),
                             true);
  ctx.metrics["sampler"] = st.sampler;
  ctx.metrics["train_steps"] = 0;
}

template <class T>
void run_scaling(RunContext& ctx, const Settings& st) {
  require(st.parametrisation == phi4::Parametrisation::ising,
          "action.parametrisation: the scaling mode uses the ising (beta, lambda) form");
  json list = json::array();
  CsvTable history({"L", "step", "train_seconds", "loss", "acceptance", "ess_per_sample", "tau_rejection"});
  for (std::size_t i = 0; i < st.scaling_L.size(); ++i) {
    const int L = st.scaling_L[i];
    const phi4::Couplings c = phi4::ising_couplings(st.scaling_beta[i], st.lambda);
    phi4::validate(c, "scaling.beta");
    flows::Flow<T> flow(ctx.backend, st.flow_for(L), ctx.seed + static_cast<std::uint32_t>(i));
    flows::FlowTrainer<T> trainer(flow, c, st.train);
    TrainingLog log;
    const std::size_t n_targets = st.scaling_targets.size();
    std::vector<json> steps_to(n_targets, nullptr), seconds_to(n_targets, nullptr);
    train(ctx, flow, trainer, c, st, log, "train L=" + std::to_string(L), false,
          [&](std::int64_t step, double secs, double acc) {
            for (std::size_t k = 0; k < n_targets; ++k)
              if (steps_to[k].is_null() && acc >= st.scaling_targets[k]) {
                steps_to[k] = step;
                seconds_to[k] = secs;
              }
          });
    phi4::MeasurementSeries series(L);
    const auto r = sample_flow(ctx, flow, c, st, series);
    const auto s = phi4::analyse(series);
    json e = {{"L", L}, {"beta", st.scaling_beta[i]}, {"n_params", flow.n_params()},
              {"train_steps", trainer.steps_done()}, {"train_seconds", log.train_seconds},
              {"acceptance_final", r.acceptance}, {"ess_per_sample", r.ess_per_sample},
              {"tau_rejection", r.tau_rejection}, {"tau_int_abs_m_flow", s.tau_abs_m.tau},
              {"abs_m", s.abs_m.value}, {"abs_m_err", s.abs_m.error},
              {"xi_2nd", s.xi_2nd.value}, {"xi_2nd_err", s.xi_2nd.error}};
    json targets = json::array();
    for (std::size_t k = 0; k < n_targets; ++k)
      targets.push_back({{"target", st.scaling_targets[k]}, {"steps", steps_to[k]}, {"seconds", seconds_to[k]}});
    e["to_acceptance"] = targets;
    const json hmc = run_baseline(ctx, st, phi4::LocalSampler::hmc, L, c, st.baseline_measurements, false);
    const json met = run_baseline(ctx, st, phi4::LocalSampler::metropolis, L, c, st.baseline_measurements, false);
    e["tau_int_abs_m_hmc"] = hmc["tau_int_abs_m"];
    e["tau_int_abs_m_metropolis"] = met["tau_int_abs_m"];
    e["hmc_acceptance"] = hmc["acceptance"];
    e["xi_2nd_hmc"] = hmc["xi_2nd"];
    list.push_back(e);
    // The per-L acceptance histories, for the acceptance-vs-step plot.
    std::istringstream rows(log.eval.to_string());
    std::string line;
    std::getline(rows, line);
    while (std::getline(rows, line)) {
      std::vector<double> row{static_cast<double>(L)};
      std::istringstream ls(line);
      std::string cell;
      while (std::getline(ls, cell, ',')) row.push_back(std::stod(cell));
      history.add_row(row);
    }
    history.write(ctx.out.file("scaling_history.csv"));
  }
  ctx.metrics["scaling"] = list;
  ctx.metrics["train_steps"] = st.train.steps;
}

void run(RunContext& ctx) {
  const Settings st = parse_settings(ctx.config, ctx.seed);
  const bool single_precision = st.precision == "float";
  if (st.mode == "scaling") {
    single_precision ? run_scaling<float>(ctx, st) : run_scaling<double>(ctx, st);
  } else if (st.sampler == "flow") {
    single_precision ? run_single_flow<float>(ctx, st) : run_single_flow<double>(ctx, st);
  } else {
    run_single_chains(ctx, st);
  }
  ctx.metrics["mode"] = st.mode;
  ctx.metrics["L"] = st.L;
}

}  // namespace

FL_REGISTER_EXPERIMENT(flow_phi4, "flow-phi4", "normalizing flows as trivializing maps for lattice phi^4",
                       kDefaults, run);

}  // namespace fl::flow_phi4
