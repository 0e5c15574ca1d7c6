#include "experiments/music_vae/music_vae_analysis.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/io/files.hpp"
#include "core/io/npy.hpp"
#include "models/music/features.hpp"
#include "models/music/synthetic.hpp"
#include "models/vae/correlation.hpp"
#include "models/vae/latent_analysis.hpp"

namespace fl {
namespace {

constexpr std::size_t kChunk = 250;  // windows per encoder/decoder call

struct Accuracy {
  double free_running = 0, teacher_forced = 0;
};

template <class T>
class Evaluator {
 public:
  Evaluator(vae::MusicVae<T>& model, const std::vector<music::Tokens>& windows) : model_(model), windows_(windows) {}

  void encode(std::vector<double>& mu, std::vector<double>& sigma) {
    mu.clear();
    sigma.clear();
    for (std::size_t s = 0; s < windows_.size(); s += kChunk) {
      std::vector<music::Tokens> part(windows_.begin() + s, windows_.begin() + std::min(windows_.size(), s + kChunk));
      std::vector<T> m, sg;
      model_.encode(part, m, sg);
      mu.insert(mu.end(), m.begin(), m.end());
      sigma.insert(sigma.end(), sg.begin(), sg.end());
    }
  }

  // Token accuracy of decoding z (Z x N) against the windows, in both modes.
  Accuracy accuracy(const std::vector<double>& z) {
    const std::size_t Z = static_cast<std::size_t>(model_.shape().z);
    Accuracy a;
    for (std::size_t s = 0; s < windows_.size(); s += kChunk) {
      const std::size_t e = std::min(windows_.size(), s + kChunk);
      std::vector<music::Tokens> part(windows_.begin() + s, windows_.begin() + e);
      std::vector<T> zc(z.begin() + s * Z, z.begin() + e * Z);
      const double w = double(e - s) / double(windows_.size());
      a.free_running += w * model_.decode(part, zc, true).accuracy;
      a.teacher_forced += w * model_.decode(part, zc, false).accuracy;
    }
    return a;
  }

