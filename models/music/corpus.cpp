#include "models/music/corpus.hpp"

#include <algorithm>
#include <set>

#include "core/error.hpp"
#include "core/philox.hpp"
#include "models/music/abc_reader.hpp"
#include "models/music/token_file.hpp"

namespace fl::music {
namespace {

// A deterministic uniform number in [0, 1) for a tune name (FNV-1a, then Philox).
double tune_hash(const std::string& tune, std::uint32_t seed) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : tune) h = (h ^ c) * 1099511628211ull;
  return PhiloxStream(PhiloxKey{seed, 0x7ae5u}, h).uniform();
}

}  // namespace

Corpus split_and_window(const std::vector<KeyedSegment>& segments, int window_bars, double eval_fraction,
                        std::uint32_t seed) {
  Corpus c;
  std::set<std::string> tunes, eval_tunes;
  std::vector<Tokens> train, eval;
  const std::size_t len = static_cast<std::size_t>(window_bars) * kStepsPerBar;
  for (const KeyedSegment& s : segments) {
    tunes.insert(s.tune);
    const bool to_eval = tune_hash(s.tune, seed) < eval_fraction;
    if (to_eval) eval_tunes.insert(s.tune);
    std::vector<Tokens>& dst = to_eval ? eval : train;
    if (s.tokens.size() == len) {
      dst.push_back(s.tokens);
      continue;
    }
    for (const Tokens& piece : split_at_silent_bars(s.tokens))
      for (Tokens& w : cut_windows(piece, window_bars, 1)) dst.push_back(std::move(w));
  }
  c.tunes = static_cast<std::int64_t>(tunes.size());
  c.eval_tunes = static_cast<std::int64_t>(eval_tunes.size());
  c.segments = static_cast<std::int64_t>(segments.size());
  c.eval = deduplicate(eval);
  const std::set<Tokens> in_eval(c.eval.begin(), c.eval.end());
  for (Tokens& w : deduplicate(train)) {
    if (in_eval.count(w)) ++c.train_removed_as_eval_duplicates;
    else c.train.push_back(std::move(w));
  }
  return c;
}

Corpus load_token_corpus(const std::filesystem::path& file, int window_bars, double eval_fraction,
                         std::uint32_t seed) {
  const TokenFile tf = read_token_file(file);
  if (tf.window_bars != 0 && tf.window_bars != window_bars)
    throw InputError(file.string() + ": holds " + std::to_string(tf.window_bars) + "-bar windows but the model needs " +
                     std::to_string(window_bars) + "-bar windows (or whole segments, window_bars 0)");
  std::vector<KeyedSegment> segs;
  for (std::size_t i = 0; i < tf.sequences.size(); ++i) {
    const std::string& id = tf.ids[i];
    segs.push_back({id.substr(0, id.find('@')), tf.sequences[i]});
  }
  return split_and_window(segs, window_bars, eval_fraction, seed);
}

Corpus load_abc_corpus(const std::filesystem::path& path, int window_bars, double eval_fraction,
                       bool accept_cut_time, AbcDialect dialect, std::uint32_t seed) {
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(path)) {
    for (const auto& e : std::filesystem::directory_iterator(path))
      if (e.path().extension() == ".abc") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    if (files.empty()) throw InputError(path.string() + ": no .abc files in this directory");
  } else {
    files.push_back(path);
  }
  std::vector<KeyedSegment> segs;
  std::int64_t dropped = 0, total = 0;
  for (const auto& f : files) {
    for (const AbcTune& tune : read_abc_file(f, dialect)) {
      ++total;
      if (!is_common_time(tune, accept_cut_time)) {
        ++dropped;
        continue;
      }
      const std::string key = f.filename().string() + "#" + std::to_string(tune.number);
      for (Tokens& s : tune_segments(tune)) segs.push_back({key, std::move(s)});
    }
  }
  Corpus c = split_and_window(segs, window_bars, eval_fraction, seed);
  c.tunes = total;
  c.tunes_dropped_meter = dropped;
  return c;
}

}  // namespace fl::music
