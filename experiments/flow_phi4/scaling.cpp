#include "experiments/flow_phi4/scaling.hpp"

#include <filesystem>
#include <sstream>

#include "core/error.hpp"

namespace fl::flow_phi4 {
namespace {

using json = nlohmann::json;

const char* const kDoneFile = "scaling_done.json";

TrainingFiles files_for(int L) { return {"scaling_L" + std::to_string(L) + "_"}; }

// Train, sample and run the baselines at one lattice size; the scaling entry of that L.
template <class T>
json study_one_size(RunContext& ctx, const Settings& st, std::size_t i, const InterruptHook& interrupt) {
  const int L = st.scaling_L[i];
  const phi4::Couplings c = phi4::ising_couplings(st.scaling_beta[i], st.lambda);
  phi4::validate(c, "scaling.beta");
  flows::Flow<T> flow(ctx.backend, st.flow_for(L), ctx.seed + static_cast<std::uint32_t>(i));
  flows::FlowTrainer<T> trainer(flow, c, st.train);
  TrainingLog log;
  const TrainingFiles files = files_for(L);
  const std::size_t n_targets = st.scaling_targets.size();
  std::vector<json> steps_to(n_targets, nullptr), seconds_to(n_targets, nullptr);
  const auto on_eval = [&](std::int64_t step, double secs, double acc) {
    for (std::size_t k = 0; k < n_targets; ++k)
      if (steps_to[k].is_null() && acc >= st.scaling_targets[k]) {
        steps_to[k] = step;
        seconds_to[k] = secs;
      }
  };
  if (ctx.resume && resume_training(ctx, files, trainer, log))
    for (const auto& row : log.eval_rows) on_eval(static_cast<std::int64_t>(row[0]), row[1], row[3]);
  train(ctx, flow, trainer, c, st, log, "train L=" + std::to_string(L), files, on_eval, interrupt);

  phi4::MeasurementSeries series(L);
  const auto r = sample_flow(flow, c, st, series);
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
  return e;
}

// scaling_history.csv: the acceptance histories of the finished sizes, one table.
void write_history(RunContext& ctx, const json& done) {
  CsvTable history({"L", "step", "train_seconds", "loss", "acceptance", "ess_per_sample", "tau_rejection"});
  for (const auto& e : done) {
    const int L = e["L"].get<int>();
    std::istringstream rows(read_text(files_for(L).eval(ctx)));
    std::string line;
    std::getline(rows, line);
    while (std::getline(rows, line)) {
      std::vector<double> row{static_cast<double>(L)};
      std::istringstream ls(line);
      std::string cell;
      while (std::getline(ls, cell, ',')) row.push_back(std::stod(cell));
      history.add_row(row);
    }
  }
  history.write(ctx.out.file("scaling_history.csv"));
}

// The finished sizes of an interrupted run, checked against this run's list.
json load_done(RunContext& ctx, const Settings& st) {
  const auto file = ctx.out.file(kDoneFile);
  if (!ctx.resume || !std::filesystem::exists(file)) return json::array();
  json done;
  try {
    done = json::parse(read_text(file));
  } catch (const json::exception&) {
    throw InputError(file.string() + ": damaged (not JSON)");
  }
  if (!done.is_array() || done.size() > st.scaling_L.size())
    throw InputError(file.string() + ": does not match scaling.L");
  for (std::size_t i = 0; i < done.size(); ++i)
    if (!done[i].contains("L") || done[i]["L"] != st.scaling_L[i])
      throw InputError(file.string() + ": does not match scaling.L");
  return done;
}

}  // namespace

void run_scaling(RunContext& ctx, const Settings& st, const InterruptHook& interrupt) {
  require(st.parametrisation == phi4::Parametrisation::ising,
          "action.parametrisation: the scaling mode uses the ising (beta, lambda) form");
  json done = load_done(ctx, st);
  for (std::size_t i = done.size(); i < st.scaling_L.size(); ++i) {
    done.push_back(st.precision == "float" ? study_one_size<float>(ctx, st, i, interrupt)
                                           : study_one_size<double>(ctx, st, i, interrupt));
    write_json_atomic(ctx.out.file(kDoneFile), done);
    write_history(ctx, done);
  }
  ctx.metrics["scaling"] = done;
  ctx.metrics["train_steps"] = st.train.steps;
}

}  // namespace fl::flow_phi4
