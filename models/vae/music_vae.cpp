#include "models/vae/music_vae.hpp"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace fl::vae {

namespace {
template <class T>
MatrixView<T> mat(Buffer<T>& b, index_t rows, index_t cols) {
  return {b.data(), rows, cols, b.device()};
}
template <class T>
MatrixView<const T> cmat(const Buffer<T>& b, index_t rows, index_t cols) {
  return {b.data(), rows, cols, b.device()};
}
constexpr std::uint32_t kEpsStream = 0x7ae1u, kSamplingStream = 0x7ae2u;
}  // namespace

std::string VaeShape::signature() const {
  std::ostringstream s;
  s << "musicvae kind=" << kind << " z=" << z << " enc=" << enc_width;
  if (enc_layers > 1) s << "x" << enc_layers;
  s << " dec=" << dec_width << "x" << dec_layers;
  if (kind == "16bar") s << " conductor=" << conductor_width << "x" << conductor_layers;
  return s.str();
}

template <class T>
MusicVae<T>::MusicVae(Backend& backend, VaeShape shape, std::uint32_t seed)
    : be_(backend), eng_(make_vae_engine(backend)), shape_(std::move(shape)), seed_(seed) {
  if (shape_.kind != "2bar" && shape_.kind != "16bar")
    throw std::invalid_argument("MusicVae: kind must be 2bar or 16bar");
  const index_t K = music::kNumClasses, E = shape_.enc_width, Z = shape_.z;
  encoder_ = BiLstmEncoder<T>(params_, "enc", K, E, shape_.enc_layers);
  mu_head_ = Dense<T>(params_, "enc.mu", 2 * E, Z, 0.001);
  sigma_head_ = Dense<T>(params_, "enc.sigma", 2 * E, Z, 0.001);
  index_t dec_v = Z;
  if (shape_.kind == "16bar") {
    conductor_ = LstmStack<T>(params_, "conductor",
                              StackShape{0, shape_.conductor_width, shape_.conductor_layers, 0, Z,
                                         shape_.state_init_stddev});
    dec_v = shape_.conductor_width;
  }
  decoder_ = MelodyDecoder<T>(params_, "dec", shape_.dec_width, shape_.dec_layers, dec_v, shape_.state_init_stddev);
  params_.allocate(be_, seed);
}

template <class T>
void MusicVae<T>::upload_tokens(const std::vector<music::Tokens>& batch) {
  const index_t B = static_cast<index_t>(batch.size()), L = shape_.steps();
  std::vector<std::int32_t> enc(L * B), in(L * B), tg(L * B);
  const bool hier = shape_.kind == "16bar";
  const index_t steps = hier ? music::kStepsPerBar : L, N = hier ? 16 * B : B;
  for (index_t b = 0; b < B; ++b) {
    if (static_cast<index_t>(batch[b].size()) != L)
      throw std::invalid_argument("MusicVae: window of " + std::to_string(batch[b].size()) +
                                  " steps, the model needs " + std::to_string(L));
    for (index_t t = 0; t < L; ++t) {
      enc[t * B + b] = batch[b][t];
      // Decoder position: 2bar (step t, sequence b); 16bar (step t%16, sequence bar*B + b).
      const index_t k = hier ? t % steps : t, n = hier ? (t / steps) * B + b : b;
      in[k * N + n] = t == 0 ? -1 : batch[b][t - 1];
      tg[k * N + n] = batch[b][t];
    }
  }
  tokens_ = Buffer<std::int32_t>::from_host(be_, enc);
  dec_inputs_ = Buffer<std::int32_t>::from_host(be_, in);
  dec_targets_ = Buffer<std::int32_t>::from_host(be_, tg);
}

template <class T>
void MusicVae<T>::run_encoder(index_t B) {
  const index_t L = shape_.steps(), E = shape_.enc_width, Z = shape_.z;
  e_.ensure_size(be_, 2 * E * B);
  encoder_.forward(be_, *eng_, L, B, VectorView<const std::int32_t>(tokens_.view()), mat(e_, 2 * E, B));
  mu_.ensure_size(be_, Z * B);
  S_.ensure_size(be_, Z * B);
  mu_head_.forward(be_, cmat(e_, 2 * E, B), mat(mu_, Z, B));
  sigma_head_.forward(be_, cmat(e_, 2 * E, B), mat(S_, Z, B));
}

