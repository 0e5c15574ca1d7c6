// `fieldlearn flow-phi4`: normalizing flows as trivializing maps for lattice phi^4
// (Del Debbio, Rossney, Wilson arXiv:2105.12481, 2112.15532). Trains a flow by reverse KL,
// samples it with independence Metropolis-Hastings, compares with HMC and local Metropolis,
// and (mode = scaling) records the training cost to reach target acceptances versus L.
#include <iostream>

#include "core/error.hpp"
#include "experiments/flow_phi4/run_parts.hpp"
#include "experiments/flow_phi4/scaling.hpp"

namespace fl::flow_phi4 {
namespace {

using json = nlohmann::json;

template <class T>
void run_single_flow(RunContext& ctx, const Settings& st) {
  const phi4::Couplings c = st.couplings();
  flows::Flow<T> flow(ctx.backend, st.flow_for(st.L), ctx.seed);
  flows::FlowTrainer<T> trainer(flow, c, st.train);
  TrainingLog log;
  const TrainingFiles files{""};  // checkpoint.bin, training.csv, acceptance.csv
  if (ctx.resume) resume_training(ctx, files, trainer, log);
  train(ctx, flow, trainer, c, st, log, "train L=" + std::to_string(st.L), files, [](std::int64_t, double, double) {});

  phi4::MeasurementSeries series(st.L);
  const auto r = sample_flow(flow, c, st, series);
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

void run(RunContext& ctx) {
  const Settings st = parse_settings(ctx.config, ctx.seed);
  const bool single_precision = st.precision == "float";
  if (st.mode == "scaling") {
    run_scaling(ctx, st);
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
