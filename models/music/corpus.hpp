#pragma once
// Training / held-out window sets from the three data sources (synthetic, token file, ABC),
// split by tune before windowing, with cross-split duplicates removed from training.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/music/abc_reader.hpp"
#include "models/music/melody.hpp"

namespace fl::music {

struct Corpus {
  std::vector<Tokens> train, eval;
  std::vector<std::array<double, 4>> eval_factors;  // synthetic only
  // Bookkeeping: what was read and what was dropped, and why.
  std::int64_t tunes = 0, tunes_dropped_meter = 0, segments = 0, eval_tunes = 0;
  std::int64_t train_removed_as_eval_duplicates = 0;
};

// A melody segment with the tune it came from (the split key).
struct KeyedSegment {
  std::string tune;
  Tokens tokens;
};

// Splits by tune (a tune goes to eval when a hash of (seed, tune) falls below eval_fraction),
// cuts `window_bars`-bar windows with a 1-bar hop (segments already of window length are
// used as they are), de-duplicates each side and drops training windows present in eval.
Corpus split_and_window(const std::vector<KeyedSegment>& segments, int window_bars, double eval_fraction,
                        std::uint32_t seed);

// Token file: ids "<tune>@<anything>" (the part before '@' is the tune; no '@' = own tune).
Corpus load_token_corpus(const std::filesystem::path& file, int window_bars, double eval_fraction,
                         std::uint32_t seed);
// One .abc file or every *.abc file of a directory; tunes not in 4/4 (or 2/2) are dropped.
Corpus load_abc_corpus(const std::filesystem::path& path, int window_bars, double eval_fraction,
                       bool accept_cut_time, AbcDialect dialect, std::uint32_t seed);

}  // namespace fl::music