template <class T>
void MusicVae<T>::run_decoder(index_t B, double p_sample, bool argmax, std::uint64_t rng_step) {
  const PhiloxKey key{seed_, kSamplingStream};
  const VectorView<const std::int32_t> inputs = dec_inputs_.view();
  if (shape_.kind == "2bar") {
    decoder_.forward(be_, *eng_, shape_.steps(), B, cmat(z_, shape_.z, B), inputs, p_sample, argmax, key, rng_step);
    return;
  }
  conductor_.begin(be_, *eng_, 16, B, cmat(z_, shape_.z, B), {});
  conductor_.forward({});
  decoder_.forward(be_, *eng_, music::kStepsPerBar, 16 * B, conductor_.outputs(), inputs, p_sample, argmax, key,
                   rng_step);
}

template <class T>
void MusicVae<T>::backward_decoder(index_t B, MatrixView<T> dz) {
  const index_t K = music::kNumClasses, TN = shape_.steps() * B;
  const MatrixView<const T> dlogits = cmat(dlogits_, K, TN);
  if (shape_.kind == "2bar") {
    decoder_.backward(dlogits, dz);
    return;
  }
  const index_t Hc = shape_.conductor_width;
  dcv_.ensure_size(be_, Hc * 16 * B);
  decoder_.backward(dlogits, mat(dcv_, Hc, 16 * B));
  conductor_.backward(cmat(dcv_, Hc, 16 * B), dz, {});
}

template <class T>
LossParts MusicVae<T>::loss_and_gradient(const std::vector<music::Tokens>& batch, double beta, double free_bits,
                                         double p_sample, std::uint64_t rng_step, bool sample_latent) {
  const index_t B = static_cast<index_t>(batch.size()), Z = shape_.z, K = music::kNumClasses;
  const index_t TN = shape_.steps() * B, E = shape_.enc_width;
  upload_tokens(batch);
  params_.zero_grads();
  run_encoder(B);
  for (Buffer<T>* b : {&sigma_, &eps_, &z_, &dz_, &dmu_, &dS_}) b->ensure_size(be_, Z * B);
  kl_.ensure_size(be_, B);
  if (sample_latent) be_.fill_normal(eps_.view(), PhiloxKey{seed_, kEpsStream}, rng_step, T(0), T(1));
  else be_.fill(eps_.view(), T(0));
  eng_->latent_forward(cmat(mu_, Z, B), cmat(S_, Z, B), cmat(eps_, Z, B), mat(sigma_, Z, B), mat(z_, Z, B),
                       kl_.view());
  run_decoder(B, p_sample, false, rng_step);

  ce_.ensure_size(be_, TN);
  dlogits_.ensure_size(be_, K * TN);
  eng_->softmax_cross_entropy(decoder_.logits(), VectorView<const std::int32_t>(dec_targets_.view()), T(1.0 / B),
                              mat(dlogits_, K, TN), ce_.view());
  LossParts parts;
  for (T c : ce_.to_host()) parts.recon += c;
  parts.recon /= B;
  // Free bits on each example's total KL; the clamp decides which examples get KL gradient.
  const double free_nats = free_bits * std::log(2.0);
  std::vector<T> kl = kl_.to_host(), weight(B);
  for (index_t b = 0; b < B; ++b) {
    parts.kl += kl[b] / B;
    const double excess = kl[b] - free_nats;
    parts.kl_term += excess > 0 ? beta * excess / B : 0.0;
    weight[b] = excess > 0 ? T(beta / B) : T(0);
  }
  parts.loss = parts.recon + parts.kl_term;
  kl_weight_ = Buffer<T>::from_host(be_, weight);

  backward_decoder(B, mat(dz_, Z, B));
  eng_->latent_backward(cmat(mu_, Z, B), cmat(S_, Z, B), cmat(eps_, Z, B), cmat(sigma_, Z, B), cmat(dz_, Z, B),
                        VectorView<const T>(kl_weight_.view()), mat(dmu_, Z, B), mat(dS_, Z, B));
  de_.ensure_size(be_, 2 * E * B);
  MatrixView<T> de = mat(de_, 2 * E, B);
  mu_head_.backward(be_, cmat(e_, 2 * E, B), cmat(dmu_, Z, B), de, T(0));
  sigma_head_.backward(be_, cmat(e_, 2 * E, B), cmat(dS_, Z, B), de, T(1));
  encoder_.backward(MatrixView<const T>(de));
  return parts;
}

