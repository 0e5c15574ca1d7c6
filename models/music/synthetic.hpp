#pragma once
// A synthetic melody corpus with known generating factors, for CI and for checking that
// the VAE's active units recover them. Each 2-bar window draws four factors uniformly in
// [0, 1] and generates a legato melody on the 8th-note grid:
//   register   : starting pitch 52 + round(24 register)                (MIDI 52..76)
//   density    : probability 0.15 + 0.8 density of an onset on each later 8th position
//   step_leap  : probability 1 - step_leap that an interval is a step (1-2 semitones),
//                otherwise a leap (3-7 semitones)
//   contour    : probability 0.1 + 0.8 contour that an interval goes up
// Pitches are reflected into [start - 14, start + 14]. Deterministic in (seed, index).
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
