#pragma once
// MusicVAE's monophonic melody encoding (magenta note-seq, melody_encoder_decoder):
// 16 steps per 4/4 bar, 90 classes per step:
//   0 = NO_EVENT (the previous event continues: a held note or an ongoing rest)
//   1 = NOTE_OFF (silence starts)
//   2..89 = note-on of MIDI pitch p = class + 19, p in 21..108.
#include <cstdint>
#include <optional>
#include <vector>

namespace fl::music {

constexpr int kNumClasses = 90;
constexpr int kNoEvent = 0;
constexpr int kNoteOff = 1;
constexpr int kMinPitch = 21;
constexpr int kMaxPitch = 108;
constexpr int kStepsPerBar = 16;

using Tokens = std::vector<std::int32_t>;

constexpr bool is_onset(int token) { return token >= 2; }
constexpr int pitch_of(int token) { return token + 19; }
constexpr int token_of(int pitch) { return pitch - 19; }

// A note on the 16th grid: sounds on steps [start, end).
struct Note {
  int start = 0;
  int end = 0;
  int pitch = 0;
  bool operator==(const Note&) const = default;
};

// Notes (any order, possibly overlapping) to tokens of `length` steps, following the
// reference recipe: onsets in onset order, an onset overrides a NOTE_OFF, two onsets on
// one step keep the higher pitch (polyphony -> highest note), NOTE_OFF at a note's end
// when that step is still NO_EVENT and inside the window. Pitches must be in 21..108.
Tokens notes_to_tokens(const std::vector<Note>& notes, int length);

// Tokens to notes: a note runs from its onset to the next NOTE_OFF/onset or the end.
// NO_EVENT before the first onset and repeated NOTE_OFFs carry no note.
std::vector<Note> tokens_to_notes(const Tokens& tokens);

// The canonical form notes_to_tokens(tokens_to_notes(t)) produces: a NOTE_OFF that follows
// no sounding note becomes NO_EVENT. tokens -> notes -> tokens is the identity on it.
Tokens canonical(const Tokens& tokens);

// Shifts every onset by `semitones`; nullopt when a pitch would leave 21..108.
std::optional<Tokens> transpose(const Tokens& tokens, int semitones);

// Windows of window_bars bars with a hop of hop_bars bars from the start of `segment`
// (whose length must be a multiple of 16). Windows without any note-on are dropped.
std::vector<Tokens> cut_windows(const Tokens& segment, int window_bars, int hop_bars);

// Removes exact duplicates, keeping the first occurrence (order preserved).
std::vector<Tokens> deduplicate(const std::vector<Tokens>& windows);

// Splits a segment at silent gaps of at least one full bar (bar-aligned: a bar without any
// onset that starts in silence), as MusicVAE's gap_bars = 1; pieces without a note-on are
// dropped, pieces longer than max_bars are truncated.
std::vector<Tokens> split_at_silent_bars(const Tokens& segment, int max_bars = 100);

}  // namespace fl::music
