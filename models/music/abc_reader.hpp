#pragma once
// A reader for the ABC subset used by folk-song collections (Essen, O'Neill, ...): header
// fields X: T: M: L: K:, notes with accidentals/octave marks/lengths, rests, bar lines and
// repeat marks, ties, broken rhythm (> <), tuplets (3, chords (highest note kept), grace
// notes, decorations, chord symbols and inline fields (skipped, except [M:] [L:] [K:]).
// Repeats are not expanded: measures are taken in written order, as the music21 path does.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/music/melody.hpp"

namespace fl::music {

// Exact rational number of quarter notes.
struct Frac {
  std::int64_t num = 0;
  std::int64_t den = 1;
  Frac() = default;
  Frac(std::int64_t n, std::int64_t d = 1);
  Frac operator+(const Frac& o) const { return {num * o.den + o.num * den, den * o.den}; }
  Frac operator-(const Frac& o) const { return {num * o.den - o.num * den, den * o.den}; }
  Frac operator*(const Frac& o) const { return {num * o.num, den * o.den}; }
  bool operator<(const Frac& o) const { return num * o.den < o.num * den; }
  bool operator==(const Frac& o) const { return num == o.num && den == o.den; }
  bool is_zero() const { return num == 0; }
  // round(4 * value) with halves rounded up: the position on the 16th grid.
  int sixteenths_rounded() const;
};

struct AbcNote {
  Frac offset;  // quarters from the start of its measure
  Frac length;  // quarters, ties merged (may reach into later measures)
  int pitch = 0;  // MIDI number
};

struct AbcMeasure {
  Frac length;                 // notated content in quarters (rests included)
  std::vector<AbcNote> notes;  // onsets in this measure
  bool pitch_out_of_range = false;
};

struct AbcTune {
  int number = 0;     // X:
  std::string title;  // first T:
  int meter_num = 4, meter_den = 4;
  bool meter_free = false;     // M: none
  bool meter_changes = false;  // another M: in the body
  std::vector<AbcMeasure> measures;
};

// Two readings of the same text:
//  - standard (ABC 2.1): an accidental holds until the end of its bar; measures are the
//    written bars.
//  - music21 (what music21 10.x produces, so both data paths give identical tokens): an
//    accidental applies to its own note only; a line end closes a measure that already
//    holds a full bar (Essen often omits bar lines at line ends); a measure of a whole
//    number of bars is cut into bars, any other over-full measure counts as a meter change
//    (music21 gives it its own time signature). Matched on the Essen files of the test.
enum class AbcDialect { standard, music21 };

// All tunes in the text. InputError("<origin>:<line>: <problem>") on malformed input.
std::vector<AbcTune> parse_abc(const std::string& text, const std::string& origin,
                               AbcDialect dialect = AbcDialect::standard);
std::vector<AbcTune> read_abc_file(const std::filesystem::path& path, AbcDialect dialect = AbcDialect::standard);


// True when the tune has one meter, 4/4 (or 2/2 when accept_cut_time).
bool is_common_time(const AbcTune& tune, bool accept_cut_time);

// Token segments of a tune: runs of complete 4-quarter measures (a pickup, an incomplete
// measure or an out-of-range pitch ends a segment), encoded on the 16th grid following the
// reference recipe (s = 16b + round(4 offset), e = max(s+1, 16b + round(4 (offset+length)))).
std::vector<Tokens> tune_segments(const AbcTune& tune);

}  // namespace fl::music
