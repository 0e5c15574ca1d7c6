#include "models/music/synthetic.hpp"

#include <cmath>

#include "core/philox.hpp"

namespace fl::music {

SyntheticCorpus make_synthetic_corpus(std::int64_t count, std::uint32_t seed, int bars) {
  SyntheticCorpus corpus;
  corpus.windows.reserve(static_cast<std::size_t>(count));
  corpus.factors.reserve(static_cast<std::size_t>(count));
  constexpr int kEighths = 16;  // per 2 bars
  for (std::int64_t w = 0; w < count; ++w) {
    PhiloxStream rng(PhiloxKey{seed, static_cast<std::uint32_t>(w)}, 0);
    std::array<double, 4> f{};
    for (double& x : f) x = rng.uniform();
    const int first = 52 + static_cast<int>(std::lround(24.0 * f[0]));
    const int n = 3 + static_cast<int>(std::lround(13.0 * f[1]));
    const int size = 1 + static_cast<int>(std::lround(4.0 * f[2]));
    const int peak = static_cast<int>(std::lround(f[3] * (n - 1)));
    std::vector<Note> notes;
    for (int rep = 0; rep * 2 < bars; ++rep) {
      int pitch = first;
      for (int k = 0; k < n; ++k) {
        if (k > 0) {
          pitch += k <= peak ? size : -size;
          if (pitch > first + 12) pitch = 2 * (first + 12) - pitch;
          if (pitch < first - 12) pitch = 2 * (first - 12) - pitch;
        }
        const int start = rep * 2 * kStepsPerBar + 2 * ((kEighths * k) / n);
        if (!notes.empty()) notes.back().end = start;
        notes.push_back({start, bars * kStepsPerBar, pitch});
      }
    }
    corpus.windows.push_back(notes_to_tokens(notes, bars * kStepsPerBar));
    corpus.factors.push_back(f);
  }
  return corpus;
}

}  // namespace fl::music
