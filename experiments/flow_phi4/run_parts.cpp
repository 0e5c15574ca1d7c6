#include "experiments/flow_phi4/run_parts.hpp"

#include <chrono>
#include <filesystem>
#include <sstream>

#include "core/io/npy.hpp"

namespace fl::flow_phi4 {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kEvalStream = 0x40000, kSampleStream = 0x50000;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Rows of a CSV written by CsvTable (header skipped).
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
double measure_acceptance(flows::Flow<T>& flow, const phi4::Couplings& c, const Settings& st, std::int64_t step,
                          TrainingLog& log, double loss) {
  flows::FlowMhSettings ms;
  ms.n_samples = st.eval_samples;
  ms.n_thermalise = 0;
  ms.batch = std::min<index_t>(st.proposal_batch, st.eval_samples);
  ms.key = PhiloxKey{st.train.seed, kEvalStream};
  ms.first_step = static_cast<std::uint64_t>(step) * 1000;
  ms.measure = false;
  const auto r = flows::flow_metropolis(flow, c, ms, nullptr);
  const std::vector<double> row{static_cast<double>(step), log.train_seconds, loss, r.acceptance, r.ess_per_sample,
                                r.tau_rejection};
  log.eval.add_row(row);
  log.eval_rows.push_back(row);
  return r.acceptance;
}

}  // namespace

json summary_json(const phi4::Phi4Summary& s) {
  return {{"m", s.m.value},           {"m_err", s.m.error},
          {"abs_m", s.abs_m.value},   {"abs_m_err", s.abs_m.error},
          {"chi", s.chi.value},       {"chi_err", s.chi.error},
          {"chi_2pt", s.chi_2pt.value}, {"chi_2pt_err", s.chi_2pt.error},
          {"xi_2nd", s.xi_2nd.value}, {"xi_2nd_err", s.xi_2nd.error},
          {"xi_2nd_position", s.xi_2nd_position.value}, {"xi_2nd_position_err", s.xi_2nd_position.error},
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

template <class T>
bool resume_training(RunContext& ctx, const TrainingFiles& files, flows::FlowTrainer<T>& trainer, TrainingLog& log) {
  if (!std::filesystem::exists(files.checkpoint(ctx))) return false;
  trainer.load(files.checkpoint(ctx));
  // The histories are written just before each checkpoint: rows past it (a run killed in
  // between) are dropped, since those steps are trained again.
  const auto done = static_cast<double>(trainer.steps_done());
  for (const auto& r : read_csv_rows(files.loss(ctx)))
    if (r[0] <= done) log.loss.add_row(r);
  for (const auto& r : read_csv_rows(files.eval(ctx))) {
    if (r[0] > done) continue;
    log.eval.add_row(r);
    log.eval_rows.push_back(r);
    log.train_seconds = r[1];
    log.last_loss = r[2];
  }
  return true;
}

template <class T>
void train(RunContext& ctx, flows::Flow<T>& flow, flows::FlowTrainer<T>& trainer, const phi4::Couplings& c,
           const Settings& st, TrainingLog& log, const std::string& label, const TrainingFiles& files,
           const std::function<void(std::int64_t, double, double)>& on_eval, const InterruptHook& interrupt) {
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
      const double acc = measure_acceptance(flow, c, st, step, log, loss);
      on_eval(step, log.train_seconds, acc);
      std::ostringstream extra;
      extra << "loss " << loss << " acc " << acc;
      progress.update(step, extra.str());
    }
    if (step % st.checkpoint_every == 0 || step == st.train.steps) {
      // The histories first: a checkpoint never points past the rows on disk (resume_training
      // drops rows past the checkpoint).
      log.loss.write(files.loss(ctx));
      log.eval.write(files.eval(ctx));
      trainer.save(files.checkpoint(ctx));
      if (interrupt && interrupt(flow.spec().L, step)) throw RunInterrupted();
    }
  }
  progress.finish();
}

template <class T>
flows::FlowMhResult sample_flow(flows::Flow<T>& flow, const phi4::Couplings& c, const Settings& st,
                                phi4::MeasurementSeries& series) {
  flows::FlowMhSettings ms;
  ms.n_samples = st.n_samples;
  ms.n_thermalise = st.n_thermalise;
  ms.batch = st.proposal_batch;
  ms.key = PhiloxKey{st.train.seed, kSampleStream};
  return flows::flow_metropolis(flow, c, ms, &series);
}

#define FL_INSTANTIATE(T)                                                                                      \
  template bool resume_training<T>(RunContext&, const TrainingFiles&, flows::FlowTrainer<T>&, TrainingLog&);  \
  template void train<T>(RunContext&, flows::Flow<T>&, flows::FlowTrainer<T>&, const phi4::Couplings&,        \
                         const Settings&, TrainingLog&, const std::string&, const TrainingFiles&,             \
                         const std::function<void(std::int64_t, double, double)>&, const InterruptHook&);     \
  template flows::FlowMhResult sample_flow<T>(flows::Flow<T>&, const phi4::Couplings&, const Settings&,        \
                                              phi4::MeasurementSeries&);
FL_INSTANTIATE(float)
FL_INSTANTIATE(double)
#undef FL_INSTANTIATE

}  // namespace fl::flow_phi4
