#include "models/music/token_file.hpp"

#include <charconv>
#include <sstream>

#include "core/error.hpp"
#include "core/io/files.hpp"

namespace fl::music {
namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

bool starts_with(const std::string& s, const std::string& prefix) {
  return s.rfind(prefix, 0) == 0;
}

int parse_int(const std::string& word, const std::string& where) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), v);
  if (ec != std::errc() || ptr != word.data() + word.size())
    throw InputError(where + ": '" + word + "' is not an integer");
  return v;
}

}  // namespace

TokenFile parse_token_file(const std::string& text, const std::string& origin) {
  TokenFile file;
  bool have_encoding = false, have_steps = false, have_window = false;
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  while (std::getline(in, raw)) {
    ++line_no;
    const std::string where = origin + ":" + std::to_string(line_no);
    const std::string line = trim(raw);
    if (line.empty()) continue;
    if (line[0] == '#') {
      const std::string h = trim(line.substr(1));
      if (starts_with(h, "encoding ")) {
        if (trim(h.substr(9)) != kEncodingHeader)
          throw InputError(where + ": unsupported encoding '" + trim(h.substr(9)) + "' (expected '" +
                           kEncodingHeader + "')");
        have_encoding = true;
      } else if (starts_with(h, "steps_per_bar ")) {
        if (parse_int(trim(h.substr(14)), where) != kStepsPerBar)
          throw InputError(where + ": steps_per_bar must be 16");
        have_steps = true;
      } else if (starts_with(h, "window_bars ")) {
        file.window_bars = parse_int(trim(h.substr(12)), where);
        if (file.window_bars < 0) throw InputError(where + ": window_bars must be >= 0");
        have_window = true;
      } else {
        file.comments.push_back(h);
      }
      continue;
    }
    if (!have_encoding || !have_steps || !have_window)
      throw InputError(where + ": data before the required headers (# encoding, # steps_per_bar, "
                               "# window_bars)");
    std::istringstream words(line);
    std::string id, word;
    words >> id;
    Tokens seq;
    while (words >> word) {
      const int t = parse_int(word, where);
      if (t < 0 || t >= kNumClasses)
        throw InputError(where + ": token " + word + " outside 0..89");
      seq.push_back(t);
    }
    if (seq.empty() || seq.size() % kStepsPerBar != 0)
      throw InputError(where + ": sequence '" + id + "' has " + std::to_string(seq.size()) +
                       " tokens, not a positive multiple of 16");
    if (file.window_bars > 0 && seq.size() != static_cast<std::size_t>(file.window_bars) * kStepsPerBar)
      throw InputError(where + ": sequence '" + id + "' has " + std::to_string(seq.size()) +
                       " tokens but window_bars " + std::to_string(file.window_bars) + " needs " +
                       std::to_string(file.window_bars * kStepsPerBar));
    file.ids.push_back(id);
    file.sequences.push_back(std::move(seq));
  }
  if (!have_encoding || !have_steps || !have_window)
    throw InputError(origin + ": missing header (# encoding, # steps_per_bar and # window_bars are required)");
  return file;
}

TokenFile read_token_file(const std::filesystem::path& path) {
  return parse_token_file(read_text(path), path.string());
}

std::string format_token_file(const TokenFile& file) {
  std::ostringstream out;
  out << "# encoding " << kEncodingHeader << "\n# steps_per_bar " << kStepsPerBar
      << "\n# window_bars " << file.window_bars << "\n";
  for (const auto& c : file.comments) out << "# " << c << "\n";
  for (std::size_t i = 0; i < file.sequences.size(); ++i) {
    out << (i < file.ids.size() ? file.ids[i] : "seq" + std::to_string(i));
    for (int t : file.sequences[i]) out << ' ' << t;
    out << '\n';
  }
  return out.str();
}

void write_token_file(const std::filesystem::path& path, const TokenFile& file) {
  write_text_atomic(path, format_token_file(file));
}

std::vector<Tokens> load_windows(const TokenFile& file, int window_bars, const std::string& origin) {
  if (file.window_bars == window_bars) return file.sequences;
  if (file.window_bars != 0)
    throw InputError(origin + ": holds " + std::to_string(file.window_bars) + "-bar windows but " +
                     std::to_string(window_bars) + "-bar windows are needed (use a whole-segment file, "
                     "window_bars 0)");
  std::vector<Tokens> windows;
  for (const auto& seg : file.sequences)
    for (const auto& piece : split_at_silent_bars(seg))
      for (auto& w : cut_windows(piece, window_bars, 1)) windows.push_back(std::move(w));
  return deduplicate(windows);
}

}  // namespace fl::music
