#include "models/rbm/trainer.hpp"

#include <numeric>
#include <string>

#include "core/error.hpp"
#include "core/philox.hpp"

namespace fl::rbm {

void validate(const TrainOptions& o, const std::vector<TrainStage>& stages) {
  require(o.batch_size >= 1, "train.batch_size: must be at least 1");
  require(o.momentum >= 0 && o.momentum < 1, "train.momentum: must be in [0, 1)");
  require(o.weight_decay >= 0, "train.weight_decay: must be >= 0");
  require(!stages.empty(), "train.stages: at least one stage is needed");
  for (const auto& s : stages) {
    require(s.k >= 1, "train.stages: k must be >= 1, got " + std::to_string(s.k));
    require(s.learning_rate > 0, "train.stages: learning rates must be > 0");
    require(s.epochs >= 0, "train.stages: epochs must be >= 0");
  }
}

RbmTrainer::RbmTrainer(Rbm& rbm, const std::vector<std::uint8_t>& data, const TrainOptions& options)
    : rbm_(rbm), data_(data), opt_(options) {
  const int n_v = rbm.n_v(), n_h = rbm.n_h();
  require(!data.empty() && data.size() % n_v == 0, "rbm data: size is not a multiple of the visible units");
  n_samples_ = static_cast<std::int64_t>(data.size() / n_v);
  B_ = static_cast<int>(std::min<std::int64_t>(opt_.batch_size, n_samples_));
  Backend& be = rbm.backend();
  V0_ = Matrix<double>(be, n_v, B_), V_ = Matrix<double>(be, n_v, B_), PV_ = Matrix<double>(be, n_v, B_);
  diff_ = Matrix<double>(be, n_v, B_);
  PH0_ = Matrix<double>(be, n_h, B_), H_ = Matrix<double>(be, n_h, B_), PH_ = Matrix<double>(be, n_h, B_);
  grad_ = Buffer<double>::zeros(be, rbm.flat().size);
  velocity_ = Buffer<double>::zeros(be, rbm.flat().size);
  ones_ = Buffer<double>(be, B_);
  be.fill(ones_.view(), 1.0);
  host_batch_.resize(static_cast<std::size_t>(n_v) * B_);
  if (opt_.fused)
    fused_ = std::make_unique<FusedCd>(
        be, n_v, n_h, data, FusedCdOptions{opt_.batch_size, opt_.persistent, opt_.momentum, opt_.weight_decay, opt_.seed});
}

void RbmTrainer::load_batch(const std::vector<std::uint8_t>& rows, std::int64_t first,
                            const std::vector<std::int64_t>* order) {
  const int n_v = rbm_.n_v();
  for (int col = 0; col < B_; ++col) {
    const std::int64_t r = order ? (*order)[first + col] : first + col;
    for (int j = 0; j < n_v; ++j) host_batch_[static_cast<std::size_t>(col) * n_v + j] = rows[r * n_v + j];
  }
  rbm_.backend().upload(host_batch_.data(), V0_.flat());
}

double RbmTrainer::compute_gradient(int k) {
  Backend& be = rbm_.backend();
  const double inv_b = 1.0 / B_;
  const PhiloxKey key{opt_.seed, 1};
  // Start of the negative chain: h sampled from the data (CD) or the persistent state (PCD).
  if (opt_.persistent && chains_started_) {
    rbm_.hidden_probs(V0_.view(), PH0_.view());
    rbm_.sample_hidden(V_.view(), PH_.view(), H_.view(), key, rng_step_++);
  } else {
    rbm_.sample_hidden(V0_.view(), PH0_.view(), H_.view(), key, rng_step_++);
  }
  for (int t = 1; t <= k; ++t) {
    rbm_.sample_visible(H_.view(), PV_.view(), V_.view(), key, rng_step_++);
    if (t < k) rbm_.sample_hidden(V_.view(), PH_.view(), H_.view(), key, rng_step_++);
    else rbm_.hidden_probs(V_.view(), PH_.view());
  }
  chains_started_ = true;
  // Ascent direction into grad_ = [dW | db | dc].
  const index_t nw = rbm_.w_size();
  MatrixView<double> gW(grad_.data(), rbm_.n_h(), rbm_.n_v(), be.device());
  be.gemm<double>(Trans::no, Trans::yes, inv_b, PH0_.view(), V0_.view(), 0.0, gW);
  be.gemm<double>(Trans::no, Trans::yes, -inv_b, PH_.view(), V_.view(), 1.0, gW);
  MatrixView<double> gb(grad_.data() + nw, rbm_.n_v(), 1, be.device());
  MatrixView<double> gc(grad_.data() + nw + rbm_.n_v(), rbm_.n_h(), 1, be.device());
  MatrixView<const double> ones(ones_.data(), B_, 1, be.device());
  be.copy(VectorView<const double>(V0_.flat()), diff_.flat());
  be.axpy(-1.0, VectorView<const double>(V_.flat()), diff_.flat());
  be.gemm<double>(Trans::no, Trans::no, inv_b, diff_.view(), ones, 0.0, gb);
  be.gemm<double>(Trans::no, Trans::no, inv_b, PH0_.view(), ones, 0.0, gc);
  be.gemm<double>(Trans::no, Trans::no, -inv_b, PH_.view(), ones, 1.0, gc);
  return be.dot(VectorView<const double>(diff_.flat()), VectorView<const double>(diff_.flat())) /
         (static_cast<double>(B_) * rbm_.n_v());
}

RbmParams RbmTrainer::gradient(const std::vector<std::uint8_t>& batch, int k) {
  require(batch.size() == static_cast<std::size_t>(B_) * rbm_.n_v(), "gradient: batch must hold batch_size rows");
  if (fused_) {
    fused_->load(rbm_);
    return fused_->gradient(batch, k, rng_step_);
  }
  load_batch(batch, 0, nullptr);
  compute_gradient(k);
  const auto g = grad_.to_host();
  RbmParams p = RbmParams::zeros(rbm_.n_v(), rbm_.n_h());
  const index_t nw = rbm_.w_size();
  std::copy(g.begin(), g.begin() + nw, p.W.begin());
  std::copy(g.begin() + nw, g.begin() + nw + rbm_.n_v(), p.b.begin());
  std::copy(g.begin() + nw + rbm_.n_v(), g.end(), p.c.begin());
  return p;
}

double RbmTrainer::epoch(double learning_rate, int k) {
  Backend& be = rbm_.backend();
  // Fisher-Yates shuffle from a Philox stream (seed, 2), one counter per epoch.
  std::vector<std::int64_t> order(n_samples_);
  std::iota(order.begin(), order.end(), 0);
  PhiloxStream rng({opt_.seed, 2}, static_cast<std::uint64_t>(epochs_++));
  for (std::int64_t i = n_samples_ - 1; i > 0; --i) {
    const std::uint64_t r = (static_cast<std::uint64_t>(rng.next_u32()) << 32) | rng.next_u32();
    std::swap(order[i], order[static_cast<std::int64_t>(r % static_cast<std::uint64_t>(i + 1))]);
  }
  const std::int64_t n_batches = n_samples_ / B_;  // the incomplete tail is left for the next shuffle
  if (fused_) {
    fused_->load(rbm_);
    const double recon = fused_->run_updates(order, n_batches, learning_rate, k, rng_step_);
    fused_->store(rbm_);
    updates_ += n_batches;
    return recon / static_cast<double>(n_batches);
  }
  const index_t nw = rbm_.w_size();
  const SgdParams w_step{learning_rate, opt_.momentum, opt_.weight_decay};
  const SgdParams bias_step{learning_rate, opt_.momentum, 0.0};
  double recon = 0;
  for (std::int64_t bi = 0; bi < n_batches; ++bi) {
    load_batch(data_, bi * B_, &order);
    recon += compute_gradient(k);
    // sgd_step descends, so the ascent direction is negated first.
    be.scale(-1.0, grad_.view());
    be.sgd_step(w_step, rbm_.flat().segment(0, nw), VectorView<const double>(grad_.view().segment(0, nw)),
                velocity_.view().segment(0, nw));
    const index_t nb = rbm_.n_v() + rbm_.n_h();
    be.sgd_step(bias_step, rbm_.flat().segment(nw, nb), VectorView<const double>(grad_.view().segment(nw, nb)),
                velocity_.view().segment(nw, nb));
    ++updates_;
  }
  return recon / static_cast<double>(n_batches);
}

}  // namespace fl::rbm
