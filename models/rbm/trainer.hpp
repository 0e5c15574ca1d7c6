#pragma once
// CD-k / PCD-k training of an RBM with SGD (momentum, weight decay) on the backend.
// Gradient (hand-written, hidden probabilities in both phases, sampled v_k):
//   dW = <p(h|v) v^T>_data - <p(h|v_k) v_k^T>,  db = <v>_data - <v_k>,  dc = <p(h|v)>_data - <p(h|v_k)>.
// CD-k restarts the negative chains at the mini-batch; PCD-k keeps one persistent chain per
// mini-batch column. Staged schedules run (lr, k, epochs) stages one after the other.
// Two implementations of the same update: the fused float path (models/rbm/fused_cd.hpp,
// the default) and the generic double-precision path through Backend ops (the reference in
// tests; same random numbers).
#include <cstdint>
#include <memory>
#include <vector>

#include "core/buffer.hpp"
#include "models/rbm/fused_cd.hpp"
#include "models/rbm/rbm.hpp"

namespace fl::rbm {

struct TrainStage {
  double learning_rate = 0.1;
  int k = 1;
  int epochs = 10;
};

struct TrainOptions {
  int batch_size = 200;
  double momentum = 0.0;
  double weight_decay = 0.0;  // on W only
  bool persistent = false;    // PCD-k instead of CD-k
  bool fused = true;          // float fused path; false: the generic double reference path
  std::uint32_t seed = 1;
};
void validate(const TrainOptions& o, const std::vector<TrainStage>& stages);

// Mean statistics of one update, for monitoring.
struct UpdateStats {
  double reconstruction_error = 0;  // mean (v_data - v_k)^2 over units and samples
};

class RbmTrainer {
 public:
  // `data`: n_samples rows of n_v values in {0,1} (host memory, row-major).
  RbmTrainer(Rbm& rbm, const std::vector<std::uint8_t>& data, const TrainOptions& options);

  // One pass over the shuffled data; returns the mean reconstruction error.
  double epoch(double learning_rate, int k);
  // The CD-k / PCD-k gradient (ascent direction, RbmParams layout) on the given batch
  // columns, without updating: used by tests against the exact gradient.
  RbmParams gradient(const std::vector<std::uint8_t>& batch, int k);

  std::int64_t updates() const { return updates_; }
  // The negative chains' current visible states (n_v x batch), e.g. for free-energy gaps.
  std::vector<double> negative_samples() const { return fused_ ? fused_->negative_samples() : V_.to_host(); }

 private:
  void load_batch(const std::vector<std::uint8_t>& rows, std::int64_t first, const std::vector<std::int64_t>* order);
  double compute_gradient(int k);  // into grad_, from V0_; returns reconstruction error

  Rbm& rbm_;
  const std::vector<std::uint8_t>& data_;
  TrainOptions opt_;
  std::int64_t n_samples_;
  int B_;
  Matrix<double> V0_, PH0_, V_, PV_, H_, PH_, diff_;
  Buffer<double> grad_, velocity_, ones_;
  bool chains_started_ = false;
  std::int64_t updates_ = 0, epochs_ = 0;
  std::uint64_t rng_step_ = 0;
  std::vector<double> host_batch_;
  std::unique_ptr<FusedCd> fused_;
};

}  // namespace fl::rbm
