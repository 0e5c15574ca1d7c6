#pragma once
// Building blocks shared by the flow-phi4 modes (single run, scaling study): ensemble
// summaries with the metric names, baseline chains, flow training with periodic
// acceptance measurements and resumable checkpoints, flow-MH sampling.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/io/files.hpp"
#include "experiments/experiment.hpp"
#include "experiments/flow_phi4/settings.hpp"
#include "models/flows/flow_mh.hpp"

namespace fl::flow_phi4 {

// The headline observables of one ensemble, with the metric names.
nlohmann::json summary_json(const phi4::Phi4Summary& s);

// <prefix>_correlator.csv, <prefix>_magnetisation.npy, <prefix>_two_point.npy
void write_ensemble_files(RunContext& ctx, const std::string& prefix, const phi4::MeasurementSeries& series,
                          const phi4::Phi4Summary& s);

// HMC or local Metropolis chains at couplings c on an L x L lattice.
nlohmann::json run_baseline(RunContext& ctx, const Settings& st, phi4::LocalSampler kind, int L,
                            const phi4::Couplings& c, std::int64_t measurements_per_chain, bool write_files);

// The training history of one flow: loss per step and acceptance measurements.
struct TrainingLog {
  CsvTable loss{{"step", "loss", "learning_rate"}};
  CsvTable eval{{"step", "train_seconds", "loss", "acceptance", "ess_per_sample", "tau_rejection"}};
  std::vector<std::vector<double>> eval_rows;  // the rows of `eval`, for replays on resume
  double train_seconds = 0;
  double last_loss = std::numeric_limits<double>::quiet_NaN();
};

// Where a training run keeps its checkpoint and history: <prefix>checkpoint.bin,
// <prefix>training.csv, <prefix>acceptance.csv in the run directory.
struct TrainingFiles {
  std::string prefix;
  std::filesystem::path checkpoint(const RunContext& ctx) const { return ctx.out.file(prefix + "checkpoint.bin"); }
  std::filesystem::path loss(const RunContext& ctx) const { return ctx.out.file(prefix + "training.csv"); }
  std::filesystem::path eval(const RunContext& ctx) const { return ctx.out.file(prefix + "acceptance.csv"); }
};

// Polled after every checkpoint with (L, step); returning true ends the run there by throwing
// RunInterrupted, as if it had been killed (tests use it to check resuming).
using InterruptHook = std::function<bool(int, std::int64_t)>;
struct RunInterrupted : std::runtime_error {
  RunInterrupted() : std::runtime_error("run interrupted after a checkpoint") {}
};

// Loads the checkpoint and history written by `train` when they exist; returns whether it did.
template <class T>
bool resume_training(RunContext& ctx, const TrainingFiles& files, flows::FlowTrainer<T>& trainer, TrainingLog& log);

// Trains until st.train.steps, measuring the acceptance every st.eval_every steps (on_eval(step,
// seconds, acceptance) after each) and checkpointing every st.checkpoint_every steps.
template <class T>
void train(RunContext& ctx, flows::Flow<T>& flow, flows::FlowTrainer<T>& trainer, const phi4::Couplings& c,
           const Settings& st, TrainingLog& log, const std::string& label, const TrainingFiles& files,
           const std::function<void(std::int64_t, double, double)>& on_eval, const InterruptHook& interrupt = {});

// The flow-MH chain of st.n_samples measured configurations.
template <class T>
flows::FlowMhResult sample_flow(flows::Flow<T>& flow, const phi4::Couplings& c, const Settings& st,
                                phi4::MeasurementSeries& series);

}  // namespace fl::flow_phi4
