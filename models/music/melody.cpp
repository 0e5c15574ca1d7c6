#include "models/music/melody.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <string>

namespace fl::music {

Tokens notes_to_tokens(const std::vector<Note>& notes, int length) {
  std::vector<Note> sorted = notes;
  std::stable_sort(sorted.begin(), sorted.end(), [](const Note& a, const Note& b) {
    return a.start != b.start ? a.start < b.start : a.pitch > b.pitch;
  });
  Tokens t(static_cast<std::size_t>(length), kNoEvent);
  for (const Note& n : sorted) {
    if (n.pitch < kMinPitch || n.pitch > kMaxPitch)
      throw std::invalid_argument("notes_to_tokens: pitch " + std::to_string(n.pitch) +
                                  " outside 21..108");
    if (n.start < 0 || n.start >= length) continue;
    int& s = t[static_cast<std::size_t>(n.start)];
    // Same-step onsets: the first in (start, -pitch) order is the highest and wins; the
    // dropped lower note leaves no trace.
    if (is_onset(s)) continue;
    s = token_of(n.pitch);
    const int e = std::max(n.start + 1, n.end);
    if (e < length && t[static_cast<std::size_t>(e)] == kNoEvent) t[static_cast<std::size_t>(e)] = kNoteOff;
  }
  return t;
}

std::vector<Note> tokens_to_notes(const Tokens& tokens) {
  std::vector<Note> notes;
  const int n = static_cast<int>(tokens.size());
  for (int i = 0; i < n; ++i) {
    const int tok = tokens[static_cast<std::size_t>(i)];
    if (!notes.empty() && notes.back().end < 0 && tok != kNoEvent) notes.back().end = i;
    if (is_onset(tok)) notes.push_back({i, -1, pitch_of(tok)});
  }
  if (!notes.empty() && notes.back().end < 0) notes.back().end = n;
  return notes;
}

Tokens canonical(const Tokens& tokens) {
  return notes_to_tokens(tokens_to_notes(tokens), static_cast<int>(tokens.size()));
}

std::optional<Tokens> transpose(const Tokens& tokens, int semitones) {
  Tokens out = tokens;
  for (auto& tok : out) {
    if (!is_onset(tok)) continue;
    const int p = pitch_of(tok) + semitones;
    if (p < kMinPitch || p > kMaxPitch) return std::nullopt;
    tok = token_of(p);
  }
  return out;
}

std::vector<Tokens> cut_windows(const Tokens& segment, int window_bars, int hop_bars) {
  if (segment.size() % kStepsPerBar != 0)
    throw std::invalid_argument("cut_windows: segment length is not a multiple of 16");
  const std::size_t w = static_cast<std::size_t>(window_bars) * kStepsPerBar;
  const std::size_t hop = static_cast<std::size_t>(hop_bars) * kStepsPerBar;
  std::vector<Tokens> out;
  for (std::size_t start = 0; start + w <= segment.size(); start += hop) {
    Tokens win(segment.begin() + static_cast<std::ptrdiff_t>(start),
               segment.begin() + static_cast<std::ptrdiff_t>(start + w));
    if (std::any_of(win.begin(), win.end(), [](int t) { return is_onset(t); }))
      out.push_back(std::move(win));
  }
  return out;
}

std::vector<Tokens> deduplicate(const std::vector<Tokens>& windows) {
  std::set<Tokens> seen;
  std::vector<Tokens> out;
  for (const auto& w : windows)
    if (seen.insert(w).second) out.push_back(w);
  return out;
}

std::vector<Tokens> split_at_silent_bars(const Tokens& segment, int max_bars) {
  const int bars = static_cast<int>(segment.size()) / kStepsPerBar;
  std::vector<bool> sounding(segment.size(), false);
  for (const Note& n : tokens_to_notes(segment))
    for (int s = n.start; s < n.end; ++s) sounding[static_cast<std::size_t>(s)] = true;
  std::vector<Tokens> pieces;
  Tokens current;
  auto flush = [&] {
    if (std::any_of(current.begin(), current.end(), [](int t) { return is_onset(t); })) {
      if (static_cast<int>(current.size()) > max_bars * kStepsPerBar)
        current.resize(static_cast<std::size_t>(max_bars) * kStepsPerBar);
      pieces.push_back(current);
    }
    current.clear();
  };
  for (int b = 0; b < bars; ++b) {
    const auto first = segment.begin() + b * kStepsPerBar;
    const bool silent = std::none_of(sounding.begin() + b * kStepsPerBar,
                                     sounding.begin() + (b + 1) * kStepsPerBar, [](bool x) { return x; });
    if (silent) {
      flush();
    } else {
      current.insert(current.end(), first, first + kStepsPerBar);
    }
  }
  flush();
  return pieces;
}

}  // namespace fl::music