 private:
  vae::MusicVae<T>& model_;
  const std::vector<music::Tokens>& windows_;
};

nlohmann::json assoc_json(const vae::FeatureAssociation& a) {
  return {{"phik", a.phik.value},           {"phik_p", a.phik.p_value},
          {"spearman", a.spearman.value},   {"spearman_p", a.spearman.p_value},
          {"mutual_information", a.mutual_information.value}, {"mutual_information_p", a.mutual_information.p_value}};
}

}  // namespace

template <class T>
void analyse_music_vae(RunContext& ctx, vae::MusicVae<T>& model, const music::Corpus& corpus) {
  const Config& c = ctx.config;
  const double threshold = c.get_double("analysis.active_threshold");
  const auto max_windows = c.get_int("analysis.eval_windows");
  const int max_top_k = static_cast<int>(c.get_int("analysis.max_top_k"));
  const int top_units = static_cast<int>(c.get_int("analysis.top_units"));
  const int bins = static_cast<int>(c.get_int("analysis.bins"));
  const int permutations = static_cast<int>(c.get_int("analysis.permutations"));
  const int interp_steps = static_cast<int>(c.get_int("analysis.interpolation_steps"));
  require(threshold >= 0, "analysis.active_threshold: must be >= 0");
  require(max_windows >= 2, "analysis.eval_windows: must be >= 2");
  require(max_top_k >= 0 && top_units >= 0, "analysis.max_top_k/top_units: must be >= 0");
  require(bins >= 2 && bins <= 100, "analysis.bins: must be in 2..100");
  require(permutations >= 0, "analysis.permutations: must be >= 0");
  require(interp_steps >= 2, "analysis.interpolation_steps: must be >= 2");

  // Held-out windows, an evenly spaced subset when there are more than eval_windows.
  const std::size_t n_avail = corpus.eval.size();
  const std::size_t N = std::min<std::size_t>(n_avail, static_cast<std::size_t>(max_windows));
  std::vector<music::Tokens> windows;
  std::vector<std::size_t> picked;
  for (std::size_t i = 0; i < N; ++i) picked.push_back(i * n_avail / N);
  for (std::size_t i : picked) windows.push_back(corpus.eval[i]);
  const index_t Z = model.shape().z;

  Evaluator<T> ev(model, windows);
  std::vector<double> mu, sigma;
  ev.encode(mu, sigma);
  const vae::UnitStatistics st = vae::unit_statistics(mu, sigma, Z, static_cast<index_t>(N), threshold);
  const std::vector<int> active(st.order.begin(), st.order.begin() + st.n_active);
  const vae::LatentSpectrum spectrum = vae::latent_spectrum(mu, Z, static_cast<index_t>(N), threshold);

  // Unit table and arrays.
  CsvTable units({"unit", "rank", "activity", "mean_sigma", "mean_kl", "active"});
  std::vector<double> rank_of(Z);
  for (index_t r = 0; r < Z; ++r) rank_of[st.order[r]] = double(r);
  for (index_t u = 0; u < Z; ++u)
    units.add_row({double(u), rank_of[u], st.activity[u], st.mean_sigma[u], st.mean_kl[u], st.activity[u] > threshold ? 1.0 : 0.0});
  units.write(ctx.out.file("units.csv"));
  write_npy(ctx.out.file("mu.npy"), mu, {static_cast<std::int64_t>(N), Z});
  write_npy(ctx.out.file("sigma.npy"), sigma, {static_cast<std::int64_t>(N), Z});

  // Ablations.
  const Accuracy full = ev.accuracy(mu);
  const Accuracy only_active = ev.accuracy(vae::keep_units(mu, Z, N, active));
  CsvTable topk({"k", "token_acc", "token_acc_teacher_forced"});
  nlohmann::json topk_json = nlohmann::json::object(), topk_tf = nlohmann::json::object();
  const int K = std::min(st.n_active, max_top_k);
  for (int k = 1; k <= K; ++k) {
    const std::vector<int> keep(st.order.begin(), st.order.begin() + k);
    const Accuracy a = ev.accuracy(vae::keep_units(mu, Z, N, keep));
    topk.add_row({double(k), a.free_running, a.teacher_forced});
    topk_json[std::to_string(k)] = a.free_running;
    topk_tf[std::to_string(k)] = a.teacher_forced;
  }
  const Accuracy none = ev.accuracy(std::vector<double>(mu.size(), 0.0));
  topk.add_row({0.0, none.free_running, none.teacher_forced});
  topk.write(ctx.out.file("accuracy_top_k.csv"));

  // Features and correlations of the top active units.
  const auto& names = music::feature_names();
  const std::size_t F = names.size();
  std::vector<std::vector<double>> feat(F, std::vector<double>(N));
  std::vector<double> feat_rows;
  for (std::size_t n = 0; n < N; ++n) {
    const auto f = music::window_features(windows[n]);
    for (std::size_t j = 0; j < F; ++j) feat[j][n] = f[j];
    feat_rows.insert(feat_rows.end(), f.begin(), f.end());
  }
  write_npy(ctx.out.file("features.npy"), feat_rows, {static_cast<std::int64_t>(N), static_cast<std::int64_t>(F)});
  CsvTable corr({"unit", "rank", "feature", "phik", "phik_p", "spearman", "spearman_p", "mutual_information",
                 "mutual_information_p"});
  nlohmann::json top = nlohmann::json::array();
  const int n_top = std::min(top_units, st.n_active);
  for (int r = 0; r < n_top; ++r) {
    const int u = st.order[r];
    const std::vector<double> x = vae::unit_row(mu, Z, N, u);
    std::vector<std::pair<double, nlohmann::json>> per_feature;
    for (std::size_t j = 0; j < F; ++j) {
      const auto a = vae::associate(x, feat[j], bins, permutations, ctx.seed + static_cast<std::uint32_t>(j));
      corr.add_row({double(u), double(r), double(j), a.phik.value, a.phik.p_value, a.spearman.value, a.spearman.p_value,
                    a.mutual_information.value, a.mutual_information.p_value});
      nlohmann::json fj = assoc_json(a);
      fj["feature"] = names[j];
      fj["group"] = music::feature_group(j);
      per_feature.emplace_back(a.phik.value + 1e-3 * std::fabs(a.spearman.value), fj);
    }
    std::stable_sort(per_feature.begin(), per_feature.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    nlohmann::json best = nlohmann::json::array();
    for (std::size_t k = 0; k < std::min<std::size_t>(3, per_feature.size()); ++k) best.push_back(per_feature[k].second);
    top.push_back({{"unit", u}, {"rank", r}, {"activity", st.activity[u]}, {"mean_sigma", st.mean_sigma[u]},
                   {"mean_kl", st.mean_kl[u]}, {"top_features", best}});
  }
  corr.write(ctx.out.file("correlations.csv"));

  // Synthetic data: which active unit matches which generating factor.
  if (!corpus.eval_factors.empty()) {
    nlohmann::json factors = nlohmann::json::object();
    const int n_candidates = std::min(st.n_active, std::max(max_top_k, 1));
    for (std::size_t f = 0; f < music::kSyntheticFactorNames.size(); ++f) {
      std::vector<double> y(N);
      for (std::size_t n = 0; n < N; ++n) y[n] = corpus.eval_factors[picked[n]][f];
      int best_unit = -1;
      double best_phik = -1, best_sp = 0;
      for (int r = 0; r < n_candidates; ++r) {
        const int u = st.order[r];
        const std::vector<double> x = vae::unit_row(mu, Z, N, u);
        const double p = vae::phik(x, y, bins);
        if (p > best_phik) best_phik = p, best_unit = u, best_sp = vae::spearman(x, y);
      }
      factors[music::kSyntheticFactorNames[f]] = {{"unit", best_unit},
                                                  {"rank", best_unit >= 0 ? rank_of[best_unit] : -1.0},
                                                  {"phik", std::max(best_phik, 0.0)},
                                                  {"spearman", best_sp}};
    }
    ctx.metrics["factor_units"] = factors;
  }

  // Interpolation between the first two held-out windows (free-running decodes of z).
  std::vector<std::int32_t> interp;
  for (int s = 0; s < interp_steps; ++s) {
    const double a = double(s) / double(interp_steps - 1);
    std::vector<T> z(Z);
    for (index_t u = 0; u < Z; ++u) z[u] = static_cast<T>((1 - a) * mu[u] + a * mu[Z + u]);
    const auto d = model.decode({windows[0]}, z, true);
    interp.insert(interp.end(), d.predicted.begin(), d.predicted.end());
  }
  const std::int64_t L = model.shape().steps();
  std::vector<std::int32_t> ends(windows[0].begin(), windows[0].end());
  ends.insert(ends.end(), windows[1].begin(), windows[1].end());
  write_npy(ctx.out.file("interpolation.npy"), interp, {interp_steps, L});
  write_npy(ctx.out.file("interpolation_endpoints.npy"), ends, {2, L});

  auto& m = ctx.metrics;
  m["n_units"] = Z;
  m["n_eval_windows"] = N;
  m["n_active_units"] = st.n_active;
  m["active_threshold"] = threshold;
  m["activity_variance_estimator"] = "population (divide by N), as Burda et al.'s IWAE code";
  m["token_acc_full"] = full.free_running;
  m["token_acc_active_only"] = only_active.free_running;
  m["token_acc_top_k"] = topk_json;
  m["token_acc_no_latent"] = none.free_running;
  m["token_acc_no_latent_teacher_forced"] = none.teacher_forced;
  m["token_acc_full_teacher_forced"] = full.teacher_forced;
  m["token_acc_active_only_teacher_forced"] = only_active.teacher_forced;
  m["token_acc_top_k_teacher_forced"] = topk_tf;
  m["token_acc_mode"] = "free-running argmax decoding from z = mu (teacher-forced variants in *_teacher_forced)";
  m["sorted_activity"] = [&] {
    std::vector<double> a;
    for (int u : st.order) a.push_back(st.activity[u]);
    return a;
  }();
  // Rotation-invariant view of the same code (see vae::latent_spectrum): how many directions
  // carry variance above the threshold, and over how many units each is spread.
  const std::size_t n_spectrum = std::min<std::size_t>(16, spectrum.variance.size());
  m["n_latent_directions"] = spectrum.n_directions;
  m["latent_direction_variance"] =
      std::vector<double>(spectrum.variance.begin(), spectrum.variance.begin() + n_spectrum);
  m["latent_direction_participation"] =
      std::vector<double>(spectrum.participation.begin(), spectrum.participation.begin() + n_spectrum);
  m["feature_names"] = names;
  m["top_units"] = top;
}

template void analyse_music_vae<float>(RunContext&, vae::MusicVae<float>&, const music::Corpus&);
template void analyse_music_vae<double>(RunContext&, vae::MusicVae<double>&, const music::Corpus&);

}  // namespace fl
