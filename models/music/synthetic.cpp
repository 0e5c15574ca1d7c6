#include "models/music/synthetic.hpp"

#include <cmath>

#include "core/philox.hpp"

namespace fl::music {

SyntheticCorpus make_synthetic_corpus(std::int64_t count, std::uint32_t seed, int bars) {
  SyntheticCorpus corpus;
  corpus.windows.reserve(static_cast<std::size_t>(count));
  corpus.factors.reserve(static_cast<std::size_t>(count));
  const int eighths = bars * kStepsPerBar / 2;
  for (std::int64_t w = 0; w < count; ++w) {
    PhiloxStream rng(PhiloxKey{seed, static_cast<std::uint32_t>(w)}, 0);
    std::array<double, 4> f{};
    for (double& x : f) x = rng.uniform();
    const double p_onset = 0.15 + 0.8 * f[1];
    const double p_leap = f[2];
    const double p_up = 0.1 + 0.8 * f[3];
    const int start = 52 + static_cast<int>(std::lround(24.0 * f[0]));
    std::vector<Note> notes;
    int pitch = start;
    for (int e = 0; e < eighths; ++e) {
      if (e > 0 && rng.uniform() >= p_onset) continue;
      if (e > 0) {
        const int size = rng.uniform() < p_leap ? 3 + static_cast<int>(rng.below(5))
                                                : 1 + static_cast<int>(rng.below(2));
        int next = pitch + (rng.uniform() < p_up ? size : -size);
        if (next > start + 14) next = 2 * (start + 14) - next;
        if (next < start - 14) next = 2 * (start - 14) - next;
        pitch = next;
      }
      if (!notes.empty()) notes.back().end = 2 * e;
      notes.push_back({2 * e, bars * kStepsPerBar, pitch});
    }
    corpus.windows.push_back(notes_to_tokens(notes, bars * kStepsPerBar));
    corpus.factors.push_back(f);
  }
  return corpus;
}

}  // namespace fl::music