template <class T>
void MusicVae<T>::encode(const std::vector<music::Tokens>& batch, std::vector<T>& mu, std::vector<T>& sigma) {
  const index_t B = static_cast<index_t>(batch.size());
  upload_tokens(batch);
  run_encoder(B);
  mu = mu_.to_host();
  sigma = S_.to_host();
  for (T& s : sigma) s = (s > T(0) ? s : T(0)) + std::log1p(std::exp(-std::fabs(s)));
}

template <class T>
DecodeResult MusicVae<T>::decode(const std::vector<music::Tokens>& batch, const std::vector<T>& z,
                                 bool free_running) {
  const index_t B = static_cast<index_t>(batch.size()), K = music::kNumClasses, L = shape_.steps();
  upload_tokens(batch);
  z_ = Buffer<T>::from_host(be_, z);
  DecodeResult r;
  r.predicted.assign(B * L, -1);
  auto argmax_into = [&](const std::vector<T>& logits, index_t steps, index_t N, auto position) {
    for (index_t k = 0; k < steps; ++k)
      for (index_t n = 0; n < N; ++n) {
        const T* x = logits.data() + (k * N + n) * K;
        index_t best = 0;
        for (index_t c = 1; c < K; ++c)
          if (x[c] > x[best]) best = c;
        const auto [b, t] = position(k, n);
        r.predicted[b * L + t] = static_cast<std::int32_t>(best);
      }
  };
  if (shape_.kind == "2bar" || !free_running) {
    run_decoder(B, free_running ? 1.0 : 0.0, true, 0);
    const bool hier = shape_.kind == "16bar";
    std::vector<T> logits(K * L * B);
    be_.download(VectorView<const T>(decoder_.logits().flat()), logits.data());
    argmax_into(logits, hier ? 16 : L, hier ? 16 * B : B, [&](index_t k, index_t n) {
      return hier ? std::pair<index_t, index_t>{n % B, (n / B) * 16 + k} : std::pair<index_t, index_t>{n, k};
    });
  } else {
    // Free-running hierarchical decoding: bar by bar, each bar's first input is the
    // previous bar's last generated token.
    conductor_.begin(be_, *eng_, 16, B, cmat(z_, shape_.z, B), {});
    conductor_.forward({});
    std::vector<std::int32_t> inputs(16 * B, -1);
    std::vector<T> logits(K * 16 * B);
    for (index_t u = 0; u < 16; ++u) {
      for (index_t b = 0; b < B; ++b) inputs[b] = u == 0 ? -1 : r.predicted[b * L + 16 * u - 1];
      dec_inputs_ = Buffer<std::int32_t>::from_host(be_, inputs);
      decoder_.forward(be_, *eng_, 16, B, conductor_.outputs().col_block(u * B, B),
                       VectorView<const std::int32_t>(dec_inputs_.view()), 1.0, true, PhiloxKey{seed_, kSamplingStream}, 0);
      be_.download(VectorView<const T>(decoder_.logits().flat()), logits.data());
      argmax_into(logits, 16, B, [&](index_t k, index_t n) { return std::pair<index_t, index_t>{n, 16 * u + k}; });
    }
  }
  index_t correct = 0;
  for (index_t b = 0; b < B; ++b)
    for (index_t t = 0; t < L; ++t) correct += r.predicted[b * L + t] == batch[b][t];
  r.accuracy = static_cast<double>(correct) / static_cast<double>(B * L);
  return r;
}

template class MusicVae<float>;
template class MusicVae<double>;

}  // namespace fl::vae
