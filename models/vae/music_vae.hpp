#pragma once
// MusicVAE-style melody VAE (reference: shared/reference/music_vae.md, section 3).
//   encoder : stacked BiLSTM over one-hot tokens, e = [h_fwd_T ; h_bwd_1] of the top layer
//   latent  : mu = Dense(e), sigma = softplus(Dense(e)), z = mu + sigma eps
//   2bar    : MelodyDecoder (initial state tanh(Dense(z)), z on every step) over 32 steps
//   16bar   : conductor LSTM (zero inputs, state tanh(Dense(z))) gives c_u per bar; each bar
//             is decoded by the shared MelodyDecoder conditioned on c_u, whose first input is
//             the previous bar's last token. Bars run as one batch of 16 B sequences.
//   loss    : mean_batch sum_t CE_t + beta mean_batch max(KL - free_bits ln 2, 0)
#include <cstdint>
#include <string>
#include <vector>

#include "core/buffer.hpp"
#include "models/music/melody.hpp"
#include "models/vae/bilstm_encoder.hpp"
#include "models/vae/lstm_stack.hpp"

namespace fl::vae {

struct VaeShape {
  std::string kind = "2bar";  // "2bar" or "16bar"
  index_t z = 512;
  index_t enc_width = 512;
  index_t enc_layers = 1;  // BiLSTM layers (cat-mel_2bar: 1, hierdec-mel_16bar: 2)
  index_t dec_width = 256;
  index_t dec_layers = 2;
  index_t conductor_width = 256;  // 16bar only
  index_t conductor_layers = 2;   // 16bar only
  double state_init_stddev = 0.001;  // Dense(z) / Dense(c_u) -> initial LSTM states (MusicVAE: 0.001)
  index_t bars() const { return kind == "16bar" ? 16 : 2; }
  index_t steps() const { return bars() * music::kStepsPerBar; }
  std::string signature() const;  // identifies the architecture (checkpoints)
};

struct LossParts {
  double loss = 0;   // recon + kl_term
  double recon = 0;  // mean over the batch of the summed cross-entropy (nats)
  double kl = 0;     // mean KL (nats)
  double kl_term = 0;
};

struct DecodeResult {
  std::vector<std::int32_t> predicted;  // argmax token per position, window-major (B x steps)
  double accuracy = 0;                  // fraction of positions equal to the input tokens
};

template <class T>
class MusicVae {
 public:
  MusicVae(Backend& backend, VaeShape shape, std::uint32_t seed);

  const VaeShape& shape() const { return shape_; }
  ParamSet<T>& params() { return params_; }
  Backend& backend() { return be_; }

  // Forward and backward on one batch; gradients are overwritten. eps ~ N(0,1) from Philox
  // (seed, rng_step), or eps = 0 when sample_latent is false (z = mu).
  LossParts loss_and_gradient(const std::vector<music::Tokens>& batch, double beta, double free_bits,
                              double p_sample, std::uint64_t rng_step, bool sample_latent = true);

  // Posterior parameters, host Z x B column-major.
  void encode(const std::vector<music::Tokens>& batch, std::vector<T>& mu, std::vector<T>& sigma);
  // Decodes z (host Z x B) against the windows: teacher-forced or free-running (argmax).
  DecodeResult decode(const std::vector<music::Tokens>& batch, const std::vector<T>& z, bool free_running);

 private:
  void upload_tokens(const std::vector<music::Tokens>& batch);
  void run_encoder(index_t B);
  void run_decoder(index_t B, double p_sample, bool argmax, std::uint64_t rng_step);
  void backward_decoder(index_t B, MatrixView<T> dz);

  Backend& be_;
  std::unique_ptr<VaeEngine> eng_;
  VaeShape shape_;
  std::uint32_t seed_;
  ParamSet<T> params_;
  BiLstmEncoder<T> encoder_;
  Dense<T> mu_head_, sigma_head_;
  LstmStack<T> conductor_;  // 16bar only
  MelodyDecoder<T> decoder_;
  // Device work buffers.
  Buffer<std::int32_t> tokens_, dec_inputs_, dec_targets_;
  Buffer<T> e_, mu_, S_, sigma_, eps_, z_, kl_, kl_weight_, ce_, dlogits_, dz_, de_, dmu_, dS_, dcv_;
};

}  // namespace fl::vae
