#pragma once
// A synthetic melody corpus with known generating factors, for CI and for checking that
// the VAE's active units recover them. Each window draws four factors uniformly in [0, 1]
// and is a deterministic function of them (so the data has exactly four degrees of freedom):
//   register  : first pitch 52 + round(24 register)                          (MIDI 52..76)
//   density   : n = 3 + round(13 density) notes, evenly spaced on the 8th-note grid
//               (onset k at step 2 floor(16 k / n) for 2 bars), each held to the next onset
//   step_leap : every interval has size 1 + round(4 step_leap) semitones (1..5)
//   contour   : the melody rises until note round(contour (n - 1)), then falls
// Pitches are reflected into [first - 12, first + 12]. Windows are 2 bars (or `bars` bars,
// the pattern repeated every 2 bars).
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "models/music/melody.hpp"

namespace fl::music {

inline constexpr std::array<const char*, 4> kSyntheticFactorNames = {"register", "density",
                                                                     "step_leap", "contour"};

struct SyntheticCorpus {
  std::vector<Tokens> windows;
  std::vector<std::array<double, 4>> factors;  // per window, in kSyntheticFactorNames order
};

// `count` windows of `bars` bars (window i uses Philox stream i of `seed`).
SyntheticCorpus make_synthetic_corpus(std::int64_t count, std::uint32_t seed, int bars = 2);

}  // namespace fl::music
