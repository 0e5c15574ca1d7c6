#pragma once
// Reverse-KL training of a flow: Adam, cosine annealing of the learning rate per step
// (CosineAnnealingLR with T_max = steps), fresh Gaussian batches every step, checkpoints
// that make a run resumable bit for bit (parameters, Adam moments, step = RNG counter,
// frozen standardisation statistics).
#include <cstdint>
#include <filesystem>

#include "models/flows/flow.hpp"

namespace fl::flows {

struct TrainSettings {
  std::int64_t steps = 1000;
  index_t batch = 1000;
  double learning_rate = 5e-3;
  bool cosine = true;
  std::uint32_t seed = 1;
};

template <class T>
class FlowTrainer {
 public:
  FlowTrainer(Flow<T>& flow, const phi4::Couplings& c, const TrainSettings& settings);
  // One optimiser step; returns the batch loss mean(log q + S) (float64).
  double step();
  std::int64_t steps_done() const { return step_; }
  double learning_rate() const;  // at the current step

  void save(const std::filesystem::path& file) const;
  // InputError if the file is missing, damaged or from another architecture/precision.
  void load(const std::filesystem::path& file);

 private:
  Flow<T>& flow_;
  phi4::Couplings couplings_;
  TrainSettings s_;
  FlowBatch<T> batch_;
  Buffer<T> adam_m_, adam_v_;
  std::int64_t step_ = 0;
};

}  // namespace fl::flows
