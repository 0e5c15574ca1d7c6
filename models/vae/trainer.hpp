#pragma once
// MusicVAE training: batches drawn with Philox, +-transpose semitone augmentation, beta
// annealing, scheduled sampling (inverse sigmoid), Adam with exponential learning-rate
// decay, global-norm clipping (steps with a norm >= skip_norm are skipped), checkpoints.
#include <cstdint>
#include <filesystem>
#include <vector>

#include "models/vae/music_vae.hpp"

namespace fl::vae {

struct TrainConfig {
  std::int64_t batch = 64;
  double lr_start = 1e-3, lr_end = 1e-5, lr_decay = 0.9999;
  double max_beta = 0.2, beta_rate = 0.99999;
  double free_bits = 0.0;      // bits, subtracted from each example's total KL
  double sampling_k = 1000.0;  // inverse-sigmoid scheduled sampling; 0 = teacher forcing
  double clip_norm = 1.0, skip_norm = 1e4;
  double weight_decay = 0.0;   // decoupled (AdamW); MusicVAE uses none
  double adam_eps = 1e-8;
  int max_transpose = 5;
  std::uint32_t seed = 0;
};

// Schedules (step counts from 0), as in MusicVAE's configs.
double beta_at(const TrainConfig& c, std::int64_t step);      // max_beta (1 - beta_rate^step)
double lr_at(const TrainConfig& c, std::int64_t step);        // (lr0 - lr1) decay^step + lr1
double p_sample_at(const TrainConfig& c, std::int64_t step);  // 1 - k / (k + exp(step / k))

struct StepLog {
  std::int64_t step = 0;
  LossParts parts;
  double beta = 0, lr = 0, p_sample = 0, grad_norm = 0;
  bool skipped = false;
};

template <class T>
class VaeTrainer {
 public:
  VaeTrainer(MusicVae<T>& model, TrainConfig config, const std::vector<music::Tokens>& train);

  StepLog step();
  std::int64_t steps_done() const { return step_; }

  // Binary checkpoint: architecture signature, step, parameters and Adam moments. The RNG
  // needs no state: every draw is keyed by (seed, step). Loading a checkpoint of another
  // architecture or precision throws InputError naming the file.
  void save_checkpoint(const std::filesystem::path& path) const;
  void load_checkpoint(const std::filesystem::path& path);

 private:
  std::vector<music::Tokens> draw_batch(std::int64_t step) const;

  MusicVae<T>& model_;
  TrainConfig config_;
  const std::vector<music::Tokens>& train_;
  Buffer<T> m_, v_;
  std::int64_t step_ = 0;
};

}  // namespace fl::vae
