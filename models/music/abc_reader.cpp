#include "models/music/abc_reader.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <string_view>

#include "core/error.hpp"
#include "core/io/files.hpp"

namespace fl::music {

Frac::Frac(std::int64_t n, std::int64_t d) : num(n), den(d) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const std::int64_t g = std::gcd(num, den);
  if (g > 1) {
    num /= g;
    den /= g;
  }
}

int Frac::sixteenths_rounded() const {
  // floor(4 num / den + 1/2) = floor((8 num + den) / (2 den)), for num >= 0.
  return static_cast<int>((8 * num + den) / (2 * den));
}

namespace {

constexpr int kLetterSemitone[7] = {0, 2, 4, 5, 7, 9, 11};  // C D E F G A B

int letter_index(char upper) { return std::string_view("CDEFGAB").find(upper); }

bool is_note_letter(char c) { return (c >= 'A' && c <= 'G') || (c >= 'a' && c <= 'g'); }

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

class AbcParser {
 public:
  AbcParser(std::string origin, AbcDialect dialect) : origin_(std::move(origin)), dialect_(dialect) {}

  std::vector<AbcTune> parse(const std::string& text) {
    std::size_t start = 0;
    while (start <= text.size()) {
      std::size_t end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      ++line_no_;
      line(std::string_view(text).substr(start, end - start));
      start = end + 1;
    }
    finish_tune();
    return std::move(tunes_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(origin_ + ":" + std::to_string(line_no_) + ": " + what);
  }

  void line(std::string_view raw) {
    std::string l = trim(raw.substr(0, raw.find('%')));
    if (l.empty()) {
      if (in_body_) finish_tune();
      return;
    }
    const bool field = l.size() >= 2 && std::isalpha(static_cast<unsigned char>(l[0])) && l[1] == ':';
    if (field && l[0] == 'X') {
      finish_tune();
      in_tune_ = true;
      tune_ = AbcTune{};
      tune_.number = std::atoi(l.c_str() + 2);
      header_meter_.clear();
      unit_set_ = false;
      std::fill(std::begin(key_acc_), std::end(key_acc_), 0);
      return;
    }
    if (!in_tune_) return;  // file header before the first X:
    if (field && (!in_body_ || !is_note_letter(l[0]))) {
      apply_field(l[0], trim(std::string_view(l).substr(2)));
      return;
    }
    if (!in_body_) fail("music line before the K: field");
    body(l);
    // music21 closes a measure at a line end once it holds a full bar.
    if (dialect_ == AbcDialect::music21 && !tune_.meter_free && !(current_.length < bar_length())) bar_line();
  }

  Frac bar_length() const { return Frac(4 * tune_.meter_num, tune_.meter_den); }

  // music21's reading of a written measure longer than the meter: a whole number of bars is
  // cut into bars; any other length gets a time signature of its own (a meter change).
  void split_overfull_measures() {
    const Frac bar = bar_length();
    std::vector<AbcMeasure> out;
    for (AbcMeasure& m : tune_.measures) {
      if (!(bar < m.length)) {
        out.push_back(std::move(m));
        continue;
      }
      const Frac bars = m.length * Frac(bar.den, bar.num);
      if (bars.den != 1) {
        tune_.meter_changes = true;
        out.push_back(std::move(m));
        continue;
      }
      std::size_t k = 0;
      for (std::int64_t b = 0; b < bars.num; ++b) {
        const Frac begin = bar * Frac(b), end = bar * Frac(b + 1);
        AbcMeasure piece;
        piece.length = bar;
        for (; k < m.notes.size() && m.notes[k].offset < end; ++k) {
          const AbcNote& n = m.notes[k];
          if (n.pitch < kMinPitch || n.pitch > kMaxPitch) piece.pitch_out_of_range = true;
          piece.notes.push_back({n.offset - begin, n.length, n.pitch});
        }
        out.push_back(std::move(piece));
      }
    }
    tune_.measures = std::move(out);
  }

  void apply_field(char name, const std::string& value) {
    if (name == 'T' && tune_.title.empty()) tune_.title = value;
    if (name == 'M') set_meter(value);
    if (name == 'L') set_unit(value);
    if (name == 'K') {
      set_key(value);
      if (!in_body_) {
        in_body_ = true;
        if (!unit_set_) {
          const bool short_meter = !tune_.meter_free && 4 * tune_.meter_num < 3 * tune_.meter_den;
          unit_ = short_meter ? Frac(1, 4) : Frac(1, 2);  // L:1/16 or 1/8, in quarters
        }
      }
    }
  }

  void set_meter(const std::string& v) {
    int num = 4, den = 4;
    bool free_meter = false;
    if (v == "C") {
    } else if (v == "C|") {
      num = den = 2;
    } else if (v == "none" || v.empty() || v.rfind("FREI", 0) == 0) {
      free_meter = true;  // Essen writes free meter as "FREI4/4"
    } else {
      const auto slash = v.find('/');
      if (slash == std::string::npos) fail("bad meter 'M:" + v + "'");
      num = std::atoi(v.substr(0, slash).c_str());
      den = std::atoi(v.substr(slash + 1).c_str());
      if (num <= 0 || den <= 0) fail("bad meter 'M:" + v + "'");
    }
    if (in_body_) {
      if (free_meter != tune_.meter_free || num != tune_.meter_num || den != tune_.meter_den)
        tune_.meter_changes = true;
      return;
    }
    tune_.meter_num = num;
    tune_.meter_den = den;
    tune_.meter_free = free_meter;
    header_meter_ = v;
  }

  void set_unit(const std::string& v) {
    const auto slash = v.find('/');
    const int a = std::atoi(v.substr(0, slash).c_str());
    const int b = slash == std::string::npos ? 1 : std::atoi(v.substr(slash + 1).c_str());
    if (a <= 0 || b <= 0) fail("bad unit length 'L:" + v + "'");
    unit_ = Frac(4 * a, b);
    unit_set_ = true;
  }

  void set_key(const std::string& v) {
    std::fill(std::begin(key_acc_), std::end(key_acc_), 0);
    if (v.empty() || v.rfind("none", 0) == 0) return;
    std::size_t i = 0;
    int fifths = 0;
    if (v[0] == 'H' || v[0] == 'h') {
      fifths = 2;  // Highland pipes: F# and C#
      i = 2;
    } else {
      const char tonic = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
      constexpr int kTonicFifths[7] = {0, 2, 4, -1, 1, 3, 5};  // C D E F G A B
      if (letter_index(tonic) < 0 || letter_index(tonic) > 6) fail("bad key 'K:" + v + "'");
      fifths = kTonicFifths[letter_index(tonic)];
      i = 1;
      if (i < v.size() && v[i] == '#') fifths += 7, ++i;
      else if (i < v.size() && v[i] == 'b') fifths -= 7, ++i;
      while (i < v.size() && v[i] == ' ') ++i;
      std::string mode;
      while (i < v.size() && std::isalpha(static_cast<unsigned char>(v[i])))
        mode += static_cast<char>(std::tolower(static_cast<unsigned char>(v[i++])));
      const std::string m3 = mode.substr(0, 3);
      static const std::map<std::string, int> kModes = {
          {"", 0}, {"maj", 0}, {"ion", 0}, {"m", -3}, {"min", -3}, {"aeo", -3}, {"mix", -1},
          {"dor", -2}, {"phr", -4}, {"lyd", 1}, {"loc", -5}, {"exp", 0}};
      const auto it = kModes.find(mode == "m" ? "m" : m3);
      if (it == kModes.end()) fail("unknown mode in 'K:" + v + "'");
      fifths += it->second;
    }
    constexpr char kSharpOrder[] = "FCGDAEB";
    constexpr char kFlatOrder[] = "BEADGCF";
    for (int k = 0; k < std::min(7, std::abs(fifths)); ++k)
      key_acc_[letter_index(fifths > 0 ? kSharpOrder[k] : kFlatOrder[k])] = fifths > 0 ? 1 : -1;
    // Explicit accidentals after the key: "K:D exp ^f _b".
    for (; i < v.size(); ++i) {
      int acc = 0;
      std::size_t j = i;
      while (j < v.size() && (v[j] == '^' || v[j] == '_' || v[j] == '='))
        acc += v[j] == '^' ? 1 : v[j] == '_' ? -1 : 0, ++j;
      if (j > i && j < v.size() && is_note_letter(v[j])) {
        key_acc_[letter_index(static_cast<char>(std::toupper(static_cast<unsigned char>(v[j]))))] = acc;
        i = j;
      }
    }
  }

  // Optional length multiplier after a note/rest/chord: "3", "/2", "/", "//", "3/2".
  Frac read_length(std::string_view s, std::size_t& i) {
    std::int64_t num = 1, den = 1;
    if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
      num = 0;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) num = 10 * num + (s[i++] - '0');
    }
    while (i < s.size() && s[i] == '/') {
      ++i;
      if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        std::int64_t d = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) d = 10 * d + (s[i++] - '0');
        if (d == 0) fail("note length with denominator 0");
        den *= d;
      } else {
        den *= 2;
      }
    }
    if (num == 0) fail("note length 0");
    return Frac(num, den);
  }

  // A pitch "^^c''" at s[i]; returns the MIDI number.
  int read_pitch(std::string_view s, std::size_t& i) {
    int acc = 0;
    bool explicit_acc = false;
    while (i < s.size() && (s[i] == '^' || s[i] == '_' || s[i] == '=')) {
      acc += s[i] == '^' ? 1 : s[i] == '_' ? -1 : 0;
      explicit_acc = true;
      ++i;
    }
    if (i >= s.size() || !is_note_letter(s[i])) fail("accidental without a note");
    const char c = s[i++];
    const int idx = letter_index(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    int octave = std::islower(static_cast<unsigned char>(c)) ? 5 : 4;
    while (i < s.size() && (s[i] == '\'' || s[i] == ','))
      octave += s[i++] == '\'' ? 1 : -1;
    const int slot = octave * 7 + idx;
    if (dialect_ == AbcDialect::music21) return 12 * (octave + 1) + kLetterSemitone[idx] + (explicit_acc ? acc : key_acc_[idx]);
    if (explicit_acc) bar_acc_[slot] = acc;
    const auto it = bar_acc_.find(slot);
    const int a = it != bar_acc_.end() ? it->second : key_acc_[idx];
    return 12 * (octave + 1) + kLetterSemitone[idx] + a;
  }

  AbcNote& note_at(std::pair<std::size_t, std::size_t> ref) {
    return ref.first == tune_.measures.size() ? current_.notes[ref.second]
                                              : tune_.measures[ref.first].notes[ref.second];
  }

  // A note (pitch >= 0) or rest (pitch < 0) of `quarters` notated quarters.
  void element(int pitch, Frac quarters) {
    Frac q = quarters * next_factor_;
    next_factor_ = Frac(1);
    if (tuplet_left_ > 0) {
      q = q * tuplet_factor_;
      --tuplet_left_;
    }
    // A tie joins its two notes whatever the second one spells (e.g. "=f2-|f2" in G major,
    // where the accidental carries over the bar line).
    if (pitch >= 0 && tie_open_) {
      note_at(last_note_).length = note_at(last_note_).length + q;
    } else if (pitch >= 0) {
      if (pitch < kMinPitch || pitch > kMaxPitch) current_.pitch_out_of_range = true;
      current_.notes.push_back({pos_, q, pitch});
      last_note_ = {tune_.measures.size(), current_.notes.size() - 1};
    }
    tie_open_ = false;
    last_is_note_ = pitch >= 0;
    last_pitch_ = pitch;
    last_len_ = q;
    pos_ = pos_ + q;
    current_.length = current_.length + q;
  }

  // Broken rhythm: the previous element gets `extra` more, the next one `next` times.
  void broken(Frac extra_fraction, Frac next) {
    const Frac extra = last_len_ * extra_fraction;
    if (last_is_note_) note_at(last_note_).length = note_at(last_note_).length + extra;
    pos_ = pos_ + extra;
    current_.length = current_.length + extra;
    next_factor_ = next;
  }

  void bar_line() {
    if (!current_.notes.empty() || !current_.length.is_zero()) tune_.measures.push_back(current_);
    current_ = AbcMeasure{};
    pos_ = Frac(0);
    bar_acc_.clear();
  }

  void body(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (is_note_letter(c) || c == '^' || c == '_' || c == '=') {
        const int p = read_pitch(s, i);
        element(p, read_length(s, i) * unit_);
      } else if (c == 'z' || c == 'x' || c == 'Z') {
        ++i;
        const Frac len = read_length(s, i);
        // Z is a rest of whole measures, independent of L:.
        element(-1, c == 'Z' ? len * Frac(4 * tune_.meter_num, tune_.meter_den) : len * unit_);
      } else if (c == '-') {
        tie_open_ = last_is_note_;
        ++i;
      } else if (c == '>' || c == '<') {
        int n = 0;
        while (i < s.size() && s[i] == c) ++n, ++i;
        const Frac small = n == 1 ? Frac(1, 2) : n == 2 ? Frac(1, 4) : Frac(1, 8);
        const Frac big_extra = n == 1 ? Frac(1, 2) : n == 2 ? Frac(3, 4) : Frac(7, 8);
        if (c == '>') broken(big_extra, small);
        else broken(Frac(-1) * (Frac(1) + Frac(-1) * small), Frac(1) + big_extra);
      } else if (c == '(') {
        ++i;
        if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
          const int p = s[i++] - '0';
          int q = (p == 3 || p == 6) ? 2 : (p == 2 || p == 4 || p == 8) ? 3 : 2;
          int r = p;
          if (i < s.size() && s[i] == ':') {
            ++i;
            if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) q = s[i++] - '0';
            if (i < s.size() && s[i] == ':') {
              ++i;
              if (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) r = s[i++] - '0';
            }
          }
          if (p < 2) fail("bad tuplet '(" + std::to_string(p) + "'");
          tuplet_factor_ = Frac(q, p);
          tuplet_left_ = r;
        }  // else a slur: ignored
      } else if (c == ')' || c == ' ' || c == '\t' || c == '`' || c == '\\' || c == 'y' ||
                 c == '$' || c == '.' || c == '~' || c == '&') {
        ++i;
      } else if (std::string_view("HLMOPSTuvRJ").find(c) != std::string_view::npos) {
        ++i;  // single-letter decorations
      } else if (c == '!' || c == '+' || c == '"') {
        const auto close = s.find(c, i + 1);
        if (close == std::string_view::npos) fail(std::string("unterminated ") + c + "..." + c);
        i = close + 1;
      } else if (c == '{') {
        const auto close = s.find('}', i + 1);
        if (close == std::string_view::npos) fail("unterminated grace notes {...}");
        i = close + 1;
      } else if (c == '[' && i + 2 < s.size() && std::isalpha(static_cast<unsigned char>(s[i + 1])) &&
                 s[i + 2] == ':') {
        const auto close = s.find(']', i);
        if (close == std::string_view::npos) fail("unterminated inline field");
        apply_field(s[i + 1], trim(s.substr(i + 3, close - i - 3)));
        i = close + 1;
      } else if (c == '[' && i + 1 < s.size() && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
        ++i;  // repeat ending [1
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == ',' || s[i] == '-')) ++i;
      } else if (c == '[' && i + 1 < s.size() && s[i + 1] == '|') {
        bar_line();
        i += 2;
      } else if (c == '[') {
        chord(s, i);
      } else if (c == '|' || c == ':') {
        while (i < s.size() && (s[i] == '|' || s[i] == ':' || s[i] == ']')) ++i;
        while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == ',')) ++i;
        bar_line();
      } else {
        fail(std::string("unexpected character '") + c + "'");
      }
    }
  }

  // [CEG]2: the highest note sounds; the length is the first note's times the chord's.
  void chord(std::string_view s, std::size_t& i) {
    ++i;
    int highest = -1;
    Frac first_len;
    bool first = true;
    while (i < s.size() && s[i] != ']') {
      if (s[i] == ' ' || s[i] == '-' || s[i] == '.' || s[i] == '~') {
        ++i;
        continue;
      }
      const int p = read_pitch(s, i);
      const Frac len = read_length(s, i);
      if (first) first_len = len;
      first = false;
      highest = std::max(highest, p);
    }
    if (i >= s.size() || first) fail("unterminated or empty chord [...]");
    ++i;
    element(highest, first_len * read_length(s, i) * unit_);
  }

  void finish_tune() {
    if (in_tune_) {
      if (!in_body_) fail("tune X:" + std::to_string(tune_.number) + " has no K: field");
      bar_line();
      if (dialect_ == AbcDialect::music21 && !tune_.meter_free) split_overfull_measures();
      tunes_.push_back(std::move(tune_));
    }
    in_tune_ = in_body_ = false;
    tune_ = AbcTune{};
    current_ = AbcMeasure{};
    pos_ = Frac(0);
    tie_open_ = false;
    tuplet_left_ = 0;
    next_factor_ = Frac(1);
    bar_acc_.clear();
  }

  std::string origin_;
  AbcDialect dialect_;
  int line_no_ = 0;
  std::vector<AbcTune> tunes_;
  AbcTune tune_;
  bool in_tune_ = false, in_body_ = false;
  std::string header_meter_;
  Frac unit_{1, 2};
  bool unit_set_ = false;
  int key_acc_[7] = {};
  std::map<int, int> bar_acc_;
  AbcMeasure current_;
  Frac pos_;
  bool tie_open_ = false;
  std::pair<std::size_t, std::size_t> last_note_{0, 0};
  bool last_is_note_ = false;
  int last_pitch_ = -1;
  Frac last_len_;
  Frac next_factor_{1};
  int tuplet_left_ = 0;
  Frac tuplet_factor_{1};
};

}  // namespace

