#pragma once
// Human-defined features of a melody window (operational definitions in
// docs/music-vae.md). Notes come from tokens_to_notes; durations are in 16th steps.
//   pitch   : mean_pitch, pitch_range, pitch_variety, pitch_class_variety, most_common_pitch
//   rhythm  : note_density (onsets per bar), mean_duration, duration_variability (std),
//             syncopation_16th (fraction of onsets on odd 16th steps),
//             syncopation_8th (fraction of onsets on the "and" of a beat, step % 4 == 2)
//   melody  : mean_interval (|semitones|), stepwise_fraction (|i| in {1,2}),
//             repeated_notes (i == 0), contour_changes (sign changes of non-zero intervals)
//   MusicVAE attributes: c_diatonic (fraction of notes in the C major scale), and
//             note_density, mean_interval, syncopation_16th, syncopation_8th above.
// Windows with fewer than two notes have 0 for the interval features.
#include <string>
#include <vector>

#include "models/music/melody.hpp"

namespace fl::music {

const std::vector<std::string>& feature_names();
// Which group a feature belongs to: "pitch", "rhythm", "melody" or "attribute".
const std::string& feature_group(std::size_t feature);
std::vector<double> window_features(const Tokens& tokens);

}  // namespace fl::music
