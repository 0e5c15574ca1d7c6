// `fieldlearn music-vae`: train a MusicVAE-style LSTM VAE on melodies and find which latent
// units carry the music (active units, ablations, feature correlations). docs/music-vae.md.
#include <chrono>
#include <cmath>
#include <map>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "experiments/experiment.hpp"
#include "experiments/music_vae/music_vae_analysis.hpp"
#include "models/music/corpus.hpp"
#include "models/music/synthetic.hpp"
#include "models/vae/trainer.hpp"

namespace fl {
namespace {

constexpr const char* kDefaults = R"(
seed = 1234

[data]
source = "synthetic"      # synthetic | tokens | abc
path = ""                 # token file, or ABC file / directory
synthetic_train = 20000   # synthetic windows for training
synthetic_eval = 1000     # synthetic held-out windows
eval_fraction = 0.1       # tokens/abc: fraction of tunes held out (split by tune)
accept_cut_time = false   # abc: also accept 2/2 tunes
abc_dialect = "music21"   # abc: music21 (same tokens as tools/extract_melodies.py) | standard

[model]
kind = "2bar"             # 2bar | 16bar
z = 512
enc_width = 64
enc_layers = 1            # BiLSTM encoder layers (MusicVAE: 1 for 2bar, 2 for hierdec 16bar)
dec_width = 64
dec_layers = 2
conductor_width = 64      # 16bar only
conductor_layers = 2      # 16bar only
state_init_stddev = 0.001 # init of the Dense layers giving the initial LSTM states (MusicVAE)
precision = "float"       # float | double

[train]
steps = 2000
batch = 64
lr_start = 1e-3
lr_end = 1e-5
lr_decay = 0.9999
max_beta = 0.2
beta_rate = 0.999
free_bits = 0.0           # bits, on each example's total KL
sampling_k = 200.0        # inverse-sigmoid scheduled sampling; 0 = teacher forcing
clip_norm = 1.0
weight_decay = 0.0        # decoupled (AdamW) weight decay; MusicVAE uses none
adam_eps = 1e-8           # Adam's epsilon (TensorFlow's default, as MusicVAE)
max_transpose = 5
checkpoint_every = 500
log_every = 50

[analysis]
active_threshold = 0.01
eval_windows = 1000       # held-out windows analysed (at most)
max_top_k = 32            # accuracy keeping the top-k units, k = 1 .. min(n_active, max_top_k)
top_units = 8             # units whose feature correlations are reported
bins = 10                 # quantile bins of phi_K and mutual information
permutations = 200        # permutation-null draws per (unit, feature)
interpolation_steps = 9
)";

vae::VaeShape shape_from(const Config& c) {
  vae::VaeShape s;
  s.kind = c.get_string("model.kind");
  require(s.kind == "2bar" || s.kind == "16bar", "model.kind: must be 2bar or 16bar, not '" + s.kind + "'");
  s.z = c.get_int("model.z");
  s.enc_width = c.get_int("model.enc_width");
  s.enc_layers = c.get_int("model.enc_layers");
  s.dec_width = c.get_int("model.dec_width");
  s.dec_layers = c.get_int("model.dec_layers");
  s.conductor_width = c.get_int("model.conductor_width");
  s.conductor_layers = c.get_int("model.conductor_layers");
  s.state_init_stddev = c.get_double("model.state_init_stddev");
  require(s.state_init_stddev >= 0 && s.state_init_stddev <= 10, "model.state_init_stddev: must be in [0, 10]");
  for (auto [key, v] : std::map<std::string, index_t>{{"model.z", s.z}, {"model.enc_width", s.enc_width},
                                                      {"model.enc_layers", s.enc_layers},
                                                      {"model.dec_width", s.dec_width}, {"model.dec_layers", s.dec_layers},
                                                      {"model.conductor_width", s.conductor_width},
                                                      {"model.conductor_layers", s.conductor_layers}})
    require(v >= 1 && v <= 8192, key + ": must be in 1..8192");
  return s;
}

vae::TrainConfig train_config_from(const Config& c, std::uint32_t seed) {
  vae::TrainConfig t;
  t.batch = c.get_int("train.batch");
  t.lr_start = c.get_double("train.lr_start");
  t.lr_end = c.get_double("train.lr_end");
  t.lr_decay = c.get_double("train.lr_decay");
  t.max_beta = c.get_double("train.max_beta");
  t.beta_rate = c.get_double("train.beta_rate");
  t.free_bits = c.get_double("train.free_bits");
  t.sampling_k = c.get_double("train.sampling_k");
  t.clip_norm = c.get_double("train.clip_norm");
  t.weight_decay = c.get_double("train.weight_decay");
  t.adam_eps = c.get_double("train.adam_eps");
  t.max_transpose = static_cast<int>(c.get_int("train.max_transpose"));
  t.seed = seed;
  require(t.batch >= 1, "train.batch: must be >= 1");
  require(t.lr_start > 0 && t.lr_end >= 0, "train.lr_start/lr_end: must be positive");
  require(t.beta_rate >= 0 && t.beta_rate <= 1, "train.beta_rate: must be in [0, 1]");
  require(t.max_transpose >= 0 && t.max_transpose <= 12, "train.max_transpose: must be in 0..12");
  require(t.clip_norm > 0, "train.clip_norm: must be positive");
  require(t.weight_decay >= 0, "train.weight_decay: must be >= 0");
  require(t.adam_eps > 0, "train.adam_eps: must be > 0");
  return t;
}

music::Corpus load_corpus(const Config& c, int bars, std::uint32_t seed) {
  const std::string source = c.get_string("data.source");
  const double eval_fraction = c.get_double("data.eval_fraction");
  require(eval_fraction > 0 && eval_fraction < 1, "data.eval_fraction: must be in (0, 1)");
  music::Corpus corpus;
  if (source == "synthetic") {
    const auto n_train = c.get_int("data.synthetic_train"), n_eval = c.get_int("data.synthetic_eval");
    require(n_train >= 1 && n_eval >= 2, "data.synthetic_train/eval: need >= 1 and >= 2 windows");
    corpus.train = music::make_synthetic_corpus(n_train, seed, bars).windows;
    auto ev = music::make_synthetic_corpus(n_eval, seed ^ 0x5eedu, bars);
    corpus.eval = std::move(ev.windows);
    corpus.eval_factors = std::move(ev.factors);
    return corpus;
  }
  const std::string path = c.get_string("data.path");
  require(!path.empty(), "data.path: required for data.source = " + source);
  if (source == "tokens") corpus = music::load_token_corpus(path, bars, eval_fraction, seed);
  else if (source == "abc") {
    const std::string dialect = c.get_string("data.abc_dialect");
    require(dialect == "music21" || dialect == "standard", "data.abc_dialect: must be music21 or standard");
    corpus = music::load_abc_corpus(path, bars, eval_fraction, c.get_bool("data.accept_cut_time"),
                                    dialect == "music21" ? music::AbcDialect::music21 : music::AbcDialect::standard, seed);
  }
  else input_error("data.source: must be synthetic, tokens or abc, not '" + source + "'");
  require(!corpus.train.empty() && corpus.eval.size() >= 2,
          path + ": empty corpus after filtering (" + std::to_string(corpus.train.size()) + " training and " +
              std::to_string(corpus.eval.size()) + " held-out " + std::to_string(bars) + "-bar windows from " +
              std::to_string(corpus.tunes) + " tunes)");
  return corpus;
}

template <class T>
void run_typed(RunContext& ctx, const music::Corpus& corpus) {
  const Config& c = ctx.config;
  vae::MusicVae<T> model(ctx.backend, shape_from(c), ctx.seed);
  vae::VaeTrainer<T> trainer(model, train_config_from(c, ctx.seed), corpus.train);
  const auto ckpt = ctx.out.file("checkpoint.bin");
  if (ctx.resume && std::filesystem::exists(ckpt)) trainer.load_checkpoint(ckpt);
  const std::int64_t steps = c.get_int("train.steps"), every = c.get_int("train.checkpoint_every"),
                     log_every = c.get_int("train.log_every");
  require(steps >= 0 && every >= 1 && log_every >= 1, "train.steps/checkpoint_every/log_every: must be positive");

  CsvTable log({"step", "loss", "recon", "kl", "kl_term", "beta", "lr", "p_sample", "grad_norm", "skipped"});
  const auto log_path = ctx.out.file("train_log.csv");
  auto progress = ctx.progress("music-vae train", steps);
  const auto t0 = std::chrono::steady_clock::now();
  const std::int64_t first = trainer.steps_done();
  vae::StepLog last;
  while (trainer.steps_done() < steps) {
    last = trainer.step();
    if (!std::isfinite(last.parts.loss)) throw NumericalError("music-vae: the loss became " + std::to_string(last.parts.loss));
    if (last.step % log_every == 0 || trainer.steps_done() == steps) {
      log.add_row({double(last.step), last.parts.loss, last.parts.recon, last.parts.kl, last.parts.kl_term, last.beta,
                   last.lr, last.p_sample, last.grad_norm, last.skipped ? 1.0 : 0.0});
      progress.update(trainer.steps_done(), "loss " + std::to_string(last.parts.loss));
    }
    if (trainer.steps_done() % every == 0) trainer.save_checkpoint(ckpt);
  }
  progress.finish();
  ctx.backend.synchronize();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  trainer.save_checkpoint(ckpt);
  log.write(log_path);
  ctx.metrics["train_steps"] = trainer.steps_done();
  ctx.metrics["train_seconds"] = seconds;
  ctx.metrics["train_step_ms"] = trainer.steps_done() > first ? 1e3 * seconds / double(trainer.steps_done() - first) : 0.0;
  ctx.metrics["final_loss"] = last.parts.loss;
  ctx.metrics["final_recon"] = last.parts.recon;
  ctx.metrics["final_kl"] = last.parts.kl;
  analyse_music_vae(ctx, model, corpus);
}

void run_music_vae(RunContext& ctx) {
  const Config& c = ctx.config;
  const int bars = c.get_string("model.kind") == "16bar" ? 16 : 2;
  const music::Corpus corpus = load_corpus(c, bars, ctx.seed);
  ctx.metrics["n_train_windows"] = corpus.train.size();
  ctx.metrics["n_eval_windows_available"] = corpus.eval.size();
  if (c.get_string("data.source") != "synthetic")
    ctx.metrics["corpus"] = {{"tunes", corpus.tunes},
                             {"tunes_dropped_meter", corpus.tunes_dropped_meter},
                             {"segments", corpus.segments},
                             {"eval_tunes", corpus.eval_tunes},
                             {"train_removed_as_eval_duplicates", corpus.train_removed_as_eval_duplicates}};
  const std::string precision = c.get_string("model.precision");
  if (precision == "float") run_typed<float>(ctx, corpus);
  else if (precision == "double") run_typed<double>(ctx, corpus);
  else input_error("model.precision: must be float or double, not '" + precision + "'");
}

}  // namespace

FL_REGISTER_EXPERIMENT(music_vae, "music-vae", "MusicVAE latent units: which neurons carry pitch and rhythm",
                       kDefaults, run_music_vae);

}  // namespace fl
