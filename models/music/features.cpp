#include "models/music/features.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace fl::music {

const std::vector<std::string>& feature_names() {
  static const std::vector<std::string> names = {
      "mean_pitch", "pitch_range", "pitch_variety", "pitch_class_variety", "most_common_pitch",
      "note_density", "mean_duration", "duration_variability", "syncopation_16th", "syncopation_8th",
      "mean_interval", "stepwise_fraction", "repeated_notes", "contour_changes", "c_diatonic"};
  return names;
}

const std::string& feature_group(std::size_t feature) {
  static const std::vector<std::string> groups = {
      "pitch", "pitch", "pitch", "pitch", "pitch", "rhythm", "rhythm", "rhythm", "rhythm", "rhythm",
      "melody", "melody", "melody", "melody", "attribute"};
  return groups.at(feature);
}

std::vector<double> window_features(const Tokens& tokens) {
  const std::vector<Note> notes = tokens_to_notes(tokens);
  std::vector<double> f(feature_names().size(), 0.0);
  const double n = static_cast<double>(notes.size());
  if (notes.empty()) return f;
  std::map<int, int> pitch_count;
  std::set<int> classes;
  double sum_p = 0, sum_d = 0, sum_d2 = 0, sync16 = 0, sync8 = 0, diatonic = 0;
  int lo = 200, hi = -1;
  for (const Note& x : notes) {
    sum_p += x.pitch;
    lo = std::min(lo, x.pitch);
    hi = std::max(hi, x.pitch);
    ++pitch_count[x.pitch];
    classes.insert(x.pitch % 12);
    const double d = x.end - x.start;
    sum_d += d;
    sum_d2 += d * d;
    sync16 += x.start % 2 == 1;
    sync8 += x.start % 4 == 2;
    const int pc = x.pitch % 12;
    diatonic += pc == 0 || pc == 2 || pc == 4 || pc == 5 || pc == 7 || pc == 9 || pc == 11;
  }
  int most = notes[0].pitch, most_count = 0;
  for (const auto& [p, c] : pitch_count)
    if (c > most_count) most = p, most_count = c;  // ties: the lowest pitch
  const double mean_d = sum_d / n;
  f[0] = sum_p / n;
  f[1] = hi - lo;
  f[2] = static_cast<double>(pitch_count.size());
  f[3] = static_cast<double>(classes.size());
  f[4] = most;
  f[5] = n / (static_cast<double>(tokens.size()) / kStepsPerBar);
  f[6] = mean_d;
  f[7] = std::sqrt(std::max(0.0, sum_d2 / n - mean_d * mean_d));
  f[8] = sync16 / n;
  f[9] = sync8 / n;
  if (notes.size() >= 2) {
    double sum_abs = 0, steps = 0, repeats = 0, changes = 0;
    int last_sign = 0;
    for (std::size_t k = 1; k < notes.size(); ++k) {
      const int iv = notes[k].pitch - notes[k - 1].pitch;
      sum_abs += std::abs(iv);
      steps += std::abs(iv) == 1 || std::abs(iv) == 2;
      repeats += iv == 0;
      const int sign = (iv > 0) - (iv < 0);
      if (sign != 0) {
        if (last_sign != 0 && sign != last_sign) ++changes;
        last_sign = sign;
      }
    }
    const double m = n - 1;
    f[10] = sum_abs / m;
    f[11] = steps / m;
    f[12] = repeats / m;
    f[13] = changes;
  }
  f[14] = diatonic / n;
  return f;
}

}  // namespace fl::music