std::vector<AbcTune> parse_abc(const std::string& text, const std::string& origin, AbcDialect dialect) {
  return AbcParser(origin, dialect).parse(text);
}

std::vector<AbcTune> read_abc_file(const std::filesystem::path& path, AbcDialect dialect) {
  return parse_abc(read_text(path), path.string(), dialect);
}

bool is_common_time(const AbcTune& tune, bool accept_cut_time) {
  if (tune.meter_free || tune.meter_changes) return false;
  if (tune.meter_num == 4 && tune.meter_den == 4) return true;
  return accept_cut_time && tune.meter_num == 2 && tune.meter_den == 2;
}

std::vector<Tokens> tune_segments(const AbcTune& tune) {
  std::vector<Tokens> segments;
  std::vector<Note> notes;
  int bars = 0;
  auto flush = [&] {
    if (bars > 0) segments.push_back(notes_to_tokens(notes, bars * kStepsPerBar));
    notes.clear();
    bars = 0;
  };
  for (const AbcMeasure& m : tune.measures) {
    if (!(m.length == Frac(4)) || m.pitch_out_of_range) {
      flush();
      continue;
    }
    for (const AbcNote& n : m.notes) {
      const int s = kStepsPerBar * bars + n.offset.sixteenths_rounded();
      const int e = std::max(s + 1, kStepsPerBar * bars + (n.offset + n.length).sixteenths_rounded());
      notes.push_back({s, e, n.pitch});
    }
    ++bars;
  }
  flush();
  return segments;
}

}  // namespace fl::music
