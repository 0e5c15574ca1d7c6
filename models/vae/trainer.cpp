#include "models/vae/trainer.hpp"

#include <cmath>
#include <cstring>

#include "core/error.hpp"
#include "core/io/files.hpp"

namespace fl::vae {

double beta_at(const TrainConfig& c, std::int64_t step) {
  return c.max_beta * (1.0 - std::pow(c.beta_rate, static_cast<double>(step)));
}
double lr_at(const TrainConfig& c, std::int64_t step) {
  return (c.lr_start - c.lr_end) * std::pow(c.lr_decay, static_cast<double>(step)) + c.lr_end;
}
double p_sample_at(const TrainConfig& c, std::int64_t step) {
  if (c.sampling_k <= 0) return 0.0;
  const double k = c.sampling_k;
  return 1.0 - k / (k + std::exp(static_cast<double>(step) / k));
}

namespace {
constexpr std::uint32_t kBatchStream = 0x7ae3u;
constexpr char kMagic[8] = {'F', 'L', 'V', 'A', 'E', 'C', 'K', '1'};
}  // namespace

template <class T>
VaeTrainer<T>::VaeTrainer(MusicVae<T>& model, TrainConfig config, const std::vector<music::Tokens>& train)
    : model_(model), config_(config), train_(train) {
  if (train.empty()) throw InputError("training set is empty");
  m_ = Buffer<T>::zeros(model.backend(), model.params().size());
  v_ = Buffer<T>::zeros(model.backend(), model.params().size());
}

template <class T>
std::vector<music::Tokens> VaeTrainer<T>::draw_batch(std::int64_t step) const {
  PhiloxStream rng(PhiloxKey{config_.seed, kBatchStream}, static_cast<std::uint64_t>(step));
  std::vector<music::Tokens> batch;
  const auto n = static_cast<std::uint32_t>(train_.size());
  const auto shifts = static_cast<std::uint32_t>(2 * config_.max_transpose + 1);
  for (std::int64_t b = 0; b < config_.batch; ++b) {
    const music::Tokens& w = train_[rng.below(n)];
    std::optional<music::Tokens> shifted;
    // A shift that leaves 21..108 is redrawn (a few times, then no shift).
    for (int attempt = 0; attempt < 8 && !shifted; ++attempt)
      shifted = music::transpose(w, static_cast<int>(rng.below(shifts)) - config_.max_transpose);
    batch.push_back(shifted ? *shifted : w);
  }
  return batch;
}

template <class T>
StepLog VaeTrainer<T>::step() {
  StepLog log;
  log.step = step_;
  log.beta = beta_at(config_, step_);
  log.lr = lr_at(config_, step_);
  log.p_sample = p_sample_at(config_, step_);
  Backend& be = model_.backend();
  log.parts = model_.loss_and_gradient(draw_batch(step_), log.beta, config_.free_bits, log.p_sample,
                                       static_cast<std::uint64_t>(step_));
  ParamSet<T>& p = model_.params();
  log.grad_norm = be.nrm2(VectorView<const T>(p.grads().view()));
  if (!std::isfinite(log.grad_norm) || log.grad_norm >= config_.skip_norm) {
    log.skipped = true;
  } else {
    if (log.grad_norm > config_.clip_norm) be.scale(T(config_.clip_norm / log.grad_norm), p.grads().view());
    AdamParams adam;
    adam.learning_rate = log.lr;
    adam.weight_decay = config_.weight_decay;
    adam.eps = config_.adam_eps;
    be.adam_step(adam, step_ + 1, p.values().view(), VectorView<const T>(p.grads().view()), m_.view(), v_.view());
  }
  ++step_;
  return log;
}

template <class T>
void VaeTrainer<T>::save_checkpoint(const std::filesystem::path& path) const {
  const std::string sig = model_.shape().signature();
  const std::uint64_t sig_len = sig.size(), elem = sizeof(T), count = static_cast<std::uint64_t>(m_.size());
  const std::int64_t step = step_;
  std::string bytes(kMagic, 8);
  auto put = [&](const void* p, std::size_t n) { bytes.append(static_cast<const char*>(p), n); };
  put(&sig_len, 8);
  put(sig.data(), sig.size());
  put(&elem, 8);
  put(&count, 8);
  put(&step, 8);
  for (const Buffer<T>* b : {static_cast<const Buffer<T>*>(&model_.params().values()), &m_, &v_}) {
    const std::vector<T> h = b->to_host();
    put(h.data(), h.size() * sizeof(T));
  }
  write_text_atomic(path, bytes);
}

template <class T>
void VaeTrainer<T>::load_checkpoint(const std::filesystem::path& path) {
  const std::string bytes = read_text(path);
  const std::string where = path.string();
  std::size_t pos = 0;
  auto get = [&](void* p, std::size_t n) {
    if (pos + n > bytes.size()) throw InputError(where + ": truncated checkpoint");
    std::memcpy(p, bytes.data() + pos, n);
    pos += n;
  };
  char magic[8];
  get(magic, 8);
  if (std::memcmp(magic, kMagic, 8) != 0) throw InputError(where + ": not a music-vae checkpoint");
  std::uint64_t sig_len = 0, elem = 0, count = 0;
  get(&sig_len, 8);
  if (sig_len > 4096) throw InputError(where + ": corrupt checkpoint header");
  std::string sig(sig_len, ' ');
  get(sig.data(), sig_len);
  get(&elem, 8);
  get(&count, 8);
  const std::string expected = model_.shape().signature();
  if (sig != expected || elem != sizeof(T) || count != static_cast<std::uint64_t>(m_.size()))
    throw InputError(where + ": checkpoint of another architecture ('" + sig + "', " + std::to_string(8 * elem) +
                     "-bit) but the model is '" + expected + "', " + std::to_string(8 * sizeof(T)) + "-bit");
  std::int64_t step = 0;
  get(&step, 8);
  for (Buffer<T>* b : {&model_.params().values(), &m_, &v_}) {
    std::vector<T> h(static_cast<std::size_t>(count));
    get(h.data(), h.size() * sizeof(T));
    *b = Buffer<T>::from_host(model_.backend(), h);
  }
  if (pos != bytes.size()) throw InputError(where + ": trailing bytes after the checkpoint");
  step_ = step;
}

template class VaeTrainer<float>;
template class VaeTrainer<double>;

}  // namespace fl::vae
